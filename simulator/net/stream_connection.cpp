#include "net/stream_connection.h"

#include "net/virtual_network.h"

#include <algorithm>

namespace mailsim::net {

StreamConnection::StreamConnection(VirtualNetwork &network, int id, HostId client,
                                   HostId server, quint16 port, core::SimTime latency, int stage)
    : m_network(network), m_id(id), m_client(client), m_server(server), m_port(port),
      m_latency(latency), m_stage(stage)
{
}

void StreamConnection::setHandler(Side side, std::unique_ptr<StreamHandler> handler)
{
    if (handler) {
        handler->m_connection = this;
        handler->m_serverSide = side == Side::Server;
    }
    m_handler[index(side)] = std::move(handler);
}

core::SimTime StreamConnection::now() const
{
    return m_network.simulation().now();
}

trace::ActorId StreamConnection::actor(Side side) const
{
    return m_network.host(host(side)).actor;
}

core::SimTime StreamConnection::arrivalTime(Side from)
{
    // Bytes in one direction never overtake each other, even if the latency changes.
    const int to = index(other(from));
    const core::SimTime arrival =
        std::max(m_network.simulation().now() + m_latency, m_lastArrival[to]);
    m_lastArrival[to] = arrival;
    return arrival;
}

core::SimTime StreamConnection::send(Side from, const QByteArray &bytes)
{
    if (m_closed[index(from)] || bytes.isEmpty())
        return -1;
    const core::SimTime arrival = arrivalTime(from);
    const Side to = other(from);
    m_network.simulation().scheduleAt(arrival, [self = shared_from_this(), to, bytes] {
        if (StreamHandler *handler = self->m_handler[index(to)].get())
            handler->onData(bytes);
    });
    return arrival;
}

void StreamConnection::close(Side from)
{
    if (m_closed[index(from)])
        return;
    m_closed[index(from)] = true;
    const core::SimTime arrival = arrivalTime(from);
    m_network.trace(*this, trace::EventKind::TcpFin, from, arrival);
    const Side to = other(from);
    m_network.simulation().scheduleAt(arrival,
                                      [self = shared_from_this(), to] { self->deliverFin(to); });
}

void StreamConnection::deliverFin(Side to)
{
    m_finDelivered[index(to)] = true;
    if (StreamHandler *handler = m_handler[index(to)].get())
        handler->onPeerClosed();
    if (m_finDelivered[0] && m_finDelivered[1])
        m_network.finished(m_id);
}

} // namespace mailsim::net
