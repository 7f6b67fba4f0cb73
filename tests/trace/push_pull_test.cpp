// The push and pull comparison, against runs of the example scenarios: each answer must
// come from the bytes of the run (ports, byte counts, media types), not from a script.
#include "scenario/access_override.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "trace/push_pull.h"
#include "world/world.h"

#include <gtest/gtest.h>

using namespace mailsim;

namespace {

trace::PushPullComparison compareRun(const scenario::Scenario &s, std::size_t *events = nullptr)
{
    world::World w(s.world);
    w.runToEnd();
    if (events)
        *events = w.trace().size();
    return trace::comparePushPull(w.trace(), w.trace().size());
}

scenario::Scenario example(const char *name)
{
    const scenario::LoadResult r =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/%1").arg(QLatin1String(name)));
    EXPECT_TRUE(r.ok()) << name;
    return r.ok() ? *r.scenario : scenario::Scenario{};
}

} // namespace

TEST(PushPull, Pop3PullsWhatSmtpPushed)
{
    const trace::PushPullComparison c = compareRun(scenario::builtInScenario());
    ASSERT_TRUE(c.missing.isEmpty()) << c.missing.toStdString();
    EXPECT_EQ(c.push.protocol, QStringLiteral("SMTP"));
    EXPECT_EQ(c.push.client, QStringLiteral("mail.example.org"));
    EXPECT_EQ(c.push.server, QStringLiteral("mail.example.net"));
    EXPECT_EQ(c.push.port, 25);
    EXPECT_EQ(c.pull.protocol, QStringLiteral("POP3"));
    EXPECT_EQ(c.pull.client, QStringLiteral("bob-pc.example.net"));
    EXPECT_EQ(c.pull.server, QStringLiteral("mail.example.net"));
    EXPECT_EQ(c.pull.port, 110);
    EXPECT_EQ(c.push.lines.value(0), QStringLiteral("S: 220 mail.example.net ESMTP MailSim ready"));
    EXPECT_EQ(c.pull.lines.value(1), QStringLiteral("C: USER bob@example.net"));
    ASSERT_EQ(c.rows.size(), 5u);
    EXPECT_TRUE(c.rows[0].push.contains(QStringLiteral("mail.example.org")));
    EXPECT_TRUE(c.rows[0].pull.contains(QStringLiteral("bob-pc.example.net")));
    EXPECT_TRUE(c.rows[0].pull.contains(QStringLiteral("port 110")));
    EXPECT_TRUE(c.rows[1].push.contains(QStringLiteral("after DATA")));
    EXPECT_TRUE(c.rows[1].pull.contains(QStringLiteral("\"RETR 1\""))) << c.rows[1].pull.toStdString();
    EXPECT_TRUE(c.rows[2].push.contains(QStringLiteral("text/plain")));
    EXPECT_TRUE(c.rows[2].pull.contains(QStringLiteral("RETR")));
    EXPECT_TRUE(c.rows[3].push.startsWith(QStringLiteral("Only text"))) << c.rows[3].push.toStdString();
}

TEST(PushPull, BeforeStageSixItSaysWhatIsMissing)
{
    world::World w(scenario::builtInScenario().world);
    w.runToEnd();
    const trace::PushPullComparison none = trace::comparePushPull(w.trace(), 0);
    EXPECT_TRUE(none.rows.empty());
    EXPECT_TRUE(none.missing.contains(QStringLiteral("stage 5")));
    std::size_t firstRead = 0;
    while (w.trace().at(firstRead).stage < 6)
        ++firstRead;
    const trace::PushPullComparison half = trace::comparePushPull(w.trace(), firstRead);
    EXPECT_TRUE(half.rows.empty());
    EXPECT_TRUE(half.missing.contains(QStringLiteral("stage 6")));
    EXPECT_EQ(half.push.protocol, QStringLiteral("SMTP")) << "the push side is already there";
    EXPECT_TRUE(half.pull.protocol.isEmpty());
}

TEST(PushPull, WebMailSendsTheAttachmentAsRawBytesWhereSmtpNeedsBase64)
{
    const scenario::Scenario s = scenario::withAccessRoute(example("mime-attachment.yaml"), mail::AccessRoute::WebMail);
    const trace::PushPullComparison c = compareRun(s);
    ASSERT_TRUE(c.missing.isEmpty()) << c.missing.toStdString();
    EXPECT_EQ(c.pull.protocol, QStringLiteral("HTTP"));
    EXPECT_EQ(c.pull.port, 80);
    ASSERT_EQ(c.rows.size(), 5u);
    // Several parts in one message against one object per response.
    EXPECT_TRUE(c.rows[2].push.contains(QStringLiteral("multipart/mixed"))) << c.rows[2].push.toStdString();
    EXPECT_TRUE(c.rows[2].pull.contains(QStringLiteral("responses, one object each"))) << c.rows[2].pull.toStdString();
    EXPECT_TRUE(c.rows[2].pull.contains(QStringLiteral("text/html")));
    // base64 in SMTP, raw bytes in HTTP.
    EXPECT_TRUE(c.rows[3].push.contains(QStringLiteral("as base64 text"))) << c.rows[3].push.toStdString();
    EXPECT_TRUE(c.rows[3].pull.contains(QStringLiteral("raw bytes"))) << c.rows[3].pull.toStdString();
    EXPECT_TRUE(c.rows[3].pull.contains(QStringLiteral("no base64 in HTTP")));
}

TEST(PushPull, ImapSaysTheServerAnnouncesWithIdle)
{
    const trace::PushPullComparison c = compareRun(example("imap-idle.yaml"));
    ASSERT_TRUE(c.missing.isEmpty()) << c.missing.toStdString();
    EXPECT_EQ(c.pull.protocol, QStringLiteral("IMAP"));
    EXPECT_EQ(c.pull.port, 143);
    EXPECT_TRUE(c.rows[1].pull.contains(QStringLiteral("UID FETCH"))) << c.rows[1].pull.toStdString();
    EXPECT_TRUE(c.rows[4].pull.contains(QStringLiteral("IDLE")));
}
