// The simulated side of the real-client bridge: real mail programs (Thunderbird, curl,
// Python's smtplib) reach a simulated mail server through it.
//
// Each real client becomes a connection over the virtual network from the world's
// "real-clients" host (WorldSpec::realClients) to the server's submission, POP3 or IMAP port
// or its web mail server's HTTP port. From there on it is an ordinary connection: the same
// server drivers, engines, policies and trace as for a simulated user agent, so what a real
// client sends enters the world (queue, relay, mailbox) and every view shows it. The server
// side traces the real client's commands (mail::traceRealClientInput).
//
// The gate moves bytes and keeps the limits that concern real connections: how many may be
// open at once (over that, the protocol's "too busy" answer and a close) and how long one
// may stay silent (then the server's engine says goodbye its own way: 421, -ERR, * BYE).
// It never touches a socket or the wall clock: the caller (bridge::RealClientBridge) owns the
// sockets and runs the kernel in real time; tests drive it in virtual time.
#pragma once

#include "core/sim_time.h"
#include "mail/wire_tap.h"
#include "net/stream_connection.h"
#include "world/world.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace mailsim::bridge {

enum class Service { Smtp, Pop3, Imap, Http };
inline constexpr std::array<Service, 4> kServices{Service::Smtp, Service::Pop3, Service::Imap,
                                                  Service::Http};
const char *toString(Service service); // "smtp", "pop3", "imap", "http"
std::optional<Service> serviceFromString(QStringView name);

// The mail server real clients reach unless told otherwise: the first user's, who in the
// usual scenario is the sender. Empty when the spec has no mail server.
QString defaultRealClientServer(const world::WorldSpec &spec);
// The spec with a way in for real clients at the mail server on host `server`
// (WorldSpec::realClients), and web mail for that server when `withWebMail` (a server without
// it gets it on its own host). Nothing, and *error says why, when there is no such server.
std::optional<world::WorldSpec> withRealClients(world::WorldSpec spec, const QString &server,
                                                bool withWebMail, QString *error);

struct GateLimits
{
    // Real clients connected at once, all services together. Postfix's default process limit
    // is 100; a classroom of real clients on one computer needs far fewer.
    int maxConnections = 64;
    // How long a client may stay silent before the server closes the session: RFC 5321
    // 4.5.3.2.7 (5 minutes for SMTP), RFC 1939 section 3 (at least 10 minutes for POP3),
    // RFC 3501 5.4 (at least 30 minutes for IMAP), and for HTTP keep-alive a minute, within
    // what common web servers use (5 s to 75 s).
    std::array<core::SimTime, 4> idleTimeout{core::minutes(5), core::minutes(10),
                                             core::minutes(30), core::seconds(60)};

    void setIdleTimeout(core::SimTime all) { idleTimeout.fill(all); }
    [[nodiscard]] core::SimTime idleTimeoutOf(Service s) const
    {
        return idleTimeout[static_cast<std::size_t>(s)];
    }
};

// Where a service of the gate's server is in the simulated world.
struct ServiceTarget
{
    net::HostId host = -1;
    quint16 port = 0;    // the simulated port, e.g. 587
    int stage = 2;       // the lecture stage of its events: 2 for submission, 6 for reading
    mail::WireProtocol protocol = mail::WireProtocol::Smtp;
};

// A login the scenario has on the gate's server, to print for the people at the keyboard.
struct Account
{
    QString address;
    QString password;
};

class RealClientGate
{
public:
    // What the gate tells the owner of one real connection. Called inside kernel events.
    struct Peer
    {
        std::function<void(const QByteArray &bytes)> write; // bytes for the real client
        std::function<void()> close; // the server has finished: send what is left, then close
        std::function<void()> abort; // refused or reset (as TCP's RST)
    };

    // The world must have real clients (WorldSpec::realClients naming one of its mail
    // servers); otherwise create() returns null and says why in *error.
    static std::unique_ptr<RealClientGate> create(world::World &world, GateLimits limits,
                                                  QString *error);
    ~RealClientGate(); // closes every session still open (the sockets are the owner's)
    RealClientGate(const RealClientGate &) = delete;
    RealClientGate &operator=(const RealClientGate &) = delete;

    [[nodiscard]] const mail::MailServer &server() const { return m_server; }
    [[nodiscard]] const GateLimits &limits() const { return m_limits; }
    // Nothing when the server does not offer the service (HTTP without web mail).
    [[nodiscard]] std::optional<ServiceTarget> target(Service service) const;
    [[nodiscard]] std::vector<Account> accounts() const;
    // The scenario's users at other servers: recipients a real client's mail is relayed to.
    [[nodiscard]] std::vector<QString> usersElsewhere() const;

    // A real client connected, from `peerName` ("127.0.0.1:54321", for the trace). Returns
    // the session's id. Over maxConnections, or for a service the server does not offer, the
    // refusal has already been written through `peer` and the result is 0.
    int open(Service service, const QString &peerName, Peer peer);
    // Bytes from the real client, in any chunking.
    void receive(int session, const QByteArray &bytes);
    // The real client closed its side or went away. A message in the middle of SMTP DATA is
    // then discarded by the server, as for any client.
    void clientClosed(int session);
    [[nodiscard]] int openSessions() const { return static_cast<int>(m_sessions.size()); }

private:
    class ClientEnd;
    struct Session
    {
        Service service = Service::Smtp;
        Peer peer;
        ClientEnd *end = nullptr; // owned by the connection; clears itself here when destroyed
        core::SimTime lastActivity = 0;
        bool clientClosed = false;
    };

    RealClientGate(world::World &world, mail::MailServer &server, net::HostId host, GateLimits limits);
    void touched(int session);
    void checkIdle(int session);
    void forget(int session);
    void traceNote(const QString &text, int stage);

    world::World &m_world;
    mail::MailServer &m_server;
    net::HostId m_host;
    GateLimits m_limits;
    std::map<int, Session> m_sessions;
    int m_nextSession = 1;
    // Kernel events hold this, not the gate: an idle check due after the gate is gone does
    // nothing.
    std::shared_ptr<RealClientGate *> m_self;
};

} // namespace mailsim::bridge
