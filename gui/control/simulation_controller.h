// Drives a World for the window: where the student is in the trace, and how to move.
//
// The trace is append-only and every view derives what it shows from the events up to the
// cursor, so moving back is moving the cursor: nothing is undone, and the state shown after
// "back" is exactly the state shown before the step that is being taken back. Moving forward
// past what has been simulated runs the kernel until the next trace event exists.
// Loading or resetting rebuilds the world from its spec (the simulation is deterministic,
// so a replay gives the same trace).
#pragma once

#include "scenario/scenario.h"
#include "world/world.h"

#include <QObject>

#include <memory>

namespace mailsim::gui {

class SimulationController : public QObject
{
    Q_OBJECT
public:
    explicit SimulationController(QObject *parent = nullptr);
    ~SimulationController() override;

    // Replaces the scenario; the cursor goes back to 0. (A file that does not load never
    // reaches here: the caller keeps the open scenario.)
    void load(const scenario::Scenario &scenario);
    [[nodiscard]] const scenario::Scenario &scenario() const { return m_scenario; }
    [[nodiscard]] const world::World &world() const { return *m_world; }
    [[nodiscard]] const trace::TraceLog &trace() const { return m_world->trace(); }

    // Number of trace events shown: events [0, cursor) have happened for the views.
    [[nodiscard]] std::size_t cursor() const { return m_cursor; }
    // Stage of the last shown event (0 before the first).
    [[nodiscard]] int currentStage() const;
    // True when the kernel has nothing left and every event is shown.
    [[nodiscard]] bool atEnd() const;

public Q_SLOTS:
    bool stepForward();        // one event; false at the end
    bool stepBack();           // one event; false at the start
    bool nextStage();          // forward to the first event of a later stage (or the end)
    bool previousStage();      // back to the first event of the current stage, or of the one before
    void reset();              // cursor 0, world rebuilt
    void runToEnd();
    void seek(std::size_t cursor); // e.g. a row chosen in the event table; simulates as needed

Q_SIGNALS:
    // After load() and reset(): models must rebuild from scratch.
    void worldReplaced();
    // The cursor moved from `previous` to `cursor()`, or atEnd() changed.
    void cursorChanged(std::size_t previous);

private:
    // Simulates until the trace holds at least `count` events or nothing is left.
    void simulateUntil(std::size_t count);
    void moveTo(std::size_t cursor);

    scenario::Scenario m_scenario;
    std::unique_ptr<world::World> m_world;
    std::size_t m_cursor = 0;
};

} // namespace mailsim::gui
