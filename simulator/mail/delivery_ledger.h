// Bookkeeping for the promise "an accepted message is never lost".
//
// Every time a server answers 250 to the end of a message, each recipient of it becomes a
// (Message-ID, recipient) pair that must from then on be in a queue or a mailbox, or have
// been bounced to its sender. Tests read this ledger and compare it with the places.
#pragma once

#include <QByteArray>
#include <QHash>
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
    // The message reached the recipient's INBOX (counted: twice would be a duplicate).
    void delivered(const QByteArray &messageId, const QByteArray &recipient)
    {
        ++m_deliveries[key(messageId, recipient)];
    }
    // Its owner removed it from the mailbox (POP3 download-and-delete, IMAP EXPUNGE): the end
    // of its journey, not a loss.
    void removedByOwner(const QByteArray &messageId, const QByteArray &recipient)
    {
        m_removedByOwner.insert(key(messageId, recipient));
    }
    [[nodiscard]] const QSet<QByteArray> &acceptedKeys() const { return m_accepted; }
    [[nodiscard]] bool isBounced(const QByteArray &key) const { return m_bounced.contains(key); }
    [[nodiscard]] bool isRemovedByOwner(const QByteArray &key) const { return m_removedByOwner.contains(key); }
    [[nodiscard]] int deliveries(const QByteArray &key) const { return m_deliveries.value(key); }

private:
    QSet<QByteArray> m_accepted;
    QSet<QByteArray> m_bounced;
    QSet<QByteArray> m_removedByOwner;
    QHash<QByteArray, int> m_deliveries;
};

} // namespace mailsim::mail
