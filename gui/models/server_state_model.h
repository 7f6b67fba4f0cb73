// What each mail server holds at the cursor, as a tree for the server panel:
//
//   mail.example.org                      (one top-level row per mail-server actor)
//     Outgoing queue                      (always present, "empty" when it is)
//       76CEE8561A  <bob@example.net>  attempts, last error
//     bob@example.net                     (one row per mailbox seen in the trace)
//       1  "Lunch on Friday?"  Alice <alice@example.org>  read, flagged   (INBOX)
//       Folder Archive                    (every other folder, with its messages)
//
// Derived only from the trace events [0, cursor) (queue-add, queue-remove, queue-defer,
// mailbox-add, -remove, -flags, folder-change), never from the World's current state: the World is ahead of the cursor after
// a step back, and the trace is what the student has seen. ChangeRole marks the rows the
// event just before the cursor changed, so the panel can highlight them; a queue entry that
// event removed stays visible, marked Removed, for that one step. Changed rows carry a symbol
// in their first column (+ added, − removed, ↻ changed) and a background from style/theme.h.
//
// The tree is rebuilt from scratch (begin/endResetModel) on every cursor move. Replaying the
// queue and mailbox events of a classroom scenario (tens to hundreds of events, a handful of
// rows) costs microseconds, and a reset cannot get the tree out of step with the trace,
// which incremental row signals for moves in both directions could. The replay visits only
// the queue and mailbox events (indexed once as the trace grows) and reuses the header
// fields read from each stored message; with 100,000 events in the trace that keeps a step
// within the window's budget (docs/benchmarks.md). Should it ever not, keep a snapshot per
// N events and replay from the nearest one.
#pragma once

#include "trace/trace_event.h"

#include <QAbstractItemModel>
#include <QModelIndexList>

#include <vector>

namespace mailsim::gui {

class SimulationController;

class ServerStateModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    // Columns: for queue entries: queue id, recipients, attempts, last error (or why it was
    // removed); for messages: number, Subject, From, ""; for the other rows: name and a summary.
    enum Column { NameColumn, DetailColumn, FromColumn, StatusColumn, ColumnCount };

    enum class NodeType { Server, Queue, QueueEntry, Mailbox, Message, Folder };
    enum class Change { None, Added, Removed, Changed }; // Changed: a queue entry was deferred

    enum Role {
        ChangeRole = Qt::UserRole + 1, // int: Change, by the event just before the cursor
        ChangeLabelRole, // QString: "added", "removed", "changed" or "" (a cue beyond colour)
        NodeTypeRole,    // int: NodeType
        ActorRole,       // int: trace::ActorId of the server the row belongs to
        QueueIdRole,     // QString, queue entries
        RecipientsRole,  // QString, queue entries: "<bob@example.net>, ..."
        AttemptsRole,    // int, queue entries
        LastErrorRole,   // QString, queue entries ("" before any deferral)
        NextAttemptRole, // qint64, queue entries: virtual time of the next attempt, -1 if none
        OwnerRole,       // QString, mailboxes and their messages: "bob@example.net"
        MessageNumberRole, // int, messages: the UID the server gave it in its folder
        SubjectRole,     // QString, messages
        MessageFromRole, // QString, messages: the From: field
        EventIndexRole,  // int: the trace event that last changed the row (-1 for none)
        FlagsRole,       // QString, messages: their IMAP flags, e.g. \Flagged \Seen
        FolderRole,      // QString, folders and messages: "INBOX", "Archive"
    };

    // `controller` must outlive the model.
    explicit ServerStateModel(const SimulationController &controller, QObject *parent = nullptr);
    ~ServerStateModel() override;

    [[nodiscard]] QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    // The top-level row of a server, invalid if `actor` is no mail server.
    [[nodiscard]] QModelIndex serverIndex(trace::ActorId actor) const;
    // The "Outgoing queue" row of a server.
    [[nodiscard]] QModelIndex queueIndex(trace::ActorId actor) const;
    // A mailbox row by owner ("bob@example.net", case-insensitive), invalid if not seen yet.
    [[nodiscard]] QModelIndex mailboxIndex(const QString &owner) const;
    // Column-0 indexes of every row whose ChangeRole is not None, parents before children;
    // for the panel to expand and scroll to them.
    [[nodiscard]] QModelIndexList changedIndexes() const;

private:
    struct Node
    {
        NodeType type = NodeType::Server;
        int parent = -1; // node index; -1 for top-level rows
        int row = 0;     // row within the parent
        std::vector<int> children;
        trace::ActorId actor = -1;
        Change change = Change::None;
        bool removed = false; // a queue entry removed by the event just before the cursor
        int eventIndex = -1;
        // The fields; which are used depends on `type`.
        QString name;       // server name, queue id or mailbox owner
        QString recipients;
        QString lastError;  // or, for a removed entry, why it was removed
        QString subject;
        QString from;
        QString flags;      // messages
        int number = 0;     // attempts for queue entries, UID for messages, counts otherwise
        qint64 nextAttempt = -1; // queue entries after a deferral: when the next attempt is due
        bool realClient = false; // a queue entry or message a real mail program sent
    };

    void rebuild();
    int addNode(Node node);
    [[nodiscard]] const Node *nodeOf(const QModelIndex &index) const;
    [[nodiscard]] QVariant display(const Node &node, int column) const;

    // A queue or mailbox event of the trace, with what is shown of a stored message.
    struct Relevant
    {
        std::size_t event = 0;
        QString subject;
        QString from;
    };

    const SimulationController &m_controller;
    std::vector<Relevant> m_relevant; // in trace order, for events [0, m_scanned)
    std::size_t m_scanned = 0;
    std::vector<Node> m_nodes;    // all nodes; their indexes are the QModelIndex internal ids
    std::vector<int> m_topLevel;  // node index of each server, in actor order
};

} // namespace mailsim::gui
