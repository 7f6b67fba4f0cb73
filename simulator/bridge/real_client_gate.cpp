#include "bridge/real_client_gate.h"

#include "net/virtual_network.h"

namespace mailsim::bridge {

using Side = net::StreamConnection::Side;

const char *toString(Service service)
{
    switch (service) {
    case Service::Smtp: return "smtp";
    case Service::Pop3: return "pop3";
    case Service::Imap: return "imap";
    case Service::Http: return "http";
    }
    return "?";
}

std::optional<Service> serviceFromString(QStringView name)
{
    for (Service s : kServices) {
        if (name.compare(QLatin1StringView(toString(s)), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

QString defaultRealClientServer(const world::WorldSpec &spec)
{
    for (const world::UserSpec &user : spec.users) {
        const QString domain = user.address.mid(user.address.lastIndexOf('@') + 1);
        for (const world::ServerSpec &server : spec.servers) {
            if (server.settings.domain.compare(domain, Qt::CaseInsensitive) == 0)
                return server.settings.hostname;
        }
    }
    return spec.servers.empty() ? QString() : spec.servers.front().settings.hostname;
}

std::optional<world::WorldSpec> withRealClients(world::WorldSpec spec, const QString &server,
                                                bool withWebMail, QString *error)
{
    QStringList names;
    for (world::ServerSpec &s : spec.servers) {
        names << s.settings.hostname;
        if (s.settings.hostname.compare(server, Qt::CaseInsensitive) != 0)
            continue;
        if (withWebMail)
            s.web.enabled = true;
        spec.realClients.server = s.settings.hostname;
        return spec;
    }
    if (error) {
        *error = QStringLiteral("there is no mail server '%1' in the scenario (there is: %2)")
                     .arg(server, names.join(QStringLiteral(", ")));
    }
    return std::nullopt;
}

namespace {

// What a server too busy for one more client says, in each protocol, before it closes:
// RFC 5321 3.8 (421), RFC 3206's [SYS/TEMP] for POP3, RFC 3501 7.1.5 (BYE), RFC 9110 15.6.4.
QByteArray tooBusy(Service service, const QByteArray &hostname)
{
    switch (service) {
    case Service::Smtp:
        return "421 4.7.0 " + hostname + " Too many connections, try again later\r\n";
    case Service::Pop3: return "-ERR [SYS/TEMP] Too many connections, try again later\r\n";
    case Service::Imap: return "* BYE Too many connections, try again later\r\n";
    case Service::Http: {
        const QByteArray body = "Too many connections, try again later.\n";
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: "
               + QByteArray::number(body.size()) + "\r\nRetry-After: 5\r\nConnection: close\r\n\r\n" + body;
    }
    }
    return {};
}

} // namespace

// The real client's end of its virtual connection. Bytes the real client sends before the
// handshake is over wait here; bytes the server sends go straight to the socket's owner.
class RealClientGate::ClientEnd : public net::StreamHandler
{
public:
    ClientEnd(std::weak_ptr<RealClientGate *> gate, int session) : m_gate(std::move(gate)), m_session(session) {}
    ~ClientEnd() override
    {
        if (RealClientGate *g = gate())
            g->forget(m_session);
    }

    void onConnected() override
    {
        m_connected = true;
        if (!m_pending.isEmpty())
            connection()->send(Side::Client, std::exchange(m_pending, {}));
        if (m_closeWhenConnected)
            connection()->close(Side::Client);
    }
    void onData(const QByteArray &bytes) override
    {
        if (Session *s = session()) {
            gate()->touched(m_session);
            if (s->peer.write)
                s->peer.write(bytes);
        }
    }
    void onPeerClosed() override
    {
        if (Session *s = session(); s && s->peer.close)
            s->peer.close();
        if (connection()->isOpen(Side::Client))
            connection()->close(Side::Client); // the server is done: so is this side
    }
    void onConnectFailed(const QByteArray &) override
    {
        if (Session *s = session(); s && s->peer.abort)
            s->peer.abort();
    }

    void send(const QByteArray &bytes)
    {
        if (m_connected)
            connection()->send(Side::Client, bytes);
        else
            m_pending += bytes;
    }
    void close()
    {
        if (!m_connected)
            m_closeWhenConnected = true;
        else if (connection()->isOpen(Side::Client))
            connection()->close(Side::Client);
    }
    void detach() { m_gate.reset(); }

private:
    RealClientGate *gate() const
    {
        const auto g = m_gate.lock();
        return g ? *g : nullptr;
    }
    Session *session() const
    {
        RealClientGate *g = gate();
        if (!g)
            return nullptr;
        const auto it = g->m_sessions.find(m_session);
        return it == g->m_sessions.end() ? nullptr : &it->second;
    }

    std::weak_ptr<RealClientGate *> m_gate;
    int m_session;
    bool m_connected = false;
    bool m_closeWhenConnected = false;
    QByteArray m_pending;
};

std::unique_ptr<RealClientGate> RealClientGate::create(world::World &world, GateLimits limits,
                                                       QString *error)
{
    const std::optional<net::HostId> host = world.realClientsHost();
    mail::MailServer *server = world.serverOnHost(world.spec().realClients.server);
    if (!host || !server) {
        if (error) {
            *error = world.spec().realClients.server.isEmpty()
                         ? QStringLiteral("this world has no way in for real clients")
                         : QStringLiteral("there is no mail server called %1").arg(world.spec().realClients.server);
        }
        return nullptr;
    }
    return std::unique_ptr<RealClientGate>(new RealClientGate(world, *server, *host, limits));
}

RealClientGate::RealClientGate(world::World &world, mail::MailServer &server, net::HostId host,
                               GateLimits limits)
    : m_world(world), m_server(server), m_host(host), m_limits(limits),
      m_self(std::make_shared<RealClientGate *>(this))
{
}

RealClientGate::~RealClientGate()
{
    *m_self = nullptr;
    for (auto &[id, session] : m_sessions) {
        if (session.end) {
            session.end->detach();
            session.end->close();
        }
    }
}

std::optional<ServiceTarget> RealClientGate::target(Service service) const
{
    const mail::MailServerSettings &s = m_server.settings();
    switch (service) {
    case Service::Smtp: return ServiceTarget{m_server.host(), s.submissionPort, 2, mail::WireProtocol::Smtp};
    case Service::Pop3: return ServiceTarget{m_server.host(), s.pop3Port, 6, mail::WireProtocol::Pop3};
    case Service::Imap: return ServiceTarget{m_server.host(), s.imapPort, 6, mail::WireProtocol::Imap};
    case Service::Http:
        if (const mail::WebMailServer *web = m_world.webServerOf(m_server))
            return ServiceTarget{web->host(), web->port(), 6, mail::WireProtocol::Http};
        return std::nullopt;
    }
    return std::nullopt;
}

std::vector<Account> RealClientGate::accounts() const
{
    std::vector<Account> list;
    const QString domain = '@' + m_server.settings().domain;
    for (const world::UserSpec &user : m_world.spec().users) {
        if (user.address.endsWith(domain, Qt::CaseInsensitive))
            list.push_back({user.address, world::loginPassword(user)});
    }
    return list;
}

std::vector<QString> RealClientGate::usersElsewhere() const
{
    std::vector<QString> list;
    const QString domain = '@' + m_server.settings().domain;
    for (const world::UserSpec &user : m_world.spec().users) {
        if (!user.address.endsWith(domain, Qt::CaseInsensitive))
            list.push_back(user.address);
    }
    return list;
}

void RealClientGate::traceNote(const QString &text, int stage)
{
    trace::TraceEvent e;
    e.kind = trace::EventKind::Note;
    e.time = m_world.simulation().now();
    e.stage = static_cast<quint8>(stage);
    e.from = m_world.network().host(m_host).actor;
    e.data = text.toUtf8();
    m_world.network().trace().append(std::move(e));
}

int RealClientGate::open(Service service, const QString &peerName, Peer peer)
{
    const std::optional<ServiceTarget> where = target(service);
    if (!where || openSessions() >= m_limits.maxConnections) {
        if (where) {
            traceNote(QStringLiteral("A real client (%1) was turned away: %2 real clients are "
                                     "connected already, the most this bridge takes.")
                          .arg(peerName)
                          .arg(m_limits.maxConnections),
                      where->stage);
        }
        if (peer.write)
            peer.write(tooBusy(service, m_server.settings().hostname.toUtf8()));
        if (peer.close)
            peer.close();
        return 0;
    }
    const int id = m_nextSession++;
    Session &session = m_sessions[id];
    session.service = service;
    session.peer = std::move(peer);
    session.lastActivity = m_world.simulation().now();
    traceNote(QStringLiteral("A real client (%1) connects through the bridge to %2 port %3.")
                  .arg(peerName, m_world.network().host(where->host).name)
                  .arg(where->port),
              where->stage);
    auto end = std::make_unique<ClientEnd>(m_self, id);
    session.end = end.get();
    m_world.network().connect(m_host, where->host, where->port, std::move(end), where->stage);
    checkIdle(id);
    return id;
}

void RealClientGate::receive(int id, const QByteArray &bytes)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end() || !it->second.end || it->second.clientClosed)
        return;
    touched(id);
    it->second.end->send(bytes);
}

void RealClientGate::clientClosed(int id)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end() || it->second.clientClosed)
        return;
    it->second.clientClosed = true;
    it->second.peer = {}; // the socket is gone: nothing more to tell it
    if (it->second.end)
        it->second.end->close();
}

void RealClientGate::touched(int id)
{
    if (const auto it = m_sessions.find(id); it != m_sessions.end())
        it->second.lastActivity = m_world.simulation().now();
}

// One pending check per session: when it finds the session was active meanwhile, it waits
// again for the rest of the time, rather than every byte scheduling an event of its own.
void RealClientGate::checkIdle(int id)
{
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return;
    const core::SimTime limit = m_limits.idleTimeoutOf(it->second.service);
    const core::SimTime due = it->second.lastActivity + limit;
    m_world.simulation().scheduleAt(due, [self = std::weak_ptr<RealClientGate *>(m_self), id, limit] {
        const auto g = self.lock();
        RealClientGate *gate = g ? *g : nullptr;
        if (!gate)
            return;
        const auto it = gate->m_sessions.find(id);
        if (it == gate->m_sessions.end() || !it->second.end)
            return;
        if (gate->m_world.simulation().now() - it->second.lastActivity < limit) {
            gate->checkIdle(id);
            return;
        }
        net::StreamConnection *c = it->second.end->connection();
        if (net::StreamHandler *server = c ? c->handler(Side::Server) : nullptr; server && c->isOpen(Side::Server))
            server->onIdleTimeout();
    });
}

void RealClientGate::forget(int id)
{
    m_sessions.erase(id);
}

} // namespace mailsim::bridge
