// Each scripted fault, on the built-in scenario (Alice writes to Bob at 0 s): what the trace
// shows, why the message waits, and that it is delivered once things work again, or
// bounced with the right status when they never do.
#include "scenario/built_in.h"
#include "world/world.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mailsim;
using trace::EventKind;
using K = world::FaultSpec::Kind;

namespace {

world::WorldSpec withFaults(std::vector<world::FaultSpec> faults)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.reads.clear();
    for (world::ServerSpec &s : spec.servers) {
        s.settings.retryInterval = core::minutes(1);
        s.settings.retryBackoff = 1.0;
        s.settings.maxQueueLifetime = core::minutes(10);
    }
    spec.faults = std::move(faults);
    return spec;
}

world::FaultSpec fault(core::SimTime at, K kind, const char *host, const char *other = "")
{
    world::FaultSpec f;
    f.at = at;
    f.kind = kind;
    f.host = QString::fromLatin1(host);
    f.other = QString::fromLatin1(other);
    return f;
}

void run(world::World &w)
{
    ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
    while (w.step())
        ASSERT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

std::vector<const trace::TraceEvent *> eventsOf(const world::World &w, EventKind kind)
{
    std::vector<const trace::TraceEvent *> found;
    for (const trace::TraceEvent &e : w.trace().events()) {
        if (e.kind == kind)
            found.push_back(&e);
    }
    return found;
}

const trace::TraceEvent *bobsDelivery(const world::World &w)
{
    for (const trace::TraceEvent *e : eventsOf(w, EventKind::MailboxAdd)) {
        if (e->detail == "bob@example.net")
            return e;
    }
    return nullptr;
}

} // namespace

TEST(Faults, AServerThatIsDownRefusesAndTheQueueDeliversWhenItIsBack)
{
    world::World w(withFaults({fault(0, K::ServerDown, "mail.example.net"),
                               fault(core::seconds(150), K::ServerUp, "mail.example.net")}));
    run(w);
    const auto faults = eventsOf(w, EventKind::Fault);
    ASSERT_EQ(faults.size(), 2u);
    EXPECT_EQ(faults[0]->detail, "server-down");
    EXPECT_EQ(faults[1]->detail, "server-up");
    const auto defers = eventsOf(w, EventKind::QueueDefer);
    ASSERT_GE(defers.size(), 2u);
    EXPECT_TRUE(defers[0]->data.contains("connection refused")) << defers[0]->data.toStdString();
    const trace::TraceEvent *delivered = bobsDelivery(w);
    ASSERT_NE(delivered, nullptr);
    // Not at once when it comes back: at the next attempt of the queue (every minute here).
    EXPECT_GE(delivered->time, core::seconds(150));
    EXPECT_LT(delivered->time, core::seconds(150) + core::minutes(1) + core::seconds(1));
}

TEST(Faults, ABusyServerAnswers421AndClosesUntilItIsReady)
{
    world::World w(withFaults({fault(0, K::ServerBusy, "mail.example.net"),
                               fault(core::seconds(90), K::ServerReady, "mail.example.net")}));
    run(w);
    const auto replies = eventsOf(w, EventKind::SmtpReply);
    const auto busy = std::find_if(replies.begin(), replies.end(), [](const trace::TraceEvent *r) { return r->code == 421; });
    ASSERT_NE(busy, replies.end());
    EXPECT_TRUE((*busy)->data.startsWith("421 mail.example.net")) << (*busy)->data.toStdString();
    EXPECT_TRUE(eventsOf(w, EventKind::QueueDefer).front()->data.contains("421"));
    ASSERT_NE(bobsDelivery(w), nullptr);
    EXPECT_TRUE(eventsOf(w, EventKind::Bounce).empty()) << "421 is temporary: the mail waits, it is not returned";
}

TEST(Faults, ACutLinkLeavesNoRouteUntilItIsMended)
{
    world::World w(withFaults({fault(0, K::LinkDown, "internet", "mail.example.net"),
                               fault(core::seconds(70), K::LinkUp, "internet", "mail.example.net")}));
    run(w);
    const auto refused = eventsOf(w, EventKind::TcpRefused);
    ASSERT_FALSE(refused.empty());
    EXPECT_EQ(refused.front()->detail, "no route to host");
    ASSERT_NE(bobsDelivery(w), nullptr);
    EXPECT_GE(bobsDelivery(w)->time, core::seconds(70));
}

TEST(Faults, ASlowLinkDelaysTheDeliveryButLosesNothing)
{
    world::World fast(withFaults({}));
    run(fast);
    world::FaultSpec slow = fault(0, K::LinkSlow, "internet", "mail.example.net");
    slow.latency = core::seconds(1);
    world::World w(withFaults({slow}));
    run(w);
    ASSERT_NE(bobsDelivery(fast), nullptr);
    ASSERT_NE(bobsDelivery(w), nullptr);
    // The SMTP dialogue crosses the slowed link about a dozen times.
    EXPECT_GT(bobsDelivery(w)->time - bobsDelivery(fast)->time, core::seconds(8));
    EXPECT_TRUE(eventsOf(w, EventKind::QueueDefer).empty());
}

TEST(Faults, WithoutMxRecordsTheSenderTriesTheDomainItself)
{
    world::FaultSpec noMx = fault(0, K::NoMx, "");
    noMx.domain = QStringLiteral("example.net");
    world::World w(withFaults({noMx}));
    run(w);
    // RFC 5321 5.1: no MX, so the domain's own address record is the mail exchanger; the
    // domain example.net has none here, so the attempt fails and the queue gives up at last.
    bool askedForTheDomain = false;
    for (const trace::TraceEvent *q : eventsOf(w, EventKind::DnsQuery))
        askedForTheDomain = askedForTheDomain || q->data.startsWith("example.net. A ?");
    EXPECT_TRUE(askedForTheDomain);
    EXPECT_TRUE(eventsOf(w, EventKind::QueueDefer).front()->data.contains("no address record"));
    EXPECT_EQ(bobsDelivery(w), nullptr);
    ASSERT_EQ(w.mailboxOf(QStringLiteral("alice@example.org"))->size(), 1u);
    EXPECT_TRUE(w.mailboxOf(QStringLiteral("alice@example.org"))->messages()[0].content.contains("Status: 4.4.7"));
}

TEST(Faults, MagicRecipientsAnswerEachReplyOfTheLecture)
{
    struct Case
    {
        const char *to;
        int code;
        const char *status; // in the report Alice gets
    };
    for (const Case c : {Case{"busy@example.net", 450, "Status: 4.4.7"}, Case{"later@example.net", 451, "Status: 4.4.7"},
                         Case{"missing@example.net", 550, "Status: 5.1.1"}, Case{"big@example.net", 552, "Status: 5.3.4"}}) {
        SCOPED_TRACE(c.to);
        world::WorldSpec spec = withFaults({});
        spec.sends[0].to = QStringList{QString::fromLatin1(c.to)};
        world::World w(spec);
        run(w);
        const auto replies = eventsOf(w, EventKind::SmtpReply);
        EXPECT_TRUE(std::any_of(replies.begin(), replies.end(), [&](const trace::TraceEvent *r) { return r->code == c.code; }));
        const bool temporary = c.code < 500;
        EXPECT_EQ(eventsOf(w, EventKind::QueueDefer).empty(), !temporary) << "4xx waits in the queue, 5xx does not";
        ASSERT_EQ(w.mailboxOf(QStringLiteral("alice@example.org"))->size(), 1u) << "a report for Alice";
        EXPECT_TRUE(w.mailboxOf(QStringLiteral("alice@example.org"))->messages()[0].content.contains(c.status));
    }
}
