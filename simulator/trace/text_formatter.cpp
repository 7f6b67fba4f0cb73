#include "trace/text_formatter.h"

#include "trace/access_explainer.h"
#include "trace/explainer.h"
#include "trace/stages.h"

#include <QStringList>

namespace mailsim::trace {

namespace {

const char *const kBold = "1";
const char *const kDim = "2";
const char *const kClient = "36";   // cyan
const char *const kSuccess = "32";  // green: 2xx
const char *const kGoOn = "34";     // blue: 3xx
const char *const kTransient = "33"; // yellow: 4xx
const char *const kFailure = "31";  // red: 5xx

const char *replyColour(int code)
{
    switch (code / 100) {
    case 2: return kSuccess;
    case 3: return kGoOn;
    case 4: return kTransient;
    default: return kFailure;
    }
}

QStringList wireLines(const QByteArray &bytes)
{
    QString s = QString::fromUtf8(bytes);
    if (s.endsWith(QStringLiteral("\r\n")))
        s.chop(2);
    return s.split(QStringLiteral("\r\n"));
}

QStringList wrap(const QString &text, int width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines;
}

} // namespace

TextFormatter::TextFormatter(const TraceLog &log, TextFormatOptions options)
    : m_log(log), m_options(options)
{
    for (const Actor &a : log.actors())
        m_nameWidth = std::max<int>(m_nameWidth, a.name.size());
}

QString TextFormatter::paint(const char *code, const QString &text) const
{
    if (!m_options.color)
        return text;
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(code), text);
}

QString TextFormatter::formatTime(qint64 us)
{
    const qint64 ms = us / 1000;
    const qint64 h = ms / 3600000;
    const qint64 m = (ms / 60000) % 60;
    const qint64 s = (ms / 1000) % 60;
    const qint64 rest = ms % 1000;
    QString t = QStringLiteral("%1:%2.%3")
                    .arg(m, 2, 10, QLatin1Char('0'))
                    .arg(s, 2, 10, QLatin1Char('0'))
                    .arg(rest, 3, 10, QLatin1Char('0'));
    if (h > 0)
        t.prepend(QStringLiteral("%1:").arg(h));
    return t;
}

QString TextFormatter::actorColumn(ActorId id) const
{
    return m_log.actorName(id).leftJustified(m_nameWidth);
}

QString TextFormatter::title(const QString &title, const QString &description) const
{
    QString out = paint(kBold, QStringLiteral("MailSim · %1").arg(title)) + QLatin1Char('\n');
    if (m_options.explanations && !description.isEmpty()) {
        for (const QString &l : wrap(description, 96))
            out += l + QLatin1Char('\n');
    }
    out += QLatin1Char('\n');
    out += QStringLiteral("Hosts:\n");
    for (const Actor &a : m_log.actors())
        out += QStringLiteral("  %1  %2  %3\n").arg(a.name.leftJustified(m_nameWidth),
                                                   a.address.leftJustified(15), a.label);
    return out;
}

QString TextFormatter::format(std::size_t index)
{
    const TraceEvent &e = m_log.at(index);
    QString out;
    if (e.stage != m_stage) {
        m_stage = e.stage;
        const StageInfo &info = stageInfo(e.stage);
        out += QLatin1Char('\n');
        out += paint(kBold, QStringLiteral("━━ Stage %1 of %2 · %3 ━━").arg(info.number).arg(kStageCount)
                                .arg(QString::fromUtf8(info.title)))
               + QLatin1Char('\n');
        if (m_options.explanations) {
            const auto note = m_options.stageNotes.find(e.stage);
            const QString text = note != m_options.stageNotes.end() ? note->second
                                                                   : QString::fromUtf8(info.explanation);
            for (const QString &l : wrap(text.simplified(), 96))
                out += paint(kDim, l) + QLatin1Char('\n');
        }
        out += QLatin1Char('\n');
    }

    const QString indent(12 + 2 * m_nameWidth + 5, QLatin1Char(' '));
    const QString arrow = e.to >= 0 && e.to != e.from ? QStringLiteral(" → ") : QStringLiteral("   ");
    const QString who = actorColumn(e.from) + arrow
                        + (e.to >= 0 && e.to != e.from ? actorColumn(e.to) : QString(m_nameWidth, QLatin1Char(' ')));
    // A real mail program's doing is marked, since no scenario scripted it.
    const QString head = QStringLiteral("[%1] %2%3 ")
                             .arg(formatTime(e.time), who,
                                  m_log.involvesRealClient(e) ? QStringLiteral("⚑") : QStringLiteral(" "));

    QStringList body; // the lines after the head, already painted
    QString line;
    switch (e.kind) {
    case EventKind::SmtpCommand:
        line = paint(kClient, summarize(m_log, index));
        break;
    case EventKind::SmtpReply: {
        const QStringList lines = wireLines(e.data);
        line = paint(replyColour(e.code), QStringLiteral("S: ") + lines.value(0));
        for (qsizetype i = 1; i < lines.size(); ++i)
            body << paint(replyColour(e.code), QStringLiteral("S: ") + lines[i]);
        break;
    }
    case EventKind::SmtpData: {
        const QStringList lines = wireLines(e.data);
        line = paint(kClient, QStringLiteral("C: ") + lines.value(0));
        for (qsizetype i = 1; i < lines.size(); ++i)
            body << paint(kClient, QStringLiteral("C: ") + lines[i]);
        break;
    }
    case EventKind::Compose:
    case EventKind::MailboxRead: {
        line = summarize(m_log, index);
        if (e.kind == EventKind::Compose)
            body << QStringLiteral("envelope: ") + QString::fromUtf8(e.detail);
        for (const QString &l : wireLines(e.data))
            body << QStringLiteral("| ") + l;
        break;
    }
    case EventKind::QueueAdd:
    case EventKind::QueueRemove:
    case EventKind::QueueDefer:
    case EventKind::MailboxAdd:
        line = paint(kBold, summarize(m_log, index));
        break;
    case EventKind::Bounce:
        line = paint(kFailure, summarize(m_log, index));
        break;
    case EventKind::Pop3Command:
    case EventKind::ImapCommand:
    case EventKind::HttpRequest:
        line = paint(kClient, summarize(m_log, index));
        break;
    case EventKind::Pop3Reply:
    case EventKind::ImapReply:
    case EventKind::HttpResponse: {
        const int outcome = accessReplyClass(e);
        line = outcome == 0 ? summarize(m_log, index)
                            : paint(replyColour(outcome * 100), summarize(m_log, index));
        break;
    }
    case EventKind::MailboxRemove:
    case EventKind::MailboxFlags:
    case EventKind::FolderChange:
        line = paint(kBold, summarize(m_log, index));
        break;
    case EventKind::DnsAnswer: {
        const QStringList records = QString::fromUtf8(e.data).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        line = QStringLiteral("DNS answer: %1").arg(records.isEmpty() ? QString::fromUtf8(e.detail) : records.first());
        for (qsizetype i = 1; i < records.size(); ++i)
            body << QStringLiteral("            ") + records[i];
        break;
    }
    default:
        line = summarize(m_log, index);
        break;
    }

    out += head + line + QLatin1Char('\n');
    for (const QString &b : body)
        out += indent + b + QLatin1Char('\n');
    if (m_options.explanations) {
        const QString why = explain(m_log, index);
        if (!why.isEmpty()) {
            for (const QString &l : wrap(why, 96))
                out += indent + paint(kDim, QStringLiteral("» ") + l) + QLatin1Char('\n');
        }
    }
    return out;
}

} // namespace mailsim::trace
