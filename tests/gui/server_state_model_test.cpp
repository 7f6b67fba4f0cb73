#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "style/theme.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QDir>
#include <QGuiApplication>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::ServerStateModel;
using gui::SimulationController;
using trace::EventKind;
using Change = ServerStateModel::Change;

namespace {

struct ServerStateFixture : ::testing::Test
{
    SimulationController controller;
    ServerStateModel model{controller};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};

    void SetUp() override { controller.load(scenario::builtInScenario()); }

    trace::ActorId actorNamed(const char *name) const
    {
        const trace::ActorId id = controller.trace().findActor(QLatin1String(name));
        EXPECT_GE(id, 0) << "no actor " << name;
        return id;
    }
    // Steps until the last shown event is of `kind`; false at the end.
    bool stepUntil(EventKind kind)
    {
        while (controller.stepForward())
            if (controller.trace().at(controller.cursor() - 1).kind == kind)
                return true;
        return false;
    }
    static Change changeOf(const QModelIndex &index)
    {
        return Change(index.data(ServerStateModel::ChangeRole).toInt());
    }
};

} // namespace

TEST_F(ServerStateFixture, OneRowPerMailServerWithItsQueue)
{
    ASSERT_EQ(model.rowCount(), 2);
    const trace::ActorId org = actorNamed("mail.example.org");
    const QModelIndex server = model.serverIndex(org);
    ASSERT_TRUE(server.isValid());
    EXPECT_EQ(server.data().toString(), QStringLiteral("mail.example.org"));
    EXPECT_EQ(model.index(server.row(), ServerStateModel::DetailColumn).data().toString(),
              QStringLiteral("Alice's mail server"));
    EXPECT_EQ(server.data(ServerStateModel::NodeTypeRole).toInt(), int(ServerStateModel::NodeType::Server));
    const QModelIndex queue = model.queueIndex(org);
    EXPECT_EQ(queue.data().toString(), QStringLiteral("Outgoing queue"));
    EXPECT_EQ(model.rowCount(queue), 0);
    EXPECT_EQ(model.rowCount(server), 1) << "no mailbox has been seen in the trace yet";
    EXPECT_FALSE(model.serverIndex(actorNamed("dns.example")).isValid());
}

TEST_F(ServerStateFixture, AtTheEndBobHasTheMessageAndTheQueueIsEmpty)
{
    controller.runToEnd();
    const QModelIndex queue = model.queueIndex(actorNamed("mail.example.org"));
    EXPECT_EQ(model.rowCount(queue), 0);
    EXPECT_EQ(queue.siblingAtColumn(ServerStateModel::DetailColumn).data().toString(), QStringLiteral("empty"));
    EXPECT_EQ(model.rowCount(model.queueIndex(actorNamed("mail.example.net"))), 0);

    const QModelIndex box = model.mailboxIndex(QStringLiteral("bob@example.net"));
    ASSERT_TRUE(box.isValid());
    EXPECT_EQ(model.parent(box), model.serverIndex(actorNamed("mail.example.net")));
    EXPECT_EQ(box.data().toString(), QStringLiteral("bob@example.net"));
    ASSERT_EQ(model.rowCount(box), 1);
    const QModelIndex message = model.index(0, 0, box);
    EXPECT_EQ(message.data(ServerStateModel::MessageNumberRole).toInt(), 1);
    EXPECT_EQ(message.data(ServerStateModel::SubjectRole).toString(), QStringLiteral("Lunch on Friday?"));
    EXPECT_EQ(message.siblingAtColumn(ServerStateModel::DetailColumn).data().toString(),
              QStringLiteral("Lunch on Friday?"));
    EXPECT_EQ(message.data(ServerStateModel::MessageFromRole).toString(),
              QStringLiteral("Alice <alice@example.org>"));
    EXPECT_EQ(message.data(ServerStateModel::OwnerRole).toString(), QStringLiteral("bob@example.net"));
    EXPECT_EQ(changeOf(message), Change::None) << "the last event is the read";
    EXPECT_FALSE(model.mailboxIndex(QStringLiteral("alice@example.org")).isValid())
        << "only mailboxes seen in the trace";
    EXPECT_TRUE(model.changedIndexes().isEmpty());
}

TEST_F(ServerStateFixture, AQueuedMessageAppearsAndGoesAgain)
{
    const trace::ActorId org = actorNamed("mail.example.org");
    ASSERT_TRUE(stepUntil(EventKind::QueueAdd));
    const std::size_t added = controller.cursor();
    QModelIndex queue = model.queueIndex(org);
    ASSERT_EQ(model.rowCount(queue), 1);
    QModelIndex entry = model.index(0, 0, queue);
    EXPECT_EQ(changeOf(entry), Change::Added);
    EXPECT_EQ(entry.data(ServerStateModel::ChangeLabelRole).toString(), QStringLiteral("added"));
    EXPECT_EQ(entry.data(ServerStateModel::QueueIdRole).toByteArray(), trace::queueId(controller.trace().at(added - 1)));
    // The change shows as a symbol and a background, not by colour alone.
    EXPECT_EQ(entry.data().toString(), QStringLiteral("+ ") + entry.data(ServerStateModel::QueueIdRole).toString());
    EXPECT_EQ(entry.data(Qt::BackgroundRole).value<QColor>(), gui::style::addedBackground(QGuiApplication::palette()));
    EXPECT_TRUE(entry.data(Qt::ToolTipRole).toString().startsWith(QStringLiteral("added by the last step")));
    EXPECT_FALSE(queue.data(Qt::BackgroundRole).isValid()) << "the queue row itself did not change";
    EXPECT_EQ(entry.data(ServerStateModel::RecipientsRole).toString(), QStringLiteral("<bob@example.net>"));
    EXPECT_EQ(entry.data(ServerStateModel::AttemptsRole).toInt(), 0);
    EXPECT_EQ(entry.data(ServerStateModel::EventIndexRole).toInt(), int(added - 1));
    EXPECT_EQ(model.changedIndexes(), QModelIndexList{entry});
    EXPECT_EQ(queue.siblingAtColumn(ServerStateModel::DetailColumn).data().toString(), QStringLiteral("1 message(s)"));

    ASSERT_TRUE(controller.stepForward());
    queue = model.queueIndex(org);
    ASSERT_EQ(model.rowCount(queue), 1);
    EXPECT_EQ(changeOf(model.index(0, 0, queue)), Change::None) << "marked for one step only";

    ASSERT_TRUE(controller.stepBack());
    ASSERT_TRUE(controller.stepBack());
    EXPECT_EQ(controller.cursor(), added - 1);
    EXPECT_EQ(model.rowCount(model.queueIndex(org)), 0);
    EXPECT_TRUE(model.changedIndexes().isEmpty());
}

TEST_F(ServerStateFixture, ARemovedEntryIsShownAsRemovedForOneStep)
{
    const trace::ActorId org = actorNamed("mail.example.org");
    ASSERT_TRUE(stepUntil(EventKind::QueueRemove));
    QModelIndex queue = model.queueIndex(org);
    ASSERT_EQ(model.rowCount(queue), 1);
    const QModelIndex entry = model.index(0, 0, queue);
    EXPECT_EQ(changeOf(entry), Change::Removed);
    EXPECT_TRUE(entry.data().toString().startsWith(QStringLiteral("− ")));
    EXPECT_EQ(entry.data(Qt::BackgroundRole).value<QColor>(), gui::style::removedBackground(QGuiApplication::palette()));
    EXPECT_EQ(entry.siblingAtColumn(ServerStateModel::StatusColumn).data().toString(),
              QStringLiteral("removed: delivered to <bob@example.net>"));
    EXPECT_EQ(queue.siblingAtColumn(ServerStateModel::DetailColumn).data().toString(), QStringLiteral("empty"));
    ASSERT_TRUE(controller.stepForward());
    EXPECT_EQ(model.rowCount(model.queueIndex(org)), 0);
    ASSERT_TRUE(controller.stepBack());
    EXPECT_EQ(model.rowCount(model.queueIndex(org)), 1);
    ASSERT_TRUE(controller.stepBack());
    queue = model.queueIndex(org);
    ASSERT_EQ(model.rowCount(queue), 1);
    EXPECT_EQ(changeOf(model.index(0, 0, queue)), Change::None);
    EXPECT_EQ(model.index(0, ServerStateModel::StatusColumn, queue).data().toString(),
              QStringLiteral("0 attempt(s)"))
        << "the trace has no event when an attempt starts; defer and remove events carry the count";
}

TEST_F(ServerStateFixture, AStoredMessageIsMarkedAdded)
{
    ASSERT_TRUE(stepUntil(EventKind::MailboxAdd));
    const QModelIndex box = model.mailboxIndex(QStringLiteral("bob@example.net"));
    ASSERT_TRUE(box.isValid());
    EXPECT_EQ(changeOf(box), Change::Added) << "a mailbox first seen now";
    ASSERT_EQ(model.rowCount(box), 1);
    const QModelIndex message = model.index(0, 0, box);
    EXPECT_EQ(changeOf(message), Change::Added);
    EXPECT_EQ(model.changedIndexes(), (QModelIndexList{box, message}));
    controller.stepBack();
    EXPECT_FALSE(model.mailboxIndex(QStringLiteral("bob@example.net")).isValid());
}

TEST_F(ServerStateFixture, StaysConsistentThroughEveryMove)
{
    while (controller.stepForward()) {
    }
    while (controller.stepBack()) {
    }
    while (controller.nextStage()) {
    }
    // previousStage() returns true at cursor 1 without moving, hence the bound.
    while (controller.cursor() > 1 && controller.previousStage()) {
    }
    controller.runToEnd();
    controller.reset();
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_FALSE(model.mailboxIndex(QStringLiteral("bob@example.net")).isValid());
}

TEST_F(ServerStateFixture, ABounceLandsInTheSendersMailbox)
{
    const scenario::LoadResult other = scenario::loadScenarioFile(
        QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/unknown-recipient-bounce.yaml"));
    ASSERT_TRUE(other.ok());
    controller.load(*other.scenario);
    controller.runToEnd();
    const QModelIndex box = model.mailboxIndex(QStringLiteral("alice@example.org"));
    ASSERT_TRUE(box.isValid());
    ASSERT_EQ(model.rowCount(box), 1);
    EXPECT_FALSE(model.index(0, 0, box).data(ServerStateModel::SubjectRole).toString().isEmpty());
    EXPECT_EQ(model.rowCount(model.queueIndex(actorNamed("mail.example.org"))), 0);
    EXPECT_FALSE(model.mailboxIndex(QStringLiteral("bbo@example.net")).isValid());
}

// Every example scenario, step by step, under the model tester.
TEST(ServerStateModelScenarios, EveryExampleStepsCleanly)
{
    const QDir dir(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios"));
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty());
    SimulationController controller;
    ServerStateModel model(controller);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    for (const QString &file : files) {
        const scenario::LoadResult loaded = scenario::loadScenarioFile(dir.filePath(file));
        ASSERT_TRUE(loaded.ok()) << file.toStdString();
        controller.load(*loaded.scenario);
        int steps = 0;
        while (controller.stepForward() && ++steps < 5000) {
        }
        EXPECT_TRUE(controller.atEnd()) << file.toStdString();
        // Whatever a server still holds, its queue row counts it.
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex queue = model.index(0, 0, model.index(row, 0));
            EXPECT_EQ(queue.data(ServerStateModel::NodeTypeRole).toInt(), int(ServerStateModel::NodeType::Queue));
        }
        // previousStage() returns true at cursor 1 without moving, hence the bound.
        while (controller.cursor() > 1 && controller.previousStage()) {
        }
    }
}

TEST(ServerStateNonAscii, SubjectsAndSendersAreShownDecoded)
{
    const scenario::LoadResult loaded =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/non-ascii-text.yaml"));
    ASSERT_TRUE(loaded.ok());
    gui::SimulationController c;
    c.load(*loaded.scenario);
    gui::ServerStateModel model(c);
    c.runToEnd();
    const QModelIndex box = model.mailboxIndex(QStringLiteral("bob@example.net"));
    ASSERT_TRUE(box.isValid());
    ASSERT_GT(model.rowCount(box), 0);
    const QModelIndex message = model.index(0, 0, box);
    const QString subject = message.data(gui::ServerStateModel::SubjectRole).toString();
    EXPECT_FALSE(subject.contains(QStringLiteral("=?"))) << subject.toStdString();
    EXPECT_TRUE(subject.contains(QChar(0xFC)) || subject.contains(QChar(0xDF))) << "ü or ß, as written";
    EXPECT_FALSE(message.data(gui::ServerStateModel::MessageFromRole).toString().contains(QStringLiteral("=?")));
}

// IMAP leaves its marks on the server: flags on each message, folders beside the INBOX, and
// removals, all replayed from the trace.
TEST(ServerStateImap, FoldersFlagsAndRemovalsComeFromTheTrace)
{
    const scenario::LoadResult r =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/imap-flags-and-folders.yaml"));
    ASSERT_TRUE(r.ok());
    SimulationController controller;
    controller.load(*r.scenario);
    ServerStateModel model{controller};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
    controller.runToEnd();

    const QModelIndex box = model.mailboxIndex(QStringLiteral("bob@example.net"));
    ASSERT_TRUE(box.isValid());
    // INBOX: the report (flagged, and unread again); then the folder Archive with the lunch.
    QModelIndex report;
    QModelIndex archive;
    for (int row = 0; row < model.rowCount(box); ++row) {
        const QModelIndex i = model.index(row, 0, box);
        const auto type = ServerStateModel::NodeType(model.data(i, ServerStateModel::NodeTypeRole).toInt());
        if (type == ServerStateModel::NodeType::Message)
            report = i;
        if (type == ServerStateModel::NodeType::Folder)
            archive = i;
    }
    ASSERT_TRUE(report.isValid());
    EXPECT_EQ(model.data(report, ServerStateModel::SubjectRole).toString(), QStringLiteral("Quarterly report"));
    EXPECT_EQ(model.data(report, ServerStateModel::FlagsRole).toString(), QStringLiteral("\\Flagged"));
    EXPECT_EQ(model.data(report.siblingAtColumn(ServerStateModel::StatusColumn)).toString(),
              QStringLiteral("unread, flagged"));
    EXPECT_EQ(model.data(report, ServerStateModel::FolderRole).toString(), QStringLiteral("INBOX"));
    ASSERT_TRUE(archive.isValid());
    EXPECT_EQ(model.data(archive).toString(), QStringLiteral("Folder Archive"));
    ASSERT_EQ(model.rowCount(archive), 1);
    const QModelIndex lunch = model.index(0, 0, archive);
    EXPECT_EQ(model.data(lunch, ServerStateModel::SubjectRole).toString(), QStringLiteral("Lunch on Friday?"));
    EXPECT_EQ(model.data(lunch, ServerStateModel::FolderRole).toString(), QStringLiteral("Archive"));
    EXPECT_EQ(model.data(lunch.siblingAtColumn(ServerStateModel::StatusColumn)).toString(), QStringLiteral("read"));

    // One step after the EXPUNGE that ended the move, the lunch is shown once more in the
    // INBOX, marked removed; a step later it is gone.
    const auto &events = controller.trace().events();
    std::size_t expunged = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].kind == EventKind::MailboxRemove)
            expunged = i;
    }
    ASSERT_GT(expunged, 0u);
    controller.seek(expunged + 1);
    bool removedShown = false;
    const QModelIndex boxThen = model.mailboxIndex(QStringLiteral("bob@example.net"));
    for (int row = 0; row < model.rowCount(boxThen); ++row) {
        const QModelIndex i = model.index(row, 0, boxThen);
        if (model.data(i, ServerStateModel::ChangeRole).toInt() == int(Change::Removed)) {
            removedShown = true;
            EXPECT_EQ(model.data(i.siblingAtColumn(ServerStateModel::StatusColumn)).toString(),
                      QStringLiteral("deleted from the server"));
            EXPECT_TRUE(model.data(i).toString().startsWith(QStringLiteral("− ")));
        }
    }
    EXPECT_TRUE(removedShown);
    controller.seek(expunged + 2);
    const QModelIndex boxAfter = model.mailboxIndex(QStringLiteral("bob@example.net"));
    int inboxMessages = 0;
    for (int row = 0; row < model.rowCount(boxAfter); ++row) {
        const QModelIndex i = model.index(row, 0, boxAfter);
        if (ServerStateModel::NodeType(model.data(i, ServerStateModel::NodeTypeRole).toInt()) == ServerStateModel::NodeType::Message)
            ++inboxMessages;
    }
    EXPECT_EQ(inboxMessages, 1);
}

// A deferred queue entry says when it will try again, and why it waits.
TEST(ServerStateFaults, ADeferredEntryShowsItsNextAttemptAndLastError)
{
    const scenario::LoadResult r =
        scenario::loadScenarioFile(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios/server-down-then-421.yaml"));
    ASSERT_TRUE(r.ok());
    SimulationController controller;
    controller.load(*r.scenario);
    ServerStateModel model{controller};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
    controller.runToEnd();
    std::size_t defer = 0;
    while (controller.trace().at(defer).kind != EventKind::QueueDefer)
        ++defer;
    const trace::TraceEvent &e = controller.trace().at(defer);
    ASSERT_GT(e.arrival, e.time) << "the next attempt lies ahead";
    controller.seek(defer + 1);
    const QModelIndex queue = model.queueIndex(controller.trace().findActor(QStringLiteral("mail.example.org")));
    ASSERT_EQ(model.rowCount(queue), 1);
    const QModelIndex entry = model.index(0, 0, queue);
    EXPECT_EQ(model.data(entry, ServerStateModel::NextAttemptRole).toLongLong(), e.arrival);
    EXPECT_EQ(model.data(entry, ServerStateModel::AttemptsRole).toInt(), 1);
    const QString status = model.data(entry.siblingAtColumn(ServerStateModel::StatusColumn)).toString();
    EXPECT_TRUE(status.startsWith(QStringLiteral("1 attempt(s); next at 01:00"))) << status.toStdString();
    EXPECT_TRUE(status.contains(QStringLiteral("connection refused")));
}
