#include "cli/cli_support.h"

#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"

#include <QStringList>

#include <unistd.h>

namespace mailsim::cli {

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

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &args, QString *file)
{
    if (!parser.parse(args))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 2)
        return usageError(QStringLiteral("%1 takes at most one scenario file").arg(positional.value(0)));
    *file = positional.value(1);
    return std::nullopt;
}

bool reportProblems(const world::World &world)
{
    if (world.problems().isEmpty())
        return false;
    err() << "mailsim-cli: the scenario is inconsistent:\n";
    for (const QString &p : world.problems())
        err() << "  " << p << '\n';
    err().flush();
    return true;
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

std::optional<scenario::Scenario> loadOrReport(const QString &file)
{
    if (file.isEmpty())
        return scenario::builtInScenario();
    const scenario::LoadResult result = scenario::loadScenarioFile(file);
    for (const scenario::ScenarioError &e : result.errors)
        err() << e.toString() << '\n';
    err().flush();
    return result.scenario;
}

std::optional<bool> colourWanted(const QString &when)
{
    if (when == QLatin1String("always"))
        return true;
    if (when == QLatin1String("never"))
        return false;
    if (when == QLatin1String("auto"))
        return isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR");
    return std::nullopt;
}

} // namespace mailsim::cli
