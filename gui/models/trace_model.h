// The trace as a table for the event list: one row per event the student has seen, that is
// events [0, cursor) of the controller's trace, in time order.
//
// Nothing is copied or cached per row: every cell is made from the TraceEvent when a view
// asks for it (the trace holds raw facts; trace/explainer turns them into words), so the
// model costs the same for 45 events as for 100,000. The model follows the controller:
// a step forward inserts the new rows in one batch, a step back removes them in one batch,
// and a new or reset world resets the model.
#pragma once

#include "trace/trace_event.h"
#include "trace/trace_log.h"

#include <QAbstractTableModel>
#include <QColor>

namespace mailsim::gui {

class SimulationController;

class TraceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, StageColumn, FromColumn, ToColumn, KindColumn, TextColumn, ColumnCount };

    enum Role {
        EventIndexRole = Qt::UserRole + 1, // int: index of the event in controller.trace()
        ReplyCodeRole,   // int: the SMTP reply code; invalid QVariant for events that are no reply
        ReplyClassRole,  // QString: "2xx success" ... "5xx failed" for replies; invalid otherwise.
                         // The words that go with the colour, so colour is never the only cue.
        EventKindRole,   // int: trace::EventKind
        StageRole,       // int: 1..6
        FromActorRole,   // int: trace::ActorId of the sender, -1 for none
        ToActorRole,     // int: trace::ActorId of the receiver, -1 for none
        RealClientRole,  // bool: a real mail program on this computer sent or got it
                         // (TraceLog::involvesRealClient), not the scenario
    };

    // `controller` must outlive the model.
    explicit TraceModel(const SimulationController &controller, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    // Words for people, e.g. "SMTP reply", "queue: add"; for the table and for filter menus.
    static QString kindLabel(trace::EventKind kind);
    // 2 to 5 for a reply code 200..599, else 0.
    static int replyClass(int code);
    // "2xx success", "3xx go ahead", "4xx try later", "5xx failed"; "" for class 0.
    static QString replyClassLabel(int replyClass);
    // Words for the outcome of a POP3, IMAP or HTTP reply (trace::replyOutcome), which has no
    // SMTP-style class digit: "success", "go on", "refused", "failed".
    static QString outcomeLabel(int outcome);
    // The colour of a reply class (invalid QColor for class 0), for the application's
    // current palette (style/theme.h).
    static QColor replyClassColor(int replyClass);
    // The mark of an event that involves a real mail program: the flag every view shows.
    static QString realClientMark() { return QStringLiteral("⚑"); }
    // For the explanations: "⚑ Sent by a real mail program on this computer, not by the
    // scenario." (or sent to one, or about one); "" for the scenario's own events.
    static QString realClientNote(const trace::TraceLog &log, std::size_t index);

private:
    void onWorldReplaced();
    void onCursorChanged();

    const SimulationController &m_controller;
    int m_rows = 0; // rows the views know of; follows controller.cursor() through the signals
};

} // namespace mailsim::gui
