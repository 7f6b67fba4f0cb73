#include "trace/explainer.h"

#include "trace/access_explainer.h"
#include "trace/text_formatter.h"

#include "mail/header_fields.h"
#include "message/codecs.h"
#include "protocol/smtp/smtp_reply.h"
#include "protocol/smtp/smtp_reply_catalog.h"

#include <QList>

#include <optional>

namespace mailsim::trace {

namespace {

QString text(const QByteArray &bytes)
{
    QString s = QString::fromUtf8(bytes);
    while (s.endsWith(QLatin1Char('\n')) || s.endsWith(QLatin1Char('\r')))
        s.chop(1);
    return s;
}

QByteArray verbOf(const QByteArray &command)
{
    qsizetype end = 0;
    while (end < command.size() && command[end] != ' ' && command[end] != '\r' && command[end] != '\n'
           && command[end] != ':')
        ++end;
    return command.left(end).toUpper();
}

// The last command sent on the same connection before event `index`, or "".
QByteArray previousCommand(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    for (std::size_t i = index; i-- > 0 && index - i < 200;) {
        const TraceEvent &p = log.at(i);
        if (p.connection != e.connection)
            continue;
        if (p.kind == EventKind::SmtpCommand)
            return verbOf(p.data);
        if (p.kind == EventKind::SmtpData)
            return "<DATA-END>";
    }
    return {};
}

QString portMeaning(int port)
{
    switch (port) {
    case 25: return QStringLiteral("port 25, where mail servers accept mail from each other");
    case 587: return QStringLiteral("port 587, the submission port where a server takes mail from its own users");
    case 110: return QStringLiteral("port 110, POP3");
    case 143: return QStringLiteral("port 143, IMAP");
    case 80: return QStringLiteral("port 80, HTTP");
    default: return QStringLiteral("port %1").arg(port);
    }
}

QString commandExplanation(const QByteArray &verb, const QString &client)
{
    if (verb == "EHLO")
        return QStringLiteral("%1 introduces itself by name and, by saying EHLO rather than HELO, "
                              "asks which SMTP extensions the server supports.").arg(client);
    if (verb == "HELO")
        return QStringLiteral("%1 introduces itself the old way, without asking for extensions.").arg(client);
    if (verb == "MAIL")
        return QStringLiteral("MAIL FROM opens a mail transaction and names the envelope sender: "
                              "the address a bounce would go back to. It need not match the From: "
                              "line of the message.");
    if (verb == "RCPT")
        return QStringLiteral("RCPT TO names one recipient of the envelope. The envelope, not the "
                              "To: line, decides where the message goes; Bcc recipients exist only here.");
    if (verb == "DATA")
        return QStringLiteral("DATA asks permission to send the message itself.");
    if (verb == "QUIT")
        return QStringLiteral("QUIT ends the session politely; the server confirms and closes.");
    if (verb == "RSET")
        return QStringLiteral("RSET abandons the current mail transaction without closing the connection.");
    if (verb == "NOOP")
        return QStringLiteral("NOOP does nothing but ask the server to answer: a way to check it is still there.");
    if (verb == "VRFY")
        return QStringLiteral("VRFY asks whether an address exists; servers rarely tell, to keep spammers guessing.");
    if (verb == "HELP")
        return QStringLiteral("HELP asks the server for a list of the commands it knows.");
    return QStringLiteral("A command the client sends to the server.");
}

// The text of a reply's first line, after the code and its separator: what the reply
// catalogue's rows are matched against.
QByteArray replyFirstLine(const QByteArray &wire)
{
    qsizetype end = 0;
    while (end < wire.size() && wire[end] != '\r' && wire[end] != '\n')
        ++end;
    return end > 4 ? wire.mid(4, end - 4) : QByteArray();
}

// Decoded bytes as a student reads them: UTF-8 text, any control byte (PLAIN's NULs among
// them) shown as "·".
QString readable(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QChar(0x00b7);
    }
    return text;
}

std::optional<QByteArray> fromBase64(QByteArrayView text)
{
    if (text == "=") // AUTH's way of writing an empty initial response
        return QByteArray();
    return message::base64DecodeStrict(text);
}

// What PLAIN's credentials say, "authzid NUL user NUL password", in words.
QString plainCredentials(const QByteArray &decoded)
{
    const QList<QByteArray> parts = decoded.split('\0');
    if (parts.size() != 3)
        return QStringLiteral("\"%1\", which is not the user name and password PLAIN expects")
            .arg(readable(decoded));
    return QStringLiteral("user \"%1\" and password \"%2\"").arg(readable(parts[1]), readable(parts[2]));
}

const QString kBase64HidesNothing = QStringLiteral(
    "Base64 is an encoding, not encryption: anyone who can see the connection decodes it as "
    "easily as the server does. Real mail programs log in only inside TLS for that reason.");

// The AUTH command: which mechanism, and what its initial response says once decoded.
QString authExplanation(const QByteArray &command, const QString &client)
{
    const QList<QByteArray> words = command.trimmed().split(' ');
    const QByteArray mechanism = words.value(1).toUpper();
    const std::optional<QByteArray> initial =
        words.size() > 2 ? fromBase64(words[2]) : std::optional<QByteArray>();
    QString s = QStringLiteral("%1 asks to log in as a user of the server (SMTP AUTH), so that the "
                               "server will relay its mail to other domains although it does not "
                               "know the machine. ").arg(client);
    if (mechanism == "PLAIN" && initial)
        return s + QStringLiteral("PLAIN sends name and password at once, here on the same line: the "
                                  "base64 decodes to %1. ").arg(plainCredentials(*initial))
               + kBase64HidesNothing;
    if (mechanism == "PLAIN")
        return s + QStringLiteral("PLAIN sends the name and the password together, in one line of "
                                  "base64, when the server says 334.");
    if (mechanism == "LOGIN" && initial)
        return s + QStringLiteral("LOGIN asks for the name and the password one at a time; here the "
                                  "name comes at once, in base64: \"%1\".").arg(readable(*initial));
    if (mechanism == "LOGIN")
        return s + QStringLiteral("LOGIN makes the server ask for the name, then the password, each "
                                  "answered with a line of base64.");
    return s + QStringLiteral("It asks for the mechanism %1; the server lists those it offers in "
                              "its EHLO reply.").arg(QString::fromUtf8(mechanism));
}

// The reply a client line answers, when that line is an answer in an AUTH exchange: the 334
// just before it on the same connection, with no command in between. Null otherwise.
const TraceEvent *authChallenge(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    for (std::size_t i = index; i-- > 0 && index - i < 200;) {
        const TraceEvent &p = log.at(i);
        if (p.connection != e.connection)
            continue;
        if (p.kind == EventKind::SmtpCommand || p.kind == EventKind::SmtpData)
            return nullptr;
        if (p.kind == EventKind::SmtpReply)
            return p.code == 334 ? &p : nullptr;
    }
    return nullptr;
}

// A client's line that answers a 334: the user name, the password, or PLAIN's both.
QString authAnswerExplanation(const TraceEvent &answer, const TraceEvent &challenge)
{
    const QByteArray line = answer.data.trimmed();
    if (line == "*")
        return QStringLiteral("\"*\" gives up the login; the server will answer 501 and the session "
                              "goes on without it.");
    const std::optional<QByteArray> decoded = fromBase64(line);
    if (!decoded)
        return QStringLiteral("The answer to the server's 334 should be base64, and this is not: "
                              "the server will refuse it with 501.");
    const std::optional<QByteArray> question = fromBase64(replyFirstLine(challenge.data));
    QString s;
    if (question && question->startsWith("Username"))
        s = QStringLiteral("The user name, in base64. It decodes to \"%1\". ").arg(readable(*decoded));
    else if (question && question->startsWith("Password"))
        s = QStringLiteral("The password, in base64. It decodes to \"%1\". ").arg(readable(*decoded));
    else
        s = QStringLiteral("The name and password for PLAIN, in base64. It decodes to %1. ")
                .arg(plainCredentials(*decoded));
    return s + kBase64HidesNothing;
}

QString smtpCommandExplanation(const TraceLog &log, std::size_t index, const QString &client)
{
    const TraceEvent &e = log.at(index);
    if (const TraceEvent *challenge = authChallenge(log, index))
        return authAnswerExplanation(e, *challenge);
    const QByteArray verb = verbOf(e.data);
    if (verb == "AUTH")
        return authExplanation(e.data, client);
    return commandExplanation(verb, client);
}

QString replyExplanation(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QByteArray before = previousCommand(log, index);
    const QString server = actorLabel(log, e.from);
    switch (e.code) {
    case 220:
        return QStringLiteral("%1 greets the client: it is ready. Until this 220 arrives the client "
                              "sends nothing.").arg(server);
    case 221:
        return QStringLiteral("%1 says goodbye and closes the connection.").arg(server);
    case 250:
        if (before == "EHLO")
            return QStringLiteral("250: the server accepts the greeting. Each further line names an "
                                  "extension it supports, such as SIZE (its largest message) or 8BITMIME.");
        if (before == "MAIL")
            return QStringLiteral("250: the envelope sender is accepted; recipients may follow.");
        if (before == "RCPT")
            return QStringLiteral("250: this recipient is accepted.");
        if (before == "<DATA-END>")
            return QStringLiteral("250 after the final dot: %1 has stored the message and is now "
                                  "responsible for it. The id lets both sides find it in their logs.").arg(server);
        break;
    case 354:
        return QStringLiteral("354 is an intermediate reply: send the message now, and end it with a "
                              "line that holds only a dot.");
    default:
        break;
    }
    // Several rows may share the code (421 closing down or too many errors): the text says which.
    if (const smtp::ReplyInfo *info = smtp::findReply(e.code, replyFirstLine(e.data)))
        return QString::fromUtf8(info->meaning);
    return QString::fromUtf8(smtp::replyClassMeaning(smtp::Reply{e.code, {}}.replyClass()));
}

} // namespace

QString actorLabel(const TraceLog &log, ActorId id)
{
    if (id < 0 || static_cast<std::size_t>(id) >= log.actors().size())
        return QStringLiteral("someone");
    const Actor &a = log.actor(id);
    return a.label.isEmpty() ? a.name : a.label;
}

QString summarize(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    switch (e.kind) {
    case EventKind::Compose:
    case EventKind::MailboxRead: {
        // As a mail program shows them: encoded words (RFC 2047) decoded.
        auto field = [&e](QByteArrayView name) {
            return message::decodeHeaderText(mail::headerField(e.data, name));
        };
        if (isWebPage(e))
            return QStringLiteral("sees message %1 of %2's mailbox in the browser: a web page of %3 bytes")
                .arg(e.code).arg(QString::fromUtf8(e.detail)).arg(e.data.size());
        const QString subject = field("Subject");
        if (e.kind == EventKind::Compose)
            return QStringLiteral("composes \"%1\" to %2").arg(subject, field("To"));
        return QStringLiteral("reads message %1 in %2's mailbox: \"%3\" from %4")
            .arg(e.code).arg(QString::fromUtf8(e.detail), subject, field("From"));
    }
    case EventKind::TcpSyn: return QStringLiteral("TCP SYN to port %1").arg(e.code);
    case EventKind::TcpSynAck: return QStringLiteral("TCP SYN-ACK from port %1").arg(e.code);
    case EventKind::TcpAck: return QStringLiteral("TCP ACK: connection to port %1 open").arg(e.code);
    case EventKind::TcpRefused: return QStringLiteral("TCP RST: %1").arg(QString::fromUtf8(e.detail));
    case EventKind::TcpFin: return QStringLiteral("TCP FIN: closes its side");
    case EventKind::DnsQuery: return QStringLiteral("DNS query: %1").arg(text(e.data));
    case EventKind::DnsAnswer:
        return e.data.isEmpty() ? QStringLiteral("DNS answer: %1").arg(QString::fromUtf8(e.detail))
                                : QStringLiteral("DNS answer: %1").arg(text(e.data).replace(QLatin1Char('\n'), QStringLiteral("; ")));
    case EventKind::SmtpCommand: return QStringLiteral("C: %1").arg(text(e.data));
    case EventKind::SmtpReply: {
        QString first = text(e.data);
        const qsizetype nl = first.indexOf(QLatin1Char('\r'));
        if (nl >= 0)
            first = first.left(nl) + QStringLiteral(" …");
        return QStringLiteral("S: %1").arg(first);
    }
    case EventKind::SmtpData:
        return QStringLiteral("C: (message, %1 bytes, ended by \".\")").arg(e.data.size());
    case EventKind::QueueAdd:
        return QStringLiteral("queue: adds %1 for %2").arg(QString::fromUtf8(queueId(e)), QString::fromUtf8(queueRecipients(e)));
    case EventKind::QueueRemove:
        return QStringLiteral("queue: removes %1, %2").arg(QString::fromUtf8(e.detail), QString::fromUtf8(e.data));
    case EventKind::QueueDefer:
        return QStringLiteral("queue: %1 waits after attempt %2: %3")
            .arg(QString::fromUtf8(e.detail)).arg(e.code).arg(QString::fromUtf8(e.data));
    case EventKind::MailboxAdd:
        return QStringLiteral("mailbox: stores message %1 for %2").arg(e.code).arg(QString::fromUtf8(e.detail));
    case EventKind::Bounce:
        return QStringLiteral("bounce: %1").arg(text(e.data).replace(QLatin1Char('\n'), QStringLiteral(" ")));
    case EventKind::Note:
        return text(e.data);
    case EventKind::Pop3Command:
    case EventKind::Pop3Reply:
    case EventKind::ImapCommand:
    case EventKind::ImapReply:
    case EventKind::HttpRequest:
    case EventKind::HttpResponse:
        return summarizeAccess(log, index);
    case EventKind::MailboxRemove:
        return QStringLiteral("mailbox: removes message %1 from %2 (%3)")
            .arg(e.code).arg(QString::fromUtf8(e.detail), QString::fromUtf8(e.data));
    case EventKind::MailboxFlags:
        return QStringLiteral("mailbox: message %1 of %2 now has flags %3")
            .arg(e.code).arg(QString::fromUtf8(e.detail),
                             e.data.isEmpty() ? QStringLiteral("(none)") : QString::fromUtf8(e.data));
    case EventKind::FolderChange:
        return QStringLiteral("mailbox: %1 folders: %2").arg(QString::fromUtf8(e.detail), QString::fromUtf8(e.data));
    case EventKind::Fault:
        return QStringLiteral("fault: %1").arg(text(e.data));
    }
    return {};
}

QString explain(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QString from = actorLabel(log, e.from);
    const QString to = actorLabel(log, e.to);
    switch (e.kind) {
    case EventKind::Compose:
        return QStringLiteral("%1 builds the message: header lines, an empty line, then the body. "
                              "It has not left the computer yet.").arg(from);
    case EventKind::TcpSyn:
        if (e.code == 25)
            return QStringLiteral("%1 now plays the client: it opens a TCP connection to %2 on %3.")
                .arg(from, to, portMeaning(e.code));
        return QStringLiteral("%1 opens a TCP connection to %2 on %3.").arg(from, to, portMeaning(e.code));
    case EventKind::TcpSynAck:
        return QStringLiteral("Something listens on port %1, so %2 agrees to the connection.").arg(e.code).arg(from);
    case EventKind::TcpAck:
        return QStringLiteral("The three-way handshake is done: the two sides now share a reliable, "
                              "ordered byte stream, and SMTP runs on top of it.");
    case EventKind::TcpRefused:
        return QStringLiteral("The connection cannot be made (%1). The client must try another "
                              "server or try again later.").arg(QString::fromUtf8(e.detail));
    case EventKind::TcpFin:
        return QStringLiteral("%1 closes its direction of the TCP connection.").arg(from);
    case EventKind::DnsQuery:
        if (e.data.contains(" MX "))
            return QStringLiteral("To find where mail for this domain goes, %1 asks DNS for its MX "
                                  "(mail exchanger) records.").arg(from);
        return QStringLiteral("%1 asks DNS for the IP address (A record) of that host.").arg(from);
    case EventKind::DnsAnswer:
        if (e.data.contains(" MX "))
            return QStringLiteral("DNS names the host that receives mail for the domain; a lower "
                                  "preference number means try it first.");
        if (e.data.isEmpty())
            return QStringLiteral("DNS has no such record.");
        return QStringLiteral("DNS gives the host's IP address, so a TCP connection can be opened.");
    case EventKind::SmtpCommand:
        return smtpCommandExplanation(log, index, from);
    case EventKind::SmtpReply:
        return replyExplanation(log, index);
    case EventKind::SmtpData:
        return QStringLiteral("The message itself: header, empty line, body. A line starting with a "
                              "dot gets a second dot (dot-stuffing), so that only a line holding a "
                              "single dot can end the message.");
    case EventKind::QueueAdd:
        return QStringLiteral("%1 puts the message in its outgoing queue. It has accepted "
                              "responsibility for it, so it keeps it until the next server takes it.").arg(from);
    case EventKind::QueueRemove:
        return QStringLiteral("The queue entry is done, so %1 removes it.").arg(from);
    case EventKind::QueueDefer: {
        // Why it waits: a 4xx reply or no connection at all is "try later"; a 5xx would have
        // ended the attempt for good with a bounce.
        const QString why = e.data.isEmpty() ? QStringLiteral("a temporary problem") : text(e.data);
        QString s = QStringLiteral("This attempt failed: %1. That is temporary (a 4xx reply, or no "
                                   "connection at all), so the message stays in the queue and %2 will "
                                   "try again; a 5xx reply would instead have ended it with a bounce "
                                   "to the sender.").arg(why, from);
        if (e.arrival > e.time)
            s += QStringLiteral(" Next attempt at %1.").arg(TextFormatter::formatTime(e.arrival));
        return s;
    }
    case EventKind::MailboxAdd:
        return QStringLiteral("%1 stores the message in %2's mailbox. SMTP has pushed it as far as it "
                              "goes; now it waits until the recipient pulls it.").arg(to, QString::fromUtf8(e.detail));
    case EventKind::MailboxRead:
        if (isWebPage(e))
            return QStringLiteral("The browser shows the message as the web server wrote it: an HTML "
                                  "page, not the message itself. The mail stays on the server.");
        return QStringLiteral("%1 now has the message and shows it: the recipient pulled the mail "
                              "when they chose to.").arg(from);
    case EventKind::Bounce:
        return QStringLiteral("The message cannot be delivered, so %1 writes a bounce (a non-delivery "
                              "report) back to the envelope sender, from the empty sender <> so that "
                              "a bounce can never cause another bounce.").arg(from);
    case EventKind::Note:
        return {};
    case EventKind::Pop3Command:
    case EventKind::Pop3Reply:
    case EventKind::ImapCommand:
    case EventKind::ImapReply:
    case EventKind::HttpRequest:
    case EventKind::HttpResponse:
        return explainAccess(log, index);
    case EventKind::MailboxRemove:
        return QStringLiteral("The message is deleted from the server for good (%1). With POP3's "
                              "download-and-delete, the only copy is now on the user's computer.")
            .arg(QString::fromUtf8(e.data));
    case EventKind::MailboxFlags:
        return QStringLiteral("Flags such as \\Seen (read) are kept on the server with the message, so "
                              "every program the user reads mail with sees the same state.");
    case EventKind::FolderChange:
        return QStringLiteral("Folders are kept on the server too (IMAP), not on one computer.");
    case EventKind::Fault:
        if (e.detail.endsWith("-up") || e.detail == "server-ready")
            return QStringLiteral("Things work again. Mail waiting in a queue goes out at its next attempt, "
                                  "not at once: the sending server only tries again when its retry time comes.");
        return QStringLiteral("Something in the network or a server fails. Mail already accepted is not "
                              "lost: it waits in the sending server's queue, which tries again later.");
    }
    return {};
}

QString explainInFull(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QString specific = explain(log, index);
    if (e.kind != EventKind::SmtpReply)
        return specific;
    const QString general =
        QString::fromUtf8(smtp::replyClassMeaning(smtp::Reply{e.code, {}}.replyClass()));
    // For a code the catalogue does not know, explain() already is the class meaning.
    if (specific.isEmpty() || specific == general)
        return general;
    return general + QLatin1Char(' ') + specific;
}

} // namespace mailsim::trace
