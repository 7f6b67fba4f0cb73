#include "control/simulation_controller.h"
#include "models/trace_model.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "trace/explainer.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::SimulationController;
using gui::TraceModel;
using trace::EventKind;

namespace {

scenario::Scenario loadExample(const char *name)
{
    const scenario::LoadResult result =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/") + QLatin1String(name));
    EXPECT_TRUE(result.ok()) << name;
    return result.scenario.value_or(scenario::builtInScenario());
}

struct TraceModelFixture : ::testing::Test
{
    SimulationController controller;
    TraceModel model{controller};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};

    void SetUp() override { controller.load(scenario::builtInScenario()); }

    int rowOfFirst(EventKind kind, int code = -1) const
    {
        for (int row = 0; row < model.rowCount(); ++row) {
            const trace::TraceEvent &e = controller.trace().at(std::size_t(row));
            if (e.kind == kind && (code < 0 || e.code == code))
                return row;
        }
        return -1;
    }
    QVariant cell(int row, int column, int role = Qt::DisplayRole) const
    {
        return model.data(model.index(row, column), role);
    }
};

} // namespace

TEST_F(TraceModelFixture, RowsFollowTheCursorEveryWay)
{
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(model.columnCount(), int(TraceModel::ColumnCount));
    for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(controller.stepForward());
        ASSERT_EQ(model.rowCount(), int(controller.cursor()));
    }
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(controller.stepBack());
        ASSERT_EQ(model.rowCount(), int(controller.cursor()));
    }
    while (controller.nextStage())
        ASSERT_EQ(model.rowCount(), int(controller.cursor()));
    while (controller.cursor() > 1 && controller.previousStage()) // at cursor 1 it returns true without moving
        ASSERT_EQ(model.rowCount(), int(controller.cursor()));
    EXPECT_EQ(model.rowCount(), 1);
    controller.runToEnd();
    EXPECT_EQ(model.rowCount(), int(controller.trace().size()));
    controller.seek(3);
    EXPECT_EQ(model.rowCount(), 3);
    controller.reset();
    EXPECT_EQ(model.rowCount(), 0);
    controller.seek(20);
    EXPECT_EQ(model.rowCount(), 20);
    controller.load(loadExample("unknown-recipient-bounce.yaml"));
    EXPECT_EQ(model.rowCount(), 0);
    controller.runToEnd();
    EXPECT_EQ(model.rowCount(), int(controller.trace().size()));
}

TEST_F(TraceModelFixture, AMoveIsOneBatchOfRows)
{
    QSignalSpy inserted(&model, &TraceModel::rowsInserted);
    QSignalSpy removed(&model, &TraceModel::rowsRemoved);
    QSignalSpy reset(&model, &TraceModel::modelReset);
    controller.seek(10);
    ASSERT_EQ(inserted.count(), 1);
    EXPECT_EQ(inserted.at(0).at(1).toInt(), 0);
    EXPECT_EQ(inserted.at(0).at(2).toInt(), 9);
    controller.runToEnd();
    ASSERT_EQ(inserted.count(), 2);
    EXPECT_EQ(inserted.at(1).at(1).toInt(), 10);
    EXPECT_EQ(inserted.at(1).at(2).toInt(), int(controller.trace().size()) - 1);
    controller.seek(4);
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed.at(0).at(1).toInt(), 4);
    EXPECT_EQ(removed.at(0).at(2).toInt(), int(controller.trace().size()) - 1);
    EXPECT_EQ(reset.count(), 0);
    controller.reset();
    EXPECT_EQ(reset.count(), 1);
    EXPECT_EQ(inserted.count(), 2);
    EXPECT_EQ(removed.count(), 1);
}

TEST_F(TraceModelFixture, ShowsTheColumnsOfAnEvent)
{
    controller.runToEnd();
    EXPECT_EQ(cell(0, TraceModel::TimeColumn).toString(), QStringLiteral("00:00.000"));
    EXPECT_EQ(cell(0, TraceModel::StageColumn).toInt(), 1);
    EXPECT_EQ(cell(0, TraceModel::FromColumn).toString(), QStringLiteral("alice-pc.example.org"));
    EXPECT_EQ(cell(0, TraceModel::KindColumn).toString(), QStringLiteral("compose"));
    EXPECT_TRUE(cell(0, TraceModel::TextColumn).toString().contains(QStringLiteral("Lunch on Friday?")));

    const int row = rowOfFirst(EventKind::SmtpReply, 354);
    ASSERT_GE(row, 0);
    EXPECT_EQ(cell(row, TraceModel::TimeColumn).toString(), QStringLiteral("00:00.011"));
    EXPECT_EQ(cell(row, TraceModel::StageColumn).toInt(), 2);
    EXPECT_EQ(cell(row, TraceModel::FromColumn).toString(), QStringLiteral("mail.example.org"));
    EXPECT_EQ(cell(row, TraceModel::ToColumn).toString(), QStringLiteral("alice-pc.example.org"));
    EXPECT_EQ(cell(row, TraceModel::KindColumn).toString(), QStringLiteral("SMTP reply"));
    EXPECT_EQ(cell(row, TraceModel::TextColumn).toString(),
              QStringLiteral("S: 354 End data with <CR><LF>.<CR><LF>"));
    EXPECT_EQ(cell(row, 0, TraceModel::EventIndexRole).toInt(), row);
    EXPECT_EQ(cell(row, 0, TraceModel::ReplyCodeRole).toInt(), 354);
    EXPECT_EQ(cell(row, 0, TraceModel::ReplyClassRole).toString(), QStringLiteral("3xx go ahead"));
    EXPECT_EQ(cell(row, 0, TraceModel::EventKindRole).toInt(), int(EventKind::SmtpReply));
    const QString tip = cell(row, TraceModel::TextColumn, Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.startsWith(trace::explain(controller.trace(), std::size_t(row)))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("3xx"))) << tip.toStdString();
    EXPECT_EQ(cell(row, TraceModel::TextColumn, Qt::ForegroundRole).value<QBrush>().color(),
              TraceModel::replyClassColor(3));
    EXPECT_EQ(cell(row, TraceModel::KindColumn, Qt::DecorationRole).value<QColor>(),
              TraceModel::replyClassColor(3));

    const int ok = rowOfFirst(EventKind::SmtpReply, 250);
    ASSERT_GE(ok, 0);
    EXPECT_EQ(cell(ok, 0, TraceModel::ReplyClassRole).toString(), QStringLiteral("2xx success"));
    EXPECT_NE(TraceModel::replyClassColor(2), TraceModel::replyClassColor(3));

    const int command = rowOfFirst(EventKind::SmtpCommand);
    ASSERT_GE(command, 0);
    EXPECT_FALSE(cell(command, 0, TraceModel::ReplyCodeRole).isValid());
    EXPECT_FALSE(cell(command, 0, TraceModel::ReplyClassRole).isValid());
    EXPECT_FALSE(cell(command, TraceModel::TextColumn, Qt::ForegroundRole).isValid());
    EXPECT_FALSE(cell(command, TraceModel::KindColumn, Qt::DecorationRole).isValid());
    EXPECT_FALSE(cell(command, TraceModel::TextColumn, Qt::ToolTipRole).toString().isEmpty());
}

TEST_F(TraceModelFixture, RowsBeyondTheCursorAreNotThere)
{
    controller.seek(5);
    EXPECT_FALSE(model.index(5, 0).isValid());
    EXPECT_FALSE(model.data(model.index(5, 0)).isValid());
    EXPECT_TRUE(model.index(4, TraceModel::TextColumn).isValid());
}

TEST_F(TraceModelFixture, PermanentFailuresAreMarkedInWordsAndColour)
{
    controller.load(loadExample("unknown-recipient-bounce.yaml"));
    controller.runToEnd();
    const int row = rowOfFirst(EventKind::SmtpReply, 550);
    ASSERT_GE(row, 0);
    EXPECT_EQ(cell(row, 0, TraceModel::ReplyClassRole).toString(), QStringLiteral("5xx failed"));
    EXPECT_EQ(cell(row, 0, Qt::ForegroundRole).value<QBrush>().color(), TraceModel::replyClassColor(5));
    EXPECT_TRUE(cell(row, TraceModel::TextColumn).toString().startsWith(QStringLiteral("S: 550")));
}

TEST_F(TraceModelFixture, HasHeaders)
{
    const QStringList expected{"Time", "Stage", "From", "To", "Kind", "Text"};
    for (int c = 0; c < model.columnCount(); ++c)
        EXPECT_EQ(model.headerData(c, Qt::Horizontal).toString(), expected[c]);
}

TEST(TraceModelStandalone, FollowsAControllerThatHasMovedAlready)
{
    SimulationController controller;
    controller.load(scenario::builtInScenario());
    controller.seek(7);
    TraceModel model(controller);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    EXPECT_EQ(model.rowCount(), 7);
    controller.stepBack();
    EXPECT_EQ(model.rowCount(), 6);
}
