// The texts follow the wording of RFC 5321 section 4.2 where it has one, so that a student
// who later reads a real server's log recognises them. Rows marked "policy" are never sent
// by the engine on its own: they are the usual answers of a mail server's ServerPolicy
// (unknown user, relay denied), listed so that the explainer knows them too. The AUTH rows
// carry the enhanced status codes RFC 4954 gives them (2.7.0, 5.7.8...), as real servers send
// them, although this server announces no ENHANCEDSTATUSCODES for its other replies.
#include "protocol/smtp/smtp_reply_catalog.h"

#include <algorithm>
#include <array>

namespace mailsim::smtp {

namespace {

constexpr std::array kCatalog = {
    ReplyInfo{ReplyId::Help, 214,
              "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT\n"
              "See RFC 5321 for what each one does",
              "Help text for a human at the keyboard. A program never needs it, and the "
              "session goes on unchanged."},
    ReplyInfo{ReplyId::Greeting, 220, "{hostname} ESMTP MailSim ready",
              "The server has accepted the connection and is ready for the client's "
              "greeting. ESMTP in the text hints that it understands EHLO."},
    ReplyInfo{ReplyId::Closing, 221, "{hostname} Service closing transmission channel",
              "The answer to QUIT: the server says goodbye and closes the connection. "
              "Nothing that was accepted before is lost."},
    ReplyInfo{ReplyId::AuthSucceeded, 235, "2.7.0 Authentication successful",
              "The user name and password were right: for the rest of this session the "
              "server knows who the client is, and may relay its mail to other domains. "
              "Anyone who watched the exchange knows the password too, unless TLS hid it."},
    ReplyInfo{ReplyId::Ok, 250, "OK",
              "The request is done: the client may send its next command."},
    ReplyInfo{ReplyId::HelloEsmtp, 250, "{hostname} Hello",
              "The server accepts the EHLO greeting. Each further line names an extension "
              "it supports, such as SIZE (its largest message) or PIPELINING."},
    ReplyInfo{ReplyId::HelloPlain, 250, "{hostname} Hello",
              "The server accepts the HELO greeting. After HELO, rather than EHLO, the "
              "client may use only the commands of plain SMTP, without extensions."},
    ReplyInfo{ReplyId::CannotVerify, 252,
              "Cannot VRFY user, but will accept message and attempt delivery",
              "The server will not say whether a mailbox exists, so that spammers cannot "
              "use it to collect addresses; the client should simply try RCPT TO."},
    ReplyInfo{ReplyId::AuthReadyForPlain, 334, "",
              "The server waits for the PLAIN credentials: one line of base64 holding the "
              "user name and the password, separated by NUL bytes. Decoding it takes no "
              "key, so anyone who can see the line can read the password."},
    ReplyInfo{ReplyId::AuthAskUsername, 334, "VXNlcm5hbWU6",
              "The LOGIN mechanism asks for the user name. Even the question is base64: "
              "VXNlcm5hbWU6 is \"Username:\". The client answers with the name in base64."},
    ReplyInfo{ReplyId::AuthAskPassword, 334, "UGFzc3dvcmQ6",
              "The LOGIN mechanism asks for the password (UGFzc3dvcmQ6 is base64 for "
              "\"Password:\"). The answer is the password in base64, which anyone watching "
              "can decode: base64 only makes bytes safe to send, it hides nothing."},
    ReplyInfo{ReplyId::StartMailInput, 354, "End data with <CR><LF>.<CR><LF>",
              "Go ahead: the client now sends the message itself, headers and body, and "
              "ends it with a line that holds only a dot."},
    ReplyInfo{ReplyId::ServiceNotAvailable, 421,
              "{hostname} Service not available, closing transmission channel",
              "The server is closing the connection (it is shutting down, or the client "
              "was silent too long). Nothing unfinished was accepted; the client should "
              "keep the message and try again later."},
    ReplyInfo{ReplyId::TooManyErrors, 421,
              "4.7.0 {hostname} Too many errors, closing transmission channel",
              "The client made too many mistakes in one session (unknown commands, bad "
              "syntax, wrong passwords), so the server hangs up, as real servers do to stop "
              "broken programs and password guessers. It may connect again."},
    ReplyInfo{ReplyId::MailboxBusy, 450, "Requested mail action not taken: mailbox unavailable",
              "Policy reply: the mailbox cannot be used right now (busy, or a check could "
              "not be made). The client should try again later."},
    ReplyInfo{ReplyId::LocalError, 451, "Requested action aborted: local error in processing",
              "Something went wrong inside the server, not in the client's request. The "
              "client should try again later."},
    ReplyInfo{ReplyId::TooManyRecipients, 452, "Too many recipients",
              "The server takes no more recipients in this transaction. The client sends "
              "this message to the recipients accepted so far, then the rest in a new "
              "transaction."},
    ReplyInfo{ReplyId::CommandUnrecognized, 500, "Syntax error, command unrecognized",
              "The server did not recognise the line as an SMTP command, for example a "
              "misspelt or an empty command."},
    ReplyInfo{ReplyId::LineTooLong, 500, "Line too long",
              "A line was longer than SMTP allows (512 octets for a command, 1000 for a line "
              "of the message). The line was thrown away, and a message with such a line "
              "is refused."},
    ReplyInfo{ReplyId::ControlCharacters, 500, "Syntax error, control characters in command",
              "The command contained a control character, such as a NUL or a lone CR, "
              "which never belongs in a command line. The server ignored the command."},
    ReplyInfo{ReplyId::AuthLineTooLong, 500, "5.5.6 Authentication Exchange line is too long",
              "A line of the AUTH exchange was longer than the 12288 octets SMTP allows for "
              "it. The login attempt is over; the client may start again with AUTH."},
    ReplyInfo{ReplyId::SyntaxError, 501, "Syntax error in parameters or arguments",
              "The command was recognised, but what follows it is not allowed: for "
              "example an argument to a command that takes none."},
    ReplyInfo{ReplyId::HelloNeedsDomain, 501, "Syntax: EHLO hostname (or HELO hostname)",
              "EHLO and HELO must name the client's host, for example EHLO pc.example.org."},
    ReplyInfo{ReplyId::MailFromSyntax, 501, "Syntax: MAIL FROM:<address>",
              "MAIL must be followed by FROM: and the sender's address in angle brackets."},
    ReplyInfo{ReplyId::RcptToSyntax, 501, "Syntax: RCPT TO:<address>",
              "RCPT must be followed by TO: and the recipient's address in angle brackets."},
    ReplyInfo{ReplyId::BadAddress, 501, "Bad address syntax",
              "The address in angle brackets is not a valid mailbox, for example it has no "
              "@, a space, or a character SMTP does not allow there."},
    ReplyInfo{ReplyId::BadParameter, 501, "Bad parameter syntax",
              "A parameter after the address is malformed, for example SIZE= with "
              "something other than digits, or the same parameter twice."},
    ReplyInfo{ReplyId::AuthSyntax, 501, "5.5.4 Syntax: AUTH mechanism [initial-response]",
              "AUTH must name a mechanism, such as PLAIN or LOGIN, optionally followed by "
              "the first answer in base64, and nothing more."},
    ReplyInfo{ReplyId::AuthBadBase64, 501, "5.5.2 Cannot decode response",
              "Every answer in an AUTH exchange must be base64, and this one is not. The "
              "login attempt is over; the client may start again with AUTH."},
    ReplyInfo{ReplyId::AuthCancelled, 501, "5.7.0 Authentication cancelled",
              "The client answered \"*\", which abandons the login attempt (RFC 4954). The "
              "session goes on, without a login."},
    ReplyInfo{ReplyId::NotImplemented, 502, "Command not implemented",
              "A real SMTP command, but one this server does not offer (for example EXPN, "
              "which would reveal mailing-list members). The session goes on."},
    ReplyInfo{ReplyId::SendHelloFirst, 503, "Bad sequence of commands: send EHLO or HELO first",
              "Commands came in the wrong order: the client must introduce itself with "
              "EHLO or HELO before a mail transaction."},
    ReplyInfo{ReplyId::NestedMail, 503, "Bad sequence of commands: nested MAIL command",
              "A mail transaction is already open. The client must finish it with DATA, or "
              "cancel it with RSET, before a new MAIL FROM."},
    ReplyInfo{ReplyId::NeedMail, 503, "Bad sequence of commands: need MAIL command",
              "Recipients and data belong to a transaction, and a transaction starts with "
              "MAIL FROM, which has not been accepted yet."},
    ReplyInfo{ReplyId::NeedRcpt, 503, "Bad sequence of commands: need RCPT command",
              "DATA came before any RCPT TO: the server does not know whom the message is "
              "for."},
    ReplyInfo{ReplyId::AuthInTransaction, 503,
              "5.5.1 Bad sequence of commands: AUTH not permitted during a mail transaction",
              "The client must log in before MAIL FROM, not in the middle of a transaction. "
              "RSET ends the transaction if it wants to log in now."},
    ReplyInfo{ReplyId::AlreadyAuthenticated, 503, "5.5.1 Bad sequence of commands: already authenticated",
              "The client has logged in already in this session, and one login per session "
              "is all SMTP allows. To be someone else it must connect again."},
    ReplyInfo{ReplyId::UnknownAuthMechanism, 504, "5.5.4 Unrecognized authentication type",
              "The client asked for a login mechanism this server does not offer. The "
              "EHLO reply's AUTH line lists the ones it does, here PLAIN and LOGIN."},
    ReplyInfo{ReplyId::AuthRequired, 530, "5.7.0 Authentication required",
              "Policy reply: the server does this only for clients that have logged in with "
              "AUTH. The client should log in first, then try again."},
    ReplyInfo{ReplyId::AuthFailed, 535, "5.7.8 Authentication credentials invalid",
              "The user name or the password is wrong; the server does not say which, so "
              "that a guesser cannot learn which names exist. The client is not logged in "
              "and may try again, but each failure counts towards the server's error limit."},
    ReplyInfo{ReplyId::MailboxUnavailable, 550, "Requested action not taken: mailbox unavailable",
              "Policy reply: this address is refused for good, for example there is no "
              "such user, or the server will not relay to another domain. The sender gets "
              "a bounce."},
    ReplyInfo{ReplyId::MessageTooBig, 552, "Message size exceeds fixed maximum message size",
              "The message is larger than the server accepts (the limit it announced with "
              "SIZE). Sending it again will not help."},
    ReplyInfo{ReplyId::MailboxNameNotAllowed, 553,
              "Requested action not taken: mailbox name not allowed",
              "Policy reply: the server refuses this address as written, for example a "
              "sender address it will not accept mail from."},
    ReplyInfo{ReplyId::NoValidRecipients, 554, "No valid recipients",
              "DATA came after every RCPT TO of this transaction was refused, so there is "
              "nobody to deliver the message to."},
    ReplyInfo{ReplyId::TransactionFailed, 554, "Transaction failed",
              "Policy reply: the server refuses the transaction for good, for example the "
              "message was judged to be spam."},
    ReplyInfo{ReplyId::ParametersNotRecognized, 555,
              "MAIL FROM/RCPT TO parameters not recognized or not implemented",
              "MAIL FROM or RCPT TO carried a parameter that this server did not announce "
              "in its EHLO reply (or any parameter after HELO, which announces none)."},
};

// The table is indexed by ReplyId: a row out of place is a compile error, not a wrong reply.
constexpr bool rowsInIdOrder()
{
    for (std::size_t i = 0; i < kCatalog.size(); ++i) {
        if (static_cast<std::size_t>(kCatalog[i].id) != i)
            return false;
    }
    return true;
}
static_assert(rowsInIdOrder(), "kCatalog rows must follow the order of enum ReplyId");
static_assert(static_cast<std::size_t>(ReplyId::ParametersNotRecognized) + 1 == kCatalog.size(),
              "every ReplyId needs a row in kCatalog");

} // namespace

std::span<const ReplyInfo> replyCatalog()
{
    return kCatalog;
}

const ReplyInfo &replyInfo(ReplyId id)
{
    return kCatalog[static_cast<std::size_t>(id)];
}

const ReplyInfo *findReply(int code)
{
    const auto it = std::find_if(kCatalog.begin(), kCatalog.end(),
                                 [code](const ReplyInfo &row) { return row.code == code; });
    return it == kCatalog.end() ? nullptr : &*it;
}

const ReplyInfo *findReply(int code, QByteArrayView firstLine)
{
    const ReplyInfo *general = nullptr;
    for (const ReplyInfo &row : kCatalog) {
        if (row.code != code)
            continue;
        if (!general)
            general = &row;
        QByteArrayView pattern(row.text);
        if (const qsizetype nl = pattern.indexOf('\n'); nl >= 0)
            pattern = pattern.first(nl);
        constexpr QByteArrayView kHost = "{hostname}";
        const qsizetype at = pattern.indexOf(kHost);
        if (at < 0) {
            if (firstLine == pattern)
                return &row;
            continue;
        }
        const QByteArrayView before = pattern.first(at);
        const QByteArrayView after = pattern.sliced(at + kHost.size());
        if (firstLine.size() <= before.size() + after.size() || !firstLine.startsWith(before)
            || !firstLine.endsWith(after))
            continue;
        const QByteArrayView host =
            firstLine.sliced(before.size(), firstLine.size() - before.size() - after.size());
        if (!host.contains(' '))
            return &row;
    }
    return general;
}

Reply catalogReply(ReplyId id, QByteArrayView hostname)
{
    const ReplyInfo &row = replyInfo(id);
    QByteArray text(row.text);
    text.replace("{hostname}", hostname.toByteArray());
    return Reply{row.code, text};
}

const char *replyClassMeaning(ReplyClass replyClass)
{
    switch (replyClass) {
    case ReplyClass::PositiveCompletion:
        return "A 2xx reply means done: the request succeeded and the client may go on "
               "with its next command.";
    case ReplyClass::PositiveIntermediate:
        return "A 3xx reply means go on: the request is accepted so far, and the server "
               "is waiting for more from the client.";
    case ReplyClass::TransientNegative:
        return "A 4xx reply means not now: the request failed, but the same request may "
               "work later, so the client keeps the message and tries again.";
    case ReplyClass::PermanentNegative:
        return "A 5xx reply means no: the request failed and repeating it unchanged will "
               "fail again. A client that made a mistake corrects its command; a mail server "
               "that was refused a recipient gives up on it and bounces the message to its sender.";
    case ReplyClass::Invalid:
        break;
    }
    return "Not a valid SMTP reply code: every reply starts with a digit from 2 to 5.";
}

} // namespace mailsim::smtp
