// mailsim-cli: the simulator without a window. Plays a scenario and prints every step:
// stage headers, DNS and TCP events, each SMTP command and reply, queue and mailbox
// changes, with an explanation for students; or the raw trace as JSON Lines.
#include "trace/explainer.h"
#include "trace/json_formatter.h"
#include "trace/text_formatter.h"
#include "world/world.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>

using namespace mailsim;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int usageError(const QString &message)
{
    err() << "mailsim-cli: " << message << "\nTry 'mailsim-cli --help'.\n";
    err().flush();
    return 2;
}

QString stateSummary(const world::World &world)
{
    QString s = QStringLiteral("\nState at the end:\n");
    for (const auto &server : world.servers()) {
        s += QStringLiteral("  %1  queue: %2").arg(server->settings().hostname)
                 .arg(server->queue().empty() ? QStringLiteral("empty")
                                              : QStringLiteral("%1 waiting").arg(server->queue().size()));
        QStringList boxes;
        for (const auto &[local, box] : server->mailboxes())
            boxes << QStringLiteral("%1 (%2)").arg(box.owner()).arg(box.size());
        s += QStringLiteral("  mailboxes: %1\n").arg(boxes.join(QStringLiteral(", ")));
    }
    return s;
}

int run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Play a scenario and print every step."));
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
    parser.addOptions({format, untilStage, brief, color});
    parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("The command."));
    if (!parser.parse(args))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return 0;
    }
    if (parser.positionalArguments().size() > 1)
        return usageError(QStringLiteral("run: scenario files are not supported yet; run plays the built-in default"));

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
    const QString colorWhen = parser.value(color);
    if (colorWhen != QLatin1String("auto") && colorWhen != QLatin1String("always") && colorWhen != QLatin1String("never"))
        return usageError(QStringLiteral("--color wants auto, always or never, not '%1'").arg(colorWhen));
    const bool useColor = colorWhen == QLatin1String("always")
                          || (colorWhen == QLatin1String("auto") && isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR"));

    world::World world(world::defaultWorldSpec());
    if (!world.problems().isEmpty()) {
        err() << "mailsim-cli: the scenario is inconsistent:\n";
        for (const QString &p : world.problems())
            err() << "  " << p << '\n';
        err().flush();
        return 1;
    }

    const bool json = fmt == QLatin1String("json");
    trace::TextFormatter text(world.trace(), {useColor, !parser.isSet(brief)});
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
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mailsim-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MAILSIM_VERSION));
    const QStringList args = QCoreApplication::arguments();

    const QString command = args.value(1);
    if (command == QLatin1String("run"))
        return run(args);
    if (command == QLatin1String("--version")) {
        out() << "mailsim-cli " << MAILSIM_VERSION << '\n';
        return 0;
    }
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        out() << "Usage: mailsim-cli COMMAND [options]\n\n"
                 "MailSim plays a miniature mail system: user agents, mail servers, DNS and a\n"
                 "network, speaking real SMTP, and prints every step.\n\n"
                 "Commands:\n"
                 "  run      play the built-in scenario (Alice writes to Bob) and print the trace\n\n"
                 "'mailsim-cli run --help' lists the options of run.\n";
        return command.isEmpty() ? 2 : 0;
    }
    return usageError(QStringLiteral("unknown command '%1'").arg(command));
}
