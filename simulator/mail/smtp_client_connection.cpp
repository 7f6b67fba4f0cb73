#include "mail/smtp_client_connection.h"

#include "mail/wire_tap.h"

#include <algorithm>

namespace mailsim::mail {

SmtpClientConnection::SmtpClientConnection(trace::TraceLog &log, smtp::ClientConfig config,
                                           smtp::Submission submission, int transactionStage,
                                           Done done, Progress progress)
    : m_log(log), m_session(std::move(config), std::move(submission)),
      m_transactionStage(transactionStage), m_done(std::move(done)),
      m_progress(std::move(progress))
{
}

void SmtpClientConnection::handle(const protocol::EngineOutput &output)
{
    if (m_transactionStage > 0 && !output.sent.empty()
        && output.sent.front().kind == protocol::Transmission::Kind::Command
        && output.sent.front().bytes.startsWith("MAIL ")
        && connection()->stage() < m_transactionStage)
        connection()->setStage(m_transactionStage);
    transmitSmtp(*this, m_log, output);
    if (m_progress)
        m_progress(m_session.state());
    if (m_session.finished())
        connection()->close(net::StreamConnection::Side::Client);
    // The outcome is reported as soon as every recipient is decided (normally by the reply
    // to the final "."), not when the session ends: the sender drops its copy at the 250,
    // while QUIT and the close still follow.
    if (m_done && (m_session.finished() || allDecided())) {
        Outcome outcome;
        outcome.connected = true;
        outcome.result = m_session.result();
        outcome.stage = connection()->stage();
        // Moved out first: the callback may start new work that outlives this handler.
        Done done = std::move(m_done);
        m_done = nullptr;
        done(outcome);
    }
}

bool SmtpClientConnection::allDecided() const
{
    const auto &recipients = m_session.result().recipients;
    return !recipients.empty()
           && std::none_of(recipients.begin(), recipients.end(), [](const smtp::RecipientOutcome &r) {
                  return r.status == smtp::RecipientOutcome::Status::Pending;
              });
}

void SmtpClientConnection::onData(const QByteArray &bytes)
{
    handle(m_session.receive(bytes));
}

void SmtpClientConnection::onPeerClosed()
{
    handle(m_session.receiveEof());
}

void SmtpClientConnection::onConnectFailed(const QByteArray &reason)
{
    if (!m_done)
        return;
    Outcome outcome;
    outcome.connectError = reason;
    Done done = std::move(m_done);
    m_done = nullptr;
    done(outcome);
}

} // namespace mailsim::mail
