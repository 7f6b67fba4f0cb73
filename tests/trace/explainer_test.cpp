// explainInFull: the general meaning of a reply's class digit, then what this reply means,
// each text taken from its one home (the reply catalogue and explain()).
#include "protocol/smtp/smtp_reply.h"
#include "protocol/smtp/smtp_reply_catalog.h"
#include "trace/explainer.h"

#include <gtest/gtest.h>

using namespace mailsim;

namespace {

struct SmallDialogue : ::testing::Test
{
    trace::TraceLog log;
    trace::ActorId client = -1;
    trace::ActorId server = -1;

    void SetUp() override
    {
        client =
            log.addActor({QStringLiteral("mail.example.org"), QStringLiteral("Alice's mail server"),
                          QStringLiteral("192.0.2.25"), trace::ActorRole::MailServer});
        server =
            log.addActor({QStringLiteral("mail.example.net"), QStringLiteral("Bob's mail server"),
                          QStringLiteral("203.0.113.25"), trace::ActorRole::MailServer});
    }
    std::size_t add(trace::EventKind kind, bool fromClient, int code, const QByteArray &data)
    {
        trace::TraceEvent e;
        e.kind = kind;
        e.from = fromClient ? client : server;
        e.to = fromClient ? server : client;
        e.connection = 1;
        e.code = code;
        e.data = data;
        log.append(e);
        return log.size() - 1;
    }
    static QString classMeaning(int code)
    {
        return QString::fromUtf8(smtp::replyClassMeaning(smtp::Reply{code, {}}.replyClass()));
    }
};

} // namespace

TEST_F(SmallDialogue, AReplyGetsItsClassMeaningAndThenItsOwnSentence)
{
    add(trace::EventKind::SmtpCommand, true, 0, "RCPT TO:<bbo@example.net>\r\n");
    const std::size_t refused = add(trace::EventKind::SmtpReply, false, 550,
                                    "550 <bbo@example.net>: no such user here\r\n");
    const QString full = trace::explainInFull(log, refused);
    EXPECT_TRUE(full.startsWith(classMeaning(550))) << full.toStdString();
    EXPECT_TRUE(full.endsWith(trace::explain(log, refused))) << full.toStdString();
    EXPECT_TRUE(full.contains(QStringLiteral("bounce"))) << full.toStdString();

    add(trace::EventKind::SmtpCommand, true, 0, "MAIL FROM:<alice@example.org>\r\n");
    const std::size_t ok = add(trace::EventKind::SmtpReply, false, 250, "250 OK\r\n");
    EXPECT_EQ(trace::explainInFull(log, ok),
              classMeaning(250) + QLatin1Char(' ') + trace::explain(log, ok));
}

TEST_F(SmallDialogue, ACodeTheCatalogueDoesNotKnowIsExplainedOnce)
{
    const std::size_t odd = add(trace::EventKind::SmtpReply, false, 299, "299 odd\r\n");
    EXPECT_EQ(trace::explainInFull(log, odd), classMeaning(299));
}

TEST_F(SmallDialogue, OtherEventsAreExplainedAsByExplain)
{
    const std::size_t command = add(trace::EventKind::SmtpCommand, true, 0, "QUIT\r\n");
    const std::size_t syn = add(trace::EventKind::TcpSyn, true, 25, {});
    EXPECT_EQ(trace::explainInFull(log, command), trace::explain(log, command));
    EXPECT_EQ(trace::explainInFull(log, syn), trace::explain(log, syn));
}

TEST_F(SmallDialogue, AuthCommandsAndAnswersAreDecodedForTheStudent)
{
    // "\0alice\0wonderland" as an initial response.
    const std::size_t plain = add(trace::EventKind::SmtpCommand, true, 0,
                                  "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
    const QString said = trace::explain(log, plain);
    EXPECT_TRUE(said.contains(QStringLiteral("user \"alice\" and password \"wonderland\"")))
        << said.toStdString();
    EXPECT_TRUE(said.contains(QStringLiteral("not encryption"))) << said.toStdString();

    // The same credentials as the answer to PLAIN's empty 334.
    add(trace::EventKind::SmtpCommand, true, 0, "AUTH PLAIN\r\n");
    const std::size_t ready = add(trace::EventKind::SmtpReply, false, 334, "334 \r\n");
    EXPECT_TRUE(trace::explain(log, ready).contains(QStringLiteral("PLAIN")));
    EXPECT_TRUE(trace::explainInFull(log, ready).startsWith(classMeaning(334)));
    const std::size_t answer =
        add(trace::EventKind::SmtpCommand, true, 0, "AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
    EXPECT_TRUE(trace::explain(log, answer).contains(QStringLiteral("password \"wonderland\"")))
        << trace::explain(log, answer).toStdString();
    const std::size_t accepted =
        add(trace::EventKind::SmtpReply, false, 235, "235 2.7.0 Authentication successful\r\n");
    EXPECT_TRUE(trace::explain(log, accepted).contains(QStringLiteral("relay")));

    // A line after a reply that is not 334 is a command again, however it looks.
    const std::size_t notAnAnswer = add(trace::EventKind::SmtpCommand, true, 0, "Ym9i\r\n");
    EXPECT_EQ(trace::explain(log, notAnAnswer), QStringLiteral("A command the client sends to the server."));
}

TEST_F(SmallDialogue, AuthRefusalsCancellingAndUnknownMechanismsHaveTheirOwnWords)
{
    add(trace::EventKind::SmtpCommand, true, 0, "AUTH LOGIN\r\n");
    add(trace::EventKind::SmtpReply, false, 334, "334 VXNlcm5hbWU6\r\n");
    const std::size_t cancel = add(trace::EventKind::SmtpCommand, true, 0, "*\r\n");
    EXPECT_TRUE(trace::explain(log, cancel).contains(QStringLiteral("gives up"))) << trace::explain(log, cancel).toStdString();
    const std::size_t cancelled =
        add(trace::EventKind::SmtpReply, false, 501, "501 5.7.0 Authentication cancelled\r\n");
    EXPECT_EQ(trace::explain(log, cancelled),
              QString::fromUtf8(smtp::replyInfo(smtp::ReplyId::AuthCancelled).meaning));

    const std::size_t odd = add(trace::EventKind::SmtpCommand, true, 0, "AUTH CRAM-MD5\r\n");
    EXPECT_TRUE(trace::explain(log, odd).contains(QStringLiteral("CRAM-MD5")));
    const std::size_t refused = add(trace::EventKind::SmtpReply, false, 535,
                                    "535 5.7.8 Authentication credentials invalid\r\n");
    EXPECT_EQ(trace::explain(log, refused), QString::fromUtf8(smtp::replyInfo(smtp::ReplyId::AuthFailed).meaning));
    const std::size_t required =
        add(trace::EventKind::SmtpReply, false, 530, "530 5.7.0 Authentication required\r\n");
    EXPECT_TRUE(trace::explain(log, required).contains(QStringLiteral("log in")));
}

TEST_F(SmallDialogue, The421OfTooManyErrorsIsNotThe421OfAServerGoingDown)
{
    const std::size_t down = add(trace::EventKind::SmtpReply, false, 421,
                                 "421 mail.example.net Service not available, closing transmission channel\r\n");
    const std::size_t fed = add(trace::EventKind::SmtpReply, false, 421,
                                "421 4.7.0 mail.example.net Too many errors, closing transmission channel\r\n");
    EXPECT_EQ(trace::explain(log, down),
              QString::fromUtf8(smtp::replyInfo(smtp::ReplyId::ServiceNotAvailable).meaning));
    EXPECT_EQ(trace::explain(log, fed), QString::fromUtf8(smtp::replyInfo(smtp::ReplyId::TooManyErrors).meaning));
}
