#include "bridge/real_time_runner.h"

#include <algorithm>

namespace mailsim::bridge {

RealTimeRunner::RealTimeRunner(core::Simulation &simulation, QObject *parent)
    : QObject(parent), m_simulation(simulation)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RealTimeRunner::catchUp);
}

void RealTimeRunner::start()
{
    m_start = m_simulation.now();
    m_wall.start();
    m_running = true;
    m_timer.start(0); // from the event loop, so that the caller can say what it opened first
}

void RealTimeRunner::stop()
{
    m_running = false;
    m_timer.stop();
}

core::SimTime RealTimeRunner::virtualNow() const
{
    return m_start + m_wall.nsecsElapsed() / 1000;
}

void RealTimeRunner::catchUp()
{
    if (!m_running || m_inside)
        return;
    m_inside = true;
    const quint64 before = m_simulation.eventsRun();
    m_simulation.advanceTo(virtualNow());
    m_inside = false;
    if (!m_simulation.idle()) {
        // Milliseconds, rounded up: a timer that fires early would find nothing due.
        const core::SimTime wait = m_simulation.nextTime() - virtualNow();
        m_timer.start(static_cast<int>(std::clamp<core::SimTime>((wait + 999) / 1000, 0, 24 * 3600 * 1000)));
    } else {
        m_timer.stop();
    }
    if (m_simulation.eventsRun() != before)
        emit advanced();
}

} // namespace mailsim::bridge
