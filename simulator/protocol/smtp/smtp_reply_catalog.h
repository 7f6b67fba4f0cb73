// Every reply the SMTP server can send, in one table, each with a sentence for students.
//
// Keeping the texts here, and nowhere else, means that what the trace explainer (and later
// the window) says about a reply is written next to the reply itself and cannot drift from
// it. The server engine builds its replies only through catalogReply(); the mail policy may
// use the rows marked as policy replies in the .cpp too.
//
// Several rows may share a code (500 for an unknown command and for an over-long line):
// the code is what a client acts on, the text is for the human reading the log.
#pragma once

#include "protocol/smtp/smtp_reply.h"

#include <QByteArrayView>

#include <span>

namespace mailsim::smtp {

// One row per distinct reply. The order is the order of the table, grouped by code.
enum class ReplyId {
    Help,                  // 214
    Greeting,              // 220
    Closing,               // 221
    AuthSucceeded,         // 235 (RFC 4954)
    Ok,                    // 250
    HelloEsmtp,            // 250, first line of the EHLO reply
    HelloPlain,            // 250, the HELO reply
    CannotVerify,          // 252
    AuthReadyForPlain,     // 334, the empty challenge of PLAIN
    AuthAskUsername,       // 334, LOGIN's "Username:"
    AuthAskPassword,       // 334, LOGIN's "Password:"
    StartMailInput,        // 354
    ServiceNotAvailable,   // 421
    TooManyErrors,         // 421
    MailboxBusy,           // 450, policy
    LocalError,            // 451
    TooManyRecipients,     // 452
    CommandUnrecognized,   // 500
    LineTooLong,           // 500
    ControlCharacters,     // 500
    AuthLineTooLong,       // 500
    SyntaxError,           // 501
    HelloNeedsDomain,      // 501
    MailFromSyntax,        // 501
    RcptToSyntax,          // 501
    BadAddress,            // 501
    BadParameter,          // 501
    AuthSyntax,            // 501
    AuthBadBase64,         // 501
    AuthCancelled,         // 501
    NotImplemented,        // 502
    SendHelloFirst,        // 503
    NestedMail,            // 503
    NeedMail,              // 503
    NeedRcpt,              // 503
    AuthInTransaction,     // 503
    AlreadyAuthenticated,  // 503
    UnknownAuthMechanism,  // 504
    AuthRequired,          // 530, policy
    AuthFailed,            // 535
    MailboxUnavailable,    // 550, policy
    MessageTooBig,         // 552
    MailboxNameNotAllowed, // 553, policy
    NoValidRecipients,     // 554
    TransactionFailed,     // 554, policy
    ParametersNotRecognized, // 555
};

struct ReplyInfo
{
    ReplyId id;
    int code;
    // The text after the code, as sent. "{hostname}" stands for the server's name; a '\n'
    // separates the lines of a multi-line reply (see Reply::text).
    const char *text;
    // One or two sentences for a student: what this reply means and what the client does next.
    const char *meaning;
};

// The whole table, in ReplyId order: for a reference view that lists every reply.
std::span<const ReplyInfo> replyCatalog();
const ReplyInfo &replyInfo(ReplyId id);
// The first row with this code, which is the general meaning of the code; nullptr for a
// code the table does not know (the caller can fall back to replyClassMeaning()).
const ReplyInfo *findReply(int code);
// The row a reply came from, for codes that several rows share (500, 501, 334, 421...): the
// row with this code whose text equals the reply's first line, "{hostname}" standing for any
// one word; else the first row with the code, as findReply(code) gives.
const ReplyInfo *findReply(int code, QByteArrayView firstLine);
// The reply for a row, with "{hostname}" replaced.
Reply catalogReply(ReplyId id, QByteArrayView hostname = {});
// What the first digit of a code tells the client (RFC 5321 section 4.2.1).
const char *replyClassMeaning(ReplyClass replyClass);

} // namespace mailsim::smtp
