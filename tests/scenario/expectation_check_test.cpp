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

// "A message with an attachment named X": the file name as the recipient's program shows it,
// at any depth of the multiparts, together with the subject when both are given.
TEST(ExpectationCheck, CountsMessagesCarryingAnAttachmentOfAGivenName)
{
    Scenario s = builtInScenario();
    world::SendSpec second = s.world.sends[0];
    second.subject = QStringLiteral("Photos");
    second.html = QStringLiteral("<p>Photos</p>");
    second.attachments.push_back(
        {QStringLiteral("Köln.jpg"), QStringLiteral("image/jpeg"), QByteArray(300, '\xff'), {}});
    second.attachments.push_back(
        {QStringLiteral("notes.txt"), QStringLiteral("text/plain"), QByteArray("notes"), {}});
    s.world.sends.push_back(second);
    world::World world(s.world);
    world.runToEnd();

    Expectation x;
    x.kind = Expectation::Kind::MailboxCount;
    x.user = QStringLiteral("bob@example.net");
    x.count = 1;
    auto passes = [&](const QString &attachment, const QString &subject) {
        x.attachment = attachment;
        x.subject = subject;
        return checkExpectations({x}, world).front().passed;
    };
    EXPECT_TRUE(passes(QStringLiteral("Köln.jpg"), QString()));
    EXPECT_TRUE(passes(QStringLiteral("notes.txt"), QStringLiteral("Photos")));
    EXPECT_FALSE(passes(QStringLiteral("notes.txt"), QStringLiteral("Lunch on Friday?")));
    EXPECT_FALSE(passes(QStringLiteral("koln.jpg"), QString())) << "names are compared exactly";
    x.count = 0;
    EXPECT_TRUE(passes(QStringLiteral("missing.pdf"), QString()));

    x.count = 1;
    x.attachment = QStringLiteral("notes.txt");
    x.subject.clear();
    EXPECT_EQ(describeExpectation(x), QStringLiteral("bob@example.net's mailbox holds 1 message "
                                                     "with an attachment named \"notes.txt\""));
    x.subject = QStringLiteral("Photos");
    EXPECT_EQ(checkExpectations({x}, world).front().description,
              QStringLiteral("bob@example.net's mailbox holds 1 message with Subject \"Photos\" "
                             "with an attachment named \"notes.txt\""));
}

} // namespace
} // namespace mailsim::scenario::test
