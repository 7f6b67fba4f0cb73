// The classroom window: the stage bar on top, the controls, the event being shown with its
// explanation and exact bytes, the event table, and each server's queue and mailboxes.
// It holds no simulation state: the controller owns the world, the panels render the trace.
#pragma once

#include <QMainWindow>

class QAction;
class QLabel;
class QPlainTextEdit;
class QSlider;
class QTableView;
class QTimer;
class QTreeView;

namespace mailsim::scenario {
struct Scenario;
}

namespace mailsim::gui {

class SimulationController;
class StageBar;
class TraceModel;
class TraceFilterModel;
class ServerStateModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    void loadScenario(const scenario::Scenario &scenario, const QString &source);
    // Opens a scenario file; a file with errors leaves the open scenario as it was. The
    // errors go to *errors when given, else into a message box. Returns whether it loaded.
    bool openFile(const QString &path, QStringList *errors = nullptr);
    [[nodiscard]] SimulationController &controller() { return *m_controller; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildPanels();
    void updateView();
    void setPlaying(bool playing);
    void showCurrentEvent();

    SimulationController *m_controller = nullptr;
    TraceModel *m_traceModel = nullptr;
    TraceFilterModel *m_filterModel = nullptr;
    ServerStateModel *m_serverModel = nullptr;

    StageBar *m_stageBar = nullptr;
    QLabel *m_position = nullptr;
    QPlainTextEdit *m_eventText = nullptr;
    QTableView *m_eventTable = nullptr;
    QTreeView *m_serverTree = nullptr;
    QSlider *m_speed = nullptr;
    QTimer *m_playTimer = nullptr;

    QAction *m_playAction = nullptr;
    QString m_source;
};

} // namespace mailsim::gui
