#include "panels/real_clients_panel.h"

#include "control/simulation_controller.h"
#include "style/theme.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTextDocumentFragment>
#include <QVBoxLayout>

namespace mailsim::gui {

namespace {

QLabel *wrappedLabel(QWidget *parent, Qt::TextFormat format = Qt::PlainText)
{
    auto *label = new QLabel(parent);
    label->setTextFormat(format);
    label->setWordWrap(true);
    return label;
}

QString colourName(const QColor &c)
{
    return c.name(QColor::HexRgb);
}

} // namespace

RealClientsPanel::RealClientsPanel(SimulationController &controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    // Everything in a scroll area: docks may be squeezed to a few lines at a large zoom.
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *page = new QWidget(scroll);
    auto *layout = new QVBoxLayout(page);

    // The choices; hidden while listening, when the status says what was chosen and what
    // matters is how to connect.
    m_settings = new QWidget(page);
    auto *settingsLayout = new QVBoxLayout(m_settings);
    settingsLayout->setContentsMargins(0, 0, 0, 0);
    auto *intro = wrappedLabel(m_settings);
    intro->setText(tr("Let mail programs on this computer (curl, Thunderbird, mutt, Python) talk to a "
                      "simulated mail server. What they send enters the simulation, and every panel "
                      "shows it as it happens, marked ⚑."));
    settingsLayout->addWidget(intro);

    auto *form = new QGridLayout;
    auto *serverLabel = new QLabel(tr("Mail server:"), m_settings);
    m_server = new QComboBox(m_settings);
    m_server->setObjectName(QStringLiteral("realClientsServer"));
    m_server->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    serverLabel->setBuddy(m_server);
    form->addWidget(serverLabel, 0, 0);
    form->addWidget(m_server, 0, 1, 1, 3, Qt::AlignLeft);
    // Two services a row: the panel shares its dock's height with the status and commands.
    int index = 0;
    for (bridge::Service s : bridge::kServices) {
        auto *check = new QCheckBox(serviceTitle(s), m_settings);
        check->setObjectName(QStringLiteral("realClientsUse-%1").arg(QLatin1String(bridge::toString(s))));
        check->setChecked(true);
        auto *port = new QSpinBox(m_settings);
        port->setObjectName(QStringLiteral("realClientsPort-%1").arg(QLatin1String(bridge::toString(s))));
        port->setRange(0, 65535);
        port->setSpecialValueText(tr("any free")); // 0: the system picks a free port
        port->setValue(bridge::defaultPort(s));
        port->setPrefix(tr("port "));
        // Typing a port takes a click; the arrow keys otherwise stay with the step controls.
        port->setFocusPolicy(Qt::ClickFocus);
        check->setFocusPolicy(Qt::NoFocus);
        connect(check, &QCheckBox::toggled, port, &QWidget::setEnabled);
        connect(check, &QCheckBox::toggled, this, [this] { refresh(); });
        const int row = 1 + index / 2;
        const int column = 2 * (index % 2);
        form->addWidget(check, row, column);
        form->addWidget(port, row, column + 1, Qt::AlignLeft);
        m_checks[s] = check;
        m_ports[s] = port;
        ++index;
    }
    form->setColumnStretch(4, 1);
    settingsLayout->addLayout(form);
    layout->addWidget(m_settings);

    m_start = new QPushButton(tr("Start listening"), page);
    m_start->setObjectName(QStringLiteral("realClientsStart"));
    m_start->setFocusPolicy(Qt::NoFocus);
    connect(m_start, &QPushButton::clicked, this, [this] {
        if (m_controller.isListening())
            stopListening();
        else
            startListening();
    });
    // The button and the status on one row: the dock is short at 1280x720.
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_start, 0, Qt::AlignTop);
    m_status = wrappedLabel(page, Qt::RichText);
    m_status->setObjectName(QStringLiteral("realClientsStatus"));
    buttonRow->addWidget(m_status, 1);
    layout->addLayout(buttonRow);
    m_routes = wrappedLabel(page, Qt::RichText);
    m_routes->setObjectName(QStringLiteral("realClientsPorts"));
    m_routes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_routes);

    // The commands first: the quickest way to see the panels react. The users after them,
    // for setting up a mail program by hand.
    m_commandsTitle = new QLabel(tr("Try it: paste one into a terminal"), page);
    layout->addWidget(m_commandsTitle);
    m_commandsBox = new QWidget(page);
    m_commandsLayout = new QVBoxLayout(m_commandsBox);
    m_commandsLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_commandsBox);

    m_accountsTitle = new QLabel(tr("Users and passwords"), page);
    layout->addWidget(m_accountsTitle);
    m_accounts = wrappedLabel(page, Qt::RichText);
    m_accounts->setObjectName(QStringLiteral("realClientsAccounts"));
    m_accounts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_accounts);
    layout->addStretch(1);

    scroll->setWidget(page);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(&controller, &SimulationController::worldReplaced, this, [this] {
        refillServers();
        refresh();
    });
    connect(&controller, &SimulationController::listeningChanged, this, [this] {
        rebuildCommands();
        refresh();
    });
    connect(&controller, &SimulationController::realClientsChanged, this, [this] { refresh(); });
    connect(m_server, &QComboBox::currentIndexChanged, this, [this] { refresh(); });

    applyFonts();
    refillServers();
    rebuildCommands();
    refresh();
}

QString RealClientsPanel::serviceTitle(bridge::Service service)
{
    switch (service) {
    case bridge::Service::Smtp: return tr("SMTP submission");
    case bridge::Service::Pop3: return tr("POP3");
    case bridge::Service::Imap: return tr("IMAP");
    case bridge::Service::Http: return tr("Web mail (HTTP)");
    }
    return {};
}

bool RealClientsPanel::setServer(const QString &hostname)
{
    const int index = m_server->findText(hostname, Qt::MatchFixedString);
    if (index < 0)
        return false;
    m_server->setCurrentIndex(index);
    return true;
}

QString RealClientsPanel::server() const
{
    return m_server->currentText();
}

void RealClientsPanel::setService(bridge::Service service, bool open, quint16 port)
{
    m_checks.at(service)->setChecked(open);
    m_ports.at(service)->setValue(port);
}

bool RealClientsPanel::isServiceChosen(bridge::Service service) const
{
    return m_checks.at(service)->isChecked();
}

bridge::BridgeOptions RealClientsPanel::options() const
{
    bridge::BridgeOptions options; // 127.0.0.1, the gate's usual limits
    for (bridge::Service s : bridge::kServices) {
        if (m_checks.at(s)->isChecked())
            options.ports[s] = static_cast<quint16>(m_ports.at(s)->value());
    }
    return options;
}

bool RealClientsPanel::startListening()
{
    m_error.clear();
    const bridge::BridgeOptions chosen = options();
    bool ok = false;
    if (server().isEmpty())
        m_error = tr("the scenario has no mail server");
    else if (chosen.ports.empty())
        m_error = tr("tick at least one service");
    else
        ok = m_controller.startListening(server(), chosen, &m_error);
    // listeningChanged has refreshed the panel on success; a failure changes nothing else.
    refresh();
    return ok;
}

void RealClientsPanel::stopListening()
{
    m_controller.stopListening();
}

void RealClientsPanel::refillServers()
{
    QStringList names;
    for (const world::ServerSpec &s : m_controller.scenario().world.servers)
        names << s.settings.hostname;
    if (names == m_serverNames)
        return; // the same scenario (a reset, or the world of real clients): keep the choice
    m_serverNames = names;
    const QSignalBlocker blocker(m_server);
    m_server->clear();
    m_server->addItems(names);
    setServer(bridge::defaultRealClientServer(m_controller.scenario().world));
}

std::vector<bridge::Account> RealClientsPanel::accounts() const
{
    if (const bridge::RealClientBridge *b = m_controller.bridge(); b && b->gate())
        return b->gate()->accounts();
    // Before listening: the same list the gate will give, from the scenario.
    std::vector<bridge::Account> list;
    QString domain;
    for (const world::ServerSpec &s : m_controller.scenario().world.servers) {
        if (s.settings.hostname == server())
            domain = '@' + s.settings.domain;
    }
    if (domain.size() < 2)
        return list;
    for (const world::UserSpec &user : m_controller.scenario().world.users) {
        if (user.address.endsWith(domain, Qt::CaseInsensitive))
            list.push_back({user.address, world::loginPassword(user)});
    }
    return list;
}

QString RealClientsPanel::accountsText() const
{
    QStringList lines;
    for (const bridge::Account &a : accounts())
        lines << QStringLiteral("%1  %2").arg(a.address, a.password);
    return lines.join(QLatin1Char('\n'));
}

QString RealClientsPanel::statusText() const
{
    QString text = QTextDocumentFragment::fromHtml(m_status->text()).toPlainText();
    if (m_controller.isListening()) // and where each real port leads
        text += QLatin1Char('\n') + QTextDocumentFragment::fromHtml(m_routes->text()).toPlainText();
    return text;
}

void RealClientsPanel::refresh()
{
    const bool listening = m_controller.isListening();
    const QPalette &pal = palette();
    m_start->setText(listening ? tr("■ Stop listening") : tr("▶ Start listening"));
    m_settings->setVisible(!listening);
    m_server->setEnabled(!listening);
    for (bridge::Service s : bridge::kServices) {
        m_checks.at(s)->setEnabled(!listening);
        m_ports.at(s)->setEnabled(!listening && m_checks.at(s)->isChecked());
    }

    QString html;
    if (listening) {
        const bridge::RealClientBridge &b = *m_controller.bridge();
        const bridge::RealClientGate &gate = *b.gate();
        const int open = b.openConnections();
        const QString clients = open == 1 ? tr("1 real client connected") : tr("%1 real clients connected").arg(open);
        html = QStringLiteral("<b style=\"color:%1\">%2</b>")
                   .arg(colourName(style::replyClassColor(2, pal)),
                        tr("✓ Listening on %1 for %2 · %3")
                            .arg(b.address().toString(), gate.server().settings().hostname, clients)
                            .toHtmlEscaped());
        // Which real port leads where in the simulation: the lecture's port numbers.
        QString ports = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">");
        for (bridge::Service s : bridge::kServices) {
            if (!b.port(s))
                continue;
            const std::optional<bridge::ServiceTarget> target = gate.target(s);
            QString host = gate.server().settings().hostname;
            for (const world::ServerSpec &spec : m_controller.worldSpec().servers) {
                if (s == bridge::Service::Http && spec.settings.hostname == host && !spec.web.host.isEmpty())
                    host = spec.web.host;
            }
            ports += QStringLiteral("<tr><td>%1&nbsp;&nbsp;</td><td><tt>%2:%3</tt>&nbsp;&nbsp;</td><td>%4</td></tr>")
                         .arg(serviceTitle(s).toHtmlEscaped(), b.address().toString())
                         .arg(b.port(s))
                         .arg(tr("→ %1 port %2").arg(host).arg(target ? target->port : 0).toHtmlEscaped());
        }
        ports += QStringLiteral("</table>");
        m_routes->setText(ports);
    } else if (!m_error.isEmpty()) {
        html = QStringLiteral("<b style=\"color:%1\">%2</b><br>%3")
                   .arg(colourName(style::replyClassColor(5, pal)),
                        tr("✗ Could not listen: %1").arg(m_error).toHtmlEscaped(),
                        tr("Nothing was opened. Choose another port (or \"any free\") and start again.").toHtmlEscaped());
    } else {
        html = tr("Not listening. Start listening opens the server on this computer only "
                  "(127.0.0.1), and starts the scenario again in real time.")
                   .toHtmlEscaped();
    }
    m_status->setText(html);
    m_routes->setVisible(listening);

    // The users: selectable, to copy an address or a password.
    const std::vector<bridge::Account> list = accounts();
    QString table = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">");
    for (const bridge::Account &a : list)
        table += QStringLiteral("<tr><td><tt>%1</tt>&nbsp;&nbsp;</td><td><tt>%2</tt></td></tr>")
                     .arg(a.address.toHtmlEscaped(), a.password.toHtmlEscaped());
    table += QStringLiteral("</table>");
    if (list.empty())
        table = QStringLiteral("<p>%1</p>").arg(tr("(no user of the scenario has a mailbox on this server)"));
    else
        table += QStringLiteral("<p>%1</p>")
                     .arg(tr("Mail to these users needs no login; to send elsewhere, log in (AUTH PLAIN or LOGIN).")
                              .toHtmlEscaped());
    m_accounts->setText(table);
    m_commandsTitle->setVisible(listening);
}

void RealClientsPanel::rebuildCommands()
{
    while (QLayoutItem *item = m_commandsLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_commands.clear();
    const bridge::RealClientBridge *b = m_controller.bridge();
    if (!b || !b->gate())
        return;
    std::map<bridge::Service, quint16> open;
    for (bridge::Service s : bridge::kServices) {
        if (b->port(s))
            open[s] = b->port(s);
    }
    m_commands = bridge::clientCommands(*b->gate(), b->address(), open);
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSizeF(font().pointSizeF());
    for (const bridge::ClientCommand &c : m_commands) {
        auto *box = new QWidget(m_commandsBox);
        auto *boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        auto *head = new QHBoxLayout;
        auto *copy = new QPushButton(tr("Copy"), box);
        copy->setObjectName(QStringLiteral("copyCommand"));
        copy->setFocusPolicy(Qt::NoFocus);
        copy->setToolTip(tr("Copy the command to the clipboard"));
        const QString command = c.command;
        const QString title = c.title;
        connect(copy, &QPushButton::clicked, this, [this, command, title] {
            QGuiApplication::clipboard()->setText(command);
            Q_EMIT copied(title);
        });
        auto *titleLabel = wrappedLabel(box);
        titleLabel->setText(c.title);
        head->addWidget(copy);
        head->addWidget(titleLabel, 1);
        boxLayout->addLayout(head);
        auto *line = wrappedLabel(box);
        line->setObjectName(QStringLiteral("commandText"));
        line->setText(c.command);
        line->setFont(fixed);
        line->setTextInteractionFlags(Qt::TextSelectableByMouse);
        boxLayout->addWidget(line);
        m_commandsLayout->addWidget(box);
    }
}

void RealClientsPanel::applyFonts()
{
    // Bold headings in the panel's (zoomed) font; the commands in a fixed-width face of the
    // same size, so that they read as what one types.
    QFont bold = font();
    bold.setBold(true);
    m_accountsTitle->setFont(bold);
    m_commandsTitle->setFont(bold);
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSizeF(font().pointSizeF());
    for (QLabel *line : m_commandsBox->findChildren<QLabel *>(QStringLiteral("commandText")))
        line->setFont(fixed);
    const int gap = QFontMetrics(font()).height() / 2;
    if (auto *page = m_status->parentWidget(); page && page->layout())
        page->layout()->setSpacing(gap);
}

void RealClientsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyFonts();
    else if (event->type() == QEvent::PaletteChange)
        refresh(); // the status colours are the theme's
}

} // namespace mailsim::gui
