// The classroom window: the stage bar and the controls on top, and around them dockable
// panels that each render the trace: the topology with its travelling envelope, the
// sequence diagram, the event table with its filters, the explanation of the event shown,
// each server's queue and mailboxes, the message inspector and the expectations.
// It holds no simulation state: the controller owns the world, the panels render the trace.
#pragma once

#include "bridge/real_client_gate.h"
#include "scenario/scenario.h"
#include "style/theme.h"

#include <QMainWindow>

#include <map>
#include <optional>

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;
class QSlider;
class QTableView;
class QTextBrowser;
class QTimer;
class QToolButton;
class QTreeView;
class QVBoxLayout;

namespace mailsim::scenario {
struct Scenario;
}
namespace mailsim::world {
struct SendSpec;
}

namespace mailsim::gui {

class ExpectationsPanel;
class PushPullPanel;
class RealClientsPanel;
class MessageInspector;
class SequenceView;
class SimulationController;
class StageBar;
class TopologyView;
class TraceModel;
class TraceFilterModel;
class ServerStateModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // With `persistent` the window restores its layout and preferences from QSettings and
    // saves them on close; without (screenshots for the documentation) it uses the defaults.
    explicit MainWindow(QWidget *parent = nullptr, bool persistent = true);
    ~MainWindow() override;

    // `source` is the file it came from ("" for one made in code); `bytes` its text, kept
    // for Save As so that the teacher's comments survive.
    void loadScenario(const scenario::Scenario &scenario, const QString &source, const QByteArray &bytes = {});
    // Opens a scenario file (or a resource path of an example); a file with errors leaves
    // the open scenario as it was. The errors go to *errors when given, else into a dialog.
    // Returns whether it loaded.
    bool openFile(const QString &path, QStringList *errors = nullptr);
    // Writes the open scenario to `path` atomically (QSaveFile). False, with *error set, on failure.
    bool saveScenarioAs(const QString &path, QString *error = nullptr);
    // Replays the open scenario with the student's own message (Simulation > Compose your
    // own message…, which asks for it in a ComposeDialog).
    void composeOwnMessage();
    void playOwnMessage(const world::SendSpec &message);
    // Shows any message file (e.g. a .eml saved from a mail program) in the Message panel,
    // with its MIME tree. False, with *error set, if it cannot be read.
    bool openMessageFile(const QString &path, QString *error = nullptr);
    // Reads the open scenario's file again (after the teacher edited it); false if it has errors.
    bool reload(QStringList *errors = nullptr);
    [[nodiscard]] QString scenarioSource() const { return m_source; }
    // Simulation > Read mail with: every user reads by `route`; nothing: as the scenario says.
    void setAccessRoute(std::optional<mail::AccessRoute> route);
    [[nodiscard]] std::optional<mail::AccessRoute> accessRoute() const { return m_route; }
    // Brings a panel to the front by a short name: push-pull, message, expectations, events,
    // queues, real-clients. False for an unknown name.
    bool showPanel(const QString &name);
    // The Real clients panel's Start listening, with these services and ports (0: any free
    // port) on the panel's server (by default the first user's). False, with *error set,
    // when it could not listen; the panel says why as well.
    bool listenForRealClients(const std::map<bridge::Service, quint16> &ports, QString *error = nullptr);
    // Simulation > Faults: the fault happens just after the event shown, and stays part of the
    // scenario (Save As writes it). The cursor stays where it is.
    void injectFault(world::FaultSpec fault);
    [[nodiscard]] SimulationController &controller() { return *m_controller; }
    // Milliseconds an envelope takes along a link at the chosen playback speed (0: none).
    [[nodiscard]] int animationDuration() const;

    // Presenter zoom, in percent of the normal text size: text and drawings scale together.
    void setZoom(int percent);
    [[nodiscard]] int zoom() const { return m_zoom; }
    void zoomIn();
    void zoomOut();
    void setTheme(style::Theme theme);
    [[nodiscard]] style::Theme theme() const { return m_theme; }
    [[nodiscard]] bool isPlaying() const;
    [[nodiscard]] QStringList recentFiles() const;

    // The first-start arrangement of the panels (also View > Reset layout).
    void resetLayout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void fillFaultsMenu(QMenu *menu);
    void buildPanels();
    void buildFileMenu();
    void buildControls();
    void buildViewMenu();
    void buildFilterBar(QWidget *parent, QVBoxLayout *layout);
    void updateView();
    void setPlaying(bool playing);
    void showCurrentEvent();
    void showEventExplanation(std::size_t eventIndex, bool selectedOnly = false);
    void inspectMessage(std::size_t eventIndex, bool raise);
    void rebuildActorFilter();
    void applyKindFilter();
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void applyFonts();
    // Before `action` rebuilds the world by replaying the scenario: a replay cannot replay
    // real clients, so listening stops first, and the status bar says so.
    void stopListeningFor(const QString &action);
    void updatePosition();
    [[nodiscard]] QDockWidget *addPanel(const QString &title, const QString &name, QWidget *widget);

    SimulationController *m_controller = nullptr;
    TraceModel *m_traceModel = nullptr;
    TraceFilterModel *m_filterModel = nullptr;
    ServerStateModel *m_serverModel = nullptr;

    StageBar *m_stageBar = nullptr;
    TopologyView *m_topology = nullptr;
    SequenceView *m_sequence = nullptr;
    MessageInspector *m_inspector = nullptr;
    ExpectationsPanel *m_expectations = nullptr;
    PushPullPanel *m_pushPull = nullptr;
    RealClientsPanel *m_realClients = nullptr;
    QLabel *m_position = nullptr;
    QTextBrowser *m_eventText = nullptr;
    QTableView *m_eventTable = nullptr;
    QTreeView *m_serverTree = nullptr;
    QToolButton *m_kindButton = nullptr;
    QComboBox *m_actorFilter = nullptr;
    QSlider *m_speed = nullptr;
    QLabel *m_speedLabel = nullptr;
    QTimer *m_playTimer = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_kindMenu = nullptr;
    QActionGroup *m_themeGroup = nullptr;

    QDockWidget *m_stagesDock = nullptr;
    QDockWidget *m_sequenceDock = nullptr;
    QDockWidget *m_eventsDock = nullptr;
    QDockWidget *m_messageDock = nullptr;
    QDockWidget *m_expectationsDock = nullptr;
    QDockWidget *m_pushPullDock = nullptr;
    QDockWidget *m_realClientsDock = nullptr;
    QDockWidget *m_explanationDock = nullptr;
    QDockWidget *m_serversDock = nullptr;

    QAction *m_playAction = nullptr;
    QAction *m_reloadAction = nullptr;
    QString m_source;
    QByteArray m_sourceBytes;
    scenario::Scenario m_loaded;              // as loaded, before a route chosen in the menu
    std::optional<mail::AccessRoute> m_route; // chosen in Simulation > Read mail with
    QActionGroup *m_routeGroup = nullptr;
    bool m_wasAtEnd = false;
    std::optional<std::size_t> m_inspected; // the event whose message the inspector shows
    QFont m_baseFont;
    int m_zoom = 100;
    bool m_persistent = true;
    style::Theme m_theme = style::Theme::Light;
};

} // namespace mailsim::gui
