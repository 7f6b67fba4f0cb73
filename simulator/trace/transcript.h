// The SMTP dialogues of a run as plain C:/S: text, one block per connection, in the order
// the connections started: the notation RFC 5321 itself uses for its examples, and the form
// the golden-file tests compare.
#pragma once

#include "trace/trace_log.h"

#include <QString>

namespace mailsim::trace {

QString smtpTranscript(const TraceLog &log);

} // namespace mailsim::trace
