// Bookkeeping for the promise "an accepted message is never lost".
//
// Every time a server answers 250 to the end of a message, each recipient of it becomes a
// (Message-ID, recipient) pair that must from then on be in a queue or a mailbox, or have
// been bounced to its sender. Tests read this ledger and compare it with the places.
#pragma once

#include <QByteArray>
#include <QSet>

namespace mailsim::mail {

class DeliveryLedger
{
public:
    static QByteArray key(const QByteArray &messageId, const QByteArray &recipient)
    {
        return messageId + ' ' + recipient.toLower();
    }
    void accepted(const QByteArray &messageId, const QByteArray &recipient)
    {
        m_accepted.insert(key(messageId, recipient));
    }
    void bounced(const QByteArray &messageId, const QByteArray &recipient)
    {
        m_bounced.insert(key(messageId, recipient));
    }
    [[nodiscard]] const QSet<QByteArray> &acceptedKeys() const { return m_accepted; }
    [[nodiscard]] bool isBounced(const QByteArray &key) const { return m_bounced.contains(key); }

private:
    QSet<QByteArray> m_accepted;
    QSet<QByteArray> m_bounced;
};

} // namespace mailsim::mail
