#include "models/trace_model.h"

#include "control/simulation_controller.h"
#include "style/theme.h"
#include "trace/access_explainer.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"

#include <QBrush>
#include <QGuiApplication>

namespace mailsim::gui {

TraceModel::TraceModel(const SimulationController &controller, QObject *parent)
    : QAbstractTableModel(parent), m_controller(controller),
      m_rows(static_cast<int>(controller.cursor()))
{
    connect(&controller, &SimulationController::worldReplaced, this, &TraceModel::onWorldReplaced);
    connect(&controller, &SimulationController::cursorChanged, this, &TraceModel::onCursorChanged);
}

int TraceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int TraceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.parent().isValid() || index.row() >= m_rows
        || index.column() >= ColumnCount)
        return {};
    const trace::TraceLog &log = m_controller.trace();
    const auto row = static_cast<std::size_t>(index.row());
    if (row >= log.size())
        return {};
    const trace::TraceEvent &e = log.at(row);
    const int cls = trace::replyOutcome(e);
    const bool real = log.involvesRealClient(e);

    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return trace::TextFormatter::formatTime(e.time);
        case StageColumn: return int(e.stage);
        case FromColumn: return log.actorName(e.from);
        case ToColumn: return log.actorName(e.to);
        case KindColumn: return kindLabel(e.kind);
        case TextColumn:
            // The flag and words first, where the eye starts: no scenario scripted this.
            if (real)
                return tr("%1 real client · %2").arg(realClientMark(), trace::summarize(log, row));
            return trace::summarize(log, row);
        default: return {};
        }
    case Qt::ToolTipRole: {
        QString why = trace::explain(log, row);
        if (cls && e.kind == trace::EventKind::SmtpReply)
            why = QStringLiteral("%1 (%2)").arg(why, replyClassLabel(cls));
        if (real)
            why = realClientNote(log, row) + QLatin1Char('\n') + why;
        return why;
    }
    case Qt::ForegroundRole:
        if (cls)
            return QBrush(replyClassColor(cls));
        return {};
    case Qt::BackgroundRole:
        // A tint for the whole row; the flag and the words are in the Text column.
        if (real)
            return QBrush(style::realClientBackground(QGuiApplication::palette()));
        return {};
    case Qt::DecorationRole:
        // A swatch beside the kind; the words are in ReplyClassRole and the tooltip.
        if (cls && index.column() == KindColumn)
            return replyClassColor(cls);
        return {};
    case EventIndexRole: return index.row();
    case ReplyCodeRole:
        if (e.kind == trace::EventKind::SmtpReply || e.kind == trace::EventKind::HttpResponse)
            return int(e.code);
        return {};
    case ReplyClassRole:
        if (cls)
            return e.kind == trace::EventKind::SmtpReply ? replyClassLabel(cls) : outcomeLabel(cls);
        return {};
    case EventKindRole: return int(e.kind);
    case StageRole: return int(e.stage);
    case FromActorRole: return int(e.from);
    case ToActorRole: return int(e.to);
    case RealClientRole: return real;
    default: return {};
    }
}

QVariant TraceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case StageColumn: return tr("Stage");
    case FromColumn: return tr("From");
    case ToColumn: return tr("To");
    case KindColumn: return tr("Kind");
    case TextColumn: return tr("Text");
    default: return {};
    }
}

QHash<int, QByteArray> TraceModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(EventIndexRole, "eventIndex");
    names.insert(ReplyCodeRole, "replyCode");
    names.insert(ReplyClassRole, "replyClass");
    names.insert(EventKindRole, "eventKind");
    names.insert(StageRole, "stage");
    names.insert(FromActorRole, "fromActor");
    names.insert(ToActorRole, "toActor");
    names.insert(RealClientRole, "realClient");
    return names;
}

QString TraceModel::kindLabel(trace::EventKind kind)
{
    using K = trace::EventKind;
    switch (kind) {
    case K::Compose: return tr("compose");
    case K::TcpSyn: return tr("TCP SYN");
    case K::TcpSynAck: return tr("TCP SYN-ACK");
    case K::TcpAck: return tr("TCP ACK");
    case K::TcpRefused: return tr("TCP refused");
    case K::TcpFin: return tr("TCP FIN");
    case K::DnsQuery: return tr("DNS query");
    case K::DnsAnswer: return tr("DNS answer");
    case K::SmtpCommand: return tr("SMTP command");
    case K::SmtpReply: return tr("SMTP reply");
    case K::SmtpData: return tr("SMTP data");
    case K::QueueAdd: return tr("queue: add");
    case K::QueueRemove: return tr("queue: remove");
    case K::QueueDefer: return tr("queue: defer");
    case K::MailboxAdd: return tr("mailbox: store");
    case K::MailboxRead: return tr("mailbox: read");
    case K::Bounce: return tr("bounce");
    case K::Note: return tr("note");
    case K::Pop3Command: return tr("POP3 command");
    case K::Pop3Reply: return tr("POP3 reply");
    case K::ImapCommand: return tr("IMAP command");
    case K::ImapReply: return tr("IMAP reply");
    case K::HttpRequest: return tr("HTTP request");
    case K::HttpResponse: return tr("HTTP response");
    case K::MailboxRemove: return tr("mailbox: remove");
    case K::MailboxFlags: return tr("mailbox: flags");
    case K::FolderChange: return tr("mailbox: folders");
    case K::Fault: return tr("fault");
    }
    return QString::fromLatin1(trace::toString(kind));
}

int TraceModel::replyClass(int code)
{
    return code >= 200 && code <= 599 ? code / 100 : 0;
}

QString TraceModel::replyClassLabel(int replyClass)
{
    switch (replyClass) {
    case 2: return tr("2xx success");
    case 3: return tr("3xx go ahead");
    case 4: return tr("4xx try later");
    case 5: return tr("5xx failed");
    default: return {};
    }
}

QString TraceModel::outcomeLabel(int outcome)
{
    switch (outcome) {
    case 2: return tr("success");
    case 3: return tr("go on");
    case 4: return tr("refused");
    case 5: return tr("failed");
    default: return {};
    }
}

QColor TraceModel::replyClassColor(int replyClass)
{
    return style::replyClassColor(replyClass, QGuiApplication::palette());
}

QString TraceModel::realClientNote(const trace::TraceLog &log, std::size_t index)
{
    if (index >= log.size())
        return {};
    const trace::TraceEvent &e = log.at(index);
    if (!log.involvesRealClient(e))
        return {};
    auto real = [&log](trace::ActorId id) { return id >= 0 && log.actor(id).role == trace::ActorRole::RealClient; };
    if (real(e.from) && e.to >= 0 && e.to != e.from)
        return tr("%1 Sent by a real mail program on this computer, not by the scenario.").arg(realClientMark());
    if (real(e.to))
        return tr("%1 Sent to a real mail program on this computer, in answer to what it sent; "
                  "the scenario did not script it.")
            .arg(realClientMark());
    return tr("%1 About a real mail program on this computer, not the scenario.").arg(realClientMark());
}

void TraceModel::onWorldReplaced()
{
    beginResetModel();
    m_rows = static_cast<int>(m_controller.cursor());
    endResetModel();
}

void TraceModel::onCursorChanged()
{
    // Follow cursor() rather than trusting the signal's `previous`: m_rows is what the views
    // were told, so the insert or remove always describes the change they have to make.
    const int rows = static_cast<int>(m_controller.cursor());
    if (rows > m_rows) {
        beginInsertRows({}, m_rows, rows - 1);
        m_rows = rows;
        endInsertRows();
    } else if (rows < m_rows) {
        beginRemoveRows({}, rows, m_rows - 1);
        m_rows = rows;
        endRemoveRows();
    }
}

} // namespace mailsim::gui
