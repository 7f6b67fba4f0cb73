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
    // Labels may reach beyond their arrow: only the ink outside the label counts.
    Ink inkInRow(const QImage &image, std::size_t row, const QColor &colour) const
    {
        const qreal dpr = image.devicePixelRatio();
        const QRect r = view->rowRect(row);
        const QRect label = view->labelRect(row);
        Ink ink;
        ink.minX = image.width();
        int best = 0;
        for (int y = r.top(); y <= r.bottom(); ++y) {
            int inRow = 0;
            for (int x = 0; x < r.width(); ++x) {
                if (label.contains(x, y) || image.pixel(int(x * dpr), int(y * dpr)) != colour.rgb())
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

bool isMailFrom(const trace::TraceEvent &e)
{
    return e.kind == EventKind::SmtpCommand && e.data.startsWith("MAIL FROM:");
}

QFont pointFont(const QFont &like, qreal points)
{
    QFont f = like;
    f.setPointSizeF(points);
    return f;
}

// The viewport's left edge meets a lane's edge, or its right edge the last lane's: no lane
// is cut at the left for nothing.
bool alignedOnALane(const SequenceView &view)
{
    const int n = view.laneCount();
    const double spacing = double(view.laneCenterX(n - 1) - view.laneCenterX(0)) / (n - 1);
    for (int lane = 0; lane < n; ++lane) {
        if (std::abs(view.laneCenterX(lane) - spacing / 2) <= 1.5)
            return true;
    }
    return std::abs(view.laneCenterX(n - 1) + spacing / 2 - view.viewport()->width()) <= 1.5;
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

TEST_F(SequenceFixture, ClickingTheMessageTheReaderGotAsksForItToo)
{
    controller.runToEnd();
    QSignalSpy requested(view.get(), &SequenceView::messageRequested);
    const std::size_t read =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::MailboxRead); });
    EXPECT_TRUE(view->labelFor(read).contains(QStringLiteral("reads message 1")));
    view->selectEvent(read);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->rowRect(read).center());
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.at(0).at(0).value<std::size_t>(), read);
    // A POP3 reply, even the one carrying the message, is a reply: it selects, nothing more.
    const std::size_t retr = read - 1;
    ASSERT_EQ(event(retr).kind, EventKind::Pop3Reply);
    view->selectEvent(retr);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->rowRect(retr).center());
    EXPECT_EQ(requested.count(), 1);
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

// In the dock of the classroom window, about 610 pixels wide, at the window's 12 pt.
struct SequenceAtDockWidth : SequenceFixture
{
    void SetUp() override { startAtDockWidth(scenario::builtInScenario()); }
    void startAtDockWidth(const scenario::Scenario &s, qreal points = 12)
    {
        start(s, {610, 480});
        view->setFont(pointFont(view->font(), points));
    }
    QString commandText(std::size_t i) const
    {
        QByteArray sent = event(i).data;
        if (sent.endsWith("\r\n"))
            sent.chop(2);
        return QString::fromUtf8(sent);
    }
};

TEST_F(SequenceAtDockWidth, CommandLabelsAreDrawnWholeBeyondTheirArrow)
{
    const std::size_t submit = stepUntil(isMailFrom); // Alice's user agent to her server
    EXPECT_EQ(view->labelFor(submit), commandText(submit));
    EXPECT_EQ(view->drawnLabel(submit), commandText(submit)) << "current, so bold";
    const std::size_t relay = stepUntil(isMailFrom); // Alice's server to Bob's
    ASSERT_EQ(view->laneOf(event(relay).from), view->laneOf(actor("mail.example.org")));
    ASSERT_EQ(view->laneOf(event(relay).to), view->laneOf(actor("mail.example.net")));
    EXPECT_TRUE(commandText(relay).startsWith(QStringLiteral("MAIL FROM:<alice@example.org> SI")));
    EXPECT_EQ(view->labelFor(relay), commandText(relay));
    EXPECT_EQ(view->drawnLabel(relay), commandText(relay));
    const std::size_t ehlo = firstShown([&](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpReply && e.data.startsWith("250-mail.example.net");
    });
    EXPECT_EQ(view->drawnLabel(ehlo), QStringLiteral("✓ 2xx · 250 mail.example.net Hello …"));

    // The label is centred on its arrow, may be wider than it, and stays in the viewport.
    const int x1 = view->laneCenterX(view->laneOf(event(relay).from));
    const int x2 = view->laneCenterX(view->laneOf(event(relay).to));
    const QRect box = view->labelRect(relay);
    EXPECT_TRUE(view->viewport()->rect().contains(box));
    EXPECT_LE(std::abs(box.center().x() - (x1 + x2) / 2), 2);
    const QRect row = view->rowRect(relay);
    EXPECT_GE(box.top(), row.top());
    EXPECT_LE(box.bottom(), row.bottom());

    controller.stepForward(); // MAIL FROM no longer current: drawn in the regular weight
    EXPECT_EQ(view->drawnLabel(relay), commandText(relay));
    const QRect regular = view->labelRect(relay);
    EXPECT_LT(regular.width(), box.width()) << "the bold current row is the wider";

    // Drawn on a box of the row's background: no lifeline cuts through the words, although
    // the DNS server's lane lies between the two servers.
    const int dns = view->laneCenterX(view->laneOf(actor("dns.example")));
    ASSERT_GT(dns, regular.left());
    ASSERT_LT(dns, regular.right());
    const QImage image = grab();
    const QRgb base = view->palette().color(QPalette::Base).rgb();
    EXPECT_NE(image.pixel(dns, regular.top() - 1), base) << "the lifeline, above the box";
    for (int x = regular.left(); x <= regular.right(); ++x)
        ASSERT_EQ(image.pixel(x, regular.top()), base) << "at x = " << x;

    // And the tooltip has the whole command whatever the width.
    view->resize(200, 480);
    EXPECT_NE(view->drawnLabel(relay), commandText(relay)) << "too narrow now: elided";
    EXPECT_TRUE(view->drawnLabel(relay).endsWith(QStringLiteral("…")));
    view->selectEvent(relay);
    const QPoint at = view->rowRect(relay).center();
    QHelpEvent help(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QApplication::sendEvent(view->viewport(), &help);
    EXPECT_TRUE(QToolTip::text().contains(commandText(relay).toHtmlEscaped()))
        << QToolTip::text().toStdString();
    QToolTip::hideText();
}

TEST_F(SequenceAtDockWidth, FiveLanesFitTheDockWithWrappedHeaders)
{
    controller.runToEnd();
    ASSERT_EQ(view->laneCount(), 5);
    EXPECT_EQ(view->horizontalScrollBar()->maximum(), 0);
    EXPECT_EQ(view->horizontalScrollBar()->value(), 0);
    const int spacing = view->laneCenterX(1) - view->laneCenterX(0);
    EXPECT_GE(spacing, view->minimumLaneWidth());
    EXPECT_GE(view->laneCenterX(0) - spacing / 2, -1) << "the first lane is whole";
    EXPECT_LE(view->laneCenterX(4) + spacing / 2, view->viewport()->width() + 1);

    // Nothing in the headers is elided: labels wrap, host names break before the domain.
    const trace::TraceLog &log = controller.trace();
    const char *hosts[] = {"alice-pc.example.org", "mail.example.org", "dns.example",
                           "mail.example.net", "bob-pc.example.net"};
    for (int lane = 0; lane < view->laneCount(); ++lane) {
        ASSERT_EQ(view->laneOf(actor(hosts[lane])), lane);
        const trace::Actor &a = log.actor(actor(hosts[lane]));
        const QStringList lines = view->headerLines(lane);
        ASSERT_GE(lines.size(), 2);
        ASSERT_LE(lines.size(), 4);
        for (const QString &line : lines)
            EXPECT_FALSE(line.contains(QStringLiteral("…"))) << line.toStdString();
        // Title lines, then host lines: together, the whole label and the whole host name.
        bool found = false;
        for (qsizetype t = 1; t < lines.size() && !found; ++t) {
            found = lines.mid(0, t).join(QLatin1Char(' ')) == a.label &&
                    lines.mid(t).join(QString()) == a.name;
        }
        EXPECT_TRUE(found) << lines.join(QLatin1Char('|')).toStdString();
    }
    EXPECT_EQ(view->headerLines(0).first(), QStringLiteral("Alice's"))
        << "a narrow lane keeps the role words together: Alice's / user agent";
    EXPECT_GT(view->headerHeight(), 2 * QFontMetrics(view->font()).lineSpacing());
}

TEST_F(SequenceAtDockWidth, AtALargeFontLanesScrollInsteadOfOverlapping)
{
    startAtDockWidth(scenario::builtInScenario(), 36);
    controller.runToEnd();
    ASSERT_EQ(view->laneCount(), 5);
    EXPECT_GT(view->horizontalScrollBar()->maximum(), 0);
    const int spacing = view->laneCenterX(1) - view->laneCenterX(0);
    EXPECT_GE(spacing, view->minimumLaneWidth());
    QFont bold = view->font();
    bold.setBold(true);
    EXPECT_GT(view->minimumLaneWidth(),
              QFontMetrics(bold).horizontalAdvance(QStringLiteral("Alice's")));
    for (int lane = 0; lane < view->laneCount(); ++lane) {
        for (const QString &line : view->headerLines(lane))
            EXPECT_FALSE(line.contains(QStringLiteral("…"))) << line.toStdString();
    }
    // Back to 12 pt, everything fits again and nothing is left scrolled.
    view->setFont(pointFont(view->font(), 12));
    EXPECT_EQ(view->horizontalScrollBar()->maximum(), 0);
    EXPECT_EQ(view->horizontalScrollBar()->value(), 0);
}

TEST_F(SequenceAtDockWidth, FollowingTheCursorSidewaysCutsNoLaneForNothing)
{
    startAtDockWidth(scenario::builtInScenario(), 18); // the window at 150 %
    std::size_t scrolled = 0;
    while (controller.stepForward()) {
        const trace::TraceEvent &e = event(controller.cursor() - 1);
        const int width = view->viewport()->width();
        for (const trace::ActorId a : {e.from, e.to}) {
            const int lane = view->laneOf(a);
            if (lane < 0)
                continue;
            EXPECT_GE(view->laneCenterX(lane), 0) << "event " << controller.cursor() - 1;
            EXPECT_LE(view->laneCenterX(lane), width) << "event " << controller.cursor() - 1;
        }
        if (view->horizontalScrollBar()->maximum() == 0)
            continue;
        ++scrolled;
        EXPECT_TRUE(alignedOnALane(*view))
            << "event " << controller.cursor() - 1 << ": scrolled to "
            << view->horizontalScrollBar()->value();
    }
    EXPECT_GT(scrolled, 0u) << "five lanes at 18 pt do not fit 610 pixels";

    // Scrolled by hand to half a lane, and then the DNS query chosen, whose two lanes are
    // in sight already: the view moves to put a lane's edge at the left.
    const std::size_t query =
        firstShown([](const trace::TraceEvent &e) { return isKind(e, EventKind::DnsQuery); });
    const int spacing = view->laneCenterX(1) - view->laneCenterX(0);
    view->horizontalScrollBar()->setValue(spacing / 2);
    ASSERT_FALSE(alignedOnALane(*view));
    for (const trace::ActorId a : {event(query).from, event(query).to}) {
        ASSERT_GE(view->laneCenterX(view->laneOf(a)), 0);
        ASSERT_LE(view->laneCenterX(view->laneOf(a)), view->viewport()->width());
    }
    view->selectEvent(query);
    EXPECT_TRUE(alignedOnALane(*view)) << view->horizontalScrollBar()->value();
    EXPECT_GE(view->laneCenterX(view->laneOf(event(query).from)), 0);
    EXPECT_GE(view->laneCenterX(view->laneOf(event(query).to)), 0);

    // A resize keeps the current event's lanes in sight, on a lane's edge.
    view->resize(520, 480);
    ASSERT_GT(view->horizontalScrollBar()->maximum(), 0);
    EXPECT_TRUE(alignedOnALane(*view)) << view->horizontalScrollBar()->value();
}
