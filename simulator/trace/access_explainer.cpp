#include "trace/access_explainer.h"

#include "protocol/common/engine_output.h"
#include "trace/explainer.h"

#include <QList>

namespace mailsim::trace {

namespace {

namespace status = protocol::reply_status;

QString firstLine(const QByteArray &bytes)
{
    const qsizetype end = bytes.indexOf('\n');
    QString line = QString::fromUtf8(end < 0 ? bytes : bytes.left(end));
    while (line.endsWith(QLatin1Char('\r')))
        line.chop(1);
    if (line.size() > 160)
        line = line.left(160) + QStringLiteral(" …");
    return line;
}

QByteArray word(const QByteArray &line, int n)
{
    const QList<QByteArray> words = line.trimmed().split(' ');
    return n < words.size() ? words[n] : QByteArray();
}

// The command keyword of a POP3 line, an IMAP line (after the tag, and after "UID"), or the
// method and path of an HTTP request.
QByteArray pop3Verb(const QByteArray &data) { return word(data.left(data.indexOf('\n')), 0).toUpper(); }

QByteArray imapVerb(const QByteArray &data)
{
    const QByteArray line = data.left(data.indexOf('\n'));
    if (line.trimmed().compare("DONE", Qt::CaseInsensitive) == 0)
        return "DONE";
    QByteArray verb = word(line, 1).toUpper();
    if (verb == "UID")
        verb = word(line, 2).toUpper();
    return verb;
}

// The last command of the same connection before `index`, for reading its reply.
QByteArray previousVerb(const TraceLog &log, std::size_t index, EventKind commandKind)
{
    const TraceEvent &e = log.at(index);
    for (std::size_t i = index; i-- > 0 && index - i < 400;) {
        const TraceEvent &p = log.at(i);
        if (p.connection == e.connection && p.kind == commandKind)
            return commandKind == EventKind::Pop3Command ? pop3Verb(p.data) : imapVerb(p.data);
    }
    return {};
}

QString pop3Command(const QByteArray &verb)
{
    if (verb == "USER")
        return QStringLiteral("USER names the mailbox to open. POP3 sends the name, and next the password, as plain text.");
    if (verb == "PASS")
        return QStringLiteral("PASS gives the password, readable by anyone who can see the connection (real servers wrap POP3 in TLS).");
    if (verb == "APOP")
        return QStringLiteral("APOP logs in without sending the password: the client sends the MD5 digest of the server's greeting stamp and the password.");
    if (verb == "STAT")
        return QStringLiteral("STAT asks how many messages the mailbox holds and how many bytes they take.");
    if (verb == "LIST")
        return QStringLiteral("LIST asks for each message's number and size in bytes.");
    if (verb == "UIDL")
        return QStringLiteral("UIDL asks for each message's unique id, which stays the same across sessions: a client that keeps mail on the server uses it to skip what it already has.");
    if (verb == "RETR")
        return QStringLiteral("RETR downloads one whole message.");
    if (verb == "TOP")
        return QStringLiteral("TOP downloads a message's header and the first lines of its body only.");
    if (verb == "DELE")
        return QStringLiteral("DELE marks a message for deletion. Nothing is deleted yet: that happens only when the session ends with QUIT.");
    if (verb == "RSET")
        return QStringLiteral("RSET takes back every deletion mark of this session.");
    if (verb == "NOOP")
        return QStringLiteral("NOOP does nothing; the server just answers.");
    if (verb == "QUIT")
        return QStringLiteral("QUIT ends the session. Only now does the server delete the messages marked with DELE.");
    if (verb == "CAPA")
        return QStringLiteral("CAPA asks which optional POP3 features the server offers.");
    return QStringLiteral("A POP3 command from the client.");
}

QString pop3Reply(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QString server = actorLabel(log, e.from);
    if (e.code == status::Pop3Err)
        return QStringLiteral("-ERR: %1 refuses; the text says why. POP3 has no numbered codes, only +OK and -ERR.").arg(server);
    const QByteArray before = previousVerb(log, index, EventKind::Pop3Command);
    if (before.isEmpty())
        return QStringLiteral("%1 greets the client with +OK: the mailbox can be opened.").arg(server);
    if (before == "PASS" || before == "APOP")
        return QStringLiteral("+OK: the password is right and the mailbox is now locked for this session.");
    if (before == "RETR" || before == "TOP")
        return QStringLiteral("+OK, then the message, ended by a line holding only a dot (a line of the message that starts with a dot gets a second one).");
    if (before == "QUIT")
        return QStringLiteral("+OK: the session ends; messages marked for deletion are now gone from the server.");
    if (before == "DELE")
        return QStringLiteral("+OK: marked for deletion, applied at QUIT.");
    return QStringLiteral("+OK: the command worked.");
}

QString imapCommand(const QByteArray &verb)
{
    if (verb == "LOGIN")
        return QStringLiteral("LOGIN gives the user name and password. Every IMAP command starts with a tag, so that replies can be matched to commands.");
    if (verb == "CAPABILITY")
        return QStringLiteral("CAPABILITY asks which IMAP features the server supports.");
    if (verb == "SELECT")
        return QStringLiteral("SELECT opens a folder for reading and changing; the server answers with its counts and UIDs.");
    if (verb == "EXAMINE")
        return QStringLiteral("EXAMINE opens a folder read-only.");
    if (verb == "FETCH")
        return QStringLiteral("FETCH asks for parts of messages: flags, size, structure or the content. The mail stays on the server.");
    if (verb == "SEARCH")
        return QStringLiteral("SEARCH lets the server find messages (unread ones, from someone, with a subject), so the client need not download them to look.");
    if (verb == "STORE")
        return QStringLiteral("STORE changes flags such as \\Seen or \\Deleted. Flags live on the server, so every client of this user sees them.");
    if (verb == "COPY")
        return QStringLiteral("COPY puts copies of messages into another folder on the server.");
    if (verb == "APPEND")
        return QStringLiteral("APPEND uploads a message into a folder, as a client does to keep a copy of what it sent.");
    if (verb == "EXPUNGE")
        return QStringLiteral("EXPUNGE deletes, for good, the messages flagged \\Deleted.");
    if (verb == "CLOSE")
        return QStringLiteral("CLOSE leaves the folder, deleting the messages flagged \\Deleted.");
    if (verb == "IDLE")
        return QStringLiteral("IDLE: the client waits and the server reports new mail the moment it arrives, instead of the client asking again and again (polling).");
    if (verb == "DONE")
        return QStringLiteral("DONE ends the IDLE wait.");
    if (verb == "LOGOUT")
        return QStringLiteral("LOGOUT ends the session.");
    if (verb == "LIST" || verb == "LSUB")
        return QStringLiteral("LIST asks which folders exist (LSUB: which ones the user subscribed to).");
    if (verb == "STATUS")
        return QStringLiteral("STATUS asks for a folder's counts without opening it.");
    if (verb == "CREATE" || verb == "DELETE" || verb == "RENAME")
        return QStringLiteral("%1 changes the folders kept on the server.").arg(QString::fromLatin1(verb));
    if (verb == "NOOP")
        return QStringLiteral("NOOP does nothing, but gives the server a chance to report changes.");
    return QStringLiteral("An IMAP command from the client.");
}

QString imapReply(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QByteArray line = e.data.left(e.data.indexOf('\n'));
    switch (e.code) {
    case status::ImapNo:
        return QStringLiteral("NO: the command was understood but failed; the text says why.");
    case status::ImapBad:
        return QStringLiteral("BAD: the server could not make sense of the command.");
    case status::ImapBye:
        return QStringLiteral("BYE: the server is closing the connection.");
    case status::ImapContinue:
        return QStringLiteral("\"+\": the server is ready for more from the client (the bytes of a literal, or waiting in IDLE).");
    case status::ImapOk:
        if (line.startsWith("* "))
            return QStringLiteral("The server's greeting: it is ready for a LOGIN.");
        return QStringLiteral("The tagged OK completes the command with the same tag.");
    default:
        break;
    }
    const QByteArray second = word(line, 2).toUpper();
    if (second == "EXISTS") {
        if (previousVerb(log, index, EventKind::ImapCommand) == "IDLE")
            return QStringLiteral("New mail: the server pushes this EXISTS without being asked, because the client is in IDLE.");
        return QStringLiteral("EXISTS: how many messages the folder holds now.");
    }
    if (second == "RECENT")
        return QStringLiteral("RECENT: how many messages arrived since a session last looked at this folder.");
    if (second == "FETCH")
        return QStringLiteral("Untagged data for the FETCH: what the client asked for about one message.");
    if (second == "EXPUNGE")
        return QStringLiteral("EXPUNGE: this message number is gone; the numbers after it move down by one.");
    if (word(line, 1).toUpper() == "SEARCH")
        return QStringLiteral("The numbers of the messages that match the search.");
    if (previousVerb(log, index, EventKind::ImapCommand) == "IDLE")
        return QStringLiteral("Untagged data (\"*\") pushed while the client waits in IDLE.");
    return QStringLiteral("Untagged data (\"*\"): information the server sends before completing a command.");
}

QString httpRequest(const QByteArray &data)
{
    const QByteArray method = word(data.left(data.indexOf('\n')), 0);
    const QByteArray path = word(data.left(data.indexOf('\n')), 1);
    if (path == "/login")
        return QStringLiteral("The browser posts the login form. The answer will set a cookie that identifies the session in every later request.");
    if (path.startsWith("/inbox"))
        return QStringLiteral("The browser asks for the inbox page; the web server reads the mailbox and writes it as HTML.");
    if (path.contains("/part/"))
        return QStringLiteral("The browser asks for one attachment. HTTP sends one object per response, and its bytes go unencoded: no base64 is needed.");
    if (path.startsWith("/message/"))
        return QStringLiteral("The browser asks for one message as a web page.");
    if (path == "/send")
        return QStringLiteral("The browser posts the message it wrote. The web server will hand it to the mail server with SMTP.");
    if (path == "/logout")
        return QStringLiteral("The browser ends the web mail session.");
    if (method == "GET")
        return QStringLiteral("The browser asks for a page with GET.");
    return QStringLiteral("An HTTP request from the browser.");
}

QString httpResponse(const TraceEvent &e)
{
    switch (e.code) {
    case 200: return QStringLiteral("200 OK: here is the page or object asked for.");
    case 303: return QStringLiteral("303 See Other: the browser is sent on to another page (the Location field).");
    case 400: return QStringLiteral("400: the request was malformed.");
    case 401: return QStringLiteral("401: the server wants HTTP authentication first.");
    case 403: return QStringLiteral("403 Forbidden: the login was refused (unknown user or wrong password).");
    case 404: return QStringLiteral("404: there is nothing at that address.");
    case 405: return QStringLiteral("405: that method is not allowed here.");
    case 413: return QStringLiteral("413: the request's body is larger than the server accepts.");
    case 502: return QStringLiteral("502: the web server could not hand the message to the mail server.");
    default: break;
    }
    switch (e.code / 100) {
    case 2: return QStringLiteral("A 2xx status: success.");
    case 3: return QStringLiteral("A 3xx status: look elsewhere.");
    case 4: return QStringLiteral("A 4xx status: the client's request was at fault.");
    default: return QStringLiteral("A 5xx status: the server failed.");
    }
}

} // namespace

bool isAccessProtocolEvent(EventKind kind)
{
    switch (kind) {
    case EventKind::Pop3Command:
    case EventKind::Pop3Reply:
    case EventKind::ImapCommand:
    case EventKind::ImapReply:
    case EventKind::HttpRequest:
    case EventKind::HttpResponse: return true;
    default: return false;
    }
}

QString accessProtocolName(EventKind kind)
{
    switch (kind) {
    case EventKind::Pop3Command:
    case EventKind::Pop3Reply: return QStringLiteral("POP3");
    case EventKind::ImapCommand:
    case EventKind::ImapReply: return QStringLiteral("IMAP");
    case EventKind::HttpRequest:
    case EventKind::HttpResponse: return QStringLiteral("HTTP");
    default: return {};
    }
}

bool isAccessReply(EventKind kind)
{
    return kind == EventKind::Pop3Reply || kind == EventKind::ImapReply || kind == EventKind::HttpResponse;
}

int accessReplyClass(const TraceEvent &e)
{
    switch (e.kind) {
    case EventKind::Pop3Reply: return e.code == status::Pop3Ok ? 2 : 5;
    case EventKind::ImapReply:
        switch (e.code) {
        case status::ImapOk: return 2;
        case status::ImapContinue: return 3;
        case status::ImapNo: return 4;
        case status::ImapBad: return 5;
        // BYE is how every IMAP session ends, the polite LOGOUT too: no failure by itself.
        default: return 0;
        }
    case EventKind::HttpResponse: return e.code >= 500 ? 5 : e.code >= 400 ? 4 : e.code >= 300 ? 3 : 2;
    default: return 0;
    }
}

int replyOutcome(const TraceEvent &e)
{
    if (e.kind == EventKind::SmtpReply)
        return e.code >= 200 && e.code <= 599 ? e.code / 100 : 0;
    return accessReplyClass(e);
}

bool isProtocolUnit(EventKind kind)
{
    return kind == EventKind::SmtpCommand || kind == EventKind::SmtpReply
           || kind == EventKind::SmtpData || isAccessProtocolEvent(kind);
}

QString summarizeAccess(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    const QString line = firstLine(e.data);
    const bool more = e.data.indexOf('\n') >= 0 && e.data.indexOf('\n') < e.data.size() - 1;
    switch (e.kind) {
    case EventKind::Pop3Command:
    case EventKind::ImapCommand:
    case EventKind::HttpRequest:
        if (e.kind == EventKind::HttpRequest && more)
            return QStringLiteral("C: %1 (%2 bytes)").arg(line).arg(e.data.size());
        if (e.kind == EventKind::ImapCommand && more)
            return QStringLiteral("C: %1 … (%2 bytes)").arg(line).arg(e.data.size());
        return QStringLiteral("C: %1").arg(line);
    case EventKind::Pop3Reply:
    case EventKind::ImapReply:
    case EventKind::HttpResponse:
        return more ? QStringLiteral("S: %1 … (%2 bytes)").arg(line).arg(e.data.size())
                    : QStringLiteral("S: %1").arg(line);
    default: return {};
    }
}

QString explainAccess(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    switch (e.kind) {
    case EventKind::Pop3Command: return pop3Command(pop3Verb(e.data));
    case EventKind::Pop3Reply: return pop3Reply(log, index);
    case EventKind::ImapCommand: return imapCommand(imapVerb(e.data));
    case EventKind::ImapReply: return imapReply(log, index);
    case EventKind::HttpRequest: return httpRequest(e.data);
    case EventKind::HttpResponse: return httpResponse(e);
    default: return {};
    }
}

} // namespace mailsim::trace
