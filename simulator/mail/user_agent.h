// A user agent (mail program) on a user's computer.
//
// It composes messages (stage 1), submits them to the user's own mail server over SMTP on
// the submission port (stage 2), and lets the user read the mailbox (stage 6). Reading is a
// direct look into the mailbox for now; POP3, IMAP and web mail replace it later.
#pragma once

#include "mail/mail_context.h"
#include "mail/mailbox.h"
#include "mail/message_composer.h"

#include <QStringView>

#include <optional>

namespace mailsim::mail {

// How a user agent reads mail (stage 6): the lecture's three access routes.
enum class AccessRoute {
    Pop3Delete, // POP3, download-and-delete: the messages leave the server
    Pop3Keep,   // POP3, download-and-keep: they stay, UIDL tells old from new
    Imap,       // IMAP: mail, flags and folders stay on the server
    WebMail,    // a web browser and HTTP; the web server reads the mailbox (and sends by SMTP)
};
const char *toString(AccessRoute route); // "pop3-delete", "pop3-keep", "imap", "web"
std::optional<AccessRoute> accessRouteFromString(QStringView text);

struct UserAgentSettings
{
    Mailbox822 user;        // the owner: display name and address
    net::HostId server = -1; // the user's own mail server
    quint16 submissionPort = 587;
};

class UserAgent
{
public:
    UserAgent(MailContext &context, UserAgentSettings settings, net::HostId host);

    [[nodiscard]] const UserAgentSettings &settings() const { return m_settings; }
    [[nodiscard]] net::HostId host() const { return m_host; }

    // Composes the draft and submits it. Call from within a simulation event.
    void send(const Draft &draft);
    // Reads the messages that arrived in the mailbox since the last read.
    void read(const Mailbox &mailbox, trace::ActorId serverActor);

    [[nodiscard]] int submissionsFailed() const { return m_failed; }

private:
    MailContext &m_context;
    UserAgentSettings m_settings;
    net::HostId m_host;
    std::size_t m_read = 0;
    int m_failed = 0;
};

} // namespace mailsim::mail
