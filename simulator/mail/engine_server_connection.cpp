#include "mail/engine_server_connection.h"

namespace mailsim::mail {

EngineServerConnection::EngineServerConnection(trace::TraceLog &log,
                                               std::unique_ptr<protocol::ServerEngine> engine,
                                               WireProtocol protocol,
                                               std::weak_ptr<StoreSignals> watchers)
    : m_log(log), m_engine(std::move(engine)), m_protocol(protocol), m_signals(std::move(watchers))
{
    if (const auto s = m_signals.lock())
        m_listener = s->add([this] { send(m_engine->storeChanged()); });
}

EngineServerConnection::~EngineServerConnection()
{
    if (const auto s = m_signals.lock())
        s->remove(m_listener);
}

void EngineServerConnection::send(const protocol::EngineOutput &output)
{
    if (m_closed || !connection())
        return;
    transmit(*this, m_log, output, m_protocol);
    if (output.close) {
        m_closed = true;
        if (const auto s = m_signals.lock())
            s->remove(m_listener);
    }
}

void EngineServerConnection::onConnected()
{
    traceRealClientInput(*this, m_log, *m_engine, m_protocol);
    send(m_engine->open());
}

void EngineServerConnection::onData(const QByteArray &bytes)
{
    const RealClientCause cause(*this, m_log);
    send(m_engine->receive(bytes));
}

void EngineServerConnection::onPeerClosed()
{
    protocol::EngineOutput output = m_engine->receiveEof();
    output.close = true; // the client is gone: close our side too
    send(output);
}

void EngineServerConnection::onIdleTimeout()
{
    send(m_engine->timeout());
}

} // namespace mailsim::mail
