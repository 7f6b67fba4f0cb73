#include "net/virtual_network.h"

#include <algorithm>
#include <limits>
#include <queue>

namespace mailsim::net {

VirtualNetwork::VirtualNetwork(core::Simulation &simulation, trace::TraceLog &trace)
    : m_simulation(simulation), m_trace(trace)
{
}

VirtualNetwork::~VirtualNetwork() = default;

HostId VirtualNetwork::addHost(const QString &name, const QString &address,
                               trace::ActorRole role, const QString &label)
{
    Host host;
    host.name = name;
    host.address = address;
    host.actor = m_trace.addActor(trace::Actor{name, label, address, role});
    m_hosts.push_back(host);
    m_links.emplace_back();
    return static_cast<HostId>(m_hosts.size() - 1);
}

void VirtualNetwork::addLink(HostId a, HostId b, core::SimTime latency)
{
    m_links.at(a).emplace_back(b, latency);
    m_links.at(b).emplace_back(a, latency);
    m_latencyCache.clear();
}

std::optional<HostId> VirtualNetwork::findHost(const QString &name) const
{
    for (std::size_t i = 0; i < m_hosts.size(); ++i) {
        if (m_hosts[i].name.compare(name, Qt::CaseInsensitive) == 0)
            return static_cast<HostId>(i);
    }
    return std::nullopt;
}

std::optional<HostId> VirtualNetwork::findAddress(const QString &address) const
{
    for (std::size_t i = 0; i < m_hosts.size(); ++i) {
        if (m_hosts[i].address == address)
            return static_cast<HostId>(i);
    }
    return std::nullopt;
}

std::optional<core::SimTime> VirtualNetwork::latency(HostId from, HostId to) const
{
    if (from == to)
        return core::SimTime(0);
    const quint64 key = (quint64(quint32(from)) << 32) | quint32(to);
    if (auto it = m_latencyCache.constFind(key); it != m_latencyCache.constEnd())
        return *it < 0 ? std::nullopt : std::optional<core::SimTime>(*it);

    // Dijkstra over a handful of hosts; the result is cached until the links change.
    constexpr core::SimTime unreached = std::numeric_limits<core::SimTime>::max();
    std::vector<core::SimTime> best(m_hosts.size(), unreached);
    using Item = std::pair<core::SimTime, HostId>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
    best[from] = 0;
    open.push({0, from});
    while (!open.empty()) {
        const auto [cost, at] = open.top();
        open.pop();
        if (cost > best[at])
            continue;
        for (const auto &[next, linkLatency] : m_links[at]) {
            if (!m_downLinks.empty() && m_downLinks.count({std::min(at, next), std::max(at, next)}))
                continue;
            if (cost + linkLatency < best[next]) {
                best[next] = cost + linkLatency;
                open.push({best[next], next});
            }
        }
    }
    const core::SimTime result = best[to] == unreached ? -1 : best[to];
    m_latencyCache.insert(key, result);
    return result < 0 ? std::nullopt : std::optional<core::SimTime>(result);
}

bool VirtualNetwork::hasLink(HostId a, HostId b) const
{
    const auto &near = m_links.at(a);
    return std::any_of(near.begin(), near.end(), [b](const auto &l) { return l.first == b; });
}

bool VirtualNetwork::setLinkUp(HostId a, HostId b, bool up)
{
    if (!hasLink(a, b))
        return false;
    const std::pair<HostId, HostId> key{std::min(a, b), std::max(a, b)};
    if (up)
        m_downLinks.erase(key);
    else
        m_downLinks.insert(key);
    m_latencyCache.clear();
    return true;
}

bool VirtualNetwork::isLinkUp(HostId a, HostId b) const
{
    return !m_downLinks.count({std::min(a, b), std::max(a, b)});
}

bool VirtualNetwork::setLinkLatency(HostId a, HostId b, core::SimTime latency)
{
    bool found = false;
    for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
        for (auto &link : m_links.at(from)) {
            if (link.first == to) {
                link.second = latency;
                found = true;
            }
        }
    }
    m_latencyCache.clear();
    return found;
}

void VirtualNetwork::stopListening(HostId host, quint16 port)
{
    m_listeners.erase({host, port});
}

void VirtualNetwork::listen(HostId host, quint16 port, Acceptor acceptor)
{
    m_listeners[{host, port}] = std::move(acceptor);
}

bool VirtualNetwork::isListening(HostId host, quint16 port) const
{
    return m_listeners.count({host, port}) > 0;
}

void VirtualNetwork::trace(const StreamConnection &c, trace::EventKind kind,
                           StreamConnection::Side from, core::SimTime arrival, QByteArray detail)
{
    trace::TraceEvent e;
    e.time = m_simulation.now();
    e.arrival = arrival;
    e.kind = kind;
    e.stage = static_cast<quint8>(c.stage());
    e.from = c.actor(from);
    e.to = c.actor(StreamConnection::other(from));
    e.connection = c.id();
    e.code = c.port();
    e.detail = std::move(detail);
    m_trace.append(std::move(e));
}

int VirtualNetwork::connect(HostId from, HostId to, quint16 port,
                            std::unique_ptr<StreamHandler> client, int stage)
{
    using Side = StreamConnection::Side;
    const int id = m_nextConnectionId++;
    const std::optional<core::SimTime> pathLatency = latency(from, to);
    auto connection = std::make_shared<StreamConnection>(*this, id, from, to, port,
                                                         pathLatency.value_or(0), stage);
    connection->setHandler(Side::Client, std::move(client));

    if (!pathLatency) {
        // No SYN can leave: the sending host itself reports the failure.
        trace(*connection, trace::EventKind::TcpRefused, Side::Server, m_simulation.now(),
              "no route to host");
        m_simulation.schedule(0, [connection] {
            connection->m_handler[0]->onConnectFailed("no route to host");
        });
        return id;
    }

    const core::SimTime lat = *pathLatency;
    m_connections[id] = connection;
    trace(*connection, trace::EventKind::TcpSyn, Side::Client, m_simulation.now() + lat);
    m_simulation.schedule(lat, [this, connection, lat] {
        const HostId server = connection->host(Side::Server);
        auto listener = m_listeners.find({server, connection->port()});
        if (listener == m_listeners.end()) {
            trace(*connection, trace::EventKind::TcpRefused, Side::Server,
                  m_simulation.now() + lat, "connection refused");
            m_simulation.schedule(lat, [this, connection] {
                m_connections.erase(connection->id());
                connection->m_handler[0]->onConnectFailed("connection refused");
            });
            return;
        }
        Acceptor acceptor = listener->second; // copied: the handler may change listeners
        trace(*connection, trace::EventKind::TcpSynAck, Side::Server, m_simulation.now() + lat);
        m_simulation.schedule(lat, [this, connection, lat, acceptor] {
            trace(*connection, trace::EventKind::TcpAck, Side::Client, m_simulation.now() + lat);
            m_simulation.schedule(lat, [connection, acceptor] {
                connection->setHandler(Side::Server, acceptor(*connection));
                connection->m_established = true;
                if (connection->m_handler[1])
                    connection->m_handler[1]->onConnected();
            });
            connection->m_handler[0]->onConnected();
        });
    });
    return id;
}

void VirtualNetwork::finished(int connectionId)
{
    m_connections.erase(connectionId);
}

} // namespace mailsim::net
