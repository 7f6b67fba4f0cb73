// Runs the simulation's kernel in step with the wall clock, for as long as real clients may
// talk to it: an event due at virtual time t runs when t has passed on the wall clock, counted
// from start(). Between events it sleeps in the Qt event loop, so sockets are served.
//
// Determinism ends here: what real clients send, and when, is not in any scenario. That is
// why only the bridge uses this; everything else steps the kernel itself.
#pragma once

#include "core/simulation.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace mailsim::bridge {

class RealTimeRunner : public QObject
{
    Q_OBJECT

public:
    explicit RealTimeRunner(core::Simulation &simulation, QObject *parent = nullptr);

    // From now on, virtual time follows the wall clock, starting from the kernel's now().
    void start();
    void stop();
    [[nodiscard]] bool running() const { return m_running; }
    // The virtual time that corresponds to this moment.
    [[nodiscard]] core::SimTime virtualNow() const;

    // Runs every event due by now and sets the clock to now, then sleeps until the next one.
    // Call it before handing the kernel real input (so that what the input causes starts from
    // the present) and after (so that what is due at once happens at once). Calls from inside
    // a kernel event do nothing: the run in progress will reach what they would.
    void catchUp();

signals:
    // Events ran: the trace may have grown.
    void advanced();

private:
    core::Simulation &m_simulation;
    QElapsedTimer m_wall;
    core::SimTime m_start = 0;
    QTimer m_timer;
    bool m_running = false;
    bool m_inside = false;
};

} // namespace mailsim::bridge
