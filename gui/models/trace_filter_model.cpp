#include "models/trace_filter_model.h"

#include "models/trace_model.h"

namespace mailsim::gui {

namespace {

constexpr int kKindCount = trace::kEventKindCount;
static_assert(kKindCount <= 32, "the kind filter is a 32-bit mask");

quint32 bit(trace::EventKind kind)
{
    return quint32(1) << unsigned(kind);
}

} // namespace

TraceFilterModel::TraceFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true); // rows inserted into the source are filtered as they come
}

void TraceFilterModel::setKinds(std::initializer_list<trace::EventKind> kinds)
{
    setKinds(QList<trace::EventKind>(kinds));
}

void TraceFilterModel::setKinds(const QList<trace::EventKind> &kinds)
{
    quint32 mask = 0;
    for (trace::EventKind k : kinds)
        mask |= bit(k);
    if (mask == m_kindMask)
        return;
    m_kindMask = mask;
    invalidateFilter();
}

QList<trace::EventKind> TraceFilterModel::kinds() const
{
    QList<trace::EventKind> result;
    for (int k = 0; k < kKindCount; ++k)
        if (m_kindMask & (quint32(1) << unsigned(k)))
            result.push_back(trace::EventKind(k));
    return result;
}

bool TraceFilterModel::acceptsKind(trace::EventKind kind) const
{
    return m_kindMask == 0 || (m_kindMask & bit(kind)) != 0;
}

void TraceFilterModel::setActor(trace::ActorId actor)
{
    if (actor == m_actor)
        return;
    m_actor = actor;
    invalidateFilter();
}

void TraceFilterModel::sort(int, Qt::SortOrder)
{
}

bool TraceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    if (!source)
        return false;
    const QModelIndex index = source->index(sourceRow, 0, sourceParent);
    if (m_kindMask != 0) {
        const QVariant kind = index.data(TraceModel::EventKindRole);
        if (!kind.isValid() || !acceptsKind(trace::EventKind(kind.toInt())))
            return false;
    }
    if (m_actor >= 0) {
        const int from = index.data(TraceModel::FromActorRole).toInt();
        const int to = index.data(TraceModel::ToActorRole).toInt();
        if (from != m_actor && to != m_actor)
            return false;
    }
    return true;
}

} // namespace mailsim::gui
