// The window as a student uses it: keys move through the scenario, the stage bar follows,
// a broken file leaves the open scenario alone.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "scenario/built_in.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"

#include <QApplication>
#include <QDir>
#include <QPlainTextEdit>
#include <QTableView>
#include <QTest>

#include <gtest/gtest.h>

using namespace mailsim;

namespace {

struct WindowFixture : ::testing::Test
{
    gui::MainWindow window;
    void SetUp() override
    {
        window.loadScenario(scenario::builtInScenario(), QString());
        window.show();
        QApplication::setActiveWindow(&window);
        ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    }
    QString currentEventText()
    {
        return window.findChild<QPlainTextEdit *>(QStringLiteral("currentEvent"))->toPlainText();
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
