// The one place where protocol output meets the virtual network: every unit an engine
// produced is traced and then written to the connection, so nothing reaches the wire
// without appearing in the trace, and nothing is traced that did not go on the wire.
#pragma once

#include "net/stream_connection.h"
#include "protocol/common/engine_output.h"
#include "trace/trace_log.h"

namespace mailsim::mail {

enum class WireProtocol { Smtp, Pop3, Imap, Http };

// Traces and sends output.sent from the handler's side of its connection, then closes that
// side if output.close is set. The protocol picks the trace's event kinds.
void transmit(net::StreamHandler &handler, trace::TraceLog &log,
              const protocol::EngineOutput &output, WireProtocol protocol);
inline void transmitSmtp(net::StreamHandler &handler, trace::TraceLog &log,
                         const protocol::EngineOutput &output)
{
    transmit(handler, log, output, WireProtocol::Smtp);
}
// A real client's bytes come from a socket, not from an engine whose output is traced: when
// the client side of the server side's connection is a real client (trace::ActorRole::
// RealClient), each unit the server's engine recognises is traced as sent by that client, at
// the moment it is recognised (see protocol::InputNotifier). Otherwise nothing changes: a
// simulated client traced its units when it sent them.
void traceRealClientInput(net::StreamHandler &serverSide, trace::TraceLog &log,
                          protocol::InputNotifier &engine, WireProtocol protocol);
// For as long as it lives, the events traced are marked as a real client's doing, when the
// server side's client is a real client (a driver holds one while its engine works on that
// client's input).
class RealClientCause
{
public:
    RealClientCause(const net::StreamHandler &serverSide, trace::TraceLog &log);
    ~RealClientCause();
    RealClientCause(const RealClientCause &) = delete;
    RealClientCause &operator=(const RealClientCause &) = delete;

private:
    trace::TraceLog *m_log = nullptr;
};
// The trace event kind of one unit of a protocol's output.
trace::EventKind traceKind(WireProtocol protocol, protocol::Transmission::Kind kind);

} // namespace mailsim::mail
