// One visible happening in the simulated world.
//
// The trace is the only thing the views (the CLI now, the window later) read: every DNS
// query, TCP segment of interest, SMTP command and reply, queue and mailbox change is one
// TraceEvent, appended in the order it happened. Events hold raw facts only (enums, ids,
// the exact bytes); display text and explanations are made from them on demand, by
// trace/explainer and the formatters, so that recording stays cheap.
#pragma once

#include "core/sim_time.h"

#include <QByteArray>
#include <QString>

namespace mailsim::trace {

using ActorId = qint16; // index into TraceLog::actors(); -1 for none

enum class EventKind : quint8 {
    Compose,      // a user agent composed a message; data = the message, detail = envelope
    TcpSyn,       // connection request; code = destination port
    TcpSynAck,    // the listener accepts; code = port
    TcpAck,       // handshake complete; code = port
    TcpRefused,   // RST: nothing listens there (or no route); detail = reason
    TcpFin,       // one side closes its direction of the stream
    DnsQuery,     // data = "example.net. MX ?" (the question, in zone-file notation)
    DnsAnswer,    // data = answer records, one per line; detail = response code
    SmtpCommand,  // data = the command line as sent, CR LF included
    SmtpReply,    // data = the reply as sent; code = reply code
    SmtpData,     // data = the message content as sent after 354, dot-stuffed, with "."
    QueueAdd,     // a server queued a message; detail = queue id, a space, the recipients
                  // ("<a@x>, <b@y>"); data = the message as queued (see queueId/queueRecipients)
    QueueRemove,  // a queue entry is done; detail = queue id; data = why
    QueueDefer,   // delivery must wait; detail = queue id; data = last error; code = attempt;
                  // arrival = when the next attempt is due
    MailboxAdd,   // a message stored in a mailbox folder; detail = owner, then " FOLDER" when
                  // not INBOX (see mailboxOwner/mailboxFolder); code = its UID; data = message
    MailboxRead,  // a user agent has a message from its mailbox (POP3, IMAP or web mail);
                  // detail = owner; code = its number or UID; data = the message, or for a
                  // browser the web page that shows it (see isWebPage)
    Bounce,       // a server made a non-delivery report; detail = queue id; data = reason
    Note,         // anything else worth a line, e.g. a submission that failed; data = text
    Pop3Command,  // data = the command line as sent
    Pop3Reply,    // data = the response as sent (a multi-line one whole); code = reply_status
    ImapCommand,  // data = the tagged command as sent, literals included
    ImapReply,    // data = one untagged, continuation or tagged response; code = reply_status
    HttpRequest,  // data = the request as sent (request line, header fields, body)
    HttpResponse, // data = the response as sent; code = the status code
    MailboxRemove, // a message left a folder for good; detail and code as mailbox-add;
                   // data = what removed it ("POP3 QUIT", "IMAP EXPUNGE")
    MailboxFlags,  // a message's flags changed; detail and code as mailbox-add;
                   // data = the flags now, e.g. \Flagged \Seen (may be empty)
    FolderChange,  // detail = owner; data = "create NAME", "delete NAME" or "rename OLD NEW"
    Fault,         // something a scenario scripted went wrong or right again; detail = its
                   // kind ("server-down", "link-up", ...); from (and to, for a link) = the
                   // hosts; data = what it means, for people
};
inline constexpr int kEventKindCount = int(EventKind::Fault) + 1;
const char *toString(EventKind kind); // stable lower-case names, used in JSON

// RealClient: the mail programs on the computer running MailSim (Thunderbird, curl, Python),
// connected through the real-client bridge (simulator/bridge); what they send is real input,
// not the simulation's, and every view marks it so.
enum class ActorRole : quint8 { UserAgent, MailServer, DnsServer, Router, WebServer, RealClient };
const char *toString(ActorRole role);

struct Actor
{
    QString name;    // host name, e.g. "mail.example.org"
    QString label;   // for people, e.g. "Alice's mail server"
    QString address; // e.g. "192.0.2.25"
    ActorRole role = ActorRole::Router;
};

struct TraceEvent
{
    core::SimTime time = 0;     // when it happened (sent, for things that travel)
    core::SimTime arrival = -1; // when it reaches `to`, for things that travel; else -1
    EventKind kind = EventKind::Note;
    quint8 stage = 0;           // 1..6, the lecture's six stages
    // What a real mail program's command did inside a server (a queued or stored message, a
    // flag set, a deletion), though its ends are the server's own; see TraceLog.
    bool causedByRealClient = false;
    ActorId from = -1;
    ActorId to = -1;
    qint32 connection = -1;     // the TCP connection it belongs to, if any
    qint32 code = 0;            // reply code, port or attempt number; see EventKind
    QByteArray data;
    QByteArray detail;
};

// The queue id of a queue-add, queue-remove, queue-defer or bounce event: `detail` up to
// the first space.
QByteArray queueId(const TraceEvent &event);
// Whether a mailbox-read event holds a web page (a browser's view) rather than a message.
bool isWebPage(const TraceEvent &event);
// The owner and folder of a mailbox-add, -remove or -flags event ("INBOX" when not given).
QByteArray mailboxOwner(const TraceEvent &event);
QByteArray mailboxFolder(const TraceEvent &event);
// The envelope recipients of a queue-add event, "<a@x>, <b@y>"; empty for other kinds.
QByteArray queueRecipients(const TraceEvent &event);

} // namespace mailsim::trace
