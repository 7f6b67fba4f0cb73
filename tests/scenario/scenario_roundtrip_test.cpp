// Load, write, load again: the meaning is kept; and writing twice gives the same bytes.
// For every example under scenarios/, for files that use every field, and for scenarios
// made in code with awkward texts.
#include "scenario/built_in.h"
#include "scenario/scenario_test_support.h"

#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"
#include "world/world_spec.h"

#include <QDir>
#include <QFileInfo>

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

// Loads `yaml`, writes it, loads that; both loads must agree, and writing the second gives
// the same bytes as the first write. Attachment files are looked for in `baseDirectory`, for
// the written file as for the original (it is written as if saved in the same place).
void expectRoundTrip(const QByteArray &yaml, const QString &name,
                     const QString &baseDirectory = QString())
{
    SCOPED_TRACE(name.toStdString());
    const LoadResult first = loadScenario(yaml, name, baseDirectory);
    ASSERT_TRUE(first.ok()) << errorsText(first).toStdString();
    const QByteArray written = writeScenario(*first.scenario);
    const LoadResult second = loadScenario(written, QStringLiteral("written.yaml"), baseDirectory);
    ASSERT_TRUE(second.ok()) << errorsText(second).toStdString() << "\n" << written.toStdString();
    expectSameScenario(*first.scenario, *second.scenario);
    EXPECT_EQ(writeScenario(*second.scenario).toStdString(), written.toStdString());
}

// Writes a scenario made in code, loads it, and expects the same scenario back.
void expectWrittenLoadsBack(const Scenario &scenario)
{
    const QByteArray written = writeScenario(scenario);
    const LoadResult loaded = loadScenario(written, QStringLiteral("written.yaml"));
    ASSERT_TRUE(loaded.ok()) << errorsText(loaded).toStdString() << "\n" << written.toStdString();
    expectSameScenario(scenario, *loaded.scenario);
    EXPECT_EQ(writeScenario(*loaded.scenario).toStdString(), written.toStdString());
}

TEST(ScenarioRoundTrip, EveryExampleFile)
{
    const QDir dir(sourcePath(QStringLiteral("scenarios")));
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty());
    for (const QString &file : files)
        expectRoundTrip(readAll(dir.filePath(file)), file, dir.path());
}

// Every key of the format at least once, most with values other than the defaults.
const char kEveryField[] = R"(# comments are allowed anywhere
title: "Every field: a test"   # a title with ': ' needs quotes
description: |
  Two lines of description,
  the second one indented by nothing.
seed: 18446744073709551615
start: 2024-12-31T23:59:30.250+01:00
lesson-notes:
  1: Alice writes.
  3: |
    Ask the class: why does the server need DNS here?
    And why MX rather than A?
  6: "Bob reads: \"finally\"."
dns: { host: ns1.example, address: 198.51.100.53 }
routers:
  - { host: internet, address: 198.51.100.1, label: The Internet }
  - { host: backbone, address: 198.51.100.2 }
domains:
  - name: example.org
    server:
      host: mail.example.org
      address: 192.0.2.25
      label: Alice's mail server
      ports: { smtp: 2525, submission: 1587 }
      max-message-size: 512KB
      max-recipients: 3
      relay: open
      retry: { interval: 30s, backoff: 1.5, max-interval: 5m, give-up-after: 2h }
      queue-pickup-delay: 0s
    mx:
      - { preference: 5, host: mail.example.org }
      - { host: backup.example.org }
  - name: example.net
    server:
      host: mail.example.net
      address: 203.0.113.25
      relay: none
      max-message-size: 1000
      retry: { interval: 1.5s }
  - name: example.com
    server: { host: mail.example.com, address: 203.0.113.99, max-message-size: 1GB }
    mx: []
  - name: backup.example.org
    server: { host: backup.example.org, address: 192.0.2.26, relay: local-clients }
users:
  - address: alice@example.org
    name: Alice Liddell
    password: "wonder land"
    computer: { host: alice-pc.example.org, address: 192.0.2.10, label: Alice's laptop }
  - address: bob@example.net
    computer: { host: family-pc.example.net, address: 203.0.113.10 }
  - address: eve@example.net
    name: Eve
    computer: { host: family-pc.example.net, address: 203.0.113.10 }
    submit-to: Mail.Example.COM   # another domain's server, named in other letter cases
  - address: carol@example.com
    computer: { host: carol-pc.example.com, address: 203.0.113.100 }
links:
  - { between: [alice-pc.example.org, mail.example.org] }
  - { between: [mail.example.org, internet], latency: 250us }
  - { between: [internet, backbone], latency: 0.5ms }
  - { between: [backbone, mail.example.net], latency: 1.25s }
  - { between: [mail.example.net, family-pc.example.net], latency: 2m }
  - { between: [internet, ns1.example], latency: 1h }
  - { between: [internet, mail.example.com], latency: 1d }
  - { between: [mail.example.com, carol-pc.example.com], latency: 0us }
  - { between: [internet, backup.example.org], latency: 3ms }
dns-records:
  - { type: A, name: www.example.org, address: 192.0.2.80 }
  - { type: MX, domain: example.net, preference: 20, host: backup.example.org }
  - { type: MX, domain: example.edu, preference: 1, host: mail.example.com }
  - { type: A, name: www.example.org, address: 192.0.2.81 }
  - { type: MX, domain: example.org, preference: 50, host: mail.example.net }
messages:
  - id: lunch
    from: alice@example.org
    to: [bob@example.net, carol@example.com]
    cc: eve@example.net
    bcc: [alice@example.org]
    subject: Lunch on Friday?
    body: |
      Hi Bob,

        indented: a line with "quotes" and a # hash
      - a dash, and a tab	in the middle

      Alice
  - id: no-subject
    from: bob@example.net
    to: nobody@example.edu
    body: "no final newline"
  - id: empty.body_1
    from: carol@example.com
    bcc: [alice@example.org, bob@example.net]
    subject: ""
timeline:
  - { at: 2024-12-31T23:59:31.250+01:00, send: lunch }
  - { at: 0s, send: no-subject }
  - { at: 1.000s, read: bob@example.net }
  - { at: 10m, send: lunch }
  - { at: 3d, send: empty.body_1 }
  - { at: 2024-12-31T22:59:30.250Z, read: carol@example.com }
expect:
  - { mailbox: bob@example.net, count: 2, subject: "Lunch on Friday?" }
  - { mailbox: eve@example.net, count: 0 }
  - { reply-seen: 354 }
  - { reply-not-seen: 550 }
  - { queue-empty: mail.example.org }
  - { queue-empty: example.net }
  - { hops: bob@example.net, servers: 2, subject: "Lunch on Friday?" }
  - { hops: carol@example.com, servers: 1 }
)";

TEST(ScenarioRoundTrip, EveryField)
{
    expectRoundTrip(QByteArray(kEveryField), QStringLiteral("every-field.yaml"));
}

TEST(ScenarioRoundTrip, EveryFieldHasTheValuesWritten)
{
    const LoadResult r = loadScenario(QByteArray(kEveryField), QStringLiteral("every-field.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    const Scenario &s = *r.scenario;
    const world::WorldSpec &w = s.world;
    EXPECT_EQ(w.title, QStringLiteral("Every field: a test"));
    EXPECT_EQ(w.description,
              QStringLiteral("Two lines of description,\nthe second one indented by nothing.\n"));
    EXPECT_EQ(w.seed, 18446744073709551615ULL);
    EXPECT_EQ(w.epoch, QDateTime(QDate(2024, 12, 31), QTime(22, 59, 30, 250), Qt::UTC));
    EXPECT_EQ(s.lessonNotes.size(), 3u);
    EXPECT_EQ(s.lessonNotes.at(3), QStringLiteral("Ask the class: why does the server need DNS "
                                                  "here?\nAnd why MX rather than A?\n"));
    EXPECT_EQ(s.lessonNotes.at(6), QStringLiteral("Bob reads: \"finally\"."));
    EXPECT_EQ(w.dns.label, QString());

    ASSERT_EQ(w.servers.size(), 4u);
    const mail::MailServerSettings &org = w.servers[0].settings;
    EXPECT_EQ(org.smtpPort, 2525);
    EXPECT_EQ(org.submissionPort, 1587);
    EXPECT_EQ(org.maxMessageSize, 512 * 1024);
    EXPECT_EQ(org.maxRecipients, 3);
    EXPECT_EQ(org.relay, mail::RelayPolicy::Open);
    EXPECT_EQ(org.retryInterval, core::seconds(30));
    EXPECT_EQ(org.retryBackoff, 1.5);
    EXPECT_EQ(org.maxRetryInterval, core::minutes(5));
    EXPECT_EQ(org.maxQueueLifetime, core::minutes(120));
    EXPECT_EQ(org.queuePickupDelay, 0);
    const mail::MailServerSettings &net = w.servers[1].settings;
    EXPECT_EQ(net.relay, mail::RelayPolicy::None);
    EXPECT_EQ(net.maxMessageSize, 1000);
    EXPECT_EQ(net.retryInterval, core::milliseconds(1500));
    EXPECT_EQ(net.retryBackoff, mail::MailServerSettings().retryBackoff);
    EXPECT_EQ(net.maxQueueLifetime, mail::MailServerSettings().maxQueueLifetime);
    EXPECT_EQ(w.servers[2].settings.maxMessageSize, qint64(1024) * 1024 * 1024);

    // MX: grouped by domain, servers' domains first; example.net got its default record
    // and one from dns-records; example.com has none; then the other domains.
    const std::vector<std::tuple<QString, int, QString>> mx = {
        {"example.org", 5, "mail.example.org"},    {"example.org", 10, "backup.example.org"},
        {"example.org", 50, "mail.example.net"},   {"example.net", 10, "mail.example.net"},
        {"example.net", 20, "backup.example.org"}, {"backup.example.org", 10, "backup.example.org"},
        {"example.edu", 1, "mail.example.com"},
    };
    ASSERT_EQ(w.mx.size(), mx.size());
    for (std::size_t i = 0; i < mx.size(); ++i) {
        EXPECT_EQ(w.mx[i].domain, std::get<0>(mx[i])) << i;
        EXPECT_EQ(w.mx[i].preference, std::get<1>(mx[i])) << i;
        EXPECT_EQ(w.mx[i].exchange, std::get<2>(mx[i])) << i;
    }
    ASSERT_EQ(w.addressRecords.size(), 2u);

    ASSERT_EQ(w.links.size(), 9u);
    EXPECT_EQ(w.links[0].latency, core::milliseconds(1)); // the default
    EXPECT_EQ(w.links[1].latency, 250);
    EXPECT_EQ(w.links[2].latency, 500);
    EXPECT_EQ(w.links[3].latency, core::milliseconds(1250));
    EXPECT_EQ(w.links[4].latency, core::minutes(2));
    EXPECT_EQ(w.links[5].latency, core::minutes(60));
    EXPECT_EQ(w.links[6].latency, core::minutes(60 * 24));
    EXPECT_EQ(w.links[7].latency, 0);

    // Two users share a computer.
    EXPECT_EQ(w.users[1].uaHost, w.users[2].uaHost);

    // Eve submits to another domain's server, named as written; the others to their own.
    EXPECT_EQ(w.users[2].submitTo, QStringLiteral("Mail.Example.COM"));
    EXPECT_TRUE(w.users[0].submitTo.isEmpty());

    // The timeline in time order (absolute times made relative to the start).
    ASSERT_EQ(w.sends.size(), 4u);
    EXPECT_EQ(s.messageIds, (std::vector<QString>{"no-subject", "lunch", "lunch", "empty.body_1"}));
    EXPECT_EQ(w.sends[0].at, 0);
    EXPECT_EQ(w.sends[1].at, core::seconds(1));
    EXPECT_EQ(w.sends[2].at, core::minutes(10));
    EXPECT_EQ(w.sends[3].at, core::minutes(3 * 24 * 60));
    EXPECT_EQ(w.sends[1].to, (QStringList{"bob@example.net", "carol@example.com"}));
    EXPECT_EQ(w.sends[1].cc, QStringList{"eve@example.net"});
    EXPECT_EQ(w.sends[1].bcc, QStringList{"alice@example.org"});
    EXPECT_EQ(w.sends[1].body, QStringLiteral("Hi Bob,\n\n  indented: a line with \"quotes\" and "
                                              "a # hash\n- a dash, and a tab\tin the middle\n\n"
                                              "Alice\n"));
    EXPECT_EQ(w.sends[0].subject, QString());
    EXPECT_EQ(w.sends[0].body, QStringLiteral("no final newline"));
    ASSERT_EQ(w.reads.size(), 2u);
    EXPECT_EQ(w.reads[0].at, 0);
    EXPECT_EQ(w.reads[0].user, QStringLiteral("carol@example.com"));
    EXPECT_EQ(w.reads[1].at, core::seconds(1));

    ASSERT_EQ(s.expectations.size(), 8u);
    EXPECT_EQ(s.expectations[5].server, QStringLiteral("example.net"));
    EXPECT_EQ(s.expectations[6].subject, QStringLiteral("Lunch on Friday?"));
    EXPECT_EQ(s.expectations[7].count, 1);
}

// Texts that need quoting, escapes or block styles when written.
TEST(ScenarioRoundTrip, AwkwardTextsMadeInCode)
{
    const QStringList texts = {
        QStringLiteral("yes"),
        QStringLiteral("No"),
        QStringLiteral("null"),
        QStringLiteral("~"),
        QStringLiteral("123"),
        QStringLiteral("-1.5e3"),
        QStringLiteral("0x1F"),
        QStringLiteral("09:30"),
        QStringLiteral("2025-03-03"),
        QStringLiteral(".inf"),
        QStringLiteral("- starts like a list"),
        QStringLiteral("? starts like a key"),
        QStringLiteral("key: value"),
        QStringLiteral("ends with a colon:"),
        QStringLiteral("# not a comment"),
        QStringLiteral("a # in the middle"),
        QStringLiteral("[brackets] and {braces}, and commas"),
        QStringLiteral("'single' and \"double\" quotes"),
        QStringLiteral("back\\slash"),
        QStringLiteral("  leading and trailing spaces  "),
        QStringLiteral("a\ttab"),
        QStringLiteral("a\rcarriage return"),
        QStringLiteral("bell \x07 and delete \x7f"),
        QStringLiteral("Grüße, 日本語, emoji \U0001F600"),
        QStringLiteral("line separator \u2028 and nel \u0085"),
        QStringLiteral("*not an alias &nor an anchor !nor a tag"),
        QStringLiteral("%percent @at `backtick |pipe >greater"),
        QStringLiteral("What? Why?"),
        QStringLiteral("a?question mark inside"),
        QStringLiteral("two\nlines"),
        QStringLiteral("two\nlines\n"),
        QStringLiteral("trailing blank lines\n\n\n"),
        QStringLiteral("\nstarts with a newline"),
        QStringLiteral(" first line indented\nsecond"),
        QStringLiteral("a line of spaces\n   \nbetween"),
        QStringLiteral("tab\n\tindented"),
        QStringLiteral("---\n...\n--- document markers inside"),
        QStringLiteral("a very long line of text that goes on and on, well past the width at "
                       "which the writer folds a text into a block of several lines, to check "
                       "that folding keeps it exactly"),
        QStringLiteral("a long line with  two spaces in a row that must not be folded because a "
                       "folded block would lose one of them when read back again"),
    };
    for (const QString &text : texts) {
        SCOPED_TRACE(text.toStdString());
        Scenario s;
        s.world = scenario::builtInScenario().world;
        s.world.title = text.trimmed().isEmpty() ? QStringLiteral("t") : text;
        s.world.description = text;
        s.world.routers[0].label = text;
        s.world.servers[0].label = text;
        s.world.users[0].displayName = text;
        s.world.users[0].password = text;
        s.world.users[0].label = text;
        s.world.sends[0].subject = text;
        s.world.sends[0].body = text;
        s.messageIds = {QStringLiteral("m")};
        s.lessonNotes[2] = text.trimmed().isEmpty() ? QStringLiteral("n") : text;
        Expectation e;
        e.kind = Expectation::Kind::MailboxCount;
        e.user = QStringLiteral("bob@example.net");
        e.count = 1;
        e.subject = text;
        s.expectations.push_back(e);
        expectWrittenLoadsBack(s);
    }
}

// An address may hold a '?' (RFC 5321 allows it in the local part). Read from a block
// value, it is written in a list of recipients, where it must be quoted to be read back.
TEST(ScenarioRoundTrip, AnAddressWithAQuestionMarkInAListOfRecipients)
{
    const QByteArray yaml = R"(title: Question marks
dns: { host: dns.example, address: 198.51.100.53 }
domains:
  - name: example.org
    server: { host: mail.example.org, address: 192.0.2.25 }
users:
  - address: alice@example.org
    computer: { host: alice-pc.example.org, address: 192.0.2.10 }
links:
  - { between: [alice-pc.example.org, mail.example.org] }
messages:
  - id: memo
    from: alice@example.org
    to: who?@example.org
    bcc: ca?ol@example.org
timeline:
  - { at: 0s, send: memo }
)";
    expectRoundTrip(yaml, QStringLiteral("question-marks.yaml"));
    const LoadResult loaded = loadScenario(yaml, QStringLiteral("question-marks.yaml"));
    ASSERT_TRUE(loaded.ok()) << errorsText(loaded).toStdString();
    const QByteArray written = writeScenario(*loaded.scenario);
    EXPECT_TRUE(written.contains(R"(bcc: ["ca?ol@example.org"])")) << written.toStdString();
}

TEST(ScenarioRoundTrip, MessageIdsAreMadeUpOrKept)
{
    Scenario s;
    s.world = scenario::builtInScenario().world;
    world::SendSpec second = s.world.sends[0];
    second.subject = QStringLiteral("Another one");
    second.at = core::seconds(1);
    s.world.sends.push_back(second);
    world::SendSpec again = s.world.sends[0];
    again.at = core::seconds(5);
    s.world.sends.push_back(again);

    // No ids: each send gets one of its own.
    QByteArray written = writeScenario(s);
    LoadResult r = loadScenario(written, QStringLiteral("w.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_EQ(r.scenario->messageIds,
              (std::vector<QString>{"message-1", "message-2", "message-3"}));
    expectSameWorld(s.world, r.scenario->world);

    // One id for the same message sent twice; an id clashing with a made-up one; an id used
    // for two different messages, which cannot be kept; an invalid id.
    s.messageIds = {QStringLiteral("message-2"), QStringLiteral("message-2"),
                    QStringLiteral("bad id")};
    written = writeScenario(s);
    r = loadScenario(written, QStringLiteral("w.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString() << written.toStdString();
    EXPECT_EQ(r.scenario->messageIds,
              (std::vector<QString>{"message-2", "message-1", "message-3"}));
    expectSameWorld(s.world, r.scenario->world);

    s.messageIds = {QStringLiteral("lunch"), QStringLiteral("other"), QStringLiteral("lunch")};
    written = writeScenario(s);
    r = loadScenario(written, QStringLiteral("w.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_EQ(r.scenario->messageIds, s.messageIds);
    EXPECT_EQ(written.count("- id: lunch"), 1); // written once, sent twice
}

TEST(ScenarioRoundTrip, DefaultsAreLeftOutAndTheLayoutIsFixed)
{
    Scenario s;
    s.world.title = QStringLiteral("Small");
    s.world.dns = {QStringLiteral("dns.example"), QStringLiteral("198.51.100.53"), QString()};
    world::ServerSpec server;
    server.settings.domain = QStringLiteral("example.org");
    server.settings.hostname = QStringLiteral("mail.example.org");
    server.address = QStringLiteral("192.0.2.25");
    s.world.servers.push_back(server);
    s.world.mx.push_back({QStringLiteral("example.org"), 10, QStringLiteral("mail.example.org")});
    world::UserSpec alice;
    alice.address = QStringLiteral("alice@example.org");
    alice.uaHost = QStringLiteral("alice-pc.example.org");
    alice.uaAddress = QStringLiteral("192.0.2.10");
    s.world.users.push_back(alice);
    s.world.links.push_back({QStringLiteral("alice-pc.example.org"),
                             QStringLiteral("mail.example.org"), core::milliseconds(1)});
    s.world.reads.push_back({core::milliseconds(1500), QStringLiteral("alice@example.org"), {}});
    Expectation e;
    e.kind = Expectation::Kind::ReplyNotSeen;
    e.code = 550;
    s.expectations.push_back(e);

    const char *expected = R"(title: Small
seed: 1
start: 2025-03-03T09:00:00Z

dns: { host: dns.example, address: 198.51.100.53 }

domains:
  - name: example.org
    server:
      host: mail.example.org
      address: 192.0.2.25

users:
  - address: alice@example.org
    computer: { host: alice-pc.example.org, address: 192.0.2.10 }

links:
  - { between: [alice-pc.example.org, mail.example.org], latency: 1ms }

timeline:
  - { at: 1500ms, read: alice@example.org }

expect:
  - { reply-not-seen: 550 }
)";
    EXPECT_EQ(writeScenario(s).toStdString(), std::string(expected));
    expectWrittenLoadsBack(s);
}

} // namespace
} // namespace mailsim::scenario::test
