// Drives an SmtpClientSession over a virtual-network connection: the glue between the
// sans-I/O engine and the simulated TCP stream. Used by user agents (submission) and by
// mail servers (relay to the next server).
#pragma once

#include "net/stream_connection.h"
#include "protocol/smtp/smtp_client_session.h"
#include "trace/trace_log.h"

#include <functional>

namespace mailsim::mail {

class SmtpClientConnection : public net::StreamHandler
{
public:
    struct Outcome
    {
        bool connected = false;
        QByteArray connectError;  // "connection refused", "no route to host"; when !connected
        smtp::ClientResult result;
        int stage = 0;            // the connection's stage when the session ended
    };
    // Called once: when every recipient is decided (usually at the reply to the final "."),
    // when the session ends without that, or when the connection cannot be made.
    using Done = std::function<void(const Outcome &)>;
    using Progress = std::function<void(smtp::ClientState)>;

    // transactionStage: the lecture stage the connection moves to when the mail transaction
    // starts (MAIL FROM); 0 keeps the stage the connection was opened with.
    SmtpClientConnection(trace::TraceLog &log, smtp::ClientConfig config,
                         smtp::Submission submission, int transactionStage, Done done,
                         Progress progress = {});

    void onConnected() override {}
    void onData(const QByteArray &bytes) override;
    void onPeerClosed() override;
    void onConnectFailed(const QByteArray &reason) override;

private:
    void handle(const protocol::EngineOutput &output);
    bool allDecided() const;
    void noteEightBitHandling();

    trace::TraceLog &m_log;
    smtp::SmtpClientSession m_session;
    int m_transactionStage;
    Done m_done;
    Progress m_progress;
};

} // namespace mailsim::mail
