#include "world/world.h"

#include "mail/web_mail_server.h"

#include <QHash>

#include <algorithm>

namespace mailsim::world {

struct World::State
{
    explicit State(const WorldSpec &spec) : rng(spec.seed) {}

    core::Simulation simulation;
    trace::TraceLog trace;
    core::Rng rng;
    mail::DeliveryLedger ledger;
    std::unique_ptr<net::VirtualNetwork> network;
    std::unique_ptr<net::Dns> dns;
    std::unique_ptr<mail::MailContext> context;
    std::vector<std::unique_ptr<mail::MailServer>> servers;
    std::vector<std::unique_ptr<mail::UserAgent>> agents; // one per user, same order as spec
    std::vector<std::unique_ptr<mail::WebMailServer>> webServers;
    std::optional<net::HostId> realClients;
    QStringList problems;
    // The spec's timeline (sends and reads), in time order. Only the next action waits in the
    // kernel's queue; each one schedules its successor, so a scenario with a hundred thousand
    // messages does not make every step pay for a hundred thousand pending events.
    std::vector<std::pair<core::SimTime, std::function<void()>>> timeline;
    void runTimeline(std::size_t index)
    {
        if (index + 1 < timeline.size())
            simulation.scheduleAt(timeline[index + 1].first, [this, index] { runTimeline(index + 1); });
        timeline[index].second();
    }

    ~State()
    {
        // Pending events and open connections hold handlers (and protocol sessions) that refer
        // to servers, their mailboxes and agents: drop them first, while all that still exists.
        simulation.reset();
        network.reset();
    }
};

World::World(WorldSpec spec, Options options) : m_spec(std::move(spec)), m_options(options)
{
    build();
}

World::~World() = default;

static QString domainOf(const QString &address)
{
    return address.mid(address.lastIndexOf('@') + 1).toLower();
}

static QString localPartOf(const QString &address)
{
    return address.left(address.lastIndexOf('@'));
}

void World::build()
{
    m_state = std::make_unique<State>(m_spec);
    State &s = *m_state;
    for (const auto &listener : m_listeners)
        s.trace.addListener(listener);
    auto &problems = s.problems;

    s.network = std::make_unique<net::VirtualNetwork>(s.simulation, s.trace);
    net::VirtualNetwork &network = *s.network;

    auto addHost = [&](const QString &name, const QString &address, trace::ActorRole role,
                       const QString &label) -> net::HostId {
        if (std::optional<net::HostId> existing = network.findHost(name))
            return *existing;
        return network.addHost(name, address, role, label);
    };

    const net::HostId dnsHost = addHost(m_spec.dns.name.isEmpty() ? QStringLiteral("dns") : m_spec.dns.name,
                                        m_spec.dns.address, trace::ActorRole::DnsServer,
                                        m_spec.dns.label.isEmpty() ? QStringLiteral("DNS server") : m_spec.dns.label);
    s.dns = std::make_unique<net::Dns>(network, dnsHost);
    s.context = std::make_unique<mail::MailContext>(mail::MailContext{
        s.simulation, network, *s.dns, s.trace, s.rng, m_spec.epoch,
        m_options.trackDeliveries ? &s.ledger : nullptr, -1, {}});

    for (const HostSpec &r : m_spec.routers)
        addHost(r.name, r.address, trace::ActorRole::Router, r.label.isEmpty() ? r.name : r.label);

    QHash<QString, mail::MailServer *> byDomain;
    // Each web mail server: its host (the mail server's own, or one of its own) and port.
    std::map<mail::MailServer *, std::pair<net::HostId, quint16>> webHosts;
    for (const ServerSpec &spec : m_spec.servers) {
        const net::HostId host = addHost(spec.settings.hostname, spec.address,
                                         trace::ActorRole::MailServer,
                                         spec.label.isEmpty() ? spec.settings.hostname : spec.label);
        auto server = std::make_unique<mail::MailServer>(*s.context, spec.settings, host);
        if (spec.web.enabled) {
            const net::HostId webHost =
                spec.web.host.isEmpty() || spec.web.host.compare(spec.settings.hostname, Qt::CaseInsensitive) == 0
                    ? host
                    : addHost(spec.web.host, spec.web.address, trace::ActorRole::WebServer,
                              spec.web.label.isEmpty() ? QStringLiteral("Web mail server") : spec.web.label);
            webHosts[server.get()] = {webHost, spec.web.port};
        }
        const QString domain = spec.settings.domain.toLower();
        if (byDomain.contains(domain))
            problems << QStringLiteral("two mail servers for the domain %1").arg(domain);
        else
            byDomain.insert(domain, server.get());
        s.servers.push_back(std::move(server));
    }

    for (const UserSpec &user : m_spec.users) {
        mail::MailServer *server = byDomain.value(domainOf(user.address));
        if (!server) {
            problems << QStringLiteral("user %1: no mail server for the domain %2")
                            .arg(user.address, domainOf(user.address));
            s.agents.push_back(nullptr);
            continue;
        }
        const QByteArray password = loginPassword(user).toUtf8();
        server->addUser(localPartOf(user.address), password);
        const QString label = !user.label.isEmpty() ? user.label
                              : QStringLiteral("%1's user agent")
                                    .arg(user.displayName.isEmpty() ? user.address : user.displayName);
        const net::HostId host = addHost(user.uaHost, user.uaAddress, trace::ActorRole::UserAgent, label);
        server->trustClient(network.host(host).address);
        mail::MailServer *outgoing = server;
        if (!user.submitTo.isEmpty()) {
            outgoing = nullptr;
            for (auto &candidate : s.servers) {
                if (candidate->settings().hostname.compare(user.submitTo, Qt::CaseInsensitive) == 0)
                    outgoing = candidate.get();
            }
            if (!outgoing) {
                problems << QStringLiteral("user %1: no mail server called %2 to submit to")
                                .arg(user.address, user.submitTo);
                outgoing = server;
            }
        }
        mail::UserAgentSettings settings;
        settings.user = {user.displayName, user.address};
        settings.server = outgoing->host();
        settings.submissionPort = outgoing->settings().submissionPort;
        settings.access = user.access;
        settings.login = user.address.toUtf8();
        settings.password = user.typedPassword.isEmpty() ? password : user.typedPassword.toUtf8();
        settings.mailbox = server->host();
        settings.pop3Port = server->settings().pop3Port;
        settings.imapPort = server->settings().imapPort;
        if (const auto web = webHosts.find(server); web != webHosts.end()) {
            settings.web = web->second.first;
            settings.webPort = web->second.second;
        }
        s.agents.push_back(std::make_unique<mail::UserAgent>(*s.context, settings, host));
    }

    for (const LinkSpec &link : m_spec.links) {
        const auto a = network.findHost(link.a);
        const auto b = network.findHost(link.b);
        if (!a || !b) {
            problems << QStringLiteral("link %1 - %2: unknown host %3")
                            .arg(link.a, link.b, !a ? link.a : link.b);
            continue;
        }
        network.addLink(*a, *b, link.latency);
    }

    if (!m_spec.realClients.server.isEmpty()) {
        const std::optional<net::HostId> server = network.findHost(m_spec.realClients.server);
        mail::MailServer *mailServer = nullptr;
        for (auto &candidate : s.servers) {
            if (server && candidate->host() == *server)
                mailServer = candidate.get();
        }
        if (!mailServer) {
            problems << QStringLiteral("real clients: no mail server called %1").arg(m_spec.realClients.server);
        } else {
            // Not trusted: a real client relays only once it has logged in (SMTP AUTH).
            s.realClients = addHost(QString::fromLatin1(kRealClientsHost), QStringLiteral("127.0.0.1"),
                                    trace::ActorRole::RealClient,
                                    QStringLiteral("Real mail programs on this computer"));
            network.addLink(*s.realClients, *server, 0);
            if (const auto web = webHosts.find(mailServer); web != webHosts.end() && web->second.first != *server)
                network.addLink(*s.realClients, web->second.first, 0);
        }
    }

    // Every host is in DNS under its name; MX records are only those the spec gives.
    for (std::size_t i = 0; i < network.hostCount(); ++i) {
        const net::Host &h = network.host(static_cast<net::HostId>(i));
        if (!h.address.isEmpty())
            s.dns->addA(h.name, h.address);
    }
    for (const AddressRecordSpec &a : m_spec.addressRecords)
        s.dns->addA(a.name, a.address);
    for (const MxSpec &mx : m_spec.mx)
        s.dns->addMx(mx.domain, mx.preference, mx.exchange);

    for (auto &server : s.servers)
        server->start();
    for (const auto &[server, web] : webHosts) {
        mail::MailServer *mailServer = server;
        // The web server submits for its users: the mail server relays for it as for them.
        mailServer->trustClient(network.host(web.first).address);
        s.webServers.push_back(std::make_unique<mail::WebMailServer>(*s.context, *mailServer, web.first, web.second));
        s.webServers.back()->start();
    }

    auto agentFor = [&](const QString &address) -> mail::UserAgent * {
        for (std::size_t i = 0; i < m_spec.users.size(); ++i) {
            if (m_spec.users[i].address.compare(address, Qt::CaseInsensitive) == 0)
                return s.agents[i].get();
        }
        return nullptr;
    };
    auto displayNameOf = [&](const QString &address) {
        for (const UserSpec &u : m_spec.users) {
            if (u.address.compare(address, Qt::CaseInsensitive) == 0)
                return u.displayName;
        }
        return QString();
    };
    auto mailboxes = [&](const QStringList &addresses) {
        QList<mail::Mailbox822> list;
        for (const QString &a : addresses)
            list.push_back({displayNameOf(a), a});
        return list;
    };

    // Faults first: at the same time as a send, the fault is already in effect.
    for (const FaultSpec &fault : m_spec.faults) {
        if (std::function<void()> act = faultAction(fault, problems))
            s.timeline.emplace_back(fault.at, std::move(act));
    }
    for (const SendSpec &send : m_spec.sends) {
        mail::UserAgent *agent = agentFor(send.from);
        if (!agent) {
            problems << QStringLiteral("a message from %1, who is not a user here").arg(send.from);
            continue;
        }
        mail::Draft draft;
        draft.from = {displayNameOf(send.from), send.from};
        draft.to = mailboxes(send.to);
        draft.cc = mailboxes(send.cc);
        draft.bcc = mailboxes(send.bcc);
        draft.subject = send.subject;
        draft.body = send.body;
        draft.charset = send.charset.toLatin1();
        draft.html = send.html;
        for (const AttachmentSpec &a : send.attachments)
            draft.attachments.push_back({a.name, a.mediaType.toLatin1(), a.content});
        draft.raw = send.raw.toUtf8();
        switch (send.mistake) {
        case SendSpec::Mistake::None: draft.mistake = smtp::ClientConfig::Mistake::None; break;
        case SendSpec::Mistake::Typo: draft.mistake = smtp::ClientConfig::Mistake::Typo; break;
        case SendSpec::Mistake::OutOfOrder:
            draft.mistake = smtp::ClientConfig::Mistake::OutOfOrder;
            break;
        }
        s.timeline.emplace_back(send.at, [agent, draft] { agent->send(draft); });
    }
    for (const ReadSpec &read : m_spec.reads) {
        mail::UserAgent *agent = agentFor(read.user);
        mail::MailServer *server = byDomain.value(domainOf(read.user));
        if (!agent || !server) {
            problems << QStringLiteral("a mailbox read by %1, who is not a user here").arg(read.user);
            continue;
        }
        s.timeline.emplace_back(read.at, [agent, actions = read.actions] { agent->read(actions); });
    }

    std::stable_sort(s.timeline.begin(), s.timeline.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    if (!s.timeline.empty())
        s.simulation.scheduleAt(s.timeline.front().first, [&s] { s.runTimeline(0); });
}

// What a scripted fault does when its time comes, and the trace event that says so.
std::function<void()> World::faultAction(const FaultSpec &fault, QStringList &problems)
{
    State &s = *m_state;
    net::VirtualNetwork &network = *s.network;
    auto traceFault = [&s](const char *kind, net::HostId a, net::HostId b, QByteArray text) {
        trace::TraceEvent e;
        e.time = s.simulation.now();
        e.kind = trace::EventKind::Fault;
        // In the stage the story is in: a fault interrupts it, it does not begin a new one.
        e.stage = s.trace.size() > 0 ? s.trace.at(s.trace.size() - 1).stage : 1;
        e.from = a >= 0 ? s.network->host(a).actor : -1;
        e.to = b >= 0 ? s.network->host(b).actor : -1;
        e.detail = kind;
        e.data = std::move(text);
        s.trace.append(std::move(e));
    };
    using K = FaultSpec::Kind;
    switch (fault.kind) {
    case K::ServerDown:
    case K::ServerUp:
    case K::ServerBusy:
    case K::ServerReady: {
        mail::MailServer *server = nullptr;
        for (auto &candidate : s.servers) {
            if (candidate->settings().hostname.compare(fault.host, Qt::CaseInsensitive) == 0)
                server = candidate.get();
        }
        if (!server) {
            problems << QStringLiteral("a fault for %1, which is no mail server here").arg(fault.host);
            return {};
        }
        const net::HostId host = server->host();
        const QByteArray name = fault.host.toUtf8();
        switch (fault.kind) {
        case K::ServerDown:
            return [=] {
                server->setDown(true);
                traceFault("server-down", host, -1, name + " is down: nothing listens on its ports, so every connection to it is refused.");
            };
        case K::ServerUp:
            return [=] {
                server->setDown(false);
                traceFault("server-up", host, -1, name + " is up again and listens on its ports.");
            };
        case K::ServerBusy:
            return [=] {
                server->setBusy(true);
                traceFault("server-busy", host, -1, name + " is overloaded: it answers every new SMTP connection with 421 and closes it.");
            };
        default:
            return [=] {
                server->setBusy(false);
                traceFault("server-ready", host, -1, name + " greets SMTP clients normally again.");
            };
        }
    }
    case K::LinkDown:
    case K::LinkUp:
    case K::LinkSlow: {
        const auto a = network.findHost(fault.host);
        const auto b = network.findHost(fault.other);
        if (!a || !b || !network.hasLink(*a, *b)) {
            problems << QStringLiteral("a fault for the link %1 - %2, which is not in the network")
                            .arg(fault.host, fault.other);
            return {};
        }
        const QByteArray names = fault.host.toUtf8() + " - " + fault.other.toUtf8();
        const net::HostId x = *a;
        const net::HostId y = *b;
        net::VirtualNetwork *net = &network;
        switch (fault.kind) {
        case K::LinkDown:
            return [=] {
                net->setLinkUp(x, y, false);
                traceFault("link-down", x, y, "The link " + names + " is cut: new connections must find another way, or fail.");
            };
        case K::LinkUp:
            return [=] {
                net->setLinkUp(x, y, true);
                traceFault("link-up", x, y, "The link " + names + " works again.");
            };
        default: {
            const core::SimTime latency = fault.latency;
            return [=] {
                net->setLinkLatency(x, y, latency);
                traceFault("link-slow", x, y, "The link " + names + " is slow now: " + QByteArray::number(latency / 1000)
                                                 + " ms each way.");
            };
        }
        }
    }
    case K::NoMx: {
        net::Dns *dns = s.dns.get();
        const QString domain = fault.domain;
        const net::HostId dnsHost = dns->serverHost();
        return [=] {
            dns->removeMx(domain);
            traceFault("no-mx", dnsHost, -1, "DNS no longer has MX records for " + domain.toUtf8()
                                                + ": senders fall back to the domain's own address, if it has one.");
        };
    }
    }
    return {};
}

const QStringList &World::problems() const { return m_state->problems; }
bool World::step() { return m_state->simulation.step(); }
void World::runToEnd() { m_state->simulation.runToEnd(); }
void World::reset() { build(); }
core::Simulation &World::simulation() { return m_state->simulation; }
const trace::TraceLog &World::trace() const { return m_state->trace; }
const mail::DeliveryLedger &World::ledger() const { return m_state->ledger; }
std::size_t World::openConnections() const { return m_state->network->openConnections(); }

void World::addTraceListener(trace::TraceLog::Listener listener)
{
    m_listeners.push_back(listener);
    m_state->trace.addListener(std::move(listener));
}

const std::vector<std::unique_ptr<mail::MailServer>> &World::servers() const
{
    return m_state->servers;
}

mail::MailServer *World::serverOnHost(const QString &hostname)
{
    for (auto &server : m_state->servers) {
        if (server->settings().hostname.compare(hostname, Qt::CaseInsensitive) == 0)
            return server.get();
    }
    return nullptr;
}

const mail::WebMailServer *World::webServerOf(const mail::MailServer &server) const
{
    for (const auto &web : m_state->webServers) {
        if (&web->mailServer() == &server)
            return web.get();
    }
    return nullptr;
}

net::VirtualNetwork &World::network()
{
    return *m_state->network;
}

std::optional<net::HostId> World::realClientsHost() const
{
    return m_state->realClients;
}

const mail::MailServer *World::serverForDomain(const QString &domain) const
{
    for (const auto &server : m_state->servers) {
        if (server->isLocalDomain(domain.toUtf8()))
            return server.get();
    }
    return nullptr;
}

const mail::Mailbox *World::mailboxOf(const QString &address) const
{
    const mail::MailServer *server = serverForDomain(domainOf(address));
    return server ? server->mailbox(localPartOf(address)) : nullptr;
}

QStringList World::conservationViolations() const
{
    // Where each accepted (Message-ID, recipient) is now. A copy the user made (IMAP COPY)
    // has no envelope and so no key: only deliveries and queue entries count.
    QHash<QByteArray, int> copies;
    QHash<QByteArray, int> inDuplicateWindow;
    for (const auto &server : m_state->servers) {
        for (const auto &[local, box] : server->mailboxes()) {
            for (const store::Folder &folder : box.folders()) {
                for (const mail::StoredMessage &m : folder.messages) {
                    if (!m.envelopeTo.isEmpty())
                        ++copies[mail::DeliveryLedger::key(m.messageId, m.envelopeTo)];
                }
            }
        }
        for (const mail::QueueEntry &e : server->queue().entries()) {
            for (const smtp::Path &p : e.recipients) {
                const QByteArray key = mail::DeliveryLedger::key(e.messageId, p.address());
                ++copies[key];
                if (e.awaitingFinalReply)
                    ++inDuplicateWindow[key];
            }
        }
    }
    const mail::DeliveryLedger &ledger = m_state->ledger;
    QStringList violations;
    for (auto it = copies.cbegin(); it != copies.cend(); ++it) {
        if (it.value() > 1 + inDuplicateWindow.value(it.key()))
            violations << QStringLiteral("%1: %2 copies").arg(QString::fromUtf8(it.key())).arg(it.value());
    }
    for (const QByteArray &key : ledger.acceptedKeys()) {
        if (ledger.deliveries(key) > 1)
            violations << QStringLiteral("%1: delivered %2 times").arg(QString::fromUtf8(key)).arg(ledger.deliveries(key));
        if (!copies.contains(key) && !ledger.isBounced(key) && !ledger.isRemovedByOwner(key))
            violations << QStringLiteral("%1: accepted, then lost").arg(QString::fromUtf8(key));
    }
    violations.sort();
    return violations;
}

} // namespace mailsim::world
