// The Push and pull panel follows the cursor: nothing before delivery, the SMTP side after
// it, both dialogues and the comparison once the reader has pulled the mail, and less again
// after a step back.
#include "control/simulation_controller.h"
#include "panels/push_pull_panel.h"
#include "scenario/built_in.h"

#include <gtest/gtest.h>

using namespace mailsim;

TEST(PushPullPanel, FollowsTheCursor)
{
    gui::SimulationController controller;
    controller.load(scenario::builtInScenario());
    gui::PushPullPanel panel(controller);
    EXPECT_TRUE(panel.pushText().isEmpty());
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("stage 5")));
    EXPECT_FALSE(panel.comparisonHtml().contains(QStringLiteral("<table")));
    EXPECT_TRUE(panel.comparisonHtml().contains(QStringLiteral("stage 5")));

    while (controller.currentStage() < 6 && controller.nextStage()) {
    }
    EXPECT_TRUE(panel.pushText().contains(QStringLiteral("C: MAIL FROM:<alice@example.org>")));
    EXPECT_TRUE(panel.pullText().isEmpty() || !panel.pullText().contains(QStringLiteral("RETR")));

    controller.runToEnd();
    EXPECT_TRUE(panel.pullText().contains(QStringLiteral("C: RETR 1"))) << panel.pullText().toStdString();
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("POP3 pulls")));
    const QString html = panel.comparisonHtml();
    EXPECT_TRUE(html.contains(QStringLiteral("Who opens the connection?")));
    EXPECT_TRUE(html.contains(QStringLiteral("port 110")));
    EXPECT_EQ(panel.comparison().rows.size(), 5u);

    controller.previousStage();
    controller.previousStage();
    EXPECT_TRUE(panel.comparison().rows.empty()) << "after stepping back before stage 6";
    EXPECT_FALSE(panel.pullText().contains(QStringLiteral("RETR")));
}
