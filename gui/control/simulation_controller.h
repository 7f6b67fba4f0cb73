// Drives a World for the window: where the student is in the trace, and how to move.
//
// The trace is append-only and every view derives what it shows from the events up to the
// cursor, so moving back is moving the cursor: nothing is undone, and the state shown after
// "back" is exactly the state shown before the step that is being taken back. Moving forward
// past what has been simulated runs the kernel until the next trace event exists.
// Loading or resetting rebuilds the world from its spec (the simulation is deterministic,
// so a replay gives the same trace).
//
// Listening for real clients (the Real clients panel) changes who drives the kernel: a
// bridge::RealClientBridge opens real sockets into a world of the scenario with a way in for
// real mail programs, and runs that world in real time by itself. Then:
//  - the controller never steps the world (one driver at a time): moving forward stops at
//    the last event that has happened, and "run to the end" goes to it;
//  - new events are shown as they come when the cursor is at the end of the trace (it
//    follows the end, "live"); anywhere else it stays where the student put it, and
//    stepping back and forward are cursor moves as always;
//  - atEnd() is false, since a real client may always send more;
//  - load() and reset() stop listening first: a replay cannot replay real clients. The
//    window says so in its status bar.
// Stopping keeps that world and its trace, real clients' events included, and the
// controller drives again from where the world is: one event ahead of the cursor.
#pragma once

#include "bridge/real_client_bridge.h"
#include "scenario/scenario.h"
#include "world/world.h"

#include <QObject>

#include <memory>

class QTimer;

namespace mailsim::gui {

class SimulationController : public QObject
{
    Q_OBJECT
public:
    explicit SimulationController(QObject *parent = nullptr);
    ~SimulationController() override;

    // Replaces the scenario; the cursor goes back to 0. (A file that does not load never
    // reaches here: the caller keeps the open scenario.) Stops listening first.
    void load(const scenario::Scenario &scenario);
    [[nodiscard]] const scenario::Scenario &scenario() const { return m_scenario; }
    [[nodiscard]] const world::World &world() const { return *m_world; }
    [[nodiscard]] const trace::TraceLog &trace() const { return m_world->trace(); }
    // The spec the world in use was built from: the scenario's, or while there are real
    // clients, the scenario's with their way in (realClients, perhaps web mail turned on).
    // Views read hosts and links from here, never from scenario().world.
    [[nodiscard]] const world::WorldSpec &worldSpec() const { return m_world->spec(); }

    // Number of trace events shown: events [0, cursor) have happened for the views.
    [[nodiscard]] std::size_t cursor() const { return m_cursor; }
    // Stage of the last shown event (0 before the first).
    [[nodiscard]] int currentStage() const;
    // True when the kernel has nothing left and every event is shown; never while listening.
    [[nodiscard]] bool atEnd() const;

    // ---- Real clients --------------------------------------------------------------------
    // Opens the mail server on host `server` to real mail programs on this computer with
    // `options` (services and ports, 0: any free port). Unless the world in use already has
    // that way in (listening was stopped before), the world is replaced by a new one of the
    // scenario with real clients at `server` (and web mail on it when HTTP is asked for):
    // worldReplaced, cursor 0, and the scenario plays in real time as the views follow it.
    // On failure (a port taken, no such server) nothing changes, nothing is left open, and
    // *error says why.
    bool startListening(const QString &server, const bridge::BridgeOptions &options, QString *error = nullptr);
    // Closes every listener and real connection; the world and its trace stay.
    void stopListening();
    [[nodiscard]] bool isListening() const { return m_bridge != nullptr; }
    // While listening: the bridge (ports, the gate's accounts, connections); else null.
    [[nodiscard]] const bridge::RealClientBridge *bridge() const { return m_bridge.get(); }
    // Listening with the cursor at the end: new events are shown as they happen.
    [[nodiscard]] bool isFollowing() const;
    // Whether the world has nothing scheduled: while listening, the scenario has played out
    // and no real client is connected. For the screenshot to wait for; views show the trace.
    [[nodiscard]] bool worldIdle() const { return m_world->simulation().idle(); }

public Q_SLOTS:
    bool stepForward();        // one event; false at the end
    bool stepBack();           // one event; false at the start
    bool nextStage();          // forward to the first event of a later stage (or the end)
    bool previousStage();      // back to the first event of the current stage, or of the one before
    void reset();              // cursor 0, world rebuilt
    void runToEnd();           // while listening: to the last event so far, following from there
    void seek(std::size_t cursor); // e.g. a row chosen in the event table; simulates as needed

Q_SIGNALS:
    // After load() and reset(), and when listening starts on a new world: models must
    // rebuild from scratch.
    void worldReplaced();
    // The cursor moved from `previous` to `cursor()`, or atEnd() changed.
    void cursorChanged(std::size_t previous);
    // Listening started or stopped.
    void listeningChanged(bool listening);
    // While listening: a real client came or went (`open` are connected now).
    void realClientsChanged(int open);
    // While listening: the trace grew. When the cursor followed, cursorChanged came first.
    void liveTraceGrew();

private:
    // Simulates until the trace holds at least `count` events or nothing is left; does
    // nothing while the bridge's runner drives the world.
    void simulateUntil(std::size_t count);
    void moveTo(std::size_t cursor);
    // While listening: catches up with what the world did by itself.
    void followLive();
    void stopBridge();

    scenario::Scenario m_scenario;
    std::unique_ptr<world::World> m_world;
    std::size_t m_cursor = 0;
    // Declared after the world it runs: destroyed before it, whatever the destructor does.
    std::unique_ptr<bridge::RealClientBridge> m_bridge;
    // The trace's length when the cursor was last placed or followed: the cursor at or
    // beyond it is "at the end".
    std::size_t m_liveSeen = 0;
    // Gathers the bursts of advanced() (one per socket read) into one update of the views.
    QTimer *m_liveTimer = nullptr;
};

} // namespace mailsim::gui
