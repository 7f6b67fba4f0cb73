// A user agent (mail program) on a user's computer.
//
// It composes messages (stage 1), submits them to the user's own mail server over SMTP on
// the submission port (stage 2), and lets the user read the mailbox (stage 6). Reading is a
// direct look into the mailbox for now; POP3, IMAP and web mail replace it later.
#pragma once

#include "mail/mail_context.h"
#include "mail/mailbox.h"
#include "mail/message_composer.h"
#include "protocol/webmail/browser.h"

#include <QSet>
#include <QStringView>

#include <optional>
#include <set>

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

// One thing to do in the mailbox while reading it with IMAP. Messages are picked by Subject
// and/or From, as a person would pick them.
struct MailboxAction
{
    enum class Kind {
        MarkRead,     // set \Seen
        MarkUnread,   // clear \Seen
        Flag,         // set \Flagged
        Unflag,       // clear \Flagged
        Delete,       // set \Deleted, then EXPUNGE
        Move,         // to `folder` (COPY, \Deleted, EXPUNGE; created first when missing)
        Copy,         // to `folder`
        CreateFolder, // `folder`
        Idle,         // wait in IDLE up to `duration` for new mail to be pushed
    };
    Kind kind = Kind::MarkRead;
    QString subject;  // only messages whose Subject contains this (case-insensitive); empty: any
    QString from;     // only messages whose From contains this; empty: any
    QString folder;   // Move, Copy, CreateFolder
    core::SimTime duration = 0; // Idle

    bool operator==(const MailboxAction &) const = default;
};

struct UserAgentSettings
{
    Mailbox822 user;        // the owner: display name and address
    net::HostId server = -1; // the mail server it submits to (usually the user's own)
    quint16 submissionPort = 587;
    // Reading (stage 6): how, with which name and password, and where.
    AccessRoute access = AccessRoute::Pop3Keep;
    QByteArray login;       // the name the access protocols log in with: the address
    QByteArray password;
    net::HostId mailbox = -1;  // the user's own mail server, which holds the mailbox
    net::HostId web = -1;      // the web mail server (web access only)
    quint16 pop3Port = 110;
    quint16 imapPort = 143;
    quint16 webPort = 80;
};

class UserAgent
{
public:
    UserAgent(MailContext &context, UserAgentSettings settings, net::HostId host);

    [[nodiscard]] const UserAgentSettings &settings() const { return m_settings; }
    [[nodiscard]] net::HostId host() const { return m_host; }

    // Composes the draft and submits it. Call from within a simulation event.
    void send(const Draft &draft);
    // Fetches new mail by the user's access route (stage 6): POP3 downloads (and, with
    // download-and-delete, removes) what it has not seen; IMAP fetches new messages and then
    // carries out `actions` on the server; web mail logs in, lists the inbox and opens each
    // new message. Call from within a simulation event.
    void read(const std::vector<MailboxAction> &actions = {});

    [[nodiscard]] int submissionsFailed() const { return m_failed; }

private:
    MailContext &m_context;
    UserAgentSettings m_settings;
    net::HostId m_host;
    // Reports one message the agent now has (a mailbox-read event) and a problem, if any.
    void traceRead(int number, const QByteArray &content);
    void traceProblem(const QByteArray &problem, int stage);
    void traceNoNewMail();
    void readPop3();
    void readImap(const std::vector<MailboxAction> &actions);
    void readWeb();
    void sendByWeb(const Draft &draft);
    // IMAP users: APPEND a copy of a sent message to the folder Sent (made when missing).
    void saveToSent(const QByteArray &content);
    // Runs a scripted browser against the web mail server.
    void browse(std::vector<webmail::BrowserAction> actions, int stage);
    void traceWebRead(const webmail::ReadMessage &message);

    int m_failed = 0;
    QSet<QByteArray> m_pop3Seen; // UIDL values already downloaded (download-and-keep)
    QSet<quint32> m_imapSeen;    // INBOX UIDs already fetched with IMAP
    std::set<quint32> m_webSeen; // UIDs already opened in the browser
};

} // namespace mailsim::mail
