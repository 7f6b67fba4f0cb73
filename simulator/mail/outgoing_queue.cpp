#include "mail/outgoing_queue.h"

namespace mailsim::mail {

QueueEntry &OutgoingQueue::add(QueueEntry entry)
{
    const QByteArray id = entry.id;
    m_entries.push_back(std::move(entry));
    m_byId.insert(id, std::prev(m_entries.end()));
    return m_entries.back();
}

QueueEntry *OutgoingQueue::find(const QByteArray &id)
{
    auto it = m_byId.constFind(id);
    return it == m_byId.constEnd() ? nullptr : &*it.value();
}

void OutgoingQueue::remove(const QByteArray &id)
{
    auto it = m_byId.find(id);
    if (it == m_byId.end())
        return;
    m_entries.erase(it.value());
    m_byId.erase(it);
}

} // namespace mailsim::mail
