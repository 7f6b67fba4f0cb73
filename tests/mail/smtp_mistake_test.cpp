// A user agent that makes one SMTP mistake on purpose while submitting (stage 2): the
// built-in scenario with its first send marked, run to the end. The trace must show the
// wrong command and the server's refusal on the submission connection, and the message
// must still reach Bob, since the user agent goes on correctly afterwards.
#include "scenario/built_in.h"
#include "world/world.h"

#include <gtest/gtest.h>

using namespace mailsim;
using trace::EventKind;
using trace::TraceEvent;

namespace {

constexpr int kStageSubmit = 2;

struct MistakeWorld
{
    explicit MistakeWorld(world::SendSpec::Mistake mistake)
        : spec(scenario::builtInScenario().world)
    {
        spec.sends.at(0).mistake = mistake;
    }

    // Runs to the end; every step must keep accepted mail in exactly one place.
    void run(world::World &w)
    {
        ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
        while (w.step())
            ASSERT_TRUE(w.conservationViolations().isEmpty());
    }

    world::WorldSpec spec;
};

// The SMTP command `line` sent by Alice's user agent, and the reply that follows it on the
// same connection; null when there is none.
std::pair<const TraceEvent *, const TraceEvent *> commandAndReply(const world::World &w,
                                                                  const QByteArray &line)
{
    const std::vector<TraceEvent> &events = w.trace().events();
    for (std::size_t i = 0; i < events.size(); ++i) {
        const TraceEvent &command = events[i];
        if (command.kind != EventKind::SmtpCommand || command.data != line)
            continue;
        for (std::size_t j = i + 1; j < events.size(); ++j) {
            const TraceEvent &e = events[j];
            if (e.connection == command.connection && e.kind == EventKind::SmtpReply)
                return {&command, &e};
        }
        return {&command, nullptr};
    }
    return {nullptr, nullptr};
}

int countReplies(const world::World &w, int code)
{
    int n = 0;
    for (const TraceEvent &e : w.trace().events())
        n += e.kind == EventKind::SmtpReply && e.code == code ? 1 : 0;
    return n;
}

int countNotes(const world::World &w)
{
    int n = 0;
    for (const TraceEvent &e : w.trace().events())
        n += e.kind == EventKind::Note ? 1 : 0;
    return n;
}

void expectMistakeAnswered(world::World &w, const QByteArray &wrongCommand, int code,
                           const QByteArray &replyText)
{
    const auto [command, reply] = commandAndReply(w, wrongCommand);
    ASSERT_NE(command, nullptr) << "no " << wrongCommand.toStdString();
    ASSERT_NE(reply, nullptr);
    EXPECT_EQ(command->stage, kStageSubmit);
    EXPECT_EQ(w.trace().actors().at(command->from).name, "alice-pc.example.org");
    EXPECT_EQ(reply->stage, kStageSubmit);
    EXPECT_EQ(reply->code, code);
    EXPECT_EQ(reply->data, replyText);
    EXPECT_EQ(w.trace().actors().at(reply->from).name, "mail.example.org");
    EXPECT_EQ(countReplies(w, code), 1) << "only the mistake is refused";

    // Then the normal transaction on the same connection, and the message arrives.
    bool mailFromAfter = false;
    for (const TraceEvent &e : w.trace().events()) {
        if (&e <= reply || e.connection != command->connection || e.kind != EventKind::SmtpCommand)
            continue;
        mailFromAfter = e.data.startsWith("MAIL FROM:<alice@example.org>");
        break;
    }
    EXPECT_TRUE(mailFromAfter) << "the next command after the refusal is MAIL FROM";
    ASSERT_NE(w.mailboxOf("bob@example.net"), nullptr);
    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 1u);
    EXPECT_EQ(countNotes(w), 0) << "a refused mistake is not a failed submission";
}

} // namespace

TEST(SmtpMistake, TypoGets500OnTheSubmissionAndBobStillGetsTheMessage)
{
    MistakeWorld m(world::SendSpec::Mistake::Typo);
    world::World w(m.spec);
    m.run(w);
    expectMistakeAnswered(w, "MIAL FROM:<alice@example.org>\r\n", 500,
                          "500 Syntax error, command unrecognized\r\n");
}

TEST(SmtpMistake, OutOfOrderGets503OnTheSubmissionAndBobStillGetsTheMessage)
{
    MistakeWorld m(world::SendSpec::Mistake::OutOfOrder);
    world::World w(m.spec);
    m.run(w);
    expectMistakeAnswered(w, "RCPT TO:<bob@example.net>\r\n", 503,
                          "503 Bad sequence of commands: need MAIL command\r\n");
}

TEST(SmtpMistake, WithoutAMistakeNothingIsRefused)
{
    MistakeWorld m(world::SendSpec::Mistake::None);
    world::World w(m.spec);
    m.run(w);
    EXPECT_EQ(countReplies(w, 500), 0);
    EXPECT_EQ(countReplies(w, 503), 0);
    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 1u);
}
