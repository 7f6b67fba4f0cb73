// The SMTP server engine, one command and one reply code at a time, then whole sessions.
// The policy is a recorder, so each test can say exactly what the mail server would have
// been asked: a wrong envelope is as much a bug as a wrong reply.
#include "protocol/smtp/smtp_reply_catalog.h"
#include "protocol/smtp/smtp_server_session.h"
#include "support/protocol/recording_policy.h"
#include "support/protocol/server_run.h"

#include <gtest/gtest.h>

#include <optional>

using mailsim::protocol::EngineOutput;
using mailsim::protocol::Transmission;
using mailsim::smtp::ClientInfo;
using mailsim::smtp::Path;
using mailsim::smtp::Reply;
using mailsim::smtp::ServerConfig;
using mailsim::smtp::ServerState;
using mailsim::smtp::SmtpServerSession;
using mailsim::test_support::expectSameInAnyChunking;
using mailsim::test_support::RecordingPolicy;
using mailsim::test_support::ServerRun;
using mailsim::test_support::visible;
using Kind = RecordingPolicy::Call::Kind;

namespace {

const QByteArray kEhloReply = "250-mail.example.org Hello\r\n"
                              "250-SIZE 10485760\r\n"
                              "250-8BITMIME\r\n"
                              "250-PIPELINING\r\n"
                              "250 HELP\r\n";

std::vector<int> codes(const EngineOutput &out)
{
    std::vector<int> result;
    for (const Transmission &t : out.sent) {
        EXPECT_EQ(t.kind, Transmission::Kind::Reply);
        result.push_back(t.code);
    }
    return result;
}

Path mailbox(const char *local, const char *domain) { return Path{local, domain}; }

class SmtpServer : public ::testing::Test
{
protected:
    void start()
    {
        session.emplace(config, policy, ClientInfo{"client.example.org", "192.0.2.10"});
        greeting = session->open();
    }
    EngineOutput in(QByteArrayView bytes) { return session->receive(bytes); }
    QByteArray wire(QByteArrayView bytes) { return in(bytes).wire(); }
    // One command, one reply: its code.
    int code(QByteArrayView command)
    {
        const EngineOutput out = in(command);
        EXPECT_EQ(out.sent.size(), 1u) << visible(command) << " -> " << visible(out.wire());
        return out.sent.empty() ? 0 : out.sent.front().code;
    }
    void hello()
    {
        start();
        ASSERT_EQ(codes(in("EHLO client.example.org\r\n")), std::vector<int>{250});
    }
    void withSender()
    {
        hello();
        ASSERT_EQ(code("MAIL FROM:<alice@example.org>\r\n"), 250);
    }
    void withRecipient()
    {
        withSender();
        ASSERT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 250);
    }
    void inData()
    {
        withRecipient();
        ASSERT_EQ(wire("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
    }

    ServerConfig config;
    RecordingPolicy policy;
    std::optional<SmtpServerSession> session;
    EngineOutput greeting;
};

// ---- Greeting and hello -------------------------------------------------------------------

TEST_F(SmtpServer, GreetsWith220AndWaitsForHello)
{
    start();
    EXPECT_EQ(greeting.wire(), "220 mail.example.org ESMTP MailSim ready\r\n");
    EXPECT_EQ(codes(greeting), std::vector<int>{220});
    EXPECT_FALSE(greeting.close);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
    EXPECT_TRUE(session->open().empty()) << "a second open() says nothing";
}

TEST_F(SmtpServer, BytesBeforeOpenAreAnsweredAfterTheGreeting)
{
    session.emplace(config, policy);
    EXPECT_EQ(session->state(), ServerState::Connected);
    EXPECT_EQ(session->receive("NOOP\r\n").wire(),
              "220 mail.example.org ESMTP MailSim ready\r\n250 OK\r\n");
    EXPECT_TRUE(session->open().empty());
}

TEST_F(SmtpServer, EhloAnnouncesTheExtensionsInOneMultiLineReply)
{
    start();
    const EngineOutput out = in("EHLO client.example.org\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, kEhloReply);
    EXPECT_EQ(out.sent[0].code, 250);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(session->envelope().helo, "client.example.org");
    EXPECT_TRUE(session->envelope().esmtp);
}

TEST_F(SmtpServer, EhloHonoursTheConfiguration)
{
    config.hostname = "mx.example.net";
    config.maxMessageSize = 2048;
    config.announce8BitMime = false;
    config.announcePipelining = false;
    start();
    EXPECT_EQ(wire("EHLO c\r\n"), "250-mx.example.net Hello\r\n250-SIZE 2048\r\n250 HELP\r\n");
}

TEST_F(SmtpServer, HeloAnswersWithOneLineAndNoExtensions)
{
    start();
    EXPECT_EQ(wire("HELO client.example.org\r\n"), "250 mail.example.org Hello\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_FALSE(session->envelope().esmtp);
}

TEST_F(SmtpServer, HelloWithoutAnArgumentIs501)
{
    start();
    EXPECT_EQ(wire("EHLO\r\n"), "501 Syntax: EHLO hostname (or HELO hostname)\r\n");
    EXPECT_EQ(code("HELO\r\n"), 501);
    EXPECT_EQ(code("EHLO    \r\n"), 501);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
}

TEST_F(SmtpServer, VerbsAreCaseInsensitive)
{
    start();
    EXPECT_EQ(wire("eHlO client.example.org\r\n"), kEhloReply);
    EXPECT_EQ(code("mail from:<alice@example.org>\r\n"), 250);
    EXPECT_EQ(code("Rcpt To:<bob@example.net>\r\n"), 250);
    EXPECT_EQ(code("data\r\n"), 354);
}

TEST_F(SmtpServer, ASecondEhloStartsOver)
{
    withRecipient();
    EXPECT_EQ(wire("EHLO other.example.org\r\n"), kEhloReply);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(session->envelope().helo, "other.example.org");
    EXPECT_TRUE(session->envelope().reversePath.isNull());
    EXPECT_TRUE(session->envelope().forwardPaths.empty());
    EXPECT_EQ(code("DATA\r\n"), 503) << "the transaction is gone";
    EXPECT_EQ(code("HELO again.example.org\r\n"), 250);
    EXPECT_FALSE(session->envelope().esmtp);
}

// ---- Sequence errors (503) ------------------------------------------------------------------

TEST_F(SmtpServer, MailBeforeHelloIs503)
{
    start();
    EXPECT_EQ(wire("MAIL FROM:<alice@example.org>\r\n"),
              "503 Bad sequence of commands: send EHLO or HELO first\r\n");
    EXPECT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 503);
    EXPECT_EQ(code("DATA\r\n"), 503);
    EXPECT_TRUE(policy.calls.empty());
}

TEST_F(SmtpServer, RcptBeforeMailIs503)
{
    hello();
    EXPECT_EQ(wire("RCPT TO:<bob@example.net>\r\n"),
              "503 Bad sequence of commands: need MAIL command\r\n");
    EXPECT_EQ(wire("DATA\r\n"), "503 Bad sequence of commands: need MAIL command\r\n");
    EXPECT_TRUE(policy.calls.empty());
}

TEST_F(SmtpServer, MailInsideATransactionIs503)
{
    withSender();
    EXPECT_EQ(wire("MAIL FROM:<carol@example.org>\r\n"),
              "503 Bad sequence of commands: nested MAIL command\r\n");
    ASSERT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 250);
    EXPECT_EQ(code("MAIL FROM:<carol@example.org>\r\n"), 503);
    EXPECT_EQ(session->envelope().reversePath, mailbox("alice", "example.org"));
    EXPECT_EQ(policy.count(Kind::Sender), 1u);
}

TEST_F(SmtpServer, DataWithoutAnyRcptIs503)
{
    withSender();
    EXPECT_EQ(wire("DATA\r\n"), "503 Bad sequence of commands: need RCPT command\r\n");
    EXPECT_EQ(session->state(), ServerState::Mail);
}

TEST_F(SmtpServer, DataWhenEveryRecipientWasRefusedIs554)
{
    policy.recipientReply = Reply{550, "5.1.1 No such user"};
    withSender();
    EXPECT_EQ(wire("RCPT TO:<nobody@example.net>\r\n"), "550 5.1.1 No such user\r\n");
    EXPECT_EQ(wire("DATA\r\n"), "554 No valid recipients\r\n");
    EXPECT_EQ(session->state(), ServerState::Mail);
    EXPECT_EQ(policy.count(Kind::Message), 0u);
}

// ---- MAIL FROM --------------------------------------------------------------------------

TEST_F(SmtpServer, MailAsksThePolicyWithTheCandidateEnvelope)
{
    hello();
    EXPECT_EQ(wire("MAIL FROM:<alice@example.org> SIZE=1234 BODY=8BITMIME\r\n"),
              "250 2.1.0 Ok\r\n");
    ASSERT_EQ(policy.calls.size(), 1u);
    const RecordingPolicy::Call &call = policy.calls[0];
    EXPECT_EQ(call.kind, Kind::Sender);
    EXPECT_EQ(call.path, mailbox("alice", "example.org"));
    EXPECT_EQ(call.client.hostname, "client.example.org");
    EXPECT_EQ(call.client.address, "192.0.2.10");
    EXPECT_EQ(call.envelope.helo, "client.example.org");
    EXPECT_EQ(call.envelope.reversePath, mailbox("alice", "example.org"));
    EXPECT_EQ(call.envelope.declaredSize, 1234);
    EXPECT_TRUE(call.envelope.eightBitMime);
    EXPECT_EQ(session->state(), ServerState::Mail);
    EXPECT_EQ(session->envelope().declaredSize, 1234);
}

TEST_F(SmtpServer, MailToleratesASpaceAfterTheColon)
{
    hello();
    EXPECT_EQ(code("MAIL FROM: <alice@example.org>\r\n"), 250);
    EXPECT_EQ(session->envelope().reversePath, mailbox("alice", "example.org"));
}

TEST_F(SmtpServer, MailAcceptsTheNullReversePath)
{
    hello();
    EXPECT_EQ(code("MAIL FROM:<>\r\n"), 250);
    EXPECT_TRUE(session->envelope().reversePath.isNull());
    EXPECT_EQ(code("RCPT TO:<>\r\n"), 501) << "a recipient can never be null";
}

TEST_F(SmtpServer, MalformedMailIs501AndThePolicyIsNotAsked)
{
    config.maxErrors = 0; // more mistakes than the error limit allows in one session
    const std::vector<std::pair<const char *, const char *>> cases = {
        {"MAIL\r\n", "501 Syntax: MAIL FROM:<address>\r\n"},
        {"MAIL FROM\r\n", "501 Syntax: MAIL FROM:<address>\r\n"},
        {"MAIL TO:<alice@example.org>\r\n", "501 Syntax: MAIL FROM:<address>\r\n"},
        {"MAIL FROM:alice@example.org\r\n", "501 Syntax: MAIL FROM:<address>\r\n"},
        {"MAIL FROM:<alice@example.org>SIZE=10\r\n", "501 Syntax: MAIL FROM:<address>\r\n"},
        {"MAIL FROM:<alice example@example.org>\r\n", "501 Bad address syntax\r\n"},
        {"MAIL FROM:<alice@>\r\n", "501 Bad address syntax\r\n"},
        {"MAIL FROM:<alice@example.org\r\n", "501 Bad address syntax\r\n"},
        {"MAIL FROM:<alice@example.org> SIZE=\r\n", "501 Bad parameter syntax\r\n"},
        {"MAIL FROM:<alice@example.org> SIZE=12k\r\n", "501 Bad parameter syntax\r\n"},
        {"MAIL FROM:<alice@example.org> SIZE=-1\r\n", "501 Bad parameter syntax\r\n"},
        {"MAIL FROM:<alice@example.org> SIZE=1 SIZE=2\r\n", "501 Bad parameter syntax\r\n"},
        {"MAIL FROM:<alice@example.org> BODY=7BIT BODY=7BIT\r\n", "501 Bad parameter syntax\r\n"},
        {"MAIL FROM:<alice@example.org> =x\r\n", "501 Bad parameter syntax\r\n"},
    };
    hello();
    for (const auto &[command, reply] : cases)
        EXPECT_EQ(wire(command), reply) << command;
    EXPECT_TRUE(policy.calls.empty());
    EXPECT_EQ(session->state(), ServerState::Ready);
}

TEST_F(SmtpServer, DeclaredSizeOverTheLimitIs552BeforeThePolicyIsAsked)
{
    config.maxMessageSize = 1000;
    hello();
    EXPECT_EQ(wire("MAIL FROM:<alice@example.org> SIZE=1001\r\n"),
              "552 Message size exceeds fixed maximum message size\r\n");
    EXPECT_EQ(code("MAIL FROM:<alice@example.org> SIZE=99999999999999999999999\r\n"), 552);
    EXPECT_TRUE(policy.calls.empty());
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(code("MAIL FROM:<alice@example.org> SIZE=1000\r\n"), 250);
}

TEST_F(SmtpServer, BodyParameter)
{
    hello();
    EXPECT_EQ(code("MAIL FROM:<a@example.org> BODY=7bit\r\n"), 250);
    EXPECT_FALSE(session->envelope().eightBitMime);
    EXPECT_EQ(code("RSET\r\n"), 250);
    EXPECT_EQ(code("MAIL FROM:<a@example.org> body=8bitmime\r\n"), 250);
    EXPECT_TRUE(session->envelope().eightBitMime);
    EXPECT_EQ(code("RSET\r\n"), 250);
    EXPECT_EQ(wire("MAIL FROM:<a@example.org> BODY=BINARYMIME\r\n"),
              "555 MAIL FROM/RCPT TO parameters not recognized or not implemented\r\n");
}

TEST_F(SmtpServer, Body8BitMimeIs555WhenNotAnnounced)
{
    config.announce8BitMime = false;
    hello();
    EXPECT_EQ(code("MAIL FROM:<a@example.org> BODY=8BITMIME\r\n"), 555);
    EXPECT_EQ(code("MAIL FROM:<a@example.org> BODY=7BIT\r\n"), 250);
}

TEST_F(SmtpServer, UnknownParametersAre555)
{
    hello();
    EXPECT_EQ(code("MAIL FROM:<a@example.org> RET=HDRS\r\n"), 555);
    EXPECT_EQ(code("MAIL FROM:<a@example.org> SIZE=10 AUTH=<>\r\n"), 555);
    EXPECT_EQ(code("MAIL FROM:<a@example.org>\r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<b@example.net> NOTIFY=NEVER\r\n"), 555);
    EXPECT_EQ(policy.count(Kind::Recipient), 0u);
}

TEST_F(SmtpServer, AfterHeloEveryParameterIs555)
{
    start();
    ASSERT_EQ(code("HELO client.example.org\r\n"), 250);
    EXPECT_EQ(code("MAIL FROM:<a@example.org> SIZE=10\r\n"), 555);
    EXPECT_EQ(code("MAIL FROM:<a@example.org> BODY=7BIT\r\n"), 555);
    EXPECT_TRUE(policy.calls.empty());
    EXPECT_EQ(code("MAIL FROM:<a@example.org>\r\n"), 250);
}

TEST_F(SmtpServer, ASenderRefusedByThePolicyLeavesNoTransaction)
{
    policy.senderReply = Reply{553, "5.7.1 Sender address rejected"};
    hello();
    EXPECT_EQ(wire("MAIL FROM:<spam@example.com> SIZE=10\r\n"),
              "553 5.7.1 Sender address rejected\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(session->envelope().reversePath.isNull());
    EXPECT_EQ(session->envelope().declaredSize, -1);
    policy.senderReply = Reply{250, "OK"};
    EXPECT_EQ(code("MAIL FROM:<alice@example.org>\r\n"), 250);
}

TEST_F(SmtpServer, APolicyReplyThatSmtpCannotCarryBecomes451)
{
    policy.senderReply = Reply{354, "what?"};
    hello();
    EXPECT_EQ(wire("MAIL FROM:<alice@example.org>\r\n"),
              "451 Requested action aborted: local error in processing\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    policy.senderReply = Reply{250, "OK"};
    policy.recipientReply = Reply{0, {}};
    ASSERT_EQ(code("MAIL FROM:<alice@example.org>\r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 451);
}

// ---- RCPT TO ------------------------------------------------------------------------------

TEST_F(SmtpServer, RcptCollectsAcceptedRecipientsInOrder)
{
    policy.recipientReplies["nobody@example.net"] = Reply{550, "5.1.1 <nobody@example.net>: no"};
    withSender();
    EXPECT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<Nobody@example.net>\r\n"), 550);
    EXPECT_EQ(code("RCPT TO: <carol@example.net>\r\n"), 250);
    EXPECT_EQ(session->state(), ServerState::Rcpt);
    const std::vector<Path> expected{mailbox("bob", "example.net"),
                                     mailbox("carol", "example.net")};
    EXPECT_EQ(session->envelope().forwardPaths, expected);

    // Each question came with the envelope as it stood before that recipient.
    const auto asked = policy.callsOf(Kind::Recipient);
    ASSERT_EQ(asked.size(), 3u);
    EXPECT_EQ(asked[0]->path, mailbox("bob", "example.net"));
    EXPECT_TRUE(asked[0]->envelope.forwardPaths.empty());
    EXPECT_EQ(asked[0]->envelope.reversePath, mailbox("alice", "example.org"));
    EXPECT_EQ(asked[1]->path, mailbox("Nobody", "example.net"));
    EXPECT_EQ(asked[1]->envelope.forwardPaths.size(), 1u);
    EXPECT_EQ(asked[2]->path, mailbox("carol", "example.net"));
    EXPECT_EQ(asked[2]->envelope.forwardPaths.size(), 1u);
}

TEST_F(SmtpServer, MalformedRcptIs501)
{
    withSender();
    EXPECT_EQ(wire("RCPT\r\n"), "501 Syntax: RCPT TO:<address>\r\n");
    EXPECT_EQ(wire("RCPT FROM:<b@example.net>\r\n"), "501 Syntax: RCPT TO:<address>\r\n");
    EXPECT_EQ(wire("RCPT TO:b@example.net\r\n"), "501 Syntax: RCPT TO:<address>\r\n");
    EXPECT_EQ(wire("RCPT TO:<b@example.net>x\r\n"), "501 Syntax: RCPT TO:<address>\r\n");
    EXPECT_EQ(wire("RCPT TO:<b@@example.net>\r\n"), "501 Bad address syntax\r\n");
    EXPECT_EQ(wire("RCPT TO:<b@example.net> =\r\n"), "501 Bad parameter syntax\r\n");
    EXPECT_EQ(policy.count(Kind::Recipient), 0u);
    EXPECT_EQ(session->state(), ServerState::Mail);
}

TEST_F(SmtpServer, RcptIgnoresASourceRoute)
{
    withSender();
    EXPECT_EQ(code("RCPT TO:<@relay.example.com,@hub.example.com:bob@example.net>\r\n"), 250);
    EXPECT_EQ(session->envelope().forwardPaths.at(0), mailbox("bob", "example.net"));
}

TEST_F(SmtpServer, RcptToPostmasterWithoutADomainMeansThisServer)
{
    withSender();
    EXPECT_EQ(code("RCPT TO:<Postmaster>\r\n"), 250);
    EXPECT_EQ(session->envelope().forwardPaths.at(0), mailbox("Postmaster", "mail.example.org"));
    EXPECT_EQ(code("RCPT TO:<postmaster> \r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<webmaster>\r\n"), 501);
}

TEST_F(SmtpServer, RecipientsBeyondTheLimitGet452AndThePolicyIsNotAsked)
{
    config.maxRecipients = 2;
    withSender();
    EXPECT_EQ(code("RCPT TO:<r1@example.net>\r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<r2@example.net>\r\n"), 250);
    EXPECT_EQ(wire("RCPT TO:<r3@example.net>\r\n"), "452 Too many recipients\r\n");
    EXPECT_EQ(code("RCPT TO:<r4@example.net>\r\n"), 452);
    EXPECT_EQ(policy.count(Kind::Recipient), 2u);
    EXPECT_EQ(session->envelope().forwardPaths.size(), 2u);
    // The message goes to the two accepted recipients.
    EXPECT_EQ(code("DATA\r\n"), 354);
    EXPECT_EQ(code("hi\r\n.\r\n"), 250);
    ASSERT_EQ(policy.count(Kind::Message), 1u);
    EXPECT_EQ(policy.callsOf(Kind::Message)[0]->envelope.forwardPaths.size(), 2u);
}

TEST_F(SmtpServer, RefusedRecipientsDoNotCountTowardsTheLimit)
{
    config.maxRecipients = 1;
    policy.recipientReplies["no@example.net"] = Reply{550, "no"};
    withSender();
    EXPECT_EQ(code("RCPT TO:<no@example.net>\r\n"), 550);
    EXPECT_EQ(code("RCPT TO:<yes@example.net>\r\n"), 250);
    EXPECT_EQ(code("RCPT TO:<more@example.net>\r\n"), 452);
}

// ---- DATA ---------------------------------------------------------------------------------

TEST_F(SmtpServer, DataWithAnArgumentIs501)
{
    withRecipient();
    EXPECT_EQ(wire("DATA now\r\n"), "501 Syntax error in parameters or arguments\r\n");
    EXPECT_EQ(session->state(), ServerState::Rcpt);
}

TEST_F(SmtpServer, AFullTransactionGivesThePolicyExactlyTheEnvelopeAndContent)
{
    policy.messageReply = Reply{250, "2.0.0 Ok: queued as ABC123"};
    inData();
    EXPECT_EQ(session->state(), ServerState::Data);
    const EngineOutput out = in("Subject: hi\r\n\r\nHello Bob.\r\n.\r\n");
    EXPECT_EQ(out.wire(), "250 2.0.0 Ok: queued as ABC123\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(session->envelope().forwardPaths.empty()) << "the transaction is reset";
    EXPECT_EQ(session->envelope().helo, "client.example.org") << "the greeting is kept";

    ASSERT_EQ(policy.calls.size(), 3u);
    const RecordingPolicy::Call &message = policy.calls[2];
    EXPECT_EQ(message.kind, Kind::Message);
    EXPECT_EQ(message.content, "Subject: hi\r\n\r\nHello Bob.\r\n");
    EXPECT_EQ(message.envelope.reversePath, mailbox("alice", "example.org"));
    EXPECT_EQ(message.envelope.forwardPaths, std::vector<Path>{mailbox("bob", "example.net")});
    EXPECT_EQ(message.envelope.helo, "client.example.org");
    EXPECT_TRUE(message.envelope.esmtp);

    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].kind, Transmission::Kind::Data);
    EXPECT_EQ(out.received[0].bytes, "Subject: hi\r\n\r\nHello Bob.\r\n.\r\n");

    // The next transaction on the same connection works.
    EXPECT_EQ(code("MAIL FROM:<alice@example.org>\r\n"), 250);
}

TEST_F(SmtpServer, PolicyRefusalOfTheMessageIsPassedOnAndTheTransactionEnds)
{
    policy.messageReply = Reply{554, "5.7.1 Looks like spam"};
    inData();
    EXPECT_EQ(wire("buy now\r\n.\r\n"), "554 5.7.1 Looks like spam\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
}

TEST_F(SmtpServer, DotUnstuffing)
{
    inData();
    // On the wire each leading dot is doubled; the content has one less.
    EXPECT_EQ(code("..\r\n"
                   "..leading dot\r\n"
                   "...two dots\r\n"
                   ".single dot the client forgot to double\r\n"
                   " .\r\n"
                   "a . in the middle.\r\n"
                   "\r\n"
                   ".\r\n"),
              250);
    ASSERT_EQ(policy.count(Kind::Message), 1u);
    EXPECT_EQ(policy.callsOf(Kind::Message)[0]->content,
              ".\r\n"
              ".leading dot\r\n"
              "..two dots\r\n"
              "single dot the client forgot to double\r\n"
              " .\r\n"
              "a . in the middle.\r\n"
              "\r\n");
}

TEST_F(SmtpServer, EmptyMessage)
{
    inData();
    const EngineOutput out = in(".\r\n");
    EXPECT_EQ(codes(out), std::vector<int>{250});
    EXPECT_EQ(policy.callsOf(Kind::Message).at(0)->content, "");
    EXPECT_EQ(out.received.at(0).bytes, ".\r\n");
}

TEST_F(SmtpServer, DataEndsOnlyAtCrLfDotCrLf)
{
    inData();
    // The SMTP smuggling sequences: none of them ends the message.
    EXPECT_TRUE(in("one\n.\ntwo\r\n").sent.empty());
    EXPECT_TRUE(in("three\r.\rfour\r\n").sent.empty());
    EXPECT_TRUE(in("five\r\n.\nsix\r\n").sent.empty());
    EXPECT_TRUE(in(".\r").sent.empty());
    EXPECT_TRUE(in("\r\n.\r\r\n").sent.empty());
    EXPECT_EQ(session->state(), ServerState::Data);
    EXPECT_EQ(code(".\r\n"), 250);
    EXPECT_EQ(policy.callsOf(Kind::Message).at(0)->content,
              "one\n.\ntwo\r\nthree\r.\rfour\r\nfive\r\n\nsix\r\n\r\r\n\r\r\n");
}

TEST_F(SmtpServer, CommandsAfterTheFinalDotInTheSameChunkAreCommandsAgain)
{
    inData();
    const EngineOutput out = in("Hello\r\n.\r\nMAIL FROM:<a@example.org>\r\nQUIT\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{250, 250, 221}));
    EXPECT_TRUE(out.close);
    EXPECT_EQ(policy.callsOf(Kind::Message).at(0)->content, "Hello\r\n");
    ASSERT_EQ(out.received.size(), 3u);
    EXPECT_EQ(out.received[0].kind, Transmission::Kind::Data);
    EXPECT_EQ(out.received[1].bytes, "MAIL FROM:<a@example.org>\r\n");
    EXPECT_EQ(out.received[2].bytes, "QUIT\r\n");
}

TEST_F(SmtpServer, TextLinesUpToTheLimitAreKept)
{
    inData();
    const QByteArray longest(998, 'x');                   // 998 + CR LF = 1000
    const QByteArray longestStuffed = '.' + QByteArray(998, '.'); // the added dot is not counted
    EXPECT_EQ(code(longest + "\r\n" + longestStuffed + "\r\n.\r\n"), 250);
    EXPECT_EQ(policy.callsOf(Kind::Message).at(0)->content,
              longest + "\r\n" + QByteArray(998, '.') + "\r\n");
}

TEST_F(SmtpServer, AnOverLongTextLineGets500AtTheEndOfData)
{
    inData();
    EXPECT_TRUE(in("fine\r\n" + QByteArray(999, 'x') + "\r\nstill reading\r\n").sent.empty());
    EXPECT_EQ(session->state(), ServerState::Data);
    const EngineOutput out = in(".\r\n");
    EXPECT_EQ(out.wire(), "500 Line too long\r\n");
    EXPECT_EQ(policy.count(Kind::Message), 0u);
    EXPECT_EQ(session->state(), ServerState::Ready);
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].bytes, "fine\r\nstill reading\r\n.\r\n")
        << "the line that was too long is not kept";
}

TEST_F(SmtpServer, AnOverLongTextLineInPiecesWithoutTerminator)
{
    inData();
    for (int i = 0; i < 20; ++i)
        EXPECT_TRUE(in(QByteArray(500, 'y')).sent.empty());
    EXPECT_LE(session->bytesHeld(), config.maxTextLine + 1);
    EXPECT_EQ(code("\r\n.\r\n"), 500);
    EXPECT_EQ(policy.count(Kind::Message), 0u);
}

TEST_F(SmtpServer, AMessageOverTheLimitGets552AndIsNotKept)
{
    config.maxMessageSize = 100;
    inData();
    for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(in("0123456789\r\n").sent.empty());
        EXPECT_LE(session->bytesHeld(), 250) << "bounded memory";
    }
    const EngineOutput out = in(".\r\n");
    EXPECT_EQ(out.wire(), "552 Message size exceeds fixed maximum message size\r\n");
    EXPECT_EQ(policy.count(Kind::Message), 0u);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(session->bytesHeld(), 0);
}

TEST_F(SmtpServer, AMessageOfExactlyTheLimitIsAccepted)
{
    config.maxMessageSize = 24;
    inData();
    EXPECT_EQ(code("0123456789\r\n0123456789\r\n.\r\n"), 250);
    EXPECT_EQ(policy.callsOf(Kind::Message).at(0)->content.size(), 24);
}

TEST_F(SmtpServer, SizeWinsOverLineLengthWhenBothAreExceeded)
{
    config.maxMessageSize = 10;
    inData();
    EXPECT_EQ(code(QByteArray(2000, 'z') + "\r\n0123456789\r\n.\r\n"), 552);
}

// ---- Over-long and malformed command lines ------------------------------------------------

TEST_F(SmtpServer, CommandLinesUpTo512OctetsAreRead)
{
    start();
    const QByteArray longest = "NOOP " + QByteArray(505, 'a'); // 510 + CR LF = 512
    EXPECT_EQ(code(longest + "\r\n"), 250);
    EXPECT_EQ(wire(longest + "a\r\n"), "500 Line too long\r\n");
    EXPECT_EQ(code("NOOP\r\n"), 250) << "the session goes on";
}

TEST_F(SmtpServer, AnOverLongCommandArrivingInPiecesGetsOne500)
{
    start();
    EXPECT_EQ(code(QByteArray(600, 'M')), 500);
    EXPECT_TRUE(in(QByteArray(600, 'M')).sent.empty()) << "the rest of the line is dropped";
    EXPECT_TRUE(in("MMM\r").sent.empty());
    EXPECT_EQ(code("\nNOOP\r\n"), 250);
    EXPECT_LE(session->bytesHeld(), config.maxCommandLine);
}

TEST_F(SmtpServer, UnknownAndEmptyCommandsAre500)
{
    start();
    EXPECT_EQ(wire("FOO\r\n"), "500 Syntax error, command unrecognized\r\n");
    EXPECT_EQ(code("\r\n"), 500);
    EXPECT_EQ(code("MAILFROM:<a@example.org>\r\n"), 500);
    EXPECT_EQ(code(" NOOP\r\n"), 500);
    EXPECT_EQ(code("N\xc3\x96OP\r\n"), 500);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
}

TEST_F(SmtpServer, ControlCharactersInACommandAre500)
{
    start();
    EXPECT_EQ(wire(QByteArray("NO\0OP\r\n", 7)),
              "500 Syntax error, control characters in command\r\n");
    EXPECT_EQ(code("NOOP\rQUIT\r\n"), 500);
    EXPECT_EQ(code("NOOP\t\r\n"), 500);
    EXPECT_EQ(code("NOOP \x7f\r\n"), 500);
    EXPECT_EQ(code("EHLO a\x01\r\n"), 500);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
}

TEST_F(SmtpServer, CommandsMayEndInABareLf)
{
    start();
    const EngineOutput out = in("EHLO client.example.org\nNOOP\r\n");
    EXPECT_EQ(out.wire(), kEhloReply + "250 OK\r\n");
    ASSERT_EQ(out.received.size(), 2u);
    EXPECT_EQ(out.received[0].bytes, "EHLO client.example.org\n") << "traced as it arrived";
    EXPECT_EQ(out.received[1].bytes, "NOOP\r\n");
}

TEST_F(SmtpServer, UnimplementedCommandsAre502InAnyState)
{
    config.maxErrors = 0; // more mistakes than the error limit allows in one session
    start();
    for (const char *verb : {"EXPN staff", "TURN", "ETRN example.org", "BDAT 10 LAST", "AUTH PLAIN",
                             "STARTTLS", "ATRN", "SEND FROM:<a@b>", "SOML FROM:<a@b>",
                             "SAML FROM:<a@b>", "expn x"}) {
        EXPECT_EQ(wire(QByteArray(verb) + "\r\n"), "502 Command not implemented\r\n") << verb;
    }
    withRecipient();
    EXPECT_EQ(code("EXPN staff\r\n"), 502);
    EXPECT_EQ(session->state(), ServerState::Rcpt);
}

// ---- RSET, NOOP, VRFY, HELP ---------------------------------------------------------------

TEST_F(SmtpServer, RsetClearsTheTransactionAndKeepsTheHello)
{
    withRecipient();
    EXPECT_EQ(wire("RSET\r\n"), "250 OK\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(session->envelope().reversePath.isNull());
    EXPECT_TRUE(session->envelope().forwardPaths.empty());
    EXPECT_EQ(session->envelope().helo, "client.example.org");
    EXPECT_EQ(code("RCPT TO:<bob@example.net>\r\n"), 503);
    EXPECT_EQ(code("RSET now\r\n"), 501);
}

TEST_F(SmtpServer, RsetBeforeHelloIsFineButDoesNotCountAsHello)
{
    start();
    EXPECT_EQ(code("RSET\r\n"), 250);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
    EXPECT_EQ(code("MAIL FROM:<a@example.org>\r\n"), 503);
}

TEST_F(SmtpServer, NoopVrfyAndHelpWorkInEveryCommandState)
{
    start();
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(wire("NOOP\r\n"), "250 OK\r\n");
        EXPECT_EQ(code("NOOP anything at all\r\n"), 250);
        EXPECT_EQ(wire("VRFY bob\r\n"),
                  "252 Cannot VRFY user, but will accept message and attempt delivery\r\n");
        EXPECT_EQ(code("VRFY\r\n"), 501);
        const EngineOutput help = in("HELP\r\n");
        EXPECT_EQ(codes(help), std::vector<int>{214});
        EXPECT_TRUE(help.wire().startsWith("214-")) << "a multi-line reply";
        EXPECT_EQ(code("HELP MAIL\r\n"), 214);
        if (round == 0) {
            ASSERT_EQ(code("EHLO c.example.org\r\n"), 250);
        } else if (round == 1) {
            ASSERT_EQ(code("MAIL FROM:<a@example.org>\r\n"), 250);
        }
    }
    EXPECT_EQ(session->state(), ServerState::Mail) << "none of them changed the state";
}

TEST_F(SmtpServer, HelpListsAuthOnlyWhereItIsOffered)
{
    start();
    EXPECT_FALSE(in("HELP\r\n").wire().contains(" AUTH "));
    config.offerAuth = true;
    start();
    EXPECT_TRUE(in("HELP\r\n").wire().contains("RSET AUTH NOOP")) << in("HELP\r\n").wire().toStdString();
}

// ---- Closing ------------------------------------------------------------------------------

TEST_F(SmtpServer, QuitSays221AndClosesAndThenNothingMore)
{
    withRecipient();
    const EngineOutput out = in("QUIT\r\nNOOP\r\n");
    EXPECT_EQ(out.wire(), "221 mail.example.org Service closing transmission channel\r\n");
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), ServerState::Closed);
    EXPECT_TRUE(in("NOOP\r\nQUIT\r\n").empty());
    EXPECT_TRUE(session->receiveEof().empty());
    EXPECT_TRUE(session->timeout().empty());
    EXPECT_TRUE(session->shutdown().empty());
    EXPECT_EQ(policy.count(Kind::Message), 0u);
    EXPECT_EQ(session->bytesHeld(), 0);
}

TEST_F(SmtpServer, QuitWithAnArgumentIs501)
{
    start();
    EXPECT_EQ(code("QUIT now\r\n"), 501);
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
}

TEST_F(SmtpServer, QuitBeforeHelloIsAnswered)
{
    start();
    const EngineOutput out = in("QUIT\r\n");
    EXPECT_EQ(codes(out), std::vector<int>{221});
    EXPECT_TRUE(out.close);
}

TEST_F(SmtpServer, EndOfInputInDataStoresNothing)
{
    inData();
    EXPECT_TRUE(in("Subject: half a message\r\n\r\nand then").sent.empty());
    const EngineOutput out = session->receiveEof();
    EXPECT_TRUE(out.sent.empty()) << "nobody is listening any more";
    EXPECT_TRUE(out.received.empty());
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), ServerState::Closed);
    EXPECT_EQ(policy.count(Kind::Message), 0u);
    EXPECT_EQ(session->bytesHeld(), 0);
}

TEST_F(SmtpServer, EndOfInputBetweenCommandsClosesSilently)
{
    hello();
    EXPECT_TRUE(in("NOOP").sent.empty());
    const EngineOutput out = session->receiveEof();
    EXPECT_TRUE(out.sent.empty()) << "an unfinished command is not executed";
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), ServerState::Closed);
}

TEST_F(SmtpServer, TimeoutSays421AndCloses)
{
    inData();
    EXPECT_TRUE(in("part of a message\r\n").sent.empty());
    const EngineOutput out = session->timeout();
    EXPECT_EQ(out.wire(),
              "421 mail.example.org Service not available, closing transmission channel\r\n");
    EXPECT_EQ(codes(out), std::vector<int>{421});
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), ServerState::Closed);
    EXPECT_EQ(policy.count(Kind::Message), 0u);
    EXPECT_TRUE(session->timeout().empty());
    EXPECT_TRUE(in(".\r\n").empty()) << "the end of the message is too late";
}

TEST_F(SmtpServer, ShutdownSays421InEveryState)
{
    for (int stage = 0; stage < 5; ++stage) {
        SCOPED_TRACE(stage);
        policy.calls.clear();
        switch (stage) {
        case 0: session.emplace(config, policy); break; // not even greeted yet
        case 1: start(); break;
        case 2: hello(); break;
        case 3: withRecipient(); break;
        case 4: inData(); break;
        }
        const EngineOutput out = session->shutdown();
        EXPECT_EQ(codes(out), std::vector<int>{421});
        EXPECT_TRUE(out.close);
        EXPECT_EQ(session->state(), ServerState::Closed);
        EXPECT_TRUE(session->receive("QUIT\r\n").empty());
    }
}

// ---- AUTH (RFC 4954) ----------------------------------------------------------------------

// base64 of what a client sends: "\0bob\0secret" (PLAIN), "bob", "secret", "wrong".
constexpr const char *kPlainBobSecret = "AGJvYgBzZWNyZXQ=";
constexpr const char *kBob = "Ym9i";
constexpr const char *kSecret = "c2VjcmV0";
constexpr const char *kWrong = "d3Jvbmc=";

const QByteArray kAuthSucceeded = "235 2.7.0 Authentication successful\r\n";
const QByteArray kAuthFailed = "535 5.7.8 Authentication credentials invalid\r\n";

class SmtpServerAuth : public SmtpServer
{
protected:
    void SetUp() override
    {
        config.offerAuth = true;
        policy.passwords["bob"] = "secret";
    }
    std::vector<const RecordingPolicy::Call *> logins() const { return policy.callsOf(Kind::Login); }
};

TEST_F(SmtpServer, EhloListsAuthOnlyWhenOffered)
{
    start();
    EXPECT_EQ(wire("EHLO client.example.org\r\n"), kEhloReply) << "not offered: not listed";
    config.offerAuth = true;
    start();
    const EngineOutput out = in("EHLO client.example.org\r\n");
    EXPECT_EQ(out.wire(), "250-mail.example.org Hello\r\n"
                          "250-SIZE 10485760\r\n"
                          "250-8BITMIME\r\n"
                          "250-PIPELINING\r\n"
                          "250-AUTH PLAIN LOGIN\r\n"
                          "250 HELP\r\n");
    EXPECT_EQ(wire("HELO client.example.org\r\n"), "250 mail.example.org Hello\r\n")
        << "HELO announces nothing";
}

TEST_F(SmtpServer, AuthWhenNotOfferedIs502AndItsMailParameter555)
{
    hello();
    EXPECT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"),
              "502 Command not implemented\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(wire("MAIL FROM:<alice@example.org> AUTH=<>\r\n"),
              "555 MAIL FROM/RCPT TO parameters not recognized or not implemented\r\n");
    EXPECT_TRUE(policy.calls.empty());
}

TEST_F(SmtpServerAuth, PlainWithAnInitialResponseLogsIn)
{
    hello();
    const EngineOutput out = in(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n");
    EXPECT_EQ(out.wire(), kAuthSucceeded);
    EXPECT_EQ(codes(out), std::vector<int>{235});
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].bytes, QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob");
    ASSERT_EQ(logins().size(), 1u);
    EXPECT_EQ(logins()[0]->user, "bob");
    EXPECT_EQ(logins()[0]->password, "secret");
    EXPECT_EQ(logins()[0]->client.address, "192.0.2.10");
}

TEST_F(SmtpServerAuth, PlainWithoutAnInitialResponseAsksWithAnEmpty334)
{
    hello();
    const EngineOutput ask = in("auth plain\r\n");
    EXPECT_EQ(ask.wire(), "334 \r\n") << "an empty challenge: the code and a space";
    EXPECT_EQ(session->state(), ServerState::Auth);
    EXPECT_TRUE(logins().empty());

    const EngineOutput answer = in(QByteArray(kPlainBobSecret) + "\r\n");
    EXPECT_EQ(answer.wire(), kAuthSucceeded);
    ASSERT_EQ(answer.received.size(), 1u) << "the answer is a unit the server received";
    EXPECT_EQ(answer.received[0].kind, Transmission::Kind::Command);
    EXPECT_EQ(answer.received[0].bytes, QByteArray(kPlainBobSecret) + "\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob");
}

TEST_F(SmtpServerAuth, PlainTakesAnAuthorizationIdentityOnlyWhenItIsTheUser)
{
    hello();
    // "alice\0bob\0secret": bob's password, to act as alice.
    EXPECT_EQ(wire("AUTH PLAIN YWxpY2UAYm9iAHNlY3JldA==\r\n"), kAuthFailed);
    EXPECT_TRUE(logins().empty()) << "refused before the password is checked";
    EXPECT_TRUE(session->envelope().authenticatedUser.isEmpty());
    // "bob\0bob\0secret"
    EXPECT_EQ(wire("AUTH PLAIN Ym9iAGJvYgBzZWNyZXQ=\r\n"), kAuthSucceeded);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob");
}

TEST_F(SmtpServerAuth, AnEmptyInitialResponseIsEqualsSign)
{
    hello();
    // PLAIN with no bytes at all is not name and password: refused like a wrong password.
    EXPECT_EQ(wire("AUTH PLAIN =\r\n"), kAuthFailed);
    // LOGIN with an empty user name goes on to the password, and fails there.
    EXPECT_EQ(wire("AUTH LOGIN =\r\n"), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(wire(QByteArray(kSecret) + "\r\n"), kAuthFailed);
    EXPECT_TRUE(logins().empty()) << "no empty name or password reaches the policy";
    EXPECT_EQ(session->state(), ServerState::Ready);
}

TEST_F(SmtpServerAuth, LoginAsksForTheNameThenThePassword)
{
    hello();
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n"); // "Username:"
    EXPECT_EQ(session->state(), ServerState::Auth);
    EXPECT_EQ(wire(QByteArray(kBob) + "\r\n"), "334 UGFzc3dvcmQ6\r\n"); // "Password:"
    EXPECT_EQ(session->state(), ServerState::Auth);
    EXPECT_TRUE(logins().empty());
    const EngineOutput last = in(QByteArray(kSecret) + "\r\n");
    EXPECT_EQ(last.wire(), kAuthSucceeded);
    ASSERT_EQ(last.received.size(), 1u);
    EXPECT_EQ(last.received[0].bytes, QByteArray(kSecret) + "\r\n");
    EXPECT_EQ(session->envelope().authenticatedUser, "bob");
    ASSERT_EQ(logins().size(), 1u);
    EXPECT_EQ(logins()[0]->password, "secret");
    EXPECT_EQ(session->bytesHeld(), 0) << "the user name is not kept after the exchange";
}

TEST_F(SmtpServerAuth, LoginWithAnInitialResponseAsksOnlyForThePassword)
{
    hello();
    EXPECT_EQ(wire(QByteArray("AUTH LOGIN ") + kBob + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(session->bytesHeld(), 3) << "the user name, until its password comes";
    EXPECT_EQ(wire(QByteArray(kSecret) + "\n"), kAuthSucceeded) << "a bare LF ends it too";
    EXPECT_EQ(session->envelope().authenticatedUser, "bob");
}

TEST_F(SmtpServerAuth, AWrongPasswordIs535AndTheClientMayTryAgain)
{
    hello();
    EXPECT_EQ(wire("AUTH PLAIN AGJvYgB3cm9uZw==\r\n"), kAuthFailed); // "\0bob\0wrong"
    EXPECT_TRUE(session->envelope().authenticatedUser.isEmpty());
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(wire(QByteArray("AUTH LOGIN ") + kBob + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(wire(QByteArray(kWrong) + "\r\n"), kAuthFailed);
    EXPECT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"), kAuthSucceeded);
    EXPECT_EQ(logins().size(), 3u);
}

TEST_F(SmtpServerAuth, WhatIsNotBase64Is501)
{
    hello();
    const QByteArray kCannotDecode = "501 5.5.2 Cannot decode response\r\n";
    EXPECT_EQ(wire("AUTH PLAIN %%%%\r\n"), kCannotDecode);
    EXPECT_EQ(wire("AUTH PLAIN AGJvYgBzZWNyZXQ\r\n"), kCannotDecode) << "padding missing";
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(wire("Ym9 i\r\n"), kCannotDecode) << "no space inside base64";
    EXPECT_EQ(session->state(), ServerState::Ready) << "the exchange is over";
    EXPECT_EQ(wire("AUTH PLAIN\r\n"), "334 \r\n");
    EXPECT_EQ(wire(QByteArray("AGJvYgBzZWNyZXQ=\t\r\n")), kCannotDecode);
    EXPECT_TRUE(logins().empty());
    EXPECT_EQ(code("NOOP\r\n"), 250);
}

TEST_F(SmtpServerAuth, AStarCancelsTheExchangeWith501)
{
    hello();
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(wire(QByteArray(kBob) + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
    const EngineOutput out = in("*\r\n");
    EXPECT_EQ(out.wire(), "501 5.7.0 Authentication cancelled\r\n");
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].bytes, "*\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(session->envelope().authenticatedUser.isEmpty());
    EXPECT_TRUE(logins().empty());
    EXPECT_EQ(session->bytesHeld(), 0);
    EXPECT_EQ(wire("AUTH PLAIN\r\n"), "334 \r\n");
    EXPECT_EQ(wire("*\r\n"), "501 5.7.0 Authentication cancelled\r\n");
    EXPECT_EQ(code("NOOP\r\n"), 250) << "the session goes on";
}

TEST_F(SmtpServerAuth, AnUnknownMechanismIs504AndAMissingOne501)
{
    hello();
    EXPECT_EQ(wire("AUTH CRAM-MD5\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
    EXPECT_EQ(wire("AUTH XOAUTH2 dXNlcj1ib2IBAQ==\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
    EXPECT_EQ(wire("AUTH\r\n"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
    EXPECT_EQ(code(QByteArray("AUTH PLAIN ") + kPlainBobSecret + " more\r\n"), 501);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(logins().empty());
}

TEST_F(SmtpServerAuth, AuthAfterASuccessfulAuthIs503)
{
    hello();
    ASSERT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"), kAuthSucceeded);
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), "503 5.5.1 Bad sequence of commands: already authenticated\r\n");
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(logins().size(), 1u);
}

TEST_F(SmtpServerAuth, AuthInsideAMailTransactionIs503)
{
    withSender();
    const QByteArray kInTransaction =
        "503 5.5.1 Bad sequence of commands: AUTH not permitted during a mail transaction\r\n";
    EXPECT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"), kInTransaction);
    EXPECT_EQ(session->state(), ServerState::Mail);
    ASSERT_EQ(code("RCPT TO:<carol@example.net>\r\n"), 250);
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), kInTransaction);
    EXPECT_EQ(session->state(), ServerState::Rcpt);
    EXPECT_TRUE(logins().empty());
    EXPECT_EQ(session->envelope().forwardPaths.size(), 1u) << "the transaction is untouched";
}

TEST_F(SmtpServerAuth, AuthBeforeHelloIs503)
{
    start();
    EXPECT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"),
              "503 Bad sequence of commands: send EHLO or HELO first\r\n");
    EXPECT_EQ(session->state(), ServerState::AwaitHello);
    EXPECT_TRUE(logins().empty());
}

TEST_F(SmtpServerAuth, TheIdentityStaysForTheWholeSessionAndThePolicySeesIt)
{
    hello();
    ASSERT_EQ(wire(QByteArray("AUTH PLAIN ") + kPlainBobSecret + "\r\n"), kAuthSucceeded);
    ASSERT_EQ(code("MAIL FROM:<bob@example.org>\r\n"), 250);
    ASSERT_EQ(code("RCPT TO:<carol@example.net>\r\n"), 250);
    ASSERT_EQ(code("RSET\r\n"), 250);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob") << "RSET keeps it";
    ASSERT_EQ(code("EHLO again.example.org\r\n"), 250);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob") << "a new EHLO keeps it";
    ASSERT_EQ(code("MAIL FROM:<bob@example.org>\r\n"), 250);
    ASSERT_EQ(code("RCPT TO:<carol@example.net>\r\n"), 250);
    ASSERT_EQ(code("DATA\r\n"), 354);
    ASSERT_EQ(code("Hi.\r\n.\r\n"), 250);
    EXPECT_EQ(session->envelope().authenticatedUser, "bob") << "the end of a message keeps it";
    for (const auto &call : policy.calls) {
        if (call.kind != Kind::Login) {
            EXPECT_EQ(call.envelope.authenticatedUser, "bob");
        }
    }
    EXPECT_EQ(policy.count(Kind::Recipient), 2u);
    EXPECT_EQ(policy.count(Kind::Message), 1u);
}

TEST_F(SmtpServerAuth, MailFromTakesAnAuthParameterAndChecksOnlyItsSyntax)
{
    hello();
    for (const char *accepted : {"AUTH=<>", "AUTH=bob+40example.org", "auth=bob", "SIZE=10 AUTH=<>"}) {
        EXPECT_EQ(wire(QByteArray("MAIL FROM:<alice@example.org> ") + accepted + "\r\n"), "250 2.1.0 Ok\r\n")
            << accepted;
        ASSERT_EQ(code("RSET\r\n"), 250);
    }
    for (const char *refused : {"AUTH", "AUTH=", "AUTH=bob+4", "AUTH=bob+4g", "AUTH=bob+zz",
                                "AUTH=<> AUTH=<>"}) {
        EXPECT_EQ(wire(QByteArray("MAIL FROM:<alice@example.org> ") + refused + "\r\n"),
                  "501 Bad parameter syntax\r\n")
            << refused;
    }
    EXPECT_TRUE(session->envelope().authenticatedUser.isEmpty()) << "AUTH= logs nobody in";
    EXPECT_EQ(policy.count(Kind::Sender), 4u);
}

TEST_F(SmtpServerAuth, AuthLinesMayBe12288OctetsAndOtherCommandsStill512)
{
    config.maxErrors = 0;
    hello();
    const QByteArray longest = "NOOP " + QByteArray(505, 'a'); // 512 with CR LF
    EXPECT_EQ(code(longest + "\r\n"), 250);
    EXPECT_EQ(wire(longest + "a\r\n"), "500 Line too long\r\n");

    // 12288 octets with CR LF: AUTH PLAIN, a space and 12275 octets of base64 (not a
    // multiple of 4, so "Cannot decode", but read as a whole line and answered for it).
    const QByteArray bigAuth = "AUTH PLAIN " + QByteArray(12275, 'A');
    EXPECT_EQ(wire(bigAuth + "\r\n"), "501 5.5.2 Cannot decode response\r\n");
    EXPECT_EQ(wire(bigAuth + "A\r\n"), "500 Line too long\r\n");

    EXPECT_EQ(wire("AUTH PLAIN\r\n"), "334 \r\n");
    const EngineOutput tooLong = in(QByteArray(12287, 'A') + "\r\n");
    EXPECT_EQ(tooLong.wire(), "500 5.5.6 Authentication Exchange line is too long\r\n");
    EXPECT_TRUE(tooLong.received.empty()) << "a line that was not kept is not traced";
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(code("NOOP\r\n"), 250);
    EXPECT_LE(session->bytesHeld(), config.maxAuthLine);
}

TEST_F(SmtpServerAuth, ALongAnswerArrivingInPiecesGetsOne500)
{
    hello();
    EXPECT_EQ(wire("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(code(QByteArray(13000, 'A')), 500);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_TRUE(in(QByteArray(13000, 'A')).sent.empty()) << "the rest of the line is dropped";
    EXPECT_EQ(code("\r\nNOOP\r\n"), 250);
    EXPECT_LE(session->bytesHeld(), config.maxAuthLine);
}

// ---- Too many errors ----------------------------------------------------------------------

TEST_F(SmtpServer, TheTenthProtocolErrorIsFollowedBy421AndTheEnd)
{
    hello();
    for (int i = 1; i < 10; ++i)
        ASSERT_EQ(code("FOO\r\n"), 500) << i;
    const EngineOutput out = in("MAIL FROM:<alice@example.org> SIZE=x\r\nNOOP\r\n");
    EXPECT_EQ(out.wire(), "501 Bad parameter syntax\r\n"
                          "421 4.7.0 mail.example.org Too many errors, closing transmission channel\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{501, 421}));
    EXPECT_TRUE(out.close);
    EXPECT_EQ(out.received.size(), 1u) << "the NOOP after the limit is never read";
    EXPECT_EQ(session->state(), ServerState::Closed);
    EXPECT_TRUE(in("NOOP\r\n").empty());
    EXPECT_EQ(session->bytesHeld(), 0);
}

TEST_F(SmtpServer, ErrorsOfEveryProtocolKindCountButRefusalsOfPolicyDoNot)
{
    config.maxErrors = 6;
    policy.recipientReply = Reply{550, "5.1.1 No such user"};
    hello();
    // Refusals by the policy: a mailing list's stale addresses are not the client's mistake.
    ASSERT_EQ(code("MAIL FROM:<alice@example.org>\r\n"), 250);
    for (int i = 0; i < 8; ++i)
        ASSERT_EQ(code("RCPT TO:<nobody@example.net>\r\n"), 550);
    ASSERT_EQ(code("DATA\r\n"), 554);
    ASSERT_EQ(code("RSET\r\n"), 250);
    // 500, 501, 502, 503, 555: one each, and the session goes on.
    EXPECT_EQ(code("FOO\r\n"), 500);
    EXPECT_EQ(code("VRFY\r\n"), 501);
    EXPECT_EQ(code("EXPN staff\r\n"), 502);
    EXPECT_EQ(code("DATA\r\n"), 503);
    EXPECT_EQ(code("MAIL FROM:<alice@example.org> RET=FULL\r\n"), 555);
    EXPECT_EQ(session->state(), ServerState::Ready);
    EXPECT_EQ(codes(in("HELO\r\n")), (std::vector<int>{501, 421})) << "the sixth";
}

TEST_F(SmtpServerAuth, WrongPasswordsCountTowardsTheLimit)
{
    config.maxErrors = 3;
    hello();
    EXPECT_EQ(wire("AUTH PLAIN AGJvYgB3cm9uZw==\r\n"), kAuthFailed);
    EXPECT_EQ(wire("AUTH CRAM-MD5\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
    const EngineOutput third = in("AUTH LOGIN\r\n" + QByteArray(kBob) + "\r\n" + kWrong + "\r\n");
    EXPECT_EQ(codes(third), (std::vector<int>{334, 334, 535, 421}));
    EXPECT_TRUE(third.close);
    EXPECT_EQ(session->state(), ServerState::Closed);
    EXPECT_EQ(logins().size(), 2u);
}

TEST_F(SmtpServer, NoErrorLimitWhenMaxErrorsIsZero)
{
    config.maxErrors = 0;
    hello();
    for (int i = 0; i < 100; ++i)
        ASSERT_EQ(code("FOO\r\n"), 500) << i;
    EXPECT_EQ(session->state(), ServerState::Ready);
}

// ---- Pipelining and chunking --------------------------------------------------------------

TEST_F(SmtpServer, PipelinedCommandsInOneChunkGetOneReplyEachInOrder)
{
    policy.recipientReplies["nobody@example.net"] = Reply{550, "5.1.1 No such user"};
    start();
    const EngineOutput out = in("EHLO client.example.org\r\n"
                                "MAIL FROM:<alice@example.org>\r\n"
                                "RCPT TO:<bob@example.net>\r\n"
                                "RCPT TO:<nobody@example.net>\r\n"
                                "RCPT TO:<carol@example.net>\r\n"
                                "DATA\r\n"
                                "Hi.\r\n"
                                ".\r\n"
                                "QUIT\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{250, 250, 250, 550, 250, 354, 250, 221}));
    EXPECT_TRUE(out.close);
    ASSERT_EQ(out.received.size(), 8u);
    EXPECT_EQ(out.received[0].bytes, "EHLO client.example.org\r\n");
    EXPECT_EQ(out.received[0].kind, Transmission::Kind::Command);
    EXPECT_EQ(out.received[5].bytes, "DATA\r\n");
    EXPECT_EQ(out.received[6].kind, Transmission::Kind::Data);
    EXPECT_EQ(out.received[6].bytes, "Hi.\r\n.\r\n");
    EXPECT_EQ(out.received[7].bytes, "QUIT\r\n");
    const auto messages = policy.callsOf(Kind::Message);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]->envelope.forwardPaths,
              (std::vector<Path>{mailbox("bob", "example.net"), mailbox("carol", "example.net")}));
}

TEST_F(SmtpServer, DataRefusedInAPipelineLeavesTheContentToBeReadAsCommands)
{
    // RFC 2920 section 3.1 warns of this: if DATA fails, the message lines that follow it
    // in the pipeline are commands to the server.
    policy.recipientReply = Reply{550, "no"};
    hello();
    const EngineOutput out = in("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                                "DATA\r\nNOOP\r\n.\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{250, 550, 554, 250, 500}));
}

// A whole session with the awkward parts: dot-stuffing, a refused recipient, a pipelined
// group, bare LF in the content, a second transaction.
const QByteArray kSession = "EHLO client.example.org\r\n"
                            "MAIL FROM:<alice@example.org> SIZE=200 BODY=8BITMIME\r\n"
                            "RCPT TO:<bob@example.net>\r\n"
                            "RCPT TO:<nobody@example.net>\r\n"
                            "DATA\r\n"
                            "From: alice@example.org\r\n"
                            "Subject: dots\r\n"
                            "\r\n"
                            "..leading dot\r\n"
                            "..\r\n"
                            "not the end\n.\nstill not\r\n"
                            "\xc3\xa9t\xc3\xa9\r\n"
                            ".\r\n"
                            "NOOP\n"
                            "MAIL FROM:<>\r\n"
                            "RCPT TO:<carol@example.net>\r\n"
                            "DATA\r\n"
                            "second\r\n"
                            ".\r\n"
                            "QUIT\r\n";

TEST(SmtpServerChunking, AWholeSessionGivesTheSameResultInAnyChunking)
{
    RecordingPolicy policy;
    policy.recipientReplies["nobody@example.net"] = Reply{550, "5.1.1 No such user"};
    const ServerRun run = expectSameInAnyChunking(ServerConfig{}, policy, kSession);

    // And that one result is the right one.
    EXPECT_EQ(run.codes, (std::vector<int>{220, 250, 250, 250, 550, 354, 250, 250, 250, 250, 354,
                                           250, 221}));
    EXPECT_EQ(run.closes, 1);
    EXPECT_EQ(run.state, ServerState::Closed);
    const auto messages = run.policy.callsOf(Kind::Message);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0]->content, "From: alice@example.org\r\n"
                                    "Subject: dots\r\n"
                                    "\r\n"
                                    ".leading dot\r\n"
                                    ".\r\n"
                                    "not the end\n.\nstill not\r\n"
                                    "\xc3\xa9t\xc3\xa9\r\n");
    EXPECT_EQ(messages[0]->envelope.declaredSize, 200);
    EXPECT_TRUE(messages[0]->envelope.eightBitMime);
    EXPECT_EQ(messages[1]->content, "second\r\n");
    EXPECT_TRUE(messages[1]->envelope.reversePath.isNull());
    EXPECT_EQ(messages[1]->envelope.declaredSize, -1);
    EXPECT_EQ(messages[1]->envelope.forwardPaths,
              std::vector<Path>{mailbox("carol", "example.net")});
    EXPECT_NE(run.received.find("D From: alice@example.org\\r\\nSubject: dots\\r\\n\\r\\n"
                                "..leading dot\\r\\n..\\r\\n"),
              std::string::npos)
        << "the Data unit is the content as it arrived, still dot-stuffed\n" << run.received;
}

// Every AUTH path in one session: LOGIN cancelled, PLAIN with bad base64, a wrong password,
// an unknown mechanism, LOGIN with a bare LF, then a transaction with AUTH=<>.
const QByteArray kAuthSession = "EHLO client.example.org\r\n"
                                "AUTH LOGIN\r\n"
                                "Ym9i\r\n"
                                "*\r\n"
                                "AUTH PLAIN\r\n"
                                "not base64\r\n"
                                "AUTH PLAIN AGJvYgB3cm9uZw==\r\n"
                                "AUTH SCRAM-SHA-1\r\n"
                                "AUTH LOGIN\n"
                                "Ym9i\n"
                                "c2VjcmV0\r\n"
                                "AUTH PLAIN AGJvYgBzZWNyZXQ=\r\n"
                                "MAIL FROM:<bob@example.org> AUTH=<>\r\n"
                                "RCPT TO:<carol@example.net>\r\n"
                                "DATA\r\n"
                                "Hi.\r\n"
                                ".\r\n"
                                "QUIT\r\n";

TEST(SmtpServerChunking, AnAuthSessionGivesTheSameResultInAnyChunking)
{
    ServerConfig config;
    config.offerAuth = true;
    RecordingPolicy policy;
    policy.passwords["bob"] = "secret";
    const ServerRun run = expectSameInAnyChunking(config, policy, kAuthSession);

    EXPECT_EQ(run.codes, (std::vector<int>{220, 250, 334, 334, 501, 334, 501, 535, 504, 334, 334,
                                           235, 503, 250, 250, 354, 250, 221}));
    EXPECT_EQ(run.state, ServerState::Closed);
    EXPECT_EQ(run.policy.count(Kind::Login), 2u);
    const auto messages = run.policy.callsOf(Kind::Message);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0]->envelope.authenticatedUser, "bob");
    // Every line the client sent is a unit received, the answers to 334 included.
    EXPECT_NE(run.received.find("C Ym9i\\r\\n\nC *\\r\\n\n"), std::string::npos) << run.received;
    EXPECT_NE(run.received.find("C Ym9i\\n\nC c2VjcmV0\\r\\n\n"), std::string::npos) << run.received;
}

TEST(SmtpServerChunking, LimitsGiveTheSameResultInAnyChunking)
{
    ServerConfig config;
    config.maxMessageSize = 64;
    config.maxCommandLine = 32;
    config.maxTextLine = 20;
    const QByteArray input = "EHLO c\r\n" + QByteArray(40, 'X') + "\r\nNOOP\r\n" +
                             "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n" +
                             QByteArray(25, 'y') + "\r\nshort\r\n.\r\n" +
                             "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n" +
                             QByteArray(200, 'z').replace(17, 2, "\r\n") + "\r\n.\r\n" +
                             "QUIT\r\n";
    const ServerRun run = expectSameInAnyChunking(config, RecordingPolicy{}, input);
    EXPECT_EQ(run.codes, (std::vector<int>{220, 250, 500, 250, 250, 250, 354, 500, 250, 250, 354,
                                           500, 221}));
}

TEST(SmtpServerChunking, EndOfInputInDataGivesTheSameResultInAnyChunking)
{
    const QByteArray input = "EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                             "DATA\r\nline\r\n.\n..\r\n.";
    const ServerRun run = expectSameInAnyChunking(ServerConfig{}, RecordingPolicy{}, input, true);
    EXPECT_EQ(run.codes, (std::vector<int>{220, 250, 250, 250, 354}));
    EXPECT_EQ(run.closes, 1);
    EXPECT_EQ(run.policy.count(Kind::Message), 0u);
}

TEST(SmtpServerState, EveryStateHasAName)
{
    EXPECT_STREQ(toString(ServerState::Connected), "Connected");
    EXPECT_STREQ(toString(ServerState::AwaitHello), "AwaitHello");
    EXPECT_STREQ(toString(ServerState::Ready), "Ready");
    EXPECT_STREQ(toString(ServerState::Auth), "Auth");
    EXPECT_STREQ(toString(ServerState::Mail), "Mail");
    EXPECT_STREQ(toString(ServerState::Rcpt), "Rcpt");
    EXPECT_STREQ(toString(ServerState::Data), "Data");
    EXPECT_STREQ(toString(ServerState::Closed), "Closed");
}

} // namespace
