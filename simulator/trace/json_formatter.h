// The trace as JSON Lines: one object per event, with the field names documented in
// docs/trace-json.md. Field names are a stable interface; add fields, never rename them.
#pragma once

#include "trace/trace_log.h"

#include <QByteArray>

namespace mailsim::trace {

// One compact JSON object, without a trailing newline.
QByteArray toJsonLine(const TraceLog &log, std::size_t index);

} // namespace mailsim::trace
