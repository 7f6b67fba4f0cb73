// Every example under scenarios/ is a working exercise: it builds a world without problems,
// and when played to the end, every expectation the file states holds.
#include "scenario/scenario_test_support.h"

#include "scenario/expectation_check.h"
#include "scenario/scenario_loader.h"
#include "world/world.h"

#include <QDir>

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

TEST(ScenarioExamples, EveryExpectationHoldsWhenPlayed)
{
    const QDir dir(sourcePath(QStringLiteral("scenarios")));
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty());
    for (const QString &file : files) {
        SCOPED_TRACE(file.toStdString());
        const LoadResult loaded = loadScenarioFile(dir.filePath(file));
        ASSERT_TRUE(loaded.ok()) << errorsText(loaded).toStdString();
        world::World world(loaded.scenario->world);
        EXPECT_TRUE(world.problems().isEmpty()) << world.problems().join('\n').toStdString();
        world.runToEnd();
        EXPECT_FALSE(loaded.scenario->expectations.empty());
        for (const ExpectationResult &r : checkExpectations(loaded.scenario->expectations, world)) {
            EXPECT_TRUE(r.passed) << "line " << r.where.line << ": " << r.description.toStdString()
                                  << "; " << r.actual.toStdString();
        }
    }
}

} // namespace
} // namespace mailsim::scenario::test
