// The built-in scenario end to end: a golden SMTP transcript, determinism, and the
// "accepted mail is never lost" promise checked after every event.
#include "scenario/built_in.h"
#include "trace/json_formatter.h"
#include "trace/transcript.h"
#include "world/world.h"

#include <QFile>

#include <gtest/gtest.h>

using namespace mailsim;
using trace::EventKind;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArrayList jsonTrace(const world::World &w)
{
    QByteArrayList lines;
    for (std::size_t i = 0; i < w.trace().size(); ++i)
        lines << trace::toJsonLine(w.trace(), i);
    return lines;
}

} // namespace

TEST(DefaultScenario, TranscriptMatchesTheGoldenFile)
{
    world::World w(scenario::builtInScenario().world);
    ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
    w.runToEnd();
    const QByteArray actual = trace::protocolTranscript(w.trace()).toUtf8();
    const QString golden = QStringLiteral(MAILSIM_TEST_DATA_DIR "/golden/default-scenario.transcript");
    if (qEnvironmentVariableIsSet("MAILSIM_UPDATE_GOLDEN")) {
        QFile f(golden);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(actual);
    }
    EXPECT_EQ(actual.toStdString(), readFile(golden).toStdString())
        << "Rerun with MAILSIM_UPDATE_GOLDEN=1 to accept a deliberate change, then review the diff.";
}

TEST(DefaultScenario, MessageTakesTheSixStagesInOrder)
{
    world::World w(scenario::builtInScenario().world);
    w.runToEnd();
    int stage = 0;
    std::vector<int> firstIndexOfStage(7, -1);
    for (std::size_t i = 0; i < w.trace().size(); ++i) {
        const auto &e = w.trace().at(i);
        EXPECT_GE(e.stage, stage) << "stage went back at event " << i;
        stage = e.stage;
        if (firstIndexOfStage[e.stage] < 0)
            firstIndexOfStage[e.stage] = int(i);
    }
    for (int s = 1; s <= 6; ++s)
        EXPECT_GE(firstIndexOfStage[s], 0) << "stage " << s << " never happened";

    const auto &events = w.trace().events();
    EXPECT_EQ(events[firstIndexOfStage[1]].kind, EventKind::Compose);
    EXPECT_EQ(events[firstIndexOfStage[2]].kind, EventKind::TcpSyn);
    EXPECT_EQ(events[firstIndexOfStage[2]].code, 587);
    EXPECT_EQ(events[firstIndexOfStage[3]].kind, EventKind::DnsQuery);
    EXPECT_EQ(events[firstIndexOfStage[3]].data, "example.net. MX ?");
    EXPECT_EQ(events[firstIndexOfStage[4]].kind, EventKind::SmtpCommand);
    EXPECT_TRUE(events[firstIndexOfStage[4]].data.startsWith("MAIL FROM:<alice@example.org>"));
    EXPECT_EQ(events[firstIndexOfStage[5]].kind, EventKind::MailboxAdd);
    // Stage 6 is pull: Bob's agent opens a connection to POP3's port 110 of his server.
    EXPECT_EQ(events[firstIndexOfStage[6]].kind, EventKind::TcpSyn);
    EXPECT_EQ(events[firstIndexOfStage[6]].code, 110);
    EXPECT_EQ(w.trace().actorName(events[firstIndexOfStage[6]].from), QStringLiteral("bob-pc.example.net"));
    const auto read = std::find_if(events.begin(), events.end(),
                                   [](const trace::TraceEvent &e) { return e.kind == EventKind::MailboxRead; });
    ASSERT_NE(read, events.end());
    EXPECT_EQ(read->stage, 6);
    EXPECT_TRUE(read->data.contains("Subject: Lunch on Friday?"));

    // Stage 3 connects to port 25 of Bob's server.
    bool port25 = false;
    for (const auto &e : events)
        port25 = port25 || (e.kind == EventKind::TcpSyn && e.stage == 3 && e.code == 25);
    EXPECT_TRUE(port25);
}

TEST(DefaultScenario, BobEndsWithTheMessageAndTheQueuesAreEmpty)
{
    world::World w(scenario::builtInScenario().world);
    w.runToEnd();
    const mail::Mailbox *bob = w.mailboxOf("bob@example.net");
    ASSERT_NE(bob, nullptr);
    ASSERT_EQ(bob->size(), 1u);
    const QByteArray &m = bob->messages().front().content;
    EXPECT_TRUE(m.startsWith("Received: from mail.example.org (mail.example.org [192.0.2.25])"));
    EXPECT_EQ(m.count("Received: "), 2) << "one Received: field per server";
    EXPECT_TRUE(m.contains("\r\nSubject: Lunch on Friday?\r\n"));
    EXPECT_TRUE(m.endsWith("\r\nAlice\r\n"));
    EXPECT_EQ(w.mailboxOf("alice@example.org")->size(), 0u);
    for (const auto &server : w.servers())
        EXPECT_TRUE(server->queue().empty()) << server->settings().hostname.toStdString();
    EXPECT_EQ(w.openConnections(), 0u);
}

TEST(DefaultScenario, TwoRunsAndAResetGiveTheSameTraceByteForByte)
{
    world::World first(scenario::builtInScenario().world);
    first.runToEnd();
    world::World second(scenario::builtInScenario().world);
    second.runToEnd();
    const QByteArrayList a = jsonTrace(first);
    EXPECT_GT(a.size(), 40);
    EXPECT_EQ(a, jsonTrace(second));
    first.reset();
    first.runToEnd();
    EXPECT_EQ(a, jsonTrace(first));
}

TEST(DefaultScenario, ADifferentSeedChangesOnlyTheIds)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    world::World a(spec);
    a.runToEnd();
    spec.seed = 99;
    world::World b(spec);
    b.runToEnd();
    ASSERT_EQ(a.trace().size(), b.trace().size());
    EXPECT_NE(jsonTrace(a), jsonTrace(b));
    for (std::size_t i = 0; i < a.trace().size(); ++i) {
        EXPECT_EQ(a.trace().at(i).kind, b.trace().at(i).kind);
        EXPECT_EQ(a.trace().at(i).time, b.trace().at(i).time);
    }
}

TEST(DefaultScenario, AcceptedMailIsNeverLostAtAnyEvent)
{
    world::World w(scenario::builtInScenario().world);
    std::size_t steps = 0;
    bool sawAcceptedMail = false;
    while (w.step()) {
        ++steps;
        const QStringList violations = w.conservationViolations();
        ASSERT_TRUE(violations.isEmpty()) << "after kernel event " << steps << ": "
                                          << violations.join("; ").toStdString();
        sawAcceptedMail = sawAcceptedMail || !w.ledger().acceptedKeys().isEmpty();
    }
    EXPECT_TRUE(sawAcceptedMail);
    EXPECT_EQ(w.ledger().acceptedKeys().size(), 1);
}
