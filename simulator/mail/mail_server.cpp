#include "mail/mail_server.h"

#include "mail/delivery_ledger.h"
#include "mail/delivery_status.h"
#include "mail/engine_server_connection.h"
#include "protocol/imap/imap_server_session.h"
#include "protocol/pop3/pop3_server_session.h"
#include "mail/header_fields.h"
#include "mail/message_composer.h"
#include "mail/smtp_client_connection.h"
#include "mail/smtp_server_connection.h"

#include <algorithm>

namespace mailsim::mail {

const char *toString(RelayPolicy policy)
{
    switch (policy) {
    case RelayPolicy::LocalClients: return "local-clients";
    case RelayPolicy::Open: return "open";
    case RelayPolicy::None: return "none";
    }
    return "unknown";
}

namespace {

constexpr int kStageQueue = 2;
constexpr int kStageConnect = 3;
constexpr int kStageTransfer = 4;
constexpr int kStageMailbox = 5;

StoredMessage storedMessage(const QByteArray &content, const QByteArray &messageId,
                            const QByteArray &envelopeFrom, const QByteArray &queueId)
{
    StoredMessage m;
    m.content = content;
    m.messageId = messageId;
    m.envelopeFrom = envelopeFrom;
    m.queueId = queueId;
    return m;
}

// The "with" of a Received: field (RFC 5321 4.4, the names registered by RFC 3848): ESMTPA
// says the client logged in, so that the path of a message shows who submitted it.
QByteArray protocolName(const smtp::Envelope &envelope)
{
    if (!envelope.esmtp)
        return "SMTP";
    return envelope.authenticatedUser.isEmpty() ? "ESMTP" : "ESMTPA";
}

} // namespace

MailServer::MailServer(MailContext &context, MailServerSettings settings, net::HostId host)
    : m_context(context), m_settings(std::move(settings)), m_host(host),
      m_store(m_settings.domain), m_storeSignals(std::make_shared<StoreSignals>())
{
    // Every mail server must accept mail for its postmaster (RFC 5321 section 4.5.1).
    addUser(QStringLiteral("postmaster"));
}

trace::ActorId MailServer::actor() const
{
    return m_context.network.host(m_host).actor;
}

void MailServer::addUser(const QString &localPart, const QByteArray &password)
{
    const bool known = m_store.find(localPart.toUtf8()) != nullptr;
    Mailbox &box = m_store.addUser(localPart, password);
    if (!password.isEmpty())
        box.setPassword(password);
    if (known)
        return;
    const QString owner = box.owner();
    box.addObserver([this, owner](const store::Change &change) { traceStoreChange(owner, change); });
}

void MailServer::traceStoreChange(const QString &owner, const store::Change &change)
{
    using Kind = store::Change::Kind;
    trace::TraceEvent e = ownEvent(trace::EventKind::MailboxAdd, m_changeStage);
    e.detail = owner.toUtf8();
    if (change.folder.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) != 0)
        e.detail += ' ' + change.folder.toUtf8();
    e.code = static_cast<qint32>(change.uid);
    switch (change.kind) {
    case Kind::Added:
        e.data = change.message ? change.message->content : QByteArray();
        if (m_context.ledger && change.message && change.cause == "delivery")
            m_context.ledger->delivered(change.message->messageId, change.message->envelopeTo);
        break;
    case Kind::Removed:
        e.kind = trace::EventKind::MailboxRemove;
        e.data = change.cause;
        // The owner removed it (POP3 QUIT, IMAP EXPUNGE): an end of its journey, not a loss.
        if (m_context.ledger && change.message && !change.message->envelopeTo.isEmpty())
            m_context.ledger->removedByOwner(change.message->messageId, change.message->envelopeTo);
        break;
    case Kind::FlagsChanged:
        e.kind = trace::EventKind::MailboxFlags;
        e.data = change.flags.join(' ');
        break;
    case Kind::FolderCreated:
        e.kind = trace::EventKind::FolderChange;
        e.detail = owner.toUtf8();
        e.data = "create " + change.folder.toUtf8();
        break;
    case Kind::FolderDeleted:
        e.kind = trace::EventKind::FolderChange;
        e.detail = owner.toUtf8();
        e.data = "delete " + change.folder.toUtf8();
        break;
    case Kind::FolderRenamed:
        e.kind = trace::EventKind::FolderChange;
        e.detail = owner.toUtf8();
        e.data = "rename " + change.folder.toUtf8() + ' ' + change.newName.toUtf8();
        break;
    }
    // A message that arrives with flags (an IMAP COPY or APPEND) gets its flags traced too,
    // as they are now: the views learn of flags from mailbox-flags events only.
    const bool flagged = change.kind == Kind::Added && !change.flags.isEmpty();
    trace::TraceEvent flags = e;
    m_context.trace.append(std::move(e));
    if (flagged) {
        flags.kind = trace::EventKind::MailboxFlags;
        flags.data = change.flags.join(' ');
        m_context.trace.append(std::move(flags));
    }
    // Sessions that watch the store (IMAP IDLE) hear of it after this event, never inside it;
    // with no session open, a delivery costs no extra kernel event.
    if (m_storeSignals->empty())
        return;
    const std::weak_ptr<StoreSignals> watchers = m_storeSignals;
    m_context.simulation.schedule(0, [watchers] {
        if (const auto w = watchers.lock())
            w->notify();
    });
}

void MailServer::trustClient(const QString &address)
{
    if (!m_trustedClients.contains(address))
        m_trustedClients.push_back(address);
}

void MailServer::start()
{
    auto acceptor = [this](net::StreamConnection &c) -> std::unique_ptr<net::StreamHandler> {
        const net::Host &peer = m_context.network.host(c.host(net::StreamConnection::Side::Client));
        smtp::ClientInfo client{peer.name.toUtf8(), peer.address.toUtf8()};
        return std::make_unique<SmtpServerConnection>(*this, m_context.trace, client, smtpConfig(c.port()));
    };
    m_context.network.listen(m_host, m_settings.smtpPort, acceptor);
    if (m_settings.submissionPort != m_settings.smtpPort)
        m_context.network.listen(m_host, m_settings.submissionPort, acceptor);

    // The access protocols: the recipient's side of stage 6.
    m_context.network.listen(m_host, m_settings.pop3Port, [this](net::StreamConnection &) {
        pop3::ServerConfig config;
        config.hostname = m_settings.hostname.toUtf8();
        // RFC 1939 section 7: unique per greeting, as "<process-id.clock@host>" would be.
        config.apopTimestamp = '<' + m_context.newId(8) + '.' + QByteArray::number(m_context.simulation.now())
                               + '@' + config.hostname + '>';
        return std::make_unique<EngineServerConnection>(
            m_context.trace, std::make_unique<pop3::Pop3ServerSession>(config, m_store),
            WireProtocol::Pop3, m_storeSignals);
    });
    m_context.network.listen(m_host, m_settings.imapPort, [this](net::StreamConnection &) {
        imap::ServerConfig config;
        config.hostname = m_settings.hostname.toUtf8();
        config.maxLiteral = m_settings.maxMessageSize;
        config.now = [this] { return m_context.epoch.addMSecs(m_context.simulation.now() / 1000); };
        return std::make_unique<EngineServerConnection>(
            m_context.trace, std::make_unique<imap::ImapServerSession>(config, m_store),
            WireProtocol::Imap, m_storeSignals);
    });
}

QByteArray MailServer::canonicalAddress(const smtp::Path &path) const
{
    if (isLocalDomain(path.domain))
        return path.localPart.toLower() + '@' + m_settings.domain.toUtf8().toLower();
    return path.address().toLower();
}

bool MailServer::isLocalDomain(QByteArrayView domain) const
{
    // The server's own host name counts too: "RCPT TO:<Postmaster>" means postmaster@host.
    return domain.compare(m_settings.domain.toUtf8(), Qt::CaseInsensitive) == 0
           || domain.compare(m_settings.hostname.toUtf8(), Qt::CaseInsensitive) == 0;
}

const Mailbox *MailServer::mailbox(const QString &localPart) const
{
    return m_store.find(localPart.toUtf8());
}

smtp::ServerConfig MailServer::smtpConfig(quint16 port) const
{
    smtp::ServerConfig config;
    config.hostname = m_settings.hostname.toUtf8();
    config.maxMessageSize = m_settings.maxMessageSize;
    config.maxRecipients = m_settings.maxRecipients;
    config.announce8BitMime = m_settings.eightBitMime;
    // Users log in where they submit (RFC 6409 section 4.3), not where servers relay to
    // each other. Offered to everyone, although there is no TLS in this world: the name and
    // password then cross the network as base64, which anyone watching can decode. Real
    // servers offer AUTH only after STARTTLS for that reason.
    config.offerAuth = port == m_settings.submissionPort;
    return config;
}

bool MailServer::mayRelay(const smtp::ClientInfo &client, const smtp::Envelope &envelope) const
{
    switch (m_settings.relay) {
    case RelayPolicy::Open: return true;
    case RelayPolicy::None: return false;
    case RelayPolicy::LocalClients:
        // Its users' machines, and its users logged in with AUTH from anywhere else.
        return m_trustedClients.contains(QString::fromUtf8(client.address)) ||
               (!envelope.authenticatedUser.isEmpty() && m_store.find(envelope.authenticatedUser));
    }
    return false;
}

bool MailServer::authenticate(const smtp::ClientInfo &, QByteArrayView user, QByteArrayView password)
{
    // The one check of POP3, IMAP and web mail too: local part or full address, any case.
    // A user whose scenario gives no password has their local part as password, because
    // the world adds them that way (world.cpp), so AUTH takes what POP3 takes.
    return m_store.authenticate(user, password) != nullptr;
}

smtp::Reply MailServer::checkSender(const smtp::ClientInfo &, const smtp::Path &)
{
    return {250, "OK"};
}

void MailServer::setDown(bool down)
{
    if (down == m_down)
        return;
    m_down = down;
    if (!down) {
        start();
        return;
    }
    for (quint16 port : {m_settings.smtpPort, m_settings.submissionPort, m_settings.pop3Port, m_settings.imapPort})
        m_context.network.stopListening(m_host, port);
}

smtp::Reply MailServer::checkRecipient(const smtp::ClientInfo &client,
                                       const smtp::Envelope &envelope, const smtp::Path &path)
{
    if (isLocalDomain(path.domain)) {
        // Recipients that always answer the same way, so that a teacher can show each reply
        // without scripting a fault (docs/scenario-format.md, "Faults").
        const QByteArray local = path.localPart.toLower();
        if (local == "busy")
            return {450, path.bracketed() + ": mailbox busy, try again later"};
        if (local == "later")
            return {451, path.bracketed() + ": local error in processing, try again later"};
        if (local == "missing")
            return {550, path.bracketed() + ": no such user here"};
        if (local == "big")
            return {552, path.bracketed() + ": message exceeds the mailbox's storage allocation"};
        if (m_store.find(path.localPart))
            return {250, "OK"};
        return {550, path.bracketed() + ": no such user here"};
    }
    if (mayRelay(client, envelope))
        return {250, "OK"};
    return {550, path.bracketed() + ": relay access denied"};
}

smtp::Reply MailServer::acceptMessage(const smtp::ClientInfo &client,
                                      const smtp::Envelope &envelope, const QByteArray &content,
                                      net::StreamConnection &connection)
{
    const QByteArray queueId = m_context.newId();
    const QByteArray date = m_context.dateHeader();
    const QByteArray hostname = m_settings.hostname.toUtf8();

    // Each recipient once, whatever the client sent (the same address in To and Cc, or
    // postmaster at the domain and at the host name).
    std::vector<smtp::Path> recipients;
    std::vector<QByteArray> seen;
    for (const smtp::Path &p : envelope.forwardPaths) {
        const QByteArray name = canonicalAddress(p);
        if (std::find(seen.begin(), seen.end(), name) == seen.end()) {
            seen.push_back(name);
            recipients.push_back(p);
        }
    }

    // The trace header of RFC 5321 section 4.4, newest first, so the path shows in the message.
    QByteArray stamped = "Received: from " + envelope.helo + " (" + client.hostname + " ["
                         + client.address + "])\r\n\tby " + hostname + " (MailSim) with "
                         + protocolName(envelope) + " id " + queueId + "\r\n\t";
    if (recipients.size() == 1)
        stamped += "for " + recipients.front().bracketed() + "; ";
    stamped += date + "\r\n";
    // A submission server completes what a user agent left out (RFC 6409 section 8).
    const std::optional<QByteArray> givenId = findHeaderField(content, "Message-ID");
    QByteArray messageId = givenId.value_or('<' + queueId + '@' + hostname + '>');
    if (mayRelay(client, envelope)) {
        if (!findHeaderField(content, "Date"))
            stamped += "Date: " + date + "\r\n";
        if (!givenId)
            stamped += "Message-ID: " + messageId + "\r\n";
    }
    stamped += content;
    const QByteArray envelopeFrom = envelope.reversePath.address();
    const int stage = connection.stage();

    std::vector<QueueEntry> remote; // one per destination domain, in first-seen order
    bool deliveredHere = false;
    for (const smtp::Path &rcpt : recipients) {
        if (m_context.ledger)
            m_context.ledger->accepted(messageId, rcpt.address());
        if (isLocalDomain(rcpt.domain)) {
            deliverLocally(rcpt, storedMessage(stamped, messageId, envelopeFrom, queueId),
                           kStageMailbox);
            deliveredHere = true;
            continue;
        }
        const QString domain = QString::fromUtf8(rcpt.domain).toLower();
        auto it = std::find_if(remote.begin(), remote.end(),
                               [&](const QueueEntry &e) { return e.domain == domain; });
        if (it == remote.end()) {
            QueueEntry e;
            e.id = remote.empty() ? queueId : m_context.newId();
            e.reversePath = envelope.reversePath;
            e.content = stamped;
            e.messageId = messageId;
            e.domain = domain;
            remote.push_back(std::move(e));
            it = remote.end() - 1;
        }
        it->recipients.push_back(rcpt);
    }
    if (deliveredHere)
        connection.setStage(kStageMailbox);
    for (QueueEntry &e : remote)
        enqueue(std::move(e), std::min(stage, kStageTransfer));
    return {250, "OK: queued as " + queueId};
}

void MailServer::deliverLocally(const smtp::Path &recipient, StoredMessage message, int stage)
{
    Mailbox *box = m_store.find(recipient.localPart);
    if (!box)
        return; // checkRecipient refused it already; bounces check before calling
    message.arrived = m_context.simulation.now();
    message.internalDate = m_context.epoch.addMSecs(message.arrived / 1000);
    message.envelopeTo = recipient.address();
    // The store's observer traces the mailbox-add, in the stage of this delivery.
    const int previous = std::exchange(m_changeStage, stage);
    box->add(std::move(message));
    m_changeStage = previous;
}

trace::TraceEvent MailServer::ownEvent(trace::EventKind kind, int stage) const
{
    trace::TraceEvent e;
    e.time = m_context.simulation.now();
    e.kind = kind;
    e.stage = static_cast<quint8>(stage);
    e.from = actor();
    e.to = actor();
    return e;
}

void MailServer::traceQueue(trace::EventKind kind, const QueueEntry &entry, QByteArray text,
                            int stage)
{
    trace::TraceEvent e = ownEvent(kind, stage);
    e.detail = entry.id;
    if (kind == trace::EventKind::QueueAdd) {
        // The recipients go with the id, so that the message itself can be shown from the queue.
        e.detail += ' ' + text;
        e.data = entry.content;
    } else {
        e.data = std::move(text);
    }
    e.code = entry.attempts;
    m_context.trace.append(std::move(e));
}

void MailServer::enqueue(QueueEntry entry, int stage)
{
    entry.queuedAt = m_context.simulation.now();
    entry.nextAttempt = entry.queuedAt + m_settings.queuePickupDelay;
    QByteArray recipients;
    for (const smtp::Path &p : entry.recipients)
        recipients += (recipients.isEmpty() ? "" : ", ") + p.bracketed();
    const QByteArray id = entry.id;
    traceQueue(trace::EventKind::QueueAdd, m_queue.add(std::move(entry)), recipients, stage);
    scheduleAttempt(id, m_settings.queuePickupDelay);
}

void MailServer::scheduleAttempt(const QByteArray &id, core::SimTime delay)
{
    m_context.simulation.schedule(delay, [this, id] { attempt(id); });
}

// Before any server was asked: every recipient of the entry fails for good with `reason`,
// the sender gets a bounce, and the entry leaves the queue saying `why`.
void MailServer::failAtOnce(const QByteArray &id, const smtp::Reply &reason, const QByteArray &why)
{
    QueueEntry *e = m_queue.find(id);
    std::vector<smtp::RecipientOutcome> failed;
    for (const smtp::Path &p : e->recipients)
        failed.push_back({p, smtp::RecipientOutcome::Status::PermanentFailure, reason});
    e->inFlight = false;
    bounce(*e, failed, kStageConnect);
    traceQueue(trace::EventKind::QueueRemove, *m_queue.find(id), why, kStageConnect);
    m_queue.remove(id);
}

void MailServer::attempt(const QByteArray &id)
{
    QueueEntry *e = m_queue.find(id);
    if (!e || e->inFlight)
        return;
    e->inFlight = true;
    ++e->attempts;
    m_context.dns.query(m_host, net::DnsType::MX, e->domain, kStageConnect,
                        [this, id](const net::DnsAnswer &answer) {
        QueueEntry *e = m_queue.find(id);
        if (!e)
            return;
        std::vector<QString> exchanges;
        switch (answer.status) {
        case net::DnsAnswer::Status::NoError: {
            // RFC 5321 5.1: a server that is itself one of the exchangers drops its own record
            // and every one it is not preferred to, or a backup MX would send mail to itself.
            std::optional<int> own;
            for (const net::MxRecord &mx : answer.mx) {
                if (mx.exchange.compare(m_settings.hostname, Qt::CaseInsensitive) == 0 && !own)
                    own = mx.preference;
            }
            for (const net::MxRecord &mx : answer.mx) {
                if (!own || mx.preference < *own)
                    exchanges.push_back(mx.exchange);
            }
            if (own && exchanges.empty()) {
                // The best exchanger is this server, yet the domain is not local here: a
                // configuration error that waiting will not mend (Postfix: "loops back to
                // myself").
                failAtOnce(id, {554, "mail for " + e->domain.toUtf8() + " loops back to myself"},
                           "mail for the domain loops back to this server");
                return;
            }
            break;
        }
        case net::DnsAnswer::Status::NoAnswer:
            // No MX: the domain's own address record is the implicit MX (RFC 5321 5.1).
            exchanges.push_back(e->domain);
            break;
        case net::DnsAnswer::Status::NxDomain:
            failAtOnce(id, {550, "domain " + e->domain.toUtf8() + " does not exist (DNS NXDOMAIN)"},
                       "the recipient domain does not exist");
            return;
        case net::DnsAnswer::Status::Unreachable:
            defer(id, "the DNS server cannot be reached", kStageConnect);
            return;
        }
        tryExchange(id, std::move(exchanges), 0, {});
    });
}

void MailServer::tryExchange(const QByteArray &id, std::vector<QString> exchanges,
                             std::size_t index, QByteArray lastError)
{
    if (!m_queue.find(id))
        return;
    if (index >= exchanges.size()) {
        defer(id, lastError, kStageConnect);
        return;
    }
    const QString exchange = exchanges[index];
    m_context.dns.query(m_host, net::DnsType::A, exchange, kStageConnect,
                        [this, id, exchanges, index, exchange](const net::DnsAnswer &answer) {
        QueueEntry *e = m_queue.find(id);
        if (!e)
            return;
        std::optional<net::HostId> target;
        if (!answer.addresses.empty())
            target = m_context.network.findAddress(answer.addresses.front());
        if (!target) {
            tryExchange(id, exchanges, index + 1,
                        exchange.toUtf8() + ": " + (answer.addresses.empty() ? "no address record" : "no host at that address"));
            return;
        }
        smtp::ClientConfig config;
        config.heloName = m_settings.hostname.toUtf8();
        // A relay has only the bytes it was given; for a next server without 8BITMIME it
        // re-encodes their 8-bit parts (RFC 6152 section 3 allows that conversion). What
        // cannot be converted (an 8-bit header) goes as it is, and the trace says so.
        smtp::Submission submission{e->reversePath, e->recipients, e->content,
                                    sevenBitForm(e->content)};
        auto done = [this, id, exchanges, index, exchange](const SmtpClientConnection::Outcome &o) {
            if (!o.connected) {
                tryExchange(id, exchanges, index + 1, exchange.toUtf8() + ": " + o.connectError);
                return;
            }
            finishAttempt(id, o.result, o.stage, exchange.toUtf8());
        };
        auto progress = [this, id](smtp::ClientState state) {
            if (QueueEntry *e = m_queue.find(id))
                e->awaitingFinalReply = state == smtp::ClientState::AwaitDataEnd;
        };
        m_context.network.connect(m_host, *target, 25,
                                  std::make_unique<SmtpClientConnection>(
                                      m_context.trace, config, std::move(submission),
                                      kStageTransfer, done, progress),
                                  kStageConnect);
    });
}

void MailServer::finishAttempt(const QByteArray &id, const smtp::ClientResult &result, int stage,
                               const QByteArray &remoteMta)
{
    QueueEntry *e = m_queue.find(id);
    if (!e)
        return;
    e->inFlight = false;
    e->awaitingFinalReply = false;
    std::vector<smtp::Path> remaining;
    std::vector<smtp::RecipientOutcome> failed;
    QByteArray delivered;
    QByteArray transientReason;
    for (const smtp::RecipientOutcome &r : result.recipients) {
        switch (r.status) {
        case smtp::RecipientOutcome::Status::Delivered:
            delivered += (delivered.isEmpty() ? "" : ", ") + r.recipient.bracketed();
            break;
        case smtp::RecipientOutcome::Status::PermanentFailure:
            failed.push_back(r);
            break;
        case smtp::RecipientOutcome::Status::TransientFailure:
        case smtp::RecipientOutcome::Status::Pending:
            remaining.push_back(r.recipient);
            if (transientReason.isEmpty() && r.reply.code)
                transientReason = QByteArray::number(r.reply.code) + ' ' + r.reply.text;
            break;
        }
    }
    if (!failed.empty())
        bounce(*e, failed, stage, remoteMta);
    e = m_queue.find(id); // bounce() may have added to the queue
    e->recipients = remaining;
    if (remaining.empty()) {
        traceQueue(trace::EventKind::QueueRemove, *e,
                   delivered.isEmpty() ? QByteArray("every recipient was refused; the sender was told")
                                       : "delivered to " + delivered,
                   stage);
        m_queue.remove(id);
        return;
    }
    if (!result.error.isEmpty())
        transientReason = result.error;
    defer(id, transientReason, stage);
}

void MailServer::defer(const QByteArray &id, const QByteArray &error, int stage)
{
    QueueEntry *e = m_queue.find(id);
    if (!e)
        return;
    e->inFlight = false;
    e->awaitingFinalReply = false;
    e->lastError = error;
    const core::SimTime now = m_context.simulation.now();
    const core::SimTime wait = retryDelay(e->attempts);
    if (now + wait - e->queuedAt > m_settings.maxQueueLifetime) {
        std::vector<smtp::RecipientOutcome> failed;
        for (const smtp::Path &p : e->recipients)
            failed.push_back({p, smtp::RecipientOutcome::Status::PermanentFailure,
                              {421, "gave up after " + QByteArray::number(e->attempts)
                                        + " attempts; last error: " + error}});
        bounce(*e, failed, stage, {}, /*gaveUp=*/true);
        e = m_queue.find(id);
        traceQueue(trace::EventKind::QueueRemove, *e, "gave up: " + error, stage);
        m_queue.remove(id);
        return;
    }
    e->nextAttempt = now + wait;
    traceQueue(trace::EventKind::QueueDefer, *e, error, stage);
    m_context.trace.setLastArrival(e->nextAttempt); // when it will try again, for the views
    scheduleAttempt(id, wait);
}

core::SimTime MailServer::retryDelay(int attempts) const
{
    double wait = double(m_settings.retryInterval);
    for (int i = 1; i < attempts && wait < double(m_settings.maxRetryInterval); ++i)
        wait *= std::max(1.0, m_settings.retryBackoff);
    return std::min(core::SimTime(wait), std::max(m_settings.maxRetryInterval, m_settings.retryInterval));
}

void MailServer::bounce(const QueueEntry &entry, const std::vector<smtp::RecipientOutcome> &failed,
                        int stage, const QByteArray &remoteMta, bool gaveUp)
{
    QByteArray reasons;
    for (const smtp::RecipientOutcome &r : failed) {
        reasons += "  " + r.recipient.bracketed() + ": " + QByteArray::number(r.reply.code) + ' '
                   + QByteArray(r.reply.text).replace('\n', ' ') + "\r\n";
        if (m_context.ledger)
            m_context.ledger->bounced(entry.messageId, r.recipient.address());
    }
    trace::TraceEvent note = ownEvent(trace::EventKind::Bounce, stage);
    note.detail = entry.id;
    if (entry.reversePath.isNull()) {
        // RFC 5321 section 6.1: a notification about a notification is never sent.
        note.data = "the failed message was itself a bounce (sender <>); it is discarded, not bounced";
        m_context.trace.append(std::move(note));
        return;
    }
    note.data = "returning the message to " + entry.reversePath.bracketed() + ":\n" + reasons.trimmed();
    m_context.trace.append(std::move(note));

    const QByteArray hostname = m_settings.hostname.toUtf8();
    const QByteArray id = m_context.newId();
    const QByteArray messageId = '<' + id + '@' + hostname + '>';
    DeliveryStatusReport dsn;
    dsn.reportingMta = hostname;
    dsn.date = m_context.dateHeader();
    dsn.messageId = messageId;
    dsn.sender = entry.reversePath.address();
    dsn.arrivalDate = formatRfc5322Date(m_context.epoch.addMSecs(entry.queuedAt / 1000));
    dsn.queueId = entry.id;
    dsn.gaveUp = gaveUp;
    dsn.originalContent = entry.content;
    for (const smtp::RecipientOutcome &r : failed)
        dsn.failed.push_back({r.recipient, r.reply.code, r.reply.text, remoteMta});
    const QByteArray report = makeDeliveryStatusReport(dsn);
    if (m_context.ledger)
        m_context.ledger->accepted(messageId, entry.reversePath.address());
    if (isLocalDomain(entry.reversePath.domain)) {
        if (mailbox(QString::fromUtf8(entry.reversePath.localPart))) {
            deliverLocally(entry.reversePath, storedMessage(report, messageId, {}, id), stage);
        } else if (m_context.ledger) {
            m_context.ledger->bounced(messageId, entry.reversePath.address());
        }
        return;
    }
    QueueEntry e;
    e.id = id;
    e.recipients.push_back(entry.reversePath);
    e.content = report;
    e.messageId = messageId;
    e.domain = QString::fromUtf8(entry.reversePath.domain).toLower();
    enqueue(std::move(e), stage);
}

} // namespace mailsim::mail
