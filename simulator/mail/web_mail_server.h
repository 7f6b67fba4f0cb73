// A provider's web mail: a web server (HTTP, port 80) that shows a mail server's mailboxes
// to browsers and, when a user sends, hands the message to that mail server over SMTP on the
// submission port. It runs on the mail server's own host (the lecture's same-machine set-up:
// the SMTP connection then goes through the host's loopback) or on a host of its own.
#pragma once

#include "mail/mail_context.h"
#include "mail/mail_server.h"
#include "protocol/webmail/web_mail_app.h"

#include <memory>

namespace mailsim::mail {

class WebMailServer : public webmail::MailSubmitter
{
public:
    WebMailServer(MailContext &context, MailServer &mailServer, net::HostId host, quint16 port);
    WebMailServer(const WebMailServer &) = delete;
    WebMailServer &operator=(const WebMailServer &) = delete;

    void start(); // listens on the port
    [[nodiscard]] net::HostId host() const { return m_host; }
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] const MailServer &mailServer() const { return m_mailServer; }

    // MailSubmitter: SMTP to the mail server's submission port, answered when it is over.
    void submit(const QByteArray &fromAddress, const std::vector<QByteArray> &recipients,
                const QByteArray &message, std::function<void(Outcome)> done) override;

private:
    MailContext &m_context;
    MailServer &m_mailServer;
    net::HostId m_host;
    quint16 m_port;
    std::unique_ptr<webmail::WebMailApp> m_app;
};

} // namespace mailsim::mail
