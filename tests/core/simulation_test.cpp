#include "core/simulation.h"

#include <gtest/gtest.h>

#include <vector>

using mailsim::core::milliseconds;
using mailsim::core::Simulation;

TEST(Simulation, RunsEventsInTimeOrder)
{
    Simulation sim;
    std::vector<int> order;
    sim.schedule(milliseconds(30), [&] { order.push_back(3); });
    sim.schedule(milliseconds(10), [&] { order.push_back(1); });
    sim.schedule(milliseconds(20), [&] { order.push_back(2); });
    sim.runToEnd();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(sim.now(), milliseconds(30));
    EXPECT_EQ(sim.eventsRun(), 3u);
}

TEST(Simulation, EqualTimesRunInSchedulingOrder)
{
    Simulation sim;
    std::vector<int> order;
    for (int i = 0; i < 50; ++i)
        sim.schedule(milliseconds(5), [&order, i] { order.push_back(i); });
    sim.runToEnd();
    ASSERT_EQ(order.size(), 50u);
    for (int i = 0; i < 50; ++i)
        EXPECT_EQ(order[i], i);
}

TEST(Simulation, EventsScheduledFromEventsKeepOrder)
{
    Simulation sim;
    std::vector<int> order;
    sim.schedule(0, [&] {
        order.push_back(1);
        sim.schedule(0, [&] { order.push_back(3); });
    });
    sim.schedule(0, [&] { order.push_back(2); });
    sim.runToEnd();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Simulation, StepRunsOneEventAndAdvancesClock)
{
    Simulation sim;
    int runs = 0;
    sim.schedule(milliseconds(7), [&] { ++runs; });
    sim.schedule(milliseconds(9), [&] { ++runs; });
    EXPECT_EQ(sim.nextTime(), milliseconds(7));
    EXPECT_TRUE(sim.step());
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(sim.now(), milliseconds(7));
    EXPECT_TRUE(sim.step());
    EXPECT_FALSE(sim.step());
    EXPECT_EQ(runs, 2);
    EXPECT_TRUE(sim.idle());
}

TEST(Simulation, RunUntilTimeStopsAtTheLimit)
{
    Simulation sim;
    int runs = 0;
    for (int t = 1; t <= 10; ++t)
        sim.schedule(milliseconds(t), [&] { ++runs; });
    sim.runUntil(milliseconds(4));
    EXPECT_EQ(runs, 4);
    EXPECT_EQ(sim.pending(), 6u);
}

TEST(Simulation, RunUntilPredicate)
{
    Simulation sim;
    int runs = 0;
    for (int t = 1; t <= 10; ++t)
        sim.schedule(milliseconds(t), [&] { ++runs; });
    EXPECT_TRUE(sim.runUntil([&] { return runs == 6; }));
    EXPECT_EQ(sim.now(), milliseconds(6));
    EXPECT_FALSE(sim.runUntil([] { return false; }));
    EXPECT_EQ(runs, 10);
}

TEST(Simulation, PastTimesRunNowAndResetClears)
{
    Simulation sim;
    sim.schedule(milliseconds(5), [] {});
    sim.step();
    int ran = 0;
    sim.scheduleAt(milliseconds(1), [&] { ran = 1; });
    EXPECT_EQ(sim.nextTime(), milliseconds(5));
    sim.step();
    EXPECT_EQ(ran, 1);
    sim.schedule(milliseconds(100), [] {});
    sim.reset();
    EXPECT_TRUE(sim.idle());
    EXPECT_EQ(sim.now(), 0);
    EXPECT_EQ(sim.eventsRun(), 0u);
}
