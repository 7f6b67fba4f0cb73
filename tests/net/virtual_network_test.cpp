#include "net/dns.h"
#include "net/virtual_network.h"

#include <gtest/gtest.h>

#include <memory>

using namespace mailsim;
using core::milliseconds;
using net::StreamConnection;
using trace::EventKind;

namespace {

// Records what a connection end sees, with the virtual time of each callback.
struct Recorder : net::StreamHandler
{
    struct Log
    {
        std::vector<std::pair<core::SimTime, QByteArray>> data;
        core::SimTime connectedAt = -1;
        core::SimTime closedAt = -1;
        QByteArray failure;
    };
    Recorder(core::Simulation &sim, std::shared_ptr<Log> log) : sim(sim), log(std::move(log)) {}
    void onConnected() override { log->connectedAt = sim.now(); }
    void onData(const QByteArray &bytes) override { log->data.emplace_back(sim.now(), bytes); }
    void onPeerClosed() override { log->closedAt = sim.now(); }
    void onConnectFailed(const QByteArray &reason) override { log->failure = reason; }
    core::Simulation &sim;
    std::shared_ptr<Log> log;
};

struct NetworkFixture : ::testing::Test
{
    core::Simulation sim;
    trace::TraceLog log;
    net::VirtualNetwork network{sim, log};
    net::HostId a = network.addHost("a.example", "192.0.2.1", trace::ActorRole::UserAgent, "A");
    net::HostId r = network.addHost("router", "192.0.2.254", trace::ActorRole::Router, "R");
    net::HostId b = network.addHost("b.example", "192.0.2.2", trace::ActorRole::MailServer, "B");
    net::HostId island = network.addHost("island", "192.0.2.3", trace::ActorRole::MailServer, "I");

    void SetUp() override
    {
        network.addLink(a, r, milliseconds(2));
        network.addLink(r, b, milliseconds(3));
    }

    std::vector<EventKind> kinds() const
    {
        std::vector<EventKind> k;
        for (const auto &e : log.events())
            k.push_back(e.kind);
        return k;
    }
};

} // namespace

TEST_F(NetworkFixture, LatencyIsTheFastestPathSum)
{
    EXPECT_EQ(network.latency(a, b), milliseconds(5));
    EXPECT_EQ(network.latency(b, a), milliseconds(5));
    EXPECT_EQ(network.latency(a, a), 0);
    EXPECT_FALSE(network.latency(a, island).has_value());
    network.addLink(a, b, milliseconds(4));
    EXPECT_EQ(network.latency(a, b), milliseconds(4));
}

TEST_F(NetworkFixture, HandshakeIsTracedAndBothSidesConnect)
{
    auto serverLog = std::make_shared<Recorder::Log>();
    network.listen(b, 25, [&](StreamConnection &) { return std::make_unique<Recorder>(sim, serverLog); });
    auto clientLog = std::make_shared<Recorder::Log>();
    const int id = network.connect(a, b, 25, std::make_unique<Recorder>(sim, clientLog), 3);
    sim.runToEnd();

    EXPECT_EQ(kinds(), (std::vector<EventKind>{EventKind::TcpSyn, EventKind::TcpSynAck, EventKind::TcpAck}));
    for (const auto &e : log.events()) {
        EXPECT_EQ(e.connection, id);
        EXPECT_EQ(e.stage, 3);
        EXPECT_EQ(e.code, 25);
        EXPECT_EQ(e.arrival - e.time, milliseconds(5));
    }
    EXPECT_EQ(log.at(0).from, network.host(a).actor);
    EXPECT_EQ(log.at(1).from, network.host(b).actor);
    EXPECT_EQ(clientLog->connectedAt, milliseconds(10));  // SYN + SYN-ACK
    EXPECT_EQ(serverLog->connectedAt, milliseconds(15));  // + ACK
    EXPECT_EQ(network.openConnections(), 1u);
}

TEST_F(NetworkFixture, NothingListeningMeansConnectionRefused)
{
    auto clientLog = std::make_shared<Recorder::Log>();
    network.connect(a, b, 25, std::make_unique<Recorder>(sim, clientLog), 3);
    sim.runToEnd();
    EXPECT_EQ(kinds(), (std::vector<EventKind>{EventKind::TcpSyn, EventKind::TcpRefused}));
    EXPECT_EQ(clientLog->failure, "connection refused");
    EXPECT_EQ(clientLog->connectedAt, -1);
    EXPECT_EQ(sim.now(), milliseconds(10));
    EXPECT_EQ(network.openConnections(), 0u);
}

TEST_F(NetworkFixture, NoRouteFailsWithoutSendingAnything)
{
    auto clientLog = std::make_shared<Recorder::Log>();
    network.listen(island, 25, [&](StreamConnection &) { return std::make_unique<Recorder>(sim, clientLog); });
    network.connect(a, island, 25, std::make_unique<Recorder>(sim, clientLog), 3);
    sim.runToEnd();
    EXPECT_EQ(kinds(), (std::vector<EventKind>{EventKind::TcpRefused}));
    EXPECT_EQ(clientLog->failure, "no route to host");
}

namespace {
// Echoes each chunk back in upper case, and closes when the peer does.
struct Echo : net::StreamHandler
{
    void onData(const QByteArray &bytes) override
    {
        connection()->send(StreamConnection::Side::Server, bytes.toUpper());
    }
    void onPeerClosed() override { connection()->close(StreamConnection::Side::Server); }
};

struct Talker : Recorder
{
    using Recorder::Recorder;
    void onConnected() override
    {
        Recorder::onConnected();
        connection()->send(StreamConnection::Side::Client, "one ");
        connection()->send(StreamConnection::Side::Client, "two ");
        connection()->send(StreamConnection::Side::Client, "three");
        connection()->close(StreamConnection::Side::Client);
        connection()->send(StreamConnection::Side::Client, "after close is dropped");
    }
};
} // namespace

TEST_F(NetworkFixture, StreamsAreOrderedAndFinComesAfterData)
{
    network.listen(b, 25, [](StreamConnection &) { return std::make_unique<Echo>(); });
    auto clientLog = std::make_shared<Recorder::Log>();
    network.connect(a, b, 25, std::make_unique<Talker>(sim, clientLog), 2);
    sim.runToEnd();

    QByteArray echoed;
    core::SimTime last = 0;
    for (const auto &[t, bytes] : clientLog->data) {
        EXPECT_GE(t, last);
        last = t;
        echoed += bytes;
    }
    EXPECT_EQ(echoed, "ONE TWO THREE");
    EXPECT_GE(clientLog->closedAt, last);
    int fins = 0;
    for (const auto &e : log.events())
        fins += e.kind == EventKind::TcpFin;
    EXPECT_EQ(fins, 2);
    EXPECT_EQ(network.openConnections(), 0u); // both FINs delivered: the connection is gone
}

TEST_F(NetworkFixture, DnsQueriesTravelAndAreTraced)
{
    net::HostId dnsHost = network.addHost("dns", "192.0.2.53", trace::ActorRole::DnsServer, "DNS");
    network.addLink(dnsHost, r, milliseconds(1));
    net::Dns dns(network, dnsHost);
    dns.addMx("example.net", 20, "backup.example.net");
    dns.addMx("example.net", 10, "mx.example.net");
    dns.addA("mx.example.net", "203.0.113.5");

    std::vector<net::DnsAnswer> answers;
    dns.query(a, net::DnsType::MX, "Example.NET", 3, [&](const net::DnsAnswer &x) { answers.push_back(x); });
    dns.query(a, net::DnsType::A, "mx.example.net", 3, [&](const net::DnsAnswer &x) { answers.push_back(x); });
    dns.query(a, net::DnsType::MX, "nowhere.example", 3, [&](const net::DnsAnswer &x) { answers.push_back(x); });
    dns.query(a, net::DnsType::MX, "mx.example.net", 3, [&](const net::DnsAnswer &x) { answers.push_back(x); });
    sim.runToEnd();

    ASSERT_EQ(answers.size(), 4u);
    ASSERT_EQ(answers[0].mx.size(), 2u);
    EXPECT_EQ(answers[0].mx[0].exchange, "mx.example.net"); // lower preference first
    EXPECT_EQ(answers[0].mx[1].preference, 20);
    EXPECT_EQ(answers[1].addresses, std::vector<QString>{"203.0.113.5"});
    EXPECT_EQ(answers[2].status, net::DnsAnswer::Status::NxDomain);
    EXPECT_EQ(answers[3].status, net::DnsAnswer::Status::NoAnswer);
    EXPECT_EQ(sim.now(), milliseconds(6)); // 3 ms each way

    ASSERT_EQ(log.size(), 8u);
    EXPECT_EQ(log.at(0).kind, EventKind::DnsQuery);
    EXPECT_EQ(log.at(0).data, "example.net. MX ?");
    const auto &mxAnswer = log.at(4);
    EXPECT_EQ(mxAnswer.kind, EventKind::DnsAnswer);
    EXPECT_EQ(mxAnswer.data, "example.net. MX 10 mx.example.net.\nexample.net. MX 20 backup.example.net.");
    EXPECT_EQ(mxAnswer.detail, "NOERROR");
    EXPECT_EQ(log.at(6).detail, "NXDOMAIN");
}

TEST_F(NetworkFixture, HostsAreActorsOfTheTraceFoundByName)
{
    EXPECT_EQ(log.findActor("B.EXAMPLE"), network.host(b).actor);
    EXPECT_EQ(log.actorName(log.findActor("router")), "router");
    EXPECT_EQ(log.findActor("nowhere"), -1);
}
