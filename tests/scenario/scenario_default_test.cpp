// scenarios/six-stages-basic.yaml is the built-in default scenario: the program carries the
// file itself as a resource, and loading it gives the lecture's world and expectations.
#include "scenario/scenario_test_support.h"

#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"
#include "world/world_spec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

LoadResult loadBasic()
{
    return loadScenarioFile(sourcePath(QStringLiteral("scenarios/six-stages-basic.yaml")));
}

TEST(ScenarioDefault, LoadsWithoutErrors)
{
    const LoadResult result = loadBasic();
    EXPECT_TRUE(result.ok()) << errorsText(result).toStdString();
    EXPECT_TRUE(result.errors.empty());
}

TEST(ScenarioDefault, TheBuiltInScenarioIsTheFileInScenarios)
{
    QFile resource(builtInScenarioPath());
    QFile file(sourcePath(QStringLiteral("scenarios/six-stages-basic.yaml")));
    ASSERT_TRUE(resource.open(QIODevice::ReadOnly));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(resource.readAll(), file.readAll());

    const LoadResult result = loadBasic();
    ASSERT_TRUE(result.ok()) << errorsText(result).toStdString();
    expectSameWorld(result.scenario->world, builtInScenario().world);
    EXPECT_EQ(builtInScenario().expectations.size(), result.scenario->expectations.size());
}

TEST(ScenarioDefault, EveryShippedExampleIsCompiledInAndLoads)
{
    const QStringList examples = exampleScenarioPaths();
    ASSERT_FALSE(examples.isEmpty());
    EXPECT_EQ(examples.front(), builtInScenarioPath()) << "the default comes first in the menu";
    QStringList expected = QDir(sourcePath(QStringLiteral("scenarios")))
                               .entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    QStringList names;
    for (const QString &path : examples) {
        names << QFileInfo(path).fileName();
        const LoadResult result = loadScenarioFile(path);
        EXPECT_TRUE(result.ok()) << path.toStdString() << "\n" << errorsText(result).toStdString();
    }
    EXPECT_EQ(names.size(), expected.size());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, expected);
}

TEST(ScenarioDefault, DescribesTheLecturesWorld)
{
    const world::WorldSpec &w = builtInScenario().world;
    EXPECT_EQ(w.title, QStringLiteral("Alice sends a message to Bob"));
    ASSERT_EQ(w.servers.size(), 2u);
    EXPECT_EQ(w.servers[0].settings.hostname, QStringLiteral("mail.example.org"));
    EXPECT_EQ(w.servers[1].settings.domain, QStringLiteral("example.net"));
    EXPECT_EQ(w.servers[1].settings.smtpPort, 25);
    EXPECT_EQ(w.servers[1].settings.submissionPort, 587);
    ASSERT_EQ(w.users.size(), 2u);
    EXPECT_EQ(w.users[0].address, QStringLiteral("alice@example.org"));
    EXPECT_EQ(w.users[1].uaHost, QStringLiteral("bob-pc.example.net"));
    EXPECT_EQ(w.links.size(), 5u);
    ASSERT_EQ(w.mx.size(), 2u);
    EXPECT_EQ(w.mx[1].exchange, QStringLiteral("mail.example.net"));
    ASSERT_EQ(w.sends.size(), 1u);
    EXPECT_EQ(w.sends[0].to, QStringList{QStringLiteral("bob@example.net")});
    EXPECT_EQ(w.sends[0].subject, QStringLiteral("Lunch on Friday?"));
    ASSERT_EQ(w.reads.size(), 1u);
    EXPECT_EQ(w.reads[0].at, core::seconds(2));
    EXPECT_EQ(w.epoch, QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC));
}

TEST(ScenarioDefault, MessageIdsNameEachSend)
{
    const LoadResult result = loadBasic();
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.scenario->messageIds, std::vector<QString>{QStringLiteral("lunch")});
    EXPECT_TRUE(result.scenario->lessonNotes.empty());
}

TEST(ScenarioDefault, ExpectationsAreTheLecturesOutcome)
{
    const LoadResult result = loadBasic();
    ASSERT_TRUE(result.ok());
    const std::vector<Expectation> &e = result.scenario->expectations;
    ASSERT_EQ(e.size(), 7u);

    EXPECT_EQ(e[0].kind, Expectation::Kind::MailboxCount);
    EXPECT_EQ(e[0].user, QStringLiteral("bob@example.net"));
    EXPECT_EQ(e[0].count, 1);
    EXPECT_EQ(e[0].subject, QStringLiteral("Lunch on Friday?"));

    EXPECT_EQ(e[1].kind, Expectation::Kind::ReplySeen);
    EXPECT_EQ(e[1].code, 354);
    EXPECT_EQ(e[2].kind, Expectation::Kind::ReplySeen);
    EXPECT_EQ(e[2].code, 250);

    EXPECT_EQ(e[3].kind, Expectation::Kind::QueueEmpty);
    EXPECT_EQ(e[3].server, QStringLiteral("mail.example.org"));

    EXPECT_EQ(e[4].kind, Expectation::Kind::Hops);
    EXPECT_EQ(e[4].user, QStringLiteral("bob@example.net"));
    EXPECT_EQ(e[4].count, 2);
    EXPECT_TRUE(e[4].subject.isEmpty());

    EXPECT_EQ(e[5].kind, Expectation::Kind::Fetched);
    EXPECT_EQ(e[5].user, QStringLiteral("bob@example.net"));
    EXPECT_EQ(e[5].count, 1);
    EXPECT_EQ(e[6].kind, Expectation::Kind::AccessReplyNotSeen);
    EXPECT_EQ(e[6].protocol, QStringLiteral("pop3"));
    EXPECT_EQ(e[6].status, QStringLiteral("-ERR"));

    // Each knows where it was written (the lines of the file's `expect:` list).
    for (const Expectation &x : e) {
        EXPECT_GE(x.where.line, 1);
        EXPECT_GE(x.where.column, 1);
    }
    EXPECT_LT(e[0].where.line, e[4].where.line);
}

TEST(ScenarioDefault, WritingTheDefaultWorldLoadsBackTheSame)
{
    Scenario scenario;
    scenario.world = builtInScenario().world;
    const QByteArray written = writeScenario(scenario);
    const LoadResult result = loadScenario(written, QStringLiteral("written.yaml"));
    ASSERT_TRUE(result.ok()) << errorsText(result).toStdString() << "\n" << written.toStdString();
    expectSameWorld(result.scenario->world, scenario.world);
    // The writer made up an id for the message, since the world has none.
    EXPECT_EQ(result.scenario->messageIds, std::vector<QString>{QStringLiteral("message-1")});
}

} // namespace
} // namespace mailsim::scenario::test
