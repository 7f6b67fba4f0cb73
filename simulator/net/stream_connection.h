// A TCP-like connection over the virtual network: two ordered byte streams.
//
// What TCP gives an application is modelled, not TCP's segments: connect() is a three-way
// handshake traced as SYN, SYN-ACK and ACK; bytes written on one side arrive, in order and
// unchanged, on the other side after the path's latency; close() sends FIN, which arrives
// after every byte written before it. There is no loss, no window and no retransmission.
#pragma once

#include "core/sim_time.h"
#include "trace/trace_event.h"

#include <QByteArray>

#include <memory>

namespace mailsim::net {

class VirtualNetwork;
class StreamConnection;
using HostId = int;

// The application side of one end of a connection. Callbacks run inside simulation events.
class StreamHandler
{
public:
    virtual ~StreamHandler() = default;
    // The connection this handler serves, and whether it is its server side. Set by the
    // network before the first callback; the connection outlives its handlers.
    [[nodiscard]] StreamConnection *connection() const { return m_connection; }
    [[nodiscard]] bool isServerSide() const { return m_serverSide; }

    virtual void onConnected() {}                             // handshake complete
    virtual void onData(const QByteArray &bytes) = 0;         // bytes from the peer
    virtual void onPeerClosed() = 0;                          // the peer's FIN arrived
    virtual void onConnectFailed(const QByteArray &reason) { Q_UNUSED(reason); } // client only
    // Whoever watches the connection's idle time (the real-client bridge) decided it has been
    // quiet too long: a server side says goodbye the protocol's way and closes.
    virtual void onIdleTimeout() {}

private:
    friend class StreamConnection;
    StreamConnection *m_connection = nullptr;
    bool m_serverSide = false;
};

class StreamConnection : public std::enable_shared_from_this<StreamConnection>
{
public:
    enum class Side { Client = 0, Server = 1 };

    StreamConnection(VirtualNetwork &network, int id, HostId client, HostId server,
                     quint16 port, core::SimTime latency, int stage);

    [[nodiscard]] int id() const { return m_id; }
    [[nodiscard]] HostId host(Side side) const { return side == Side::Client ? m_client : m_server; }
    [[nodiscard]] HostId peerHost(Side side) const { return host(other(side)); }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] core::SimTime latency() const { return m_latency; }
    [[nodiscard]] core::SimTime now() const;

    // The lecture stage that events on this connection belong to. The side that starts a
    // phase moves it on (for example from 3, connecting, to 4, sending the message).
    [[nodiscard]] int stage() const { return m_stage; }
    void setStage(int stage) { m_stage = stage; }

    // Writes bytes towards the peer; returns the virtual time at which they arrive.
    core::SimTime send(Side from, const QByteArray &bytes);
    // Sends FIN. Data written before it still arrives first. Further sends are ignored.
    void close(Side from);
    [[nodiscard]] bool isOpen(Side side) const { return !m_closed[index(side)]; }
    [[nodiscard]] bool established() const { return m_established; }

    // Trace identities of the two ends.
    [[nodiscard]] trace::ActorId actor(Side side) const;
    // The handler of one side; null once the connection has let it go.
    [[nodiscard]] StreamHandler *handler(Side side) const { return m_handler[index(side)].get(); }

private:
    friend class VirtualNetwork;
    void setHandler(Side side, std::unique_ptr<StreamHandler> handler);
    static Side other(Side s) { return s == Side::Client ? Side::Server : Side::Client; }
    static int index(Side s) { return static_cast<int>(s); }
    core::SimTime arrivalTime(Side from);
    void deliverFin(Side to);

    VirtualNetwork &m_network;
    int m_id;
    HostId m_client;
    HostId m_server;
    quint16 m_port;
    core::SimTime m_latency;
    int m_stage;
    bool m_established = false;
    bool m_closed[2] = {false, false};      // this side sent FIN
    bool m_finDelivered[2] = {false, false}; // FIN arrived at this side
    core::SimTime m_lastArrival[2] = {0, 0}; // per direction, indexed by receiving side
    std::unique_ptr<StreamHandler> m_handler[2];
};

} // namespace mailsim::net
