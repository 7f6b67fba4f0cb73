// The message inspector shows a message as it is on the wire, says where it was taken
// from, loses no byte, and follows the window's zoom and theme.
#include "control/simulation_controller.h"
#include "panels/message_inspector.h"
#include "scenario/built_in.h"
#include "style/theme.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTextBlock>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::MessageInspector;
using Kind = MessageInspector::Kind;
using trace::EventKind;

namespace {

const QByteArray kMessage = "From: Alice <alice@example.org>\r\n"
                            "To: Bob <bob@example.net>,\r\n"
                            " Carol <carol@example.net>\r\n"
                            "Subject: Lunch\r\n"
                            "\r\n"
                            "Hi Bob,\r\n"
                            ".. and a line with a dot\r\n";

struct InspectorFixture : ::testing::Test
{
    MessageInspector inspector;
    // The tester only reads the model and listens to it; it takes a non-const pointer.
    QAbstractItemModelTester tester{const_cast<gui::HeaderFieldModel *>(&inspector.headerModel()),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal};

    QPlainTextEdit *view() const
    {
        return inspector.findChild<QPlainTextEdit *>(QStringLiteral("inspectorWire"));
    }
};

// The first event of `kind` in a run of the built-in scenario to its end.
std::size_t firstEvent(const trace::TraceLog &log, EventKind kind)
{
    for (std::size_t i = 0; i < log.size(); ++i)
        if (log.at(i).kind == kind)
            return i;
    ADD_FAILURE() << "no such event";
    return 0;
}

} // namespace

TEST_F(InspectorFixture, StartsWithAHelpfulPlaceholder)
{
    EXPECT_FALSE(inspector.hasMessage());
    EXPECT_TRUE(inspector.wireText().isEmpty());
    EXPECT_EQ(view()->placeholderText(), MessageInspector::placeholderText());
    EXPECT_TRUE(MessageInspector::placeholderText().contains(QStringLiteral("Select a message")));
    EXPECT_TRUE(inspector.originText().isEmpty());
    EXPECT_EQ(inspector.headerModel().rowCount(), 0);
}

TEST_F(InspectorFixture, ShowsTheMessageAsOnTheWireWithTheEmptyLine)
{
    inspector.showMessage(kMessage, QStringLiteral("A test"), Kind::Composed);
    EXPECT_EQ(inspector.title(), QStringLiteral("A test"));
    EXPECT_EQ(inspector.originText(), MessageInspector::originText(Kind::Composed));
    QString expected = QString::fromUtf8(kMessage);
    expected.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    expected.chop(1); // no empty line is shown after the last line end
    EXPECT_EQ(inspector.wireText(), expected);
    EXPECT_EQ(view()->toPlainText(), expected);
    EXPECT_EQ(inspector.headerModel().rowCount(), 3);
    EXPECT_EQ(inspector.headerModel().index(1, 2).data().toInt(), 2) << "To: is folded";
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("Header: 3 fields in 4 lines")))
        << inspector.summaryText().toStdString();
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("body: 2 lines")));

    // The header lines have a background of their own; the empty line and the body do not.
    const QTextDocument *document = view()->document();
    for (int block = 0; block < document->blockCount(); ++block) {
        const bool hasBackground = document->findBlockByNumber(block).blockFormat().hasProperty(
            QTextFormat::BackgroundBrush);
        EXPECT_EQ(hasBackground, block < 4) << "block " << block;
    }
    EXPECT_TRUE(document->findBlockByNumber(4).text().isEmpty()) << "the note is painted, not text";
}

TEST_F(InspectorFixture, ShowCrLfMarksEveryLineEndAndBareOnesApart)
{
    inspector.showMessage("A: 1\r\nB: 2\n\r\nbody\rmore\r\nlast", QString(), Kind::Stored);
    EXPECT_FALSE(inspector.crlfVisible());
    EXPECT_EQ(inspector.wireText(), QStringLiteral("A: 1\nB: 2\n\nbody<CR>more\nlast"))
        << "a bare CR is always visible";
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("1 bare LF")));

    inspector.setCrlfVisible(true);
    EXPECT_TRUE(inspector.crlfVisible());
    EXPECT_TRUE(inspector.findChild<QCheckBox *>()->isChecked());
    EXPECT_EQ(inspector.wireText(),
              QStringLiteral("A: 1<CR><LF>\nB: 2<LF>\n<CR><LF>\nbody<CR>more<CR><LF>\nlast"));
    // The bare LF is drawn in another format than CR LF; both apart from the text.
    const QTextBlock crlf = view()->document()->findBlockByNumber(0);
    const QTextBlock bare = view()->document()->findBlockByNumber(1);
    const auto formatAt = [](const QTextBlock &block, int position) {
        for (const QTextLayout::FormatRange &range : block.layout()->formats())
            if (position >= range.start && position < range.start + range.length)
                return range.format;
        return QTextCharFormat();
    };
    EXPECT_NE(formatAt(crlf, 4).foreground(), formatAt(bare, 4).foreground());
    EXPECT_EQ(formatAt(bare, 4).fontWeight(), QFont::Bold);
    EXPECT_NE(formatAt(crlf, 4).foreground(), formatAt(crlf, 0).foreground());

    inspector.setCrlfVisible(false);
    EXPECT_EQ(inspector.wireText(), QStringLiteral("A: 1\nB: 2\n\nbody<CR>more\nlast"));
}

TEST_F(InspectorFixture, DataIsShownStuffedButItsFieldsAreReadUnstuffed)
{
    const QByteArray wire = "Subject: dots\r\n..hidden: not really\r\n\r\n..leading dot\r\n.\r\n";
    inspector.showMessage(wire, QString(), Kind::SentInData);
    EXPECT_TRUE(inspector.originText().startsWith(QStringLiteral("As sent after DATA")));
    EXPECT_TRUE(inspector.originText().contains(QStringLiteral("extra dot")));
    EXPECT_EQ(inspector.wireText(),
              QStringLiteral("Subject: dots\n..hidden: not really\n\n..leading dot\n."));
    const auto &fields = inspector.headerModel();
    ASSERT_EQ(fields.rowCount(), 2);
    EXPECT_EQ(fields.index(1, 0).data().toString(), QStringLiteral(".hidden"))
        << "one dot was added for sending";
    EXPECT_EQ(fields.message(),
              QByteArray("Subject: dots\r\n.hidden: not really\r\n\r\n.leading dot\r\n"));
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("body: 1 line")))
        << "the dot ends it";
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("2 dot-stuffed lines")));
}

TEST_F(InspectorFixture, LosesNoByteOfAMegabyteMessage)
{
    QByteArray big = "Subject: big\r\n\r\n";
    const QByteArray line =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\r\n"; // 65 bytes
    while (big.size() < 1024 * 1024)
        big += line;
    big += "\xff end";
    inspector.showMessage(big, QString(), Kind::Stored);
    QString expected = QString::fromLatin1(big.first(big.size() - 5));
    expected.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    expected += QStringLiteral("\\xFF end");
    EXPECT_EQ(inspector.wireText(), expected);
    EXPECT_EQ(view()->document()->blockCount(), big.count('\n') + 1);
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("%1 bytes").arg(big.size())));
}

TEST_F(InspectorFixture, MalformedInputDoesNotCrashOrHideBytes)
{
    inspector.showMessage({}, QStringLiteral("empty"), Kind::Stored);
    EXPECT_TRUE(inspector.hasMessage());
    EXPECT_TRUE(inspector.wireText().isEmpty());
    EXPECT_TRUE(view()->placeholderText().contains(QStringLiteral("empty")));

    inspector.showMessage("no colon, no line end", QString(), Kind::Stored);
    EXPECT_EQ(inspector.wireText(), QStringLiteral("no colon, no line end"));
    ASSERT_EQ(inspector.headerModel().rowCount(), 1);
    EXPECT_EQ(inspector.headerModel().index(0, 0).data().toString(),
              gui::HeaderFieldModel::notAFieldLabel());
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("no empty line")));

    inspector.showMessage(QByteArray("\0\n\n\xc3", 4), QString(), Kind::Stored);
    EXPECT_EQ(inspector.wireText(), QStringLiteral("<NUL>\n\n\\xC3"));

    inspector.clear();
    EXPECT_FALSE(inspector.hasMessage());
    EXPECT_TRUE(inspector.wireText().isEmpty());
    EXPECT_EQ(view()->placeholderText(), MessageInspector::placeholderText());
}

TEST_F(InspectorFixture, PicksTheKindFromTheTraceEvent)
{
    gui::SimulationController controller;
    controller.load(scenario::builtInScenario());
    controller.runToEnd();
    const trace::TraceLog &log = controller.trace();
    const struct
    {
        EventKind event;
        Kind kind;
    } cases[] = {{EventKind::Compose, Kind::Composed},
                 {EventKind::SmtpData, Kind::SentInData},
                 {EventKind::QueueAdd, Kind::Queued},
                 {EventKind::MailboxAdd, Kind::Stored},
                 {EventKind::MailboxRead, Kind::Read}};
    for (const auto &c : cases) {
        const std::size_t index = firstEvent(log, c.event);
        ASSERT_TRUE(inspector.showTraceEvent(log, index)) << trace::toString(c.event);
        EXPECT_EQ(inspector.kind(), c.kind);
        EXPECT_EQ(inspector.originText(), MessageInspector::originText(c.kind));
        EXPECT_FALSE(inspector.title().isEmpty());
        EXPECT_EQ(inspector.headerModel().index(0, 0).data().toString(),
                  c.event == EventKind::Compose || c.event == EventKind::SmtpData
                      ? QStringLiteral("Date")
                      : QStringLiteral("Received"));
    }
    EXPECT_TRUE(inspector.title().contains(QStringLiteral("bob@example.net")));

    // A queue row may point at the event that removed or deferred its entry: the message
    // shown is the one that was queued.
    ASSERT_TRUE(inspector.showTraceEvent(log, firstEvent(log, EventKind::QueueAdd)));
    const QString queued = inspector.wireText();
    ASSERT_TRUE(inspector.showTraceEvent(log, firstEvent(log, EventKind::QueueRemove)));
    EXPECT_EQ(inspector.kind(), Kind::Queued);
    EXPECT_EQ(inspector.wireText(), queued);

    inspector.showTraceEvent(log, firstEvent(log, EventKind::Compose));
    const QString composed = inspector.wireText();
    EXPECT_FALSE(inspector.showTraceEvent(log, firstEvent(log, EventKind::SmtpReply)));
    EXPECT_FALSE(inspector.showTraceEvent(log, firstEvent(log, EventKind::DnsQuery)));
    EXPECT_FALSE(inspector.showTraceEvent(log, log.size()));
    EXPECT_EQ(inspector.wireText(), composed) << "an event without a message changes nothing";
}

TEST_F(InspectorFixture, TheTextFollowsTheWindowsFont)
{
    QFont big = inspector.font();
    big.setPointSizeF(big.pointSizeF() * 2);
    inspector.setFont(big);
    EXPECT_DOUBLE_EQ(view()->font().pointSizeF(), big.pointSizeF());
    EXPECT_TRUE(QFontInfo(view()->font()).fixedPitch());

    // Through a parent, as when the window zooms.
    QWidget window;
    MessageInspector child(&window);
    QFont zoomed = window.font();
    zoomed.setPointSizeF(zoomed.pointSizeF() * 1.5);
    window.setFont(zoomed);
    EXPECT_DOUBLE_EQ(child.findChild<QPlainTextEdit *>()->font().pointSizeF(), zoomed.pointSizeF());
    EXPECT_DOUBLE_EQ(
        child.findChild<QLabel *>(QStringLiteral("inspectorTitle"))->font().pointSizeF(),
        zoomed.pointSizeF());
    EXPECT_TRUE(child.findChild<QLabel *>(QStringLiteral("inspectorTitle"))->font().bold());
}

TEST_F(InspectorFixture, TheHeaderBackgroundFollowsTheTheme)
{
    // A theme switch sets the application palette, which reaches each widget as a palette
    // change once the event loop runs; the window's palette reaches it the same way.
    QWidget window;
    MessageInspector child(&window);
    child.showMessage(kMessage, QString(), Kind::Stored);
    for (const auto theme : {gui::style::Theme::Dark, gui::style::Theme::Light}) {
        window.setPalette(gui::style::paletteFor(theme));
        const QBrush background = child.findChild<QPlainTextEdit *>()
                                      ->document()
                                      ->findBlockByNumber(0)
                                      .blockFormat()
                                      .background();
        EXPECT_EQ(background.color(), gui::style::paletteFor(theme).color(QPalette::AlternateBase));
    }
}

TEST_F(InspectorFixture, TheTextViewLeavesTheArrowKeysToTheWindow)
{
    inspector.showMessage(kMessage, QString(), Kind::Stored);
    for (const int key : {Qt::Key_Left, Qt::Key_Right, Qt::Key_Home, Qt::Key_End}) {
        QKeyEvent override(QEvent::ShortcutOverride, key, Qt::NoModifier);
        QApplication::sendEvent(view(), &override);
        EXPECT_FALSE(override.isAccepted()) << "key " << key;
    }
}
