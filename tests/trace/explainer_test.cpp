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
