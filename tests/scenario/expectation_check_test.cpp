// The words for an expectation are made in one place: describeExpectation() gives the same
// text the check's result carries, before the run as after it.
#include "scenario/scenario_test_support.h"

#include "scenario/built_in.h"
#include "scenario/expectation_check.h"
#include "world/world.h"

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

TEST(ExpectationCheck, DescriptionNeedsNoWorldAndMatchesTheResult)
{
    const Scenario &scenario = builtInScenario();
    ASSERT_FALSE(scenario.expectations.empty());
    world::World world(scenario.world);
    const auto before = checkExpectations(scenario.expectations, world);
    world.runToEnd();
    const auto after = checkExpectations(scenario.expectations, world);
    ASSERT_EQ(after.size(), scenario.expectations.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        const QString words = describeExpectation(scenario.expectations[i]);
        EXPECT_FALSE(words.isEmpty());
        EXPECT_EQ(words, after[i].description);
        EXPECT_EQ(words, before[i].description);
    }
}

TEST(ExpectationCheck, DescribesEachKind)
{
    Expectation x;
    x.kind = Expectation::Kind::MailboxCount;
    x.user = QStringLiteral("bob@example.net");
    x.count = 2;
    EXPECT_EQ(describeExpectation(x), QStringLiteral("bob@example.net's mailbox holds 2 messages"));
    x.count = 1;
    x.subject = QStringLiteral("Hi");
    EXPECT_EQ(describeExpectation(x),
              QStringLiteral("bob@example.net's mailbox holds 1 message with Subject \"Hi\""));
    x.kind = Expectation::Kind::Hops;
    EXPECT_EQ(describeExpectation(x),
              QStringLiteral("the message with Subject \"Hi\" in "
                             "bob@example.net's mailbox passed through 1 server"));
    x.kind = Expectation::Kind::ReplySeen;
    x.code = 354;
    EXPECT_EQ(describeExpectation(x), QStringLiteral("a 354 reply is sent"));
    x.kind = Expectation::Kind::ReplyNotSeen;
    x.code = 550;
    EXPECT_EQ(describeExpectation(x), QStringLiteral("no 550 reply is sent"));
    x.kind = Expectation::Kind::QueueEmpty;
    x.server = QStringLiteral("mail.example.org");
    EXPECT_EQ(describeExpectation(x),
              QStringLiteral("the outgoing queue of mail.example.org is empty"));
}

} // namespace
} // namespace mailsim::scenario::test
