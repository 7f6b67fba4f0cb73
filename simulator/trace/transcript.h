// The protocol dialogues of a run (SMTP, POP3, IMAP, HTTP) as plain C:/S: text, one block per
// connection, in the order the connections started: the notation the RFCs themselves use for
// their examples, and the form the golden-file tests compare.
#pragma once

#include "trace/trace_log.h"

#include <QString>

namespace mailsim::trace {

QString protocolTranscript(const TraceLog &log);

} // namespace mailsim::trace
