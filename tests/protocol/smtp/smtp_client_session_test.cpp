// The client engine against a scripted server: each test feeds the server's bytes and checks
// the exact bytes the client sends next.
#include "protocol/smtp/smtp_client_session.h"

#include <gtest/gtest.h>

#include <functional>

using mailsim::protocol::EngineOutput;
using mailsim::protocol::Transmission;
using mailsim::smtp::ClientConfig;
using mailsim::smtp::ClientState;
using mailsim::smtp::Path;
using mailsim::smtp::RecipientOutcome;
using mailsim::smtp::SmtpClientSession;
using mailsim::smtp::Submission;
using Status = RecipientOutcome::Status;

namespace {

const QByteArray kGreeting = "220 mail.example.org ESMTP MailSim\r\n";
const QByteArray kEhloFull = "250-mail.example.org greets client.example.org\r\n"
                             "250-SIZE 10485760\r\n"
                             "250-8BITMIME\r\n"
                             "250-PIPELINING\r\n"
                             "250 HELP\r\n";
const QByteArray kEhloPlain = "250 mail.example.org\r\n";
const QByteArray kOk = "250 2.0.0 Ok\r\n";
const QByteArray kGoAhead = "354 End data with <CR><LF>.<CR><LF>\r\n";
const QByteArray kBye = "221 2.0.0 Bye\r\n";
const QByteArray kContent = "Subject: hi\r\n\r\nHello\r\n"; // 22 octets

Path alice()
{
    return Path{"alice", "example.org"};
}
Path bob()
{
    return Path{"bob", "example.net"};
}
Path carol()
{
    return Path{"carol", "example.net"};
}
Path dave()
{
    return Path{"dave", "example.net"};
}

Submission submission(std::vector<Path> recipients, QByteArray content = kContent)
{
    Submission s;
    s.reversePath = alice();
    s.recipients = std::move(recipients);
    s.content = std::move(content);
    return s;
}

// Holds a client and the output of the last call, so each step reads as one line.
struct Script
{
    explicit Script(Submission sub, ClientConfig config = {})
        : client(std::move(config), std::move(sub))
    {
    }

    // Feeds server bytes; returns what the client writes back.
    QByteArray server(QByteArrayView bytes)
    {
        last = client.receive(bytes);
        return last.wire();
    }
    QByteArray eof()
    {
        last = client.receiveEof();
        return last.wire();
    }
    QByteArray timeout()
    {
        last = client.timeout();
        return last.wire();
    }

    // Greeting and a full EHLO reply; returns the MAIL command the client sent.
    QByteArray toMail(const QByteArray &ehlo = kEhloFull)
    {
        EXPECT_EQ(server(kGreeting), "EHLO client.example.org\r\n");
        return server(ehlo);
    }

    Status status(std::size_t i) const { return client.result().recipients.at(i).status; }
    int code(std::size_t i) const { return client.result().recipients.at(i).reply.code; }

    SmtpClientSession client;
    EngineOutput last;
};

} // namespace

TEST(SmtpClientSession, ConstructorSendsNothingAndWaitsForGreeting)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.client.state(), ClientState::AwaitGreeting);
    EXPECT_FALSE(s.client.finished());
    ASSERT_EQ(s.client.result().recipients.size(), 1u);
    EXPECT_EQ(s.client.result().recipients[0].recipient, bob());
    EXPECT_EQ(s.status(0), Status::Pending);
}

TEST(SmtpClientSession, HappyPathExactWire)
{
    Script s(submission({bob()}));

    EXPECT_EQ(s.server(kGreeting), "EHLO client.example.org\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitEhlo);
    ASSERT_EQ(s.last.received.size(), 1u);
    EXPECT_EQ(s.last.received[0].kind, Transmission::Kind::Reply);
    EXPECT_EQ(s.last.received[0].code, 220);
    EXPECT_EQ(s.last.received[0].bytes, kGreeting);
    ASSERT_EQ(s.last.sent.size(), 1u);
    EXPECT_EQ(s.last.sent[0].kind, Transmission::Kind::Command);

    EXPECT_EQ(s.server(kEhloFull), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitMail);
    EXPECT_EQ(s.last.received.at(0).bytes, kEhloFull);

    EXPECT_EQ(s.server("250 2.1.0 Ok\r\n"), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitRcpt);

    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "DATA\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitData);
    EXPECT_EQ(s.status(0), Status::Pending);

    EXPECT_FALSE(s.client.awaitingFinalReply());
    EXPECT_EQ(s.server(kGoAhead), "Subject: hi\r\n\r\nHello\r\n.\r\n");
    ASSERT_EQ(s.last.sent.size(), 1u);
    EXPECT_EQ(s.last.sent[0].kind, Transmission::Kind::Data);
    EXPECT_TRUE(s.client.awaitingFinalReply());
    EXPECT_FALSE(s.last.close);

    EXPECT_EQ(s.server("250 2.0.0 Ok: queued as 1A2B\r\n"), "QUIT\r\n");
    EXPECT_FALSE(s.client.awaitingFinalReply());
    EXPECT_EQ(s.client.state(), ClientState::AwaitQuit);
    EXPECT_EQ(s.status(0), Status::Delivered);
    EXPECT_EQ(s.code(0), 250);
    EXPECT_EQ(s.client.result().recipients[0].reply.text, "2.0.0 Ok: queued as 1A2B");

    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.client.result().error, "");
    EXPECT_EQ(s.client.result().lastReply.code, 221);
}

TEST(SmtpClientSession, ParsesEhloExtensions)
{
    Script s(submission({bob()}));
    s.toMail();
    const auto &ext = s.client.extensions();
    EXPECT_TRUE(ext.esmtp);
    EXPECT_EQ(ext.size, 10485760);
    EXPECT_TRUE(ext.eightBitMime);
    EXPECT_TRUE(ext.pipelining);
    EXPECT_EQ(ext.keywords,
              (std::vector<QByteArray>{"SIZE 10485760", "8BITMIME", "PIPELINING", "HELP"}));
}

TEST(SmtpClientSession, EhloKeywordsAreCaseInsensitive)
{
    Script s(submission({bob()}));
    s.toMail("250-mx\r\n250-size 100\r\n250 8bitmime\r\n");
    EXPECT_EQ(s.client.extensions().size, 100);
    EXPECT_TRUE(s.client.extensions().eightBitMime);
    EXPECT_FALSE(s.client.extensions().pipelining);
}

TEST(SmtpClientSession, NoSizeParameterWithoutAnnouncement)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.toMail(kEhloPlain), "MAIL FROM:<alice@example.org>\r\n");
    EXPECT_TRUE(s.client.extensions().esmtp);
    EXPECT_EQ(s.client.extensions().size, -1);
}

TEST(SmtpClientSession, SizeWithoutLimitStillGetsSizeParameter)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.toMail("250-mx\r\n250 SIZE\r\n"), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    EXPECT_EQ(s.client.extensions().size, 0);
}

TEST(SmtpClientSession, EightBitContentGetsBodyParameterWhenAnnounced)
{
    Script s(submission({bob()}, "Subject: caf\xc3\xa9\r\n\r\n\r\n"));
    EXPECT_EQ(s.toMail(), "MAIL FROM:<alice@example.org> SIZE=20 BODY=8BITMIME\r\n");
}

TEST(SmtpClientSession, EightBitContentWithoutAnnouncementHasNoBodyParameter)
{
    Script s(submission({bob()}, "Subject: caf\xc3\xa9\r\n\r\n\r\n"));
    EXPECT_EQ(s.toMail("250-mx\r\n250 SIZE 1000\r\n"), "MAIL FROM:<alice@example.org> SIZE=20\r\n");
}

TEST(SmtpClientSession, EightBitContentWithoutAnnouncementIsSentAsItIsAndSaysSo)
{
    Script s(submission({bob()}, "Subject: caf\xc3\xa9\r\n\r\n\r\n"));
    s.toMail("250-mx\r\n250 SIZE 1000\r\n");
    EXPECT_TRUE(s.client.result().eightBitWithout8BitMime);
    EXPECT_FALSE(s.client.result().sevenBitFormSent);
    EXPECT_EQ(s.server(kOk), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server(kOk), "DATA\r\n");
    EXPECT_EQ(s.server(kGoAhead), "Subject: caf\xc3\xa9\r\n\r\n\r\n.\r\n");
}

// RFC 6152: to a server without 8BITMIME, the 7-bit form the caller prepared goes instead,
// and SIZE= counts its bytes.
TEST(SmtpClientSession, SevenBitFormIsSentToAServerWithout8BitMime)
{
    Submission sub = submission({bob()}, "Subject: x\r\n\r\ncaf\xc3\xa9\r\n");
    sub.sevenBitContent = "Subject: x\r\n\r\ncaf=C3=A9\r\n";
    Script s(std::move(sub));
    EXPECT_EQ(s.toMail("250-mx\r\n250 SIZE 1000\r\n"), "MAIL FROM:<alice@example.org> SIZE=25\r\n");
    EXPECT_TRUE(s.client.result().sevenBitFormSent);
    EXPECT_FALSE(s.client.result().eightBitWithout8BitMime);
    EXPECT_EQ(s.server(kOk), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server(kOk), "DATA\r\n");
    EXPECT_EQ(s.server(kGoAhead), "Subject: x\r\n\r\ncaf=C3=A9\r\n.\r\n");
}

TEST(SmtpClientSession, SevenBitFormIsNotUsedWhenTheServerTakes8BitText)
{
    Submission sub = submission({bob()}, "Subject: x\r\n\r\ncaf\xc3\xa9\r\n");
    sub.sevenBitContent = "Subject: x\r\n\r\ncaf=C3=A9\r\n";
    Script s(std::move(sub));
    EXPECT_EQ(s.toMail(), "MAIL FROM:<alice@example.org> SIZE=21 BODY=8BITMIME\r\n");
    EXPECT_FALSE(s.client.result().sevenBitFormSent);
    s.server(kOk);
    s.server(kOk);
    EXPECT_EQ(s.server(kGoAhead), "Subject: x\r\n\r\ncaf\xc3\xa9\r\n.\r\n");
}

TEST(SmtpClientSession, SevenBitContentHasNoBodyParameter)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.toMail("250-mx\r\n250 8BITMIME\r\n"), "MAIL FROM:<alice@example.org>\r\n");
}

TEST(SmtpClientSession, NullReversePath)
{
    Submission sub = submission({bob()});
    sub.reversePath = Path{};
    Script s(std::move(sub));
    EXPECT_EQ(s.toMail(kEhloPlain), "MAIL FROM:<>\r\n");
}

TEST(SmtpClientSession, MessageOverAnnouncedSizeIsNotOffered)
{
    Script s(submission({bob(), carol()}));
    EXPECT_EQ(s.toMail("250-mx\r\n250 SIZE 10\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.status(1), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 552);
    EXPECT_TRUE(s.client.result().error.contains("exceeds"));
    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.client.finished());
}

TEST(SmtpClientSession, MessageExactlyAtAnnouncedSizeIsOffered)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.toMail("250-mx\r\n250 SIZE 22\r\n"), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
}

TEST(SmtpClientSession, Ehlo502FallsBackToHelo)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    EXPECT_EQ(s.server("502 5.5.2 Error: command not recognized\r\n"),
              "HELO client.example.org\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitHelo);
    EXPECT_EQ(s.server("250 mail.example.org\r\n"), "MAIL FROM:<alice@example.org>\r\n");
    EXPECT_FALSE(s.client.extensions().esmtp);
    EXPECT_EQ(s.client.extensions().size, -1);
    EXPECT_EQ(s.server(kOk), "RCPT TO:<bob@example.net>\r\n");
}

TEST(SmtpClientSession, Ehlo500FallsBackToHelo)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    EXPECT_EQ(s.server("500 Syntax error, command unrecognized\r\n"),
              "HELO client.example.org\r\n");
}

TEST(SmtpClientSession, HeloRefusedGivesUp)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    s.server("502 no\r\n");
    EXPECT_EQ(s.server("550 go away\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 550);
    EXPECT_TRUE(s.client.result().error.contains("HELO"));
    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.last.close);
}

TEST(SmtpClientSession, EhloTemporaryRefusalEndsWithQuit)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    EXPECT_EQ(s.server("451 try later\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
}

TEST(SmtpClientSession, Greeting421FinishesWithoutQuit)
{
    Script s(submission({bob(), carol()}));
    EXPECT_EQ(s.server("421 mail.example.org Service not available\r\n"), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
    EXPECT_EQ(s.code(1), 421);
    EXPECT_TRUE(s.client.result().error.contains("421"));
}

TEST(SmtpClientSession, Greeting554SendsQuit)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.server("554 No SMTP service here\r\n"), "QUIT\r\n");
    EXPECT_FALSE(s.last.close);
    EXPECT_EQ(s.client.state(), ClientState::AwaitQuit);
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 554);
    EXPECT_FALSE(s.client.result().error.isEmpty());
    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
}

TEST(SmtpClientSession, MailTemporaryRefusal)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    EXPECT_EQ(s.server("451 4.3.0 Local error\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
    EXPECT_EQ(s.code(0), 451);
    EXPECT_TRUE(s.client.result().error.contains("MAIL"));
}

TEST(SmtpClientSession, MailPermanentRefusal)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    EXPECT_EQ(s.server("550 5.7.1 Sender rejected\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.status(1), Status::PermanentFailure);
    EXPECT_EQ(s.code(1), 550);
}

TEST(SmtpClientSession, MixedRecipientResultsDataOnlyForAccepted)
{
    Script s(submission({bob(), carol(), dave()}));
    s.toMail();
    EXPECT_EQ(s.server(kOk), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "RCPT TO:<carol@example.net>\r\n");
    EXPECT_EQ(s.server("550 5.1.1 No such user\r\n"), "RCPT TO:<dave@example.net>\r\n");
    EXPECT_EQ(s.status(1), Status::PermanentFailure);
    EXPECT_EQ(s.server("450 4.2.1 Mailbox busy\r\n"), "DATA\r\n");
    EXPECT_EQ(s.status(0), Status::Pending);
    EXPECT_EQ(s.status(2), Status::TransientFailure);
    s.server(kGoAhead);
    EXPECT_EQ(s.server("250 2.0.0 queued\r\n"), "QUIT\r\n");

    EXPECT_EQ(s.status(0), Status::Delivered);
    EXPECT_EQ(s.code(0), 250);
    EXPECT_EQ(s.status(1), Status::PermanentFailure);
    EXPECT_EQ(s.code(1), 550);
    EXPECT_EQ(s.client.result().recipients[1].reply.text, "5.1.1 No such user");
    EXPECT_EQ(s.status(2), Status::TransientFailure);
    EXPECT_EQ(s.code(2), 450);
    EXPECT_EQ(s.client.result().error, "");
}

TEST(SmtpClientSession, NoAcceptedRecipientNoData)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    s.server(kOk);
    EXPECT_EQ(s.server("550 no\r\n"), "RCPT TO:<carol@example.net>\r\n");
    EXPECT_EQ(s.server("451 later\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.client.finished());
}

TEST(SmtpClientSession, NoRecipientsAtAllJustQuits)
{
    Script s(submission({}));
    EXPECT_EQ(s.toMail(), "QUIT\r\n");
    EXPECT_EQ(s.server(kBye), "");
    EXPECT_TRUE(s.client.finished());
    EXPECT_TRUE(s.client.result().recipients.empty());
}

TEST(SmtpClientSession, RcptServiceClosingEndsWithoutQuit)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    s.server(kOk);
    s.server(kOk); // bob accepted
    EXPECT_EQ(s.server("421 4.3.2 shutting down\r\n"), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
}

TEST(SmtpClientSession, DataRefusedDecidesAcceptedRecipients)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    s.server(kOk);
    s.server(kOk);
    EXPECT_EQ(s.server("550 no\r\n"), "DATA\r\n");
    EXPECT_EQ(s.server("451 4.3.0 not now\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.code(0), 451);
    EXPECT_EQ(s.status(1), Status::PermanentFailure); // keeps its RCPT answer
    EXPECT_EQ(s.code(1), 550);
    EXPECT_FALSE(s.client.result().error.isEmpty());
}

TEST(SmtpClientSession, DataPermanentRefusal)
{
    Script s(submission({bob()}));
    s.toMail();
    s.server(kOk);
    s.server(kOk);
    EXPECT_EQ(s.server("554 5.5.1 no valid recipients\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
}

TEST(SmtpClientSession, DataAnsweredWith250IsUnexpected)
{
    Script s(submission({bob()}));
    s.toMail();
    s.server(kOk);
    s.server(kOk);
    EXPECT_EQ(s.server("250 what\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_TRUE(s.client.result().error.contains("unexpected"));
}

namespace {

// Runs up to the final reply and returns the session there.
void toFinalReply(Script &s)
{
    s.toMail();
    s.server(kOk);
    s.server(kOk);
    s.server(kGoAhead);
    ASSERT_TRUE(s.client.awaitingFinalReply());
}

} // namespace

TEST(SmtpClientSession, FinalReply552IsPermanent)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    EXPECT_EQ(s.server("552 5.3.4 Message too big\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 552);
}

TEST(SmtpClientSession, FinalReply451IsTransient)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    EXPECT_EQ(s.server("451 4.3.0 Error: queue file write error\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.code(0), 451);
}

TEST(SmtpClientSession, FinalReply250Delivers)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    EXPECT_EQ(s.server("250 Ok\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::Delivered);
}

TEST(SmtpClientSession, ContentIsDotStuffedInOneTransmission)
{
    Script s(submission({bob()}, ".leading\r\n.\r\nlast line"));
    s.toMail();
    s.server(kOk);
    s.server(kOk);
    s.server(kGoAhead);
    ASSERT_EQ(s.last.sent.size(), 1u);
    EXPECT_EQ(s.last.sent[0].kind, Transmission::Kind::Data);
    EXPECT_EQ(s.last.sent[0].bytes, "..leading\r\n..\r\nlast line\r\n.\r\n");
}

// --- chunking --------------------------------------------------------------------------

namespace {

// A whole session's server side, multi-line replies included. The client answers each
// reply at once, so all of it can be fed in advance.
const QByteArray kWholeScript = "220-mail.example.org ESMTP\r\n"
                                "220-Welcome to the teaching network\r\n"
                                "220 No unsolicited mail\r\n" +
                                kEhloFull + kOk + kOk +
                                "550-5.1.1 No such user\r\n"
                                "550 5.1.1 Check the address\r\n" +
                                kGoAhead + "250-2.0.0 Ok\r\n250 2.0.0 queued as 7\r\n" + kBye;

struct ClientRun
{
    QByteArray wire;
    std::vector<int> replyCodes;
    std::vector<Status> statuses;
    std::vector<QByteArray> replyTexts;
    bool close = false;
    ClientState state = ClientState::AwaitGreeting;
    QByteArray error;
};

ClientRun runChunked(const std::vector<QByteArrayView> &chunks)
{
    SmtpClientSession client(ClientConfig{}, submission({bob(), carol()}));
    ClientRun run;
    for (const QByteArrayView chunk : chunks) {
        const EngineOutput out = client.receive(chunk);
        run.wire += out.wire();
        for (const Transmission &t : out.received)
            run.replyCodes.push_back(t.code);
        run.close = run.close || out.close;
    }
    for (const RecipientOutcome &o : client.result().recipients) {
        run.statuses.push_back(o.status);
        run.replyTexts.push_back(o.reply.text);
    }
    run.state = client.state();
    run.error = client.result().error;
    return run;
}

void expectSameRun(const ClientRun &a, const ClientRun &b, const std::string &what)
{
    EXPECT_EQ(a.wire, b.wire) << what;
    EXPECT_EQ(a.replyCodes, b.replyCodes) << what;
    EXPECT_EQ(a.statuses, b.statuses) << what;
    EXPECT_EQ(a.replyTexts, b.replyTexts) << what;
    EXPECT_EQ(a.close, b.close) << what;
    EXPECT_EQ(a.state, b.state) << what;
    EXPECT_EQ(a.error, b.error) << what;
}

} // namespace

TEST(SmtpClientSession, WholeScriptFedAtOnce)
{
    const ClientRun run = runChunked({kWholeScript});
    EXPECT_EQ(run.wire, "EHLO client.example.org\r\n"
                        "MAIL FROM:<alice@example.org> SIZE=22\r\n"
                        "RCPT TO:<bob@example.net>\r\n"
                        "RCPT TO:<carol@example.net>\r\n"
                        "DATA\r\n" +
                            kContent + ".\r\n" + "QUIT\r\n");
    EXPECT_EQ(run.replyCodes, (std::vector<int>{220, 250, 250, 250, 550, 354, 250, 221}));
    EXPECT_EQ(run.statuses, (std::vector<Status>{Status::Delivered, Status::PermanentFailure}));
    EXPECT_EQ(run.replyTexts,
              (std::vector<QByteArray>{"2.0.0 Ok\n2.0.0 queued as 7",
                                       "5.1.1 No such user\n5.1.1 Check the address"}));
    EXPECT_TRUE(run.close);
    EXPECT_EQ(run.state, ClientState::Done);
    EXPECT_EQ(run.error, "");
}

TEST(SmtpClientSession, ByteByByteGivesTheSameResult)
{
    const ClientRun whole = runChunked({kWholeScript});
    std::vector<QByteArrayView> bytes;
    for (qsizetype i = 0; i < kWholeScript.size(); ++i)
        bytes.push_back(QByteArrayView(kWholeScript).sliced(i, 1));
    expectSameRun(runChunked(bytes), whole, "one byte at a time");
}

TEST(SmtpClientSession, SplitAtEveryOffsetGivesTheSameResult)
{
    const ClientRun whole = runChunked({kWholeScript});
    const QByteArrayView all(kWholeScript);
    for (qsizetype cut = 0; cut <= all.size(); ++cut)
        expectSameRun(runChunked({all.first(cut), all.sliced(cut)}), whole,
                      "split at " + std::to_string(cut));
}

TEST(SmtpClientSession, MultiLineReplyIsReportedWithItsExactWireBytes)
{
    Script s(submission({bob()}));
    const QByteArray greeting = "220-first\r\n220-second\n220 third\r\n";
    EXPECT_EQ(s.server(greeting), "EHLO client.example.org\r\n");
    ASSERT_EQ(s.last.received.size(), 1u);
    EXPECT_EQ(s.last.received[0].bytes, greeting); // the bare LF line is accepted and kept
    EXPECT_EQ(s.client.result().lastReply.text, "first\nsecond\nthird");
}

TEST(SmtpClientSession, ReplyOfJustTheCode)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.server("220\r\n"), "EHLO client.example.org\r\n");
    EXPECT_EQ(s.client.result().lastReply.text, "");
}

// --- malformed replies -----------------------------------------------------------------

namespace {

void expectProtocolError(Script &s, const QByteArray &garbage)
{
    EXPECT_EQ(s.server(garbage), "") << garbage.toStdString();
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_TRUE(s.client.result().error.startsWith("malformed reply")) << garbage.toStdString();
    for (const RecipientOutcome &o : s.client.result().recipients)
        EXPECT_NE(o.status, Status::Pending);
}

} // namespace

TEST(SmtpClientSession, LettersInsteadOfACodeCloseTheConnection)
{
    Script s(submission({bob()}));
    expectProtocolError(s, "HTTP/1.1 400 Bad Request\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
}

TEST(SmtpClientSession, OtherNonReplyLinesCloseTheConnection)
{
    for (const QByteArray &garbage :
         {QByteArray("22\r\n"), QByteArray("220x\r\n"), QByteArray("120 wait\r\n"),
          QByteArray("620 what\r\n"), QByteArray("2a0 hi\r\n"), QByteArray("\r\n")}) {
        Script s(submission({bob()}));
        expectProtocolError(s, garbage);
    }
}

TEST(SmtpClientSession, MismatchedContinuationCodeClosesTheConnection)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    expectProtocolError(s, "250-mail.example.org\r\n251 SIZE 100\r\n");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
}

TEST(SmtpClientSession, OverLongLineClosesTheConnection)
{
    Script s(submission({bob()}));
    // 512 octets with CR LF is the limit; 513 is one too many.
    expectProtocolError(s, "220 " + QByteArray(507, 'x') + "\r\n");
}

TEST(SmtpClientSession, LineAtTheLimitIsAccepted)
{
    Script s(submission({bob()}));
    EXPECT_EQ(s.server("220 " + QByteArray(506, 'x') + "\r\n"), "EHLO client.example.org\r\n");
}

TEST(SmtpClientSession, OverLongLineWithoutEndClosesTheConnection)
{
    Script s(submission({bob()}));
    expectProtocolError(s, "220 " + QByteArray(1000, 'x'));
}

TEST(SmtpClientSession, EndlessMultiLineReplyClosesTheConnection)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    // Memory stays bounded: a reply may not go on for ever.
    expectProtocolError(s, QByteArray("250-KEYWORD\r\n").repeated(101));
}

TEST(SmtpClientSession, HundredLineReplyIsAccepted)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    EXPECT_EQ(s.server(QByteArray("250-KEYWORD\r\n").repeated(99) + "250 LAST\r\n"),
              "MAIL FROM:<alice@example.org>\r\n");
    EXPECT_EQ(s.client.extensions().keywords.size(), 99u);
}

TEST(SmtpClientSession, GarbageAfterAcceptedRecipientLeavesItTransient)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    s.server(kOk);
    s.server("550 no\r\n");
    expectProtocolError(s, "\x01\x02\x03\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
    EXPECT_EQ(s.code(1), 421); // made up locally: no server reply decided it
}

// --- connection ends -------------------------------------------------------------------

TEST(SmtpClientSession, EofMidSessionLeavesRecipientsTransient)
{
    Script s(submission({bob(), carol()}));
    s.toMail();
    s.server(kOk);
    s.server(kOk); // bob accepted, carol's RCPT outstanding
    EXPECT_EQ(s.eof(), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.client.result().error, "connection closed by server");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.status(1), Status::TransientFailure);
}

TEST(SmtpClientSession, EofAfterContentSentIsTransient)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    EXPECT_TRUE(s.client.awaitingFinalReply());
    EXPECT_EQ(s.eof(), "");
    EXPECT_FALSE(s.client.awaitingFinalReply());
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.client.result().error, "connection closed by server");
}

TEST(SmtpClientSession, EofInsideAMultiLineReply)
{
    Script s(submission({bob()}));
    s.server(kGreeting);
    EXPECT_EQ(s.server("250-mail.example.org\r\n250-SIZE"), "");
    EXPECT_EQ(s.eof(), "");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_TRUE(s.client.finished());
}

TEST(SmtpClientSession, EofWhileAwaitingQuitIsANormalEnd)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    s.server(kOk);
    EXPECT_EQ(s.client.state(), ClientState::AwaitQuit);
    EXPECT_EQ(s.eof(), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.client.result().error, "");
    EXPECT_EQ(s.status(0), Status::Delivered);
}

TEST(SmtpClientSession, TimeoutLeavesRecipientsTransient)
{
    Script s(submission({bob()}));
    s.toMail();
    EXPECT_EQ(s.timeout(), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.client.result().error, "timed out");
    EXPECT_EQ(s.status(0), Status::TransientFailure);
}

TEST(SmtpClientSession, TimeoutWaitingForFinalReplyIsTransient)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    s.timeout();
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.client.result().error, "timed out");
}

TEST(SmtpClientSession, InputAfterDoneIsIgnored)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    s.server(kOk);
    s.server(kBye);
    ASSERT_TRUE(s.client.finished());
    EXPECT_TRUE(s.client.receive("250 unsolicited\r\n").empty());
    EXPECT_TRUE(s.client.receive("garbage\r\n").empty());
    EXPECT_TRUE(s.client.receiveEof().empty());
    EXPECT_TRUE(s.client.timeout().empty());
    EXPECT_EQ(s.status(0), Status::Delivered);
    EXPECT_EQ(s.client.result().error, "");
    EXPECT_EQ(s.client.result().lastReply.code, 221);
}

TEST(SmtpClientSession, BytesAfterTheFinalReplyInTheSameChunkAreIgnored)
{
    Script s(submission({bob()}));
    toFinalReply(s);
    EXPECT_EQ(s.server("250 Ok\r\n221 Bye\r\n250 extra\r\nnot smtp\r\n"), "QUIT\r\n");
    EXPECT_TRUE(s.client.finished());
    EXPECT_TRUE(s.last.close);
    EXPECT_EQ(s.client.result().error, "");
    EXPECT_EQ(s.last.received.size(), 2u);
}

TEST(SmtpClientSession, StateNames)
{
    EXPECT_STREQ(mailsim::smtp::toString(ClientState::AwaitGreeting), "AwaitGreeting");
    EXPECT_STREQ(mailsim::smtp::toString(ClientState::AwaitMistake), "AwaitMistake");
    EXPECT_STREQ(mailsim::smtp::toString(ClientState::AwaitDataEnd), "AwaitDataEnd");
    EXPECT_STREQ(mailsim::smtp::toString(ClientState::Done), "Done");
}

// --- the deliberate mistake ------------------------------------------------------------

namespace {

using Mistake = ClientConfig::Mistake;

ClientConfig withMistake(Mistake mistake)
{
    ClientConfig config;
    config.mistake = mistake;
    return config;
}

const QByteArray kUnrecognized = "500 Syntax error, command unrecognized\r\n";
const QByteArray kNeedMail = "503 Bad sequence of commands: need MAIL command\r\n";

} // namespace

TEST(SmtpClientSession, TypoIsSentAloneAfterEhloThenTheTransactionGoesOn)
{
    Script s(submission({bob()}), withMistake(Mistake::Typo));
    EXPECT_EQ(s.toMail(), "MIAL FROM:<alice@example.org>\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitMistake);
    ASSERT_EQ(s.last.sent.size(), 1u);
    EXPECT_EQ(s.last.sent[0].kind, Transmission::Kind::Command);
    EXPECT_EQ(s.client.result().mistakeReply.code, 0); // not answered yet

    EXPECT_EQ(s.server(kUnrecognized), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    ASSERT_EQ(s.last.received.size(), 1u);
    EXPECT_EQ(s.last.received[0].kind, Transmission::Kind::Reply);
    EXPECT_EQ(s.last.received[0].code, 500);
    EXPECT_EQ(s.last.received[0].bytes, kUnrecognized);
    EXPECT_EQ(s.client.result().mistakeReply.code, 500);
    EXPECT_EQ(s.client.result().mistakeReply.text, "Syntax error, command unrecognized");
    EXPECT_EQ(s.client.state(), ClientState::AwaitMail);

    EXPECT_EQ(s.server("250 2.1.0 Ok\r\n"), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "DATA\r\n");
    EXPECT_EQ(s.server(kGoAhead), kContent + ".\r\n");
    EXPECT_EQ(s.server(kOk), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::Delivered);
    EXPECT_EQ(s.client.result().error, "");              // a refused mistake is no failure
    EXPECT_EQ(s.client.result().mistakeReply.code, 500); // kept to the end
}

TEST(SmtpClientSession, OutOfOrderNamesTheFirstRecipientBeforeMailFrom)
{
    Script s(submission({bob(), carol()}), withMistake(Mistake::OutOfOrder));
    EXPECT_EQ(s.toMail(), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.client.state(), ClientState::AwaitMistake);
    EXPECT_EQ(s.server(kNeedMail), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    EXPECT_EQ(s.client.result().mistakeReply.code, 503);
    // The 503 belongs to the mistake, not to bob: his RCPT TO is still to come.
    EXPECT_EQ(s.status(0), Status::Pending);
    EXPECT_EQ(s.code(0), 0);

    EXPECT_EQ(s.server("250 2.1.0 Ok\r\n"), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "RCPT TO:<carol@example.net>\r\n");
    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "DATA\r\n");
    EXPECT_EQ(s.server(kGoAhead), kContent + ".\r\n");
    EXPECT_EQ(s.server(kOk), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::Delivered);
    EXPECT_EQ(s.status(1), Status::Delivered);
    EXPECT_EQ(s.client.result().error, "");
}

TEST(SmtpClientSession, MistakeComesAfterHeloToo)
{
    Script s(submission({bob()}), withMistake(Mistake::Typo));
    EXPECT_EQ(s.server(kGreeting), "EHLO client.example.org\r\n");
    EXPECT_EQ(s.server("502 Command not implemented\r\n"), "HELO client.example.org\r\n");
    EXPECT_EQ(s.server("250 mail.example.org\r\n"), "MIAL FROM:<alice@example.org>\r\n");
    EXPECT_EQ(s.server(kUnrecognized), "MAIL FROM:<alice@example.org>\r\n"); // no SIZE=
}

TEST(SmtpClientSession, MistakeAnsweredWith2xxStillContinues)
{
    // A lenient server accepts the RCPT TO out of order. That acceptance is not bob's: his
    // own RCPT TO, inside the transaction, is refused, so nothing is offered (no DATA).
    Script s(submission({bob()}), withMistake(Mistake::OutOfOrder));
    EXPECT_EQ(s.toMail(), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server("250 2.1.5 Ok\r\n"), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    EXPECT_EQ(s.client.result().mistakeReply.code, 250);
    EXPECT_EQ(s.status(0), Status::Pending);
    EXPECT_EQ(s.server("250 2.1.0 Ok\r\n"), "RCPT TO:<bob@example.net>\r\n");
    EXPECT_EQ(s.server("550 5.1.1 No such user\r\n"), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 550);

    Script t(submission({bob()}), withMistake(Mistake::Typo));
    EXPECT_EQ(t.toMail(), "MIAL FROM:<alice@example.org>\r\n");
    EXPECT_EQ(t.server("250 2.1.0 Ok\r\n"), "MAIL FROM:<alice@example.org> SIZE=22\r\n");
    EXPECT_EQ(t.client.result().mistakeReply.code, 250);
}

TEST(SmtpClientSession, MistakeAnsweredWith4xxOr354StillContinues)
{
    for (const QByteArray &reply : {QByteArray("451 4.3.0 Try later\r\n"), kGoAhead}) {
        Script s(submission({bob()}), withMistake(Mistake::Typo));
        s.toMail();
        EXPECT_EQ(s.server(reply), "MAIL FROM:<alice@example.org> SIZE=22\r\n")
            << reply.toStdString();
        EXPECT_EQ(s.client.result().error, "");
    }
}

TEST(SmtpClientSession, MistakeAnsweredWith421EndsWithoutQuit)
{
    Script s(submission({bob()}), withMistake(Mistake::Typo));
    s.toMail();
    EXPECT_EQ(s.server("421 4.3.2 Shutting down\r\n"), "");
    EXPECT_TRUE(s.last.close);
    EXPECT_TRUE(s.client.finished());
    EXPECT_EQ(s.client.result().mistakeReply.code, 421);
    EXPECT_EQ(s.status(0), Status::TransientFailure);
    EXPECT_EQ(s.client.result().error, "the deliberate mistake refused: 421 4.3.2 Shutting down");
}

TEST(SmtpClientSession, NoMistakeWithoutRecipients)
{
    Script s(submission({}), withMistake(Mistake::OutOfOrder));
    EXPECT_EQ(s.toMail(), "QUIT\r\n");
    EXPECT_EQ(s.client.result().mistakeReply.code, 0);
}

TEST(SmtpClientSession, MistakeComesBeforeTheSizeCheck)
{
    // The mistake belongs to the dialogue after EHLO; the transaction that follows is the
    // usual one, here: a message over the announced SIZE is not offered.
    Script s(submission({bob()}, QByteArray(200, 'x')), withMistake(Mistake::Typo));
    EXPECT_EQ(s.toMail("250-mail.example.org\r\n250 SIZE 100\r\n"),
              "MIAL FROM:<alice@example.org>\r\n");
    EXPECT_EQ(s.server(kUnrecognized), "QUIT\r\n");
    EXPECT_EQ(s.status(0), Status::PermanentFailure);
    EXPECT_EQ(s.code(0), 552);
}

TEST(SmtpClientSession, MistakeDialogueFedInAnyChunkingGivesTheSameWire)
{
    // The server side answers the mistake with 250 by surprise, then a normal transaction.
    const QByteArray script =
        kGreeting + kEhloFull + "250 2.1.5 Ok\r\n" + kOk + kOk + kGoAhead + kOk + kBye;
    const QByteArray expected = "EHLO client.example.org\r\n"
                                "RCPT TO:<bob@example.net>\r\n"
                                "MAIL FROM:<alice@example.org> SIZE=22\r\n"
                                "RCPT TO:<bob@example.net>\r\n"
                                "DATA\r\n" +
                                kContent + ".\r\nQUIT\r\n";
    for (qsizetype cut = 0; cut <= script.size(); ++cut) {
        SmtpClientSession client(withMistake(Mistake::OutOfOrder), submission({bob()}));
        QByteArray wire = client.receive(QByteArrayView(script).first(cut)).wire();
        wire += client.receive(QByteArrayView(script).sliced(cut)).wire();
        EXPECT_EQ(wire, expected) << "split at " << cut;
        EXPECT_TRUE(client.finished()) << "split at " << cut;
        EXPECT_EQ(client.result().recipients.at(0).status, Status::Delivered) << "split at " << cut;
        EXPECT_EQ(client.result().mistakeReply.code, 250) << "split at " << cut;
    }
}

TEST(SmtpClientSession, MistakeNames)
{
    EXPECT_STREQ(mailsim::smtp::toString(Mistake::None), "none");
    EXPECT_STREQ(mailsim::smtp::toString(Mistake::Typo), "typo");
    EXPECT_STREQ(mailsim::smtp::toString(Mistake::OutOfOrder), "out-of-order");
}
