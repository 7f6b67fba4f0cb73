#include "mail/smtp_server_connection.h"

#include "mail/mail_server.h"
#include "mail/wire_tap.h"

namespace mailsim::mail {

SmtpServerConnection::SmtpServerConnection(MailServer &server, trace::TraceLog &log,
                                           smtp::ClientInfo client, smtp::ServerConfig config)
    : m_server(server), m_log(log), m_session(std::move(config), *this, std::move(client))
{
}

void SmtpServerConnection::handle(const protocol::EngineOutput &output)
{
    transmitSmtp(*this, m_log, output);
}

void SmtpServerConnection::onConnected()
{
    traceRealClientInput(*this, m_log, m_session, WireProtocol::Smtp);
    // A busy server (a fault a scenario scripts) greets with 421 and closes (RFC 5321 3.8).
    handle(m_server.isBusy() ? m_session.shutdown() : m_session.open());
}

void SmtpServerConnection::onData(const QByteArray &bytes)
{
    const RealClientCause cause(*this, m_log);
    handle(m_session.receive(bytes));
}

void SmtpServerConnection::onPeerClosed()
{
    protocol::EngineOutput output = m_session.receiveEof();
    output.close = true; // the client is gone: close our side too
    handle(output);
}

void SmtpServerConnection::onIdleTimeout()
{
    handle(m_session.timeout()); // 421, RFC 5321 4.5.3.2
}

smtp::Reply SmtpServerConnection::checkSender(const smtp::ClientInfo &client,
                                              const smtp::Envelope &, const smtp::Path &path)
{
    return m_server.checkSender(client, path);
}

smtp::Reply SmtpServerConnection::checkRecipient(const smtp::ClientInfo &client,
                                                 const smtp::Envelope &envelope,
                                                 const smtp::Path &path)
{
    return m_server.checkRecipient(client, envelope, path);
}

bool SmtpServerConnection::authenticate(const smtp::ClientInfo &client, QByteArrayView user,
                                        QByteArrayView password)
{
    return m_server.authenticate(client, user, password);
}

smtp::Reply SmtpServerConnection::acceptMessage(const smtp::ClientInfo &client,
                                                const smtp::Envelope &envelope,
                                                const QByteArray &content)
{
    return m_server.acceptMessage(client, envelope, content, *connection());
}

} // namespace mailsim::mail
