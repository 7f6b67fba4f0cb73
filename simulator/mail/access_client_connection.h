// Drives the client side of an access protocol (a POP3 or IMAP session, a scripted web
// browser) over a virtual-network connection: the user agent's half of stage 6.
//
// The sessions share one shape: receive(bytes), receiveEof() and timeout() return an
// EngineOutput, done() says the script is over, result() what it found. A session that
// speaks first (a browser has no greeting to wait for) also has start(). Every unit is
// traced through wire_tap, like SMTP's.
#pragma once

#include "mail/wire_tap.h"
#include "net/stream_connection.h"

#include <functional>

namespace mailsim::mail {

template <typename Session> class AccessClientConnection : public net::StreamHandler
{
public:
    // Called once, when the session is over or the connection could not be made
    // (`connectError` is then set and the session never ran).
    using Done = std::function<void(const Session &session, const QByteArray &connectError)>;
    // Called after each step of the session, before its output is sent: to report a message
    // as soon as it has arrived, or to arm a timer while an IMAP client waits in IDLE.
    using Progress = std::function<void(AccessClientConnection &connection)>;

    AccessClientConnection(trace::TraceLog &log, Session session, WireProtocol protocol, Done done,
                           Progress progress = {})
        : m_log(log), m_session(std::move(session)), m_protocol(protocol), m_done(std::move(done)),
          m_progress(std::move(progress))
    {
    }

    [[nodiscard]] Session &session() { return m_session; }

    void onConnected() override
    {
        if constexpr (requires(Session &s) { s.start(); })
            handle(m_session.start());
    }
    void onData(const QByteArray &bytes) override { handle(m_session.receive(bytes)); }
    void onPeerClosed() override
    {
        protocol::EngineOutput output = m_session.receiveEof();
        output.close = true;
        handle(output);
        finish({});
    }
    void onConnectFailed(const QByteArray &reason) override { finish(reason.isEmpty() ? "failed" : reason); }

    // The user agent's timer fired (an IMAP IDLE that lasted long enough).
    void timeout() { handle(m_session.timeout()); }

private:
    void handle(const protocol::EngineOutput &output)
    {
        if (m_closed || !connection())
            return;
        if (m_progress)
            m_progress(*this);
        transmit(*this, m_log, output, m_protocol);
        if (output.close)
            m_closed = true;
        if (m_session.done()) {
            if (!m_closed) {
                m_closed = true;
                connection()->close(net::StreamConnection::Side::Client);
            }
            finish({});
        }
    }

    void finish(const QByteArray &connectError)
    {
        if (!m_done)
            return;
        Done done = std::move(m_done); // the callback may start work that outlives this handler
        m_done = nullptr;
        done(m_session, connectError);
    }

    trace::TraceLog &m_log;
    Session m_session;
    WireProtocol m_protocol;
    Done m_done;
    Progress m_progress;
    bool m_closed = false;
};

} // namespace mailsim::mail
