// The virtual network: hosts with IPv4-style addresses, links with latency, listening
// ports, and TCP-like connections between them.
//
// A path's latency is the sum of link latencies along the fastest route (links are
// undirected). Nothing here touches a real socket.
#pragma once

#include "core/simulation.h"
#include "net/stream_connection.h"
#include "trace/trace_log.h"

#include <QHash>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace mailsim::net {

struct Host
{
    QString name;
    QString address;
    trace::ActorId actor = -1;
};

class VirtualNetwork
{
public:
    // Makes the handler for the server side of a newly accepted connection.
    using Acceptor = std::function<std::unique_ptr<StreamHandler>(StreamConnection &connection)>;

    VirtualNetwork(core::Simulation &simulation, trace::TraceLog &trace);
    ~VirtualNetwork();
    VirtualNetwork(const VirtualNetwork &) = delete;
    VirtualNetwork &operator=(const VirtualNetwork &) = delete;

    HostId addHost(const QString &name, const QString &address, trace::ActorRole role,
                   const QString &label);
    void addLink(HostId a, HostId b, core::SimTime latency);
    // Faults a scenario scripts. A cut link carries no new connection (they go another way, or
    // fail with "no route to host"); bytes already on their way still arrive, which TCP's
    // retransmission would achieve once the link is mended. A new latency holds for what is
    // sent from now on. Both return false when there is no link between the hosts.
    bool setLinkUp(HostId a, HostId b, bool up);
    bool setLinkLatency(HostId a, HostId b, core::SimTime latency);
    [[nodiscard]] bool isLinkUp(HostId a, HostId b) const;
    [[nodiscard]] bool hasLink(HostId a, HostId b) const;

    [[nodiscard]] const Host &host(HostId id) const { return m_hosts.at(static_cast<std::size_t>(id)); }
    [[nodiscard]] std::size_t hostCount() const { return m_hosts.size(); }
    [[nodiscard]] std::optional<HostId> findHost(const QString &name) const;
    [[nodiscard]] std::optional<HostId> findAddress(const QString &address) const;
    // One-way latency of the fastest path, or nothing when the hosts are not connected.
    [[nodiscard]] std::optional<core::SimTime> latency(HostId from, HostId to) const;

    void listen(HostId host, quint16 port, Acceptor acceptor);
    // Nothing listens there any more: new connections are refused (RST).
    void stopListening(HostId host, quint16 port);
    [[nodiscard]] bool isListening(HostId host, quint16 port) const;

    // Opens a connection; `client` gets onConnected() or onConnectFailed(). The events of the
    // handshake belong to `stage`. Returns the connection id.
    int connect(HostId from, HostId to, quint16 port, std::unique_ptr<StreamHandler> client,
                int stage);

    [[nodiscard]] std::size_t openConnections() const { return m_connections.size(); }

    [[nodiscard]] core::Simulation &simulation() { return m_simulation; }
    [[nodiscard]] trace::TraceLog &trace() { return m_trace; }

private:
    friend class StreamConnection;
    void finished(int connectionId);
    void trace(const StreamConnection &c, trace::EventKind kind, StreamConnection::Side from,
               core::SimTime arrival, QByteArray detail = {});

    core::Simulation &m_simulation;
    trace::TraceLog &m_trace;
    std::vector<Host> m_hosts;
    std::vector<std::vector<std::pair<HostId, core::SimTime>>> m_links; // adjacency
    mutable QHash<quint64, core::SimTime> m_latencyCache;               // (from<<32|to)
    std::map<std::pair<HostId, quint16>, Acceptor> m_listeners;
    std::set<std::pair<HostId, HostId>> m_downLinks; // (lower id, higher id)
    std::map<int, std::shared_ptr<StreamConnection>> m_connections;     // open ones
    int m_nextConnectionId = 1;
};

} // namespace mailsim::net
