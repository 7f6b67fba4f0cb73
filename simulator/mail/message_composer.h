// Turns what a user typed into an Internet message (RFC 5322) ready for submission.
//
// Header fields in the order mail programs conventionally write them, lines ended with
// CR LF, long address lists folded, non-ASCII header text as RFC 2047 encoded words, and a
// MIME declaration of the body's character set (RFC 2045): us-ascii and 7bit when the body
// is plain ASCII, UTF-8 and 8bit otherwise. Bcc recipients are envelope recipients only:
// they never appear in the header.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mailsim::mail {

struct Mailbox822 // a mailbox as written in a header: "Display Name <local@domain>"
{
    QString displayName;
    QString address;
};

struct Draft
{
    Mailbox822 from;
    QList<Mailbox822> to;
    QList<Mailbox822> cc;
    QList<Mailbox822> bcc;
    QString subject;
    QString body;
};

struct ComposedMessage
{
    QByteArray content;            // the whole message, CR LF line ends
    QByteArray messageId;          // "<...@...>"
    QList<QByteArray> recipients;  // envelope recipients: To, Cc and Bcc addresses
};

// date: an RFC 5322 date-time; messageId: the Message-ID value, angle brackets included.
ComposedMessage composeMessage(const Draft &draft, const QByteArray &date,
                               const QByteArray &messageId);

// "Name <addr>" with the name quoted or encoded as needed; just "addr" without a name.
// Encoded words come from message::encodeHeaderText (message/codecs.h).
QByteArray formatMailbox(const Mailbox822 &mailbox);

} // namespace mailsim::mail
