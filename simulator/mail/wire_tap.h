// The one place where protocol output meets the virtual network: every unit an engine
// produced is traced and then written to the connection, so nothing reaches the wire
// without appearing in the trace, and nothing is traced that did not go on the wire.
#pragma once

#include "net/stream_connection.h"
#include "protocol/common/engine_output.h"
#include "trace/trace_log.h"

namespace mailsim::mail {

// Traces and sends output.sent from the handler's side of its connection, then closes that
// side if output.close is set.
void transmitSmtp(net::StreamHandler &handler, trace::TraceLog &log,
                  const protocol::EngineOutput &output);

} // namespace mailsim::mail
