#include "models/server_state_model.h"

#include "control/simulation_controller.h"
#include "mail/header_fields.h"
#include "message/codecs.h"
#include "models/trace_model.h"
#include "style/theme.h"
#include "trace/text_formatter.h"

#include <QGuiApplication>

#include <algorithm>
#include <map>

namespace mailsim::gui {

namespace {

using trace::EventKind;
using Change = ServerStateModel::Change;

// The state of one server after replaying the events, before it becomes nodes.
struct QueueItem
{
    QString id;
    QString recipients;
    QString lastError;
    int attempts = 0;
    bool removed = false;
    Change change = Change::None;
    int event = -1;
    qint64 nextAttempt = -1; // virtual time of the next delivery attempt, after a deferral
    bool realClient = false; // queued because a real mail program sent it
};

struct StoredMessage
{
    int number = 0; // the UID
    QString subject;
    QString from;
    Change change = Change::None;
    int event = -1;
    QString flags;
    bool removed = false; // removed by the event just before the cursor: shown once more
    bool realClient = false; // stored because a real mail program sent it
};

struct FolderState
{
    QString name;
    std::vector<StoredMessage> messages;
    Change change = Change::None;
    int event = -1;
};

struct MailboxState
{
    QString owner;
    std::vector<FolderState> folders; // INBOX first
    Change change = Change::None;
    int event = -1;

    FolderState *folder(const QString &name)
    {
        for (FolderState &f : folders) {
            if (f.name == name || (f.name == QLatin1String("INBOX")
                                   && name.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0))
                return &f;
        }
        return nullptr;
    }
};

bool isMailboxKind(EventKind kind)
{
    return kind == EventKind::MailboxAdd || kind == EventKind::MailboxRemove
           || kind == EventKind::MailboxFlags || kind == EventKind::FolderChange;
}

struct ServerState
{
    std::vector<QueueItem> queue;
    std::vector<MailboxState> mailboxes;
};

QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).trimmed();
}

const char *changeLabel(Change change)
{
    switch (change) {
    case Change::Added: return "added";
    case Change::Removed: return "removed";
    case Change::Changed: return "changed";
    case Change::None: break;
    }
    return "";
}

// Beside the background colour, so that a change is never shown by colour alone.
const char *changeSymbol(Change change)
{
    switch (change) {
    case Change::Added: return "+";
    case Change::Removed: return "−";
    case Change::Changed: return "↻";
    case Change::None: break;
    }
    return "";
}

// Flags as words a student reads at a glance ("read, flagged"); nothing for a message without
// flags, which is what every new message is.
QString flagWords(const QString &flags)
{
    const QStringList list = flags.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (list.isEmpty())
        return {};
    QStringList words;
    words << (list.contains(QLatin1String("\\Seen"), Qt::CaseInsensitive) ? ServerStateModel::tr("read")
                                                                          : ServerStateModel::tr("unread"));
    for (const QString &f : list) {
        if (f.compare(QLatin1String("\\Seen"), Qt::CaseInsensitive) == 0)
            continue;
        if (f.compare(QLatin1String("\\Flagged"), Qt::CaseInsensitive) == 0)
            words << ServerStateModel::tr("flagged");
        else if (f.compare(QLatin1String("\\Deleted"), Qt::CaseInsensitive) == 0)
            words << ServerStateModel::tr("marked deleted");
        else if (f.compare(QLatin1String("\\Answered"), Qt::CaseInsensitive) == 0)
            words << ServerStateModel::tr("answered");
        else
            words << f;
    }
    return words.join(QStringLiteral(", "));
}

} // namespace

ServerStateModel::ServerStateModel(const SimulationController &controller, QObject *parent)
    : QAbstractItemModel(parent), m_controller(controller)
{
    rebuild();
    connect(&controller, &SimulationController::worldReplaced, this, [this] {
        beginResetModel();
        m_relevant.clear(); // another world: its trace is another one
        m_scanned = 0;
        rebuild();
        endResetModel();
    });
    connect(&controller, &SimulationController::cursorChanged, this, [this] {
        beginResetModel();
        rebuild();
        endResetModel();
    });
}

ServerStateModel::~ServerStateModel() = default;

int ServerStateModel::addNode(Node node)
{
    const int id = static_cast<int>(m_nodes.size());
    std::vector<int> &siblings = node.parent < 0 ? m_topLevel : m_nodes[std::size_t(node.parent)].children;
    node.row = static_cast<int>(siblings.size());
    siblings.push_back(id);
    m_nodes.push_back(std::move(node));
    return id;
}

void ServerStateModel::rebuild()
{
    m_nodes.clear();
    m_topLevel.clear();
    const trace::TraceLog &log = m_controller.trace();
    const std::size_t end = std::min(m_controller.cursor(), log.size());

    std::map<trace::ActorId, ServerState> servers;
    for (std::size_t a = 0; a < log.actors().size(); ++a)
        if (log.actors()[a].role == trace::ActorRole::MailServer)
            servers[static_cast<trace::ActorId>(a)];

    // The events that matter here, found once as the trace grows, with the header fields of
    // stored messages read once: a step then replays only these (measured: see the window
    // benchmark in docs/benchmarks.md).
    for (; m_scanned < log.size(); ++m_scanned) {
        const trace::TraceEvent &e = log.at(m_scanned);
        if (e.kind != EventKind::QueueAdd && e.kind != EventKind::QueueRemove
            && e.kind != EventKind::QueueDefer && !isMailboxKind(e.kind))
            continue;
        Relevant r{m_scanned, {}, {}};
        if (e.kind == EventKind::MailboxAdd) {
            // As a mail program shows them: encoded words (RFC 2047) decoded.
            r.subject = message::decodeHeaderText(mail::headerField(e.data, "Subject"));
            r.from = message::decodeHeaderText(mail::headerField(e.data, "From"));
        }
        m_relevant.push_back(std::move(r));
    }

    for (const Relevant &r : m_relevant) {
        const std::size_t i = r.event;
        if (i >= end)
            break;
        const trace::TraceEvent &e = log.at(i);
        const auto server = servers.find(e.from);
        if (server == servers.end())
            continue;
        const bool last = i + 1 == end;
        const int event = static_cast<int>(i);
        std::vector<QueueItem> &queue = server->second.queue;
        const QString id = text(trace::queueId(e));
        const auto entry = std::find_if(queue.begin(), queue.end(),
                                        [&](const QueueItem &q) { return q.id == id; });
        switch (e.kind) {
        case EventKind::QueueAdd: {
            QueueItem item{id, text(trace::queueRecipients(e)), {}, int(e.code), false,
                           last ? Change::Added : Change::None, event, -1, log.involvesRealClient(e)};
            if (entry != queue.end())
                *entry = std::move(item);
            else
                queue.push_back(std::move(item));
            break;
        }
        case EventKind::QueueRemove:
            if (entry == queue.end())
                break;
            if (last) {
                entry->removed = true;
                entry->attempts = int(e.code);
                entry->change = Change::Removed;
                entry->lastError = text(e.data);
                entry->event = event;
            } else {
                queue.erase(entry);
            }
            break;
        case EventKind::QueueDefer:
            if (entry == queue.end())
                break;
            entry->attempts = int(e.code);
            entry->lastError = text(e.data);
            entry->nextAttempt = e.arrival;
            entry->event = event;
            if (last)
                entry->change = Change::Changed;
            break;
        case EventKind::MailboxAdd:
        case EventKind::MailboxRemove:
        case EventKind::MailboxFlags:
        case EventKind::FolderChange: {
            std::vector<MailboxState> &boxes = server->second.mailboxes;
            const QString owner = text(trace::mailboxOwner(e));
            auto box = std::find_if(boxes.begin(), boxes.end(), [&](const MailboxState &b) {
                return b.owner.compare(owner, Qt::CaseInsensitive) == 0;
            });
            if (box == boxes.end()) {
                boxes.push_back({owner, {FolderState{QStringLiteral("INBOX"), {}, Change::None, -1}},
                                 last ? Change::Added : Change::None, event});
                box = boxes.end() - 1;
            }
            const Change now = last ? Change::Added : Change::None;
            if (e.kind == EventKind::FolderChange) {
                const QStringList words = QString::fromUtf8(e.data).split(QLatin1Char(' '));
                const QString verb = words.value(0);
                if (verb == QLatin1String("create") && !box->folder(words.value(1))) {
                    box->folders.push_back({words.value(1), {}, now, event});
                } else if (verb == QLatin1String("delete")) {
                    std::erase_if(box->folders, [&](const FolderState &f) {
                        return f.name == words.value(1) && f.name != QLatin1String("INBOX");
                    });
                } else if (verb == QLatin1String("rename")) {
                    if (FolderState *f = box->folder(words.value(1))) {
                        f->name = words.value(2);
                        f->change = last ? Change::Changed : Change::None;
                        f->event = event;
                    }
                }
                break;
            }
            const QString name = QString::fromUtf8(trace::mailboxFolder(e));
            FolderState *folder = box->folder(name);
            if (!folder) {
                box->folders.push_back({name, {}, now, event});
                folder = &box->folders.back();
            }
            std::vector<StoredMessage> &messages = folder->messages;
            const auto message = std::find_if(messages.begin(), messages.end(), [&](const StoredMessage &m) {
                return m.number == int(e.code) && !m.removed;
            });
            if (e.kind == EventKind::MailboxAdd) {
                messages.push_back({int(e.code), r.subject, r.from, now, event, {}, false, log.involvesRealClient(e)});
            } else if (message == messages.end()) {
                break;
            } else if (e.kind == EventKind::MailboxRemove) {
                if (last) {
                    message->removed = true;
                    message->change = Change::Removed;
                    message->event = event;
                } else {
                    messages.erase(message);
                }
            } else { // flags
                message->flags = text(e.data);
                message->event = event;
                if (last)
                    message->change = Change::Changed;
            }
            break;
        }
        default:
            break;
        }
    }

    for (auto &[actor, state] : servers) {
        Node server;
        server.type = NodeType::Server;
        server.actor = actor;
        server.name = log.actorName(actor);
        server.recipients = log.actor(actor).label;
        const int serverId = addNode(std::move(server));

        Node queue;
        queue.type = NodeType::Queue;
        queue.parent = serverId;
        queue.actor = actor;
        queue.number = static_cast<int>(std::count_if(state.queue.begin(), state.queue.end(),
                                                      [](const QueueItem &q) { return !q.removed; }));
        const int queueId = addNode(std::move(queue));
        for (QueueItem &q : state.queue) {
            Node n;
            n.type = NodeType::QueueEntry;
            n.parent = queueId;
            n.actor = actor;
            n.change = q.change;
            n.eventIndex = q.event;
            n.name = q.id;
            n.recipients = q.recipients;
            n.lastError = q.lastError;
            n.nextAttempt = q.nextAttempt;
            n.number = q.attempts;
            n.removed = q.removed;
            n.realClient = q.realClient;
            addNode(std::move(n));
        }
        for (MailboxState &b : state.mailboxes) {
            Node box;
            box.type = NodeType::Mailbox;
            box.parent = serverId;
            box.actor = actor;
            box.change = b.change;
            box.eventIndex = b.event;
            box.name = b.owner;
            const auto kept = [](const std::vector<StoredMessage> &messages) {
                return static_cast<int>(std::count_if(messages.begin(), messages.end(),
                                                      [](const StoredMessage &m) { return !m.removed; }));
            };
            box.number = kept(b.folders.front().messages);
            const int boxId = addNode(std::move(box));
            auto addMessages = [&](std::vector<StoredMessage> &messages, int parent) {
                for (StoredMessage &m : messages) {
                    Node n;
                    n.type = NodeType::Message;
                    n.parent = parent;
                    n.actor = actor;
                    n.change = m.change;
                    n.eventIndex = m.event;
                    n.name = b.owner;
                    n.number = m.number;
                    n.subject = m.subject;
                    n.from = m.from;
                    n.flags = m.flags;
                    n.removed = m.removed;
                    n.realClient = m.realClient;
                    addNode(std::move(n));
                }
            };
            // INBOX's messages right under the mailbox, as mail programs show the inbox;
            // every other folder as a row of its own.
            addMessages(b.folders.front().messages, boxId);
            for (std::size_t f = 1; f < b.folders.size(); ++f) {
                Node folder;
                folder.type = NodeType::Folder;
                folder.parent = boxId;
                folder.actor = actor;
                folder.change = b.folders[f].change;
                folder.eventIndex = b.folders[f].event;
                folder.name = b.owner;
                folder.subject = b.folders[f].name;
                folder.number = kept(b.folders[f].messages);
                const int folderId = addNode(std::move(folder));
                addMessages(b.folders[f].messages, folderId);
            }
        }
    }
}

const ServerStateModel::Node *ServerStateModel::nodeOf(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() >= m_nodes.size())
        return nullptr;
    return &m_nodes[index.internalId()];
}

QModelIndex ServerStateModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::vector<int> *children = &m_topLevel;
    if (parent.isValid()) {
        const Node *p = nodeOf(parent);
        if (!p || parent.column() != 0)
            return {};
        children = &p->children;
    }
    if (row >= static_cast<int>(children->size()))
        return {};
    return createIndex(row, column, quintptr((*children)[std::size_t(row)]));
}

QModelIndex ServerStateModel::parent(const QModelIndex &child) const
{
    const Node *n = nodeOf(child);
    if (!n || n->parent < 0)
        return {};
    const Node &p = m_nodes[std::size_t(n->parent)];
    return createIndex(p.row, 0, quintptr(n->parent));
}

int ServerStateModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return static_cast<int>(m_topLevel.size());
    const Node *p = nodeOf(parent);
    if (!p || parent.column() != 0)
        return 0;
    return static_cast<int>(p->children.size());
}

int ServerStateModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ServerStateModel::display(const Node &n, int column) const
{
    switch (n.type) {
    case NodeType::Server:
        if (column == NameColumn)
            return n.name;
        if (column == DetailColumn)
            return n.recipients; // the actor's label, e.g. "Alice's mail server"
        return {};
    case NodeType::Queue:
        if (column == NameColumn)
            return tr("Outgoing queue");
        if (column == DetailColumn)
            return n.number == 0 ? tr("empty") : tr("%n message(s)", nullptr, n.number);
        return {};
    case NodeType::QueueEntry:
        switch (column) {
        case NameColumn: return n.name;
        case DetailColumn: return n.recipients;
        case StatusColumn:
            if (n.removed)
                return tr("removed: %1").arg(n.lastError);
            if (n.lastError.isEmpty())
                return tr("%n attempt(s)", nullptr, n.number);
            if (n.nextAttempt >= 0)
                return tr("%n attempt(s); next at %1; last error: %2", nullptr, n.number)
                    .arg(trace::TextFormatter::formatTime(n.nextAttempt), n.lastError);
            return tr("%n attempt(s), last error: %1", nullptr, n.number).arg(n.lastError);
        default: return {};
        }
    case NodeType::Mailbox:
        if (column == NameColumn)
            return n.name;
        if (column == DetailColumn)
            return tr("%n message(s)", nullptr, n.number);
        return {};
    case NodeType::Folder:
        if (column == NameColumn)
            return tr("Folder %1").arg(n.subject);
        if (column == DetailColumn)
            return tr("%n message(s)", nullptr, n.number);
        return {};
    case NodeType::Message:
        switch (column) {
        case NameColumn: return QString::number(n.number);
        case DetailColumn: return n.subject;
        case FromColumn: return n.from;
        case StatusColumn:
            if (n.removed)
                return tr("deleted from the server");
            return flagWords(n.flags);
        default: return {};
        }
    }
    return {};
}

QVariant ServerStateModel::data(const QModelIndex &index, int role) const
{
    const Node *n = nodeOf(index);
    if (!n)
        return {};
    const bool entry = n->type == NodeType::QueueEntry;
    const bool message = n->type == NodeType::Message;
    switch (role) {
    case Qt::DisplayRole: {
        // A changed row carries a symbol in its first column as well as a background, so the
        // change is visible without colour (and in a black-and-white print of the panel).
        QVariant text = display(*n, index.column());
        if (index.column() != NameColumn)
            return text;
        if (n->realClient) // a real mail program's message, marked as every view marks its doing
            text = TraceModel::realClientMark() + QLatin1Char(' ') + text.toString();
        if (n->change == Change::None)
            return text;
        return QStringLiteral("%1 %2").arg(QString::fromUtf8(changeSymbol(n->change)), text.toString());
    }
    case Qt::BackgroundRole:
        switch (n->change) {
        case Change::Added: return style::addedBackground(QGuiApplication::palette());
        case Change::Removed: return style::removedBackground(QGuiApplication::palette());
        case Change::Changed: return style::changedBackground(QGuiApplication::palette());
        case Change::None: return {};
        }
        return {};
    case Qt::ToolTipRole: {
        QStringList tips;
        if (n->realClient)
            tips << tr("Sent by a real mail program on this computer, not by the scenario");
        if (n->change != Change::None)
            tips << tr("%1 by the last step (event %2)").arg(QString::fromLatin1(changeLabel(n->change))).arg(n->eventIndex + 1);
        return tips.isEmpty() ? QVariant() : QVariant(tips.join(QLatin1Char('\n')));
    }
    case ChangeRole: return int(n->change);
    case ChangeLabelRole: return QString::fromLatin1(changeLabel(n->change));
    case NodeTypeRole: return int(n->type);
    case ActorRole: return int(n->actor);
    case EventIndexRole: return n->eventIndex;
    case QueueIdRole: return entry ? QVariant(n->name) : QVariant();
    case RecipientsRole: return entry ? QVariant(n->recipients) : QVariant();
    case AttemptsRole: return entry ? QVariant(n->number) : QVariant();
    case LastErrorRole: return entry && !n->removed ? QVariant(n->lastError) : QVariant();
    case NextAttemptRole: return entry && !n->removed ? QVariant(n->nextAttempt) : QVariant();
    case OwnerRole:
        return n->type == NodeType::Mailbox || message ? QVariant(n->name) : QVariant();
    case MessageNumberRole: return message ? QVariant(n->number) : QVariant();
    case SubjectRole: return message ? QVariant(n->subject) : QVariant();
    case MessageFromRole: return message ? QVariant(n->from) : QVariant();
    case FlagsRole: return message ? QVariant(n->flags) : QVariant();
    case FolderRole:
        if (n->type == NodeType::Folder)
            return n->subject;
        if (message) {
            const Node &parent = m_nodes[std::size_t(n->parent)];
            return parent.type == NodeType::Folder ? parent.subject : QStringLiteral("INBOX");
        }
        return {};
    default: return {};
    }
}

QVariant ServerStateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Server, queue id, mailbox, message");
    case DetailColumn: return tr("Recipients / Subject");
    case FromColumn: return tr("From");
    case StatusColumn: return tr("Attempts, last error");
    default: return {};
    }
}

QModelIndex ServerStateModel::serverIndex(trace::ActorId actor) const
{
    for (std::size_t row = 0; row < m_topLevel.size(); ++row)
        if (m_nodes[std::size_t(m_topLevel[row])].actor == actor)
            return index(static_cast<int>(row), 0);
    return {};
}

QModelIndex ServerStateModel::queueIndex(trace::ActorId actor) const
{
    const QModelIndex server = serverIndex(actor);
    return server.isValid() ? index(0, 0, server) : QModelIndex();
}

QModelIndex ServerStateModel::mailboxIndex(const QString &owner) const
{
    for (std::size_t id = 0; id < m_nodes.size(); ++id) {
        const Node &n = m_nodes[id];
        if (n.type == NodeType::Mailbox && n.name.compare(owner, Qt::CaseInsensitive) == 0)
            return createIndex(n.row, 0, quintptr(id));
    }
    return {};
}

QModelIndexList ServerStateModel::changedIndexes() const
{
    // Nodes are made parents first, so their order is already parents before children.
    QModelIndexList result;
    for (std::size_t id = 0; id < m_nodes.size(); ++id)
        if (m_nodes[id].change != Change::None)
            result.push_back(createIndex(m_nodes[id].row, 0, quintptr(id)));
    return result;
}

} // namespace mailsim::gui
