// mailsim: the classroom window. Plays a scenario (by default the built-in one) step by
// step; --screenshot renders the window at a chosen point to a PNG and exits, so that the
// pictures in the documentation can be made again after a change (scripts/screenshots.sh).
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "scenario/built_in.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

namespace {

std::optional<QSize> parseSize(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('x'));
    bool okWidth = false;
    bool okHeight = false;
    const int width = parts.value(0).toInt(&okWidth);
    const int height = parts.value(1).toInt(&okHeight);
    if (parts.size() != 2 || !okWidth || !okHeight || width < 320 || height < 240 || width > 8192 || height > 8192)
        return std::nullopt;
    return QSize(width, height);
}

// --listen-real-clients: "default" (every service on its usual port), "any" (every service on
// any free port), or a list such as "smtp=2525,imap=0".
std::optional<std::map<mailsim::bridge::Service, quint16>> parseRealClientPorts(const QString &text)
{
    using mailsim::bridge::Service;
    std::map<Service, quint16> ports;
    if (text == QLatin1String("default") || text == QLatin1String("any")) {
        for (Service s : mailsim::bridge::kServices)
            ports[s] = text == QLatin1String("any") ? 0 : mailsim::bridge::defaultPort(s);
        return ports;
    }
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList parts = item.split(QLatin1Char('='));
        const std::optional<Service> service = mailsim::bridge::serviceFromString(parts.value(0).trimmed());
        bool ok = parts.size() == 1;
        uint port = service ? mailsim::bridge::defaultPort(*service) : 0;
        if (parts.size() == 2)
            port = parts[1].trimmed().toUInt(&ok);
        if (!service || !ok || port > 65535)
            return std::nullopt;
        ports[*service] = quint16(port);
    }
    if (ports.empty())
        return std::nullopt;
    return ports;
}

int fail(const QString &message)
{
    std::fprintf(stderr, "mailsim: %s\n", qPrintable(message));
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailSim"));
    QApplication::setApplicationName(QStringLiteral("MailSim"));
    // Large enough to read on a projector from the back of a room.
    QFont font = QApplication::font();
    font.setPointSizeF(std::max(font.pointSizeF(), 12.0));
    QApplication::setFont(font);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A miniature mail system for teaching how e-mail travels."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A scenario file (optional)."), QStringLiteral("[FILE]"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Render the window to PNG file PATH and exit."), QStringLiteral("PATH"));
    QCommandLineOption stage(QStringLiteral("stage"), QStringLiteral("Before the screenshot, go to the start of stage N (1-6)."),
                             QStringLiteral("N"));
    QCommandLineOption event(QStringLiteral("event"),
                             QStringLiteral("Before the screenshot, show event N (1 is the first; as in the status bar)."),
                             QStringLiteral("N"));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for the screenshot, WxH."),
                            QStringLiteral("WxH"), QStringLiteral("1280x720"));
    QCommandLineOption theme(QStringLiteral("theme"), QStringLiteral("Theme for the screenshot: light or dark."),
                             QStringLiteral("NAME"), QStringLiteral("light"));
    QCommandLineOption zoom(QStringLiteral("zoom"), QStringLiteral("Zoom for the screenshot, in percent."),
                            QStringLiteral("PERCENT"), QStringLiteral("100"));
    QCommandLineOption access(QStringLiteral("access"),
                              QStringLiteral("Every user reads mail by ROUTE: pop3-keep, pop3-delete, imap or web\n"
                                             "(Simulation > Read mail with)."),
                              QStringLiteral("ROUTE"));
    QCommandLineOption end(QStringLiteral("end"), QStringLiteral("Before the screenshot, run to the end."));
    QCommandLineOption panel(QStringLiteral("panel"),
                             QStringLiteral("Before the screenshot, bring a panel to the front: push-pull, message, "
                                            "expectations, events, queues or real-clients."),
                             QStringLiteral("NAME"));
    QCommandLineOption listen(QStringLiteral("listen-real-clients"),
                              QStringLiteral("Start listening for real mail programs on this computer at start-up "
                                             "(the Real clients panel, on 127.0.0.1). PORTS: default (smtp 2525, "
                                             "pop3 2110, imap 2143, http 8080), any (any free ports), or a list "
                                             "such as smtp=2525,imap=0 (0: any free port)."),
                              QStringLiteral("PORTS"));
    parser.addOptions({screenshot, stage, event, size, theme, zoom, access, end, panel, listen});
    parser.process(app);

    const bool shooting = parser.isSet(screenshot);
    for (const QCommandLineOption *only : {&stage, &event, &size, &theme, &zoom, &end, &panel})
        if (!shooting && parser.isSet(*only))
            return fail(QStringLiteral("--%1 goes with --screenshot").arg(only->names().front()));
    const std::optional<QSize> windowSize = parseSize(parser.value(size));
    if (!windowSize)
        return fail(QStringLiteral("--size wants WxH between 320x240 and 8192x8192, e.g. 1280x720"));

    std::optional<std::map<mailsim::bridge::Service, quint16>> realClientPorts;
    if (parser.isSet(listen)) {
        // Listening starts the scenario again in real time: there is no event N to go to yet.
        for (const QCommandLineOption *timed : {&stage, &event, &end})
            if (parser.isSet(*timed))
                return fail(QStringLiteral("--%1 does not go with --listen-real-clients: the scenario plays in real time")
                                .arg(timed->names().front()));
        realClientPorts = parseRealClientPorts(parser.value(listen));
        if (!realClientPorts)
            return fail(QStringLiteral("--listen-real-clients wants default, any, or a list such as smtp=2525,imap=0"));
    }

    std::optional<mailsim::mail::AccessRoute> route;
    if (parser.isSet(access)) {
        route = mailsim::mail::accessRouteFromString(parser.value(access));
        if (!route)
            return fail(QStringLiteral("--access wants pop3-keep, pop3-delete, imap or web"));
    }

    mailsim::gui::MainWindow window(nullptr, /*persistent=*/!shooting);
    if (route)
        window.setAccessRoute(route);
    const QString file = parser.positionalArguments().value(0);
    if (file.isEmpty()) {
        window.loadScenario(mailsim::scenario::builtInScenario(), QString());
    } else {
        QStringList errors;
        if (!window.openFile(file, &errors)) {
            for (const QString &e : errors)
                std::fprintf(stderr, "%s\n", qPrintable(e));
            return 1;
        }
    }
    // Before anything is shown: starting to listen replaces the world, and the cursor follows
    // the scenario as it plays in real time.
    if (realClientPorts) {
        QString error;
        if (!window.listenForRealClients(*realClientPorts, &error))
            return fail(error);
    }
    if (!shooting) {
        window.show();
        return app.exec();
    }

    window.resize(*windowSize);
    window.resetLayout();
    window.setTheme(mailsim::gui::style::themeFromName(parser.value(theme)));
    window.setZoom(parser.value(zoom).toInt());
    auto &controller = window.controller();
    if (parser.isSet(stage)) {
        const int target = parser.value(stage).toInt();
        if (target < 1 || target > 6)
            return fail(QStringLiteral("--stage wants 1 to 6"));
        while (controller.currentStage() < target && controller.nextStage()) {
        }
    }
    if (parser.isSet(event)) {
        bool ok = false;
        const qlonglong n = parser.value(event).toLongLong(&ok);
        if (!ok || n < 0)
            return fail(QStringLiteral("--event wants a number, 0 for before the first event"));
        controller.seek(std::size_t(n));
        if (controller.cursor() != std::size_t(n))
            return fail(QStringLiteral("the scenario has only %1 events").arg(controller.trace().size()));
    }
    if (parser.isSet(end))
        controller.runToEnd();
    const QString panelName = parser.value(panel);
    if (parser.isSet(panel) && !window.showPanel(panelName))
        return fail(QStringLiteral("--panel wants push-pull, message, expectations, events, queues or real-clients"));
    window.show();
    window.resize(*windowSize); // again: a layout change before show may have grown it
    // Shown first, so that docks and layouts have their real sizes; the panel asked for is
    // brought forward once more (reaching the end raises the expectations), and the window
    // is painted after the tab switch has been laid out.
    const auto grab = [&] {
        const QImage image = window.grab().toImage();
        const bool saved = image.save(parser.value(screenshot), "PNG");
        if (!saved)
            std::fprintf(stderr, "mailsim: could not write %s\n", qPrintable(parser.value(screenshot)));
        app.exit(saved ? 0 : 1);
    };
    if (realClientPorts) {
        // Listening, the scenario plays in real time: the picture waits until it has played
        // and been shown (at most ten seconds: a scenario may wait minutes for a retry).
        auto *poll = new QTimer(&app);
        auto waited = std::make_shared<int>(0);
        constexpr int kPollMs = 100;
        QObject::connect(poll, &QTimer::timeout, &app, [&, poll, waited] {
            *waited += kPollMs;
            const bool played = controller.worldIdle() && controller.cursor() == controller.trace().size();
            if (!played && *waited < 10000)
                return;
            poll->stop();
            if (!panelName.isEmpty())
                window.showPanel(panelName);
            QTimer::singleShot(200, &app, grab);
        });
        poll->start(kPollMs);
        return app.exec();
    }
    QTimer::singleShot(200, &app, [&] {
        if (!panelName.isEmpty())
            window.showPanel(panelName);
    });
    QTimer::singleShot(400, &app, grab);
    return app.exec();
}
