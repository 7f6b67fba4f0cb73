// The loader never crashes on garbage. A seeded, bounded loop mutates the example files
// (deletes, duplicates and swaps lines, changes characters, inserts tabs, cuts the file)
// and checks each result is either a Scenario with no errors, or no Scenario and errors that
// all have a position. A mutated file that loads must also survive writing and loading back.
#include "scenario/scenario_test_support.h"

#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"

#include <QDir>

#include <gtest/gtest.h>

#include <random>

namespace mailsim::scenario::test {
namespace {

class Mutator
{
public:
    explicit Mutator(std::uint32_t seed) : m_random(seed) {}

    QByteArray mutate(const QByteArray &original)
    {
        QByteArrayList lines = original.split('\n');
        const int rounds = 1 + below(3);
        for (int i = 0; i < rounds && !lines.isEmpty(); ++i) {
            const int at = below(static_cast<int>(lines.size()));
            switch (below(9)) {
            case 0: // delete a line
                lines.removeAt(at);
                break;
            case 1: // duplicate a line
                lines.insert(at, lines[at]);
                break;
            case 2: // swap two lines
                lines.swapItemsAt(at, below(static_cast<int>(lines.size())));
                break;
            case 3: // a tab somewhere in the first columns
                lines[at].insert(std::min<int>(below(6), static_cast<int>(lines[at].size())), '\t');
                break;
            case 4: // re-indent a line
                lines[at] = QByteArray(below(9), ' ') + lines[at].trimmed();
                break;
            case 5: // cut the file here
                lines = lines.mid(0, at + 1);
                lines.last().truncate(below(static_cast<int>(lines.last().size()) + 1));
                break;
            default: { // change, insert or remove a character
                QByteArray &line = lines[at];
                const int pos = below(static_cast<int>(line.size()) + 1);
                const char c = kInteresting[below(static_cast<int>(sizeof kInteresting) - 1)];
                const int how = below(3);
                if (how == 0 && pos < line.size())
                    line[pos] = c;
                else if (how == 1)
                    line.insert(pos, c);
                else if (pos < line.size())
                    line.remove(pos, 1);
                break;
            }
            }
        }
        return lines.join('\n');
    }

private:
    int below(int n)
    {
        return n <= 0 ? 0 : static_cast<int>(m_random() % static_cast<unsigned>(n));
    }

    static constexpr char kInteresting[] = ":-[]{},#&*!|>'\"%@`?\t \\0a1.~\xC3\xA9\x01";
    std::mt19937 m_random;
};

TEST(ScenarioFuzz, MutatedExamplesNeverCrashTheLoader)
{
    const QDir dir(sourcePath(QStringLiteral("scenarios")));
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty());
    int loaded = 0;
    int refused = 0;
    for (const QString &file : files) {
        const QByteArray original = readAll(dir.filePath(file));
        Mutator mutator(20250303);
        for (int i = 0; i < 1500; ++i) {
            const QByteArray text = mutator.mutate(original);
            const LoadResult r = loadScenario(text, file, dir.path());
            if (r.ok()) {
                ++loaded;
                ASSERT_TRUE(r.errors.empty());
                const QByteArray written = writeScenario(*r.scenario);
                const LoadResult again =
                    loadScenario(written, QStringLiteral("written.yaml"), dir.path());
                ASSERT_TRUE(again.ok()) << "written from mutation " << i << ":\n"
                                        << text.toStdString() << "\n---\n"
                                        << written.toStdString() << "\n"
                                        << errorsText(again).toStdString();
                ASSERT_EQ(writeScenario(*again.scenario), written);
            } else {
                ++refused;
                ASSERT_FALSE(r.errors.empty()) << text.toStdString();
                for (const ScenarioError &e : r.errors) {
                    ASSERT_GE(e.line, 1) << e.toString().toStdString() << "\n"
                                         << text.toStdString();
                    ASSERT_GE(e.column, 1) << e.toString().toStdString();
                    ASSERT_FALSE(e.message.isEmpty());
                }
            }
        }
    }
    // The mutations are mild enough that some survive, and harsh enough that most do not.
    EXPECT_GT(loaded, 0);
    EXPECT_GT(refused, loaded);
}

TEST(ScenarioFuzz, PlainGarbage)
{
    std::mt19937 random(7);
    for (int i = 0; i < 500; ++i) {
        QByteArray text;
        const int length = static_cast<int>(random() % 200);
        for (int k = 0; k < length; ++k)
            text += static_cast<char>(random() % 256);
        const LoadResult r = loadScenario(text, QStringLiteral("garbage.yaml"));
        ASSERT_FALSE(r.ok());
        ASSERT_FALSE(r.errors.empty());
        for (const ScenarioError &e : r.errors)
            ASSERT_GE(e.line, 1);
    }
}

TEST(ScenarioFuzz, DeepNestingIsRefusedNotOverflowed)
{
    const LoadResult lists = loadScenario(QByteArray(100000, '['), QStringLiteral("deep.yaml"));
    EXPECT_FALSE(lists.ok());
    EXPECT_FALSE(lists.errors.empty());
    QByteArray maps;
    for (int i = 0; i < 3000; ++i)
        maps += QByteArray(i, ' ') + "a:\n";
    const LoadResult nested = loadScenario(maps, QStringLiteral("deep.yaml"));
    EXPECT_FALSE(nested.ok());
    EXPECT_FALSE(nested.errors.empty());
}

} // namespace
} // namespace mailsim::scenario::test
