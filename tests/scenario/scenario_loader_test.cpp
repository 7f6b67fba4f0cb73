// The loader's rules one by one: values, defaults, positions, and the file-level cases the
// corpus of broken files does not show.
#include "scenario/scenario_test_support.h"

#include "scenario/scenario_loader.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

// A small valid scenario; `extra` is appended, `server` goes into the server's mapping.
QByteArray scenarioWith(const QByteArray &extra, const QByteArray &server = {},
                        const QByteArray &links = {})
{
    return "title: Test\n"
           "dns: { host: dns.example, address: 198.51.100.53 }\n"
           "domains:\n"
           "  - name: example.org\n"
           "    server:\n"
           "      host: mail.example.org\n"
           "      address: 192.0.2.25\n" +
           server +
           "users:\n"
           "  - address: alice@example.org\n"
           "    computer: { host: alice-pc.example.org, address: 192.0.2.10 }\n"
           "links:\n"
           "  - { between: [alice-pc.example.org, mail.example.org]" +
           links + " }\n" + extra;
}

Scenario loadOk(const QByteArray &yaml)
{
    const LoadResult r = loadScenario(yaml, QStringLiteral("t.yaml"));
    EXPECT_TRUE(r.ok()) << errorsText(r).toStdString() << "\n" << yaml.toStdString();
    return r.scenario.value_or(Scenario());
}

QStringList errorsOf(const QByteArray &yaml)
{
    const LoadResult r = loadScenario(yaml, QStringLiteral("t.yaml"));
    EXPECT_FALSE(r.ok());
    QStringList lines;
    for (const ScenarioError &e : r.errors)
        lines << e.toString();
    return lines;
}

TEST(ScenarioLoader, ErrorToString)
{
    EXPECT_EQ((ScenarioError{"a.yaml", 3, 7, "bad"}).toString(), QStringLiteral("a.yaml:3:7: bad"));
    EXPECT_EQ((ScenarioError{"a.yaml", 0, 0, "cannot open"}).toString(),
              QStringLiteral("a.yaml: cannot open"));
}

TEST(ScenarioLoader, SmallScenarioAndItsDefaults)
{
    const Scenario s = loadOk(scenarioWith({}));
    const world::WorldSpec &w = s.world;
    const mail::MailServerSettings defaults;
    EXPECT_EQ(w.seed, 1u);
    EXPECT_EQ(w.epoch, QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC));
    ASSERT_EQ(w.servers.size(), 1u);
    EXPECT_EQ(w.servers[0].settings.smtpPort, defaults.smtpPort);
    EXPECT_EQ(w.servers[0].settings.submissionPort, defaults.submissionPort);
    EXPECT_EQ(w.servers[0].settings.maxMessageSize, defaults.maxMessageSize);
    EXPECT_EQ(w.servers[0].settings.maxRecipients, defaults.maxRecipients);
    EXPECT_EQ(w.servers[0].settings.relay, mail::RelayPolicy::LocalClients);
    EXPECT_EQ(w.servers[0].settings.retryInterval, defaults.retryInterval);
    EXPECT_EQ(w.servers[0].settings.maxQueueLifetime, defaults.maxQueueLifetime);
    EXPECT_EQ(w.servers[0].settings.queuePickupDelay, defaults.queuePickupDelay);
    // No `mx` list: one MX record, preference 10, pointing at the server.
    ASSERT_EQ(w.mx.size(), 1u);
    EXPECT_EQ(w.mx[0].domain, QStringLiteral("example.org"));
    EXPECT_EQ(w.mx[0].preference, 10);
    EXPECT_EQ(w.mx[0].exchange, QStringLiteral("mail.example.org"));
    ASSERT_EQ(w.links.size(), 1u);
    EXPECT_EQ(w.links[0].latency, core::milliseconds(1));
    EXPECT_TRUE(w.sends.empty());
    EXPECT_TRUE(s.messageIds.empty());
    EXPECT_TRUE(w.users[0].label.isEmpty());
    EXPECT_TRUE(w.users[0].displayName.isEmpty());
}

TEST(ScenarioLoader, EmptyMxListMeansNoMxRecords)
{
    QByteArray yaml = scenarioWith({});
    yaml.replace("users:\n", "    mx: []\nusers:\n");
    EXPECT_TRUE(loadOk(yaml).world.mx.empty());
    yaml.replace("mx: []", "mx:");
    EXPECT_TRUE(loadOk(yaml).world.mx.empty());
}

TEST(ScenarioLoader, Durations)
{
    const std::vector<std::pair<QByteArray, qint64>> cases = {
        {"0us", 0},           {"0s", 0},           {"250us", 250},         {"3ms", 3000},
        {"0.5ms", 500},       {"1.5s", 1500000},   {"1.000001s", 1000001}, {"2m", 120000000},
        {"1.5h", 5400000000}, {"1d", 86400000000}, {"0.25d", 21600000000},
    };
    for (const auto &[text, micros] : cases) {
        const Scenario s = loadOk(scenarioWith({}, {}, ", latency: " + text));
        EXPECT_EQ(s.world.links[0].latency, micros) << text.toStdString();
    }
    const std::vector<std::pair<QByteArray, QString>> bad = {
        {"10", "add a unit"},
        {"10 ms", "without a space"},
        {"10sec", "'sec' is not a unit"},
        {"0.1us", "whole microseconds"},
        {"1.0000001s", "whole microseconds"},
        {"99999999999999999999d", "too long"},
        {"200000000d", "too long"},
        {"-1ms", "of 0s or more"},
        {"ms", "expected a duration such as 10ms, not 'ms'"},
        {"[1ms]", "not a list of 1 entry"},
    };
    for (const auto &[text, fragment] : bad) {
        const QStringList errors = errorsOf(scenarioWith({}, {}, ", latency: " + text));
        ASSERT_EQ(errors.size(), 1) << text.toStdString() << errors.join('\n').toStdString();
        EXPECT_TRUE(errors[0].contains(fragment)) << errors[0].toStdString();
        EXPECT_TRUE(errors[0].startsWith(QStringLiteral("t.yaml:12:"))) << errors[0].toStdString();
    }
}

TEST(ScenarioLoader, Sizes)
{
    const std::vector<std::pair<QByteArray, qint64>> cases = {
        {"1", 1},
        {"2048", 2048},
        {"512KB", 512 * 1024},
        {"10MB", 10 * 1024 * 1024},
        {"2GB", qint64(2) * 1024 * 1024 * 1024}};
    for (const auto &[text, bytes] : cases) {
        const Scenario s = loadOk(scenarioWith({}, "      max-message-size: " + text + "\n"));
        EXPECT_EQ(s.world.servers[0].settings.maxMessageSize, bytes) << text.toStdString();
    }
    for (const QByteArray text : {"0", "10 MB", "10mb", "1.5MB", "-5", "2000GB", "big"})
        EXPECT_EQ(errorsOf(scenarioWith({}, "      max-message-size: " + text + "\n")).size(), 1)
            << text.toStdString();
}

TEST(ScenarioLoader, StartWithAnOffsetIsKeptAsUtc)
{
    QByteArray yaml = scenarioWith({});
    yaml.replace("title: Test\n", "title: Test\nstart: 2025-06-01T10:00:00+02:00\n");
    const Scenario s = loadOk(yaml);
    EXPECT_EQ(s.world.epoch, QDateTime(QDate(2025, 6, 1), QTime(8, 0), Qt::UTC));
    EXPECT_EQ(s.world.epoch.timeSpec(), Qt::UTC);

    for (const QByteArray start :
         {"2025-06-01T10:00:00", "2025-06-01", "2025-02-30T10:00:00Z", "monday"}) {
        QByteArray bad = scenarioWith({});
        bad.replace("title: Test\n", "title: Test\nstart: " + start + "\n");
        const QStringList errors = errorsOf(bad);
        ASSERT_EQ(errors.size(), 1) << start.toStdString();
        EXPECT_TRUE(errors[0].startsWith(QStringLiteral("t.yaml:2:8: 'start': expected a date")))
            << errors[0].toStdString();
    }
}

TEST(ScenarioLoader, TimelineAbsoluteTimesCountFromStart)
{
    const Scenario s =
        loadOk(scenarioWith("messages:\n"
                            "  - { id: a, from: alice@example.org, to: alice@example.org }\n"
                            "timeline:\n"
                            "  - { at: 2025-03-03T09:00:00Z, send: a }\n"
                            "  - { at: 2025-03-03T10:00:01.5+01:00, send: a }\n"
                            "  - { at: 2025-03-03T09:01:00Z, read: ALICE@example.org }\n"));
    ASSERT_EQ(s.world.sends.size(), 2u);
    EXPECT_EQ(s.world.sends[0].at, 0);
    EXPECT_EQ(s.world.sends[1].at, core::milliseconds(1500));
    ASSERT_EQ(s.world.reads.size(), 1u);
    EXPECT_EQ(s.world.reads[0].at, core::minutes(1));
    EXPECT_EQ(s.world.reads[0].user, QStringLiteral("ALICE@example.org"));
    EXPECT_EQ(s.messageIds, (std::vector<QString>{"a", "a"}));
}

TEST(ScenarioLoader, TheTimelineIsSortedByTimeKeepingTheOrderOfTies)
{
    const Scenario s = loadOk(
        scenarioWith("messages:\n"
                     "  - { id: a, from: alice@example.org, to: alice@example.org }\n"
                     "  - { id: b, from: alice@example.org, to: alice@example.org, subject: B }\n"
                     "timeline:\n"
                     "  - { at: 5s, send: a }\n"
                     "  - { at: 1s, send: b }\n"
                     "  - { at: 1s, send: a }\n"
                     "  - { at: 3s, read: alice@example.org }\n"
                     "  - { at: 0s, read: alice@example.org }\n"));
    EXPECT_EQ(s.messageIds, (std::vector<QString>{"b", "a", "a"}));
    ASSERT_EQ(s.world.sends.size(), 3u);
    EXPECT_EQ(s.world.sends[0].subject, QStringLiteral("B"));
    EXPECT_EQ(s.world.sends[2].at, core::seconds(5));
    ASSERT_EQ(s.world.reads.size(), 2u);
    EXPECT_EQ(s.world.reads[0].at, 0);
    EXPECT_EQ(s.world.reads[1].at, core::seconds(3));
}

TEST(ScenarioLoader, ASingleAddressIsAListOfOne)
{
    const Scenario s = loadOk(scenarioWith("messages:\n"
                                           "  - id: a\n"
                                           "    from: alice@example.org\n"
                                           "    to: bob@example.net\n"
                                           "    cc: [carol@example.com, \"dave@example.com\"]\n"
                                           "timeline:\n"
                                           "  - { at: 0s, send: a }\n"));
    ASSERT_EQ(s.world.sends.size(), 1u);
    EXPECT_EQ(s.world.sends[0].to, QStringList{"bob@example.net"});
    EXPECT_EQ(s.world.sends[0].cc, (QStringList{"carol@example.com", "dave@example.com"}));
    EXPECT_TRUE(s.world.sends[0].bcc.isEmpty());
}

TEST(ScenarioLoader, AddressesFollowSmtpSyntax)
{
    // Recipients may use every form RFC 5321 allows: quoted local parts, address literals.
    const Scenario s = loadOk(scenarioWith(
        "messages:\n"
        "  - id: a\n"
        "    from: alice@example.org\n"
        "    to: ['\"john doe\"@example.org', 'bob@[192.0.2.1]', o'brien+tag@example.org]\n"
        "timeline:\n"
        "  - { at: 0s, send: a }\n"));
    ASSERT_EQ(s.world.sends.size(), 1u);
    EXPECT_EQ(s.world.sends[0].to, (QStringList{"\"john doe\"@example.org", "bob@[192.0.2.1]",
                                                "o'brien+tag@example.org"}));

    // A user's address needs a domain that has a server, so no address literal.
    QByteArray yaml = scenarioWith({});
    yaml.replace("  - address: alice@example.org", "  - address: alice@[192.0.2.25]");
    EXPECT_EQ(errorsOf(yaml),
              QStringList{"t.yaml:9:14: no mail server for the domain [192.0.2.25] of this user: "
                          "add [192.0.2.25] under 'domains', or correct the address"});

    for (const QByteArray bad :
         {"a..b@example.org", ".a@example.org", "a@example..org", "@x.org", "a@", "a b@example.org",
          "\"\"@example.org", "jos\xC3\xA9@example.org"}) {
        QByteArray text = scenarioWith("messages:\n"
                                       "  - { id: a, from: alice@example.org, to: 'BAD' }\n"
                                       "timeline:\n"
                                       "  - { at: 0s, send: a }\n");
        text.replace("BAD", bad);
        const QStringList errors = errorsOf(text);
        ASSERT_EQ(errors.size(), 1) << bad.toStdString();
        EXPECT_TRUE(errors[0].contains(QStringLiteral("'to': expected a mail address such as "
                                                      "alice@example.org")))
            << errors[0].toStdString();
    }
}

TEST(ScenarioLoader, ExpectationsKnowWhereTheyWereWritten)
{
    const Scenario s = loadOk(scenarioWith("expect:\n"
                                           "  - { reply-seen: 250 }\n"
                                           "  -   queue-empty: example.org\n"));
    ASSERT_EQ(s.expectations.size(), 2u);
    EXPECT_EQ(s.expectations[0].where.line, 14);
    EXPECT_EQ(s.expectations[0].where.column, 5);
    EXPECT_EQ(s.expectations[1].where.line, 15);
    EXPECT_EQ(s.expectations[1].where.column, 7);
    EXPECT_EQ(s.expectations[1].server, QStringLiteral("example.org"));
}

TEST(ScenarioLoader, ColumnsAreCountedInCharactersNotBytes)
{
    // "Grüße" is 5 characters but 7 bytes: the address is in column 50, byte 52.
    QByteArray yaml = scenarioWith({});
    yaml.replace("dns: { host: dns.example, address: 198.51.100.53 }",
                 "dns: { label: Grüße, host: dns.example, address: 198.51.100.5x }");
    EXPECT_EQ(errorsOf(yaml),
              QStringList{"t.yaml:2:50: 'address': expected an IPv4 address such as 192.0.2.25, "
                          "not '198.51.100.5x'"});

    QByteArray tabbed = "title: Größe\n\tdns: x\n";
    EXPECT_EQ(errorsOf(tabbed),
              QStringList{"t.yaml:2:1: a tab is used for indentation; indent with spaces only"});
}

TEST(ScenarioLoader, WindowsLineEndingsAndAByteOrderMark)
{
    QByteArray yaml = scenarioWith("expect:\n  - { reply-seen: 250 }\n");
    yaml.replace("\n", "\r\n");
    const Scenario s = loadOk("\xEF\xBB\xBF" + yaml);
    EXPECT_EQ(s.world.title, QStringLiteral("Test"));
    ASSERT_EQ(s.expectations.size(), 1u);
    EXPECT_EQ(s.expectations[0].where.line, 14);
    EXPECT_EQ(s.expectations[0].where.column, 5);

    QByteArray broken = yaml;
    broken.replace("address: 192.0.2.25", "address: 192.0.2.256");
    EXPECT_EQ(errorsOf(broken),
              QStringList{"t.yaml:7:16: 'address': expected an IPv4 address such as 192.0.2.25, "
                          "not '192.0.2.256'"});
}

TEST(ScenarioLoader, AnchorsAndAliasesWork)
{
    const Scenario s = loadOk(scenarioWith("messages:\n"
                                           "  - id: a\n"
                                           "    from: &alice alice@example.org\n"
                                           "    to: *alice\n"
                                           "timeline:\n"
                                           "  - { at: 0s, send: a }\n"));
    ASSERT_EQ(s.world.sends.size(), 1u);
    EXPECT_EQ(s.world.sends[0].to, QStringList{"alice@example.org"});
    EXPECT_EQ(errorsOf("title: *nowhere\n").value(0),
              QStringLiteral("t.yaml:1:8: this alias ('*name') refers to an anchor ('&name') that "
                             "is not defined above it"));
}

TEST(ScenarioLoader, ManyErrorsAreCutAfterAHundred)
{
    QByteArray yaml = scenarioWith({});
    yaml += "expect:\n";
    for (int i = 0; i < 150; ++i)
        yaml += "  - { reply-seen: 1 }\n";
    const LoadResult r = loadScenario(yaml, QStringLiteral("t.yaml"));
    ASSERT_EQ(r.errors.size(), 101u);
    EXPECT_EQ(r.errors.back().message, QStringLiteral("too many errors: 50 more are not shown"));
    EXPECT_GE(r.errors.back().line, 1);
}

TEST(ScenarioLoader, ControlCharactersAreRefused)
{
    EXPECT_EQ(errorsOf(QByteArray("title: a\x01z\n")),
              QStringList{"t.yaml:1:9: a control character (code 1) is not allowed in a scenario "
                          "file"});
}

TEST(ScenarioLoader, FileThatCannotBeOpened)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("missing.yaml"));
    const LoadResult r = loadScenarioFile(path);
    EXPECT_FALSE(r.ok());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 0);
    EXPECT_EQ(r.errors[0].fileName, path);
    EXPECT_TRUE(r.errors[0].toString().startsWith(path + QStringLiteral(": cannot open the file")));
}

TEST(ScenarioLoader, FileErrorsNameThePathAsGiven)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.yaml"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("title: x\n");
    file.close();
    const LoadResult r = loadScenarioFile(path);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors[0].fileName, path);
    EXPECT_EQ(r.errors[0].toString(),
              path + QStringLiteral(":1:1: missing 'dns' at the top level: expected the DNS "
                                    "server, such as { host: dns.example, address: "
                                    "198.51.100.53 }"));
}

} // namespace
} // namespace mailsim::scenario::test
