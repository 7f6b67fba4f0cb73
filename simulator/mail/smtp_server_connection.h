// Drives an SmtpServerSession over a virtual-network connection and answers the engine's
// policy questions by asking the MailServer, with this connection as the context.
#pragma once

#include "net/stream_connection.h"
#include "protocol/smtp/smtp_server_session.h"
#include "trace/trace_log.h"

namespace mailsim::mail {

class MailServer;

class SmtpServerConnection : public net::StreamHandler, public smtp::ServerPolicy
{
public:
    // config: the server's configuration for the port the client connected to.
    SmtpServerConnection(MailServer &server, trace::TraceLog &log, smtp::ClientInfo client,
                         smtp::ServerConfig config);

    void onConnected() override;
    void onData(const QByteArray &bytes) override;
    void onPeerClosed() override;
    void onIdleTimeout() override;

    smtp::Reply checkSender(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                            const smtp::Path &reversePath) override;
    smtp::Reply checkRecipient(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                               const smtp::Path &forwardPath) override;
    smtp::Reply acceptMessage(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                              const QByteArray &content) override;
    bool authenticate(const smtp::ClientInfo &client, QByteArrayView user,
                      QByteArrayView password) override;

private:
    void handle(const protocol::EngineOutput &output);

    MailServer &m_server;
    trace::TraceLog &m_log;
    smtp::SmtpServerSession m_session;
};

} // namespace mailsim::mail
