// Mail servers and user agents together, on worlds built for each case: several
// recipients, unknown users, relay policy, unreachable servers, retries and bounces.
// After every kernel event, accepted mail must be in exactly one place or bounced.
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "trace/explainer.h"
#include "world/world.h"

#include <gtest/gtest.h>

using namespace mailsim;
using trace::EventKind;

namespace {

// Runs to the end, checking the conservation promise after every event.
void runChecked(world::World &w)
{
    ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
    std::size_t steps = 0;
    while (w.step()) {
        ++steps;
        const QStringList v = w.conservationViolations();
        ASSERT_TRUE(v.isEmpty()) << "after kernel event " << steps << ": " << v.join("; ").toStdString();
    }
}

std::vector<const trace::TraceEvent *> eventsOf(const world::World &w, EventKind kind)
{
    std::vector<const trace::TraceEvent *> found;
    for (const auto &e : w.trace().events()) {
        if (e.kind == kind)
            found.push_back(&e);
    }
    return found;
}

std::vector<int> replyCodes(const world::World &w)
{
    std::vector<int> codes;
    for (const auto *e : eventsOf(w, EventKind::SmtpReply))
        codes.push_back(e->code);
    return codes;
}

world::WorldSpec withUsers()
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.sends.clear();
    spec.reads.clear();
    spec.users.push_back({"carol@example.net", "Carol", "pw", "carol-pc.example.net", "203.0.113.11", {}, {}, mail::AccessRoute::Pop3Keep, {}});
    spec.users.push_back({"dave@example.org", "Dave", "pw", "dave-pc.example.org", "192.0.2.11", {}, {}, mail::AccessRoute::Pop3Keep, {}});
    spec.links.push_back({"carol-pc.example.net", "mail.example.net", core::milliseconds(1)});
    spec.links.push_back({"dave-pc.example.org", "mail.example.org", core::milliseconds(1)});
    return spec;
}

} // namespace

TEST(MailDelivery, CcAndBccInTwoDomains)
{
    world::WorldSpec spec = withUsers();
    world::SendSpec s;
    s.from = "alice@example.org";
    s.to = QStringList{"bob@example.net"};
    s.cc = QStringList{"dave@example.org", "BOB@example.net"};
    s.bcc = QStringList{"carol@example.net"};
    s.subject = "Plans";
    s.body = "See you.";
    spec.sends.push_back(s);
    world::World w(spec);
    runChecked(w);

    // Local recipient delivered on Alice's server; one relay transaction for example.net.
    EXPECT_EQ(w.mailboxOf("dave@example.org")->size(), 1u);
    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 1u) << "the same address twice is delivered once";
    ASSERT_EQ(w.mailboxOf("carol@example.net")->size(), 1u);
    const QByteArray &carolsCopy = w.mailboxOf("carol@example.net")->messages().front().content;
    EXPECT_FALSE(carolsCopy.contains("carol@example.net>")) << "a Bcc recipient is not in the header";
    EXPECT_TRUE(carolsCopy.contains("\r\nCc: Dave <dave@example.org>, Bob <BOB@example.net>\r\n"));

    int rcptToCarol = 0;
    for (const auto *e : eventsOf(w, EventKind::SmtpCommand))
        rcptToCarol += e->data == "RCPT TO:<carol@example.net>\r\n";
    EXPECT_EQ(rcptToCarol, 2) << "once in the submission, once in the relay";
    const auto queued = eventsOf(w, EventKind::QueueAdd);
    ASSERT_EQ(queued.size(), 1u);
    EXPECT_EQ(trace::queueRecipients(*queued.front()), "<bob@example.net>, <carol@example.net>")
        << "the envelope keeps Bcc recipients, once each";
    EXPECT_TRUE(queued.front()->data.startsWith("Received: from ")) << "the message as queued";
    EXPECT_TRUE(queued.front()->data.contains("\r\nSubject: Plans\r\n"));
    const auto removed = eventsOf(w, EventKind::QueueRemove);
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(trace::queueId(*removed.front()), trace::queueId(*queued.front()));
    EXPECT_EQ(removed.front()->detail, trace::queueId(*queued.front()));
}

TEST(MailDelivery, UnknownUserAtTheReceivingServerBouncesToTheSender)
{
    world::WorldSpec spec = withUsers();
    world::SendSpec s;
    s.from = "alice@example.org";
    s.to = QStringList{"bob@example.net", "nobody@example.net"};
    s.subject = "Hello";
    s.body = "Hi";
    spec.sends.push_back(s);
    world::World w(spec);
    runChecked(w);

    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 1u);
    const mail::Mailbox *alice = w.mailboxOf("alice@example.org");
    ASSERT_EQ(alice->size(), 1u);
    const QByteArray &report = alice->messages().front().content;
    EXPECT_TRUE(report.contains("From: Mail Delivery System <MAILER-DAEMON@mail.example.org>"));
    EXPECT_TRUE(report.contains("<nobody@example.net>: 550 <nobody@example.net>: no such user here"));
    EXPECT_TRUE(report.contains("Subject: Hello")) << "the original header comes back";
    EXPECT_TRUE(alice->messages().front().envelopeFrom.isEmpty()) << "bounces come from <>";
    const auto codes = replyCodes(w);
    EXPECT_NE(std::find(codes.begin(), codes.end(), 550), codes.end());
    EXPECT_EQ(eventsOf(w, EventKind::Bounce).size(), 1u);
    EXPECT_TRUE(w.serverForDomain("example.org")->queue().empty());
}

TEST(MailDelivery, TheSubmissionServerRefusesUnknownLocalUsersAtOnce)
{
    world::WorldSpec spec = withUsers();
    world::SendSpec s;
    s.from = "alice@example.org";
    s.to = QStringList{"nobody@example.org"};
    s.subject = "x";
    spec.sends.push_back(s);
    world::World w(spec);
    runChecked(w);
    // 550 to RCPT, so no DATA: the user agent tells its user, nothing is accepted.
    const auto codes = replyCodes(w);
    EXPECT_NE(std::find(codes.begin(), codes.end(), 550), codes.end());
    EXPECT_EQ(std::find(codes.begin(), codes.end(), 354), codes.end());
    EXPECT_TRUE(w.ledger().acceptedKeys().isEmpty());
    const auto notes = eventsOf(w, EventKind::Note);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_TRUE(notes.front()->data.contains("<nobody@example.org> refused: 550"));
}

TEST(MailDelivery, RelayIsDeniedToClientsThatAreNotLocalUsers)
{
    // Bob's computer submits to Alice's server, which is not his: it may send to Alice's
    // users, but not relay to anywhere else.
    world::WorldSpec spec = withUsers();
    spec.links.push_back({"bob-pc.example.net", "internet", core::milliseconds(5)});
    world::World w(spec);
    ASSERT_TRUE(w.problems().isEmpty());
    const mail::MailServer *alpha = w.serverForDomain("example.org");
    smtp::ClientInfo stranger{"bob-pc.example.net", "203.0.113.10"};
    smtp::ClientInfo local{"alice-pc.example.org", "192.0.2.10"};
    auto *server = const_cast<mail::MailServer *>(alpha);
    const smtp::Envelope anonymous;
    EXPECT_EQ(server->checkRecipient(stranger, anonymous, *smtp::Path::fromAddress("alice@example.org")).code, 250);
    const smtp::Reply denied =
        server->checkRecipient(stranger, anonymous, *smtp::Path::fromAddress("carol@example.net"));
    EXPECT_EQ(denied.code, 550);
    EXPECT_TRUE(denied.text.contains("relay access denied"));
    EXPECT_EQ(server->checkRecipient(local, anonymous, *smtp::Path::fromAddress("carol@example.net")).code, 250);
}

namespace {

// The MX lookups of each attempt and the deferrals between them, for a world in which the
// server for example.net never answers.
struct RetryRun
{
    std::vector<core::SimTime> waits; // from each deferral to the next attempt's MX lookup
    std::size_t attempts = 0;
    QByteArray bounce;
};

RetryRun unreachable(core::SimTime interval, double backoff, core::SimTime maxInterval, core::SimTime giveUp)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.reads.clear();
    // Mail for example.net goes to a host where no mail server listens.
    spec.mx = {{"example.org", 10, "mail.example.org"}, {"example.net", 10, "internet"}};
    spec.servers[0].settings.retryInterval = interval;
    spec.servers[0].settings.retryBackoff = backoff;
    spec.servers[0].settings.maxRetryInterval = maxInterval;
    spec.servers[0].settings.maxQueueLifetime = giveUp;
    world::World w(spec);
    runChecked(w);
    RetryRun run;
    const auto defers = eventsOf(w, EventKind::QueueDefer);
    std::vector<const trace::TraceEvent *> lookups;
    for (const auto *q : eventsOf(w, EventKind::DnsQuery)) {
        if (q->data.contains(" MX "))
            lookups.push_back(q);
    }
    run.attempts = lookups.size();
    EXPECT_EQ(defers.size() + 1, lookups.size()) << "every failed attempt but the last is deferred";
    for (std::size_t i = 1; i < lookups.size() && i - 1 < defers.size(); ++i)
        run.waits.push_back(lookups[i]->time - defers[i - 1]->time);
    EXPECT_TRUE(defers.empty() || defers.front()->data.contains("connection refused"));
    EXPECT_EQ(eventsOf(w, EventKind::TcpRefused).size(), run.attempts);
    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 0u);
    EXPECT_TRUE(w.serverForDomain("example.org")->queue().empty());
    if (w.mailboxOf("alice@example.org")->size() == 1)
        run.bounce = w.mailboxOf("alice@example.org")->messages().front().content;
    return run;
}

} // namespace

TEST(MailDelivery, AnUnreachableServerIsRetriedAtAFixedIntervalThenTheMessageBounces)
{
    const RetryRun run = unreachable(core::minutes(1), 1.0, core::minutes(1), core::minutes(5));
    EXPECT_EQ(run.attempts, 5u);
    EXPECT_EQ(run.waits, std::vector<core::SimTime>(4, core::minutes(1)));
    EXPECT_TRUE(run.bounce.contains("gave up after 5 attempts"));
    EXPECT_TRUE(run.bounce.contains("Status: 4.4.7")) << "delivery time expired (RFC 3463)";
}

TEST(MailDelivery, RetriesBackOffUpToTheLongestWaitThenTheMessageBounces)
{
    // 5 simulated minutes, doubling up to 30, giving up after 4 hours: the teacher's
    // compressed day.
    const RetryRun run = unreachable(core::minutes(5), 2.0, core::minutes(30), core::hours(4));
    const std::vector<core::SimTime> expected{core::minutes(5),  core::minutes(10), core::minutes(20),
                                              core::minutes(30), core::minutes(30), core::minutes(30),
                                              core::minutes(30), core::minutes(30), core::minutes(30)};
    EXPECT_EQ(run.waits, expected); // 215 minutes in all; the next wait would pass 4 hours
    EXPECT_EQ(run.attempts, 10u);
    EXPECT_TRUE(run.bounce.contains("gave up after 10 attempts"));
}

TEST(MailDelivery, TheBackupMxTakesOverWhenThePrimaryRefuses)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.mx = {{"example.org", 10, "mail.example.org"},
               {"example.net", 5, "internet"},           // preferred, but nothing listens there
               {"example.net", 20, "mail.example.net"}}; // backup
    world::World w(spec);
    runChecked(w);
    EXPECT_EQ(w.mailboxOf("bob@example.net")->size(), 1u);
    EXPECT_EQ(eventsOf(w, EventKind::TcpRefused).size(), 1u);
    EXPECT_TRUE(eventsOf(w, EventKind::QueueDefer).empty());
}

TEST(MailDelivery, ADomainThatDoesNotExistBouncesAtOnce)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.sends.front().to = QStringList{"someone@nowhere.example"};
    spec.reads.clear();
    world::World w(spec);
    runChecked(w);
    ASSERT_EQ(w.mailboxOf("alice@example.org")->size(), 1u);
    const QByteArray bounce = w.mailboxOf("alice@example.org")->messages().front().content;
    EXPECT_TRUE(bounce.contains("Status: 5.1.2")) << "bad destination system address (RFC 3463)";
    // No server answered, so there is no reply to quote (RFC 3464 2.3.6): the words say why.
    EXPECT_FALSE(bounce.contains("Diagnostic-Code:"));
    EXPECT_FALSE(bounce.contains("Remote-MTA:"));
    EXPECT_TRUE(bounce.contains("does not exist")) << bounce.toStdString();
    EXPECT_TRUE(eventsOf(w, EventKind::TcpSyn).size() == 1u) << "only the submission connects";
}

TEST(MailDelivery, EveryEventHasASummaryAndVisibleEventsAnExplanation)
{
    world::World w(scenario::builtInScenario().world);
    w.runToEnd();
    for (std::size_t i = 0; i < w.trace().size(); ++i) {
        EXPECT_FALSE(trace::summarize(w.trace(), i).isEmpty()) << i;
        if (w.trace().at(i).kind != EventKind::Note) {
            EXPECT_FALSE(trace::explain(w.trace(), i).isEmpty()) << i;
        }
    }
}

TEST(MailDelivery, EveryServerTakesMailForItsPostmaster)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.reads.clear();
    // "Postmaster" at the domain and at the server's own host name both reach the mailbox.
    // To the sender they are two domains, so two deliveries, both into one mailbox.
    spec.sends.front().to = QStringList{"postmaster@example.net"};
    spec.sends.front().cc = QStringList{"Postmaster@mail.example.net"};
    world::World w(spec);
    runChecked(w);
    const mail::Mailbox *postmaster = w.mailboxOf("postmaster@example.net");
    ASSERT_NE(postmaster, nullptr);
    ASSERT_EQ(postmaster->size(), 2u);
    EXPECT_EQ(postmaster->messages()[0].envelopeTo, "postmaster@example.net");
    EXPECT_EQ(postmaster->messages()[1].envelopeTo, "Postmaster@mail.example.net");
    EXPECT_TRUE(eventsOf(w, EventKind::Bounce).empty());
}

// RFC 5321 5.1: a server that finds itself among a domain's exchangers leaves out its own
// record and every one it is not preferred to. Here the backup MX takes Bob's mail while his
// server is down, then tries only Bob's server, never itself, until it is back.
TEST(MailDelivery, ABackupMxNeverSendsToItselfAndWaitsForThePreferredHost)
{
    const scenario::LoadResult loaded = scenario::loadScenarioFile(
        QStringLiteral(MAILSIM_SOURCE_DIR "/docs/teaching/solutions/backup-mx-holds-mail.yaml"));
    ASSERT_TRUE(loaded.ok());
    world::World w(loaded.scenario->world);
    runChecked(w);
    const trace::ActorId backup = w.trace().findActor(QStringLiteral("backup.example.com"));
    ASSERT_GE(backup, 0);
    int queued = 0;
    for (const auto *e : eventsOf(w, EventKind::TcpSyn))
        EXPECT_FALSE(e->from == backup && e->to == backup) << "the backup connected to itself";
    for (const auto *e : eventsOf(w, EventKind::QueueAdd))
        queued += e->from == backup;
    EXPECT_EQ(queued, 1) << "the backup queued Bob's message once";
    const mail::Mailbox *bob = w.mailboxOf(QStringLiteral("bob@example.net"));
    ASSERT_EQ(bob->size(), 1u);
    EXPECT_EQ(bob->messages().front().content.count("\r\nReceived: ") + 1, 3)
        << "Alice's server, the backup, Bob's server";
}

// When the best exchanger of a domain is the server itself, yet the domain is not one of
// its own, waiting cannot help: the message comes back at once as looping (RFC 3463 5.4.6).
TEST(MailDelivery, MailForADomainWhoseBestExchangerIsThisServerBouncesAsALoop)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.mx.push_back({QStringLiteral("example.com"), 5, QStringLiteral("mail.example.org")});
    spec.sends.front().to = QStringList{"carol@example.com"};
    spec.reads.clear();
    world::World w(spec);
    runChecked(w);
    ASSERT_EQ(w.mailboxOf(QStringLiteral("alice@example.org"))->size(), 1u);
    const QByteArray bounce = w.mailboxOf(QStringLiteral("alice@example.org"))->messages().front().content;
    EXPECT_TRUE(bounce.contains("Status: 5.4.6")) << bounce.toStdString();
    EXPECT_TRUE(bounce.contains("loops back to myself"));
    EXPECT_EQ(eventsOf(w, EventKind::TcpSyn).size(), 1u) << "only the submission connects";
}
