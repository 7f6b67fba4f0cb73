#include "scenario/built_in.h"

#include "scenario/scenario_loader.h"

#include <QDir>
#include <QtGlobal>

namespace mailsim::scenario {

QString builtInScenarioPath()
{
    return QStringLiteral(":/scenarios/six-stages-basic.yaml");
}

QStringList exampleScenarioPaths()
{
    QStringList paths{builtInScenarioPath()};
    const QDir dir(QStringLiteral(":/scenarios"));
    for (const QString &name : dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name)) {
        const QString path = dir.filePath(name);
        if (path != builtInScenarioPath())
            paths << path;
    }
    return paths;
}

const Scenario &builtInScenario()
{
    static const Scenario scenario = [] {
        LoadResult result = loadScenarioFile(builtInScenarioPath());
        if (!result.ok()) {
            QString messages;
            for (const ScenarioError &e : result.errors)
                messages += e.toString() + QLatin1Char('\n');
            qFatal("the built-in scenario does not load:\n%s", qPrintable(messages));
        }
        return std::move(*result.scenario);
    }();
    return scenario;
}

} // namespace mailsim::scenario
