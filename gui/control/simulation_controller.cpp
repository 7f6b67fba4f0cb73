#include "control/simulation_controller.h"

#include <algorithm>

namespace mailsim::gui {

SimulationController::SimulationController(QObject *parent)
    : QObject(parent), m_world(std::make_unique<world::World>(world::WorldSpec{}))
{
}

SimulationController::~SimulationController() = default;

void SimulationController::load(const scenario::Scenario &scenario)
{
    m_scenario = scenario;
    m_world = std::make_unique<world::World>(m_scenario.world);
    m_cursor = 0;
    Q_EMIT worldReplaced();
}

void SimulationController::reset()
{
    m_world->reset();
    m_cursor = 0;
    Q_EMIT worldReplaced();
}

int SimulationController::currentStage() const
{
    return m_cursor == 0 ? 0 : m_world->trace().at(m_cursor - 1).stage;
}

bool SimulationController::atEnd() const
{
    return m_cursor >= m_world->trace().size() && m_world->simulation().idle();
}

void SimulationController::simulateUntil(std::size_t count)
{
    while (m_world->trace().size() < count && m_world->step()) {
    }
}

void SimulationController::moveTo(std::size_t cursor)
{
    const bool wasAtEnd = atEnd();
    // One event ahead of the cursor: then atEnd() is true as soon as the last event is
    // shown, not only after a further step that finds the kernel's last (untraced) work.
    simulateUntil(cursor + 1);
    cursor = std::min(cursor, m_world->trace().size());
    if (cursor == m_cursor && atEnd() == wasAtEnd)
        return;
    const std::size_t previous = m_cursor;
    m_cursor = cursor;
    Q_EMIT cursorChanged(previous);
}

bool SimulationController::stepForward()
{
    const std::size_t before = m_cursor;
    moveTo(m_cursor + 1);
    return m_cursor != before;
}

bool SimulationController::stepBack()
{
    if (m_cursor == 0)
        return false;
    moveTo(m_cursor - 1);
    return true;
}

bool SimulationController::nextStage()
{
    const int stage = currentStage();
    std::size_t target = m_cursor;
    for (;;) {
        simulateUntil(target + 1);
        if (target >= m_world->trace().size())
            break; // the end: show everything
        if (m_world->trace().at(target).stage > stage)
            break; // `target` is the first event of a later stage: show up to and including it
        ++target;
    }
    const std::size_t before = m_cursor;
    moveTo(std::min(target + 1, m_world->trace().size()));
    return m_cursor != before;
}

bool SimulationController::previousStage()
{
    if (m_cursor == 0)
        return false;
    const auto &trace = m_world->trace();
    // The first event of the current stage's run; if we are on it already, go to the first
    // event of the run before.
    auto startOfRun = [&](std::size_t last) {
        std::size_t i = last;
        while (i > 0 && trace.at(i - 1).stage == trace.at(last).stage)
            --i;
        return i;
    };
    std::size_t start = startOfRun(m_cursor - 1);
    if (start == m_cursor - 1) {
        if (start == 0) {
            moveTo(0); // on the very first event: back to before it
            return true;
        }
        start = startOfRun(start - 1);
    }
    moveTo(start + 1);
    return true;
}

void SimulationController::runToEnd()
{
    m_world->runToEnd();
    moveTo(m_world->trace().size());
}

void SimulationController::seek(std::size_t cursor)
{
    moveTo(cursor);
}

} // namespace mailsim::gui
