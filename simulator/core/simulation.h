// The discrete-event kernel: a virtual clock and one event queue.
//
// Events are ordered by (time, sequence number). The sequence number is the order in which
// events were scheduled, so two events due at the same virtual time always run in the same
// order, and the same inputs give the same run, event for event. Nothing here reads the
// wall clock or any source of randomness.
#pragma once

#include "core/sim_time.h"

#include <functional>
#include <queue>
#include <vector>

namespace mailsim::core {

class Simulation
{
public:
    using Action = std::function<void()>;

    Simulation() = default;
    Simulation(const Simulation &) = delete;
    Simulation &operator=(const Simulation &) = delete;

    [[nodiscard]] SimTime now() const { return m_now; }

    // Runs action at now() + delay (delay >= 0; a negative delay is treated as 0).
    void schedule(SimTime delay, Action action);
    // Runs action at an absolute time; a time in the past runs at now().
    void scheduleAt(SimTime when, Action action);

    // Runs the next event, advancing the clock to its time. False when nothing is left.
    bool step();
    // Runs events while their time is <= limit; the clock ends at the last event run.
    void runUntil(SimTime limit);
    // Runs events while their time is <= limit, then sets the clock to limit (if it is later):
    // what a real-time driver does when the wall clock has reached `limit`, so that what it
    // schedules next (bytes from a real socket) starts from the present, not from the last event.
    void advanceTo(SimTime limit);
    // Runs events until stop() returns true (checked after each event) or none are left.
    // Returns true when it stopped because of the predicate.
    bool runUntil(const std::function<bool()> &stop);
    void runToEnd();

    [[nodiscard]] bool idle() const { return m_queue.empty(); }
    [[nodiscard]] std::size_t pending() const { return m_queue.size(); }
    // Time of the next event; only meaningful when !idle().
    [[nodiscard]] SimTime nextTime() const;
    [[nodiscard]] quint64 eventsRun() const { return m_eventsRun; }

    // Drops every pending event and sets the clock back to 0.
    void reset();

private:
    struct Entry
    {
        SimTime time;
        quint64 sequence;
        Action action;
    };
    struct Later
    {
        bool operator()(const Entry &a, const Entry &b) const
        {
            return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
        }
    };

    std::priority_queue<Entry, std::vector<Entry>, Later> m_queue;
    SimTime m_now = 0;
    quint64 m_nextSequence = 0;
    quint64 m_eventsRun = 0;
};

} // namespace mailsim::core
