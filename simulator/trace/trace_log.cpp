#include "trace/trace_log.h"

namespace mailsim::trace {

QByteArray queueId(const TraceEvent &event)
{
    const qsizetype space = event.detail.indexOf(' ');
    return space < 0 ? event.detail : event.detail.left(space);
}

QByteArray queueRecipients(const TraceEvent &event)
{
    if (event.kind != EventKind::QueueAdd)
        return {};
    const qsizetype space = event.detail.indexOf(' ');
    return space < 0 ? QByteArray() : event.detail.mid(space + 1);
}

bool isWebPage(const TraceEvent &event)
{
    return event.kind == EventKind::MailboxRead && event.data.startsWith("<!DOCTYPE html>");
}

QByteArray mailboxOwner(const TraceEvent &event)
{
    const qsizetype space = event.detail.indexOf(' ');
    return space < 0 ? event.detail : event.detail.left(space);
}

QByteArray mailboxFolder(const TraceEvent &event)
{
    const qsizetype space = event.detail.indexOf(' ');
    return space < 0 ? QByteArray("INBOX") : event.detail.mid(space + 1);
}

const char *toString(EventKind kind)
{
    switch (kind) {
    case EventKind::Compose: return "compose";
    case EventKind::TcpSyn: return "tcp-syn";
    case EventKind::TcpSynAck: return "tcp-syn-ack";
    case EventKind::TcpAck: return "tcp-ack";
    case EventKind::TcpRefused: return "tcp-refused";
    case EventKind::TcpFin: return "tcp-fin";
    case EventKind::DnsQuery: return "dns-query";
    case EventKind::DnsAnswer: return "dns-answer";
    case EventKind::SmtpCommand: return "smtp-command";
    case EventKind::SmtpReply: return "smtp-reply";
    case EventKind::SmtpData: return "smtp-data";
    case EventKind::QueueAdd: return "queue-add";
    case EventKind::QueueRemove: return "queue-remove";
    case EventKind::QueueDefer: return "queue-defer";
    case EventKind::MailboxAdd: return "mailbox-add";
    case EventKind::MailboxRead: return "mailbox-read";
    case EventKind::Bounce: return "bounce";
    case EventKind::Note: return "note";
    case EventKind::Pop3Command: return "pop3-command";
    case EventKind::Pop3Reply: return "pop3-reply";
    case EventKind::ImapCommand: return "imap-command";
    case EventKind::ImapReply: return "imap-reply";
    case EventKind::HttpRequest: return "http-request";
    case EventKind::HttpResponse: return "http-response";
    case EventKind::MailboxRemove: return "mailbox-remove";
    case EventKind::MailboxFlags: return "mailbox-flags";
    case EventKind::FolderChange: return "folder-change";
    case EventKind::Fault: return "fault";
    }
    return "unknown";
}

const char *toString(ActorRole role)
{
    switch (role) {
    case ActorRole::UserAgent: return "user-agent";
    case ActorRole::MailServer: return "mail-server";
    case ActorRole::DnsServer: return "dns-server";
    case ActorRole::Router: return "router";
    case ActorRole::WebServer: return "web-server";
    case ActorRole::RealClient: return "real-client";
    }
    return "unknown";
}

ActorId TraceLog::addActor(Actor actor)
{
    m_actors.push_back(std::move(actor));
    return static_cast<ActorId>(m_actors.size() - 1);
}

const Actor &TraceLog::actor(ActorId id) const
{
    return m_actors.at(static_cast<std::size_t>(id));
}

QString TraceLog::actorName(ActorId id) const
{
    return id < 0 || static_cast<std::size_t>(id) >= m_actors.size() ? QString()
                                                                      : m_actors[id].name;
}

ActorId TraceLog::findActor(const QString &name) const
{
    for (std::size_t i = 0; i < m_actors.size(); ++i) {
        if (m_actors[i].name.compare(name, Qt::CaseInsensitive) == 0)
            return static_cast<ActorId>(i);
    }
    return -1;
}

void TraceLog::append(TraceEvent event)
{
    if (m_realClientCause > 0)
        event.causedByRealClient = true;
    m_events.push_back(std::move(event));
    const std::size_t index = m_events.size() - 1;
    for (const Listener &listener : m_listeners)
        listener(m_events[index], index);
}

} // namespace mailsim::trace
