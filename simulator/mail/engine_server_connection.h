// Drives any server engine (POP3, IMAP, HTTP) over a virtual-network connection: bytes from
// the stream go into the engine, its output is traced and written back. It also tells the
// engine when the mail store changed, in an event of its own, so that an IMAP session in
// IDLE pushes "* n EXISTS" the moment new mail arrives.
#pragma once

#include "mail/mail_server.h"
#include "mail/wire_tap.h"
#include "net/stream_connection.h"
#include "protocol/common/server_engine.h"

#include <memory>

namespace mailsim::mail {

class EngineServerConnection : public net::StreamHandler
{
public:
    EngineServerConnection(trace::TraceLog &log, std::unique_ptr<protocol::ServerEngine> engine,
                           WireProtocol protocol, std::weak_ptr<StoreSignals> watchers = {});
    ~EngineServerConnection() override;

    void onConnected() override;
    void onData(const QByteArray &bytes) override;
    void onPeerClosed() override;
    void onIdleTimeout() override;

    [[nodiscard]] protocol::ServerEngine &engine() { return *m_engine; }
    // Output the engine produced outside a call from this driver (a deferred HTTP response).
    void send(const protocol::EngineOutput &output);

private:
    trace::TraceLog &m_log;
    std::unique_ptr<protocol::ServerEngine> m_engine;
    WireProtocol m_protocol;
    std::weak_ptr<StoreSignals> m_signals;
    int m_listener = 0;
    bool m_closed = false;
};

} // namespace mailsim::mail
