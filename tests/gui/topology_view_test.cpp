// The topology view as a student sees it: one box per host, placed so that none hides
// another; the port of each open connection on its path; the actor of the last event
// highlighted; the servers' counts at the cursor; an envelope that travels only after a
// single step forward; sizes that follow the font.
#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "style/theme.h"
#include "views/topology_view.h"

#include <QImage>
#include <QTest>

#include <gtest/gtest.h>

#include <functional>
#include <random>

using namespace mailsim;
using gui::ServerStateModel;
using gui::SimulationController;
using gui::TopologyView;
using trace::ActorId;
using trace::EventKind;

namespace {

struct TopologyFixture : ::testing::Test
{
    SimulationController controller;
    ServerStateModel model{controller};
    TopologyView view{controller, model};

    void SetUp() override
    {
        view.resize(1100, 620);
        controller.load(scenario::builtInScenario());
    }

    ActorId actorNamed(const char *name) const
    {
        const ActorId id = controller.trace().findActor(QLatin1String(name));
        EXPECT_GE(id, 0) << "no actor " << name;
        return id;
    }
    const trace::TraceEvent &lastShown() const
    {
        return controller.trace().at(controller.cursor() - 1);
    }
    // Steps until the last shown event satisfies `wanted`; false at the end.
    bool stepUntil(const std::function<bool(const trace::TraceEvent &)> &wanted)
    {
        while (controller.stepForward())
            if (wanted(lastShown()))
                return true;
        return false;
    }
    bool stepUntil(EventKind kind)
    {
        return stepUntil([kind](const trace::TraceEvent &e) { return e.kind == kind; });
    }
    void loadFile(const char *name)
    {
        const scenario::LoadResult result = scenario::loadScenarioFile(
            QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/") + QLatin1String(name));
        ASSERT_TRUE(result.ok()) << name;
        controller.load(*result.scenario);
    }
    // Every actor has a box inside the widget, and no two boxes overlap.
    void expectBoxesApart(const char *what)
    {
        const auto &actors = controller.trace().actors();
        const QRectF widget = QRectF(view.rect()).adjusted(-0.5, -0.5, 0.5, 0.5);
        for (std::size_t a = 0; a < actors.size(); ++a) {
            const QRectF r = view.nodeRect(ActorId(a));
            EXPECT_FALSE(r.isEmpty()) << what << ": " << actors[a].name.toStdString();
            EXPECT_TRUE(widget.contains(r))
                << what << ": " << actors[a].name.toStdString() << " outside the widget";
            for (std::size_t b = a + 1; b < actors.size(); ++b)
                EXPECT_FALSE(r.intersects(view.nodeRect(ActorId(b))))
                    << what << ": " << actors[a].name.toStdString() << " overlaps "
                    << actors[b].name.toStdString();
        }
    }
    void setPointSize(double points)
    {
        QFont font = view.font();
        font.setPointSizeF(points);
        view.setFont(font);
    }
    static bool near(const QRectF &rect, const QPointF &point)
    {
        return rect.adjusted(-1, -1, 1, 1).contains(point);
    }
};

} // namespace

TEST_F(TopologyFixture, EveryHostHasABoxOfItsOwn)
{
    ASSERT_EQ(controller.trace().actors().size(), 6u);
    expectBoxesApart("built-in, wide");
    for (const QSize size :
         {QSize(420, 700), QSize(1280, 240), QSize(300, 200), QSize(1900, 1000)}) {
        view.resize(size);
        expectBoxesApart(
            qPrintable(QStringLiteral("built-in at %1×%2").arg(size.width()).arg(size.height())));
    }
    for (const char *file : {"several-recipients.yaml", "backup-mx.yaml", "relay-denied.yaml",
                             "unknown-recipient-bounce.yaml"}) {
        loadFile(file);
        for (const QSize size : {QSize(1100, 620), QSize(420, 700), QSize(660, 230)}) {
            view.resize(size);
            expectBoxesApart(file);
        }
    }
}

TEST_F(TopologyFixture, SenderLeftNetworkInTheMiddleDnsOnTop)
{
    const QRectF alicePc = view.nodeRect(actorNamed("alice-pc.example.org"));
    const QRectF alice = view.nodeRect(actorNamed("mail.example.org"));
    const QRectF internet = view.nodeRect(actorNamed("internet"));
    const QRectF bob = view.nodeRect(actorNamed("mail.example.net"));
    const QRectF bobPc = view.nodeRect(actorNamed("bob-pc.example.net"));
    const QRectF dns = view.nodeRect(actorNamed("dns.example"));
    EXPECT_LT(alicePc.right(), alice.left());
    EXPECT_LT(alice.right(), internet.left());
    EXPECT_LT(internet.right(), bob.left());
    EXPECT_LT(bob.right(), bobPc.left());
    EXPECT_LT(dns.bottom(), internet.top());

    // In a tall, narrow dock the same plan runs top to bottom.
    view.resize(420, 760);
    EXPECT_LT(view.nodeRect(actorNamed("mail.example.org")).bottom(),
              view.nodeRect(actorNamed("internet")).top());
    EXPECT_LT(view.nodeRect(actorNamed("internet")).bottom(),
              view.nodeRect(actorNamed("mail.example.net")).top());
}

TEST_F(TopologyFixture, PortLabelWhileTheConnectionIsOpen)
{
    EXPECT_TRUE(view.portLabels().isEmpty());
    ASSERT_TRUE(stepUntil(EventKind::TcpSyn));
    EXPECT_EQ(view.portLabels(), QStringList{QStringLiteral(":587")});

    const ActorId alice = actorNamed("mail.example.org");
    const ActorId bob = actorNamed("mail.example.net");
    ASSERT_TRUE(stepUntil([&](const trace::TraceEvent &e) {
        return e.kind == EventKind::TcpSyn && e.code == 25 && e.from == alice && e.to == bob;
    }));
    EXPECT_TRUE(view.portLabels().contains(QStringLiteral(":25")));
    EXPECT_FALSE(view.portLabels().contains(QStringLiteral(":587"))) << "submission closed before";
    const qint32 connection = lastShown().connection;

    // Open until both sides have sent their FIN.
    ASSERT_TRUE(stepUntil([&](const trace::TraceEvent &e) {
        return e.kind == EventKind::TcpFin && e.connection == connection;
    }));
    EXPECT_TRUE(view.portLabels().contains(QStringLiteral(":25"))) << "half closed";
    ASSERT_TRUE(stepUntil([&](const trace::TraceEvent &e) {
        return e.kind == EventKind::TcpFin && e.connection == connection;
    }));
    EXPECT_FALSE(view.portLabels().contains(QStringLiteral(":25")));

    controller.stepBack();
    EXPECT_TRUE(view.portLabels().contains(QStringLiteral(":25"))) << "back before the last FIN";
    controller.seek(0);
    EXPECT_TRUE(view.portLabels().isEmpty());
}

TEST_F(TopologyFixture, TheActiveActorIsTheSenderOfTheLastEvent)
{
    EXPECT_EQ(view.activeActor(), -1);
    while (controller.stepForward()) {
        const trace::TraceEvent &e = lastShown();
        ASSERT_EQ(view.activeActor(), e.from) << "event " << controller.cursor() - 1;
        EXPECT_EQ(view.activePeer(), e.to == e.from ? ActorId(-1) : e.to);
    }
    controller.reset();
    EXPECT_EQ(view.activeActor(), -1);
}

TEST_F(TopologyFixture, ServerBoxesCountQueueAndMailboxes)
{
    const ActorId alice = actorNamed("mail.example.org");
    const ActorId bob = actorNamed("mail.example.net");
    EXPECT_EQ(view.nodeText(alice),
              QStringLiteral("Alice's mail server\nmail.example.org\nqueue 0 · stored 0"));
    EXPECT_EQ(view.nodeText(actorNamed("internet")), QStringLiteral("The Internet\ninternet"));

    ASSERT_TRUE(stepUntil(EventKind::QueueAdd));
    EXPECT_TRUE(view.nodeText(alice).contains(QStringLiteral("queue 1 ")));
    ASSERT_TRUE(stepUntil(EventKind::MailboxAdd));
    EXPECT_TRUE(view.nodeText(bob).endsWith(QStringLiteral("queue 0 · stored 1")));
    EXPECT_TRUE(view.nodeText(alice).contains(QStringLiteral("queue 1 "))) << "not yet removed";
    ASSERT_TRUE(stepUntil(EventKind::QueueRemove));
    EXPECT_TRUE(view.nodeText(alice).contains(QStringLiteral("queue 0 ")))
        << "the removed entry is still listed by the model for one step, but not counted";
}

TEST_F(TopologyFixture, SteppingBackShowsWhatWasShownBefore)
{
    const std::size_t actors = controller.trace().actors().size();
    std::vector<QStringList> shown; // per cursor: every node's text, then the port labels
    auto snapshot = [&] {
        QStringList all;
        for (std::size_t a = 0; a < actors; ++a)
            all << view.nodeText(ActorId(a));
        all << view.portLabels().join(QLatin1Char(',')) << QString::number(view.activeActor());
        return all;
    };
    shown.push_back(snapshot());
    while (controller.stepForward())
        shown.push_back(snapshot());
    ASSERT_GT(shown.size(), 40u);
    while (controller.stepBack())
        ASSERT_EQ(snapshot(), shown[controller.cursor()]) << "at cursor " << controller.cursor();
}

TEST_F(TopologyFixture, TheEnvelopeTravelsFromSenderToReceiver)
{
    view.setAnimationDuration(200);
    const ActorId alice = actorNamed("mail.example.org");
    const ActorId bob = actorNamed("mail.example.net");
    ASSERT_TRUE(stepUntil([&](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpCommand && e.from == alice && e.to == bob;
    }));
    ASSERT_TRUE(view.isAnimating());
    EXPECT_TRUE(near(view.nodeRect(alice), view.envelopePosition()));
    view.finishAnimation();
    EXPECT_FALSE(view.isAnimating());
    EXPECT_TRUE(near(view.nodeRect(bob), view.envelopePosition()));

    // Left alone, the animation ends by itself at the receiver, passing the network (slowly
    // enough for the polling below to see it there, even on a busy machine).
    view.setAnimationDuration(1000);
    ASSERT_TRUE(controller.stepForward());
    ASSERT_EQ(lastShown().kind, EventKind::SmtpReply);
    const QRectF internet = view.nodeRect(actorNamed("internet"));
    bool passedTheNetwork = false;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            passedTheNetwork = passedTheNetwork || near(internet, view.envelopePosition());
            return !view.isAnimating();
        },
        3000));
    EXPECT_TRUE(passedTheNetwork);
    EXPECT_TRUE(near(view.nodeRect(alice), view.envelopePosition()));
}

TEST_F(TopologyFixture, NoEnvelopeWithoutDurationOrForAnEventThatStaysPut)
{
    ASSERT_TRUE(stepUntil(EventKind::SmtpCommand));
    EXPECT_FALSE(view.isAnimating());
    EXPECT_TRUE(view.envelopePosition().isNull());

    view.setAnimationDuration(200);
    ASSERT_TRUE(stepUntil(EventKind::QueueAdd));
    EXPECT_FALSE(view.isAnimating()) << "a queue-add goes nowhere";
    controller.seek(controller.cursor() + 3);
    EXPECT_FALSE(view.isAnimating()) << "only a single step forward animates";
}

TEST_F(TopologyFixture, AnyOtherMoveStopsTheEnvelope)
{
    view.setAnimationDuration(5000);
    ASSERT_TRUE(stepUntil(EventKind::SmtpCommand));
    ASSERT_TRUE(view.isAnimating());
    controller.stepBack();
    EXPECT_FALSE(view.isAnimating());
    EXPECT_TRUE(view.envelopePosition().isNull());

    ASSERT_TRUE(controller.stepForward());
    ASSERT_TRUE(view.isAnimating());
    controller.reset();
    EXPECT_FALSE(view.isAnimating());

    ASSERT_TRUE(stepUntil(EventKind::SmtpCommand));
    ASSERT_TRUE(view.isAnimating());
    view.setAnimationDuration(0);
    EXPECT_FALSE(view.isAnimating());
}

TEST_F(TopologyFixture, ALargerFontMakesLargerBoxes)
{
    view.resize(1900, 1000); // room for both sizes without shrinking
    const ActorId alice = actorNamed("mail.example.org");
    QFont font = view.font();
    font.setPointSizeF(9);
    view.setFont(font);
    const QRectF small = view.nodeRect(alice);
    font.setPointSizeF(14);
    view.setFont(font);
    const QRectF large = view.nodeRect(alice);
    EXPECT_GT(large.width(), small.width() * 1.3);
    EXPECT_GT(large.height(), small.height() * 1.3);
    EXPECT_GT(view.sizeHint().width(), 0);
    expectBoxesApart("large font");
}

TEST_F(TopologyFixture, ThePictureShowsTheActiveColour)
{
    ASSERT_TRUE(stepUntil(EventKind::SmtpCommand));
    const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    ASSERT_FALSE(image.isNull());
    const QRgb active = gui::style::activeColor(view.palette()).rgb();
    const QRgb base = view.palette().color(QPalette::Base).rgb();
    int activePixels = 0;
    int otherPixels = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            activePixels += line[x] == active;
            otherPixels += line[x] != base;
        }
    }
    EXPECT_GT(activePixels, 50);
    EXPECT_GT(otherPixels, 1000);
}

// A long run with many connections open at once: whatever the moves, the view kept up to
// date step by step shows what a view made afresh at that cursor shows.
TEST_F(TopologyFixture, MovingAroundAgreesWithAFreshView)
{
    scenario::Scenario busy = scenario::builtInScenario();
    const world::SendSpec first = busy.world.sends.front();
    busy.world.sends.clear();
    busy.world.reads.clear();
    for (int i = 0; i < 40; ++i) {
        world::SendSpec s = first;
        s.at = core::milliseconds(3 * i);
        busy.world.sends.push_back(s);
    }
    controller.load(busy);
    controller.runToEnd();
    const std::size_t size = controller.trace().size();
    controller.seek(0);

    std::mt19937 random(4);
    int busiest = 0;
    for (int move = 0; move < 400; ++move) {
        switch (random() % 4) {
        case 0:
            controller.seek(random() % (size + 1));
            break;
        case 1:
            controller.stepBack();
            break;
        default:
            controller.stepForward();
            break;
        }
        if (move % 20 != 0)
            continue;
        TopologyView fresh(controller, model);
        ASSERT_EQ(view.portLabels(), fresh.portLabels()) << "after move " << move;
        EXPECT_EQ(view.activeActor(), fresh.activeActor());
        for (const QString &label : view.portLabels())
            busiest = std::max(busiest, label.section(QStringLiteral("×"), 1).toInt());
    }
    EXPECT_GT(busiest, 1) << "the walk should meet several connections on one path";
}

// The classroom window gives the view about 660×230 pixels at a 12 pt font: the text in the
// boxes must stay readable there, so the view arranges the boxes to fit rather than shrink
// the drawing: servers and the network on one line, each user agent above its server.
TEST_F(TopologyFixture, ASmallWideAreaKeepsTheTextReadable)
{
    setPointSize(12);
    view.resize(660, 230);
    EXPECT_GE(view.labelPointSize(), 0.9 * 12);
    EXPECT_GE(view.hostNamePointSize(), 8.0);
    EXPECT_EQ(view.arrangement(), TopologyView::Arrangement::Compact);
    expectBoxesApart("built-in at 660×230, 12 pt");

    const QRectF alicePc = view.nodeRect(actorNamed("alice-pc.example.org"));
    const QRectF alice = view.nodeRect(actorNamed("mail.example.org"));
    const QRectF internet = view.nodeRect(actorNamed("internet"));
    const QRectF bob = view.nodeRect(actorNamed("mail.example.net"));
    const QRectF bobPc = view.nodeRect(actorNamed("bob-pc.example.net"));
    const QRectF dns = view.nodeRect(actorNamed("dns.example"));
    // The sending side on the left, the network in the middle, the DNS server above it.
    EXPECT_LT(alice.right(), internet.left());
    EXPECT_LT(internet.right(), bob.left());
    EXPECT_LT(dns.bottom(), internet.top());
    // Each user agent in line with its own server, so that its link runs straight down.
    EXPECT_LT(alicePc.bottom(), alice.top());
    EXPECT_LT(bobPc.bottom(), bob.top());
    EXPECT_TRUE(alicePc.left() < alice.center().x() && alice.center().x() < alicePc.right());
    EXPECT_TRUE(bobPc.left() < bob.center().x() && bob.center().x() < bobPc.right());
    // The servers level with the network.
    EXPECT_TRUE(alice.top() < internet.center().y() && internet.center().y() < alice.bottom());
    EXPECT_TRUE(bob.top() < internet.center().y() && internet.center().y() < bob.bottom());

    // The same with the other scenarios: whatever the arrangement, whole and apart.
    const std::pair<const char *, const char *> files[] = {
        {"several-recipients.yaml", "mail.example.org"},
        {"backup-mx.yaml", "mail.example.org"},
        {"relay-denied.yaml", "mail.example.com"}, // Mallory sends first
    };
    for (const auto &[file, sender] : files) {
        loadFile(file);
        expectBoxesApart(file);
        EXPECT_LT(view.nodeRect(actorNamed(sender)).center().x(),
                  view.nodeRect(actorNamed("internet")).center().x())
            << file << ": the sending side on the left";
    }
}

// Where the row fits, it stays: it is the picture of the lessons, mail going left to right.
TEST_F(TopologyFixture, AWideAreaKeepsTheRow)
{
    for (const double points : {9.0, 12.0}) {
        setPointSize(points);
        view.resize(1280, 420);
        EXPECT_EQ(view.arrangement(), TopologyView::Arrangement::Row) << points << " pt";
        EXPECT_NEAR(view.labelPointSize(), points, 0.01) << points << " pt";
        const QRectF alicePc = view.nodeRect(actorNamed("alice-pc.example.org"));
        const QRectF alice = view.nodeRect(actorNamed("mail.example.org"));
        const QRectF internet = view.nodeRect(actorNamed("internet"));
        const QRectF bob = view.nodeRect(actorNamed("mail.example.net"));
        const QRectF bobPc = view.nodeRect(actorNamed("bob-pc.example.net"));
        EXPECT_LT(alicePc.right(), alice.left());
        EXPECT_LT(alice.right(), internet.left());
        EXPECT_LT(internet.right(), bob.left());
        EXPECT_LT(bob.right(), bobPc.left());
        expectBoxesApart("built-in at 1280×420");
    }
}

// A tall, narrow dock gets the column, at full size, rather than a shrunken row.
TEST_F(TopologyFixture, ATallNarrowAreaGetsTheColumn)
{
    setPointSize(12);
    view.resize(480, 900);
    EXPECT_EQ(view.arrangement(), TopologyView::Arrangement::Column);
    EXPECT_GE(view.labelPointSize(), 0.9 * 12);
    expectBoxesApart("built-in at 480×900, 12 pt");
}

// When nothing fits, the whole drawing is scaled down (never cut off), and by no more than
// it must: a larger widget never gets smaller text.
TEST_F(TopologyFixture, TheTextShrinksOnlyWhenNothingFits)
{
    setPointSize(12);
    view.resize(300, 200);
    EXPECT_LT(view.labelPointSize(), 0.9 * 12);
    expectBoxesApart("built-in at 300×200, 12 pt");

    double previous = 0;
    for (int width = 300; width <= 1400; width += 50) {
        view.resize(width, 230);
        // Candidates within 1% count as equal (the row is preferred), hence the tolerance.
        EXPECT_GE(view.labelPointSize(), previous * 0.99 - 1e-9) << "at " << width << "×230";
        previous = view.labelPointSize();
        expectBoxesApart(qPrintable(QStringLiteral("built-in at %1×230").arg(width)));
    }
    EXPECT_NEAR(previous, 12, 0.01);
}

// Scripted faults show on the drawing while they hold, and go when the cursor goes back
// before them: a badge on a server that is down or busy, a cut or slow link in words.
TEST_F(TopologyFixture, FaultsShowWhileTheyHold)
{
    scenario::Scenario s = scenario::builtInScenario();
    using K = world::FaultSpec::Kind;
    world::FaultSpec down{core::seconds(0), K::ServerDown, QStringLiteral("mail.example.net"), {}, {}, 0};
    world::FaultSpec up{core::seconds(90), K::ServerUp, QStringLiteral("mail.example.net"), {}, {}, 0};
    world::FaultSpec busy{core::seconds(90), K::ServerBusy, QStringLiteral("mail.example.net"), {}, {}, 0};
    world::FaultSpec cut{core::seconds(100), K::LinkDown, QStringLiteral("internet"), QStringLiteral("dns.example"), {}, 0};
    s.world.faults = {down, up, busy, cut};
    controller.load(s);
    controller.runToEnd();
    const ActorId net = actorNamed("mail.example.net");
    const ActorId internet = actorNamed("internet");
    const ActorId dns = actorNamed("dns.example");
    std::vector<std::size_t> faults;
    for (std::size_t i = 0; i < controller.trace().size(); ++i) {
        if (controller.trace().at(i).kind == trace::EventKind::Fault)
            faults.push_back(i);
    }
    ASSERT_EQ(faults.size(), 4u);
    controller.seek(faults[0] + 1);
    EXPECT_TRUE(view.isServerDown(net));
    EXPECT_FALSE(view.isServerBusy(net));
    controller.seek(faults[2] + 1);
    EXPECT_FALSE(view.isServerDown(net));
    EXPECT_TRUE(view.isServerBusy(net));
    EXPECT_FALSE(view.isLinkCut(internet, dns));
    controller.seek(faults[3] + 1);
    EXPECT_TRUE(view.isLinkCut(dns, internet));
    const QImage withCut = view.grab().toImage();
    controller.seek(faults[0]); // before the first fault
    EXPECT_FALSE(view.isServerDown(net));
    EXPECT_FALSE(view.isServerBusy(net));
    EXPECT_FALSE(view.isLinkCut(internet, dns));
    EXPECT_NE(view.grab().toImage(), withCut) << "the marks are drawn, and go again";
}
