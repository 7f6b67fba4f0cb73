// The window as a student uses it: keys move through the scenario, the stage bar follows,
// a broken file leaves the open scenario alone.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "models/trace_model.h"
#include "panels/message_inspector.h"
#include "panels/stage_bar.h"
#include "protocol/smtp/smtp_reply_catalog.h"
#include "scenario/built_in.h"
#include "style/theme.h"
#include "trace/stages.h"
#include "views/sequence_view.h"
#include "views/topology_view.h"
#include "world/world_spec.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProcess>
#include <QSet>
#include <QSlider>
#include <QDockWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QUrl>

#include <gtest/gtest.h>

#include <functional>

using namespace mailsim;

namespace {

struct WindowFixture : ::testing::Test
{
    gui::MainWindow window;
    void SetUp() override
    {
        window.loadScenario(scenario::builtInScenario(), QString());
        window.resize(1280, 720); // a classroom projector
        window.resetLayout();
        window.show();
        QApplication::setActiveWindow(&window);
        ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    }
    // The window as it looks once the envelope has arrived and pending layouts have run.
    QImage settledImage()
    {
        window.findChild<gui::TopologyView *>()->finishAnimation();
        QCoreApplication::processEvents();
        return window.grab().toImage();
    }
    QString currentEventText()
    {
        return window.findChild<QTextBrowser *>(QStringLiteral("currentEvent"))->toPlainText();
    }
};

} // namespace

TEST_F(WindowFixture, ArrowKeysStepAndShiftArrowsMoveByStage)
{
    auto &c = window.controller();
    QTest::keyClick(&window, Qt::Key_Right);
    EXPECT_EQ(c.cursor(), 1u);
    EXPECT_TRUE(currentEventText().contains(QStringLiteral("composes \"Lunch on Friday?\"")));
    QTest::keyClick(&window, Qt::Key_Right, Qt::ShiftModifier);
    EXPECT_EQ(c.currentStage(), 2);
    QTest::keyClick(&window, Qt::Key_Right, Qt::ShiftModifier);
    EXPECT_EQ(c.currentStage(), 3);
    QTest::keyClick(&window, Qt::Key_Left);
    EXPECT_EQ(c.currentStage(), 2);
    QTest::keyClick(&window, Qt::Key_End);
    EXPECT_TRUE(c.atEnd());
    QTest::keyClick(&window, Qt::Key_Home);
    EXPECT_EQ(c.cursor(), 0u);
}

TEST_F(WindowFixture, TheEventTableShowsWhatHasHappened)
{
    auto *table = window.findChild<QTableView *>(QStringLiteral("eventTable"));
    ASSERT_NE(table, nullptr);
    for (int i = 0; i < 12; ++i)
        QTest::keyClick(&window, Qt::Key_Right);
    EXPECT_EQ(table->model()->rowCount(), 12);
    const QModelIndex last = table->model()->index(11, 5);
    EXPECT_EQ(last.data().toString(), trace::summarize(window.controller().trace(), 11));
    EXPECT_TRUE(currentEventText().startsWith(trace::TextFormatter::formatTime(window.controller().trace().at(11).time)));
}

TEST_F(WindowFixture, SpacePlaysUntilTheEnd)
{
    QTest::keyClick(&window, Qt::Key_Space);
    // At the slowest speed playing takes a while; wait for the first steps only.
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.controller().cursor() >= 2; }, 5000));
    QTest::keyClick(&window, Qt::Key_Space);
    const std::size_t paused = window.controller().cursor();
    QTest::qWait(1200);
    EXPECT_EQ(window.controller().cursor(), paused) << "Space pauses";
}

TEST_F(WindowFixture, ABrokenFileLeavesTheOpenScenario)
{
    QTest::keyClick(&window, Qt::Key_Right);
    QStringList errors;
    const QString broken = QStringLiteral(MAILSIM_TEST_DATA_DIR "/scenarios/broken/duplicate-users.yaml");
    EXPECT_FALSE(window.openFile(broken, &errors));
    ASSERT_FALSE(errors.isEmpty());
    EXPECT_TRUE(errors.first().contains(QStringLiteral("duplicate-users.yaml:")));
    EXPECT_EQ(window.controller().cursor(), 1u);
    EXPECT_EQ(window.controller().scenario().world.title, scenario::builtInScenario().world.title);

    const QString other = QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/relay-denied.yaml");
    EXPECT_TRUE(window.openFile(other, &errors));
    EXPECT_EQ(window.controller().cursor(), 0u);
    EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("Relay denied")));
}

TEST_F(WindowFixture, ZoomScalesTheTextOfEveryPanelTogether)
{
    auto *table = window.findChild<QTableView *>(QStringLiteral("eventTable"));
    auto *stageBar = window.findChild<gui::StageBar *>();
    ASSERT_NE(stageBar, nullptr);
    const qreal windowPoints = window.font().pointSizeF();
    const qreal tablePoints = table->font().pointSizeF();
    const qreal textPoints = window.findChild<QTextBrowser *>(QStringLiteral("currentEvent"))->font().pointSizeF();
    const int rowHeight = table->verticalHeader()->defaultSectionSize();
    const QSize stageHint = stageBar->sizeHint();

    QTest::keyClick(&window, Qt::Key_Plus, Qt::ControlModifier);
    EXPECT_GT(window.zoom(), 100);
    EXPECT_GT(window.font().pointSizeF(), windowPoints);
    EXPECT_GT(table->font().pointSizeF(), tablePoints) << "the table follows the window's font";
    EXPECT_GT(window.findChild<QTextBrowser *>(QStringLiteral("currentEvent"))->font().pointSizeF(), textPoints);
    EXPECT_GT(table->verticalHeader()->defaultSectionSize(), rowHeight) << "rows grow with their text";
    EXPECT_GT(stageBar->sizeHint().height(), stageHint.height());

    QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier);
    EXPECT_EQ(window.zoom(), 100);
    EXPECT_DOUBLE_EQ(window.font().pointSizeF(), windowPoints);
    QTest::keyClick(&window, Qt::Key_Minus, Qt::ControlModifier);
    EXPECT_LT(window.zoom(), 100);
    EXPECT_LT(table->font().pointSizeF(), tablePoints);
    window.setZoom(100);
}

TEST_F(WindowFixture, DarkThemeChangesThePaletteAndTheStageColours)
{
    QTest::keyClick(&window, Qt::Key_Right);
    auto *tree = window.findChild<QTreeView *>(QStringLiteral("serverTree"));
    ASSERT_TRUE(tree->isVisible());
    // Below the last row: the tree's background, which is the palette's base colour.
    const QPoint inTable = tree->viewport()->mapTo(&window, QPoint(tree->viewport()->width() / 2, tree->viewport()->height() - 5));
    window.setTheme(gui::style::Theme::Dark);
    QCoreApplication::processEvents(); // the palette reaches the widgets through posted events
    EXPECT_TRUE(gui::style::isDark(QApplication::palette()));
    EXPECT_LT(window.grab().toImage().pixelColor(inTable).lightness(), 100);
    window.setTheme(gui::style::Theme::Light);
    QCoreApplication::processEvents();
    EXPECT_FALSE(gui::style::isDark(QApplication::palette()));
    EXPECT_GT(window.grab().toImage().pixelColor(inTable).lightness(), 200);
}

TEST_F(WindowFixture, SaveAsKeepsTheFileAsWrittenAndReloadReadsItAgain)
{
    const QString example = QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/backup-mx.yaml");
    ASSERT_TRUE(window.openFile(example));
    QFile original(example);
    ASSERT_TRUE(original.open(QIODevice::ReadOnly));
    const QByteArray bytes = original.readAll();

    QTemporaryDir dir;
    const QString copy = dir.filePath(QStringLiteral("mine.yaml"));
    QString error;
    ASSERT_TRUE(window.saveScenarioAs(copy, &error)) << error.toStdString();
    QFile saved(copy);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_EQ(saved.readAll(), bytes) << "comments and layout of the teacher's file are kept";
    saved.close();
    EXPECT_EQ(window.scenarioSource(), QFileInfo(copy).absoluteFilePath());
    EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("mine.yaml")));
    EXPECT_EQ(window.recentFiles().value(0), QFileInfo(copy).absoluteFilePath());

    // The teacher edits the file and reloads.
    QByteArray edited = bytes;
    const QByteArray oldTitle = "title: " + window.controller().scenario().world.title.toUtf8();
    ASSERT_TRUE(edited.contains(oldTitle));
    edited.replace(oldTitle, "title: Edited in class");
    ASSERT_TRUE(saved.open(QIODevice::WriteOnly | QIODevice::Truncate));
    saved.write(edited);
    saved.close();
    QTest::keyClick(&window, Qt::Key_Right);
    ASSERT_TRUE(window.reload());
    EXPECT_EQ(window.controller().scenario().world.title, QStringLiteral("Edited in class"));
    EXPECT_EQ(window.controller().cursor(), 0u);

    // A broken edit: reload reports it and the scenario stays.
    ASSERT_TRUE(saved.open(QIODevice::WriteOnly | QIODevice::Truncate));
    saved.write("title: [unclosed\n");
    saved.close();
    QStringList errors;
    EXPECT_FALSE(window.reload(&errors));
    ASSERT_FALSE(errors.isEmpty());
    EXPECT_TRUE(errors.front().contains(QStringLiteral("mine.yaml:1:"))) << errors.front().toStdString();
    EXPECT_EQ(window.controller().scenario().world.title, QStringLiteral("Edited in class"));
}

TEST_F(WindowFixture, SaveAsIntoAMissingFolderFailsAndWritesNothing)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("no/such/folder/x.yaml"));
    QString error;
    EXPECT_FALSE(window.saveScenarioAs(path, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("x.yaml")));
    EXPECT_FALSE(QFileInfo::exists(path));
    EXPECT_TRUE(window.scenarioSource().isEmpty()) << "the built-in scenario is still the one open";
}

TEST_F(WindowFixture, TheExamplesMenuOpensEveryShippedScenario)
{
    QMenu *examples = nullptr;
    for (QMenu *menu : window.findChildren<QMenu *>())
        if (menu->title() == QStringLiteral("&Examples"))
            examples = menu;
    ASSERT_NE(examples, nullptr);
    const QStringList paths = scenario::exampleScenarioPaths();
    ASSERT_EQ(examples->actions().size(), paths.size());
    for (int i = 0; i < paths.size(); ++i) {
        examples->actions()[i]->trigger();
        EXPECT_EQ(window.scenarioSource(), paths[i]);
        EXPECT_EQ(window.controller().scenario().world.title, examples->actions()[i]->text());
    }
    EXPECT_TRUE(window.recentFiles().filter(QStringLiteral(":/")).isEmpty()) << "examples are not recent files";
}

TEST_F(WindowFixture, DroppingAScenarioFileOpensIt)
{
    const QString file = QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/relay-denied.yaml");
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(file)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    EXPECT_TRUE(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.scenarioSource() == file; }, 2000));
    EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("Relay denied")));

    QMimeData text;
    text.setUrls({QUrl::fromLocalFile(QStringLiteral(MAILSIM_SOURCE_DIR "/README.md"))});
    QDragEnterEvent other(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
    other.setAccepted(false);
    QApplication::sendEvent(&window, &other);
    EXPECT_FALSE(other.isAccepted()) << "only scenario files are taken";
}

TEST_F(WindowFixture, TheEventTableFiltersByKindAndHost)
{
    auto *table = window.findChild<QTableView *>(QStringLiteral("eventTable"));
    auto *kinds = window.findChild<QToolButton *>(QStringLiteral("kindFilter"));
    auto *hosts = window.findChild<QComboBox *>(QStringLiteral("actorFilter"));
    ASSERT_NE(kinds, nullptr);
    ASSERT_NE(hosts, nullptr);
    QTest::keyClick(&window, Qt::Key_End);
    const int all = table->model()->rowCount();
    ASSERT_EQ(all, int(window.controller().trace().size()));

    QAction *smtpOnly = nullptr;
    for (QAction *a : kinds->menu()->actions())
        if (a->text() == QStringLiteral("Only the SMTP dialogue"))
            smtpOnly = a;
    ASSERT_NE(smtpOnly, nullptr);
    smtpOnly->trigger();
    const int smtp = table->model()->rowCount();
    EXPECT_GT(smtp, 10);
    EXPECT_LT(smtp, all);
    for (int row = 0; row < smtp; ++row) {
        const auto kind = trace::EventKind(table->model()->index(row, 0).data(gui::TraceModel::EventKindRole).toInt());
        EXPECT_TRUE(kind == trace::EventKind::SmtpCommand || kind == trace::EventKind::SmtpReply || kind == trace::EventKind::SmtpData);
    }
    EXPECT_EQ(kinds->text(), QStringLiteral("Kinds: 3 of %1").arg(trace::kEventKindCount));

    const trace::ActorId bobsUa = window.controller().trace().findActor(QStringLiteral("bob-pc.example.net"));
    ASSERT_GE(bobsUa, 0);
    hosts->setCurrentIndex(hosts->findData(int(bobsUa)));
    EXPECT_EQ(table->model()->rowCount(), 0) << "Bob's UA reads its mailbox locally here: no SMTP";
    kinds->menu()->actions().front()->trigger(); // show all kinds
    EXPECT_EQ(kinds->text(), QStringLiteral("Kinds: all"));
    ASSERT_GT(table->model()->rowCount(), 0);
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        const QModelIndex i = table->model()->index(row, 0);
        EXPECT_TRUE(i.data(gui::TraceModel::FromActorRole).toInt() == bobsUa || i.data(gui::TraceModel::ToActorRole).toInt() == bobsUa);
    }
    QTest::keyClick(&window, Qt::Key_Home);
    EXPECT_EQ(hosts->currentData().toInt(), int(bobsUa)) << "a reset keeps the filter";
    hosts->setCurrentIndex(0);
}

TEST_F(WindowFixture, BackThenStepShowsTheSameState)
{
    for (int i = 0; i < 25; ++i)
        QTest::keyClick(&window, Qt::Key_Right);
    const QString text = currentEventText();
    const QImage before = settledImage();
    QTest::keyClick(&window, Qt::Key_Left);
    EXPECT_NE(currentEventText(), text);
    QTest::keyClick(&window, Qt::Key_Right);
    EXPECT_EQ(currentEventText(), text);
    EXPECT_EQ(settledImage(), before) << "every panel looks as it did";
}

namespace {

// Runs the program itself with --screenshot and the given options; returns the image.
QImage screenshot(const QStringList &options, int *exitCode = nullptr)
{
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("shot.png"));
    QProcess mailsim;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    mailsim.setProcessEnvironment(env);
    mailsim.start(QStringLiteral(MAILSIM_WINDOW_BINARY), QStringList{QStringLiteral("--screenshot"), png} + options);
    if (!mailsim.waitForFinished(30000)) {
        mailsim.kill();
        mailsim.waitForFinished();
    }
    if (exitCode)
        *exitCode = mailsim.exitCode();
    return QImage(png);
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

TEST(WindowScreenshot, WritesAPngOfTheRequestedSizeThatIsNotBlank)
{
    int exitCode = -1;
    const QImage image = screenshot({QStringLiteral("--stage"), QStringLiteral("4"), QStringLiteral("--size"), QStringLiteral("1280x720")}, &exitCode);
    EXPECT_EQ(exitCode, 0);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), QSize(1280, 720));
    EXPECT_GT(distinctColours(image), 20) << "text and panels, not one flat colour";

    const QImage small = screenshot({QStringLiteral("--event"), QStringLiteral("3"), QStringLiteral("--size"), QStringLiteral("1024x640")}, &exitCode);
    EXPECT_EQ(exitCode, 0);
    EXPECT_EQ(small.size(), QSize(1024, 640));
}

TEST(WindowScreenshot, RefusesNonsenseOptionsWithAMessage)
{
    int exitCode = -1;
    EXPECT_TRUE(screenshot({QStringLiteral("--size"), QStringLiteral("huge")}, &exitCode).isNull());
    EXPECT_EQ(exitCode, 2);
    EXPECT_TRUE(screenshot({QStringLiteral("--event"), QStringLiteral("100000")}, &exitCode).isNull());
    EXPECT_EQ(exitCode, 2);
    EXPECT_TRUE(screenshot({QStringLiteral(MAILSIM_TEST_DATA_DIR "/scenarios/broken/duplicate-users.yaml")}, &exitCode).isNull());
    EXPECT_EQ(exitCode, 1);    EXPECT_TRUE(screenshot({QStringLiteral("--access"), QStringLiteral("pigeon")}, &exitCode).isNull());
    EXPECT_EQ(exitCode, 2);
    EXPECT_TRUE(screenshot({QStringLiteral("--end"), QStringLiteral("--panel"), QStringLiteral("attic")}, &exitCode).isNull());
    EXPECT_EQ(exitCode, 2);
}

// --access, --end and --panel choose what the picture shows: the Push and pull tab at the
// end of a web mail run differs from the default picture at the same point.
TEST(WindowScreenshot, AccessEndAndPanelChooseWhatIsShown)
{
    int exitCode = -1;
    const QImage end = screenshot({QStringLiteral("--end")}, &exitCode);
    ASSERT_FALSE(end.isNull());
    EXPECT_EQ(exitCode, 0);
    const QImage web = screenshot({QStringLiteral("--end"), QStringLiteral("--access"), QStringLiteral("web"),
                                   QStringLiteral("--panel"), QStringLiteral("push-pull")},
                                  &exitCode);
    ASSERT_FALSE(web.isNull());
    EXPECT_EQ(exitCode, 0);
    EXPECT_EQ(web.size(), end.size());
    EXPECT_NE(web, end);
}

namespace {

QToolButton *toolButton(QMainWindow &window, const QString &text)
{
    for (QToolBar *bar : window.findChildren<QToolBar *>())
        for (QAction *a : bar->actions())
            if (a->text() == text)
                return qobject_cast<QToolButton *>(bar->widgetForAction(a));
    return nullptr;
}

} // namespace

TEST_F(WindowFixture, ClickingThroughTheSixStagesEveryPanelShowsWhatTheTraceSays)
{
    using trace::EventKind;
    QToolButton *next = toolButton(window, QStringLiteral("Next stage ▶▶"));
    ASSERT_NE(next, nullptr);
    auto &c = window.controller();
    auto *stageBar = window.findChild<gui::StageBar *>();
    auto *sequence = window.findChild<gui::SequenceView *>();
    auto *table = window.findChild<QTableView *>(QStringLiteral("eventTable"));
    auto *tree = window.findChild<QTreeView *>(QStringLiteral("serverTree"));
    ASSERT_TRUE(stageBar && sequence && table && tree);
    const auto &model = *tree->model();

    // Counts the rows of one node type under every server of the panel.
    auto rowsOfType = [&](gui::ServerStateModel::NodeType type) {
        int n = 0;
        std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex i = model.index(r, 0, parent);
                if (i.data(gui::ServerStateModel::NodeTypeRole).toInt() == int(type)
                    && i.data(gui::ServerStateModel::ChangeRole).toInt() != int(gui::ServerStateModel::Change::Removed))
                    ++n;
                walk(i);
            }
        };
        walk({});
        return n;
    };

    for (int stage = 1; stage <= 6; ++stage) {
        QTest::mouseClick(next, Qt::LeftButton);
        ASSERT_EQ(c.currentStage(), stage);
        const trace::TraceLog &log = c.trace();
        const std::size_t shown = c.cursor();
        const trace::TraceEvent &last = log.at(shown - 1);

        EXPECT_EQ(stageBar->stage(), stage);
        EXPECT_TRUE(stageBar->explanationText().startsWith(QString::fromUtf8(trace::stageInfo(stage).title)));

        EXPECT_EQ(sequence->rowCount(), shown);
        if (last.kind == EventKind::SmtpCommand) {
            EXPECT_EQ(sequence->labelFor(shown - 1), QString::fromUtf8(last.data).trimmed());
        }
        EXPECT_TRUE(sequence->rowRect(shown - 1).intersects(sequence->viewport()->rect())) << "the current row is in view";

        EXPECT_EQ(table->model()->rowCount(), int(shown));
        EXPECT_EQ(table->model()->index(int(shown) - 1, gui::TraceModel::TextColumn).data().toString(), trace::summarize(log, shown - 1));

        int stored = 0;
        int queued = 0;
        for (std::size_t i = 0; i < shown; ++i) {
            stored += log.at(i).kind == EventKind::MailboxAdd;
            queued += log.at(i).kind == EventKind::QueueAdd;
            queued -= log.at(i).kind == EventKind::QueueRemove;
        }
        EXPECT_EQ(rowsOfType(gui::ServerStateModel::NodeType::Message), stored) << "stage " << stage;
        EXPECT_EQ(rowsOfType(gui::ServerStateModel::NodeType::QueueEntry), queued) << "stage " << stage;
    }
    // By stage 6 Bob's server has stored the message, and nothing is left queued.
    EXPECT_EQ(rowsOfType(gui::ServerStateModel::NodeType::Message), 1);
    EXPECT_EQ(rowsOfType(gui::ServerStateModel::NodeType::QueueEntry), 0);

    // Back and Step with the buttons return to the very same picture (once the envelope
    // of the step has arrived).
    const QImage before = settledImage();
    QTest::mouseClick(toolButton(window, QStringLiteral("◀ Back")), Qt::LeftButton);
    EXPECT_NE(settledImage(), before);
    QTest::mouseClick(toolButton(window, QStringLiteral("Step ▶")), Qt::LeftButton);
    EXPECT_EQ(settledImage(), before);
}

TEST_F(WindowFixture, ChoosingAMessageShowsItInTheInspectorUntilTimeGoesBackBeforeIt)
{
    auto &c = window.controller();
    auto *sequence = window.findChild<gui::SequenceView *>();
    auto *inspector = window.findChild<gui::MessageInspector *>();
    ASSERT_TRUE(sequence && inspector);
    while (c.stepForward() && c.trace().at(c.cursor() - 1).kind != trace::EventKind::SmtpData) {
    }
    const std::size_t data = c.cursor() - 1;
    ASSERT_EQ(c.trace().at(data).kind, trace::EventKind::SmtpData);
    Q_EMIT sequence->messageRequested(data);
    EXPECT_TRUE(inspector->hasMessage());
    EXPECT_TRUE(inspector->wireText().contains(QStringLiteral("Subject: Lunch on Friday?")));
    EXPECT_TRUE(inspector->isVisible()) << "the Message panel comes to the front";
    c.stepForward();
    EXPECT_TRUE(inspector->hasMessage());
    c.stepBack();
    c.stepBack();
    EXPECT_FALSE(inspector->hasMessage()) << "the message has not been sent yet at this point";

    // A reply chosen in the diagram is explained without moving the simulation.
    std::size_t reply = 0;
    while (c.trace().at(reply).kind != trace::EventKind::SmtpReply)
        ++reply;
    const std::size_t cursor = c.cursor();
    Q_EMIT sequence->eventSelected(reply);
    EXPECT_EQ(c.cursor(), cursor);
    EXPECT_TRUE(currentEventText().contains(QString::fromUtf8(smtp::replyClassMeaning(smtp::ReplyClass::PositiveCompletion)).left(30)))
        << currentEventText().toStdString();
}

TEST(WindowSettings, ZoomThemeSpeedAndLayoutComeBackNextTime)
{
    {
        gui::MainWindow first;
        first.loadScenario(scenario::builtInScenario(), QString());
        first.resize(1280, 720);
        first.show();
        first.setZoom(150);
        first.setTheme(gui::style::Theme::Dark);
        first.findChild<QSlider *>(QStringLiteral("speed"))->setValue(3);
        first.findChild<QDockWidget *>(QStringLiteral("serversDock"))->hide();
        first.close();
    }
    gui::MainWindow second;
    EXPECT_EQ(second.zoom(), 150);
    EXPECT_EQ(second.theme(), gui::style::Theme::Dark);
    EXPECT_EQ(second.findChild<QSlider *>(QStringLiteral("speed"))->value(), 3);
    EXPECT_EQ(second.animationDuration(), 750 / 8);
    second.show();
    EXPECT_FALSE(second.findChild<QDockWidget *>(QStringLiteral("serversDock"))->isVisible())
        << "the dock layout is restored";

    // Back to the defaults for the tests that follow.
    second.setZoom(100);
    second.setTheme(gui::style::Theme::Light);
    second.findChild<QSlider *>(QStringLiteral("speed"))->setValue(0);
    second.resetLayout();
    second.close();
}

TEST_F(WindowFixture, TheStageExplanationIsNeverCutOffWhenZoomed)
{
    window.setZoom(150);
    while (window.controller().currentStage() < 3)
        window.controller().nextStage();
    QCoreApplication::processEvents();
    auto *stageBar = window.findChild<gui::StageBar *>();
    QLabel *explanation = nullptr;
    for (QLabel *label : stageBar->findChildren<QLabel *>())
        if (label->text() == stageBar->explanationText())
            explanation = label;
    ASSERT_NE(explanation, nullptr);
    EXPECT_GE(explanation->height(), explanation->heightForWidth(explanation->width()))
        << "every wrapped line of the explanation is shown";
    EXPECT_EQ(window.size(), QSize(1280, 720)) << "and the window still fits the projector";
    window.setZoom(100);
}

TEST_F(WindowFixture, ABrokenFileOpenedFromTheMenuShowsItsErrorsInADialog)
{
    const QString broken = QStringLiteral(MAILSIM_TEST_DATA_DIR "/scenarios/broken/duplicate-users.yaml");
    EXPECT_FALSE(window.openFile(broken));
    auto *box = window.findChild<QMessageBox *>(QStringLiteral("scenarioErrors"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->isVisible());
    EXPECT_TRUE(box->text().contains(QStringLiteral("stays open")));
    EXPECT_TRUE(box->detailedText().contains(QStringLiteral("duplicate-users.yaml:"))) << "file:line:column";
    EXPECT_EQ(window.controller().scenario().world.title, scenario::builtInScenario().world.title);
    box->close();
}

TEST_F(WindowFixture, F11TogglesFullScreen)
{
    QTest::keyClick(&window, Qt::Key_F11);
    EXPECT_TRUE(window.windowState() & Qt::WindowFullScreen);
    QTest::keyClick(&window, Qt::Key_F11);
    EXPECT_FALSE(window.windowState() & Qt::WindowFullScreen);
}

TEST_F(WindowFixture, OpenMessageShowsAnEmlFileWithItsMimeTree)
{
    auto *inspector = window.findChild<gui::MessageInspector *>();
    QString error;
    ASSERT_TRUE(window.openMessageFile(QStringLiteral(MAILSIM_TEST_DATA_DIR "/messages/lecture-mixed.eml"), &error))
        << error.toStdString();
    EXPECT_TRUE(inspector->isVisible()) << "the Message panel comes to the front";
    EXPECT_TRUE(inspector->wireText().contains(QStringLiteral("Content-Type: multipart/mixed")));
    // Stepping does not take the file away: it is no event of the simulation.
    QTest::keyClick(&window, Qt::Key_Right);
    QTest::keyClick(&window, Qt::Key_Left);
    EXPECT_TRUE(inspector->hasMessage());
    EXPECT_FALSE(window.openMessageFile(QStringLiteral(MAILSIM_TEST_DATA_DIR "/messages/no-such.eml"), &error));
    EXPECT_FALSE(error.isEmpty());
    EXPECT_TRUE(inspector->wireText().contains(QStringLiteral("Content-Type: multipart/mixed"))) << "a failed open changes nothing";
}

TEST_F(WindowFixture, TheStudentsOwnMessageIsPlayedFromStageOne)
{
    QTest::keyClick(&window, Qt::Key_End);
    world::SendSpec own;
    own.from = QStringLiteral("alice@example.org");
    own.to = QStringList{QStringLiteral("bob@example.net")};
    own.subject = QStringLiteral("Grüße aus dem Hörsaal");
    own.body = QStringLiteral("Schöne Grüße!\n");
    window.playOwnMessage(own);
    auto &c = window.controller();
    EXPECT_EQ(c.cursor(), 0u) << "from the start";
    EXPECT_TRUE(window.scenarioSource().isEmpty()) << "no file yet; Save scenario as… writes it";
    c.runToEnd();
    // The compose event is the student's message, MIME-encoded by the user agent.
    const trace::TraceEvent &first = c.trace().at(0);
    ASSERT_EQ(first.kind, trace::EventKind::Compose);
    EXPECT_TRUE(first.data.contains("Subject: =?UTF-8?")) << "non-ASCII subject as encoded words";
    bool stored = false;
    for (const trace::TraceEvent &e : c.trace().events())
        stored |= e.kind == trace::EventKind::MailboxAdd && e.detail == "bob@example.net";
    EXPECT_TRUE(stored) << "the message reaches Bob's mailbox";
}

// Simulation > Read mail with: the same story, read by another route; the choice stays for
// the next scenario, and Save As writes the scenario as shown.
TEST_F(WindowFixture, ReadMailWithReplaysStageSixByTheChosenRoute)
{
    QMenu *routes = nullptr;
    for (QMenu *menu : window.findChildren<QMenu *>())
        if (menu->title() == QStringLiteral("&Read mail with"))
            routes = menu;
    ASSERT_NE(routes, nullptr);
    auto choose = [&](const QString &prefix) {
        for (QAction *a : routes->actions()) {
            if (a->text().startsWith(prefix)) {
                a->trigger();
                return a;
            }
        }
        ADD_FAILURE() << prefix.toStdString();
        return static_cast<QAction *>(nullptr);
    };
    auto kindsAtEnd = [&] {
        window.controller().runToEnd();
        QSet<int> kinds;
        int port = 0;
        for (const trace::TraceEvent &e : window.controller().trace().events()) {
            kinds.insert(int(e.kind));
            if (e.stage == 6 && e.kind == trace::EventKind::TcpSyn && port == 0)
                port = e.code;
        }
        return std::pair{kinds, port};
    };

    QAction *imap = choose(QStringLiteral("&IMAP"));
    ASSERT_NE(imap, nullptr);
    EXPECT_TRUE(imap->isChecked());
    EXPECT_EQ(window.accessRoute(), mail::AccessRoute::Imap);
    EXPECT_EQ(window.controller().cursor(), 0u) << "the run starts again";
    auto [kinds, port] = kindsAtEnd();
    EXPECT_TRUE(kinds.contains(int(trace::EventKind::ImapCommand)));
    EXPECT_FALSE(kinds.contains(int(trace::EventKind::Pop3Command)));
    EXPECT_EQ(port, 143);

    choose(QStringLiteral("&Web mail"));
    std::tie(kinds, port) = kindsAtEnd();
    EXPECT_TRUE(kinds.contains(int(trace::EventKind::HttpRequest)));
    EXPECT_EQ(port, 80);

    // Another scenario keeps the route; Save As writes it, so the file plays the same.
    window.loadScenario(scenario::builtInScenario(), QString());
    EXPECT_EQ(window.accessRoute(), mail::AccessRoute::WebMail);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("web.yaml"));
    ASSERT_TRUE(window.saveScenarioAs(path));
    QFile saved(path);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly));
    EXPECT_TRUE(saved.readAll().contains("access: web"));

    choose(QStringLiteral("As the &scenario says"));
    EXPECT_FALSE(window.accessRoute().has_value());
    std::tie(kinds, port) = kindsAtEnd();
    EXPECT_EQ(port, 110) << "web.yaml was saved with web; the built-in scenario itself reads by POP3";
    (void)kinds;
}

TEST_F(WindowFixture, ThePushAndPullPanelComesToTheFrontWhenAsked)
{
    window.controller().runToEnd();
    ASSERT_TRUE(window.showPanel(QStringLiteral("push-pull")));
    QCoreApplication::processEvents();
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("pushPullDock"));
    ASSERT_NE(dock, nullptr);
    EXPECT_FALSE(dock->visibleRegion().isEmpty());
    EXPECT_FALSE(window.showPanel(QStringLiteral("no-such-panel")));
}

// Simulation > Faults while stepping: the fault happens just after the event shown, the
// cursor stays, and what was shown before it is unchanged.
TEST_F(WindowFixture, AFaultInjectedWhileSteppingTakesEffectFromThere)
{
    auto &controller = window.controller();
    for (int i = 0; i < 5; ++i)
        controller.stepForward();
    std::vector<QByteArray> before;
    for (std::size_t i = 0; i < 5; ++i)
        before.push_back(controller.trace().at(i).data);

    QMenu *faults = window.findChild<QMenu *>(QStringLiteral("faultsMenu"));
    ASSERT_NE(faults, nullptr);
    Q_EMIT faults->aboutToShow(); // the menu lists what the scenario has
    QAction *down = nullptr;
    for (QAction *server : faults->actions()) {
        if (server->menu() && server->text() == QStringLiteral("mail.example.net")) {
            for (QAction *a : server->menu()->actions())
                if (a->text().startsWith(QStringLiteral("Take it &down")))
                    down = a;
        }
    }
    ASSERT_NE(down, nullptr);
    down->trigger();

    EXPECT_EQ(controller.cursor(), 5u);
    ASSERT_EQ(controller.scenario().world.faults.size(), 1u);
    EXPECT_EQ(controller.scenario().world.faults[0].kind, world::FaultSpec::Kind::ServerDown);
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(controller.trace().at(i).data, before[i]) << "event " << i;
    controller.stepForward();
    EXPECT_EQ(controller.trace().at(5).kind, trace::EventKind::Fault);
    EXPECT_EQ(controller.trace().at(5).detail, "server-down");
    // Bob's server refuses from now on: Alice's server has to keep the message.
    bool deferred = false;
    for (int i = 0; i < 60 && !deferred; ++i) {
        controller.stepForward();
        deferred = controller.trace().at(controller.cursor() - 1).kind == trace::EventKind::QueueDefer;
    }
    EXPECT_TRUE(deferred);
}
