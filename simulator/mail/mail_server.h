// A mail server, as the lecture describes it: a mailbox per local user, an outgoing queue,
// an SMTP server towards senders (port 25 from other servers, port 587 for its own users'
// submissions, RFC 6409) and an SMTP client towards the next server (port 25).
//
// It is also the mail policy behind the SMTP engine: which recipients are local, who may
// relay, and where an accepted message goes. The engine asks; this class decides.
// Accepted mail is never dropped: a 250 to the end of a message is given only after the
// message is in a mailbox or in the queue, and it leaves the queue only when the next
// server has taken it, or when a bounce about it has been made for its sender.
#pragma once

#include "core/sim_time.h"
#include "mail/mail_context.h"
#include "mail/mailbox.h"
#include "mail/outgoing_queue.h"
#include "protocol/smtp/smtp_client_session.h"
#include "protocol/smtp/smtp_server_session.h"

#include <QString>

#include <functional>
#include <map>
#include <memory>

namespace mailsim::mail {

enum class RelayPolicy {
    LocalClients, // relay only for the server's own users' machines (the usual set-up)
    Open,         // relay for anyone: an open relay, for demonstrating why that is bad
    None,         // accept mail for local users only
};
const char *toString(RelayPolicy policy);

struct MailServerSettings
{
    QString domain;   // the mail domain it receives for, e.g. "example.net"
    QString hostname; // e.g. "mail.example.net"
    quint16 smtpPort = 25;
    quint16 submissionPort = 587;
    quint16 pop3Port = 110; // RFC 1939
    quint16 imapPort = 143; // RFC 3501
    qint64 maxMessageSize = 10 * 1024 * 1024;
    int maxRecipients = 100;
    RelayPolicy relay = RelayPolicy::LocalClients;
    core::SimTime queuePickupDelay = core::milliseconds(50); // new mail to the queue manager
    // The retry schedule, as Postfix's: the first retry after retryInterval, each next wait
    // retryBackoff times the one before, but never more than maxRetryInterval.
    core::SimTime retryInterval = core::minutes(5);
    double retryBackoff = 2.0;
    core::SimTime maxRetryInterval = core::seconds(4000);
    core::SimTime maxQueueLifetime = core::seconds(5 * 24 * 3600); // then bounce
    // Whether EHLO announces 8BITMIME (RFC 6152). Off, the server behaves like an old one that
    // only takes 7-bit text: clients must encode 8-bit bodies before sending to it.
    bool eightBitMime = true;
};

// Listeners to a server's mailboxes (see MailServer::storeSignals). Held through a weak
// pointer by connections, which may outlive the server when a world is torn down.
class StoreSignals
{
public:
    int add(std::function<void()> listener)
    {
        m_listeners.emplace(m_next, std::move(listener));
        return m_next++;
    }
    void remove(int id) { m_listeners.erase(id); }
    [[nodiscard]] bool empty() const { return m_listeners.empty(); }
    void notify()
    {
        const auto listeners = m_listeners; // a listener may remove itself
        for (const auto &[id, listener] : listeners) {
            if (m_listeners.count(id))
                listener();
        }
    }

private:
    std::map<int, std::function<void()>> m_listeners;
    int m_next = 1;
};

class MailServer
{
public:
    MailServer(MailContext &context, MailServerSettings settings, net::HostId host);
    MailServer(const MailServer &) = delete;
    MailServer &operator=(const MailServer &) = delete;

    // A mailbox for local part `localPart`; the password is for POP3, IMAP and web mail.
    void addUser(const QString &localPart, const QByteArray &password = {});
    // Machines whose submissions this server relays (its users' computers).
    void trustClient(const QString &address);
    // Starts listening on the SMTP and submission ports.
    void start();
    // Faults a scenario scripts. Down: nothing listens (connections are refused); up: it
    // listens again. Busy: every new SMTP session is greeted with 421 and closed (RFC 5321
    // 3.8), while POP3 and IMAP still work.
    void setDown(bool down);
    void setBusy(bool busy) { m_busy = busy; }
    [[nodiscard]] bool isDown() const { return m_down; }
    [[nodiscard]] bool isBusy() const { return m_busy; }

    [[nodiscard]] const MailServerSettings &settings() const { return m_settings; }
    [[nodiscard]] net::HostId host() const { return m_host; }
    [[nodiscard]] trace::ActorId actor() const;
    [[nodiscard]] bool isLocalDomain(QByteArrayView domain) const;
    // The address a recipient is known by here, lower case: a local recipient under the
    // mail domain (postmaster@mail.example.net is postmaster@example.net).
    [[nodiscard]] QByteArray canonicalAddress(const smtp::Path &path) const;
    [[nodiscard]] const Mailbox *mailbox(const QString &localPart) const;
    [[nodiscard]] const std::map<QString, Mailbox> &mailboxes() const { return m_store.accounts(); }
    // The mailboxes as the access protocols (POP3, IMAP, web mail) read and change them.
    [[nodiscard]] store::MailStore &store() { return m_store; }
    // Told, in an event of its own, after every change to any mailbox here, so that an IMAP
    // session in IDLE reports new mail at once.
    [[nodiscard]] std::weak_ptr<StoreSignals> storeSignals() const { return m_storeSignals; }
    [[nodiscard]] const OutgoingQueue &queue() const { return m_queue; }
    // The SMTP engine's configuration for a session on `port`: AUTH on the submission port.
    [[nodiscard]] smtp::ServerConfig smtpConfig(quint16 port) const;

    // Mail policy, asked by the SMTP server side of each connection.
    smtp::Reply checkSender(const smtp::ClientInfo &client, const smtp::Path &reversePath);
    // Local users (any client), relay (trusted machines, or a session logged in as a user of
    // this server, as the relay setting allows), 550 otherwise.
    smtp::Reply checkRecipient(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                               const smtp::Path &forwardPath);
    // SMTP AUTH: the same user names and passwords as POP3, IMAP and web mail.
    bool authenticate(const smtp::ClientInfo &client, QByteArrayView user, QByteArrayView password);
    smtp::Reply acceptMessage(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                              const QByteArray &content, net::StreamConnection &connection);

private:
    bool mayRelay(const smtp::ClientInfo &client, const smtp::Envelope &envelope) const;
    void deliverLocally(const smtp::Path &recipient, StoredMessage message, int stage);
    void enqueue(QueueEntry entry, int stage);
    void scheduleAttempt(const QByteArray &id, core::SimTime delay);
    void attempt(const QByteArray &id);
    void failAtOnce(const QByteArray &id, const smtp::Reply &reason, const QByteArray &why);
    void tryExchange(const QByteArray &id, std::vector<QString> exchanges, std::size_t index,
                     QByteArray lastError);
    void finishAttempt(const QByteArray &id, const smtp::ClientResult &result, int stage,
                       const QByteArray &remoteMta);
    void defer(const QByteArray &id, const QByteArray &error, int stage);
public:
    // The wait before the next attempt after `attempts` failed ones (1 for the first retry).
    [[nodiscard]] core::SimTime retryDelay(int attempts) const;
private:
    // A delivery status notification (RFC 3464) to the entry's sender about `failed`;
    // remoteMta is the server that refused them, gaveUp that the queue's time ran out.
    void bounce(const QueueEntry &entry, const std::vector<smtp::RecipientOutcome> &failed,
                int stage, const QByteArray &remoteMta = {}, bool gaveUp = false);
    // An event that happens inside this server (queue, mailbox, bounce), now.
    trace::TraceEvent ownEvent(trace::EventKind kind, int stage) const;
    void traceQueue(trace::EventKind kind, const QueueEntry &entry, QByteArray text, int stage);
    // Every change to a mailbox becomes one trace event (mailbox-add, -remove, -flags,
    // folder-change), whoever made it: delivery, POP3, IMAP or web mail.
    void traceStoreChange(const QString &owner, const store::Change &change);

    MailContext &m_context;
    MailServerSettings m_settings;
    net::HostId m_host;
    store::MailStore m_store; // the mailboxes, by lower-case local part
    std::shared_ptr<StoreSignals> m_storeSignals;
    int m_changeStage = 6; // the stage of store changes: reading (6) unless delivering (5)
    bool m_down = false;
    bool m_busy = false;
    QList<QString> m_trustedClients;
    OutgoingQueue m_queue;
};

} // namespace mailsim::mail
