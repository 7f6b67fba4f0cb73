#include "trace/transcript.h"

#include <QStringList>

#include <map>

namespace mailsim::trace {

QString protocolTranscript(const TraceLog &log)
{
    std::vector<int> order;
    std::map<int, QString> blocks;
    for (const TraceEvent &e : log.events()) {
        if (e.connection < 0)
            continue;
        auto [it, inserted] = blocks.try_emplace(e.connection);
        if (inserted) {
            order.push_back(e.connection);
            it->second = QStringLiteral("# connection %1: %2 -> %3 port %4\n")
                             .arg(e.connection)
                             .arg(log.actorName(e.from), log.actorName(e.to))
                             .arg(e.code);
        }
        const char *prefix = nullptr;
        switch (e.kind) {
        case EventKind::SmtpCommand:
        case EventKind::SmtpData:
        case EventKind::Pop3Command:
        case EventKind::ImapCommand:
        case EventKind::HttpRequest: prefix = "C: "; break;
        case EventKind::SmtpReply:
        case EventKind::Pop3Reply:
        case EventKind::ImapReply:
        case EventKind::HttpResponse: prefix = "S: "; break;
        default: break;
        }
        if (!prefix)
            continue;
        QString bytes = QString::fromUtf8(e.data);
        if (bytes.endsWith(QStringLiteral("\r\n")))
            bytes.chop(2);
        for (const QString &line : bytes.split(QStringLiteral("\r\n")))
            it->second += QLatin1String(prefix) + line + QLatin1Char('\n');
    }
    QString out;
    for (int id : order)
        out += blocks[id] + QLatin1Char('\n');
    return out;
}

} // namespace mailsim::trace
