#include "trace/push_pull.h"

#include "message/mime.h"
#include "trace/access_explainer.h"

#include <QLocale>

#include <algorithm>

namespace mailsim::trace {

namespace {

QString number(qint64 n)
{
    return QLocale::c().toString(n); // 12,345: readable at a projector's distance
}

QString firstLine(const QByteArray &bytes)
{
    const qsizetype end = bytes.indexOf("\r\n");
    return QString::fromUtf8(end < 0 ? bytes : bytes.left(end));
}

bool isClientUnit(EventKind kind)
{
    return kind == EventKind::SmtpCommand || kind == EventKind::SmtpData || kind == EventKind::Pop3Command
           || kind == EventKind::ImapCommand || kind == EventKind::HttpRequest;
}

// The dialogue of one connection as C:/S: lines; a unit of many lines shows its first ones
// and then how much more there is, so that a message does not push the dialogue away.
DialogueSide dialogue(const TraceLog &log, std::size_t end, int connection, const QString &protocol)
{
    DialogueSide side;
    side.protocol = protocol;
    side.connection = connection;
    for (std::size_t i = 0; i < end; ++i) {
        const TraceEvent &e = log.at(i);
        if (e.connection != connection)
            continue;
        if (e.kind == EventKind::TcpSyn) {
            side.client = log.actorName(e.from);
            side.server = log.actorName(e.to);
            side.port = e.code;
        }
        if (!isProtocolUnit(e.kind))
            continue;
        const QString prefix = isClientUnit(e.kind) ? QStringLiteral("C: ") : QStringLiteral("S: ");
        QStringList lines = QString::fromUtf8(e.data).split(QStringLiteral("\r\n"));
        if (!lines.isEmpty() && lines.back().isEmpty())
            lines.removeLast();
        constexpr int kShown = 3;
        for (int l = 0; l < std::min<int>(kShown, lines.size()); ++l)
            side.lines << prefix + lines[l];
        if (lines.size() > kShown)
            side.lines << prefix
                              + QStringLiteral("… %1 more lines (%2 bytes in all)")
                                    .arg(lines.size() - kShown)
                                    .arg(number(e.data.size()));
    }
    return side;
}

struct Leaf
{
    QString type;
    QByteArray encoding;
    qint64 encoded = 0; // bytes as they travel
    qint64 decoded = 0; // bytes of data
};

void leaves(const message::MimeEntity &entity, std::vector<Leaf> &out)
{
    if (!entity.parts.empty()) {
        for (const message::MimeEntity &p : entity.parts)
            leaves(p, out);
        return;
    }
    Leaf l;
    l.type = QString::fromUtf8(entity.mediaType());
    l.encoding = entity.transferEncoding().toLower();
    l.encoded = entity.body.size();
    l.decoded = entity.decodedBody().size();
    out.push_back(l);
}

bool hasHighBytes(const QByteArray &bytes)
{
    return std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) > 127; });
}

QByteArray headerValue(const QByteArray &response, QByteArrayView name)
{
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = response.left(headEnd < 0 ? response.size() : headEnd).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && QByteArrayView(line.left(colon).trimmed()).compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray httpBody(const QByteArray &response)
{
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    return headEnd < 0 ? QByteArray() : response.mid(headEnd + 4);
}

} // namespace

PushPullComparison comparePushPull(const TraceLog &log, std::size_t end)
{
    PushPullComparison c;
    end = std::min(end, log.size());

    // The reader's first access session, and where its connection starts.
    int pullConnection = -1;
    std::size_t pullStart = 0;
    for (std::size_t i = 0; i < end && pullConnection < 0; ++i) {
        const TraceEvent &e = log.at(i);
        if (e.stage == 6 && isAccessProtocolEvent(e.kind))
            pullConnection = e.connection;
    }
    for (std::size_t i = 0; i < end; ++i) {
        if (log.at(i).connection == pullConnection) {
            pullStart = i;
            break;
        }
    }
    // The message it finds: the last delivery into a mailbox before that session.
    std::size_t delivery = end;
    for (std::size_t i = pullConnection >= 0 ? pullStart : end; i-- > 0;) {
        const TraceEvent &e = log.at(i);
        if (e.kind == EventKind::MailboxAdd && e.stage == 5) {
            delivery = i;
            break;
        }
    }
    if (pullConnection >= 0 && delivery == end) {
        // The reader was there first (IMAP IDLE): the message came during the session.
        for (std::size_t i = pullStart; i < end; ++i) {
            if (log.at(i).kind == EventKind::MailboxAdd && log.at(i).stage == 5) {
                delivery = i;
                break;
            }
        }
    }
    if (pullConnection < 0 && delivery == end) {
        for (std::size_t i = end; i-- > 0;) {
            if (log.at(i).kind == EventKind::MailboxAdd && log.at(i).stage == 5) {
                delivery = i;
                break;
            }
        }
    }
    // The SMTP session that pushed it there: the last DATA before the delivery.
    int pushConnection = -1;
    std::size_t data = end;
    for (std::size_t i = delivery == end ? end : delivery; i-- > 0;) {
        if (log.at(i).kind == EventKind::SmtpData) {
            pushConnection = log.at(i).connection;
            data = i;
            break;
        }
    }

    if (pushConnection >= 0)
        c.push = dialogue(log, end, pushConnection, QStringLiteral("SMTP"));
    if (pullConnection >= 0)
        c.pull = dialogue(log, end, pullConnection, QString());
    // The protocol's name, from the first access unit of the connection.
    for (std::size_t i = pullStart; pullConnection >= 0 && i < end; ++i) {
        if (log.at(i).connection == pullConnection && isAccessProtocolEvent(log.at(i).kind)) {
            c.pull.protocol = accessProtocolName(log.at(i).kind);
            break;
        }
    }
    if (pushConnection < 0 || delivery == end) {
        c.missing = QStringLiteral("No message has been delivered yet: step on to stage 5.");
        return c;
    }
    if (pullConnection < 0) {
        c.missing = QStringLiteral("The recipient has not read the mail yet: step on to stage 6.");
        return c;
    }

    // What travelled.
    const QByteArray stored = log.at(delivery).data;
    const message::ParsedMessage parsed = message::parseMessage(stored);
    std::vector<Leaf> parts;
    leaves(parsed.root, parts);
    QStringList types;
    for (const Leaf &l : parts)
        types << l.type;

    // The pull side's biggest answer from the server, and the command it answered.
    const TraceEvent *biggest = nullptr;
    QString askedBy;
    QString lastCommand;
    std::vector<const TraceEvent *> httpObjects;
    for (std::size_t i = pullStart; i < end; ++i) {
        const TraceEvent &e = log.at(i);
        if (e.connection != pullConnection || !isAccessProtocolEvent(e.kind))
            continue;
        if (isAccessReply(e.kind)) {
            if (!biggest || e.data.size() > biggest->data.size()) {
                biggest = &e;
                askedBy = lastCommand;
            }
            if (e.kind == EventKind::HttpResponse && e.code == 200)
                httpObjects.push_back(&e);
        } else {
            lastCommand = firstLine(e.data);
        }
    }

    const DialogueSide &push = c.push;
    const DialogueSide &pull = c.pull;
    c.rows.push_back({QStringLiteral("Who opens the connection?"),
                      QStringLiteral("%1, on the sender's side, connects to %2 port %3 and hands the message on.")
                          .arg(push.client, push.server)
                          .arg(push.port),
                      QStringLiteral("%1, the reader's computer, connects to %2 port %3 and asks for the mail.")
                          .arg(pull.client, pull.server)
                          .arg(pull.port)});
    c.rows.push_back(
        {QStringLiteral("Who sends the message's bytes?"),
         QStringLiteral("The client (%1): %2 bytes after DATA. The sender pushes.")
             .arg(push.client, number(log.at(data).data.size())),
         biggest ? QStringLiteral("The server (%1): %2 bytes in its answer to \"%3\". The reader pulls.")
                       .arg(pull.server, number(biggest->data.size()), askedBy)
                 : QStringLiteral("Nothing yet: the server sends only what the client asks for.")});

    const QString one = parts.size() > 1
                            ? QStringLiteral("One message, %1 with %2 parts (%3), all in one DATA.")
                                  .arg(QString::fromUtf8(parsed.root.mediaType()))
                                  .arg(parts.size())
                                  .arg(types.join(QStringLiteral(", ")))
                            : QStringLiteral("One message, %1, in one DATA.").arg(types.value(0));
    QString objects;
    if (pull.protocol == QLatin1String("HTTP")) {
        QStringList served;
        for (const TraceEvent *r : httpObjects)
            served << QStringLiteral("%1 (%2 bytes)")
                          .arg(QString::fromUtf8(headerValue(r->data, "Content-Type").split(';').value(0)),
                               number(httpBody(r->data).size()));
        objects = QStringLiteral("%1 responses, one object each: %2.").arg(httpObjects.size()).arg(served.join(QStringLiteral(", ")));
    } else if (pull.protocol == QLatin1String("POP3")) {
        objects = QStringLiteral("The same single message, whole, in one answer to RETR%1.")
                      .arg(parts.size() > 1 ? QStringLiteral(" (its %1 parts inside)").arg(parts.size()) : QString());
    } else {
        objects = QStringLiteral("What FETCH asks for: here the whole message (BODY[])%1; IMAP could fetch one part alone (BODY[n]).")
                      .arg(parts.size() > 1 ? QStringLiteral(", %1 parts inside").arg(parts.size()) : QString());
    }
    c.rows.push_back({QStringLiteral("How many objects travel?"), one, objects});

    QStringList base64;
    for (const Leaf &l : parts) {
        if (l.encoding == "base64" && l.decoded > 0)
            base64 << QStringLiteral("%1 as base64 text: %2 bytes for %3 bytes of data (+%4 %)")
                          .arg(l.type, number(l.encoded), number(l.decoded))
                          .arg(qRound(100.0 * double(l.encoded - l.decoded) / double(l.decoded)));
    }
    const QString pushBinary =
        base64.isEmpty() ? QStringLiteral("Only text here; SMTP carries 7-bit lines, so binary data would have to go as base64.")
                         : base64.join(QStringLiteral("; ")) + QLatin1Char('.');
    QString pullBinary;
    if (pull.protocol == QLatin1String("HTTP")) {
        QStringList raw;
        for (const TraceEvent *r : httpObjects) {
            const QByteArray type = headerValue(r->data, "Content-Type").split(';').value(0);
            const QByteArray body = httpBody(r->data);
            if (!type.startsWith("text/") && hasHighBytes(body))
                raw << QStringLiteral("%1 as %2 raw bytes, bytes above 127 included")
                           .arg(QString::fromUtf8(type), number(body.size()));
        }
        pullBinary = raw.isEmpty()
                         ? QStringLiteral("Only pages of text were asked for; an attachment would come as raw bytes, its Content-Type saying what they are.")
                         : raw.join(QStringLiteral("; ")) + QStringLiteral(": no base64 in HTTP.");
    } else {
        pullBinary = QStringLiteral("The message as the server stored it: base64 stays base64, and the mail program decodes it.");
    }
    c.rows.push_back({QStringLiteral("How does binary data travel?"), pushBinary, pullBinary});
    c.rows.push_back({QStringLiteral("Who decides when?"),
                      QStringLiteral("The sender: the message goes when it is sent."),
                      pull.protocol == QLatin1String("IMAP")
                          ? QStringLiteral("The reader: mail comes when the reader's program asks (with IDLE the server says that new mail is there; the program still fetches it).")
                          : QStringLiteral("The reader: mail comes when the reader's program asks.")});
    return c;
}

} // namespace mailsim::trace
