// The corpus of broken scenario files: tests/data/scenarios/broken/NAME.yaml, each with
// NAME.errors holding, line by line, exactly the errors the loader must report
// ("NAME.yaml:LINE:COLUMN: message"). One test per file; adding a pair of files adds a test.
#include "scenario/scenario_test_support.h"

#include "scenario/scenario_loader.h"

#include <QDir>
#include <QFileInfo>

#include <gtest/gtest.h>

namespace mailsim::scenario::test {
namespace {

QString brokenDir()
{
    return testDataPath(QStringLiteral("scenarios/broken"));
}

std::vector<std::string> brokenFiles()
{
    std::vector<std::string> names;
    const QStringList files =
        QDir(brokenDir()).entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        names.push_back(QFileInfo(file).completeBaseName().toStdString());
    return names;
}

class ScenarioBroken : public testing::TestWithParam<std::string>
{
};

TEST_P(ScenarioBroken, ReportsExactlyTheExpectedErrors)
{
    const QString name = QString::fromStdString(GetParam());
    const QDir dir(brokenDir());
    const QByteArray yaml = readAll(dir.filePath(name + QStringLiteral(".yaml")));
    const QString expectedText =
        QString::fromUtf8(readAll(dir.filePath(name + QStringLiteral(".errors"))));
    QStringList expected = expectedText.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_FALSE(expected.isEmpty()) << "no expected errors for " << GetParam();

    // Attachments given as files are looked for next to the broken files.
    const LoadResult result = loadScenario(yaml, name + QStringLiteral(".yaml"), brokenDir());
    EXPECT_FALSE(result.ok());
    EXPECT_FALSE(result.scenario.has_value()) << "all or nothing: no scenario with errors";
    QStringList actual;
    for (const ScenarioError &e : result.errors) {
        EXPECT_GE(e.line, 1);
        EXPECT_GE(e.column, 1);
        EXPECT_EQ(e.fileName, name + QStringLiteral(".yaml"));
        actual << e.toString();
    }
    EXPECT_EQ(actual.join(QLatin1Char('\n')).toStdString(),
              expected.join(QLatin1Char('\n')).toStdString());
}

std::string testName(const testing::TestParamInfo<std::string> &info)
{
    std::string name = info.param;
    for (char &c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)))
            c = '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, ScenarioBroken, testing::ValuesIn(brokenFiles()), testName);

TEST(ScenarioBrokenCorpus, HasAtLeastTwentyFilesEachWithErrors)
{
    const std::vector<std::string> files = brokenFiles();
    EXPECT_GE(files.size(), 20u);
    const QDir dir(brokenDir());
    for (const std::string &file : files) {
        EXPECT_TRUE(QFileInfo::exists(
            dir.filePath(QString::fromStdString(file) + QStringLiteral(".errors"))))
            << file;
    }
}

TEST(ScenarioBrokenCorpus, SomeFilesReportSeveralErrors)
{
    int several = 0;
    const QDir dir(brokenDir());
    for (const std::string &file : brokenFiles()) {
        const QString name = QString::fromStdString(file);
        const LoadResult r =
            loadScenario(readAll(dir.filePath(name + QStringLiteral(".yaml"))), name);
        several += r.errors.size() > 1 ? 1 : 0;
    }
    EXPECT_GE(several, 10);
}

} // namespace
} // namespace mailsim::scenario::test
