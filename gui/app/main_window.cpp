#include "app/main_window.h"

#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "models/trace_filter_model.h"
#include "models/trace_model.h"
#include "panels/stage_bar.h"
#include "scenario/scenario_loader.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace mailsim::gui {

namespace {
// Playback speeds, in events per second, for the positions of the speed slider.
constexpr int kSpeeds[] = {1, 2, 4, 8, 16, 32};
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_controller(new SimulationController(this))
{
    setWindowTitle(tr("MailSim"));
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
    buildActions();

    connect(m_controller, &SimulationController::cursorChanged, this, [this] { updateView(); });
    connect(m_controller, &SimulationController::worldReplaced, this, [this] { updateView(); });

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_speed->setValue(settings.value(QStringLiteral("playback/speed"), 1).toInt());
    updateView();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPanels()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_stageBar = new StageBar(central);
    layout->addWidget(m_stageBar);

    m_eventText = new QPlainTextEdit(central);
    m_eventText->setReadOnly(true);
    m_eventText->setObjectName(QStringLiteral("currentEvent"));
    // The arrow keys belong to the controls (step, back), not to a text cursor.
    m_eventText->setFocusPolicy(Qt::NoFocus);
    QFont mono(QStringLiteral("Monospace"));
    mono.setStyleHint(QFont::TypeWriter);
    mono.setPointSizeF(font().pointSizeF() * 1.2);
    m_eventText->setFont(mono);
    layout->addWidget(m_eventText, 1);
    setCentralWidget(central);

    m_eventTable = new QTableView(this);
    m_eventTable->setObjectName(QStringLiteral("eventTable"));
    m_eventTable->setFocusPolicy(Qt::NoFocus); // arrows step the simulation; click a row to jump
    m_eventTable->setModel(m_filterModel);
    m_eventTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_eventTable->setWordWrap(false);
    m_eventTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_eventTable->verticalHeader()->hide();
    m_eventTable->horizontalHeader()->setStretchLastSection(true);
    // Widths set once (no resize-to-contents: the table may hold many thousand rows).
    const QFontMetrics metrics(font());
    const int widths[] = {metrics.horizontalAdvance(QStringLiteral("00:00.000 ")),
                          metrics.horizontalAdvance(QStringLiteral("Stage ")),
                          metrics.horizontalAdvance(QStringLiteral("alice-pc.example.org")),
                          metrics.horizontalAdvance(QStringLiteral("alice-pc.example.org")),
                          metrics.horizontalAdvance(QStringLiteral("■ SMTP command "))};
    for (int column = 0; column < int(std::size(widths)); ++column)
        m_eventTable->setColumnWidth(column, widths[column] + 16);
    connect(m_eventTable, &QTableView::clicked, this, [this](const QModelIndex &index) {
        const QVariant event = index.data(TraceModel::EventIndexRole);
        if (event.isValid())
            m_controller->seek(event.value<qulonglong>() + 1);
    });
    auto *events = new QDockWidget(tr("Events"), this);
    events->setObjectName(QStringLiteral("eventsDock"));
    events->setWidget(m_eventTable);
    addDockWidget(Qt::BottomDockWidgetArea, events);

    m_serverTree = new QTreeView(this);
    m_serverTree->setObjectName(QStringLiteral("serverTree"));
    m_serverTree->setModel(m_serverModel);
    m_serverTree->setFocusPolicy(Qt::NoFocus);
    auto *servers = new QDockWidget(tr("Queues and mailboxes"), this);
    servers->setObjectName(QStringLiteral("serversDock"));
    servers->setWidget(m_serverTree);
    addDockWidget(Qt::RightDockWidgetArea, servers);

    m_position = new QLabel(this);
    statusBar()->addPermanentWidget(m_position);
    // First-run sizes; QSettings restores the user's own afterwards.
    resizeDocks({servers}, {460}, Qt::Horizontal);
    resizeDocks({events}, {300}, Qt::Vertical);
}

void MainWindow::buildActions()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open scenario…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QString(),
                                                          tr("Scenario files (*.yaml *.yml)"));
        if (!path.isEmpty())
            openFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto *toolbar = addToolBar(tr("Controls"));
    toolbar->setObjectName(QStringLiteral("controls"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *control = menuBar()->addMenu(tr("&Simulation"));
    auto add = [&](const QString &text, const QKeySequence &key, auto slot) {
        QAction *a = new QAction(text, this);
        a->setShortcut(key);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(text, key.toString(QKeySequence::NativeText)));
        connect(a, &QAction::triggered, this, slot);
        toolbar->addAction(a);
        control->addAction(a);
        return a;
    };
    add(tr("|◀ Reset"), QKeySequence(Qt::Key_Home), [this] { setPlaying(false); m_controller->reset(); });
    add(tr("◀◀ Previous stage"), QKeySequence(Qt::SHIFT | Qt::Key_Left), [this] { m_controller->previousStage(); });
    add(tr("◀ Back"), QKeySequence(Qt::Key_Left), [this] { m_controller->stepBack(); });
    m_playAction = add(tr("▶ Play"), QKeySequence(Qt::Key_Space), [this] { setPlaying(!m_playTimer->isActive()); });
    add(tr("Step ▶"), QKeySequence(Qt::Key_Right), [this] { m_controller->stepForward(); });
    add(tr("Next stage ▶▶"), QKeySequence(Qt::SHIFT | Qt::Key_Right), [this] { m_controller->nextStage(); });
    add(tr("Run to end ▶|"), QKeySequence(Qt::Key_End), [this] { setPlaying(false); m_controller->runToEnd(); });

    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr(" Speed "), this));
    m_speed = new QSlider(Qt::Horizontal, this);
    m_speed->setRange(0, int(std::size(kSpeeds)) - 1);
    m_speed->setMaximumWidth(160);
    toolbar->addWidget(m_speed);
    auto *speedLabel = new QLabel(this);
    toolbar->addWidget(speedLabel);
    connect(m_speed, &QSlider::valueChanged, this, [this, speedLabel](int value) {
        speedLabel->setText(tr(" %1 events/s").arg(kSpeeds[value]));
        m_playTimer->setInterval(1000 / kSpeeds[value]);
    });
    speedLabel->setText(tr(" %1 events/s").arg(kSpeeds[m_speed->value()]));
    m_playTimer->setInterval(1000 / kSpeeds[m_speed->value()]);
}

void MainWindow::setPlaying(bool playing)
{
    if (playing)
        m_playTimer->start();
    else
        m_playTimer->stop();
    m_playAction->setText(playing ? tr("⏸ Pause") : tr("▶ Play"));
}

void MainWindow::loadScenario(const scenario::Scenario &scenario, const QString &source)
{
    setPlaying(false);
    m_source = source;
    m_controller->load(scenario);
    m_stageBar->setLessonNotes(scenario.lessonNotes);
    setWindowTitle(tr("MailSim — %1").arg(scenario.world.title));
    updateView();
}

bool MainWindow::openFile(const QString &path, QStringList *errors)
{
    const scenario::LoadResult result = scenario::loadScenarioFile(path);
    if (!result.ok()) {
        QStringList lines;
        for (const scenario::ScenarioError &e : result.errors)
            lines << e.toString();
        if (errors) {
            *errors = lines;
            return false;
        }
        auto *box = new QMessageBox(QMessageBox::Warning, tr("The scenario has errors"),
                                    tr("%1 could not be opened; the scenario that was open stays open.\n\n%2")
                                        .arg(path, lines.mid(0, 8).join(QLatin1Char('\n'))),
                                    QMessageBox::Ok, this);
        box->setDetailedText(lines.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return false;
    }
    loadScenario(*result.scenario, path);
    return true;
}

void MainWindow::showCurrentEvent()
{
    const std::size_t cursor = m_controller->cursor();
    if (cursor == 0) {
        m_eventText->setPlainText(tr("%1\n\n%2")
                                      .arg(m_controller->scenario().world.title,
                                           m_controller->scenario().world.description));
        return;
    }
    const trace::TraceLog &log = m_controller->trace();
    const std::size_t index = cursor - 1;
    const trace::TraceEvent &e = log.at(index);
    QString text = QStringLiteral("%1   %2\n\n%3\n")
                       .arg(trace::TextFormatter::formatTime(e.time), trace::summarize(log, index),
                            trace::explain(log, index));
    if (!e.data.isEmpty()) {
        QString bytes = QString::fromUtf8(e.data);
        bytes.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
        text += QStringLiteral("\n%1").arg(bytes);
    }
    m_eventText->setPlainText(text);
}

void MainWindow::updateView()
{
    m_stageBar->setStage(m_controller->currentStage());
    showCurrentEvent();
    m_position->setText(tr("Event %1 of %2%3")
                            .arg(m_controller->cursor())
                            .arg(m_controller->trace().size())
                            .arg(m_controller->atEnd() ? tr(" — end of the scenario") : QString()));
    if (m_controller->cursor() > 0)
        m_eventTable->scrollToBottom();
    m_serverTree->expandAll();
    for (int column = 0; column < m_serverModel->columnCount(); ++column)
        m_serverTree->resizeColumnToContents(column); // a few dozen rows at most
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("playback/speed"), m_speed->value());
    event->accept();
}

} // namespace mailsim::gui
