// The real-client gate in virtual time: no sockets, no wall clock. A "peer" here is what a
// socket's owner would be told; the world is the built-in scenario with a way in for real
// clients at mail.example.org (Alice's server). Real sockets are judged by Python and curl
// against `mailsim-cli serve` (tests/bridge/*.py).
#include "bridge/client_commands.h"
#include "bridge/real_client_gate.h"
#include "bridge/real_time_runner.h"
#include "core/rng.h"
#include "scenario/built_in.h"
#include "world/world.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <set>

#include <gtest/gtest.h>

using namespace mailsim;
using bridge::RealClientGate;
using bridge::Service;
using trace::EventKind;

namespace {

world::WorldSpec specWithRealClients()
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.realClients.server = QStringLiteral("mail.example.org");
    return spec;
}

// What a socket's owner would see.
struct FakeSocket
{
    QByteArray received;
    bool closed = false;
    bool aborted = false;

    RealClientGate::Peer peer()
    {
        return {[this](const QByteArray &b) { received += b; }, [this] { closed = true; },
                [this] { aborted = true; }};
    }
};

class GateTest : public ::testing::Test
{
protected:
    void SetUp() override { makeWorld(specWithRealClients()); }

    void makeWorld(const world::WorldSpec &spec, bridge::GateLimits limits = {})
    {
        gate.reset();
        world = std::make_unique<world::World>(spec);
        ASSERT_TRUE(world->problems().isEmpty()) << world->problems().join('\n').toStdString();
        world->runToEnd(); // the scenario's own mail is delivered and read: a quiet world
        baseline = world->openConnections();
        QString error;
        gate = RealClientGate::create(*world, limits, &error);
        ASSERT_TRUE(gate) << error.toStdString();
    }

    // Lets virtual time pass, as the real-time runner would let wall time pass.
    void wait(core::SimTime span = core::milliseconds(5))
    {
        world->simulation().advanceTo(world->simulation().now() + span);
    }
    void say(int session, const QByteArray &bytes)
    {
        gate->receive(session, bytes);
        wait();
    }
    std::size_t aliceHas() const { return world->mailboxOf(QStringLiteral("alice@example.org"))->totalMessages(); }
    std::size_t count(EventKind kind) const
    {
        std::size_t n = 0;
        for (const trace::TraceEvent &e : world->trace().events())
            n += e.kind == kind;
        return n;
    }

    std::unique_ptr<world::World> world;
    std::unique_ptr<RealClientGate> gate;
    std::size_t baseline = 0;
};

const QByteArray kMessage = "From: someone@example.com\r\nTo: alice@example.org\r\nSubject: hi\r\n\r\n"
                            "Hello from a real client.\r\n";

QByteArray wholeSubmission()
{
    return "EHLO laptop\r\nMAIL FROM:<someone@example.com>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n"
           + kMessage + ".\r\nQUIT\r\n";
}

} // namespace

TEST_F(GateTest, ARealClientsMessageIsStoredAndItsCommandsComeBeforeTheirEffectsInTheTrace)
{
    const std::size_t before = aliceHas();
    const std::size_t firstNew = world->trace().size();
    FakeSocket socket;
    const int session = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:50000"), socket.peer());
    ASSERT_GT(session, 0);
    wait();
    EXPECT_TRUE(socket.received.startsWith("220 mail.example.org")) << socket.received.toStdString();

    for (const QByteArray &line : wholeSubmission().split('\n')) {
        if (!line.isEmpty())
            say(session, line + '\n');
    }
    EXPECT_EQ(aliceHas(), before + 1);
    EXPECT_TRUE(socket.received.contains("354 ")) << socket.received.toStdString();
    EXPECT_TRUE(socket.received.contains("250 OK: queued as"));
    EXPECT_TRUE(socket.received.endsWith("221 mail.example.org Service closing transmission channel\r\n"));
    EXPECT_TRUE(socket.closed);
    EXPECT_FALSE(socket.aborted);
    EXPECT_EQ(world->openConnections(), baseline);
    EXPECT_EQ(gate->openSessions(), 0);

    // The real client's commands are in the trace, from the real-clients host, marked, and the
    // message's data comes before the mailbox-add it causes.
    const trace::TraceLog &log = world->trace();
    const trace::ActorId real = log.findActor(QString::fromLatin1(world::kRealClientsHost));
    ASSERT_GE(real, 0);
    EXPECT_EQ(log.actor(real).role, trace::ActorRole::RealClient);
    QByteArrayList commands;
    std::size_t dataAt = 0, storedAt = 0;
    for (std::size_t i = firstNew; i < log.size(); ++i) {
        const trace::TraceEvent &e = log.at(i);
        if (e.kind == EventKind::SmtpCommand) {
            EXPECT_EQ(e.from, real);
            EXPECT_TRUE(log.involvesRealClient(e));
            // Submission is stage 2 until the server stores the message (then 5: delivered).
            EXPECT_EQ(e.stage, storedAt ? 5 : 2) << e.data.toStdString();
            commands << e.data.trimmed();
        }
        if (e.kind == EventKind::SmtpData && e.from == real)
            dataAt = i;
        if (e.kind == EventKind::MailboxAdd && !storedAt)
            storedAt = i;
    }
    EXPECT_EQ(commands, (QByteArrayList{"EHLO laptop", "MAIL FROM:<someone@example.com>",
                                        "RCPT TO:<alice@example.org>", "DATA", "QUIT"}));
    ASSERT_GT(dataAt, 0u);
    ASSERT_GT(storedAt, 0u);
    EXPECT_LT(dataAt, storedAt);
    // The server's own event, yet the real client's doing: marked as such; the scenario's
    // own deliveries are not.
    EXPECT_TRUE(log.at(storedAt).causedByRealClient);
    EXPECT_TRUE(log.involvesRealClient(log.at(storedAt)));
    for (std::size_t i = 0; i < firstNew; ++i)
        EXPECT_FALSE(log.involvesRealClient(log.at(i))) << i;
    EXPECT_EQ(log.at(dataAt).data, kMessage + ".\r\n");
}

TEST_F(GateTest, AnyChunkingOfTheClientsBytesGivesTheSameAnswers)
{
    const std::size_t before = aliceHas();
    FakeSocket whole;
    const int a = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:1"), whole.peer());
    wait();
    say(a, wholeSubmission());

    FakeSocket bytewise;
    const int b = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:2"), bytewise.peer());
    wait();
    const QByteArray all = wholeSubmission();
    for (char c : all)
        gate->receive(b, QByteArray(1, c));
    wait();

    auto withoutQueueIds = [](QByteArray s) {
        const qsizetype at = s.indexOf("queued as ");
        return at < 0 ? s : s.left(at) + s.mid(s.indexOf('\r', at));
    };
    EXPECT_EQ(withoutQueueIds(whole.received), withoutQueueIds(bytewise.received));
    EXPECT_TRUE(bytewise.closed);
    EXPECT_EQ(aliceHas(), before + 2);
}

TEST_F(GateTest, AConnectionDroppedInTheMiddleOfDataStoresNothing)
{
    const std::size_t before = aliceHas();
    const std::size_t addsBefore = count(EventKind::MailboxAdd);
    FakeSocket socket;
    const int session = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:3"), socket.peer());
    wait();
    say(session, "EHLO laptop\r\nMAIL FROM:<x@example.com>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
    say(session, kMessage.left(40)); // half a message, and no final "."
    gate->clientClosed(session);
    wait();
    EXPECT_EQ(aliceHas(), before);
    EXPECT_EQ(count(EventKind::MailboxAdd), addsBefore);
    EXPECT_EQ(world->openConnections(), baseline); // the server closed its side too
    EXPECT_EQ(gate->openSessions(), 0);
    EXPECT_TRUE(world->conservationViolations().isEmpty());
}

TEST_F(GateTest, ASilentSessionGetsItsProtocolsGoodbyeAfterTheIdleTimeout)
{
    bridge::GateLimits limits;
    limits.setIdleTimeout(core::seconds(10));
    makeWorld(specWithRealClients(), limits);
    FakeSocket smtp, pop3, imap;
    const int s = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:4"), smtp.peer());
    gate->open(Service::Pop3, QStringLiteral("127.0.0.1:5"), pop3.peer());
    gate->open(Service::Imap, QStringLiteral("127.0.0.1:6"), imap.peer());
    wait(core::seconds(6));
    say(s, "NOOP\r\n"); // activity: SMTP's ten seconds start again
    wait(core::seconds(5)); // 11 s since POP3 and IMAP last heard anything
    EXPECT_FALSE(smtp.closed);
    EXPECT_TRUE(pop3.received.contains("\r\n-ERR")) << pop3.received.toStdString();
    EXPECT_TRUE(pop3.closed);
    EXPECT_TRUE(imap.received.contains("\r\n* BYE")) << imap.received.toStdString();
    EXPECT_TRUE(imap.closed);
    wait(core::seconds(6));
    EXPECT_TRUE(smtp.received.contains("\r\n421 ")) << smtp.received.toStdString();
    EXPECT_TRUE(smtp.closed);
    wait();
    EXPECT_EQ(gate->openSessions(), 0);
    EXPECT_EQ(world->openConnections(), baseline);
}

TEST_F(GateTest, OverTheConnectionLimitEachProtocolSaysItIsBusy)
{
    bridge::GateLimits limits;
    limits.maxConnections = 2;
    world::WorldSpec spec = specWithRealClients();
    spec.servers.front().web.enabled = true;
    makeWorld(spec, limits);
    FakeSocket first, second;
    const int a = gate->open(Service::Smtp, QStringLiteral("127.0.0.1:7"), first.peer());
    EXPECT_GT(gate->open(Service::Pop3, QStringLiteral("127.0.0.1:8"), second.peer()), 0);
    wait();

    const std::pair<Service, QByteArray> busy[] = {
        {Service::Smtp, "421 4.7.0 mail.example.org Too many connections"},
        {Service::Pop3, "-ERR [SYS/TEMP] Too many connections"},
        {Service::Imap, "* BYE Too many connections"},
        {Service::Http, "HTTP/1.1 503 Service Unavailable\r\n"},
    };
    for (const auto &[service, answer] : busy) {
        FakeSocket extra;
        EXPECT_EQ(gate->open(service, QStringLiteral("127.0.0.1:9"), extra.peer()), 0);
        EXPECT_TRUE(extra.received.startsWith(answer)) << extra.received.toStdString();
        EXPECT_TRUE(extra.closed);
    }
    const trace::TraceEvent &note = world->trace().events().back();
    EXPECT_EQ(note.kind, EventKind::Note);
    EXPECT_TRUE(note.data.contains("turned away"));

    say(a, "QUIT\r\n"); // one leaves: there is room again
    FakeSocket later;
    EXPECT_GT(gate->open(Service::Smtp, QStringLiteral("127.0.0.1:10"), later.peer()), 0);
    wait();
    EXPECT_TRUE(later.received.startsWith("220 "));
}

TEST_F(GateTest, ARealClientIsRefusedWhenTheServerIsDown)
{
    world::WorldSpec spec = specWithRealClients();
    world::FaultSpec down;
    down.kind = world::FaultSpec::Kind::ServerDown;
    down.host = QStringLiteral("mail.example.org");
    down.at = core::seconds(100);
    spec.faults.push_back(down);
    makeWorld(spec);
    FakeSocket socket;
    EXPECT_GT(gate->open(Service::Pop3, QStringLiteral("127.0.0.1:11"), socket.peer()), 0);
    wait();
    EXPECT_TRUE(socket.aborted); // as TCP's RST: nothing listens
    EXPECT_TRUE(socket.received.isEmpty());
    EXPECT_EQ(gate->openSessions(), 0);
}

TEST_F(GateTest, ItKnowsItsServicesAccountsAndRecipientsElsewhere)
{
    EXPECT_FALSE(gate->target(Service::Http)); // the built-in scenario has no web mail
    const bridge::ServiceTarget smtp = *gate->target(Service::Smtp);
    EXPECT_EQ(smtp.port, 587);
    EXPECT_EQ(smtp.stage, 2);
    EXPECT_EQ(gate->target(Service::Imap)->port, 143);
    EXPECT_EQ(gate->target(Service::Pop3)->stage, 6);
    ASSERT_EQ(gate->accounts().size(), 1u);
    EXPECT_EQ(gate->accounts().front().address, QStringLiteral("alice@example.org"));
    EXPECT_EQ(gate->accounts().front().password, world::loginPassword(world->spec().users.front()));
    EXPECT_EQ(gate->usersElsewhere(), std::vector<QString>{QStringLiteral("bob@example.net")});

    FakeSocket socket;
    EXPECT_EQ(gate->open(Service::Http, QStringLiteral("127.0.0.1:12"), socket.peer()), 0);
    EXPECT_TRUE(socket.closed);

    world::WorldSpec spec = specWithRealClients();
    spec.servers.front().web.enabled = true;
    makeWorld(spec);
    ASSERT_TRUE(gate->target(Service::Http));
    EXPECT_EQ(gate->target(Service::Http)->port, 80);
}

TEST_F(GateTest, AWorldWithoutRealClientsHasNoGate)
{
    world::World plain(scenario::builtInScenario().world);
    QString error;
    EXPECT_FALSE(RealClientGate::create(plain, {}, &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_FALSE(plain.realClientsHost());

    world::WorldSpec spec = specWithRealClients();
    spec.realClients.server = QStringLiteral("mail.nowhere.example");
    world::World wrong(spec);
    EXPECT_TRUE(wrong.problems().join(' ').contains(QStringLiteral("mail.nowhere.example")));
    EXPECT_FALSE(RealClientGate::create(wrong, {}, &error));
}

TEST_F(GateTest, ClosingTheGateEndsItsSessionsAndTheServersSeeThemGo)
{
    FakeSocket socket;
    gate->open(Service::Imap, QStringLiteral("127.0.0.1:13"), socket.peer());
    wait();
    EXPECT_TRUE(socket.received.startsWith("* OK"));
    EXPECT_GT(world->openConnections(), baseline);
    gate.reset();
    wait();
    EXPECT_EQ(world->openConnections(), baseline);
}

// Whatever real clients send, every session ends (by the protocol's goodbye, an error limit
// or the idle timeout), every connection is closed, and mail accepted is still where it was.
TEST_F(GateTest, GarbageOnEveryServiceEndsEverySessionAndLosesNothing)
{
    bridge::GateLimits limits;
    limits.setIdleTimeout(core::seconds(30));
    world::WorldSpec spec = specWithRealClients();
    spec.servers.front().web.enabled = true;
    makeWorld(spec, limits);
    core::Rng rng(20261129);
    const QByteArray words[] = {"EHLO x\r\n", "MAIL FROM:<a@b>\r\n", "RCPT TO:<alice@example.org>\r\n",
                                "DATA\r\n", ".\r\n", "USER alice\r\n", "PASS x\r\n", "RETR 1\r\n",
                                "a1 LOGIN alice x\r\n", "a2 SELECT INBOX\r\n", "{5}\r\n", "GET / HTTP/1.1\r\n",
                                "Content-Length: 99999999\r\n", "\r\n", "\r", "\n", QByteArray(1, '\0')};
    std::vector<FakeSocket> sockets(40);
    std::vector<int> sessions;
    std::set<std::size_t> leftByClient; // their sockets are gone: nobody to tell
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        const Service service = bridge::kServices[i % bridge::kServices.size()];
        sessions.push_back(gate->open(service, QStringLiteral("127.0.0.1:%1").arg(i), sockets[i].peer()));
        ASSERT_GT(sessions.back(), 0);
    }
    for (int round = 0; round < 200; ++round) {
        const std::size_t i = rng.below(sessions.size());
        QByteArray bytes;
        if (rng.below(3) == 0) {
            for (quint64 n = rng.below(300); n > 0; --n)
                bytes += char(rng.below(256));
        } else {
            bytes = words[rng.below(std::size(words))];
        }
        gate->receive(sessions[i], bytes);
        if (rng.below(50) == 0) {
            gate->clientClosed(sessions[i]);
            leftByClient.insert(i);
        }
        wait(core::milliseconds(rng.below(200)));
    }
    gate->receive(sessions[0], QByteArray(4 * 1024 * 1024, 'x')); // one very long line
    wait(core::minutes(1)); // past every idle timeout
    EXPECT_EQ(gate->openSessions(), 0);
    EXPECT_EQ(world->openConnections(), baseline);
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        if (!leftByClient.count(i)) {
            EXPECT_TRUE(sockets[i].closed) << i << ": " << sockets[i].received.left(300).toStdString();
        }
    }
    EXPECT_FALSE(leftByClient.empty());
    EXPECT_TRUE(world->conservationViolations().isEmpty()) << world->conservationViolations().join('\n').toStdString();
}

TEST(RealClientsSpec, TheDefaultServerIsTheFirstUsersAndWebMailComesWhenAsked)
{
    const world::WorldSpec spec = scenario::builtInScenario().world;
    EXPECT_EQ(bridge::defaultRealClientServer(spec), QStringLiteral("mail.example.org"));
    EXPECT_TRUE(bridge::defaultRealClientServer(world::WorldSpec{}).isEmpty());

    QString error;
    const std::optional<world::WorldSpec> bob = bridge::withRealClients(spec, QStringLiteral("MAIL.example.NET"), true, &error);
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->realClients.server, QStringLiteral("mail.example.net"));
    EXPECT_TRUE(bob->servers[1].web.enabled);
    EXPECT_FALSE(bob->servers[0].web.enabled);
    const std::optional<world::WorldSpec> plain = bridge::withRealClients(spec, QStringLiteral("mail.example.org"), false, &error);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->servers[0].web.enabled);

    EXPECT_FALSE(bridge::withRealClients(spec, QStringLiteral("mail.nowhere.example"), false, &error));
    EXPECT_EQ(error, QStringLiteral("there is no mail server 'mail.nowhere.example' in the scenario "
                                    "(there is: mail.example.org, mail.example.net)"));
}

TEST(RealTimeRunner, RunsAnEventWhenItsTimeHasComeOnTheWallClock)
{
    int argc = 0;
    QCoreApplication app(argc, nullptr);
    core::Simulation simulation;
    bool ran = false;
    simulation.schedule(core::milliseconds(50), [&] { ran = true; });
    bridge::RealTimeRunner runner(simulation);
    QElapsedTimer wall;
    wall.start();
    runner.start();
    EXPECT_FALSE(ran);
    while (!ran && wall.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
    EXPECT_TRUE(ran);
    EXPECT_GE(wall.elapsed(), 49); // not before its time
    EXPECT_GE(simulation.now(), core::milliseconds(50));
    runner.stop();
    EXPECT_FALSE(runner.running());
}

TEST_F(GateTest, TheCommandsToCopyUseTheOpenPortsAndTheScenariosUsers)
{
    const std::map<Service, quint16> ports{{Service::Smtp, 40025}, {Service::Pop3, 40110}};
    const std::vector<bridge::ClientCommand> commands =
        bridge::clientCommands(*gate, QHostAddress(QHostAddress::LocalHost), ports);
    ASSERT_EQ(commands.size(), 3u); // send; list and read by POP3; nothing for IMAP or HTTP
    const QString password = world::loginPassword(world->spec().users.front());
    // Sent to Bob at the other server, logged in as Alice, the password quoted for the shell.
    EXPECT_TRUE(commands[0].command.contains(QStringLiteral("curl smtp://127.0.0.1:40025")));
    EXPECT_TRUE(commands[0].command.contains(QStringLiteral("--mail-rcpt bob@example.net")));
    EXPECT_TRUE(commands[0].command.contains(QStringLiteral("--user 'alice@example.org:%1'").arg(password)));
    EXPECT_EQ(commands[1].command,
              QStringLiteral("curl pop3://127.0.0.1:40110 --user 'alice@example.org:%1'").arg(password));
    EXPECT_TRUE(commands[2].command.startsWith(QStringLiteral("curl pop3://127.0.0.1:40110/1 ")));
    for (const bridge::ClientCommand &c : commands)
        EXPECT_FALSE(c.title.isEmpty());
}
