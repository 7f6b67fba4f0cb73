#include "core/simulation.h"

#include <utility>

namespace mailsim::core {

void Simulation::schedule(SimTime delay, Action action)
{
    scheduleAt(m_now + (delay > 0 ? delay : 0), std::move(action));
}

void Simulation::scheduleAt(SimTime when, Action action)
{
    m_queue.push(Entry{when < m_now ? m_now : when, m_nextSequence++, std::move(action)});
}

bool Simulation::step()
{
    if (m_queue.empty())
        return false;
    // priority_queue::top() is const; moving the action out before pop() is safe because
    // pop() only needs the ordering fields, which stay intact.
    Entry &top = const_cast<Entry &>(m_queue.top());
    Action action = std::move(top.action);
    m_now = top.time;
    m_queue.pop();
    ++m_eventsRun;
    action();
    return true;
}

void Simulation::runUntil(SimTime limit)
{
    while (!m_queue.empty() && m_queue.top().time <= limit)
        step();
}

void Simulation::advanceTo(SimTime limit)
{
    runUntil(limit);
    if (limit > m_now)
        m_now = limit;
}

bool Simulation::runUntil(const std::function<bool()> &stop)
{
    while (step()) {
        if (stop())
            return true;
    }
    return false;
}

void Simulation::runToEnd()
{
    while (step()) {
    }
}

SimTime Simulation::nextTime() const
{
    return m_queue.empty() ? m_now : m_queue.top().time;
}

void Simulation::reset()
{
    m_queue = {};
    m_now = 0;
    m_nextSequence = 0;
    m_eventsRun = 0;
}

} // namespace mailsim::core
