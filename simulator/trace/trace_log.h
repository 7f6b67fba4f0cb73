// The append-only record of a run: the actors (hosts) and the events between them.
#pragma once

#include "trace/trace_event.h"

#include <functional>
#include <vector>

namespace mailsim::trace {

class TraceLog
{
public:
    using Listener = std::function<void(const TraceEvent &event, std::size_t index)>;

    ActorId addActor(Actor actor);
    [[nodiscard]] const std::vector<Actor> &actors() const { return m_actors; }
    [[nodiscard]] const Actor &actor(ActorId id) const;
    [[nodiscard]] QString actorName(ActorId id) const; // "" for -1
    // The actor with this host name (case-insensitive), or -1.
    [[nodiscard]] ActorId findActor(const QString &name) const;

    void append(TraceEvent event);
    // While a server handles a real client's input, every event appended is marked
    // causedByRealClient: what that input made the server do. Calls nest.
    void beginRealClientCause() { ++m_realClientCause; }
    void endRealClientCause() { --m_realClientCause; }
    // Sets the arrival time of the last event (a queue-defer's next attempt).
    void setLastArrival(core::SimTime time) { if (!m_events.empty()) m_events.back().arrival = time; }
    // A vector: measured faster than a deque here (docs/benchmarks.md), since a deque of
    // 64-byte events allocates a block for every eight of them.
    [[nodiscard]] const std::vector<TraceEvent> &events() const { return m_events; }
    [[nodiscard]] std::size_t size() const { return m_events.size(); }
    [[nodiscard]] const TraceEvent &at(std::size_t index) const { return m_events[index]; }

    // Called after every append, in the order listeners were added.
    void addListener(Listener listener) { m_listeners.push_back(std::move(listener)); }

    // Whether one end of the event is a real mail program (ActorRole::RealClient): every view
    // marks such events, since they are not the scenario's.
    [[nodiscard]] bool involvesRealClient(const TraceEvent &event) const
    {
        auto real = [this](ActorId id) {
            return id >= 0 && static_cast<std::size_t>(id) < m_actors.size()
                   && m_actors[static_cast<std::size_t>(id)].role == ActorRole::RealClient;
        };
        return event.causedByRealClient || real(event.from) || real(event.to);
    }

private:
    std::vector<Actor> m_actors;
    std::vector<TraceEvent> m_events;
    std::vector<Listener> m_listeners;
    int m_realClientCause = 0;
};

} // namespace mailsim::trace
