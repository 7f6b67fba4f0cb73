// Stage 6 in scenario files: access routes, web mail servers, mailbox actions and the
// expectations about them; loaded, written back, and checked after a run. The mistakes are
// in the broken-file corpus (access-routes, webmail, mailbox-actions, access-expectations).
#include "scenario/scenario_test_support.h"

#include "protocol/common/engine_output.h"
#include "scenario/built_in.h"
#include "scenario/expectation_check.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"
#include "world/world.h"

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

using Action = world::MailboxActionSpec;

Scenario loadValid()
{
    const QString path = testDataPath(QStringLiteral("scenarios/valid/access-routes.yaml"));
    const LoadResult r = loadScenario(readAll(path), QStringLiteral("access-routes.yaml"));
    EXPECT_TRUE(r.ok()) << errorsText(r).toStdString();
    return r.scenario.value_or(Scenario());
}

const world::UserSpec *user(const Scenario &s, const char *address)
{
    for (const world::UserSpec &u : s.world.users) {
        if (u.address == QLatin1String(address))
            return &u;
    }
    return nullptr;
}

TEST(ScenarioAccess, ReadsTheAccessRouteOfEachUser)
{
    const Scenario s = loadValid();
    ASSERT_EQ(s.world.users.size(), 4u);
    EXPECT_EQ(user(s, "alice@example.org")->access, mail::AccessRoute::Pop3Keep) << "default";
    EXPECT_EQ(user(s, "bob@example.net")->access, mail::AccessRoute::Imap);
    EXPECT_EQ(user(s, "carol@example.net")->access, mail::AccessRoute::Pop3Delete);
    EXPECT_EQ(user(s, "dave@example.com")->access, mail::AccessRoute::WebMail);
}

TEST(ScenarioAccess, ReadsWebServersAndAssumesOneForWebUsers)
{
    const Scenario s = loadValid();
    ASSERT_EQ(s.world.servers.size(), 3u);
    const world::WebServerSpec sameHost{true, {}, {}, {}, 80};
    EXPECT_EQ(s.world.servers[0].web, sameHost);
    const world::WebServerSpec own{true, QStringLiteral("webmail.example.net"),
                                   QStringLiteral("203.0.113.80"),
                                   QStringLiteral("Bob's web mail server"), 8080};
    EXPECT_EQ(s.world.servers[1].web, own);
    // example.com says nothing, but dave reads by web: a web server on the mail server.
    EXPECT_EQ(s.world.servers[2].web, sameHost);
}

TEST(ScenarioAccess, AWebServerOfItsOwnIsAHostLinksMayName)
{
    const Scenario s = loadValid();
    const auto named = std::count_if(s.world.links.begin(), s.world.links.end(), [](const auto &l) {
        return l.a == QLatin1String("webmail.example.net") ||
               l.b == QLatin1String("webmail.example.net");
    });
    EXPECT_EQ(named, 2);
}

TEST(ScenarioAccess, NoWebServerUnlessAskedForOrNeeded)
{
    const QByteArray yaml = "title: T\n"
                            "dns: { host: dns.example, address: 198.51.100.53 }\n"
                            "domains:\n"
                            "  - { name: example.org, server: { host: mail.example.org, "
                            "address: 192.0.2.25 } }\n"
                            "users:\n"
                            "  - { address: a@example.org, access: imap, computer: { host: "
                            "a.example.org, address: 192.0.2.10 } }\n";
    const LoadResult r = loadScenario(yaml, QStringLiteral("t.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_FALSE(r.scenario->world.servers[0].web.enabled);
}

TEST(ScenarioAccess, ReadsMailboxActionsInOrder)
{
    const Scenario s = loadValid();
    ASSERT_EQ(s.world.reads.size(), 3u);
    EXPECT_TRUE(s.world.reads[1].actions.empty());
    const std::vector<Action> &a = s.world.reads[0].actions;
    ASSERT_EQ(a.size(), 9u);
    auto make = [](Action::Kind kind, const char *subject, const char *from, const char *folder,
                   core::SimTime duration = 0) {
        Action x;
        x.kind = kind;
        x.subject = QString::fromUtf8(subject);
        x.from = QString::fromUtf8(from);
        x.folder = QString::fromUtf8(folder);
        x.duration = duration;
        return x;
    };
    EXPECT_EQ(a[0], make(Action::Kind::CreateFolder, "", "", "Archive"));
    EXPECT_EQ(a[1], make(Action::Kind::MarkRead, "Lunch", "", ""));
    EXPECT_EQ(a[2], make(Action::Kind::Flag, "", "alice", ""));
    EXPECT_EQ(a[3], make(Action::Kind::Unflag, "Lunch", "alice@example.org", ""));
    EXPECT_EQ(a[4], make(Action::Kind::MarkUnread, "", "", "")) << "all";
    EXPECT_EQ(a[5], make(Action::Kind::Copy, "Lunch", "", "Archive/2025"));
    EXPECT_EQ(a[6], make(Action::Kind::Move, "", "", "Archive"));
    EXPECT_EQ(a[7], make(Action::Kind::Delete, "", "", "")) << "{} is all as well";
    EXPECT_EQ(a[8], make(Action::Kind::Idle, "", "", "", core::seconds(30)));
}

TEST(ScenarioAccess, ReadsTheStageSixExpectations)
{
    const Scenario s = loadValid();
    ASSERT_EQ(s.expectations.size(), 13u);
    const auto &e = s.expectations;
    using K = Expectation::Kind;
    EXPECT_EQ(e[0].kind, K::AccessReplySeen);
    EXPECT_EQ(e[0].protocol, QStringLiteral("pop3"));
    EXPECT_EQ(e[0].status, QStringLiteral("+OK"));
    EXPECT_EQ(e[1].kind, K::AccessReplyNotSeen);
    EXPECT_EQ(e[1].status, QStringLiteral("-ERR"));
    EXPECT_EQ(e[2].protocol, QStringLiteral("imap"));
    EXPECT_EQ(e[2].status, QStringLiteral("OK"));
    EXPECT_EQ(e[3].status, QStringLiteral("NO"));
    EXPECT_EQ(e[4].status, QStringLiteral("BAD"));
    EXPECT_EQ(e[5].kind, K::AccessReplySeen);
    EXPECT_EQ(e[5].protocol, QStringLiteral("http"));
    EXPECT_EQ(e[5].code, 200);
    EXPECT_EQ(e[6].kind, K::AccessReplyNotSeen);
    EXPECT_EQ(e[6].code, 403);
    EXPECT_EQ(e[7].kind, K::Flags);
    EXPECT_EQ(e[7].user, QStringLiteral("bob@example.net"));
    EXPECT_EQ(e[7].subject, QStringLiteral("Lunch"));
    EXPECT_EQ(e[7].folder, QStringLiteral("Archive"));
    EXPECT_EQ(e[7].flags, QStringList{QStringLiteral("\\Seen")});
    EXPECT_EQ(e[7].withoutFlags,
              (QStringList{QStringLiteral("\\Flagged"), QStringLiteral("\\Deleted")}));
    EXPECT_EQ(e[8].withoutFlags, QStringList{QStringLiteral("\\Deleted")}) << "one flag alone";
    EXPECT_TRUE(e[8].folder.isEmpty()) << "INBOX";
    EXPECT_EQ(e[9].flags, QStringList{QStringLiteral("Important")}) << "a keyword";
    EXPECT_EQ(e[10].kind, K::MailboxCount);
    EXPECT_EQ(e[10].folder, QStringLiteral("Archive"));
    EXPECT_EQ(e[12].kind, K::Fetched);
    EXPECT_EQ(e[12].user, QStringLiteral("carol@example.net"));
    EXPECT_EQ(e[12].count, 1);
}

TEST(ScenarioAccess, SystemFlagsAreStoredInTheStoresSpelling)
{
    const QByteArray yaml = "title: T\n"
                            "dns: { host: dns.example, address: 198.51.100.53 }\n"
                            "domains:\n"
                            "  - { name: example.org, server: { host: mail.example.org, "
                            "address: 192.0.2.25 } }\n"
                            "users:\n"
                            "  - { address: a@example.org, computer: { host: a.example.org, "
                            "address: 192.0.2.10 } }\n"
                            "expect:\n"
                            "  - { flags: a@example.org, has: [\\seen, \"\\\\FLAGGED\"] }\n";
    const LoadResult r = loadScenario(yaml, QStringLiteral("t.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_EQ(r.scenario->expectations[0].flags,
              (QStringList{QStringLiteral("\\Seen"), QStringLiteral("\\Flagged")}));
}

TEST(ScenarioAccess, RoundTripKeepsEverything)
{
    const Scenario first = loadValid();
    const QByteArray written = writeScenario(first);
    const LoadResult second = loadScenario(written, QStringLiteral("written.yaml"));
    ASSERT_TRUE(second.ok()) << errorsText(second).toStdString() << written.toStdString();
    expectSameScenario(first, *second.scenario);
    EXPECT_EQ(writeScenario(*second.scenario).toStdString(), written.toStdString());
    // What the teacher had to write, and no more: the assumed web server is left out.
    EXPECT_EQ(written.count("webmail: same-host"), 1) << written.toStdString();
    EXPECT_TRUE(written.contains("access: web\n"));
    EXPECT_FALSE(written.contains("access: pop3-keep")) << "the default is left out";
    EXPECT_TRUE(written.contains("access: pop3-delete"));
    EXPECT_TRUE(written.contains("- { imap-reply-not-seen: \"NO\" }")) << "quoted for YAML 1.1";
    EXPECT_TRUE(written.contains("has: [\\Seen]"));
    EXPECT_TRUE(written.contains("      - { delete: all }\n"));
    EXPECT_TRUE(written.contains("      - { move: { to: Archive } }\n"));
}

TEST(ScenarioAccess, WebServersMadeInCodeAreWrittenSoTheyLoadBack)
{
    Scenario s = loadValid();
    s.world.servers[0].web = {true, {}, {}, QStringLiteral("Alice's web mail"), 80};
    s.world.servers[2].web = {true, {}, {}, {}, 8080};
    const QByteArray written = writeScenario(s);
    const LoadResult r = loadScenario(written, QStringLiteral("w.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString() << written.toStdString();
    expectSameScenario(s, *r.scenario);
    EXPECT_TRUE(written.contains("webmail: { label: Alice's web mail }"));
    EXPECT_TRUE(written.contains("webmail: { port: 8080 }"));
}

// ---- the checks, on facts given by hand (no POP3, IMAP or HTTP engine needed)

struct Facts
{
    trace::TraceLog trace;
    std::map<QString, store::Mailbox> boxes;

    RunFacts get()
    {
        RunFacts f;
        f.trace = &trace;
        f.mailboxOf = [this](const QString &address) -> const store::Mailbox * {
            const auto it = boxes.find(address.toLower());
            return it == boxes.end() ? nullptr : &it->second;
        };
        f.queueSize = [](const QString &) { return std::optional<std::size_t>(); };
        return f;
    }
    void event(trace::EventKind kind, qint32 code, const QByteArray &data,
               const QByteArray &detail = {})
    {
        trace::TraceEvent e;
        e.kind = kind;
        e.code = code;
        e.data = data;
        e.detail = detail;
        trace.append(e);
    }
};

store::StoredMessage message(const char *subject)
{
    store::StoredMessage m;
    m.content = QByteArray("From: alice@example.org\r\nSubject: ") + subject + "\r\n\r\nHi\r\n";
    return m;
}

ExpectationResult checkOne(const Expectation &x, Facts &facts)
{
    return checkExpectations({x}, facts.get()).front();
}

Expectation access(Expectation::Kind kind, const char *protocol, const char *status, int code = 0)
{
    Expectation x;
    x.kind = kind;
    x.protocol = QString::fromLatin1(protocol);
    x.status = QString::fromLatin1(status);
    x.code = code;
    return x;
}

TEST(ExpectationCheckAccess, Pop3RepliesSeenAndNotSeen)
{
    namespace rs = protocol::reply_status;
    Facts facts;
    facts.event(trace::EventKind::Pop3Reply, rs::Pop3Ok, "+OK POP3 ready\r\n");
    facts.event(trace::EventKind::Pop3Reply, rs::Pop3Ok, "+OK\r\n");
    const auto ok = checkOne(access(Expectation::Kind::AccessReplySeen, "pop3", "+OK"), facts);
    EXPECT_TRUE(ok.passed);
    EXPECT_EQ(ok.description, QStringLiteral("a POP3 +OK reply is sent"));
    EXPECT_EQ(ok.actual, QStringLiteral("it was sent 2 times"));
    const auto err = checkOne(access(Expectation::Kind::AccessReplySeen, "pop3", "-ERR"), facts);
    EXPECT_FALSE(err.passed);
    EXPECT_EQ(err.actual, QStringLiteral("none was sent"));
    EXPECT_TRUE(checkOne(access(Expectation::Kind::AccessReplyNotSeen, "pop3", "-ERR"), facts).passed);

    facts.event(trace::EventKind::Pop3Reply, rs::Pop3Err, "-ERR invalid password\r\n");
    const auto notSeen =
        checkOne(access(Expectation::Kind::AccessReplyNotSeen, "pop3", "-ERR"), facts);
    EXPECT_FALSE(notSeen.passed);
    EXPECT_EQ(notSeen.description, QStringLiteral("no POP3 -ERR reply is sent"));
    EXPECT_EQ(notSeen.actual, QStringLiteral("it was sent 1 time"));
}

TEST(ExpectationCheckAccess, OnlyTaggedImapRepliesCount)
{
    namespace rs = protocol::reply_status;
    Facts facts;
    facts.event(trace::EventKind::ImapReply, rs::ImapOk, "* OK IMAP4rev1 ready\r\n");
    facts.event(trace::EventKind::ImapReply, rs::ImapBad, "* BAD line too long\r\n");
    EXPECT_FALSE(checkOne(access(Expectation::Kind::AccessReplySeen, "imap", "OK"), facts).passed)
        << "the greeting is untagged";
    EXPECT_TRUE(checkOne(access(Expectation::Kind::AccessReplyNotSeen, "imap", "BAD"), facts).passed);
    facts.event(trace::EventKind::ImapReply, rs::ImapNo, "a2 NO [AUTHENTICATIONFAILED] no\r\n");
    facts.event(trace::EventKind::ImapReply, rs::ImapOk, "a3 OK LOGIN completed\r\n");
    const auto no = checkOne(access(Expectation::Kind::AccessReplySeen, "imap", "NO"), facts);
    EXPECT_TRUE(no.passed);
    EXPECT_EQ(no.description, QStringLiteral("an IMAP NO reply is sent"));
    EXPECT_TRUE(checkOne(access(Expectation::Kind::AccessReplySeen, "imap", "OK"), facts).passed);
    EXPECT_FALSE(checkOne(access(Expectation::Kind::AccessReplyNotSeen, "imap", "NO"), facts).passed);
}

TEST(ExpectationCheckAccess, HttpStatusCodes)
{
    Facts facts;
    facts.event(trace::EventKind::HttpResponse, 401, "HTTP/1.1 401 Unauthorized\r\n\r\n");
    facts.event(trace::EventKind::SmtpReply, 200, "200 not HTTP\r\n");
    const auto seen = checkOne(access(Expectation::Kind::AccessReplySeen, "http", "", 401), facts);
    EXPECT_TRUE(seen.passed);
    EXPECT_EQ(seen.description, QStringLiteral("an HTTP 401 response is sent"));
    EXPECT_FALSE(checkOne(access(Expectation::Kind::AccessReplySeen, "http", "", 200), facts).passed)
        << "an SMTP reply is not an HTTP response";
    const auto notSeen =
        checkOne(access(Expectation::Kind::AccessReplyNotSeen, "http", "", 401), facts);
    EXPECT_FALSE(notSeen.passed);
    EXPECT_EQ(notSeen.description, QStringLiteral("no HTTP 401 response is sent"));
}

TEST(ExpectationCheckAccess, FlagsOfTheMessagesInAFolder)
{
    Facts facts;
    store::Mailbox &box = facts.boxes.emplace(QStringLiteral("bob@example.net"),
                                              store::Mailbox(QStringLiteral("bob@example.net")))
                              .first->second;
    ASSERT_FALSE(box.createFolder(QStringLiteral("Archive")).has_value());
    store::StoredMessage lunch = message("Lunch");
    lunch.flags = {"\\Seen"};
    box.append(QStringLiteral("Archive"), lunch);
    box.add(message("Lunch"));
    box.add(message("Other"));

    Expectation x;
    x.kind = Expectation::Kind::Flags;
    x.user = QStringLiteral("bob@example.net");
    x.subject = QStringLiteral("Lunch");
    x.folder = QStringLiteral("Archive");
    x.flags = {QStringLiteral("\\Seen")};
    x.withoutFlags = {QStringLiteral("\\Flagged")};
    auto r = checkOne(x, facts);
    EXPECT_TRUE(r.passed) << r.actual.toStdString();
    EXPECT_EQ(r.description, QStringLiteral("the messages with Subject \"Lunch\" in Archive of "
                                            "bob@example.net's mailbox carry \\Seen and do not "
                                            "carry \\Flagged"));
    EXPECT_EQ(r.actual, QStringLiteral("its flags: \\Seen"));

    x.folder.clear(); // INBOX: the unread copy
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("its flags: no flags"));

    x.subject.clear();
    x.flags.clear();
    x.withoutFlags = {QStringLiteral("\\Seen")};
    r = checkOne(x, facts);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("2 messages, with the flags: no flags; no flags"));

    x.subject = QStringLiteral("Dinner");
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("there is no message with Subject \"Dinner\" in INBOX"));

    x.folder = QStringLiteral("Trash");
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("there is no folder Trash (the folders are INBOX, Archive)"));

    x.user = QStringLiteral("nobody@example.net");
    EXPECT_EQ(checkOne(x, facts).actual, QStringLiteral("there is no such mailbox"));
}

TEST(ExpectationCheckAccess, MailboxCountOfAFolder)
{
    Facts facts;
    store::Mailbox &box = facts.boxes.emplace(QStringLiteral("bob@example.net"),
                                              store::Mailbox(QStringLiteral("bob@example.net")))
                              .first->second;
    ASSERT_FALSE(box.createFolder(QStringLiteral("Archive")).has_value());
    box.append(QStringLiteral("Archive"), message("Lunch"));
    box.add(message("Other"));
    box.add(message("Lunch"));
    Expectation x;
    x.kind = Expectation::Kind::MailboxCount;
    x.user = QStringLiteral("bob@example.net");
    x.folder = QStringLiteral("Archive");
    x.count = 1;
    auto r = checkOne(x, facts);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description,
              QStringLiteral("the folder Archive of bob@example.net's mailbox holds 1 message"));
    x.folder.clear();
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("it holds 2"));
    x.folder = QStringLiteral("Trash");
    x.count = 0;
    r = checkOne(x, facts);
    EXPECT_TRUE(r.passed) << "nothing is in a folder never made";
    x.count = 1;
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("there is no folder Trash (the folders are INBOX, Archive)"));
}

TEST(ExpectationCheckAccess, FetchedCountsTheUsersReads)
{
    Facts facts;
    facts.event(trace::EventKind::MailboxRead, 1, "m1", "bob@example.net");
    facts.event(trace::EventKind::MailboxRead, 2, "m2", "Bob@Example.NET");
    facts.event(trace::EventKind::MailboxRead, 1, "m3", "carol@example.net");
    facts.event(trace::EventKind::MailboxAdd, 1, "m4", "bob@example.net");
    Expectation x;
    x.kind = Expectation::Kind::Fetched;
    x.user = QStringLiteral("bob@example.net");
    x.count = 2;
    auto r = checkOne(x, facts);
    EXPECT_TRUE(r.passed);
    EXPECT_EQ(r.description,
              QStringLiteral("bob@example.net's user agent fetches 2 messages in all"));
    x.count = 3;
    r = checkOne(x, facts);
    EXPECT_FALSE(r.passed);
    EXPECT_EQ(r.actual, QStringLiteral("it fetched 2"));
}

// Through a World: today's user agent reads the mailbox directly and traces each message it
// takes, so `fetched` can already be checked end to end.
TEST(ExpectationCheckAccess, FetchedAfterARealRun)
{
    Scenario s = builtInScenario();
    ASSERT_FALSE(s.world.reads.empty());
    world::World world(s.world);
    world.runToEnd();
    Expectation x;
    x.kind = Expectation::Kind::Fetched;
    x.user = s.world.reads.front().user;
    x.count = 1;
    const auto r = checkExpectations({x}, world).front();
    EXPECT_TRUE(r.passed) << r.actual.toStdString();
}

} // namespace
} // namespace mailsim::scenario::test
