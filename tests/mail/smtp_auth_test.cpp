// SMTP AUTH at the mail server: a real submission over the virtual network, from a machine
// the server does not trust (a laptop in a café). Logged in as a user of the server, it may
// relay; not logged in, or with a wrong password, it may not; mail for the server's own
// users needs no login. Port 25 offers no AUTH at all. The client is a script of lines that
// sends the next one after each complete reply, traced as a user agent's would be.
#include "mail/mail_server.h"
#include "mail/wire_tap.h"
#include "scenario/built_in.h"
#include "trace/explainer.h"
#include "world/world.h"

#include <gtest/gtest.h>

#include <memory>

using namespace mailsim;
using trace::EventKind;

namespace {

constexpr quint16 kSmtp = 25;
constexpr quint16 kSubmission = 587;

// What the scripted client saw: each complete reply, and whether the server hung up.
struct ClientLog
{
    std::vector<smtp::Reply> replies;
    bool closed = false;

    [[nodiscard]] std::vector<int> codes() const
    {
        std::vector<int> result;
        for (const smtp::Reply &r : replies)
            result.push_back(r.code);
        return result;
    }
};

// Sends its lines one at a time, each after the reply to the one before (the first after
// the greeting), and records the replies. A line with CR LF inside is a message: it goes
// only after a 354, and is skipped otherwise, as a real client would not send it.
class ScriptedClient : public net::StreamHandler
{
public:
    ScriptedClient(trace::TraceLog &log, std::vector<QByteArray> lines, std::shared_ptr<ClientLog> seen)
        : m_log(log), m_lines(std::move(lines)), m_seen(std::move(seen))
    {
    }

    void onData(const QByteArray &bytes) override
    {
        m_buffer += bytes;
        for (qsizetype end = m_buffer.indexOf("\r\n"); end >= 0; end = m_buffer.indexOf("\r\n")) {
            const QByteArray line = m_buffer.left(end);
            m_buffer.remove(0, end + 2);
            m_text += (m_text.isEmpty() ? "" : "\n") + line.mid(4);
            if (line.size() > 3 && line[3] == '-')
                continue; // a multi-line reply goes on
            m_seen->replies.push_back({line.left(3).toInt(), m_text});
            m_text.clear();
            sendNext();
        }
    }
    void onPeerClosed() override
    {
        m_seen->closed = true;
        protocol::EngineOutput bye;
        bye.close = true;
        mail::transmitSmtp(*this, m_log, bye);
    }

private:
    void sendNext()
    {
        const bool mayStartData = !m_seen->replies.empty() && m_seen->replies.back().code == 354;
        while (m_next < m_lines.size() && m_lines[m_next].contains("\r\n") && !mayStartData)
            ++m_next;
        if (m_next >= m_lines.size())
            return;
        protocol::EngineOutput out;
        out.sent.push_back({protocol::Transmission::Kind::Command, m_lines[m_next++] + "\r\n", 0});
        mail::transmitSmtp(*this, m_log, out);
    }

    trace::TraceLog &m_log;
    std::vector<QByteArray> m_lines;
    std::size_t m_next = 0;
    std::shared_ptr<ClientLog> m_seen;
    QByteArray m_buffer;
    QByteArray m_text;
};

mail::MailServerSettings exampleOrg()
{
    mail::MailServerSettings settings;
    settings.domain = "example.org";
    settings.hostname = "mail.example.org";
    return settings;
}

struct SubmissionFromAStranger : ::testing::Test
{
    core::Simulation sim;
    trace::TraceLog log;
    net::VirtualNetwork network{sim, log};
    net::HostId dnsHost = network.addHost("dns.example", "198.51.100.53", trace::ActorRole::DnsServer, "DNS server");
    net::HostId serverHost =
        network.addHost("mail.example.org", "192.0.2.25", trace::ActorRole::MailServer, "Alice's mail server");
    net::HostId alicePc =
        network.addHost("alice-pc.example.org", "192.0.2.10", trace::ActorRole::UserAgent, "Alice's user agent");
    net::HostId laptop =
        network.addHost("laptop.cafe.example", "198.51.100.7", trace::ActorRole::UserAgent, "A laptop in a café");
    net::Dns dns{network, dnsHost};
    core::Rng rng{7};
    mail::MailContext context{sim, network, dns, log, rng, QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC),
                              nullptr, -1, {}};
    std::unique_ptr<mail::MailServer> server;

    void SetUp() override { build(exampleOrg()); }

    void build(const mail::MailServerSettings &settings)
    {
        for (net::HostId h : {dnsHost, alicePc, laptop})
            network.addLink(h, serverHost, core::milliseconds(2));
        server = std::make_unique<mail::MailServer>(context, settings, serverHost);
        server->addUser("alice", "wonderland");
        server->trustClient("192.0.2.10");
        server->start();
    }

    // Connects from `from` to `port`, plays the lines, and runs until the server has closed.
    ClientLog session(net::HostId from, quint16 port, std::vector<QByteArray> lines)
    {
        auto seen = std::make_shared<ClientLog>();
        network.connect(from, serverHost, port, std::make_unique<ScriptedClient>(log, std::move(lines), seen), 2);
        sim.runUntil([&] { return seen->closed; });
        EXPECT_TRUE(seen->closed) << "the session did not end";
        return *seen;
    }

    // A whole submission to `to`, after the lines `login` (empty: none).
    ClientLog submit(net::HostId from, const char *to, std::vector<QByteArray> login, quint16 port = kSubmission)
    {
        std::vector<QByteArray> lines{"EHLO laptop.cafe.example"};
        lines.insert(lines.end(), login.begin(), login.end());
        for (const char *line : {"MAIL FROM:<alice@example.org>", "RCPT TO:<>", "DATA",
                                 "From: alice@example.org\r\nSubject: from the cafe\r\n\r\nHello.\r\n.", "QUIT"})
            lines.push_back(line);
        lines[lines.size() - 4] = "RCPT TO:<" + QByteArray(to) + '>';
        return session(from, port, std::move(lines));
    }
};

// base64 of "\0alice\0wonderland" and of "\0alice\0wrong".
const QByteArray kAlicePlain = "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=";
const QByteArray kAliceWrongPlain = "AUTH PLAIN AGFsaWNlAHdyb25n";

} // namespace

TEST_F(SubmissionFromAStranger, LoggedInAsALocalUserItMayRelay)
{
    const ClientLog seen = submit(laptop, "carol@example.net", {kAlicePlain});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 235, 250, 250, 354, 250, 221}));
    EXPECT_TRUE(seen.replies.at(1).text.contains("\nAUTH PLAIN LOGIN\n")) << "the submission port offers AUTH";

    ASSERT_EQ(server->queue().size(), 1u) << "accepted for relaying to example.net";
    const auto &queued = server->queue().entries().front();
    EXPECT_EQ(queued.recipients.front().address(), "carol@example.net");
    EXPECT_TRUE(queued.content.contains("with ESMTPA id")) << "the Received field says who logged in";
    EXPECT_TRUE(queued.content.contains("\r\nMessage-ID: <")) << "completed as a submission";
}

TEST_F(SubmissionFromAStranger, NotLoggedInItIsRefusedRelayAsBefore)
{
    const ClientLog seen = submit(laptop, "carol@example.net", {});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 250, 550, 554, 221}));
    EXPECT_TRUE(seen.replies.at(3).text.endsWith("relay access denied"));
    EXPECT_TRUE(server->queue().empty());
}

TEST_F(SubmissionFromAStranger, AWrongPasswordIs535AndDoesNotLetItRelay)
{
    const ClientLog seen = submit(laptop, "carol@example.net", {kAliceWrongPlain});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 535, 250, 550, 554, 221}));
    EXPECT_TRUE(seen.replies.at(4).text.endsWith("relay access denied"));
    EXPECT_TRUE(server->queue().empty());
}

TEST_F(SubmissionFromAStranger, MailForALocalUserNeedsNoLogin)
{
    const ClientLog seen = submit(laptop, "alice@example.org", {});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 250, 250, 354, 250, 221}));
    ASSERT_EQ(server->mailbox("alice")->size(), 1u);
    EXPECT_TRUE(server->mailbox("alice")->messages().front().content.contains("with ESMTP id"));
    EXPECT_TRUE(server->queue().empty());
}

TEST_F(SubmissionFromAStranger, TheTrustedMachineStillRelaysWithoutALogin)
{
    const ClientLog seen = submit(alicePc, "carol@example.net", {});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 250, 250, 354, 250, 221}));
    EXPECT_EQ(server->queue().size(), 1u);
}

TEST_F(SubmissionFromAStranger, LoginTakesTheFullAddressInAnyCaseAndLoginMechanism)
{
    // AUTH LOGIN, "ALICE@example.org" and "wonderland", each in base64.
    const ClientLog seen =
        submit(laptop, "carol@example.net", {"AUTH LOGIN", "QUxJQ0VAZXhhbXBsZS5vcmc=", "d29uZGVybGFuZA=="});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 334, 334, 235, 250, 250, 354, 250, 221}));
    EXPECT_EQ(server->queue().size(), 1u);
}

TEST_F(SubmissionFromAStranger, PortTwentyFiveOffersNoAuth)
{
    const ClientLog seen = session(laptop, kSmtp, {"EHLO laptop.cafe.example", kAlicePlain, "QUIT"});
    EXPECT_EQ(seen.codes(), (std::vector<int>{220, 250, 502, 221}));
    EXPECT_FALSE(seen.replies.at(1).text.contains("AUTH"));
}

TEST_F(SubmissionFromAStranger, TheTraceExplainsTheLoginInPlainWords)
{
    submit(laptop, "carol@example.net", {"AUTH LOGIN", "YWxpY2U=", "d29uZGVybGFuZA=="});
    std::vector<std::size_t> commands;
    std::vector<std::size_t> replies;
    for (std::size_t i = 0; i < log.size(); ++i) {
        if (log.at(i).kind == EventKind::SmtpCommand)
            commands.push_back(i);
        if (log.at(i).kind == EventKind::SmtpReply)
            replies.push_back(i);
    }
    ASSERT_GE(commands.size(), 4u);
    ASSERT_GE(replies.size(), 5u);
    const QString auth = trace::explain(log, commands[1]);
    EXPECT_TRUE(auth.contains(QStringLiteral("LOGIN"))) << auth.toStdString();
    // The answers to 334 are the user name and the password, and the explanation says so.
    const QString name = trace::explain(log, commands[2]);
    EXPECT_TRUE(name.contains(QStringLiteral("\"alice\""))) << name.toStdString();
    const QString password = trace::explain(log, commands[3]);
    EXPECT_TRUE(password.contains(QStringLiteral("\"wonderland\""))) << password.toStdString();
    EXPECT_TRUE(password.contains(QStringLiteral("not encryption"))) << password.toStdString();
    const QString ask = trace::explain(log, replies[2]);
    EXPECT_TRUE(ask.contains(QStringLiteral("Username:"))) << ask.toStdString();
    EXPECT_EQ(log.at(replies[4]).code, 235);
    EXPECT_TRUE(trace::explain(log, replies[4]).contains(QStringLiteral("relay")));
}

TEST_F(SubmissionFromAStranger, TooManyWrongPasswordsEndTheSession)
{
    std::vector<QByteArray> lines{"EHLO laptop.cafe.example"};
    for (int i = 0; i < 12; ++i)
        lines.push_back(kAliceWrongPlain);
    const ClientLog seen = session(laptop, kSubmission, lines);
    std::vector<int> expected{220, 250};
    expected.insert(expected.end(), 10, 535);
    expected.push_back(421);
    EXPECT_EQ(seen.codes(), expected);
    EXPECT_TRUE(seen.replies.back().text.contains("Too many errors"));
    // The explainer tells this 421 from the one of a server going down.
    std::size_t farewell = 0;
    for (std::size_t i = 0; i < log.size(); ++i) {
        if (log.at(i).kind == EventKind::SmtpReply && log.at(i).code == 421)
            farewell = i;
    }
    ASSERT_NE(farewell, 0u);
    EXPECT_TRUE(trace::explain(log, farewell).contains(QStringLiteral("too many mistakes")))
        << trace::explain(log, farewell).toStdString();
}

TEST(SmtpAuthPolicy, RelayForLoggedInUsersOnlyWhereTheRelaySettingAllowsRelayAtAll)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.sends.clear();
    spec.reads.clear();
    const smtp::ClientInfo stranger{"laptop.cafe.example", "198.51.100.7"};
    const smtp::Path carol = *smtp::Path::fromAddress("carol@example.net");
    smtp::Envelope loggedIn;
    loggedIn.authenticatedUser = "alice";
    smtp::Envelope unknownUser; // cannot come from an AUTH here, but the policy checks anyway
    unknownUser.authenticatedUser = "mallory";

    world::World w(spec);
    mail::MailServer *server = w.servers().front().get();
    ASSERT_EQ(server->settings().domain, "example.org");
    EXPECT_EQ(server->checkRecipient(stranger, loggedIn, carol).code, 250);
    EXPECT_EQ(server->checkRecipient(stranger, smtp::Envelope{}, carol).code, 550);
    EXPECT_EQ(server->checkRecipient(stranger, unknownUser, carol).code, 550);

    spec.servers[0].settings.relay = mail::RelayPolicy::None;
    world::World closed(spec);
    EXPECT_EQ(closed.servers().front()->checkRecipient(stranger, loggedIn, carol).code, 550)
        << "relay none: not even for its own users";
    EXPECT_EQ(closed.servers().front()->checkRecipient(stranger, loggedIn,
                                                       *smtp::Path::fromAddress("alice@example.org")).code,
              250);
}

TEST(SmtpAuthPolicy, TheSamePasswordsAsPop3AndTheLocalPartWhenTheScenarioGivesNone)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.sends.clear();
    spec.reads.clear();
    spec.users.push_back({"dave@example.org", "Dave", {}, "dave-pc.example.org", "192.0.2.11", {}, {},
                          mail::AccessRoute::Pop3Keep, {}});
    spec.links.push_back({"dave-pc.example.org", "mail.example.org", core::milliseconds(1)});
    world::World w(spec);
    ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
    mail::MailServer *server = w.servers().front().get();
    const smtp::ClientInfo anyone{"laptop.cafe.example", "198.51.100.7"};
    EXPECT_TRUE(server->authenticate(anyone, "alice", "wonderland"));
    EXPECT_TRUE(server->authenticate(anyone, "Alice@Example.org", "wonderland"));
    EXPECT_FALSE(server->authenticate(anyone, "alice", "Wonderland")) << "passwords are exact";
    EXPECT_FALSE(server->authenticate(anyone, "alice@example.net", "wonderland")) << "another domain";
    EXPECT_TRUE(server->authenticate(anyone, "dave", "dave")) << "no password given: the local part";
    EXPECT_FALSE(server->authenticate(anyone, "dave", ""));
    EXPECT_FALSE(server->authenticate(anyone, "postmaster", "")) << "an empty password never logs in";
    EXPECT_FALSE(server->authenticate(anyone, "nobody", "nobody"));
    // The POP3 engine checks the same store the same way.
    EXPECT_NE(server->store().authenticate("dave", "dave"), nullptr);
}
