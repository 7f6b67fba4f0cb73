// mailsim-cli: the simulator without a window. Plays a scenario and prints every step:
// stage headers, DNS and TCP events, each SMTP command and reply, queue and mailbox
// changes, with an explanation for students; or the raw trace as JSON Lines. Also checks
// scenario files, prints a template for new ones, and shows the MIME tree of a message file.
#include "message/mime.h"
#include "message/mime_report.h"
#include "scenario/access_override.h"
#include "scenario/expectation_check.h"
#include "scenario/scenario_loader.h"
#include "trace/explainer.h"
#include "trace/json_formatter.h"
#include "trace/text_formatter.h"
#include "world/world.h"
#include "cli/cli_support.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTextStream>

#include <cstdio>
#include <cstring>
#include <optional>

using namespace mailsim;
using namespace mailsim::cli;

namespace {

int run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Play a scenario (FILE, or the built-in one: Alice writes to Bob) and print every step;\n"
        "then check the scenario's expectations. Exit status 1 when one fails."));
    parser.addHelpOption();
    QCommandLineOption format(QStringLiteral("format"),
                              QStringLiteral("Output format: text (default) or json (JSON Lines, one event per line)."),
                              QStringLiteral("format"), QStringLiteral("text"));
    QCommandLineOption untilStage(QStringLiteral("until-stage"),
                                  QStringLiteral("Stop after stage N (1-6)."), QStringLiteral("N"));
    QCommandLineOption brief(QStringLiteral("brief"),
                             QStringLiteral("Leave out the explanations for students."));
    QCommandLineOption color(QStringLiteral("color"),
                             QStringLiteral("Colour: auto (default: only on a terminal), always or never."),
                             QStringLiteral("when"), QStringLiteral("auto"));
    QCommandLineOption access(QStringLiteral("access"),
                              QStringLiteral("Every user reads mail by this route: pop3-keep, pop3-delete, imap or web\n"
                                             "(default: as the scenario says)."),
                              QStringLiteral("route"));
    parser.addOptions({format, untilStage, brief, color, access});
    parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("The command."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A scenario file (optional)."), QStringLiteral("[FILE]"));
    QString file;
    if (const std::optional<int> done = parseCommandLine(parser, args, &file))
        return *done;

    const QString fmt = parser.value(format);
    if (fmt != QLatin1String("text") && fmt != QLatin1String("json"))
        return usageError(QStringLiteral("unknown format '%1' (expected text or json)").arg(fmt));
    int lastStage = 6;
    if (parser.isSet(untilStage)) {
        bool ok = false;
        lastStage = parser.value(untilStage).toInt(&ok);
        if (!ok || lastStage < 1 || lastStage > 6)
            return usageError(QStringLiteral("--until-stage wants a number from 1 to 6, not '%1'")
                                  .arg(parser.value(untilStage)));
    }
    const std::optional<bool> useColor = colourWanted(parser.value(color));
    if (!useColor)
        return usageError(QStringLiteral("--color wants auto, always or never, not '%1'").arg(parser.value(color)));

    std::optional<mail::AccessRoute> route;
    if (parser.isSet(access)) {
        route = mail::accessRouteFromString(parser.value(access));
        if (!route)
            return usageError(QStringLiteral("--access wants pop3-keep, pop3-delete, imap or web, not '%1'")
                                  .arg(parser.value(access)));
    }
    std::optional<scenario::Scenario> loaded = loadOrReport(file);
    if (!loaded)
        return 1;
    if (route)
        loaded = scenario::withAccessRoute(*loaded, *route);
    world::World world(loaded->world);
    if (reportProblems(world))
        return 1;

    const bool json = fmt == QLatin1String("json");
    trace::TextFormatOptions options;
    options.color = *useColor;
    options.explanations = !parser.isSet(brief);
    options.stageNotes = loaded->lessonNotes;
    trace::TextFormatter text(world.trace(), options);
    bool stopped = false;
    world.addTraceListener([&](const trace::TraceEvent &e, std::size_t index) {
        if (stopped || (e.stage > lastStage && e.stage != 0)) {
            stopped = true;
            return;
        }
        if (json)
            out() << toJsonLine(world.trace(), index) << '\n';
        else
            out() << text.format(index);
    });
    if (!json)
        out() << text.title(world.spec().title, world.spec().description);
    while (!stopped && world.step()) {
    }
    if (!json) {
        out() << stateSummary(world);
        out() << QStringLiteral("%1 events, virtual time %2%3\n")
                     .arg(world.trace().size() - (stopped ? 1 : 0))
                     .arg(trace::TextFormatter::formatTime(world.simulation().now()),
                          stopped ? QStringLiteral(", stopped after stage %1").arg(lastStage) : QString());
    }
    out().flush();
    if (stopped || loaded->expectations.empty())
        return 0; // expectations describe the end of a run

    // Expectations go to standard output with the text, to standard error with JSON, so
    // that the JSON stream stays one event per line.
    QTextStream &report = json ? err() : out();
    const auto results = scenario::checkExpectations(loaded->expectations, world);
    int failed = 0;
    report << "\nExpectations:\n";
    for (const scenario::ExpectationResult &r : results) {
        failed += !r.passed;
        report << (r.passed ? "  passed  " : "  FAILED  ") << r.description;
        if (!r.passed)
            report << " — but " << r.actual;
        report << '\n';
    }
    report << (failed ? QStringLiteral("%1 of %2 expectations failed.\n").arg(failed).arg(results.size())
                      : QStringLiteral("All %1 expectations passed.\n").arg(results.size()));
    report.flush();
    return failed ? 1 : 0;
}

int check(const QStringList &args)
{
    const QStringList files = args.mid(2);
    if (files.isEmpty() || files.contains(QStringLiteral("--help")) || files.contains(QStringLiteral("-h"))) {
        out() << "Usage: mailsim-cli check FILE...\n\n"
                 "Checks scenario files without running them. Prints every error as\n"
                 "FILE:LINE:COLUMN: message, and exits with 1 when a file has one.\n";
        out().flush();
        return files.isEmpty() ? 2 : 0;
    }
    int bad = 0;
    for (const QString &file : files) {
        const scenario::LoadResult result = scenario::loadScenarioFile(file);
        if (result.ok()) {
            out() << file << ": OK (" << result.scenario->world.title << ")\n";
            continue;
        }
        ++bad;
        for (const scenario::ScenarioError &e : result.errors)
            out() << e.toString() << '\n';
    }
    out().flush();
    return bad ? 1 : 0;
}

int newScenario()
{
    QFile file(QStringLiteral(":/templates/new-scenario.yaml"));
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "mailsim-cli: the scenario template is missing from this build\n";
        return 1;
    }
    out().flush();
    const QByteArray text = file.readAll();
    std::fwrite(text.constData(), 1, text.size(), stdout);
    return 0;
}

int mime(const QStringList &args)
{
    QStringList rest = args.mid(2);
    message::ReportOptions options;
    if (rest.contains(QStringLiteral("--help")) || rest.contains(QStringLiteral("-h"))) {
        out() << "Usage: mailsim-cli mime [--no-text] [--lines N] FILE\n\n"
                 "Prints the MIME structure of a message file (for example a .eml saved from\n"
                 "a mail program): each part's type, transfer encoding, size as sent and\n"
                 "decoded, attachment names, the decoded text of text parts (--lines N per\n"
                 "part, 40 by default; --no-text for none), and what looked wrong, with its\n"
                 "byte offset. Any bytes are accepted; nothing is changed.\n";
        return 0;
    }
    if (rest.removeAll(QStringLiteral("--no-text")) > 0)
        options.showText = false;
    const qsizetype linesAt = rest.indexOf(QStringLiteral("--lines"));
    if (linesAt >= 0) {
        bool ok = false;
        options.maxTextLines = rest.value(linesAt + 1).toInt(&ok);
        if (!ok || options.maxTextLines < 0)
            return usageError(QStringLiteral("--lines wants a number of lines, not '%1'").arg(rest.value(linesAt + 1)));
        rest.remove(linesAt, 2);
    }
    if (rest.size() != 1)
        return usageError(QStringLiteral("mime takes one message file"));
    QFile file(rest.front());
    if (!file.open(QIODevice::ReadOnly)) {
        err() << "mailsim-cli: " << rest.front() << ": " << file.errorString() << '\n';
        return 1;
    }
    const message::ParsedMessage parsed = message::parseMessage(file.readAll());
    out() << message::describeMimeTree(parsed, options);
    out().flush();
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    // serve is a socket server that answers each real client's command at once. With Qt's
    // own event loop it makes a third fewer system calls per SMTP message than with the GLib
    // one, which wakes itself up (a write and a read of an eventfd) whenever a socket
    // notifier is switched on or off (docs/benchmarks.md). Qt chooses when the application
    // is made, so the choice is made here, unless the caller has set QT_NO_GLIB already.
    // Nothing else changes: the same events, signals and timers, in the same order.
    if (argc > 1 && std::strcmp(argv[1], "serve") == 0 && !qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mailsim-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAILSIM_VERSION));
    const QStringList args = QCoreApplication::arguments();

    const QString command = args.value(1);
    if (command == QLatin1String("run"))
        return run(args);
    if (command == QLatin1String("check"))
        return check(args);
    if (command == QLatin1String("new"))
        return newScenario();
    if (command == QLatin1String("mime"))
        return mime(args);
    if (command == QLatin1String("serve"))
        return serve(args);
    if (command == QLatin1String("--version")) {
        out() << "mailsim-cli " << MAILSIM_VERSION << '\n';
        return 0;
    }
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        out() << "Usage: mailsim-cli COMMAND [options]\n\n"
                 "MailSim plays a miniature mail system: user agents, mail servers, DNS and a\n"
                 "network, speaking real SMTP, and prints every step.\n\n"
                 "Commands:\n"
                 "  run [FILE]      play a scenario (by default the built-in one, in which Alice\n"
                 "                  writes to Bob), print every step, check its expectations\n"
                 "  check FILE...   check scenario files and print every error\n"
                 "  new             print a commented template to start a scenario from\n"
                 "  mime FILE       print the MIME structure of a message file (.eml)\n"
                 "  serve [FILE]    let real mail programs (curl, Thunderbird, Python) talk SMTP,\n"
                 "                  POP3, IMAP and web mail to a simulated server on 127.0.0.1\n\n"
                 "'mailsim-cli run --help' and 'mailsim-cli serve --help' list their options.\n";
        return command.isEmpty() ? 2 : 0;
    }
    return usageError(QStringLiteral("unknown command '%1'").arg(command));
}
