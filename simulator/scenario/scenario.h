// A scenario: a world to build (WorldSpec), the teacher's lesson notes, and the
// expectations checked at the end of a run. Read from YAML by ScenarioLoader, written back
// by ScenarioWriter; docs/scenario-format.md describes the file format.
#pragma once

#include "world/world_spec.h"

#include <QString>

#include <map>
#include <vector>

namespace mailsim::scenario {

// Where something was written in a scenario file (1-based; 0 when not from a file).
struct SourceLocation
{
    int line = 0;
    int column = 0;
};

struct Expectation
{
    enum class Kind {
        MailboxCount, // `user`'s mailbox holds `count` messages (only those whose Subject is
                      // `subject`, when subject is set, and that carry an attachment named
                      // `attachment`, when that is set)
        ReplySeen,    // some server sent the reply `code` during the run
        ReplyNotSeen, // no server sent the reply `code`
        QueueEmpty,   // the outgoing queue of `server` (host name or domain) is empty
        Hops,         // the message in `user`'s mailbox (with Subject `subject`, if set)
                      // passed through `count` servers (its Received: fields)
        AccessReplySeen, // a `protocol` ("pop3", "imap" or "http") server sent `status`
                         // ("+OK"/"-ERR", "OK"/"NO"/"BAD", or an HTTP code in `code`)
        AccessReplyNotSeen, // ... did not
        Flags,        // the message(s) in `user`'s `folder` with Subject `subject` (if set)
                      // carry every flag in `flags` and none in `withoutFlags`
        Fetched,      // `user`'s agent fetched `count` messages in all (POP3, IMAP or web)
    };
    Kind kind = Kind::MailboxCount;
    QString user;
    QString server;
    QString subject;
    QString attachment; // a file name (MailboxCount only)
    QString folder;     // MailboxCount and Flags: the folder; empty means INBOX
    QString protocol;   // AccessReplySeen/NotSeen: "pop3", "imap" or "http"
    QString status;     // AccessReplySeen/NotSeen for POP3 and IMAP: "+OK", "-ERR", "OK", "NO", "BAD"
    QStringList flags;        // Flags: required, e.g. \Seen
    QStringList withoutFlags; // Flags: must be absent
    int count = 0;
    int code = 0;
    SourceLocation where;
};

// The names of faults and mistakes in scenario files ("server-down", "out-of-order"...):
// one spelling for the loader, the writer and anything that shows them to the class.
inline const char *faultKindName(world::FaultSpec::Kind kind)
{
    using Kind = world::FaultSpec::Kind;
    switch (kind) {
    case Kind::ServerDown: return "server-down";
    case Kind::ServerUp: return "server-up";
    case Kind::ServerBusy: return "server-busy";
    case Kind::ServerReady: return "server-ready";
    case Kind::LinkDown: return "link-down";
    case Kind::LinkUp: return "link-up";
    case Kind::LinkSlow: return "link-slow";
    case Kind::NoMx: return "no-mx";
    }
    return "server-down";
}

// Empty for Mistake::None, which a file never spells out.
inline const char *mistakeName(world::SendSpec::Mistake mistake)
{
    using Mistake = world::SendSpec::Mistake;
    switch (mistake) {
    case Mistake::None: return "";
    case Mistake::Typo: return "typo";
    case Mistake::OutOfOrder: return "out-of-order";
    }
    return "";
}

struct Scenario
{
    world::WorldSpec world;
    // The id each entry of world.sends had in the file's `messages:` list (same order and
    // size as world.sends once loaded; may be shorter or hold empty strings when the scenario
    // was made in code, and the writer then makes up ids). A message sent twice appears
    // twice, with the same id.
    std::vector<QString> messageIds;
    std::map<int, QString> lessonNotes; // stage (1..6) -> the teacher's explanation
    std::vector<Expectation> expectations;
};

} // namespace mailsim::scenario
