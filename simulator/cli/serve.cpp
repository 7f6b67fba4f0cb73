// mailsim-cli serve: opens a simulated mail server to real mail programs on this computer
// (see bridge/real_client_bridge.h), prints where it listens and who may log in, then streams
// the trace until Ctrl-C, SIGTERM or --max-seconds.
#include "bridge/client_commands.h"
#include "bridge/real_client_bridge.h"
#include "cli/cli_support.h"
#include "trace/json_formatter.h"
#include "trace/text_formatter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace mailsim::cli {

namespace {

// Ctrl-C and SIGTERM reach the event loop through a pipe: a signal handler may do almost
// nothing, and writing a byte is one of the few things it may.
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

bool catchStopSignals()
{
    if (::pipe(g_signalPipe) != 0)
        return false;
    ::fcntl(g_signalPipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(SIGINT, &action, nullptr) == 0 && sigaction(SIGTERM, &action, nullptr) == 0;
}

QString serviceTitle(bridge::Service s)
{
    switch (s) {
    case bridge::Service::Smtp: return QStringLiteral("SMTP submission");
    case bridge::Service::Pop3: return QStringLiteral("POP3");
    case bridge::Service::Imap: return QStringLiteral("IMAP");
    case bridge::Service::Http: return QStringLiteral("Web mail (HTTP)");
    }
    return {};
}

} // namespace

int serve(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Let real mail programs (curl, Thunderbird, mutt, swaks, Python's smtplib) talk to a\n"
        "simulated mail server of a scenario (FILE, or the built-in one) over TCP on this\n"
        "computer: SMTP submission with AUTH PLAIN or LOGIN, POP3, IMAP and web mail over HTTP.\n"
        "Mail they send enters the simulated world (queue, relay, mailboxes); they can read it\n"
        "back. The simulation runs in real time; every event is printed as it happens.\n"
        "Stop with Ctrl-C (or SIGTERM)."));
    parser.addHelpOption();
    std::map<bridge::Service, QCommandLineOption> portOptions;
    for (bridge::Service s : bridge::kServices) {
        portOptions.emplace(s, QCommandLineOption(QString::fromLatin1(bridge::toString(s)),
                                                  QStringLiteral("Port for %1 (default %2; 0: any free port).")
                                                      .arg(serviceTitle(s))
                                                      .arg(bridge::defaultPort(s)),
                                                  QStringLiteral("port")));
        parser.addOption(portOptions.at(s));
    }
    QCommandLineOption only(QStringLiteral("only"),
                            QStringLiteral("Open only these services, e.g. smtp,imap (default: all four; "
                                           "a port option also opens its service)."),
                            QStringLiteral("list"));
    QCommandLineOption server(QStringLiteral("server"),
                              QStringLiteral("The simulated mail server to open (a host name; default: the "
                                             "first user's server)."),
                              QStringLiteral("host"));
    QCommandLineOption listen(QStringLiteral("listen"),
                              QStringLiteral("The address to listen on (default 127.0.0.1). Anything else opens a "
                                             "server with known passwords to the network: only when you mean it."),
                              QStringLiteral("address"), QStringLiteral("127.0.0.1"));
    QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                      QStringLiteral("Real clients connected at once (default %1); more are told "
                                                     "to try again later (SMTP 421).")
                                          .arg(bridge::GateLimits{}.maxConnections),
                                      QStringLiteral("N"));
    QCommandLineOption idle(QStringLiteral("idle-timeout"),
                            QStringLiteral("Close a session silent this long, in seconds (default: 300 for SMTP, "
                                           "600 for POP3, 1800 for IMAP, 60 for HTTP)."),
                            QStringLiteral("seconds"));
    QCommandLineOption maxSeconds(QStringLiteral("max-seconds"),
                                  QStringLiteral("Stop by itself after this many seconds (default: never)."),
                                  QStringLiteral("seconds"));
    QCommandLineOption format(QStringLiteral("format"),
                              QStringLiteral("The trace as text (default), json (JSON Lines) or none."),
                              QStringLiteral("format"), QStringLiteral("text"));
    QCommandLineOption brief(QStringLiteral("brief"), QStringLiteral("Leave out the explanations for students."));
    QCommandLineOption color(QStringLiteral("color"),
                             QStringLiteral("Colour: auto (default), always or never."),
                             QStringLiteral("when"), QStringLiteral("auto"));
    parser.addOptions({only, server, listen, maxConnections, idle, maxSeconds, format, brief, color});
    parser.addPositionalArgument(QStringLiteral("serve"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A scenario file (optional)."), QStringLiteral("[FILE]"));
    QString file;
    if (const std::optional<int> done = parseCommandLine(parser, args, &file))
        return *done;

    // Which services, on which ports.
    bridge::BridgeOptions options;
    std::set<bridge::Service> wanted;
    if (parser.isSet(only)) {
        for (const QString &name : parser.value(only).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const std::optional<bridge::Service> s = bridge::serviceFromString(name.trimmed());
            if (!s)
                return usageError(QStringLiteral("--only wants smtp, pop3, imap or http, not '%1'").arg(name));
            wanted.insert(*s);
        }
    }
    for (bridge::Service s : bridge::kServices) {
        if (parser.isSet(portOptions.at(s)))
            wanted.insert(s);
    }
    if (wanted.empty())
        wanted.insert(bridge::kServices.begin(), bridge::kServices.end());
    for (bridge::Service s : wanted) {
        quint16 port = bridge::defaultPort(s);
        if (parser.isSet(portOptions.at(s))) {
            bool ok = false;
            const uint value = parser.value(portOptions.at(s)).toUInt(&ok);
            if (!ok || value > 65535)
                return usageError(QStringLiteral("--%1 wants a port number from 0 to 65535, not '%2'")
                                      .arg(QString::fromLatin1(bridge::toString(s)), parser.value(portOptions.at(s))));
            port = static_cast<quint16>(value);
        }
        options.ports[s] = port;
    }
    if (!options.address.setAddress(parser.value(listen)))
        return usageError(QStringLiteral("--listen wants an IP address, not '%1'").arg(parser.value(listen)));
    if (parser.isSet(maxConnections)) {
        bool ok = false;
        options.limits.maxConnections = parser.value(maxConnections).toInt(&ok);
        if (!ok || options.limits.maxConnections < 1 || options.limits.maxConnections > 10000)
            return usageError(QStringLiteral("--max-connections wants a number from 1 to 10000, not '%1'")
                                  .arg(parser.value(maxConnections)));
    }
    if (parser.isSet(idle)) {
        bool ok = false;
        const double seconds = parser.value(idle).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 24 * 3600)
            return usageError(QStringLiteral("--idle-timeout wants seconds, more than 0 and at most a day, not '%1'")
                                  .arg(parser.value(idle)));
        options.limits.setIdleTimeout(static_cast<core::SimTime>(seconds * 1e6));
    }
    double stopAfter = 0;
    if (parser.isSet(maxSeconds)) {
        bool ok = false;
        stopAfter = parser.value(maxSeconds).toDouble(&ok);
        if (!ok || stopAfter <= 0)
            return usageError(QStringLiteral("--max-seconds wants a number of seconds, not '%1'").arg(parser.value(maxSeconds)));
    }
    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("text") && fmt != QLatin1String("json") && fmt != QLatin1String("none"))
        return usageError(QStringLiteral("unknown format '%1' (expected text, json or none)").arg(fmt));
    const std::optional<bool> useColor = colourWanted(parser.value(color));
    if (!useColor)
        return usageError(QStringLiteral("--color wants auto, always or never, not '%1'").arg(parser.value(color)));

    // The world, with a way in for real clients at the chosen server.
    std::optional<scenario::Scenario> loaded = loadOrReport(file);
    if (!loaded)
        return 1;
    QString problem;
    const std::optional<world::WorldSpec> spec = bridge::withRealClients(
        loaded->world, parser.isSet(server) ? parser.value(server) : bridge::defaultRealClientServer(loaded->world),
        options.ports.count(bridge::Service::Http) > 0, &problem);
    if (!spec)
        return usageError(problem);
    world::World world(*spec);
    if (reportProblems(world))
        return 1;

    trace::TextFormatOptions textOptions;
    textOptions.color = *useColor;
    textOptions.explanations = !parser.isSet(brief);
    textOptions.stageNotes = loaded->lessonNotes;
    trace::TextFormatter text(world.trace(), textOptions);
    if (fmt != QLatin1String("none")) {
        world.addTraceListener([&](const trace::TraceEvent &, std::size_t index) {
            if (fmt == QLatin1String("json"))
                out() << toJsonLine(world.trace(), index) << '\n';
            else
                out() << text.format(index);
            out().flush(); // a stream: each event as it happens
        });
    }

    if (!catchStopSignals()) {
        err() << "mailsim-cli: cannot catch Ctrl-C\n";
        return 1;
    }
    bridge::RealClientBridge bridge(world);
    if (!bridge.start(options)) {
        err() << "mailsim-cli: " << bridge.errorString() << '\n';
        err().flush();
        return 1;
    }

    // What listens where, who may log in, and what to try: the banner goes to standard error
    // when the trace is JSON, so that standard output stays one event per line.
    QTextStream &banner = fmt == QLatin1String("json") ? err() : out();
    const mail::MailServer &target = bridge.gate()->server();
    banner << QStringLiteral("MailSim serves %1 (%2) to real mail clients.\n")
                  .arg(target.settings().hostname, world.trace().actor(target.actor()).label);
    std::map<bridge::Service, quint16> open;
    for (bridge::Service s : bridge::kServices) {
        if (!bridge.port(s))
            continue;
        open[s] = bridge.port(s);
        const bridge::ServiceTarget where = *bridge.gate()->target(s);
        banner << QStringLiteral("  %1 %2:%3  → %4 port %5\n")
                      .arg(serviceTitle(s).leftJustified(16), bridge.address().toString())
                      .arg(bridge.port(s))
                      .arg(world.network().host(where.host).name)
                      .arg(where.port);
    }
    banner << "Users and passwords:\n";
    for (const bridge::Account &a : bridge.gate()->accounts())
        banner << "  " << a.address << "  " << a.password << '\n';
    banner << "Mail to the users here needs no login; to relay elsewhere, log in (AUTH PLAIN or LOGIN).\n"
              "Try:\n";
    for (const bridge::ClientCommand &c : bridge::clientCommands(*bridge.gate(), bridge.address(), open))
        banner << "  # " << c.title << "\n  " << c.command << '\n';
    banner << "Stop with Ctrl-C.\n";
    // One line per service for scripts and tests: "LISTENING <service> <address> <port>".
    for (const auto &[s, port] : open)
        banner << "LISTENING " << bridge::toString(s) << ' ' << bridge.address().toString() << ' ' << port << '\n';
    banner.flush();

    QSocketNotifier stopNotifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&stopNotifier, &QSocketNotifier::activated, qApp, [] {
        char byte;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    if (stopAfter > 0)
        QTimer::singleShot(static_cast<int>(stopAfter * 1000), qApp, &QCoreApplication::quit);

    QCoreApplication::exec();
    const int stillOpen = bridge.openConnections();
    bridge.stop();

    QTextStream &summary = banner;
    summary << "\nStopped";
    if (stillOpen)
        summary << " (" << stillOpen << (stillOpen == 1 ? " real connection closed)" : " real connections closed)");
    summary << '.' << stateSummary(world);
    qsizetype stored = 0;
    for (const auto &s : world.servers()) {
        for (const auto &[local, box] : s->mailboxes())
            stored += static_cast<qsizetype>(box.totalMessages());
    }
    summary << "STORED " << stored << " messages in all mailboxes" << '\n';
    summary.flush();
    return 0;
}

} // namespace mailsim::cli
