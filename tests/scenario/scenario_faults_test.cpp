// Faults in the timeline (server-down ... no-mx) and a send's SMTP mistake: how a file spells
// them, what the loader makes of them, and that the writer gives back the same world. The
// errors are in tests/data/scenarios/broken/faults.yaml, with the other broken files.
#include "scenario/scenario_test_support.h"

#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"
#include "world/world_spec.h"

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

using core::milliseconds;
using core::minutes;
using core::seconds;
using Kind = world::FaultSpec::Kind;
using Mistake = world::SendSpec::Mistake;

Scenario loadValid(const QString &name)
{
    const QString path = testDataPath(QStringLiteral("scenarios/valid/") + name);
    const LoadResult result = loadScenario(readAll(path), path);
    EXPECT_TRUE(result.ok()) << errorsText(result).toStdString();
    return result.scenario.value_or(Scenario{});
}

// A small world the snippets below add their timeline to.
QByteArray withTimeline(const char *timeline)
{
    return QByteArray(R"(title: Faults
dns: { host: dns.example, address: 198.51.100.53 }
routers:
  - { host: internet, address: 198.51.100.1 }
domains:
  - name: example.org
    server: { host: mail.example.org, address: 192.0.2.25 }
  - name: example.net
    server: { host: mail.example.net, address: 203.0.113.25 }
users:
  - address: alice@example.org
    computer: { host: alice-pc.example.org, address: 192.0.2.10 }
  - address: bob@example.net
    computer: { host: bob-pc.example.net, address: 203.0.113.10 }
links:
  - { between: [alice-pc.example.org, mail.example.org] }
  - { between: [mail.example.org, internet] }
  - { between: [internet, mail.example.net] }
  - { between: [bob-pc.example.net, mail.example.net] }
messages:
  - { id: lunch, from: alice@example.org, to: bob@example.net, subject: Lunch }
timeline:
)") + timeline;
}

world::FaultSpec fault(core::SimTime at, Kind kind, const QString &host, const QString &other = {},
                       const QString &domain = {}, core::SimTime latency = 0)
{
    world::FaultSpec f;
    f.at = at;
    f.kind = kind;
    f.host = host;
    f.other = other;
    f.domain = domain;
    f.latency = latency;
    return f;
}

TEST(ScenarioFaults, EveryKindIsReadWithItsFieldsInTimeOrder)
{
    const Scenario s = loadValid(QStringLiteral("faults.yaml"));
    const QString net = QStringLiteral("mail.example.net");
    const QString internet = QStringLiteral("internet");
    const std::vector<world::FaultSpec> expected = {
        fault(0, Kind::ServerDown, net),
        fault(minutes(20), Kind::ServerUp, net),
        // Written MAIL.example.net: kept as the server declares its name.
        fault(minutes(25), Kind::ServerBusy, net),
        fault(minutes(30), Kind::ServerReady, net),
        fault(minutes(40), Kind::LinkDown, internet, net),
        fault(minutes(41), Kind::LinkUp, internet, net),
        // Given as 2025-03-03T09:45:00Z, 45 minutes after the default start.
        fault(minutes(45), Kind::LinkSlow, QStringLiteral("mail.example.org"), internet, {},
              seconds(2)),
        fault(minutes(50), Kind::NoMx, {}, {}, QStringLiteral("example.net")),
    };
    ASSERT_EQ(s.world.faults.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE("fault " + std::to_string(i));
        EXPECT_EQ(s.world.faults[i].at, expected[i].at);
        EXPECT_EQ(s.world.faults[i].kind, expected[i].kind);
        EXPECT_EQ(s.world.faults[i].host, expected[i].host);
        EXPECT_EQ(s.world.faults[i].other, expected[i].other);
        EXPECT_EQ(s.world.faults[i].domain, expected[i].domain);
        EXPECT_EQ(s.world.faults[i].latency, expected[i].latency);
        EXPECT_TRUE(s.world.faults[i] == expected[i]);
    }
}

TEST(ScenarioFaults, MistakesBelongToEachSendNotToTheMessage)
{
    const Scenario s = loadValid(QStringLiteral("faults.yaml"));
    ASSERT_EQ(s.world.sends.size(), 3u);
    EXPECT_EQ(s.world.sends[0].at, 0);
    EXPECT_EQ(s.world.sends[0].mistake, Mistake::Typo);
    EXPECT_EQ(s.world.sends[1].at, minutes(30));
    EXPECT_EQ(s.world.sends[1].mistake, Mistake::OutOfOrder);
    EXPECT_EQ(s.world.sends[2].at, minutes(50));
    EXPECT_EQ(s.world.sends[2].mistake, Mistake::None);
    EXPECT_EQ(s.messageIds, (std::vector<QString>(3, QStringLiteral("lunch"))));
}

TEST(ScenarioFaults, FaultsDueTogetherKeepTheOrderWritten)
{
    const LoadResult r = loadScenario(withTimeline(R"(
  - { at: 1s, fault: no-mx, domain: example.net }
  - { at: 0s, send: lunch }
  - { at: 1s, fault: server-busy, host: mail.example.net }
  - { at: 1s, fault: link-down, between: [mail.example.net, internet] }
  - { at: 500ms, fault: link-slow, between: [internet, mail.example.org], latency: 1500ms }
)"),
                                      QStringLiteral("together.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    const std::vector<world::FaultSpec> &f = r.scenario->world.faults;
    ASSERT_EQ(f.size(), 4u);
    EXPECT_TRUE(f[0] == fault(milliseconds(500), Kind::LinkSlow, QStringLiteral("internet"),
                              QStringLiteral("mail.example.org"), {}, milliseconds(1500)));
    EXPECT_EQ(f[1].kind, Kind::NoMx);
    EXPECT_EQ(f[2].kind, Kind::ServerBusy);
    EXPECT_EQ(f[3].kind, Kind::LinkDown);
    // The ends as written: the link is declared the other way round, which is the same link.
    EXPECT_EQ(f[3].host, QStringLiteral("mail.example.net"));
    EXPECT_EQ(f[3].other, QStringLiteral("internet"));
}

TEST(ScenarioFaults, RoundTripIsExact)
{
    const QString path = testDataPath(QStringLiteral("scenarios/valid/faults.yaml"));
    const LoadResult first = loadScenario(readAll(path), path);
    ASSERT_TRUE(first.ok()) << errorsText(first).toStdString();
    const QByteArray written = writeScenario(*first.scenario);
    const LoadResult second = loadScenario(written, QStringLiteral("written.yaml"));
    ASSERT_TRUE(second.ok()) << errorsText(second).toStdString() << "\n" << written.toStdString();
    expectSameScenario(*first.scenario, *second.scenario);
    EXPECT_EQ(writeScenario(*second.scenario).toStdString(), written.toStdString());
}

TEST(ScenarioFaults, WrittenAsFlowMappingsInTimeOrderWithTheSendsAndReads)
{
    const QByteArray written = writeScenario(loadValid(QStringLiteral("faults.yaml")));
    const qsizetype timeline = written.indexOf("\ntimeline:\n");
    ASSERT_GE(timeline, 0) << written.toStdString();
    EXPECT_EQ(written.mid(timeline).toStdString(), R"(
timeline:
  - { at: 0s, fault: server-down, host: mail.example.net }
  - { at: 0s, send: lunch, mistake: typo }
  - { at: 20m, fault: server-up, host: mail.example.net }
  - { at: 25m, fault: server-busy, host: mail.example.net }
  - { at: 30m, fault: server-ready, host: mail.example.net }
  - { at: 30m, send: lunch, mistake: out-of-order }
  - { at: 40m, fault: link-down, between: [internet, mail.example.net] }
  - { at: 41m, fault: link-up, between: [internet, mail.example.net] }
  - { at: 45m, fault: link-slow, between: [mail.example.org, internet], latency: 2s }
  - { at: 50m, fault: no-mx, domain: example.net }
  - { at: 50m, send: lunch }
  - { at: 3h, read: bob@example.net }
)");
}

// A world made in code (by the window, say) may hold its faults in any order; the file is
// written in time order, and loads back as that.
TEST(ScenarioFaults, FaultsMadeInCodeAreWrittenInTimeOrder)
{
    Scenario s = builtInScenario();
    ASSERT_FALSE(s.world.servers.empty());
    const QString server = s.world.servers.back().settings.hostname;
    const QString domain = s.world.servers.back().settings.domain;
    s.world.faults = {
        fault(seconds(30), Kind::ServerUp, server),
        fault(seconds(10), Kind::NoMx, {}, {}, domain),
        fault(0, Kind::ServerDown, server),
    };
    if (!s.world.sends.empty())
        s.world.sends.front().mistake = Mistake::OutOfOrder;
    const QByteArray written = writeScenario(s);
    const LoadResult loaded = loadScenario(written, QStringLiteral("written.yaml"));
    ASSERT_TRUE(loaded.ok()) << errorsText(loaded).toStdString() << "\n" << written.toStdString();
    const std::vector<world::FaultSpec> &f = loaded.scenario->world.faults;
    ASSERT_EQ(f.size(), 3u);
    EXPECT_TRUE(f[0] == s.world.faults[2]);
    EXPECT_TRUE(f[1] == s.world.faults[1]);
    EXPECT_TRUE(f[2] == s.world.faults[0]);
    if (!s.world.sends.empty()) {
        EXPECT_EQ(loaded.scenario->world.sends.front().mistake, Mistake::OutOfOrder);
    }
    EXPECT_EQ(writeScenario(*loaded.scenario).toStdString(), written.toStdString());
}

TEST(ScenarioFaults, AFileWithoutFaultsHasNone)
{
    const LoadResult r =
        loadScenario(withTimeline("  - { at: 0s, send: lunch }\n"), QStringLiteral("none.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_TRUE(r.scenario->world.faults.empty());
    EXPECT_EQ(r.scenario->world.sends.at(0).mistake, Mistake::None);
    EXPECT_EQ(writeScenario(*r.scenario).indexOf("mistake"), -1);
}

// The names a file may use are the ones the other parts of the program show.
TEST(ScenarioFaults, SpellingsOfKindsAndMistakes)
{
    EXPECT_STREQ(faultKindName(Kind::ServerDown), "server-down");
    EXPECT_STREQ(faultKindName(Kind::ServerUp), "server-up");
    EXPECT_STREQ(faultKindName(Kind::ServerBusy), "server-busy");
    EXPECT_STREQ(faultKindName(Kind::ServerReady), "server-ready");
    EXPECT_STREQ(faultKindName(Kind::LinkDown), "link-down");
    EXPECT_STREQ(faultKindName(Kind::LinkUp), "link-up");
    EXPECT_STREQ(faultKindName(Kind::LinkSlow), "link-slow");
    EXPECT_STREQ(faultKindName(Kind::NoMx), "no-mx");
    EXPECT_STREQ(mistakeName(Mistake::None), "");
    EXPECT_STREQ(mistakeName(Mistake::Typo), "typo");
    EXPECT_STREQ(mistakeName(Mistake::OutOfOrder), "out-of-order");
}

} // namespace
} // namespace mailsim::scenario::test
