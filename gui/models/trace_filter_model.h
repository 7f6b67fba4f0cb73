// The event table filtered by kind of event and by actor, for the event list's filter bar.
//
// A QSortFilterProxyModel rather than a proxy of our own holding a vector of matching rows:
// with sorting off it keeps the source's (time) order, it maps a batch of inserted or
// removed source rows incrementally (only new rows are tested against the filter), and
// its bookkeeping of mappings and signals is proven, which a hand-written proxy would have
// to re-earn under QAbstractItemModelTester. Its per-row cost (two ints in a mapping) is
// small next to what a view of 100,000 rows costs anyway. Sorting is switched off on
// purpose: the order of the trace is the order things happened.
#pragma once

#include "trace/trace_event.h"

#include <QSortFilterProxyModel>

#include <initializer_list>

namespace mailsim::gui {

class TraceFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    // The source must be a TraceModel (or give its EventKindRole, FromActorRole, ToActorRole).
    explicit TraceFilterModel(QObject *parent = nullptr);

    // Only events of these kinds pass; an empty set lets every kind pass (the default).
    void setKinds(std::initializer_list<trace::EventKind> kinds);
    void setKinds(const QList<trace::EventKind> &kinds);
    void clearKinds() { setKinds(QList<trace::EventKind>{}); }
    [[nodiscard]] QList<trace::EventKind> kinds() const;
    [[nodiscard]] bool acceptsKind(trace::EventKind kind) const;

    // Only events sent or received by this actor pass (from or to); -1 for all (the default).
    void setActor(trace::ActorId actor);
    [[nodiscard]] trace::ActorId actor() const { return m_actor; }

    // Does nothing: the time order is the order (a view with sorting enabled cannot reorder).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    quint32 m_kindMask = 0; // bit k set: EventKind k passes; 0: every kind passes
    trace::ActorId m_actor = -1;
};

} // namespace mailsim::gui
