// The sequence diagram as a student sees it: rows follow the cursor, arrows go the right way
// with the exact protocol text, replies show their class by symbol and words as well as
// colour, DNS and TCP are quieter, and clicks, tooltips and zoom do what they promise.
#include "control/simulation_controller.h"
#include "protocol/smtp/smtp_reply.h"
#include "protocol/smtp/smtp_reply_catalog.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "style/theme.h"
#include "trace/explainer.h"
#include "views/sequence_view.h"

#include <QHelpEvent>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

#include <gtest/gtest.h>

#include <functional>
#include <memory>

using namespace mailsim;
using gui::SequenceView;
using gui::SimulationController;
using trace::EventKind;

namespace {

scenario::Scenario loadExample(const char *name)
{
    const scenario::LoadResult result = scenario::loadScenarioFile(
        QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/") + QLatin1String(name));
    EXPECT_TRUE(result.ok()) << name;
    return result.scenario.value_or(scenario::builtInScenario());
}

QString classMeaning(int code)
{
    return QString::fromUtf8(smtp::replyClassMeaning(smtp::Reply{code, {}}.replyClass()));
}

// Where pixels of one exact colour lie inside one row of the grabbed viewport.
struct Ink
{
    int count = 0;
    int minX = 0;
    int maxX = -1;
    int lineY = -1; // the pixel row holding most of them: the arrow's line
};

struct SequenceFixture : ::testing::Test
{
    SimulationController controller;
    std::unique_ptr<SequenceView> view;

    void SetUp() override { start(scenario::builtInScenario()); }
    void start(const scenario::Scenario &s, QSize size = {900, 480})
    {
        view.reset();
        controller.load(s);
        view = std::make_unique<SequenceView>(controller);
        view->resize(size);
        view->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(view.get()));
    }
    const trace::TraceEvent &event(std::size_t i) const { return controller.trace().at(i); }
    trace::ActorId actor(const char *host) const
    {
        return controller.trace().findActor(QLatin1String(host));
    }
    // Steps until the newest shown event satisfies `matches`; its index.
    std::size_t stepUntil(const std::function<bool(const trace::TraceEvent &)> &matches)
    {
        while (controller.stepForward()) {
            if (matches(event(controller.cursor() - 1)))
                return controller.cursor() - 1;
        }
        ADD_FAILURE() << "no such event";
        return 0;
    }
    // The first shown event satisfying `matches`.
    std::size_t firstShown(const std::function<bool(const trace::TraceEvent &)> &matches) const
    {
        for (std::size_t i = 0; i < controller.cursor(); ++i) {
            if (matches(event(i)))
                return i;
        }
        ADD_FAILURE() << "no such event shown";
        return 0;
    }
    QImage grab() const { return view->viewport()->grab().toImage(); }
    Ink inkInRow(const QImage &image, std::size_t row, const QColor &colour) const
    {
        const qreal dpr = image.devicePixelRatio();
        const QRect r = view->rowRect(row);
        Ink ink;
        ink.minX = image.width();
        int best = 0;
        for (int y = r.top(); y <= r.bottom(); ++y) {
            int inRow = 0;
            for (int x = 0; x < r.width(); ++x) {
                if (image.pixel(int(x * dpr), int(y * dpr)) != colour.rgb())
                    continue;
                ++inRow;
                ink.minX = std::min(ink.minX, x);
                ink.maxX = std::max(ink.maxX, x);
            }
            ink.count += inRow;
            if (inRow > best) {
                best = inRow;
                ink.lineY = y;
            }
        }
        return ink;
    }
    // Pixels of about `colour` (anti-aliased edges included) within `columns` of x = `from`
    // towards `to`, around the line.
    static int inkNear(const QImage &image, int from, int to, int lineY, const QColor &colour,
                       int columns = 6)
    {
        auto near = [&](QRgb p) {
            return std::abs(qRed(p) - colour.red()) + std::abs(qGreen(p) - colour.green()) +
                       std::abs(qBlue(p) - colour.blue()) <
                   120;
        };
        const qreal dpr = image.devicePixelRatio();
        const int dir = to > from ? 1 : -1;
        int n = 0;
        for (int c = 1; c <= columns; ++c) {
            for (int y = lineY - 4; y <= lineY + 4; ++y) {
                if (near(image.pixel(int((from + dir * c) * dpr), int(y * dpr))))
                    ++n;
            }
        }
        return n;
    }
    // The arrow of `row` runs from lane `fromX` to lane `toX`, with its head at `toX`.
    void expectArrow(std::size_t row, const QColor &colour, int fromX, int toX)
    {
        const QImage image = grab();
        const Ink ink = inkInRow(image, row, colour);
        ASSERT_GT(ink.count, 0) << "no pixel of the arrow's colour in row " << row;
        const int left = std::min(fromX, toX);
        const int right = std::max(fromX, toX);
        EXPECT_GE(ink.minX, left - 1);
        EXPECT_LE(ink.maxX, right + 1);
        EXPECT_GE(ink.maxX - ink.minX, (right - left) * 9 / 10) << "the arrow spans the lanes";
        EXPECT_GT(inkNear(image, toX, fromX, ink.lineY, colour),
                  inkNear(image, fromX, toX, ink.lineY, colour))
            << "the head is at the receiving end";
    }
};

bool isKind(const trace::TraceEvent &e, EventKind kind)
{
    return e.kind == kind;
}

} // namespace

TEST_F(SequenceFixture, RowsFollowTheCursorAndShowNothingBeyondIt)
{
    EXPECT_EQ(view->rowCount(), 0u);
    EXPECT_EQ(view->laneCount(), 0);
    for (int i = 0; i < 5; ++i)
        controller.stepForward();
    EXPECT_EQ(view->rowCount(), 5u);
    controller.stepBack();
    EXPECT_EQ(view->rowCount(), 4u);
    EXPECT_FALSE(view->labelFor(3).isEmpty());
    EXPECT_TRUE(view->labelFor(4).isEmpty()) << "event 4 exists but lies beyond the cursor";
    EXPECT_TRUE(view->explanationFor(4).isEmpty());
    controller.runToEnd();
    EXPECT_EQ(view->rowCount(), controller.trace().size());
    controller.reset();
    EXPECT_EQ(view->rowCount(), 0u);
    EXPECT_EQ(view->laneCount(), 0);
    EXPECT_FALSE(view->eventAt(QPoint(10, view->headerHeight() + 2)).has_value());
}

TEST_F(SequenceFixture, LanesAppearWithTheirActorsAndReadLeftToRight)
{
    controller.stepForward(); // Alice composes
    EXPECT_EQ(view->laneCount(), 1);
    EXPECT_EQ(view->laneOf(actor("alice-pc.example.org")), 0);
    EXPECT_EQ(view->laneOf(actor("mail.example.org")), -1) << "not in any shown event yet";

    controller.runToEnd();
    const int alice = view->laneOf(actor("alice-pc.example.org"));
    const int sender = view->laneOf(actor("mail.example.org"));
    const int dns = view->laneOf(actor("dns.example"));
    const int receiver = view->laneOf(actor("mail.example.net"));
    const int bob = view->laneOf(actor("bob-pc.example.net"));
    EXPECT_EQ(alice, 0);
    EXPECT_EQ(sender, 1);
    EXPECT_EQ(dns, 2);
    EXPECT_EQ(receiver, 3);
    EXPECT_EQ(bob, 4);
    EXPECT_EQ(view->laneOf(actor("internet")), -1) << "routers never appear in the trace";
    EXPECT_LT(view->laneCenterX(alice), view->laneCenterX(bob));

    controller.seek(1);
    EXPECT_EQ(view->laneCount(), 1) << "a step back takes the lanes it added away again";
}

TEST_F(SequenceFixture, AReadingUserAgentStandsBesideItsOwnServer)
{
    start(loadExample("several-recipients.yaml"));
    controller.runToEnd();
    const int alice = view->laneOf(actor("alice-pc.example.org"));
    const int dave = view->laneOf(actor("dave-pc.example.org"));
    const int sender = view->laneOf(actor("mail.example.org"));
    const int receiver = view->laneOf(actor("mail.example.net"));
    const int bob = view->laneOf(actor("bob-pc.example.net"));
    const int carol = view->laneOf(actor("carol-pc.example.net"));
    EXPECT_EQ(alice, 0);
    EXPECT_EQ(dave, 1) << "between Alice and their server";
    EXPECT_EQ(sender, 2);
    EXPECT_EQ(bob, receiver + 1);
    EXPECT_EQ(carol, bob + 1);
}

TEST_F(SequenceFixture, ACommandArrowCarriesTheExactCommandFromClientToServer)
{
    const std::size_t mail = stepUntil([](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpCommand && e.data.startsWith("MAIL FROM:");
    });
    QByteArray sent = event(mail).data;
    ASSERT_TRUE(sent.endsWith("\r\n"));
    sent.chop(2);
    const QString label = view->labelFor(mail);
    EXPECT_EQ(label, QString::fromUtf8(sent));
    EXPECT_TRUE(label.startsWith(QStringLiteral("MAIL FROM:<alice@example.org> SIZE=")))
        << label.toStdString();

    const int client = view->laneOf(event(mail).from);
    const int server = view->laneOf(event(mail).to);
    ASSERT_EQ(client, view->laneOf(actor("alice-pc.example.org")));
    ASSERT_EQ(server, view->laneOf(actor("mail.example.org")));
    expectArrow(mail, view->palette().color(QPalette::Text), view->laneCenterX(client),
                view->laneCenterX(server));
}

TEST_F(SequenceFixture, AReplyArrowShowsItsClassBySymbolWordsAndColour)
{
    stepUntil([](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpCommand && e.data.startsWith("MAIL FROM:");
    });
    const std::size_t ok =
        stepUntil([](const trace::TraceEvent &e) { return isKind(e, EventKind::SmtpReply); });
    ASSERT_EQ(event(ok).code, 250);
    const QString label = view->labelFor(ok);
    EXPECT_TRUE(label.contains(QStringLiteral("✓"))) << label.toStdString();
    EXPECT_TRUE(label.contains(QStringLiteral("2xx"))) << label.toStdString();
    EXPECT_TRUE(label.endsWith(QStringLiteral("250 OK"))) << label.toStdString();
    expectArrow(ok, gui::style::replyClassColor(2, view->palette()),
                view->laneCenterX(view->laneOf(event(ok).from)),
                view->laneCenterX(view->laneOf(event(ok).to)));

    const std::size_t ehlo = firstShown([](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpReply && e.data.startsWith("250-");
    });
    EXPECT_EQ(view->labelFor(ehlo), QStringLiteral("✓ 2xx · 250 mail.example.org Hello …"))
        << "the first line of a multi-line reply, and a sign that more follows";
    controller.runToEnd();
    const std::size_t goAhead =
        firstShown([](const trace::TraceEvent &e) { return e.code == 354; });
    EXPECT_TRUE(view->labelFor(goAhead).startsWith(QStringLiteral("→ 3xx · 354 ")));
}

TEST_F(SequenceFixture, AFailedRecipientIsLabelledAndExplainedAsPermanent)
{
    start(loadExample("unknown-recipient-bounce.yaml"));
    controller.runToEnd();
    const std::size_t refused = firstShown(
        [](const trace::TraceEvent &e) { return e.kind == EventKind::SmtpReply && e.code == 550; });
    EXPECT_TRUE(view->labelFor(refused).startsWith(QStringLiteral("✗ 5xx · 550 ")))
        << view->labelFor(refused).toStdString();
    const QString why = view->explanationFor(refused);
    EXPECT_TRUE(why.contains(classMeaning(550))) << why.toStdString();
    EXPECT_TRUE(why.contains(trace::explain(controller.trace(), refused)))
        << "and what this reply means";

    // Hovering shows the same explanation.
    view->selectEvent(refused); // scrolls it into sight
    const QPoint at = view->rowRect(refused).center();
    ASSERT_EQ(view->eventAt(at), refused);
    QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &help);
    EXPECT_TRUE(QToolTip::text().contains(classMeaning(550))) << QToolTip::text().toStdString();
    EXPECT_TRUE(QToolTip::text().contains(QStringLiteral("✗ 5xx")));
    QToolTip::hideText();
}

TEST_F(SequenceFixture, EveryShownRowIsFoundWhereItIsDrawn)
{
    controller.runToEnd();
    const int bodyTop = view->headerHeight();
    const int bodyBottom = view->viewport()->height();
    int checked = 0;
    for (std::size_t i = 0; i < view->rowCount(); ++i) {
        const QRect r = view->rowRect(i);
        EXPECT_EQ(r.height(), view->rowHeight());
        if (r.center().y() < bodyTop || r.center().y() >= bodyBottom)
            continue;
        EXPECT_EQ(view->eventAt(r.center()), i);
        ++checked;
    }
    EXPECT_GT(checked, 5);
    EXPECT_FALSE(view->eventAt(QPoint(20, bodyTop / 2)).has_value()) << "the header is no row";
    EXPECT_EQ(view->rowRect(1).top() - view->rowRect(0).top(), view->rowHeight());
}

TEST_F(SequenceFixture, ClickingAMessageRowAsksForTheMessage)
{
    controller.runToEnd();
    QSignalSpy selected(view.get(), &SequenceView::eventSelected);
    QSignalSpy requested(view.get(), &SequenceView::messageRequested);
    const std::size_t data =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::SmtpData); });
    EXPECT_TRUE(view->labelFor(data).startsWith(
        QStringLiteral("message (%1 bytes)").arg(event(data).data.size())));
    view->selectEvent(data);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->rowRect(data).center());
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.at(0).at(0).value<std::size_t>(), data);
    ASSERT_EQ(selected.count(), 1);
    EXPECT_EQ(selected.at(0).at(0).value<std::size_t>(), data);

    const std::size_t command = data - 2; // DATA; its 354 lies between
    ASSERT_EQ(event(command).kind, EventKind::SmtpCommand);
    view->selectEvent(command); // in sight
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->rowRect(command).center());
    EXPECT_EQ(selected.count(), 2);
    EXPECT_EQ(view->selectedEvent(), command);
    EXPECT_EQ(requested.count(), 1) << "only message rows open the inspector";

    controller.seek(command); // the selected row is no longer shown
    EXPECT_FALSE(view->selectedEvent().has_value());
}

TEST_F(SequenceFixture, ABiggerFontMakesEverythingBigger)
{
    controller.runToEnd();
    const int rowBefore = view->rowHeight();
    const int headerBefore = view->headerHeight();
    QFont big = view->font();
    big.setPointSizeF(big.pointSizeF() > 0 ? big.pointSizeF() * 2 : 24);
    view->setFont(big);
    EXPECT_GT(view->rowHeight(), rowBefore);
    EXPECT_GT(view->headerHeight(), headerBefore);
    const QRect current = view->rowRect(view->rowCount() - 1);
    EXPECT_GE(current.top(), view->headerHeight()) << "the current row stays in sight";
    EXPECT_LE(current.bottom(), view->viewport()->height());
}

TEST_F(SequenceFixture, TheCurrentRowIsAlwaysInSight)
{
    controller.runToEnd();
    const std::size_t last = view->rowCount() - 1;
    QRect r = view->rowRect(last);
    EXPECT_GE(r.top(), view->headerHeight());
    EXPECT_LE(r.bottom(), view->viewport()->height());
    EXPECT_GT(view->verticalScrollBar()->value(), 0) << "this scenario is taller than the view";
    EXPECT_LT(view->rowRect(0).top(), view->headerHeight())
        << "the first rows went under the header";

    controller.seek(2);
    r = view->rowRect(1);
    EXPECT_GE(r.top(), view->headerHeight());
    EXPECT_LE(r.bottom(), view->viewport()->height());
}

TEST_F(SequenceFixture, LanesKeepAMinimumWidthAndScrollSideways)
{
    controller.runToEnd();
    EXPECT_EQ(view->horizontalScrollBar()->maximum(), 0) << "five lanes fit in 900 pixels";
    view->resize(260, 480);
    EXPECT_GT(view->horizontalScrollBar()->maximum(), 0);
    const int spacing = view->laneCenterX(1) - view->laneCenterX(0);
    view->horizontalScrollBar()->setValue(view->horizontalScrollBar()->maximum());
    EXPECT_EQ(view->laneCenterX(1) - view->laneCenterX(0), spacing);
    EXPECT_LE(view->laneCenterX(view->laneCount() - 1), view->viewport()->width());

    // Stepping brings the lanes of the current event into sight.
    controller.seek(1);    // Alice composes, on the leftmost lane
    controller.runToEnd(); // Bob reads, on the rightmost
    const trace::TraceEvent &read = event(view->rowCount() - 1);
    const int bob = view->laneCenterX(view->laneOf(read.from));
    const int server = view->laneCenterX(view->laneOf(read.to));
    EXPECT_GE(std::min(bob, server), 0);
    EXPECT_LE(std::max(bob, server), view->viewport()->width());
    EXPECT_GT(view->horizontalScrollBar()->value(), 0);
    view->selectEvent(0); // Alice composes, far left
    const int alice = view->laneCenterX(view->laneOf(event(0).from));
    EXPECT_GE(alice, 0);
    EXPECT_LE(alice, view->viewport()->width());
}

TEST_F(SequenceFixture, DnsAndTcpAreQuieterThanSmtp)
{
    controller.runToEnd();
    const std::size_t syn =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::TcpSyn); });
    const std::size_t query =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::DnsQuery); });
    const std::size_t answer = query + 1;
    const std::size_t command =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::SmtpCommand); });
    EXPECT_TRUE(view->isQuiet(syn));
    EXPECT_TRUE(view->isQuiet(query));
    EXPECT_FALSE(view->isQuiet(command));
    EXPECT_EQ(view->labelFor(syn), QStringLiteral("SYN :587"));
    EXPECT_EQ(view->labelFor(query), QStringLiteral("DNS MX? example.net"));
    EXPECT_EQ(view->labelFor(answer), QStringLiteral("DNS example.net. MX 10 mail.example.net."));

    view->selectEvent(query);
    const QImage image = grab();
    const QColor quiet = gui::style::quietColor(view->palette());
    const Ink queryInk = inkInRow(image, query, quiet);
    EXPECT_GT(queryInk.count, 0) << "the DNS query is drawn in the quiet colour";
    const int server = view->laneCenterX(view->laneOf(event(query).from));
    const int dns = view->laneCenterX(view->laneOf(event(query).to));
    EXPECT_GE(queryInk.minX, std::min(server, dns) - 1);
    EXPECT_LE(queryInk.maxX, std::max(server, dns) + 1);
    EXPECT_EQ(inkInRow(image, query, view->palette().color(QPalette::Text)).count, 0);
}

TEST_F(SequenceFixture, EventsInsideAHostAreMarkersOnItsLane)
{
    const std::size_t compose =
        stepUntil([](const trace::TraceEvent &e) { return isKind(e, EventKind::Compose); });
    EXPECT_EQ(view->labelFor(compose), trace::summarize(controller.trace(), compose));
    const std::size_t queued =
        stepUntil([](const trace::TraceEvent &e) { return isKind(e, EventKind::QueueAdd); });
    EXPECT_TRUE(view->labelFor(queued).startsWith(QStringLiteral("queue: adds ")));
    // The marker is drawn on the server's lifeline, in the text colour; Alice's stays bare.
    const QImage image = grab();
    const QColor text = view->palette().color(QPalette::Text);
    const int server = view->laneCenterX(view->laneOf(actor("mail.example.org")));
    const int alice = view->laneCenterX(view->laneOf(actor("alice-pc.example.org")));
    const QRect row = view->rowRect(queued);
    auto inkAround = [&](int x) {
        int n = 0;
        for (int y = row.top(); y <= row.bottom(); ++y) {
            for (int dx = -3; dx <= 3; ++dx) {
                if (image.pixel(x + dx, y) == text.rgb())
                    ++n;
            }
        }
        return n;
    };
    EXPECT_GT(inkAround(server), 0);
    EXPECT_EQ(inkAround(alice), 0);
}
