// A mail server's outgoing queue: messages accepted for recipients elsewhere, waiting for
// (or in the middle of) delivery to the next server.
//
// One entry per message and destination domain, so that each entry is one SMTP transaction
// with that domain's server. An entry leaves the queue only when every recipient in it was
// accepted by the next server, or refused for good (and then bounced to the sender).
#pragma once

#include "core/sim_time.h"
#include "protocol/smtp/smtp_path.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <list>

namespace mailsim::mail {

struct QueueEntry
{
    QByteArray id;                      // queue id, e.g. "4F0A3C2B19"
    smtp::Path reversePath;             // MAIL FROM to use; null for bounces
    std::vector<smtp::Path> recipients; // still to deliver
    QByteArray content;                 // the message, Received: fields included
    QByteArray messageId;               // for tracking
    QString domain;                     // destination domain of every recipient
    core::SimTime queuedAt = 0;
    core::SimTime nextAttempt = 0;
    int attempts = 0;
    QByteArray lastError;               // why the last attempt failed, if it did
    bool inFlight = false;              // a delivery attempt is running now
    bool awaitingFinalReply = false;    // the content is sent, the reply to "." is not in
};

class OutgoingQueue
{
public:
    QueueEntry &add(QueueEntry entry);
    [[nodiscard]] QueueEntry *find(const QByteArray &id);
    void remove(const QByteArray &id);
    [[nodiscard]] const std::list<QueueEntry> &entries() const { return m_entries; }
    [[nodiscard]] std::size_t size() const { return m_entries.size(); }
    [[nodiscard]] bool empty() const { return m_entries.empty(); }

private:
    // In arrival order; a list so that entries stay where they are while others come and go
    // (a busy server holds thousands), with an index by id for the lookups of each reply.
    std::list<QueueEntry> m_entries;
    QHash<QByteArray, std::list<QueueEntry>::iterator> m_byId;
};

} // namespace mailsim::mail
