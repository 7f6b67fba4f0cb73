#include "control/simulation_controller.h"

#include <QTimer>

#include <algorithm>

namespace mailsim::gui {

namespace {
// How long new events wait before the views hear of them while listening: a real client's
// dialogue arrives in many small reads, each running a few kernel events; the views are
// told once per burst rather than once per read. Below what a person notices.
constexpr int kLiveUpdateMs = 30;
} // namespace

SimulationController::SimulationController(QObject *parent)
    : QObject(parent), m_world(std::make_unique<world::World>(world::WorldSpec{})), m_liveTimer(new QTimer(this))
{
    m_liveTimer->setSingleShot(true);
    m_liveTimer->setInterval(kLiveUpdateMs);
    connect(m_liveTimer, &QTimer::timeout, this, &SimulationController::followLive);
}

SimulationController::~SimulationController()
{
    // The bridge goes before its world, and quietly: the views may be half destroyed.
    const QSignalBlocker quiet(this);
    stopBridge();
}

void SimulationController::load(const scenario::Scenario &scenario)
{
    stopListening();
    m_scenario = scenario;
    m_world = std::make_unique<world::World>(m_scenario.world);
    m_cursor = 0;
    Q_EMIT worldReplaced();
}

void SimulationController::reset()
{
    stopListening();
    // A world that had real clients goes back to being the scenario's own.
    if (!m_world->spec().realClients.server.isEmpty())
        m_world = std::make_unique<world::World>(m_scenario.world);
    else
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
    return !isListening() && m_cursor >= m_world->trace().size() && m_world->simulation().idle();
}

void SimulationController::simulateUntil(std::size_t count)
{
    if (isListening())
        return; // the bridge's runner drives the world in real time
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
    // Whether the cursor is at the end is judged against the trace as it is now.
    m_liveSeen = m_world->trace().size();
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
    // While listening the end is now: running the kernel to its end would play the real
    // clients' future (idle timeouts, retries) at once instead of in real time.
    if (!isListening())
        m_world->runToEnd();
    moveTo(m_world->trace().size());
}

void SimulationController::seek(std::size_t cursor)
{
    moveTo(cursor);
}

bool SimulationController::isFollowing() const
{
    return isListening() && m_cursor >= m_liveSeen;
}

bool SimulationController::startListening(const QString &server, const bridge::BridgeOptions &options,
                                          QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    stopListening();
    // The world real clients reach: the scenario's, with their way in at the chosen server.
    const bool web = options.ports.count(bridge::Service::Http) > 0;
    QString problem;
    const std::optional<world::WorldSpec> made = bridge::withRealClients(m_scenario.world, server, web, &problem);
    if (!made)
        return fail(problem);
    const world::WorldSpec &spec = *made;

    // The world in use will do when it has that very way in: listening again after a stop
    // goes on with the same world, and the real clients' earlier events stay in the trace.
    const world::WorldSpec &current = m_world->spec();
    bool reuse = current.realClients.server.compare(spec.realClients.server, Qt::CaseInsensitive) == 0;
    if (reuse && web) {
        reuse = std::any_of(current.servers.begin(), current.servers.end(), [&](const world::ServerSpec &s) {
            return s.settings.hostname == spec.realClients.server && s.web.enabled;
        });
    }
    std::unique_ptr<world::World> fresh;
    if (!reuse) {
        fresh = std::make_unique<world::World>(spec);
        if (!fresh->problems().isEmpty())
            return fail(fresh->problems().join(QLatin1Char('\n')));
    }
    // Started before anything is replaced: when a port is taken, the window keeps its world.
    auto bridge = std::make_unique<bridge::RealClientBridge>(fresh ? *fresh : *m_world);
    if (!bridge->start(options))
        return fail(bridge->errorString());

    if (fresh) {
        m_world = std::move(fresh);
        m_cursor = 0;
    }
    m_bridge = std::move(bridge);
    m_liveSeen = m_world->trace().size(); // a new world: empty, so the cursor follows from 0
    connect(m_bridge.get(), &bridge::RealClientBridge::advanced, this, [this] {
        if (!m_liveTimer->isActive())
            m_liveTimer->start();
    });
    connect(m_bridge.get(), &bridge::RealClientBridge::connectionsChanged, this, [this](int open) {
        Q_EMIT realClientsChanged(open);
        if (!m_liveTimer->isActive())
            m_liveTimer->start(); // a refusal or a note may have been traced without a kernel event
    });
    if (reuse)
        Q_EMIT cursorChanged(m_cursor); // atEnd() is false from now on
    else
        Q_EMIT worldReplaced();
    Q_EMIT listeningChanged(true);
    return true;
}

void SimulationController::followLive()
{
    const std::size_t size = m_world->trace().size();
    if (!isListening() || size == m_liveSeen)
        return;
    const bool follow = m_cursor >= m_liveSeen;
    m_liveSeen = size;
    if (follow && m_cursor != size) {
        const std::size_t previous = m_cursor;
        m_cursor = size;
        Q_EMIT cursorChanged(previous);
    }
    Q_EMIT liveTraceGrew();
}

void SimulationController::stopBridge()
{
    if (!m_bridge)
        return;
    m_liveTimer->stop();
    m_bridge->disconnect(this);
    // Closing the real connections runs the kernel once more (the servers see the clients
    // go), so the trace may grow here.
    m_bridge->stop();
    m_bridge.reset();
}

void SimulationController::stopListening()
{
    if (!m_bridge)
        return;
    const bool follow = m_cursor >= m_liveSeen;
    stopBridge();
    const std::size_t previous = m_cursor;
    if (follow)
        m_cursor = m_world->trace().size();
    // The controller drives again, from wherever the world is: one event ahead of the cursor.
    simulateUntil(m_cursor + 1);
    m_liveSeen = m_world->trace().size();
    Q_EMIT listeningChanged(false);
    Q_EMIT cursorChanged(previous); // the cursor may have followed, and atEnd() may be true now
}

} // namespace mailsim::gui
