// Turns what a user typed into an Internet message (RFC 5322 and MIME) ready for submission.
//
// Header fields in the order mail programs conventionally write them, lines ended with
// CR LF, long address lists folded, non-ASCII header text as RFC 2047 encoded words. The
// content is built with the message library (message/mime.h), which is also what reads it
// everywhere else: a text/plain part with its charset; with an HTML version a
// multipart/alternative of the two; with attachments a multipart/mixed of that and the files
// (base64, lines of 76 characters). Text that is not ASCII goes as 8bit in `content`, for a
// server that announced 8BITMIME, and quoted-printable or base64 in `sevenBitContent`, for
// one that did not (RFC 6152). Bcc recipients are envelope recipients only: they never
// appear in the header.
#pragma once

#include "protocol/smtp/smtp_client_session.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mailsim::mail {

struct Mailbox822 // a mailbox as written in a header: "Display Name <local@domain>"
{
    QString displayName;
    QString address;
};

struct Attachment
{
    QString name;         // the file name the recipient sees
    QByteArray mediaType; // e.g. "image/png"
    QByteArray content;   // any bytes
};

struct Draft
{
    Mailbox822 from;
    QList<Mailbox822> to;
    QList<Mailbox822> cc;
    QList<Mailbox822> bcc;
    QString subject;
    QString body;
    QByteArray charset;            // of the text parts; empty: us-ascii for ASCII text, else utf-8
    QString html;                  // an HTML version of the body (multipart/alternative)
    QList<Attachment> attachments; // multipart/mixed
    // A message written by hand, sent as it is (line ends made CR LF) instead of composing
    // one; the address lists above then only make the envelope.
    QByteArray raw;
    // A wrong command the user agent sends in the SMTP submission before MAIL FROM, to show
    // the server's answer; the message goes on as usual after it. Not part of the message.
    smtp::ClientConfig::Mistake mistake = smtp::ClientConfig::Mistake::None;
};

struct ComposedMessage
{
    QByteArray content;            // the whole message, CR LF line ends
    // The same message with every part in a 7-bit encoding; empty when `content` has no byte
    // above 127 anyway.
    QByteArray sevenBitContent;
    QByteArray messageId;          // "<...@...>"
    QList<QByteArray> recipients;  // envelope recipients: To, Cc and Bcc addresses
};

// date: an RFC 5322 date-time; messageId: the Message-ID value, angle brackets included.
ComposedMessage composeMessage(const Draft &draft, const QByteArray &date,
                               const QByteArray &messageId);

// A draft's raw message as it is, line ends made CR LF, with the envelope recipients of its
// address lists; messageId stays empty (the header is the teacher's).
ComposedMessage verbatimMessage(const Draft &draft);

// A received message made fit for a server without 8BITMIME (RFC 6152 lets a relay convert
// it): every part with bytes above 127 re-encoded, text as quoted-printable and the rest as
// base64, everything else as it was. Empty when the message is 7-bit already, or when it
// cannot be made so (8-bit bytes in a header, or in a multipart that could not be read).
QByteArray sevenBitForm(const QByteArray &message);

// "Name <addr>" with the name quoted or encoded as needed; just "addr" without a name.
// Encoded words come from message::encodeHeaderText (message/codecs.h).
QByteArray formatMailbox(const Mailbox822 &mailbox);

} // namespace mailsim::mail
