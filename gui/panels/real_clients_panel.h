// The Real clients panel: opens a simulated mail server of the scenario to real mail programs
// on this computer (curl, Thunderbird, mutt, Python's smtplib) through the real-client bridge
// (simulator/bridge), and says how to reach it: which real port leads to which simulated one,
// the users and their passwords, and commands ready to copy into a terminal.
//
// Starting asks the controller (SimulationController::startListening), which gives the world
// a way in for real clients and runs it in real time; every view then shows the real
// clients' events as they happen, marked with the flag "⚑". What the panel shows of the
// bridge (real ports, connections, accounts) it reads from the controller's bridge. It
// listens on 127.0.0.1 only: a simulated server with known passwords has no business on a
// network.
//
// Sizes come from the panel's font (the window's zoom), the commands are in a fixed-width
// face of the same size, and everything scrolls when the dock is small.
#pragma once

#include "bridge/client_commands.h"
#include "bridge/real_client_bridge.h"

#include <QWidget>

#include <map>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QVBoxLayout;

namespace mailsim::gui {

class SimulationController;

class RealClientsPanel : public QWidget
{
    Q_OBJECT
public:
    // `controller` must outlive the panel.
    explicit RealClientsPanel(SimulationController &controller, QWidget *parent = nullptr);

    // What Start listening asks for: the mail server (a host name of the scenario's) and,
    // per service, whether to open it and on which port (0: any free port).
    bool setServer(const QString &hostname); // false when the scenario has no such server
    [[nodiscard]] QString server() const;
    void setService(bridge::Service service, bool open, quint16 port);
    [[nodiscard]] bool isServiceChosen(bridge::Service service) const;
    [[nodiscard]] bridge::BridgeOptions options() const;

    // As the button does. False when it could not listen; the status line says why.
    bool startListening();
    void stopListening();

    // The status line as plain text: "Not listening…", "✓ Listening on 127.0.0.1…" followed
    // by a line per service ("SMTP submission 127.0.0.1:2525 → mail.example.org port 587"),
    // or "✗ Could not listen: …".
    [[nodiscard]] QString statusText() const;
    // Why the last Start listening failed ("" after a success): the bridge's words.
    [[nodiscard]] QString errorText() const { return m_error; }
    // The users of the chosen server and their passwords, one "address  password" a line.
    [[nodiscard]] QString accountsText() const;
    // The commands shown (only while listening: they need the real ports).
    [[nodiscard]] const std::vector<bridge::ClientCommand> &commands() const { return m_commands; }
    // "SMTP submission", "POP3", "IMAP", "Web mail (HTTP)".
    [[nodiscard]] static QString serviceTitle(bridge::Service service);

Q_SIGNALS:
    // A command went to the clipboard (its title): the window says so in its status bar.
    void copied(const QString &title);

protected:
    void changeEvent(QEvent *event) override;

private:
    void refillServers();
    void refresh(); // status, accounts and commands: after a start, a stop, a client
    void rebuildCommands();
    void applyFonts();
    [[nodiscard]] std::vector<bridge::Account> accounts() const;

    SimulationController &m_controller;
    QWidget *m_settings = nullptr; // the server and the services: hidden while listening
    QComboBox *m_server = nullptr;
    std::map<bridge::Service, QCheckBox *> m_checks;
    std::map<bridge::Service, QSpinBox *> m_ports;
    QPushButton *m_start = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_routes = nullptr; // while listening: each real port and where it leads
    QLabel *m_accountsTitle = nullptr;
    QLabel *m_accounts = nullptr;
    QLabel *m_commandsTitle = nullptr;
    QWidget *m_commandsBox = nullptr;
    QVBoxLayout *m_commandsLayout = nullptr;
    std::vector<bridge::ClientCommand> m_commands;
    QStringList m_serverNames; // of the scenario the combo was filled from
    QString m_error;           // why the last start failed; cleared by the next one
};

} // namespace mailsim::gui
