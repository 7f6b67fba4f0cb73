// The message inspector shows a message as it is on the wire, says where it was taken
// from, loses no byte, and follows the window's zoom and theme; its MIME tab shows the parts,
// each encoded and decoded.
#include "control/simulation_controller.h"
#include "panels/message_inspector.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "style/theme.h"
#include "support/mime_samples.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTreeView>

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
    EXPECT_DOUBLE_EQ(
        child.findChild<QPlainTextEdit *>(QStringLiteral("inspectorWire"))->font().pointSizeF(),
        zoomed.pointSizeF());
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
        const QBrush background =
            child.findChild<QPlainTextEdit *>(QStringLiteral("inspectorWire"))
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

// The MIME tab: the tree, a part encoded and decoded side by side, the overhead in words,
// warnings, saving a part, and opening a file.

namespace {

QString firstLine(const QString &text)
{
    return text.section(QLatin1Char('\n'), 0, 0);
}

QByteArray pngBytes(const QImage &image)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

} // namespace

TEST_F(InspectorFixture, TheMimeTabShowsTheTreeAndThePartsEncodedAndDecoded)
{
    inspector.showMessage(gui::test::multipartMessage(), QString(), Kind::Stored);
    auto *tabs = inspector.findChild<QTabWidget *>(QStringLiteral("inspectorTabs"));
    ASSERT_TRUE(tabs);
    EXPECT_EQ(tabs->tabText(1), QStringLiteral("MIME parts (3)"));
    EXPECT_FALSE(inspector.mimeTabShown()) << "the Wire tab comes first";
    inspector.showMimeTab();
    EXPECT_TRUE(inspector.mimeTabShown());
    EXPECT_EQ(inspector.mimeModel().partCount(), 3);
    EXPECT_EQ(inspector.selectedPartPath(), QStringLiteral("1")) << "the message is selected";
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Parts);

    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.overheadText(),
              QStringLiteral("base64: 1,370 bytes for 1,000 — 37 % more"));
    // Encoded: the part's header lines, the empty line, the base64 lines as sent.
    const QStringList encoded = inspector.encodedText().split(QLatin1Char('\n'));
    const QList<QByteArray> base64 =
        gui::test::base64Lines(gui::test::sampleAttachment()).trimmed().split('\n');
    ASSERT_EQ(encoded.size(), 4 + base64.size());
    EXPECT_EQ(encoded.first(),
              QStringLiteral("Content-Type: application/octet-stream; name=\"data.bin\""));
    EXPECT_EQ(encoded.at(2), QStringLiteral("Content-Transfer-Encoding: base64"));
    EXPECT_TRUE(encoded.at(3).isEmpty());
    EXPECT_EQ(encoded.at(4), QString::fromLatin1(base64.first().trimmed()));
    EXPECT_EQ(encoded.last(), QString::fromLatin1(base64.last().trimmed()));
    // Decoded: a hex dump whose first line is the first 16 bytes.
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Hex);
    EXPECT_EQ(firstLine(inspector.decodedText()),
              QStringLiteral("00000000  00 07 0e 15 1c 23 2a 31  38 3f 46 4d 54 5b 62 69  "
                             "|.....#*18?FMT[bi|"));
    const QStringList hex = inspector.decodedText().split(QLatin1Char('\n'));
    EXPECT_EQ(hex.size(), 63) << "1,000 bytes in lines of 16";
    // As `hexdump -C` writes a short last line: the ASCII column stays where it was.
    EXPECT_EQ(hex.last(),
              QStringLiteral("000003e0  20 27 2e 35 3c 43 4a 51                           "
                             "| '.5<CJQ|"));

    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.1")));
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Text);
    EXPECT_EQ(inspector.decodedText(), QStringLiteral("Grüße aus Köln"));
    EXPECT_EQ(inspector.encodedText().split(QLatin1Char('\n')).last(),
              QStringLiteral("Gr=C3=BC=C3=9Fe aus K=C3=B6ln"));
    EXPECT_EQ(inspector.overheadText(),
              QStringLiteral("quoted-printable: 29 bytes for 17 — 71 % more"));
    EXPECT_TRUE(inspector.warningTexts().isEmpty());

    // The next message keeps the selected part when it has one of that path.
    inspector.showMessage(gui::test::multipartMessage(), QString(), Kind::Queued);
    EXPECT_EQ(inspector.selectedPartPath(), QStringLiteral("1.1"));
    inspector.showMessage(kMessage, QString(), Kind::Queued);
    EXPECT_EQ(inspector.selectedPartPath(), QStringLiteral("1"));
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Text);
    EXPECT_EQ(tabs->tabText(1), QStringLiteral("MIME parts (1)"));

    inspector.clear();
    EXPECT_EQ(inspector.mimeModel().rowCount(), 0);
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::None);
    EXPECT_TRUE(inspector.encodedText().isEmpty());
}

TEST_F(InspectorFixture, AnImagePartIsPreviewed)
{
    QImage image(40, 30, QImage::Format_RGB32);
    image.fill(QColor(200, 40, 10));
    image.setPixelColor(0, 0, Qt::white);
    inspector.showMessage(gui::test::multipartMessage(pngBytes(image), "image/png", "dot.png"),
                          QString(), Kind::Stored);
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Image);
    const QImage shown = inspector.previewImage();
    EXPECT_EQ(shown.size(), QSize(40, 30));
    EXPECT_EQ(shown.pixelColor(0, 0), QColor(Qt::white));
    EXPECT_EQ(shown.pixelColor(20, 20), QColor(200, 40, 10));
    EXPECT_TRUE(inspector.decodedText().isEmpty());
    const auto *caption = inspector.findChild<QLabel *>(QStringLiteral("inspectorDecodedCaption"));
    ASSERT_TRUE(caption);
    EXPECT_TRUE(caption->text().contains(QStringLiteral("40 × 30 pixels")))
        << caption->text().toStdString();

    // Bytes that claim to be an image but are none are shown as bytes.
    inspector.showMessage(gui::test::multipartMessage("not a PNG", "image/png", "fake.png"),
                          QString(), Kind::Stored);
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.decodedForm(), MessageInspector::DecodedForm::Hex);
    EXPECT_TRUE(inspector.previewImage().isNull());
    EXPECT_TRUE(firstLine(inspector.decodedText()).endsWith(QStringLiteral("|not a PNG|")));
    EXPECT_TRUE(caption->text().contains(QStringLiteral("not an image")));
}

TEST_F(InspectorFixture, SaveDecodedPartWritesExactlyTheDecodedBytes)
{
    const QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("saved.bin"));
    QString error;
    EXPECT_FALSE(inspector.saveDecodedPart(path, &error)) << "nothing shown";
    EXPECT_FALSE(error.isEmpty());

    inspector.showMessage(gui::test::multipartMessage(), QString(), Kind::Stored);
    error.clear();
    EXPECT_FALSE(inspector.saveDecodedPart(path, &error)) << "the multipart is selected";
    EXPECT_TRUE(error.contains(QStringLiteral("multipart")));
    EXPECT_FALSE(QFile::exists(path));

    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.suggestedFileName(), QStringLiteral("data.bin"));
    ASSERT_TRUE(inspector.saveDecodedPart(path, &error)) << error.toStdString();
    QFile saved(path);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll(), gui::test::sampleAttachment());

    EXPECT_FALSE(inspector.saveDecodedPart(dir.filePath(QStringLiteral("no/such/dir/x")), &error));
    EXPECT_FALSE(error.isEmpty());

    // A name from the message cannot choose the folder or hide the file.
    inspector.showMessage(gui::test::multipartMessage("x", "text/plain", "../../.profile"),
                          QString(), Kind::Stored);
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.suggestedFileName(), QStringLiteral("profile"));
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.1")));
    EXPECT_EQ(inspector.suggestedFileName(), QStringLiteral("part-1.1.txt"));
}

TEST_F(InspectorFixture, ABrokenMessageShowsWarningsAndKeepsEveryByte)
{
    // No closing delimiter, and a stray byte in the base64.
    QByteArray message = gui::test::multipartHeader() + "--=-=b1=-=\r\n" + gui::test::textPart() +
                         "--=-=b1=-=\r\n" +
                         gui::test::attachmentPart("abcdef", "application/octet-stream", "x.bin");
    const qsizetype stray = message.indexOf("YWJj") + 2;
    message.insert(stray, '*');
    inspector.showMessage(message, QString(), Kind::Stored);

    const QStringList warnings = inspector.warningTexts();
    ASSERT_GE(warnings.size(), 2);
    EXPECT_TRUE(
        warnings.join(QLatin1Char('\n')).contains(QStringLiteral("byte %1, part 1.2: ").arg(stray)))
        << warnings.join(QLatin1Char('\n')).toStdString();
    auto *tabs = inspector.findChild<QTabWidget *>(QStringLiteral("inspectorTabs"));
    EXPECT_EQ(tabs->tabText(2), QStringLiteral("%1 warnings").arg(warnings.size()));
    EXPECT_TRUE(tabs->isTabEnabled(2));
    auto *list = inspector.findChild<QListWidget *>(QStringLiteral("inspectorWarnings"));
    ASSERT_TRUE(list);

    // Clicking a warning shows its part.
    inspector.selectPart(QStringLiteral("1"));
    tabs->setCurrentIndex(2);
    for (int row = 0; row < list->count(); ++row)
        if (list->item(row)->text().contains(QStringLiteral("part 1.2")))
            emit list->itemClicked(list->item(row));
    EXPECT_EQ(inspector.selectedPartPath(), QStringLiteral("1.2"));
    EXPECT_TRUE(inspector.mimeTabShown());
    EXPECT_EQ(firstLine(inspector.decodedText()).right(8), QStringLiteral("|abcdef|"));

    // Nothing is lost: the wire view has every byte, and so has the message's encoded view.
    QString wire = QString::fromLatin1(message);
    wire.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    wire.chop(1);
    EXPECT_EQ(inspector.wireText(), wire);
    inspector.selectPart(QStringLiteral("1"));
    EXPECT_EQ(inspector.encodedText(), wire);

    inspector.showMessage(kMessage, QString(), Kind::Stored);
    EXPECT_TRUE(inspector.warningTexts().isEmpty());
    EXPECT_EQ(tabs->tabText(2), QStringLiteral("No warnings"));
    EXPECT_FALSE(tabs->isTabEnabled(2));
}

TEST_F(InspectorFixture, AHugePartShowsItsFirst64KiBAndSaysHowMuchMoreThereIs)
{
    QByteArray big(10 * 1024 * 1024, '\0');
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char((i * 131) >> 3);
    inspector.showMessage(gui::test::multipartMessage(big), QString(), Kind::Stored);
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.mimeModel().decodedBody(
                  inspector.mimeModel().indexForPath(QStringLiteral("1.2"))),
              big);

    const QStringList hex = inspector.decodedText().split(QLatin1Char('\n'));
    ASSERT_EQ(hex.size(), MessageInspector::kPartViewLimit / 16 + 1) << "and a note";
    EXPECT_TRUE(hex.at(hex.size() - 2).startsWith(QStringLiteral("0000fff0  ")));
    EXPECT_EQ(hex.last(),
              QStringLiteral("… and 10,420,224 more bytes, not shown here (10,485,760 in "
                             "all); Save attachment… writes them all."));

    const QStringList encoded = inspector.encodedText().split(QLatin1Char('\n'));
    EXPECT_LE(encoded.size(), 4 + MessageInspector::kPartViewLimit / 76 + 2);
    EXPECT_TRUE(encoded.last().startsWith(QStringLiteral("… and ")));
    EXPECT_TRUE(encoded.last().contains(QStringLiteral("more bytes of this part")));
    EXPECT_EQ(encoded.at(encoded.size() - 2).size(), 76) << "no base64 line is cut";

    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.bin"));
    ASSERT_TRUE(inspector.saveDecodedPart(path));
    EXPECT_EQ(QFileInfo(path).size(), big.size());
}

TEST_F(InspectorFixture, OpensAMessageFile)
{
    const QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("from-my-client.eml"));
    QByteArray bytes = gui::test::multipartMessage();
    bytes.replace("\r\n", "\n"); // as mail programs save it
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    }
    QString error;
    ASSERT_TRUE(inspector.showMessageFile(path, &error)) << error.toStdString();
    EXPECT_EQ(inspector.kind(), Kind::File);
    EXPECT_TRUE(inspector.title().contains(QStringLiteral("from-my-client.eml")));
    EXPECT_EQ(inspector.originText(), MessageInspector::originText(Kind::File));
    EXPECT_TRUE(inspector.originText().contains(QStringLiteral("file")));
    EXPECT_EQ(inspector.mimeModel().message(), bytes);
    EXPECT_EQ(inspector.mimeModel().partCount(), 3);
    ASSERT_TRUE(inspector.selectPart(QStringLiteral("1.2")));
    EXPECT_EQ(inspector.mimeModel().decodedBody(
                  inspector.mimeModel().indexForPath(QStringLiteral("1.2"))),
              gui::test::sampleAttachment());
    EXPECT_TRUE(inspector.summaryText().contains(QStringLiteral("bare LF")));

    const QString shown = inspector.wireText();
    EXPECT_FALSE(inspector.showMessageFile(dir.filePath(QStringLiteral("missing.eml")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("missing.eml")));
    EXPECT_FALSE(inspector.showMessageFile(dir.path(), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("folder")));
    EXPECT_EQ(inspector.wireText(), shown) << "a file that cannot be read changes nothing";
    EXPECT_EQ(inspector.kind(), Kind::File);

    const QString empty = dir.filePath(QStringLiteral("empty.eml"));
    {
        QFile file(empty);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    }
    ASSERT_TRUE(inspector.showMessageFile(empty, &error));
    EXPECT_TRUE(inspector.hasMessage());
    EXPECT_EQ(inspector.mimeModel().rowCount(), 0);
}

TEST_F(InspectorFixture, ThePartViewsFollowTheFontAndLeaveTheKeysToTheWindow)
{
    QWidget window;
    MessageInspector child(&window);
    child.showMessage(gui::test::multipartMessage(), QString(), Kind::Stored);
    auto *encoded = child.findChild<QPlainTextEdit *>(QStringLiteral("inspectorEncoded"));
    auto *decoded = child.findChild<QPlainTextEdit *>(QStringLiteral("inspectorDecoded"));
    auto *tree = child.findChild<QTreeView *>(QStringLiteral("inspectorMimeTree"));
    ASSERT_TRUE(encoded && decoded && tree);
    const qreal before = encoded->font().pointSizeF();
    QFont zoomed = window.font();
    zoomed.setPointSizeF(zoomed.pointSizeF() * 1.5);
    window.setFont(zoomed);
    EXPECT_DOUBLE_EQ(encoded->font().pointSizeF(), zoomed.pointSizeF());
    EXPECT_DOUBLE_EQ(decoded->font().pointSizeF(), zoomed.pointSizeF());
    EXPECT_GT(encoded->font().pointSizeF(), before);
    EXPECT_TRUE(QFontInfo(decoded->font()).fixedPitch()) << "hex dumps line up";
    EXPECT_DOUBLE_EQ(tree->font().pointSizeF(), zoomed.pointSizeF());

    EXPECT_EQ(tree->focusPolicy(), Qt::NoFocus);
    EXPECT_EQ(child.findChild<QAbstractButton *>(QStringLiteral("inspectorSave"))->focusPolicy(),
              Qt::TabFocus);
    for (QPlainTextEdit *view : {encoded, decoded})
        for (const int key : {Qt::Key_Left, Qt::Key_Right, Qt::Key_Up, Qt::Key_Down}) {
            QKeyEvent override(QEvent::ShortcutOverride, key, Qt::NoModifier);
            QApplication::sendEvent(view, &override);
            EXPECT_FALSE(override.isAccepted()) << "key " << key;
        }
}

TEST_F(InspectorFixture, ThePartHeaderBackgroundFollowsTheTheme)
{
    QWidget window;
    MessageInspector child(&window);
    child.showMessage(gui::test::multipartMessage(), QString(), Kind::Stored);
    child.selectPart(QStringLiteral("1.2"));
    auto *encoded = child.findChild<QPlainTextEdit *>(QStringLiteral("inspectorEncoded"));
    for (const auto theme : {gui::style::Theme::Dark, gui::style::Theme::Light}) {
        window.setPalette(gui::style::paletteFor(theme));
        const QTextDocument *document = encoded->document();
        EXPECT_EQ(document->findBlockByNumber(0).blockFormat().background().color(),
                  gui::style::paletteFor(theme).color(QPalette::AlternateBase));
        EXPECT_FALSE(
            document->findBlockByNumber(3).blockFormat().hasProperty(QTextFormat::BackgroundBrush))
            << "the empty line is no header line";
    }
}

TEST_F(InspectorFixture, ALowDockPutsTheTreeBesideThePart)
{
    // In a dock, as here in a parent without a layout, the panel gets the size it is given,
    // however small (a window would not go below its minimum size).
    QWidget window;
    window.resize(700, 700);
    MessageInspector child(&window);
    child.showMessage(gui::test::multipartMessage(), QString(), Kind::Stored);
    child.showMimeTab();
    window.show();
    const int line = child.fontMetrics().lineSpacing();
    child.setGeometry(0, 0, 620, 30 * line);
    QApplication::processEvents();
    EXPECT_FALSE(child.mimeTabSideBySide()) << "room for the tree above the part";
    // The Message dock of a 1280x720 window is about 150 pixels high.
    child.setGeometry(0, 0, 660, 9 * line);
    QApplication::processEvents();
    EXPECT_TRUE(child.mimeTabSideBySide());
    auto *tree = child.findChild<QTreeView *>(QStringLiteral("inspectorMimeTree"));
    EXPECT_GE(tree->visualRect(tree->currentIndex()).top(), 0);
    EXPECT_LE(tree->visualRect(tree->currentIndex()).bottom(), tree->viewport()->height())
        << "the selected part stays in sight";
    child.setGeometry(0, 0, 620, 30 * line);
    QApplication::processEvents();
    EXPECT_FALSE(child.mimeTabSideBySide());
}

TEST(InspectorEnvelope, ShowsTheEnvelopeBesideTheHeaderSoABccRecipientStandsOut)
{
    const scenario::LoadResult loaded =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/several-recipients.yaml"));
    ASSERT_TRUE(loaded.ok());
    gui::SimulationController c;
    c.load(*loaded.scenario);
    c.runToEnd();
    const trace::TraceLog &log = c.trace();
    gui::MessageInspector inspector;
    // The relay to example.net carries the Bcc recipient in the envelope only.
    bool checked = false;
    for (std::size_t i = 0; i < log.size() && !checked; ++i) {
        const trace::TraceEvent &e = log.at(i);
        if (e.kind != trace::EventKind::SmtpData || log.actorName(e.to) != QStringLiteral("mail.example.net"))
            continue;
        ASSERT_TRUE(inspector.showTraceEvent(log, i));
        const QStringList lines = inspector.envelopeText().split(QLatin1Char('\n'));
        ASSERT_EQ(lines.size(), 2);
        EXPECT_TRUE(lines[0].contains(QStringLiteral("MAIL FROM:<alice@example.org>"))) << lines[0].toStdString();
        EXPECT_TRUE(lines[0].contains(QStringLiteral("RCPT TO:<carol@example.net>"))) << lines[0].toStdString();
        EXPECT_TRUE(lines[1].contains(QStringLiteral("To: ")));
        EXPECT_FALSE(lines[1].contains(QStringLiteral("carol"))) << "Bcc never reaches the header";
        checked = true;
    }
    EXPECT_TRUE(checked);
    // A message that does not come from the trace has no envelope to show.
    inspector.showMessage("From: a@example.org\r\n\r\nhi\r\n", QStringLiteral("typed"), gui::MessageInspector::Kind::File);
    EXPECT_TRUE(inspector.envelopeText().isEmpty());
}
