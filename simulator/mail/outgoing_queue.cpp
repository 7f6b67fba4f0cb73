#include "mail/outgoing_queue.h"

#include <algorithm>

namespace mailsim::mail {

QueueEntry &OutgoingQueue::add(QueueEntry entry)
{
    m_entries.push_back(std::move(entry));
    return m_entries.back();
}

QueueEntry *OutgoingQueue::find(const QByteArray &id)
{
    // Queues hold a handful of entries at a time; the newest are the likeliest to be asked for.
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->id == id)
            return &*it;
    }
    return nullptr;
}

void OutgoingQueue::remove(const QByteArray &id)
{
    auto it = std::find_if(m_entries.begin(), m_entries.end(),
                           [&](const QueueEntry &e) { return e.id == id; });
    if (it != m_entries.end())
        m_entries.erase(it);
}

} // namespace mailsim::mail
