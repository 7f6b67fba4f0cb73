// Words for the access protocols' events (POP3, IMAP, HTTP) and the mailbox changes they
// cause: the part of trace/explainer that concerns stage 6, where the recipient pulls mail.
#pragma once

#include "trace/trace_log.h"

#include <QString>

namespace mailsim::trace {

// Whether the event is a command, reply, request or response of POP3, IMAP or HTTP.
bool isAccessProtocolEvent(EventKind kind);
// "POP3", "IMAP" or "HTTP" for those events; empty for others.
QString accessProtocolName(EventKind kind);
// Whether the event is a reply or response (from the server) rather than a command.
bool isAccessReply(EventKind kind);
// The outcome of a reply for colours and symbols: 2 success, 3 go on, 4 client error or
// "no", 5 failure or "bad"; 0 for untagged IMAP data and for commands.
int accessReplyClass(const TraceEvent &event);
// The same for any event: SMTP replies by their first digit, the access protocols as above.
int replyOutcome(const TraceEvent &event);
// Protocol messages that travel between two hosts: SMTP, POP3, IMAP and HTTP units.
bool isProtocolUnit(EventKind kind);

QString summarizeAccess(const TraceLog &log, std::size_t index);
QString explainAccess(const TraceLog &log, std::size_t index);

} // namespace mailsim::trace
