// Words for people, made from trace events on demand: a one-line summary (what the event
// table and the CLI show) and a sentence or two saying why it happens (for students).
//
// Nothing here is stored in the trace: explanations are produced only for the events a
// view actually shows, so recording a run stays cheap.
#pragma once

#include "trace/trace_log.h"

#include <QString>

namespace mailsim::trace {

// One line, e.g. "C: MAIL FROM:<alice@example.org>" or "DNS answer: example.net. MX 10 ...".
QString summarize(const TraceLog &log, std::size_t index);
// A sentence or two for a student, in the project's own words.
QString explain(const TraceLog &log, std::size_t index);
// explain(), and for an SMTP reply first what its class digit tells the client
// (smtp::replyClassMeaning): the general rule a student can carry to any server, then what
// this reply means here. For a view with room for more than one line, such as a tooltip.
QString explainInFull(const TraceLog &log, std::size_t index);

// The label of an actor for sentences, e.g. "Alice's mail server"; "someone" for -1.
QString actorLabel(const TraceLog &log, ActorId id);

} // namespace mailsim::trace
