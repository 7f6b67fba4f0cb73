#include "mail/web_mail_server.h"

#include "mail/engine_server_connection.h"
#include "mail/smtp_client_connection.h"
#include "protocol/webmail/web_mail_session.h"

#include <QLocale>

namespace mailsim::mail {

namespace {
constexpr int kStageSubmit = 2; // the web server submits for its user, as a user agent would
}

WebMailServer::WebMailServer(MailContext &context, MailServer &mailServer, net::HostId host,
                             quint16 port)
    : m_context(context), m_mailServer(mailServer), m_host(host), m_port(port)
{
    webmail::WebMailConfig config;
    config.siteName = "Web Mail at " + m_mailServer.settings().domain.toUtf8();
    // From the world's seeded generator, so that runs stay reproducible.
    config.newSessionId = [this] { return m_context.newId(32); };
    config.dateHeader = [this] { return m_context.dateHeader(); };
    const QByteArray domain = m_mailServer.settings().domain.toUtf8();
    config.newMessageId = [this, domain] { return '<' + m_context.newId(16) + '@' + domain + '>'; };
    m_app = std::make_unique<webmail::WebMailApp>(std::move(config), m_mailServer.store(), this);
}

void WebMailServer::start()
{
    m_context.network.listen(m_host, m_port, [this](net::StreamConnection &) {
        http::ServerConfig config;
        config.serverName = "MailSim-WebMail";
        // RFC 9110 IMF-fixdate, from the virtual clock.
        config.date = [this] {
            const QDateTime now = m_context.epoch.addMSecs(m_context.simulation.now() / 1000);
            return QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'")).toLatin1();
        };
        auto session = std::make_unique<webmail::WebMailSession>(*m_app, std::move(config));
        webmail::WebMailSession *engine = session.get();
        auto handler = std::make_unique<EngineServerConnection>(m_context.trace, std::move(session),
                                                                WireProtocol::Http);
        EngineServerConnection *driver = handler.get();
        // A deferred answer (after the SMTP submission) goes out through the driver.
        engine->setLateOutput([driver](const protocol::EngineOutput &out) { driver->send(out); });
        return handler;
    });
}

void WebMailServer::submit(const QByteArray &fromAddress, const std::vector<QByteArray> &recipients,
                           const QByteArray &message, std::function<void(Outcome)> done)
{
    smtp::Submission submission;
    submission.reversePath = smtp::Path::fromAddress(fromAddress).value_or(smtp::Path{});
    submission.content = message;
    for (const QByteArray &r : recipients) {
        if (std::optional<smtp::Path> p = smtp::Path::fromAddress(r))
            submission.recipients.push_back(*p);
    }
    smtp::ClientConfig config;
    config.heloName = m_context.network.host(m_host).name.toUtf8();
    auto finished = [done](const SmtpClientConnection::Outcome &o) {
        if (!o.connected) {
            done({false, "could not reach the mail server: " + o.connectError});
            return;
        }
        QByteArray refused;
        for (const smtp::RecipientOutcome &r : o.result.recipients) {
            if (r.status != smtp::RecipientOutcome::Status::Delivered)
                refused += (refused.isEmpty() ? "" : "; ") + r.recipient.bracketed() + ": "
                           + QByteArray::number(r.reply.code) + ' ' + r.reply.text;
        }
        if (!o.result.error.isEmpty())
            done({false, o.result.error});
        else if (!refused.isEmpty())
            done({false, refused});
        else
            done({true, "250 accepted for delivery"});
    };
    m_context.network.connect(m_host, m_mailServer.host(), m_mailServer.settings().submissionPort,
                              std::make_unique<SmtpClientConnection>(m_context.trace, config,
                                                                     std::move(submission), 0, finished),
                              kStageSubmit);
}

} // namespace mailsim::mail
