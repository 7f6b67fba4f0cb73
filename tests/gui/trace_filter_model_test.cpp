#include "control/simulation_controller.h"
#include "models/trace_filter_model.h"
#include "models/trace_model.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"

#include <QAbstractItemModelTester>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::SimulationController;
using gui::TraceFilterModel;
using gui::TraceModel;
using trace::EventKind;

namespace {

struct TraceFilterFixture : ::testing::Test
{
    SimulationController controller;
    TraceModel model{controller};
    TraceFilterModel filter;
    QAbstractItemModelTester modelTester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
    std::unique_ptr<QAbstractItemModelTester> filterTester;

    void SetUp() override
    {
        filter.setSourceModel(&model);
        filterTester = std::make_unique<QAbstractItemModelTester>(
            &filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
        controller.load(scenario::builtInScenario());
    }

    // Events in [0, cursor) that pass `pass`, as indexes into the trace.
    template<typename Pred>
    std::vector<int> expected(Pred pass) const
    {
        std::vector<int> result;
        for (std::size_t i = 0; i < controller.cursor(); ++i)
            if (pass(controller.trace().at(i)))
                result.push_back(int(i));
        return result;
    }
    std::vector<int> shown() const
    {
        std::vector<int> result;
        for (int row = 0; row < filter.rowCount(); ++row)
            result.push_back(filter.index(row, 0).data(TraceModel::EventIndexRole).toInt());
        return result;
    }
    trace::ActorId actorNamed(const char *name) const
    {
        const trace::ActorId id = controller.trace().findActor(QLatin1String(name));
        EXPECT_GE(id, 0) << "no actor " << name;
        return id;
    }
};

bool isReply(const trace::TraceEvent &e)
{
    return e.kind == EventKind::SmtpReply;
}

} // namespace

TEST_F(TraceFilterFixture, PassesEverythingByDefault)
{
    controller.runToEnd();
    EXPECT_EQ(filter.rowCount(), int(controller.cursor()));
    EXPECT_TRUE(filter.kinds().isEmpty());
    EXPECT_EQ(filter.actor(), -1);
}

TEST_F(TraceFilterFixture, ByKindShowsExactlyTheReplies)
{
    filter.setKinds({EventKind::SmtpReply});
    EXPECT_EQ(filter.kinds(), QList<EventKind>{EventKind::SmtpReply});
    controller.runToEnd();
    const std::vector<int> replies = expected(isReply);
    ASSERT_EQ(replies.size(), 14u) << "7 replies on each of the two SMTP sessions";
    EXPECT_EQ(shown(), replies);
    for (int row = 0; row < filter.rowCount(); ++row) {
        EXPECT_TRUE(filter.index(row, 0).data(TraceModel::ReplyCodeRole).isValid());
        EXPECT_EQ(filter.index(row, TraceModel::KindColumn).data().toString(), QStringLiteral("SMTP reply"));
    }
    EXPECT_EQ(filter.index(4, TraceModel::TextColumn).data().toString().left(7), QStringLiteral("S: 354 "));
}

TEST_F(TraceFilterFixture, KeepsFilteringWhileTheCursorMoves)
{
    filter.setKinds({EventKind::SmtpReply, EventKind::QueueAdd, EventKind::QueueRemove});
    const auto pass = [](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpReply || e.kind == EventKind::QueueAdd
               || e.kind == EventKind::QueueRemove;
    };
    while (controller.stepForward())
        ASSERT_EQ(shown(), expected(pass)) << "at cursor " << controller.cursor();
    while (controller.cursor() > 1 && controller.previousStage()) // at cursor 1 it returns true without moving
        ASSERT_EQ(shown(), expected(pass)) << "at cursor " << controller.cursor();
    while (controller.nextStage())
        ASSERT_EQ(shown(), expected(pass)) << "at cursor " << controller.cursor();
    controller.reset();
    EXPECT_EQ(filter.rowCount(), 0);
    controller.seek(30);
    EXPECT_EQ(shown(), expected(pass));
}

TEST_F(TraceFilterFixture, ByActorShowsWhatItSendsAndReceives)
{
    controller.runToEnd();
    const trace::ActorId dns = actorNamed("dns.example");
    filter.setActor(dns);
    EXPECT_EQ(filter.actor(), dns);
    const std::vector<int> dnsEvents =
        expected([&](const trace::TraceEvent &e) { return e.from == dns || e.to == dns; });
    ASSERT_EQ(dnsEvents.size(), 4u) << "two queries, two answers";
    EXPECT_EQ(shown(), dnsEvents);

    // Kind and actor together.
    filter.setKinds({EventKind::DnsAnswer});
    EXPECT_EQ(filter.rowCount(), 2);
    filter.setActor(actorNamed("mail.example.net"));
    EXPECT_EQ(filter.rowCount(), 0);
    filter.setKinds({EventKind::SmtpReply});
    const trace::ActorId net = filter.actor();
    EXPECT_EQ(shown(), expected([&](const trace::TraceEvent &e) {
        return isReply(e) && (e.from == net || e.to == net);
    }));
    EXPECT_EQ(filter.rowCount(), 7);

    filter.setActor(-1);
    filter.clearKinds();
    EXPECT_EQ(filter.rowCount(), int(controller.cursor()));
}

TEST_F(TraceFilterFixture, NeverSorts)
{
    controller.runToEnd();
    filter.sort(TraceModel::TextColumn, Qt::DescendingOrder);
    filter.sort(TraceModel::TimeColumn, Qt::DescendingOrder);
    EXPECT_EQ(shown(), expected([](const trace::TraceEvent &) { return true; }));
}

TEST_F(TraceFilterFixture, SurvivesLoadingAnotherScenario)
{
    filter.setKinds({EventKind::SmtpReply});
    controller.runToEnd();
    const scenario::LoadResult other = scenario::loadScenarioFile(
        QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/unknown-recipient-bounce.yaml"));
    ASSERT_TRUE(other.ok());
    controller.load(*other.scenario);
    EXPECT_EQ(filter.rowCount(), 0);
    controller.runToEnd();
    EXPECT_EQ(shown(), expected(isReply));
    bool sawFailure = false;
    for (int row = 0; row < filter.rowCount(); ++row)
        sawFailure |= filter.index(row, 0).data(TraceModel::ReplyCodeRole).toInt() == 550;
    EXPECT_TRUE(sawFailure);
}
