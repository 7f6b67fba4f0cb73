// The Real clients panel and the window while real mail programs talk to it: an in-process
// QTcpSocket plays the real client over loopback (127.0.0.1, ports chosen by the system),
// every wait is bounded, and the window's models stay under QAbstractItemModelTester.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "models/trace_filter_model.h"
#include "models/trace_model.h"
#include "panels/message_inspector.h"
#include "panels/real_clients_panel.h"
#include "panels/stage_bar.h"
#include "scenario/built_in.h"
#include "views/sequence_view.h"
#include "views/topology_view.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include <gtest/gtest.h>

#include <memory>

using namespace mailsim;
using bridge::Service;

namespace {

constexpr int kWaitMs = 5000; // for anything that crosses the loopback or the real-time kernel

// A real client of the simplest kind: what it sends, and the SMTP replies it reads back.
struct SmtpClient
{
    QTcpSocket socket;
    QByteArray received;

    SmtpClient()
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [this] { received += socket.readAll(); });
    }
    bool connectTo(quint16 port)
    {
        socket.connectToHost(QHostAddress::LocalHost, port);
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs);
    }
    // The last line of the next whole reply ("250 OK"), or "" when none came in time.
    QByteArray reply()
    {
        QByteArray last;
        [[maybe_unused]] const bool replied = QTest::qWaitFor(
            [&] {
                for (qsizetype end; (end = received.indexOf("\r\n")) >= 0;) {
                    const QByteArray line = received.left(end);
                    received.remove(0, end + 2);
                    if (line.size() == 3 || (line.size() > 3 && line[3] == ' ')) {
                        last = line;
                        return true; // "250-" lines announce more
                    }
                }
                return false;
            },
            kWaitMs);
        return last;
    }
    QByteArray say(const QByteArray &line)
    {
        socket.write(line + "\r\n");
        return reply();
    }
    bool closedByServer()
    {
        return QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    }
};

struct RealClientsWindow : ::testing::Test
{
    gui::MainWindow window{nullptr, /*persistent=*/false};
    gui::SimulationController &controller = window.controller();
    gui::RealClientsPanel *panel = nullptr;
    gui::TraceModel *traceModel = nullptr;
    std::unique_ptr<QAbstractItemModelTester> traceTester;
    std::unique_ptr<QAbstractItemModelTester> filterTester;
    std::unique_ptr<QAbstractItemModelTester> serverTester;

    void SetUp() override
    {
        window.loadScenario(scenario::builtInScenario(), QString());
        window.resize(1280, 720); // a classroom projector
        window.resetLayout();
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
        panel = window.findChild<gui::RealClientsPanel *>();
        traceModel = window.findChild<gui::TraceModel *>();
        ASSERT_NE(panel, nullptr);
        ASSERT_NE(traceModel, nullptr);
        using Mode = QAbstractItemModelTester::FailureReportingMode;
        traceTester = std::make_unique<QAbstractItemModelTester>(traceModel, Mode::Fatal);
        filterTester = std::make_unique<QAbstractItemModelTester>(window.findChild<gui::TraceFilterModel *>(), Mode::Fatal);
        serverTester = std::make_unique<QAbstractItemModelTester>(window.findChild<gui::ServerStateModel *>(), Mode::Fatal);
    }

    // SMTP only, on a port the system chooses.
    bool listenForSmtp()
    {
        for (Service s : bridge::kServices)
            panel->setService(s, s == Service::Smtp, 0);
        return panel->startListening();
    }
    quint16 smtpPort() const { return controller.bridge() ? controller.bridge()->port(Service::Smtp) : 0; }
    trace::ActorId realClients() const { return controller.trace().findActor(QStringLiteral("real-clients")); }
    // The scenario's own story (about two seconds of real time) has played and been shown:
    // as many events as the same scenario has when simulated at once.
    bool scenarioPlayed()
    {
        world::World reference(scenario::builtInScenario().world);
        reference.runToEnd();
        const std::size_t events = reference.trace().size();
        return QTest::qWaitFor(
            [&] {
                const trace::TraceLog &log = controller.trace();
                return log.size() >= events && controller.isFollowing() && controller.cursor() == log.size();
            },
            3 * kWaitMs);
    }
    std::size_t countFromRealClients(trace::EventKind kind) const
    {
        std::size_t n = 0;
        for (const trace::TraceEvent &e : controller.trace().events())
            n += e.kind == kind && e.from == realClients();
        return n;
    }
};

} // namespace

TEST_F(RealClientsWindow, ThePanelStartsOnTheFirstUsersServerWithTheUsualPorts)
{
    EXPECT_TRUE(window.showPanel(QStringLiteral("real-clients")));
    EXPECT_TRUE(panel->isVisible());
    EXPECT_EQ(panel->server(), QStringLiteral("mail.example.org")) << "Alice's, as mailsim-cli serve chooses";
    const bridge::BridgeOptions options = panel->options();
    ASSERT_EQ(options.ports.size(), 4u);
    EXPECT_EQ(options.ports.at(Service::Smtp), 2525);
    EXPECT_EQ(options.ports.at(Service::Pop3), 2110);
    EXPECT_EQ(options.ports.at(Service::Imap), 2143);
    EXPECT_EQ(options.ports.at(Service::Http), 8080);
    EXPECT_EQ(options.address, QHostAddress(QHostAddress::LocalHost)) << "never the network";
    EXPECT_FALSE(controller.isListening());
    EXPECT_TRUE(panel->statusText().startsWith(QStringLiteral("Not listening")));
    EXPECT_EQ(panel->accountsText(), QStringLiteral("alice@example.org  wonderland"));
    EXPECT_TRUE(panel->commands().empty()) << "commands need the real ports";
    // The panel is in View > Panels like every dock.
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("realClientsDock"));
    ASSERT_NE(dock, nullptr);
    EXPECT_EQ(dock->windowTitle(), QStringLiteral("Real clients"));
}

TEST_F(RealClientsWindow, AWholeSmtpDialogueEntersTheWorldAndEveryViewMarksIt)
{
    QSignalSpy replaced(&controller, &gui::SimulationController::worldReplaced);
    ASSERT_TRUE(listenForSmtp()) << panel->statusText().toStdString();
    EXPECT_EQ(replaced.count(), 1) << "a world with a way in for real clients";
    EXPECT_EQ(controller.cursor(), 0u);
    EXPECT_FALSE(controller.atEnd());
    ASSERT_NE(smtpPort(), 0);
    EXPECT_EQ(controller.worldSpec().realClients.server, QStringLiteral("mail.example.org"));
    EXPECT_TRUE(controller.scenario().world.realClients.server.isEmpty()) << "Save As writes the scenario as it was";
    EXPECT_TRUE(panel->statusText().contains(QStringLiteral("127.0.0.1:%1").arg(smtpPort())));
    ASSERT_FALSE(panel->commands().empty());
    EXPECT_TRUE(panel->commands().front().command.contains(QStringLiteral("smtp://127.0.0.1:%1").arg(smtpPort())));
    ASSERT_TRUE(scenarioPlayed()) << "the cursor followed the scenario as it played in real time";

    SmtpClient client;
    ASSERT_TRUE(client.connectTo(smtpPort()));
    EXPECT_TRUE(client.reply().startsWith("220"));
    EXPECT_TRUE(QTest::qWaitFor([&] { return panel->statusText().contains(QStringLiteral("1 real client connected")); },
                                kWaitMs));
    EXPECT_TRUE(client.say("EHLO laptop.example").startsWith("250"));
    EXPECT_TRUE(client.say("MAIL FROM:<student@laptop.example>").startsWith("250"));
    EXPECT_TRUE(client.say("RCPT TO:<alice@example.org>").startsWith("250")) << "a local user needs no login";
    EXPECT_TRUE(client.say("DATA").startsWith("354"));
    EXPECT_TRUE(client.say("From: <student@laptop.example>\r\nTo: <alice@example.org>\r\n"
                           "Subject: Sent by a real client\r\n\r\nHello from the test.\r\n.")
                    .startsWith("250"));
    EXPECT_TRUE(client.say("QUIT").startsWith("221"));
    EXPECT_TRUE(client.closedByServer());

    // The trace has the real client's commands, from its own actor.
    ASSERT_GE(realClients(), 0);
    EXPECT_EQ(controller.trace().actor(realClients()).role, trace::ActorRole::RealClient);
    EXPECT_TRUE(QTest::qWaitFor([&] { return countFromRealClients(trace::EventKind::SmtpCommand) >= 5; }, kWaitMs));
    EXPECT_EQ(countFromRealClients(trace::EventKind::SmtpData), 1u);

    // The cursor followed the end: everything is shown.
    ASSERT_TRUE(QTest::qWaitFor([&] { return controller.cursor() == controller.trace().size(); }, kWaitMs));
    EXPECT_TRUE(controller.isFollowing());
    EXPECT_EQ(std::size_t(traceModel->rowCount()), controller.cursor());

    // The event table: the flag and the words on the real client's rows, not on the others.
    const trace::TraceLog &log = controller.trace();
    std::size_t marked = 0;
    for (int row = 0; row < traceModel->rowCount(); ++row) {
        const QModelIndex text = traceModel->index(row, gui::TraceModel::TextColumn);
        const bool real = log.involvesRealClient(log.at(std::size_t(row)));
        EXPECT_EQ(text.data(gui::TraceModel::RealClientRole).toBool(), real);
        EXPECT_EQ(text.data().toString().startsWith(QStringLiteral("⚑ real client · ")), real) << row;
        if (real) {
            ++marked;
            EXPECT_TRUE(text.data(Qt::ToolTipRole).toString().contains(QStringLiteral("real mail program")));
            EXPECT_TRUE(text.data(Qt::BackgroundRole).isValid());
        }
    }
    EXPECT_GE(marked, 12u) << "SYN to FIN, five commands, the message and their replies";

    // The mailbox on Alice's server has the message.
    auto *servers = window.findChild<gui::ServerStateModel *>();
    const QModelIndex box = servers->mailboxIndex(QStringLiteral("alice@example.org"));
    ASSERT_TRUE(box.isValid());
    bool stored = false;
    for (int row = 0; row < servers->rowCount(box); ++row) {
        const QModelIndex message = servers->index(row, 0, box);
        if (message.data(gui::ServerStateModel::SubjectRole).toString() != QStringLiteral("Sent by a real client"))
            continue;
        stored = true;
        // Marked as the real client's, in words too.
        EXPECT_TRUE(message.data(Qt::DisplayRole).toString().contains(QStringLiteral("⚑")))
            << message.data(Qt::DisplayRole).toString().toStdString();
        EXPECT_TRUE(message.data(Qt::ToolTipRole).toString().contains(QStringLiteral("real mail program")));
    }
    EXPECT_TRUE(stored);
    // The scenario's own message to Bob is not marked.
    const QModelIndex bobs = servers->mailboxIndex(QStringLiteral("bob@example.net"));
    ASSERT_TRUE(bobs.isValid());
    ASSERT_GT(servers->rowCount(bobs), 0);
    EXPECT_FALSE(servers->index(0, 0, bobs).data(Qt::DisplayRole).toString().contains(QStringLiteral("⚑")));

    // The sequence diagram: a lane for the real clients with the flag; their rows flagged.
    auto *sequence = window.findChild<gui::SequenceView *>();
    const int lane = sequence->laneOf(realClients());
    ASSERT_GE(lane, 0);
    EXPECT_TRUE(sequence->headerLines(lane).front().startsWith(QStringLiteral("⚑")));
    EXPECT_EQ(std::abs(lane - sequence->laneOf(log.findActor(QStringLiteral("mail.example.org")))), 1)
        << "beside the server it talks to";
    for (std::size_t i = 0; i < log.size(); ++i) {
        if (log.at(i).kind == trace::EventKind::SmtpCommand && log.at(i).from == realClients()) {
            EXPECT_TRUE(sequence->labelFor(i).startsWith(QStringLiteral("⚑ "))) << i;
        }
    }

    // The topology: the laptop and its link, labelled.
    auto *topology = window.findChild<gui::TopologyView *>();
    EXPECT_FALSE(topology->nodeRect(realClients()).isEmpty());
    EXPECT_TRUE(topology->nodeText(realClients()).contains(QStringLiteral("real-clients")));

    // The explanation of the event shown (the last, from the real client's connection).
    std::size_t lastData = 0;
    for (std::size_t i = 0; i < log.size(); ++i)
        if (log.at(i).kind == trace::EventKind::SmtpData && log.at(i).from == realClients())
            lastData = i;
    controller.seek(lastData + 1);
    EXPECT_FALSE(controller.isFollowing());
    // The message inspector: the message as the real client sent it, flagged.
    auto *inspector = window.findChild<gui::MessageInspector *>();
    ASSERT_TRUE(inspector->showTraceEvent(log, lastData));
    EXPECT_TRUE(inspector->title().contains(QStringLiteral("⚑"))) << inspector->title().toStdString();
    EXPECT_TRUE(inspector->title().contains(QStringLiteral("a real mail program")));
    EXPECT_TRUE(window.findChild<QTextBrowser *>(QStringLiteral("currentEvent"))
                    ->toPlainText()
                    .contains(QStringLiteral("Sent by a real mail program on this computer, not by the scenario")));
    EXPECT_TRUE(window.findChild<gui::StageBar *>()->explanationText().startsWith(
        QStringLiteral("⚑ A real mail program on this computer, not the scenario")));
    controller.seek(10); // the scenario's own event: no flag
    EXPECT_FALSE(window.findChild<gui::StageBar *>()->explanationText().contains(QStringLiteral("⚑")));
}

TEST_F(RealClientsWindow, StopClosesTheRealConnectionsAndKeepsTheTrace)
{
    ASSERT_TRUE(listenForSmtp());
    const quint16 port = smtpPort();
    SmtpClient client;
    ASSERT_TRUE(client.connectTo(port));
    EXPECT_TRUE(client.reply().startsWith("220"));

    // The topology draws the open connection on the real clients' link, as any other.
    auto *topology = window.findChild<gui::TopologyView *>();
    EXPECT_TRUE(QTest::qWaitFor([&] { return topology->portLabels().contains(QStringLiteral(":587")); }, kWaitMs));

    auto *button = window.findChild<QPushButton *>(QStringLiteral("realClientsStart"));
    ASSERT_NE(button, nullptr);
    EXPECT_TRUE(button->text().contains(QStringLiteral("Stop")));
    window.showPanel(QStringLiteral("real-clients"));
    QTest::mouseClick(button, Qt::LeftButton);
    EXPECT_FALSE(controller.isListening());
    EXPECT_TRUE(client.closedByServer()) << "the real client sees its connection go";
    EXPECT_TRUE(button->text().contains(QStringLiteral("Start")));
    EXPECT_TRUE(panel->statusText().startsWith(QStringLiteral("Not listening")));

    // Nothing listens any more.
    SmtpClient late;
    late.socket.connectToHost(QHostAddress::LocalHost, port);
    EXPECT_TRUE(QTest::qWaitFor([&] { return late.socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs));
    EXPECT_TRUE(late.received.isEmpty());

    // The world and its trace stay, the real client's part included; the controller drives
    // again, so the story can be stepped through to its end.
    EXPECT_EQ(controller.worldSpec().realClients.server, QStringLiteral("mail.example.org"));
    EXPECT_GE(realClients(), 0);
    const auto hasRealSyn = [&] {
        for (const trace::TraceEvent &e : controller.trace().events())
            if (e.from == realClients() && e.kind == trace::EventKind::TcpSyn)
                return true;
        return false;
    };
    EXPECT_TRUE(hasRealSyn());
    controller.runToEnd();
    EXPECT_TRUE(controller.atEnd());
    EXPECT_TRUE(controller.stepBack());
    EXPECT_FALSE(controller.atEnd());
}

TEST_F(RealClientsWindow, ATakenPortShowsTheErrorAndLeavesNothingOpen)
{
    // One port that is free (the system's choice, let go again), one that is taken.
    QTcpServer probe;
    ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 freePort = probe.serverPort();
    probe.close();
    QTcpServer squatter;
    ASSERT_TRUE(squatter.listen(QHostAddress::LocalHost, 0));
    const quint16 takenPort = squatter.serverPort();

    controller.seek(10);
    const std::size_t traceBefore = controller.trace().size();
    QSignalSpy replaced(&controller, &gui::SimulationController::worldReplaced);
    QSignalSpy listening(&controller, &gui::SimulationController::listeningChanged);
    for (Service s : bridge::kServices)
        panel->setService(s, s == Service::Smtp || s == Service::Pop3, 0);
    panel->setService(Service::Smtp, true, freePort); // opened first (the map's order)...
    panel->setService(Service::Pop3, true, takenPort); // ...then this one fails

    EXPECT_FALSE(panel->startListening());
    EXPECT_FALSE(controller.isListening());
    EXPECT_EQ(replaced.count(), 0) << "the window keeps its world";
    EXPECT_EQ(listening.count(), 0);
    EXPECT_EQ(controller.cursor(), 10u);
    EXPECT_EQ(controller.trace().size(), traceBefore);
    EXPECT_TRUE(controller.worldSpec().realClients.server.isEmpty());
    const QString status = panel->statusText();
    EXPECT_TRUE(status.startsWith(QStringLiteral("✗ Could not listen"))) << status.toStdString();
    EXPECT_TRUE(status.contains(QString::number(takenPort))) << status.toStdString();
    EXPECT_TRUE(panel->commands().empty());

    // The port that had been opened before the failure is closed again.
    QTcpServer again;
    EXPECT_TRUE(again.listen(QHostAddress::LocalHost, freePort)) << "nothing half-open";
    again.close();
    // And the panel can try again, with any free port this time.
    panel->setService(Service::Pop3, true, 0);
    EXPECT_TRUE(panel->startListening()) << panel->statusText().toStdString();
    EXPECT_TRUE(panel->statusText().startsWith(QStringLiteral("✓ Listening")));
}

TEST_F(RealClientsWindow, SteppingBackWhileLiveIsACursorMoveAndEndFollowsAgain)
{
    ASSERT_TRUE(listenForSmtp());
    ASSERT_TRUE(scenarioPlayed());
    const std::size_t end = controller.cursor();

    // The controller never steps the world while the bridge runs it: at the end, Step does nothing.
    EXPECT_FALSE(controller.stepForward());
    EXPECT_EQ(controller.trace().size(), end);

    QTest::keyClick(&window, Qt::Key_Left);
    EXPECT_EQ(controller.cursor(), end - 1);
    EXPECT_FALSE(controller.isFollowing());
    EXPECT_EQ(std::size_t(traceModel->rowCount()), end - 1);

    // A real client comes meanwhile: the trace grows, the cursor stays where it was put.
    SmtpClient client;
    ASSERT_TRUE(client.connectTo(smtpPort()));
    EXPECT_TRUE(client.reply().startsWith("220"));
    EXPECT_TRUE(QTest::qWaitFor([&] { return controller.trace().size() > end + 3; }, kWaitMs));
    QTest::qWait(100); // past the controller's gathering of updates
    EXPECT_EQ(controller.cursor(), end - 1);
    EXPECT_EQ(std::size_t(traceModel->rowCount()), end - 1);

    // Forward by hand over what happened since; End goes to the live end and follows again.
    EXPECT_TRUE(controller.stepForward());
    EXPECT_TRUE(controller.stepForward());
    EXPECT_EQ(controller.cursor(), end + 1);
    QTest::keyClick(&window, Qt::Key_End);
    EXPECT_EQ(controller.cursor(), controller.trace().size());
    EXPECT_TRUE(controller.isFollowing());
    const std::size_t live = controller.cursor();
    EXPECT_TRUE(client.say("EHLO laptop.example").startsWith("250"));
    EXPECT_TRUE(QTest::qWaitFor([&] { return controller.cursor() > live; }, kWaitMs)) << "it follows again";
    EXPECT_EQ(std::size_t(traceModel->rowCount()), controller.cursor());
}

TEST_F(RealClientsWindow, ResetStopsListeningFirstAndSaysSo)
{
    ASSERT_TRUE(listenForSmtp());
    const quint16 port = smtpPort();
    SmtpClient client;
    ASSERT_TRUE(client.connectTo(port));
    EXPECT_TRUE(client.reply().startsWith("220"));

    QTest::keyClick(&window, Qt::Key_Home);
    EXPECT_FALSE(controller.isListening());
    EXPECT_TRUE(client.closedByServer());
    EXPECT_EQ(controller.cursor(), 0u);
    EXPECT_TRUE(controller.worldSpec().realClients.server.isEmpty()) << "the scenario's own world again";
    EXPECT_LT(realClients(), 0);
    EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("Stopped listening for real clients")));
    EXPECT_TRUE(window.statusBar()->currentMessage().contains(QStringLiteral("Reset")));
}

TEST_F(RealClientsWindow, CopyPutsACommandOnTheClipboard)
{
    ASSERT_TRUE(listenForSmtp());
    window.showPanel(QStringLiteral("real-clients"));
    auto *copy = panel->findChild<QPushButton *>(QStringLiteral("copyCommand"));
    ASSERT_NE(copy, nullptr);
    QTest::mouseClick(copy, Qt::LeftButton);
    EXPECT_EQ(QGuiApplication::clipboard()->text(), panel->commands().front().command);
    EXPECT_TRUE(window.statusBar()->currentMessage().startsWith(QStringLiteral("Copied to the clipboard")));
    // The command text can be selected with the mouse as well.
    auto *line = panel->findChild<QLabel *>(QStringLiteral("commandText"));
    ASSERT_NE(line, nullptr);
    EXPECT_TRUE(line->textInteractionFlags() & Qt::TextSelectableByMouse);
    EXPECT_EQ(line->text(), panel->commands().front().command);
}

namespace {

int runWindow(const QStringList &options, QString *errors = nullptr)
{
    QTemporaryDir dir;
    QProcess mailsim;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    mailsim.setProcessEnvironment(env);
    mailsim.start(QStringLiteral(MAILSIM_WINDOW_BINARY),
                  QStringList{QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("shot.png"))} + options);
    if (!mailsim.waitForFinished(30000)) {
        mailsim.kill();
        mailsim.waitForFinished();
        return -1;
    }
    if (errors)
        *errors = QString::fromUtf8(mailsim.readAllStandardError());
    return QImage(dir.filePath(QStringLiteral("shot.png"))).isNull() ? -2 : mailsim.exitCode();
}

} // namespace

TEST(RealClientsWindowScreenshot, ListensAtStartUpAndRefusesNonsense)
{
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"), QStringLiteral("any"), QStringLiteral("--panel"),
                         QStringLiteral("real-clients")}),
              0);
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"), QStringLiteral("smtp=0,imap=0")}), 0);
    QString errors;
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"), QStringLiteral("smtp=99999")}, &errors), -2);
    EXPECT_TRUE(errors.contains(QStringLiteral("--listen-real-clients wants"))) << errors.toStdString();
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"), QStringLiteral("carrier-pigeon")}), -2);
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"), QStringLiteral("any"), QStringLiteral("--event"),
                         QStringLiteral("3")},
                        &errors),
              -2);
    EXPECT_TRUE(errors.contains(QStringLiteral("plays in real time"))) << errors.toStdString();
    // A taken port: the program says why and does not start.
    QTcpServer squatter;
    ASSERT_TRUE(squatter.listen(QHostAddress::LocalHost, 0));
    EXPECT_EQ(runWindow({QStringLiteral("--listen-real-clients"),
                         QStringLiteral("smtp=%1").arg(squatter.serverPort())},
                        &errors),
              -2);
    EXPECT_TRUE(errors.contains(QString::number(squatter.serverPort()))) << errors.toStdString();
}
