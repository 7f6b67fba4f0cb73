// The client and the server engine talking to each other in memory: whatever one side
// writes is what the other reads. These tests check that the two halves of SMTP agree,
// above all that the content the server stores is byte for byte what the client was given.
#include "protocol/smtp/smtp_client_session.h"
#include "protocol/smtp/smtp_server_session.h"
#include "support/protocol/session_pair.h"

#include <gtest/gtest.h>

#include <set>

using mailsim::smtp::ClientConfig;
using mailsim::smtp::ClientInfo;
using mailsim::smtp::ClientState;
using mailsim::smtp::Envelope;
using mailsim::smtp::Path;
using mailsim::smtp::RecipientOutcome;
using mailsim::smtp::Reply;
using mailsim::smtp::ServerConfig;
using mailsim::smtp::ServerPolicy;
using mailsim::smtp::ServerState;
using mailsim::smtp::SmtpClientSession;
using mailsim::smtp::SmtpServerSession;
using mailsim::smtp::Submission;
using Status = RecipientOutcome::Status;

namespace {

// A server policy of the simplest kind: any sender, a fixed set of local users, and every
// accepted message kept in memory.
class LocalUsersPolicy : public ServerPolicy
{
public:
    struct Stored
    {
        Envelope envelope;
        QByteArray content;
    };

    explicit LocalUsersPolicy(std::set<QByteArray> users) : m_users(std::move(users)) {}

    Reply checkSender(const ClientInfo &, const Envelope &, const Path &) override
    {
        return Reply{250, "2.1.0 Ok"};
    }
    Reply checkRecipient(const ClientInfo &, const Envelope &, const Path &path) override
    {
        if (m_users.count(path.address().toLower()) != 0)
            return Reply{250, "2.1.5 Ok"};
        return Reply{550, "5.1.1 <" + path.address() + ">: Recipient address rejected"};
    }
    Reply acceptMessage(const ClientInfo &, const Envelope &envelope,
                        const QByteArray &content) override
    {
        stored.push_back(Stored{envelope, content});
        return Reply{250, "2.0.0 Ok: queued as Q" + QByteArray::number(stored.size())};
    }

    std::vector<Stored> stored;

private:
    std::set<QByteArray> m_users;
};

Path mailbox(const char *address)
{
    const QByteArray a(address);
    const qsizetype at = a.lastIndexOf('@');
    return Path{a.left(at), a.mid(at + 1)};
}

const QByteArray kTrickyContent = "From: alice@example.org\r\n"
                                  "To: bob@example.net\r\n"
                                  "Subject: dots\r\n"
                                  "\r\n"
                                  ".a line starting with a dot\r\n"
                                  ".\r\n"
                                  "..\r\n"
                                  "...three\r\n"
                                  " .\r\n"
                                  "\r\n"
                                  ".\r\n"
                                  "the end\r\n";

// One client, one server, one policy, and the pump between them.
struct Exchange
{
    Exchange(Submission submission, ServerConfig serverConfig = {}, qsizetype chunkSize = 0,
             ClientConfig clientConfig = {})
        : policy({"bob@example.net", "carol@example.net", "dave@example.net"}),
          server(std::move(serverConfig), policy, ClientInfo{"client.example.org", "192.0.2.10"}),
          client(std::move(clientConfig), std::move(submission)), pair(client, server, chunkSize)
    {
    }

    // Runs the whole dialogue; fails the test if it does not come to rest.
    void run()
    {
        ASSERT_TRUE(pair.start(server.open())) << pair.transcript();
        ASSERT_TRUE(client.finished()) << pair.transcript();
    }

    Status status(std::size_t i) const { return client.result().recipients.at(i).status; }
    int code(std::size_t i) const { return client.result().recipients.at(i).reply.code; }

    LocalUsersPolicy policy;
    SmtpServerSession server;
    SmtpClientSession client;
    mailsim::test_support::SessionPair<SmtpClientSession, SmtpServerSession> pair;
};

Submission submission(std::vector<Path> recipients, QByteArray content = kTrickyContent)
{
    Submission s;
    s.reversePath = mailbox("alice@example.org");
    s.recipients = std::move(recipients);
    s.content = std::move(content);
    return s;
}

} // namespace

TEST(SmtpSessionPair, DeliversToSeveralRecipientsByteExact)
{
    Exchange x(submission(
        {mailbox("bob@example.net"), mailbox("carol@example.net"), mailbox("dave@example.net")}));
    x.run();

    EXPECT_EQ(x.status(0), Status::Delivered) << x.pair.transcript();
    EXPECT_EQ(x.status(1), Status::Delivered);
    EXPECT_EQ(x.status(2), Status::Delivered);
    EXPECT_EQ(x.code(0), 250);
    EXPECT_EQ(x.client.result().error, "");
    EXPECT_EQ(x.server.state(), ServerState::Closed);
    EXPECT_TRUE(x.pair.clientClosed());
    EXPECT_TRUE(x.pair.serverClosed());

    ASSERT_EQ(x.policy.stored.size(), 1u);
    const LocalUsersPolicy::Stored &m = x.policy.stored[0];
    EXPECT_EQ(m.content, kTrickyContent);
    EXPECT_EQ(m.envelope.reversePath, mailbox("alice@example.org"));
    EXPECT_EQ(m.envelope.forwardPaths,
              (std::vector<Path>{mailbox("bob@example.net"), mailbox("carol@example.net"),
                                 mailbox("dave@example.net")}));
    EXPECT_TRUE(m.envelope.esmtp);
    EXPECT_EQ(m.envelope.helo, "client.example.org");
    EXPECT_EQ(m.envelope.declaredSize, kTrickyContent.size());
    EXPECT_FALSE(m.envelope.eightBitMime);
}

TEST(SmtpSessionPair, ClientLearnsTheServerExtensions)
{
    ServerConfig config;
    config.maxMessageSize = 12345;
    Exchange x(submission({mailbox("bob@example.net")}), config);
    x.run();
    EXPECT_TRUE(x.client.extensions().esmtp);
    EXPECT_EQ(x.client.extensions().size, 12345);
    EXPECT_TRUE(x.client.extensions().eightBitMime);
    EXPECT_TRUE(x.client.extensions().pipelining);
}

TEST(SmtpSessionPair, EightBitContentTravelsWithBody8BitMime)
{
    const QByteArray content = "Subject: gr\xc3\xbc\xc3\x9f"
                               "e\r\n\r\n.caf\xc3\xa9\r\n";
    Exchange x(submission({mailbox("bob@example.net")}, content));
    x.run();
    ASSERT_EQ(x.policy.stored.size(), 1u) << x.pair.transcript();
    EXPECT_EQ(x.policy.stored[0].content, content);
    EXPECT_TRUE(x.policy.stored[0].envelope.eightBitMime);
}

TEST(SmtpSessionPair, ContentWithoutFinalLineEndIsStoredWithOne)
{
    Exchange x(submission({mailbox("bob@example.net")}, "Subject: x\r\n\r\n.no end"));
    x.run();
    ASSERT_EQ(x.policy.stored.size(), 1u) << x.pair.transcript();
    EXPECT_EQ(x.policy.stored[0].content, "Subject: x\r\n\r\n.no end\r\n");
}

TEST(SmtpSessionPair, EmptyContentIsDelivered)
{
    Exchange x(submission({mailbox("bob@example.net")}, ""));
    x.run();
    ASSERT_EQ(x.policy.stored.size(), 1u) << x.pair.transcript();
    EXPECT_EQ(x.policy.stored[0].content, "");
    EXPECT_EQ(x.status(0), Status::Delivered);
}

TEST(SmtpSessionPair, UnknownRecipientIsRefusedTheOtherDelivered)
{
    Exchange x(submission({mailbox("nobody@example.net"), mailbox("bob@example.net")}));
    x.run();

    EXPECT_EQ(x.status(0), Status::PermanentFailure) << x.pair.transcript();
    EXPECT_EQ(x.code(0), 550);
    EXPECT_EQ(x.status(1), Status::Delivered);
    EXPECT_EQ(x.client.result().error, "");
    ASSERT_EQ(x.policy.stored.size(), 1u);
    EXPECT_EQ(x.policy.stored[0].envelope.forwardPaths,
              std::vector<Path>{mailbox("bob@example.net")});
    EXPECT_EQ(x.policy.stored[0].content, kTrickyContent);
}

TEST(SmtpSessionPair, OnlyUnknownRecipientsMeansNoData)
{
    Exchange x(submission({mailbox("nobody@example.net"), mailbox("none@example.net")}));
    x.run();
    EXPECT_EQ(x.status(0), Status::PermanentFailure);
    EXPECT_EQ(x.status(1), Status::PermanentFailure);
    EXPECT_TRUE(x.policy.stored.empty());
    EXPECT_FALSE(x.pair.sentBy(true).contains("DATA\r\n")) << x.pair.transcript();
}

TEST(SmtpSessionPair, MessageOverTheServerSizeLimitIsNotSent)
{
    ServerConfig config;
    config.maxMessageSize = 100;
    const QByteArray big = "Subject: big\r\n\r\n" + QByteArray("0123456789\r\n").repeated(20);
    Exchange x(submission({mailbox("bob@example.net"), mailbox("carol@example.net")}, big), config);
    x.run();

    EXPECT_EQ(x.status(0), Status::PermanentFailure) << x.pair.transcript();
    EXPECT_EQ(x.status(1), Status::PermanentFailure);
    EXPECT_EQ(x.code(0), 552);
    EXPECT_FALSE(x.client.result().error.isEmpty());
    EXPECT_TRUE(x.policy.stored.empty());
    EXPECT_FALSE(x.pair.sentBy(true).contains("MAIL FROM")) << x.pair.transcript();
    EXPECT_EQ(x.server.state(), ServerState::Closed);
}

TEST(SmtpSessionPair, RecipientsOverTheServerLimitGet452)
{
    ServerConfig config;
    config.maxRecipients = 2;
    Exchange x(submission({mailbox("bob@example.net"), mailbox("carol@example.net"),
                           mailbox("dave@example.net")}),
               config);
    x.run();

    EXPECT_EQ(x.status(0), Status::Delivered) << x.pair.transcript();
    EXPECT_EQ(x.status(1), Status::Delivered);
    EXPECT_EQ(x.status(2), Status::TransientFailure);
    EXPECT_EQ(x.code(2), 452);
    ASSERT_EQ(x.policy.stored.size(), 1u);
    EXPECT_EQ(x.policy.stored[0].envelope.forwardPaths.size(), 2u);
}

TEST(SmtpSessionPair, ServerWithout8BitMimeStillGetsTheMessage)
{
    ServerConfig config;
    config.announce8BitMime = false;
    const QByteArray content = "Subject: caf\xc3\xa9\r\n\r\nbody\r\n";
    Exchange x(submission({mailbox("bob@example.net")}, content), config);
    x.run();
    EXPECT_FALSE(x.pair.sentBy(true).contains("BODY=")) << x.pair.transcript();
    ASSERT_EQ(x.policy.stored.size(), 1u);
    EXPECT_EQ(x.policy.stored[0].content, content);
    EXPECT_FALSE(x.policy.stored[0].envelope.eightBitMime);
}

namespace {

// What a whole exchange came to, for comparing runs with different chunking.
struct Outcome
{
    std::vector<Status> statuses;
    std::vector<int> codes;
    QByteArray error;
    QByteArray clientWire;
    QByteArray serverWire;
    std::vector<QByteArray> stored;
};

Outcome runWithChunks(qsizetype chunkSize, std::vector<Path> recipients, ServerConfig config)
{
    Exchange x(submission(std::move(recipients)), std::move(config), chunkSize);
    x.run();
    Outcome o;
    for (const RecipientOutcome &r : x.client.result().recipients) {
        o.statuses.push_back(r.status);
        o.codes.push_back(r.reply.code);
    }
    o.error = x.client.result().error;
    o.clientWire = x.pair.sentBy(true);
    o.serverWire = x.pair.sentBy(false);
    for (const LocalUsersPolicy::Stored &m : x.policy.stored)
        o.stored.push_back(m.content);
    return o;
}

} // namespace

TEST(SmtpSessionPair, OneByteChunksGiveTheSameOutcome)
{
    ServerConfig config;
    config.maxRecipients = 2; // counts accepted recipients, so the refused one does not count
    const std::vector<Path> recipients{mailbox("bob@example.net"), mailbox("nobody@example.net"),
                                       mailbox("carol@example.net"), mailbox("dave@example.net")};
    const Outcome whole = runWithChunks(0, recipients, config);
    ASSERT_EQ(whole.statuses, (std::vector<Status>{Status::Delivered, Status::PermanentFailure,
                                                   Status::Delivered, Status::TransientFailure}));
    ASSERT_EQ(whole.stored, std::vector<QByteArray>{kTrickyContent});

    for (const qsizetype chunk : {1, 2, 3, 7}) {
        const Outcome split = runWithChunks(chunk, recipients, config);
        EXPECT_EQ(split.statuses, whole.statuses) << "chunk " << chunk;
        EXPECT_EQ(split.codes, whole.codes) << "chunk " << chunk;
        EXPECT_EQ(split.error, whole.error) << "chunk " << chunk;
        EXPECT_EQ(split.clientWire, whole.clientWire) << "chunk " << chunk;
        EXPECT_EQ(split.serverWire, whole.serverWire) << "chunk " << chunk;
        EXPECT_EQ(split.stored, whole.stored) << "chunk " << chunk;
    }
}

TEST(SmtpSessionPair, ServerGoingDownAfterItsGreetingLeavesRecipientsTransient)
{
    Exchange x(submission({mailbox("bob@example.net")}));
    mailsim::protocol::EngineOutput opening = x.server.open();
    opening.append(x.server.shutdown()); // 220, then at once 421 and close
    ASSERT_TRUE(x.pair.start(std::move(opening))) << x.pair.transcript();
    EXPECT_TRUE(x.client.finished());
    EXPECT_EQ(x.status(0), Status::TransientFailure) << x.pair.transcript();
    EXPECT_EQ(x.code(0), 421);
    EXPECT_TRUE(x.policy.stored.empty());
}

// --- the client's deliberate mistake, answered by the real server ----------------------

namespace {

using Mistake = ClientConfig::Mistake;

struct MistakeRun
{
    std::string transcript;
    int mistakeCode = 0;
    std::vector<Status> statuses;
    QByteArray error;
    std::vector<QByteArray> stored;
    bool mistakeAnsweredAlone = false; // see runMistake()
};

MistakeRun runMistake(Mistake mistake, qsizetype chunkSize = 0, bool pipelining = true)
{
    ClientConfig clientConfig;
    clientConfig.mistake = mistake;
    ServerConfig serverConfig;
    serverConfig.hostname = "mail.example.net";
    serverConfig.announcePipelining = pipelining;
    Exchange x(submission({mailbox("bob@example.net")}, "Subject: hi\r\n\r\nHello\r\n"),
               std::move(serverConfig), chunkSize, std::move(clientConfig));
    x.run();
    MistakeRun r;
    r.transcript = x.pair.transcript();
    r.mistakeCode = x.client.result().mistakeReply.code;
    for (const RecipientOutcome &o : x.client.result().recipients)
        r.statuses.push_back(o.status);
    r.error = x.client.result().error;
    for (const LocalUsersPolicy::Stored &m : x.policy.stored)
        r.stored.push_back(m.content);
    // Sent alone: the unit right after the mistake in the log is the server's 5xx to it,
    // not another command of the client's.
    const auto &log = x.pair.log();
    for (std::size_t i = 0; i + 1 < log.size(); ++i) {
        const QByteArray &bytes = log[i].transmission.bytes;
        const bool wrong = bytes.startsWith("MIAL ") || bytes.startsWith("RCPT ");
        if (log[i].fromClient && wrong) { // the first RCPT TO is the mistake's
            r.mistakeAnsweredAlone = !log[i + 1].fromClient && log[i + 1].transmission.code >= 500;
            break;
        }
    }
    return r;
}

std::string expectedTranscript(const char *mistakeLine, const char *replyLine, bool pipelining)
{
    std::string t = "S: 220 mail.example.net ESMTP MailSim ready\n"
                    "C: EHLO client.example.org\n"
                    "S: 250-mail.example.net Hello\n"
                    "S: 250-SIZE 10485760\n"
                    "S: 250-8BITMIME\n";
    if (pipelining)
        t += "S: 250-PIPELINING\n";
    t += "S: 250 HELP\n";
    t += std::string("C: ") + mistakeLine + "\nS: " + replyLine + "\n";
    t += "C: MAIL FROM:<alice@example.org> SIZE=22\n"
         "S: 250 2.1.0 Ok\n"
         "C: RCPT TO:<bob@example.net>\n"
         "S: 250 2.1.5 Ok\n"
         "C: DATA\n"
         "S: 354 End data with <CR><LF>.<CR><LF>\n"
         "C: Subject: hi\n"
         "C: \n" // the empty line between header and body
         "C: Hello\n"
         "C: .\n"
         "S: 250 2.0.0 Ok: queued as Q1\n"
         "C: QUIT\n"
         "S: 221 mail.example.net Service closing transmission channel\n";
    return t;
}

} // namespace

TEST(SmtpSessionPair, TypoGets500AndTheMessageIsStillAccepted)
{
    const MistakeRun r = runMistake(Mistake::Typo);
    EXPECT_EQ(r.transcript, expectedTranscript("MIAL FROM:<alice@example.org>",
                                               "500 Syntax error, command unrecognized", true));
    EXPECT_EQ(r.mistakeCode, 500);
    EXPECT_TRUE(r.mistakeAnsweredAlone);
    EXPECT_EQ(r.statuses, std::vector<Status>{Status::Delivered});
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.stored, std::vector<QByteArray>{"Subject: hi\r\n\r\nHello\r\n"});
}

TEST(SmtpSessionPair, OutOfOrderGets503AndTheMessageIsStillAccepted)
{
    const MistakeRun r = runMistake(Mistake::OutOfOrder);
    EXPECT_EQ(r.transcript,
              expectedTranscript("RCPT TO:<bob@example.net>",
                                 "503 Bad sequence of commands: need MAIL command", true));
    EXPECT_EQ(r.mistakeCode, 503);
    EXPECT_TRUE(r.mistakeAnsweredAlone);
    EXPECT_EQ(r.statuses, std::vector<Status>{Status::Delivered});
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.stored, std::vector<QByteArray>{"Subject: hi\r\n\r\nHello\r\n"});
}

TEST(SmtpSessionPair, MistakeDialogueIsTheSameAtEveryChunkSize)
{
    for (const Mistake mistake : {Mistake::Typo, Mistake::OutOfOrder}) {
        const MistakeRun whole = runMistake(mistake);
        for (const qsizetype chunk : {1, 2, 3, 5, 7, 13, 64}) {
            const MistakeRun split = runMistake(mistake, chunk);
            EXPECT_EQ(split.transcript, whole.transcript) << "chunk " << chunk;
            EXPECT_EQ(split.mistakeCode, whole.mistakeCode) << "chunk " << chunk;
            EXPECT_EQ(split.statuses, whole.statuses) << "chunk " << chunk;
            EXPECT_EQ(split.stored, whole.stored) << "chunk " << chunk;
        }
    }
}

TEST(SmtpSessionPair, MistakeIsTheSameWithoutPipelining)
{
    // The mistake is never pipelined, so a server that does not announce PIPELINING sees
    // the same dialogue; only its EHLO reply is one line shorter.
    const MistakeRun typo = runMistake(Mistake::Typo, 0, false);
    EXPECT_EQ(typo.transcript, expectedTranscript("MIAL FROM:<alice@example.org>",
                                                  "500 Syntax error, command unrecognized", false));
    EXPECT_TRUE(typo.mistakeAnsweredAlone);
    EXPECT_EQ(typo.statuses, std::vector<Status>{Status::Delivered});

    const MistakeRun order = runMistake(Mistake::OutOfOrder, 0, false);
    EXPECT_EQ(order.transcript,
              expectedTranscript("RCPT TO:<bob@example.net>",
                                 "503 Bad sequence of commands: need MAIL command", false));
    EXPECT_TRUE(order.mistakeAnsweredAlone);
    EXPECT_EQ(order.statuses, std::vector<Status>{Status::Delivered});
}
