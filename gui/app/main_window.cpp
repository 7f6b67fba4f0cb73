#include "app/main_window.h"

#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "models/trace_filter_model.h"
#include "models/trace_model.h"
#include "panels/compose_dialog.h"
#include "scenario/access_override.h"
#include "panels/expectations_panel.h"
#include "panels/push_pull_panel.h"
#include "panels/real_clients_panel.h"
#include "panels/message_inspector.h"
#include "panels/stage_bar.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"
#include "views/sequence_view.h"
#include "views/topology_view.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QTabBar>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSaveFile>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTextBrowser>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace mailsim::gui {

namespace {
// Playback speeds, in events per second, for the positions of the speed slider.
constexpr int kSpeeds[] = {1, 2, 4, 8, 16, 32};
// Zoom steps in percent; Ctrl+Plus and Ctrl+Minus move between them.
constexpr int kZoomSteps[] = {50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300};
constexpr int kMaxRecentFiles = 8;

const QString kRecentKey = QStringLiteral("scenarios/recent");

bool isScenarioFile(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("yaml") || suffix == QLatin1String("yml");
}

// Every kind, in the order of the enum, for the filter menu.
QList<trace::EventKind> allKinds()
{
    QList<trace::EventKind> kinds;
    for (int k = 0; k < trace::kEventKindCount; ++k)
        kinds << trace::EventKind(k);
    return kinds;
}
} // namespace

MainWindow::MainWindow(QWidget *parent, bool persistent)
    : QMainWindow(parent), m_controller(new SimulationController(this)), m_persistent(persistent)
{
    setWindowTitle(tr("MailSim"));
    setAcceptDrops(true);
    m_baseFont = QApplication::font();
    m_traceModel = new TraceModel(*m_controller, this);
    m_filterModel = new TraceFilterModel(this);
    m_filterModel->setSourceModel(m_traceModel);
    m_serverModel = new ServerStateModel(*m_controller, this);

    m_playTimer = new QTimer(this);
    connect(m_playTimer, &QTimer::timeout, this, [this] {
        if (!m_controller->stepForward())
            setPlaying(false);
    });

    buildPanels();
    buildFileMenu();
    buildControls();
    buildViewMenu();

    connect(m_controller, &SimulationController::cursorChanged, this, [this] { updateView(); });
    // While listening, events the cursor did not follow still count in the status bar.
    connect(m_controller, &SimulationController::liveTraceGrew, this, [this] { updatePosition(); });
    connect(m_controller, &SimulationController::listeningChanged, this, [this](bool listening) {
        if (listening)
            statusBar()->showMessage(tr("⚑ Listening for real clients: their events show as they happen."), 6000);
        updateView();
    });
    connect(m_controller, &SimulationController::worldReplaced, this, [this] {
        m_inspector->clear();
        m_inspected.reset();
        m_wasAtEnd = false;
        rebuildActorFilter();
        updateView();
        for (int column = 0; column < m_serverModel->columnCount(); ++column)
            m_serverTree->resizeColumnToContents(column);
    });

    resetLayout();
    if (m_persistent) {
        QSettings settings;
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
        restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
        m_speed->setValue(settings.value(QStringLiteral("playback/speed"), 1).toInt());
        setZoom(settings.value(QStringLiteral("view/zoom"), 100).toInt());
        setTheme(style::themeFromName(settings.value(QStringLiteral("view/theme")).toString()));
    } else {
        setZoom(100);
        setTheme(style::Theme::Light);
    }
    rebuildRecentMenu();
    updateView();
}

MainWindow::~MainWindow() = default;

QDockWidget *MainWindow::addPanel(const QString &title, const QString &name, QWidget *widget)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(widget);
    return dock;
}

void MainWindow::buildPanels()
{
    // The stage strip spans the window's width above everything else; it has no title bar
    // of its own (it is the title of what happens).
    m_stageBar = new StageBar(this);
    m_stagesDock = addPanel(tr("Stages"), QStringLiteral("stagesDock"), m_stageBar);
    m_stagesDock->setTitleBarWidget(new QWidget(m_stagesDock));
    m_stagesDock->setFeatures(QDockWidget::NoDockWidgetFeatures);

    m_topology = new TopologyView(*m_controller, *m_serverModel, this);
    m_topology->setObjectName(QStringLiteral("topology"));
    setCentralWidget(m_topology);

    m_sequence = new SequenceView(*m_controller, this);
    m_sequenceDock = addPanel(tr("Protocol"), QStringLiteral("sequenceDock"), m_sequence);
    // Choosing a row in the diagram explains it without moving the simulation; a message
    // opens in the inspector.
    connect(m_sequence, &SequenceView::eventSelected, this, [this](std::size_t i) { showEventExplanation(i, true); });
    connect(m_sequence, &SequenceView::messageRequested, this, [this](std::size_t i) { inspectMessage(i, true); });

    m_inspector = new MessageInspector(this);
    m_inspector->setObjectName(QStringLiteral("messageInspector"));
    m_messageDock = addPanel(tr("Message"), QStringLiteral("messageDock"), m_inspector);
    m_expectations = new ExpectationsPanel(*m_controller, this);
    m_expectations->setObjectName(QStringLiteral("expectations"));
    m_expectationsDock = addPanel(tr("Expectations"), QStringLiteral("expectationsDock"), m_expectations);
    m_pushPull = new PushPullPanel(*m_controller, this);
    m_pushPull->setObjectName(QStringLiteral("pushPull"));
    m_pushPullDock = addPanel(tr("Push and pull"), QStringLiteral("pushPullDock"), m_pushPull);
    m_realClients = new RealClientsPanel(*m_controller, this);
    m_realClients->setObjectName(QStringLiteral("realClients"));
    m_realClientsDock = addPanel(tr("Real clients"), QStringLiteral("realClientsDock"), m_realClients);
    connect(m_realClients, &RealClientsPanel::copied, this, [this](const QString &title) {
        statusBar()->showMessage(tr("Copied to the clipboard: %1").arg(title), 4000);
    });

    // The event being shown: when, what, why, and its exact bytes.
    m_eventText = new QTextBrowser(this);
    m_eventText->setObjectName(QStringLiteral("currentEvent"));
    // The arrow keys belong to the controls (step, back), not to a text cursor.
    m_eventText->setFocusPolicy(Qt::NoFocus);
    m_explanationDock = addPanel(tr("What just happened"), QStringLiteral("explanationDock"), m_eventText);

    // The event table with its filter bar.
    auto *events = new QWidget(this);
    auto *eventsLayout = new QVBoxLayout(events);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    buildFilterBar(events, eventsLayout);
    m_eventTable = new QTableView(events);
    m_eventTable->setObjectName(QStringLiteral("eventTable"));
    m_eventTable->setFocusPolicy(Qt::NoFocus); // arrows step the simulation; click a row to jump
    m_eventTable->setModel(m_filterModel);
    m_eventTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_eventTable->setWordWrap(false);
    m_eventTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_eventTable->verticalHeader()->hide();
    m_eventTable->horizontalHeader()->setStretchLastSection(true);
    connect(m_eventTable, &QTableView::clicked, this, [this](const QModelIndex &index) {
        const QVariant event = index.data(TraceModel::EventIndexRole);
        if (!event.isValid())
            return;
        m_controller->seek(event.value<qulonglong>() + 1);
        inspectMessage(event.value<qulonglong>(), false);
    });
    eventsLayout->addWidget(m_eventTable, 1);
    m_eventsDock = addPanel(tr("Events"), QStringLiteral("eventsDock"), events);

    m_serverTree = new QTreeView(this);
    m_serverTree->setObjectName(QStringLiteral("serverTree"));
    m_serverTree->setModel(m_serverModel);
    m_serverTree->setFocusPolicy(Qt::NoFocus);
    m_serverTree->setUniformRowHeights(true);
    // A message or a queue entry opens in the inspector.
    connect(m_serverTree, &QTreeView::clicked, this, [this](const QModelIndex &index) {
        const auto type = ServerStateModel::NodeType(index.data(ServerStateModel::NodeTypeRole).toInt());
        const int event = index.data(ServerStateModel::EventIndexRole).toInt();
        if ((type == ServerStateModel::NodeType::Message || type == ServerStateModel::NodeType::QueueEntry) && event >= 0)
            inspectMessage(std::size_t(event), true);
    });
    m_serversDock = addPanel(tr("Queues and mailboxes"), QStringLiteral("serversDock"), m_serverTree);

    m_position = new QLabel(this);
    statusBar()->addPermanentWidget(m_position);
}

void MainWindow::resetLayout()
{
    // Stages across the top; the network in the middle with the servers' queues and
    // mailboxes below it; on the right, full height, the protocol diagram (with the event
    // list) above the explanation of the event shown. Wide screens get the event list beside
    // the diagram, narrower ones (a 1280x720 projector) as a tab behind it.
    const QList<QDockWidget *> docks{m_stagesDock,       m_sequenceDock, m_eventsDock,  m_explanationDock,
                                     m_expectationsDock, m_serversDock,  m_messageDock, m_pushPullDock,
                                     m_realClientsDock};
    for (QDockWidget *dock : docks) {
        dock->setFloating(false);
        removeDockWidget(dock);
    }
    setCorner(Qt::TopLeftCorner, Qt::TopDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::TopDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::BottomDockWidgetArea);
    addDockWidget(Qt::TopDockWidgetArea, m_stagesDock);
    addDockWidget(Qt::RightDockWidgetArea, m_sequenceDock);
    addDockWidget(Qt::RightDockWidgetArea, m_explanationDock, Qt::Vertical);
    tabifyDockWidget(m_explanationDock, m_expectationsDock);
    const bool wide = width() >= 1700;
    if (wide)
        splitDockWidget(m_sequenceDock, m_eventsDock, Qt::Horizontal);
    else
        tabifyDockWidget(m_sequenceDock, m_eventsDock);
    // Push and pull compares two dialogues: it goes where the dialogue is drawn.
    tabifyDockWidget(m_sequenceDock, m_pushPullDock);
    // Real clients needs room for its commands: the tallest place, one tab away from the
    // diagram that shows what they do.
    tabifyDockWidget(m_sequenceDock, m_realClientsDock);
    addDockWidget(Qt::BottomDockWidgetArea, m_serversDock);
    tabifyDockWidget(m_serversDock, m_messageDock);
    for (QDockWidget *dock : docks)
        dock->show();
    m_sequenceDock->raise();
    m_explanationDock->raise();
    m_serversDock->raise();

    const int w = std::max(width(), 800);
    const int h = std::max(height(), 600);
    resizeDocks({m_sequenceDock}, {wide ? w * 30 / 100 : w * 48 / 100}, Qt::Horizontal);
    if (wide)
        resizeDocks({m_eventsDock}, {w * 25 / 100}, Qt::Horizontal);
    resizeDocks({m_sequenceDock, m_explanationDock}, {h * 48 / 100, h * 22 / 100}, Qt::Vertical);
    resizeDocks({m_serversDock}, {h * 27 / 100}, Qt::Vertical);
    resizeDocks({m_stagesDock}, {m_stageBar->sizeHint().height()}, Qt::Vertical);
}

void MainWindow::buildFilterBar(QWidget *parent, QVBoxLayout *layout)
{
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 2);
    m_kindButton = new QToolButton(parent);
    m_kindButton->setObjectName(QStringLiteral("kindFilter"));
    m_kindButton->setPopupMode(QToolButton::InstantPopup);
    m_kindButton->setFocusPolicy(Qt::NoFocus); // Space and the arrows stay with the controls
    m_kindMenu = new QMenu(m_kindButton);
    auto preset = [this](const QString &text, QList<trace::EventKind> kinds) {
        m_kindMenu->addAction(text, this, [this, kinds] {
            for (QAction *a : m_kindMenu->actions())
                if (a->isCheckable())
                    a->setChecked(kinds.isEmpty() || kinds.contains(trace::EventKind(a->data().toInt())));
            applyKindFilter();
        });
    };
    using K = trace::EventKind;
    preset(tr("Show all kinds"), {});
    preset(tr("Only the SMTP dialogue"), {K::SmtpCommand, K::SmtpReply, K::SmtpData});
    preset(tr("Only DNS and TCP"), {K::DnsQuery, K::DnsAnswer, K::TcpSyn, K::TcpSynAck, K::TcpAck, K::TcpRefused, K::TcpFin});
    preset(tr("Only POP3, IMAP and HTTP"), {K::Pop3Command, K::Pop3Reply, K::ImapCommand, K::ImapReply, K::HttpRequest, K::HttpResponse});
    preset(tr("Only queues and mailboxes"), {K::QueueAdd, K::QueueRemove, K::QueueDefer, K::MailboxAdd, K::MailboxRead, K::Bounce,
                                             K::MailboxRemove, K::MailboxFlags, K::FolderChange});
    m_kindMenu->addSeparator();
    for (trace::EventKind kind : allKinds()) {
        QAction *a = m_kindMenu->addAction(TraceModel::kindLabel(kind));
        a->setCheckable(true);
        a->setChecked(true);
        a->setData(int(kind));
        connect(a, &QAction::toggled, this, [this] { applyKindFilter(); });
    }
    m_kindButton->setMenu(m_kindMenu);
    bar->addWidget(m_kindButton);

    auto *actorLabel = new QLabel(tr("Host:"), parent);
    bar->addWidget(actorLabel);
    m_actorFilter = new QComboBox(parent);
    m_actorFilter->setObjectName(QStringLiteral("actorFilter"));
    m_actorFilter->setFocusPolicy(Qt::NoFocus);
    m_actorFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    actorLabel->setBuddy(m_actorFilter);
    connect(m_actorFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_filterModel->setActor(trace::ActorId(m_actorFilter->currentData().toInt()));
        updateView();
    });
    bar->addWidget(m_actorFilter);
    bar->addStretch(1);
    layout->addLayout(bar);
    applyKindFilter();
}

void MainWindow::applyKindFilter()
{
    QList<trace::EventKind> kinds;
    int checkable = 0;
    for (QAction *a : m_kindMenu->actions()) {
        if (!a->isCheckable())
            continue;
        ++checkable;
        if (a->isChecked())
            kinds << trace::EventKind(a->data().toInt());
    }
    // Nothing ticked would show nothing; treat it like everything (the button says so).
    const bool all = kinds.size() == checkable || kinds.isEmpty();
    m_filterModel->setKinds(all ? QList<trace::EventKind>{} : kinds);
    m_kindButton->setText(all ? tr("Kinds: all") : tr("Kinds: %1 of %2").arg(kinds.size()).arg(checkable));
    if (m_eventTable)
        updateView();
}

void MainWindow::rebuildActorFilter()
{
    const QSignalBlocker blocker(m_actorFilter);
    // Keep the host chosen before (a reset, a reload) if the new world has it too.
    const QString previous = m_actorFilter->currentIndex() > 0 ? m_actorFilter->currentData(Qt::ToolTipRole).toString() : QString();
    m_actorFilter->clear();
    m_actorFilter->addItem(tr("all hosts"), -1);
    const trace::TraceLog &log = m_controller->trace();
    for (std::size_t a = 0; a < log.actors().size(); ++a) {
        const trace::Actor &actor = log.actors()[a];
        m_actorFilter->addItem(QStringLiteral("%1 (%2)").arg(actor.label, actor.name), int(a));
        m_actorFilter->setItemData(m_actorFilter->count() - 1, actor.name, Qt::ToolTipRole);
    }
    const trace::ActorId keep = previous.isEmpty() ? -1 : log.findActor(previous);
    m_actorFilter->setCurrentIndex(std::max(m_actorFilter->findData(int(keep)), 0));
    m_filterModel->setActor(trace::ActorId(m_actorFilter->currentData().toInt()));
}

void MainWindow::buildFileMenu()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open scenario…"), this, [this] {
        const QString dir = m_source.startsWith(QLatin1Char(':')) ? QString() : QFileInfo(m_source).absolutePath();
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), dir,
                                                          tr("Scenario files (*.yaml *.yml)"));
        if (!path.isEmpty())
            openFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &recent"));

    QMenu *examples = file->addMenu(tr("&Examples"));
    for (const QString &path : scenario::exampleScenarioPaths()) {
        const scenario::LoadResult result = scenario::loadScenarioFile(path);
        const QString title = result.ok() ? result.scenario->world.title : QFileInfo(path).fileName();
        QAction *a = examples->addAction(title, this, [this, path] { openFile(path); });
        a->setToolTip(QFileInfo(path).fileName());
    }
    examples->setToolTipsVisible(true);

    QAction *openMessage = file->addAction(tr("Open &message…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a message"), QString(),
                                                          tr("Messages (*.eml *.txt);;All files (*)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!openMessageFile(path, &error))
            QMessageBox::warning(this, tr("Open message"), error);
    });
    openMessage->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    file->addSeparator();

    m_reloadAction = file->addAction(tr("Re&load"), this, [this] { reload(); });
    m_reloadAction->setShortcut(QKeySequence::Refresh);
    QAction *saveAs = file->addAction(tr("Save scenario &as…"), this, [this] {
        QString suggestion = QFileInfo(m_source).fileName();
        if (suggestion.isEmpty())
            suggestion = QStringLiteral("scenario.yaml");
        const QString path = QFileDialog::getSaveFileName(this, tr("Save scenario as"), suggestion,
                                                          tr("Scenario files (*.yaml *.yml)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!saveScenarioAs(path, &error))
            QMessageBox::warning(this, tr("Not saved"), error);
    });
    saveAs->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

void MainWindow::buildControls()
{
    auto *toolbar = addToolBar(tr("Controls"));
    toolbar->setObjectName(QStringLiteral("controls"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->setMovable(false);
    auto *control = menuBar()->addMenu(tr("&Simulation"));
    QAction *compose = control->addAction(tr("&Compose your own message…"), this, &MainWindow::composeOwnMessage);
    compose->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    // Stage 6 by another route, on the same story: the lecture's comparison, live.
    QMenu *routes = control->addMenu(tr("&Read mail with"));
    m_routeGroup = new QActionGroup(this);
    auto addRoute = [&](const QString &text, std::optional<mail::AccessRoute> route) {
        QAction *a = routes->addAction(text);
        a->setCheckable(true);
        a->setChecked(!route);
        a->setData(route ? int(*route) : -1);
        m_routeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, route] { setAccessRoute(route); });
    };
    addRoute(tr("As the &scenario says"), std::nullopt);
    routes->addSeparator();
    addRoute(tr("POP3, download and &keep (port 110)"), mail::AccessRoute::Pop3Keep);
    addRoute(tr("POP3, download and &delete (port 110)"), mail::AccessRoute::Pop3Delete);
    addRoute(tr("&IMAP (port 143)"), mail::AccessRoute::Imap);
    addRoute(tr("&Web mail over HTTP (port 80)"), mail::AccessRoute::WebMail);
    // Faults while stepping: each becomes part of the scenario, from the moment shown on.
    QMenu *faults = control->addMenu(tr("&Faults"));
    faults->setObjectName(QStringLiteral("faultsMenu"));
    connect(faults, &QMenu::aboutToShow, this, [this, faults] { fillFaultsMenu(faults); });
    control->addSeparator();
    auto add = [&](const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = new QAction(text, this);
        a->setShortcut(key);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        toolbar->addAction(a);
        control->addAction(a);
        return a;
    };
    add(tr("|◀ Reset"), QKeySequence(Qt::Key_Home), [this] {
        stopListeningFor(tr("Reset"));
        setPlaying(false);
        m_controller->reset();
    });
    add(tr("◀◀ Previous stage"), QKeySequence(Qt::SHIFT | Qt::Key_Left), [this] { m_controller->previousStage(); });
    add(tr("◀ Back"), QKeySequence(Qt::Key_Left), [this] { m_controller->stepBack(); });
    m_playAction = add(tr("▶ Play"), QKeySequence(Qt::Key_Space), [this] { setPlaying(!m_playTimer->isActive()); });
    add(tr("Step ▶"), QKeySequence(Qt::Key_Right), [this] { m_controller->stepForward(); });
    add(tr("Next stage ▶▶"), QKeySequence(Qt::SHIFT | Qt::Key_Right), [this] { m_controller->nextStage(); });
    add(tr("Run to end ▶|"), QKeySequence(Qt::Key_End), [this] { setPlaying(false); m_controller->runToEnd(); });

    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr(" Speed "), this));
    m_speed = new QSlider(Qt::Horizontal, this);
    m_speed->setObjectName(QStringLiteral("speed"));
    m_speed->setRange(0, int(std::size(kSpeeds)) - 1);
    m_speed->setMaximumWidth(160);
    m_speed->setFocusPolicy(Qt::NoFocus);
    toolbar->addWidget(m_speed);
    m_speedLabel = new QLabel(this);
    toolbar->addWidget(m_speedLabel);
    auto speedChanged = [this](int value) {
        m_speedLabel->setText(tr(" %1 events/s").arg(kSpeeds[value]));
        m_playTimer->setInterval(1000 / kSpeeds[value]);
        m_topology->setAnimationDuration(animationDuration());
    };
    connect(m_speed, &QSlider::valueChanged, this, speedChanged);
    speedChanged(m_speed->value());
}

void MainWindow::buildViewMenu()
{
    auto *view = menuBar()->addMenu(tr("&View"));
    QAction *in = view->addAction(tr("Zoom &in"), this, &MainWindow::zoomIn);
    // Ctrl+= as well: on many keyboards Plus needs Shift.
    in->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction *out = view->addAction(tr("Zoom &out"), this, &MainWindow::zoomOut);
    out->setShortcut(QKeySequence::ZoomOut);
    QAction *normal = view->addAction(tr("&Normal size"), this, [this] { setZoom(100); });
    normal->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    QAction *fullScreen = view->addAction(tr("&Full screen"));
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(QKeySequence(Qt::Key_F11));
    connect(fullScreen, &QAction::toggled, this, [this](bool on) {
        setWindowState(on ? windowState() | Qt::WindowFullScreen : windowState() & ~Qt::WindowFullScreen);
    });
    QMenu *themes = view->addMenu(tr("&Theme"));
    m_themeGroup = new QActionGroup(this);
    for (style::Theme t : {style::Theme::Light, style::Theme::Dark}) {
        QAction *a = themes->addAction(t == style::Theme::Light ? tr("&Light") : tr("&Dark"));
        a->setCheckable(true);
        a->setData(int(t));
        m_themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] { setTheme(t); });
    }
    view->addSeparator();
    QMenu *panels = view->addMenu(tr("&Panels"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        panels->addAction(dock->toggleViewAction());
    view->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);
}

void MainWindow::setZoom(int percent)
{
    m_zoom = std::clamp(percent, kZoomSteps[0], kZoomSteps[std::size(kZoomSteps) - 1]);
    applyFonts();
}

void MainWindow::zoomIn()
{
    const auto next = std::upper_bound(std::begin(kZoomSteps), std::end(kZoomSteps), m_zoom);
    if (next != std::end(kZoomSteps))
        setZoom(*next);
}

void MainWindow::zoomOut()
{
    const auto at = std::lower_bound(std::begin(kZoomSteps), std::end(kZoomSteps), m_zoom);
    if (at != std::begin(kZoomSteps))
        setZoom(*(at - 1));
}

void MainWindow::applyFonts()
{
    // One font for the whole window: every panel takes its sizes from its font, so text and
    // drawings grow together. Widgets with a font of their own (the monospace views) are
    // derived from it here or in their own FontChange handling.
    QFont font = m_baseFont;
    font.setPointSizeF(m_baseFont.pointSizeF() * m_zoom / 100.0);
    setFont(font);
    menuBar()->setFont(font);
    statusBar()->setFont(font);

    const QFontMetrics metrics(font);
    // Panels may be squeezed to a few lines each, so that at a large zoom the window still
    // fits a 1280x720 screen (the presenter closes or enlarges what matters); their own
    // minimum size hints would add up to more than the screen.
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        if (dock != m_stagesDock && dock->widget())
            dock->widget()->setMinimumSize(metrics.height() * 8, metrics.height() * 3);
    m_topology->setMinimumSize(metrics.height() * 8, metrics.height() * 4);
    m_eventTable->verticalHeader()->setDefaultSectionSize(metrics.height() + metrics.height() / 2);
    // Widths set from the font (no resize-to-contents: the table may hold 100,000 rows).
    const int widths[] = {metrics.horizontalAdvance(QStringLiteral("00:00.000 ")),
                          metrics.horizontalAdvance(QStringLiteral("Stage ")),
                          metrics.horizontalAdvance(QStringLiteral("alice-pc.example.org")),
                          metrics.horizontalAdvance(QStringLiteral("alice-pc.example.org")),
                          metrics.horizontalAdvance(QStringLiteral("■ SMTP command "))};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_eventTable->setColumnWidth(column, widths[column] + metrics.height());
    for (int column = 0; column < m_serverModel->columnCount(); ++column)
        m_serverTree->resizeColumnToContents(column);
    m_position->setText(m_position->text()); // re-lays out the status bar
    statusBar()->showMessage(tr("Zoom %1%").arg(m_zoom), 2000);
}

void MainWindow::setTheme(style::Theme theme)
{
    m_theme = theme;
    style::applyTheme(theme);
    for (QAction *a : m_themeGroup->actions())
        a->setChecked(a->data().toInt() == int(theme));
    // Models give colours for the palette they see; make the views ask again.
    m_eventTable->viewport()->update();
    m_serverTree->viewport()->update();
}

int MainWindow::animationDuration() const
{
    // Three quarters of the time between two events, so the envelope arrives before the
    // next event is shown; above 8 events/s the eye cannot follow, so none.
    const int eventsPerSecond = kSpeeds[m_speed->value()];
    return eventsPerSecond > 8 ? 0 : 750 / eventsPerSecond;
}

bool MainWindow::isPlaying() const
{
    return m_playTimer->isActive();
}

void MainWindow::setPlaying(bool playing)
{
    if (playing && m_controller->atEnd())
        playing = false;
    if (playing)
        m_playTimer->start();
    else
        m_playTimer->stop();
    m_playAction->setText(playing ? tr("⏸ Pause") : tr("▶ Play"));
}

void MainWindow::fillFaultsMenu(QMenu *menu)
{
    menu->clear();
    const world::WorldSpec &w = m_controller->scenario().world;
    using K = world::FaultSpec::Kind;
    auto add = [&](QMenu *into, const QString &text, K kind, const QString &host, const QString &other = {},
                   const QString &domain = {}) {
        into->addAction(text, this, [=, this] {
            world::FaultSpec f;
            f.kind = kind;
            f.host = host;
            f.other = other;
            f.domain = domain;
            f.latency = core::seconds(2);
            injectFault(f);
        });
    };
    for (const world::ServerSpec &s : w.servers) {
        const QString h = s.settings.hostname;
        QMenu *server = menu->addMenu(h);
        add(server, tr("Take it &down (connections refused)"), K::ServerDown, h);
        add(server, tr("Bring it &up again"), K::ServerUp, h);
        add(server, tr("Make it &busy (421 and close)"), K::ServerBusy, h);
        add(server, tr("Make it &ready again"), K::ServerReady, h);
        add(server, tr("Remove the &MX records of %1").arg(s.settings.domain), K::NoMx, {}, {}, s.settings.domain);
    }
    menu->addSeparator();
    for (const world::LinkSpec &l : w.links) {
        QMenu *link = menu->addMenu(QStringLiteral("%1 – %2").arg(l.a, l.b));
        add(link, tr("&Cut it"), K::LinkDown, l.a, l.b);
        add(link, tr("&Mend it"), K::LinkUp, l.a, l.b);
        add(link, tr("Make it &slow (2 s each way)"), K::LinkSlow, l.a, l.b);
    }
}

void MainWindow::injectFault(world::FaultSpec fault)
{
    stopListeningFor(tr("A fault"));
    // The world is replayed from its spec (Back is a cursor move), so a fault "now" is a
    // fault in the spec, just after the event shown: everything before stays as it was.
    const std::size_t cursor = m_controller->cursor();
    const trace::TraceLog &log = m_controller->trace();
    fault.at = (cursor > 0 ? log.at(cursor - 1).time : 0) + 1;
    scenario::Scenario s = m_loaded;
    s.world.faults.push_back(fault);
    std::stable_sort(s.world.faults.begin(), s.world.faults.end(),
                     [](const world::FaultSpec &a, const world::FaultSpec &b) { return a.at < b.at; });
    const QString source = m_source;
    loadScenario(s, source); // no file bytes: Save As writes the scenario with its faults
    m_controller->seek(cursor);
}

bool MainWindow::showPanel(const QString &name)
{
    const std::pair<const char *, QDockWidget *> panels[] = {
        {"push-pull", m_pushPullDock}, {"message", m_messageDock}, {"expectations", m_expectationsDock},
        {"events", m_eventsDock},      {"queues", m_serversDock},  {"real-clients", m_realClientsDock},
    };
    for (const auto &[key, dock] : panels) {
        if (name == QLatin1String(key)) {
            dock->show();
            dock->raise();
            // raise() does not always switch the tab of a dock tabified behind another one
            // (seen with Qt 6.4 on the offscreen platform): the tab bar is told directly.
            for (QTabBar *tabs : findChildren<QTabBar *>()) {
                for (int i = 0; i < tabs->count(); ++i) {
                    if (tabs->tabText(i) == dock->windowTitle())
                        tabs->setCurrentIndex(i);
                }
            }
            return true;
        }
    }
    return false;
}

void MainWindow::setAccessRoute(std::optional<mail::AccessRoute> route)
{
    stopListeningFor(tr("Read mail with"));
    m_route = route;
    for (QAction *a : m_routeGroup->actions())
        a->setChecked(a->data().toInt() == (route ? int(*route) : -1));
    setPlaying(false);
    m_controller->load(route ? scenario::withAccessRoute(m_loaded, *route) : m_loaded);
    updateView();
}

void MainWindow::stopListeningFor(const QString &action)
{
    if (!m_controller->isListening())
        return;
    m_controller->stopListening();
    statusBar()->showMessage(tr("Stopped listening for real clients: %1 rebuilds the world by replaying the "
                                "scenario, and a replay cannot bring back real clients. Start listening again "
                                "in the Real clients panel.")
                                 .arg(action),
                             10000);
}

bool MainWindow::listenForRealClients(const std::map<bridge::Service, quint16> &ports, QString *error)
{
    for (bridge::Service s : bridge::kServices) {
        const auto it = ports.find(s);
        m_realClients->setService(s, it != ports.end(), it != ports.end() ? it->second : bridge::defaultPort(s));
    }
    if (m_realClients->startListening())
        return true;
    if (error)
        *error = m_realClients->errorText();
    return false;
}

void MainWindow::loadScenario(const scenario::Scenario &scenario, const QString &source, const QByteArray &bytes)
{
    stopListeningFor(tr("Opening a scenario"));
    setPlaying(false);
    m_source = source;
    m_sourceBytes = bytes;
    m_loaded = scenario;
    // The route chosen in the menu stays chosen for the next scenario: a teacher comparing
    // routes opens one example after another.
    m_controller->load(m_route ? scenario::withAccessRoute(scenario, *m_route) : scenario);
    m_stageBar->setLessonNotes(scenario.lessonNotes);
    const QString file = QFileInfo(source).fileName();
    setWindowTitle(file.isEmpty() ? tr("MailSim — %1").arg(scenario.world.title)
                                  : tr("MailSim — %1 (%2)").arg(scenario.world.title, file));
    m_reloadAction->setEnabled(!source.isEmpty());
    updateView();
}

bool MainWindow::openFile(const QString &path, QStringList *errors)
{
    QFile file(path);
    QByteArray bytes;
    if (file.open(QIODevice::ReadOnly))
        bytes = file.readAll();
    const scenario::LoadResult result = file.isOpen() ? scenario::loadScenario(bytes, path)
                                                      : scenario::loadScenarioFile(path);
    if (!result.ok()) {
        QStringList lines;
        for (const scenario::ScenarioError &e : result.errors)
            lines << e.toString();
        if (errors) {
            *errors = lines;
            return false;
        }
        auto *box = new QMessageBox(QMessageBox::Warning, tr("The scenario has errors"),
                                    tr("%1 could not be opened; the scenario that was open stays open.\n\n%2%3")
                                        .arg(QFileInfo(path).fileName(), lines.mid(0, 8).join(QLatin1Char('\n')),
                                             lines.size() > 8 ? tr("\n… and %1 more (see Show Details)").arg(lines.size() - 8) : QString()),
                                    QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("scenarioErrors"));
        box->setDetailedText(lines.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    loadScenario(*result.scenario, path, bytes);
    if (!path.startsWith(QLatin1Char(':')))
        addRecentFile(QFileInfo(path).absoluteFilePath());
    return true;
}

bool MainWindow::reload(QStringList *errors)
{
    if (m_source.isEmpty())
        return false;
    return openFile(m_source, errors);
}

bool MainWindow::saveScenarioAs(const QString &path, QString *error)
{
    // The file as it was read keeps the teacher's comments; a scenario made in code is
    // written out by the scenario writer.
    // With another access route chosen, that is the scenario shown, so it is written out.
    const QByteArray bytes = m_sourceBytes.isEmpty() || m_route ? scenario::writeScenario(m_controller->scenario())
                                                                : m_sourceBytes;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = tr("%1 could not be written: %2").arg(path, file.errorString());
        return false;
    }
    m_source = QFileInfo(path).absoluteFilePath();
    m_sourceBytes = bytes;
    m_reloadAction->setEnabled(true);
    setWindowTitle(tr("MailSim — %1 (%2)").arg(m_controller->scenario().world.title, QFileInfo(path).fileName()));
    addRecentFile(m_source);
    return true;
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    if (!m_persistent)
        return;
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    QSettings().setValue(kRecentKey, files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = recentFiles();
    for (const QString &path : files) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); });
        a->setToolTip(path);
        a->setEnabled(QFileInfo::exists(path));
    }
    m_recentMenu->setToolTipsVisible(true);
    if (files.isEmpty())
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
    else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear this list"), this, [this] {
            QSettings().remove(kRecentKey);
            rebuildRecentMenu();
        });
    }
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.front().isLocalFile() && isScenarioFile(urls.front().toLocalFile()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.front().isLocalFile())
        return;
    event->acceptProposedAction();
    const QString path = urls.front().toLocalFile();
    // Opened after the drop has finished, so that an error dialog does not block the drag.
    QTimer::singleShot(0, this, [this, path] { openFile(path); });
}

void MainWindow::showEventExplanation(std::size_t index, bool selectedOnly)
{
    // Words in the window's font, the bytes as sent in a fixed-width block below them.
    constexpr int kMaxLines = 40; // a whole message belongs in the message panel
    const trace::TraceLog &log = m_controller->trace();
    const trace::TraceEvent &e = log.at(index);
    QString html;
    if (selectedOnly && index + 1 != m_controller->cursor())
        html += tr("<p><i>Event %1, chosen in the diagram. The simulation stays at event %2; "
                   "Step goes on from there.</i></p>")
                    .arg(index + 1)
                    .arg(m_controller->cursor());
    html += QStringLiteral("<p><b>%1 &nbsp; %2</b></p>")
                .arg(trace::TextFormatter::formatTime(e.time), trace::summarize(log, index).toHtmlEscaped());
    // Before the explanation, which speaks of the protocol: who sent it is not the scenario.
    if (const QString note = TraceModel::realClientNote(log, index); !note.isEmpty())
        html += QStringLiteral("<p><b>%1</b></p>").arg(note.toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>").arg(trace::explainInFull(log, index).toHtmlEscaped());
    if (!e.data.isEmpty()) {
        QStringList lines = QString::fromUtf8(e.data).split(QStringLiteral("\r\n"));
        if (lines.size() > 1 && lines.back().isEmpty())
            lines.removeLast();
        QString more;
        if (lines.size() > kMaxLines) {
            more = tr("<p>… and %1 more lines: the whole message is in the Message panel "
                      "(click the message in the diagram or in a mailbox).</p>")
                       .arg(lines.size() - kMaxLines);
            lines = lines.mid(0, kMaxLines);
        }
        html += QStringLiteral("<pre>%1</pre>%2").arg(lines.join(QLatin1Char('\n')).toHtmlEscaped(), more);
    }
    m_eventText->setHtml(html);
}

void MainWindow::composeOwnMessage()
{
    auto *dialog = new ComposeDialog(m_controller->scenario(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { playOwnMessage(dialog->message()); });
    dialog->open();
}

void MainWindow::playOwnMessage(const world::SendSpec &message)
{
    // The scenario's world with the student's message as its only send, from stage 1. It
    // has no file of its own: Save scenario as… writes it out.
    const scenario::Scenario own = ComposeDialog::withOwnMessage(m_controller->scenario(), message);
    loadScenario(own, QString());
}

bool MainWindow::openMessageFile(const QString &path, QString *error)
{
    if (!m_inspector->showMessageFile(path, error))
        return false;
    m_inspected.reset(); // not a trace event: stepping back leaves it alone
    m_messageDock->show();
    m_messageDock->raise();
    m_inspector->showMimeTab();
    // A message file has nothing to do with the network picture above it: give it room.
    if (!m_messageDock->isFloating())
        resizeDocks({m_messageDock}, {height() / 2}, Qt::Vertical);
    return true;
}

void MainWindow::inspectMessage(std::size_t eventIndex, bool raise)
{
    if (eventIndex >= m_controller->cursor())
        return; // not happened yet, as far as the student has seen
    if (!m_inspector->showTraceEvent(m_controller->trace(), eventIndex))
        return;
    m_inspected = eventIndex;
    if (raise) {
        m_messageDock->show();
        m_messageDock->raise();
    }
}

void MainWindow::showCurrentEvent()
{
    const std::size_t cursor = m_controller->cursor();
    if (cursor == 0) {
        m_eventText->setHtml(QStringLiteral("<p><b>%1</b></p><p>%2</p><p>%3</p>")
                                 .arg(m_controller->scenario().world.title.toHtmlEscaped(),
                                      m_controller->scenario().world.description.toHtmlEscaped(),
                                      tr("Press Step (→) or Play (Space) to start.")));
        return;
    }
    showEventExplanation(cursor - 1);
}

void MainWindow::updateView()
{
    // Reaching the end shows the verdict on the scenario's expectations.
    const bool atEnd = m_controller->atEnd();
    if (atEnd && !m_wasAtEnd && !m_controller->scenario().expectations.empty()) {
        m_expectationsDock->show();
        m_expectationsDock->raise();
    } else if (!atEnd && m_wasAtEnd) {
        m_explanationDock->raise();
    }
    m_wasAtEnd = atEnd;
    // Back before the message shown in the inspector: it has not happened yet.
    if (m_inspected && *m_inspected >= m_controller->cursor()) {
        m_inspector->clear();
        m_inspected.reset();
    }
    m_stageBar->setStage(m_controller->currentStage());
    const std::size_t shown = m_controller->cursor();
    m_stageBar->setRealClient(shown > 0 && m_controller->trace().involvesRealClient(m_controller->trace().at(shown - 1)));
    showCurrentEvent();
    updatePosition();
    // The table marks the event being shown, or the last one before it that passes the filter.
    const std::size_t cursor = m_controller->cursor();
    const QModelIndex current = cursor > 0 ? m_filterModel->mapFromSource(m_traceModel->index(int(cursor) - 1, 0)) : QModelIndex();
    if (current.isValid()) {
        m_eventTable->selectRow(current.row());
        m_eventTable->scrollTo(current);
    } else {
        m_eventTable->clearSelection();
        m_eventTable->scrollToBottom();
    }
    // The tree model is rebuilt at each step, so it is expanded again; the changed rows
    // are scrolled into view.
    m_serverTree->expandAll();
    const QModelIndexList changed = m_serverModel->changedIndexes();
    if (!changed.isEmpty())
        m_serverTree->scrollTo(changed.back());
}

void MainWindow::updatePosition()
{
    const std::size_t cursor = m_controller->cursor();
    if (m_controller->isFollowing())
        m_position->setText(tr("⚑ Live — event %1, new events show as they happen").arg(cursor));
    else if (m_controller->isListening())
        m_position->setText(tr("⚑ Listening — event %1 of %2 so far (End follows the live events)")
                                .arg(cursor)
                                .arg(m_controller->trace().size()));
    else if (m_controller->atEnd()) // the trace is simulated as far as it is shown: its length is known at the end
        m_position->setText(tr("Event %1 of %1 — end of the scenario").arg(cursor));
    else
        m_position->setText(tr("Event %1").arg(cursor));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    setPlaying(false);
    if (!m_persistent) {
        event->accept();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("playback/speed"), m_speed->value());
    settings.setValue(QStringLiteral("view/zoom"), m_zoom);
    settings.setValue(QStringLiteral("view/theme"), style::themeName(m_theme));
    event->accept();
}

} // namespace mailsim::gui
