#include "control/simulation_controller.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::SimulationController;

namespace {

struct ControllerFixture : ::testing::Test
{
    SimulationController controller;
    void SetUp() override { controller.load(scenario::builtInScenario()); }
};

} // namespace

TEST_F(ControllerFixture, StartsBeforeTheFirstEvent)
{
    EXPECT_EQ(controller.cursor(), 0u);
    EXPECT_EQ(controller.currentStage(), 0);
    EXPECT_FALSE(controller.atEnd());
    EXPECT_FALSE(controller.stepBack());
}

TEST_F(ControllerFixture, StepsOneEventAtATimeAndBackAgain)
{
    QSignalSpy moved(&controller, &SimulationController::cursorChanged);
    ASSERT_TRUE(controller.stepForward());
    EXPECT_EQ(controller.cursor(), 1u);
    EXPECT_EQ(controller.trace().at(0).kind, trace::EventKind::Compose);
    EXPECT_EQ(controller.currentStage(), 1);
    ASSERT_TRUE(controller.stepForward());
    EXPECT_EQ(controller.cursor(), 2u);
    ASSERT_TRUE(controller.stepBack());
    EXPECT_EQ(controller.cursor(), 1u);
    ASSERT_EQ(moved.count(), 3);
    EXPECT_EQ(moved.at(2).at(0).value<std::size_t>(), 2u);
}

TEST_F(ControllerFixture, NextStageStopsAtTheFirstEventOfEachStage)
{
    std::vector<int> stages;
    while (controller.nextStage())
        stages.push_back(controller.currentStage());
    // The last step goes from the start of stage 6 (Bob's POP3 session) to the end.
    EXPECT_EQ(stages, (std::vector<int>{1, 2, 3, 4, 5, 6, 6}));
    EXPECT_TRUE(controller.atEnd());
    EXPECT_EQ(controller.cursor(), controller.trace().size());
}

TEST_F(ControllerFixture, PreviousStageGoesBackToTheStartOfAStage)
{
    controller.runToEnd();
    ASSERT_TRUE(controller.atEnd());
    ASSERT_EQ(controller.currentStage(), 6);
    ASSERT_TRUE(controller.previousStage()); // to the start of stage 6: Bob's agent connects
    EXPECT_EQ(controller.currentStage(), 6);
    EXPECT_EQ(controller.trace().at(controller.cursor() - 1).kind, trace::EventKind::TcpSyn);
    EXPECT_EQ(controller.trace().at(controller.cursor() - 2).stage, 5);
    ASSERT_TRUE(controller.previousStage());
    EXPECT_EQ(controller.currentStage(), 5);
    const std::size_t startOf5 = controller.cursor() - 1;
    EXPECT_NE(controller.trace().at(startOf5 - 1).stage, 5);
    ASSERT_TRUE(controller.previousStage());
    EXPECT_EQ(controller.currentStage(), 4);
    EXPECT_EQ(controller.trace().at(controller.cursor() - 2).stage, 3);
}

TEST_F(ControllerFixture, BackThenForwardShowsTheSameEvents)
{
    for (int i = 0; i < 30; ++i)
        controller.stepForward();
    const std::size_t size = controller.trace().size();
    for (int i = 0; i < 10; ++i)
        controller.stepBack();
    EXPECT_EQ(controller.cursor(), 20u);
    EXPECT_EQ(controller.trace().size(), size) << "back simulates nothing";
    for (int i = 0; i < 10; ++i)
        controller.stepForward();
    EXPECT_EQ(controller.cursor(), 30u);
}

TEST_F(ControllerFixture, ResetAndSeekReplayTheSameRun)
{
    controller.runToEnd();
    const std::size_t events = controller.trace().size();
    const QByteArray lastData = controller.trace().at(events - 1).data;
    QSignalSpy replaced(&controller, &SimulationController::worldReplaced);
    controller.reset();
    EXPECT_EQ(replaced.count(), 1);
    EXPECT_EQ(controller.cursor(), 0u);
    controller.seek(events);
    EXPECT_EQ(controller.cursor(), events);
    EXPECT_EQ(controller.trace().at(events - 1).data, lastData);
    controller.seek(events + 100);
    EXPECT_EQ(controller.cursor(), events) << "seeking past the end stops at the end";
}

TEST_F(ControllerFixture, PreviousStageAlwaysEndsAtTheStart)
{
    controller.runToEnd();
    int moves = 0;
    while (controller.previousStage()) {
        ASSERT_LT(++moves, 20) << "previousStage must make progress";
    }
    EXPECT_EQ(controller.cursor(), 0u);
}

TEST(ControllerEnd, TheEndIsKnownWhenTheLastEventIsShownEvenIfTheKernelHadWorkLeft)
{
    // In relay-denied the kernel still has untraced work (timers) after the last event.
    const scenario::LoadResult loaded = scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/relay-denied.yaml"));
    ASSERT_TRUE(loaded.ok());
    SimulationController full;
    full.load(*loaded.scenario);
    full.runToEnd();
    const std::size_t total = full.trace().size();

    SimulationController c;
    c.load(*loaded.scenario);
    QSignalSpy moved(&c, &SimulationController::cursorChanged);
    while (c.cursor() + 1 < total) {
        ASSERT_TRUE(c.stepForward());
        EXPECT_FALSE(c.atEnd());
    }
    const qsizetype before = moved.count();
    ASSERT_TRUE(c.stepForward());
    EXPECT_EQ(c.cursor(), total);
    EXPECT_TRUE(c.atEnd()) << "no extra step needed to learn that nothing follows";
    EXPECT_EQ(moved.count(), before + 1);
    EXPECT_FALSE(c.stepForward());
    EXPECT_EQ(moved.count(), before + 1) << "nothing moved, nothing changed";
    ASSERT_TRUE(c.stepBack());
    EXPECT_FALSE(c.atEnd());
}
