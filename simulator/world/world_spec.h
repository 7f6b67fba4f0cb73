// A simulated world as plain data: what exists (domains, servers, users, hosts, links,
// DNS records) and what happens when (messages sent, mailboxes read).
//
// Scenario files (simulator/scenario) are read into this structure; tests also build it in
// code. Nothing in it refers to the running simulation.
#pragma once

#include "core/sim_time.h"
#include "mail/mail_server.h"
#include "mail/user_agent.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <vector>

namespace mailsim::world {

struct HostSpec
{
    QString name;    // e.g. "dns.example", "internet"
    QString address; // e.g. "198.51.100.53"
    QString label;   // for people, e.g. "DNS server"
};

// A web mail service for a domain's users: a web server that reads their mailboxes and, to
// send, speaks SMTP to the mail server (the lecture's web-based e-mail).
struct WebServerSpec
{
    bool enabled = false; // on when the file says so, or when a user of the domain reads by web
    // Empty: on the mail server's own machine (the lecture's same-machine set-up), reached on
    // port 80 of that host; otherwise a host of its own, e.g. "webmail.example.net".
    QString host;
    QString address; // for a host of its own
    QString label;   // e.g. "Bob's web mail server"; made up when empty
    quint16 port = 80;

    bool operator==(const WebServerSpec &) const = default;
};

struct ServerSpec
{
    mail::MailServerSettings settings; // domain, hostname, ports, limits, relay policy, retries
    QString address;
    QString label; // e.g. "Alice's mail server"
    WebServerSpec web;
};

struct UserSpec
{
    QString address;     // e.g. "alice@example.org"; its domain must have a server
    QString displayName; // e.g. "Alice"
    QString password;    // for POP3, IMAP and web mail (and shown to students as sent)
    QString uaHost;      // the user's computer, e.g. "alice-pc.example.org"
    QString uaAddress;
    QString label;       // e.g. "Alice's user agent"; made from the display name if empty
    // The host name of the mail server the user agent submits to. Empty: the server of the
    // user's own domain. Another server shows relay control: it takes mail for its own
    // users from anyone, but refuses to pass it on elsewhere for a stranger.
    QString submitTo;
    // How the user's agent reads mail at stage 6 (and, for web mail, also how it sends).
    mail::AccessRoute access = mail::AccessRoute::Pop3Keep;
    // What the user types into their user agent when it differs from `password`: a mistyped
    // password, to show the access protocols refusing a login. Empty: the right one.
    QString typedPassword;
};

// The password a user logs in with: the one the scenario gives, or else their local part
// ("bob"), as docs/scenario-format.md says. Stage 6 should not fail only because a file about
// MIME did not care about logins.
inline QString loginPassword(const UserSpec &user)
{
    return user.password.isEmpty() ? user.address.left(user.address.lastIndexOf('@')) : user.password;
}

struct LinkSpec
{
    QString a;
    QString b;
    core::SimTime latency = core::milliseconds(1);
};

struct MxSpec
{
    QString domain;
    int preference = 10;
    QString exchange;
};

struct AddressRecordSpec
{
    QString name;
    QString address;
};

// A file sent with a message.
struct AttachmentSpec
{
    QString name;       // the file name the recipient sees, e.g. "timetable.txt"
    QString mediaType;  // e.g. "image/png"; "application/octet-stream" when nothing is known
    QByteArray content; // the bytes, any bytes
    // The path as a scenario file gave it (relative to that file), so that saving the scenario
    // writes the same reference rather than the bytes; empty when the bytes were given inline.
    QString sourceFile;

    bool operator==(const AttachmentSpec &) const = default;
};

struct SendSpec
{
    core::SimTime at = 0;
    // A mistake the user agent makes in its SMTP dialogue before MAIL FROM, to show the
    // server's answer: a mistyped command ("MIAL FROM:", answered 500) or a command out of
    // order (RCPT TO before MAIL FROM, answered 503). It then goes on correctly.
    enum class Mistake { None, Typo, OutOfOrder };
    Mistake mistake = Mistake::None;
    QString from; // a user's address
    QStringList to;
    QStringList cc;
    QStringList bcc;
    QString subject;
    QString body;
    // The character set of the text parts (body and html); empty: the user agent chooses,
    // us-ascii when the text is ASCII and utf-8 otherwise.
    QString charset;
    QString html; // an HTML version of the body: with it the message is multipart/alternative
    std::vector<AttachmentSpec> attachments; // with any: multipart/mixed
    // A whole message written out by hand (header lines, an empty line, the body). When it is
    // set, the user agent sends exactly these bytes, line breaks made CR LF, and the content
    // fields above stay empty; from, to, cc and bcc then only make the envelope (MAIL FROM
    // and RCPT TO), whatever the header inside says: the way to show that the two differ.
    QString raw;
};

// One thing to do in the mailbox while reading it with IMAP (see mail::MailboxAction).
using MailboxActionSpec = mail::MailboxAction;

struct ReadSpec
{
    core::SimTime at = 0;
    QString user; // a user's address; they read by their access route (UserSpec::access)
    std::vector<MailboxActionSpec> actions; // after fetching new mail; IMAP only
};

// Something going wrong (or right again) at a moment of the timeline: what a teacher scripts
// to show the outgoing queue, retries, 4xx against 5xx, and bounces.
struct FaultSpec
{
    enum class Kind {
        ServerDown,  // `host` (a mail server) stops listening: connections are refused
        ServerUp,    // `host` listens again
        ServerBusy,  // `host` greets every new SMTP connection with 421 and closes it
        ServerReady, // `host` greets normally again
        LinkDown,    // the link between `host` and `other` is cut: no new connection crosses it
        LinkUp,      // it is mended
        LinkSlow,    // its one-way latency becomes `latency`
        NoMx,        // DNS forgets the MX records of `domain`
    };
    core::SimTime at = 0;
    Kind kind = Kind::ServerDown;
    QString host;   // ServerDown/Up/Busy/Ready: a mail server's host name; Link*: one end
    QString other;  // Link*: the other end
    QString domain; // NoMx
    core::SimTime latency = 0; // LinkSlow

    bool operator==(const FaultSpec &) const = default;
};

// Real mail programs on the computer that runs MailSim, let in through the real-client bridge
// (simulator/bridge): the world gets a host for them, "real-clients" at 127.0.0.1, linked to
// one mail server's host (and to its web mail host) with no latency. It is not part of
// scenario files: `mailsim-cli serve` and the window's Real clients panel set it.
struct RealClientsSpec
{
    QString server; // the host name of the mail server they reach; empty: no real clients

    bool operator==(const RealClientsSpec &) const = default;
};
inline constexpr const char *kRealClientsHost = "real-clients";

struct WorldSpec
{
    QString title;
    QString description;
    quint64 seed = 1;
    QDateTime epoch = QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC);
    HostSpec dns;
    std::vector<HostSpec> routers; // hosts that only forward, e.g. "the Internet"
    std::vector<ServerSpec> servers;
    std::vector<UserSpec> users;
    std::vector<LinkSpec> links;
    std::vector<MxSpec> mx;
    std::vector<AddressRecordSpec> addressRecords; // beyond the automatic one per host
    std::vector<SendSpec> sends;
    std::vector<ReadSpec> reads;
    std::vector<FaultSpec> faults;
    RealClientsSpec realClients;
};

} // namespace mailsim::world
