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
    const bool startsTransaction =
        !output.sent.empty() && output.sent.front().kind == protocol::Transmission::Kind::Command &&
        output.sent.front().bytes.startsWith("MAIL ");
    if (startsTransaction && m_transactionStage > 0 && connection()->stage() < m_transactionStage)
        connection()->setStage(m_transactionStage);
    if (startsTransaction)
        noteEightBitHandling();
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

// The session decided, just before MAIL FROM, what to do with 8-bit content for a server that
// did not announce 8BITMIME. The wire alone would not tell a student why the message now
// looks different, or why it is sent although it should not be: the trace says it here.
void SmtpClientConnection::noteEightBitHandling()
{
    const smtp::ClientResult &r = m_session.result();
    if (!r.sevenBitFormSent && !r.eightBitWithout8BitMime)
        return;
    using Side = net::StreamConnection::Side;
    net::StreamConnection &c = *connection();
    trace::TraceEvent e;
    e.time = c.now();
    e.kind = trace::EventKind::Note;
    e.stage = static_cast<quint8>(c.stage());
    e.from = c.actor(Side::Client);
    e.to = c.actor(Side::Server);
    e.connection = c.id();
    const QByteArray server = m_log.actorName(e.to).toUtf8();
    const QByteArray client = m_log.actorName(e.from).toUtf8();
    e.data = server + " did not announce 8BITMIME in its reply to EHLO, ";
    if (r.sevenBitFormSent)
        e.data += "so it may only be sent 7-bit text (RFC 6152). The message holds bytes "
                  "above 127, so " +
                  client +
                  " sends it with those parts encoded (quoted-printable or base64): the same "
                  "message, written in bytes below 128.";
    else
        e.data += "yet the message holds bytes above 127 and " + client +
                  " has no 7-bit form of it: it is sent as it is. RFC 6152 asks the sender to "
                  "encode such a message first, or to return it; an old server may damage it.";
    m_log.append(std::move(e));
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
