// A user's mailbox on their mail server: the messages delivered to them, oldest first.
#pragma once

#include "core/sim_time.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace mailsim::mail {

struct StoredMessage
{
    QByteArray content;    // the message as stored, Received: fields included
    QByteArray messageId;  // the Message-ID field's value, for tracking; may be empty
    QByteArray envelopeFrom; // MAIL FROM address; empty for bounces
    QByteArray envelopeTo;   // the RCPT TO address it was delivered for
    QByteArray queueId;    // the id this server gave it when it accepted it
    core::SimTime arrived = 0;
};

class Mailbox
{
public:
    explicit Mailbox(QString owner = {}) : m_owner(std::move(owner)) {}

    [[nodiscard]] const QString &owner() const { return m_owner; } // full address
    void add(StoredMessage message) { m_messages.push_back(std::move(message)); }
    [[nodiscard]] const std::vector<StoredMessage> &messages() const { return m_messages; }
    [[nodiscard]] std::size_t size() const { return m_messages.size(); }

private:
    QString m_owner;
    std::vector<StoredMessage> m_messages;
};

} // namespace mailsim::mail
