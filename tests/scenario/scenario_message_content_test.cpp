// What a message in a scenario file may hold besides a plain body: a character set, an HTML
// version, attachments (inline base64 or files next to the scenario) and raw messages given
// verbatim; and the server setting that switches 8BITMIME off. Loading, the values read, and
// writing back (the round trip the window's Save relies on).
#include "scenario/scenario_test_support.h"

#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_writer.h"

#include <QFileInfo>

#include <gtest/gtest.h>

#include <random>

namespace mailsim::scenario::test {
namespace {

const char kHead[] = R"(title: Message content
dns: { host: dns.example, address: 198.51.100.53 }
domains:
  - name: example.org
    server: { host: mail.example.org, address: 192.0.2.25, eight-bit-mime: false }
users:
  - address: alice@example.org
    computer: { host: alice-pc.example.org, address: 192.0.2.10 }
  - address: bob@example.org
    computer: { host: bob-pc.example.org, address: 192.0.2.11 }
links:
  - { between: [alice-pc.example.org, mail.example.org] }
  - { between: [bob-pc.example.org, mail.example.org] }
)";

// The folder the `file:` references of these tests start from.
QString filesDir()
{
    return testDataPath(QStringLiteral("scenarios/files"));
}

LoadResult load(const QByteArray &messages, const QString &baseDirectory = filesDir())
{
    return loadScenario(QByteArray(kHead) + messages, QStringLiteral("t.yaml"), baseDirectory);
}

const char kContent[] = R"(messages:
  - id: rich
    from: alice@example.org
    to: bob@example.org
    subject: Grüße
    charset: UTF-8
    body: |
      Hello Bob,
      a file and a picture.
    html: |
      <p>Hello Bob,<br>a <b>file</b> and a picture.</p>
    attachments:
      - file: hello.txt
        type: Text/Plain
      - { file: ../files/all-bytes.bin, name: bytes.bin }
      - name: dot.png
        type: image/png
        base64: |
          iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA
          hKmMIQAAAABJRU5ErkJggg==
      - { name: empty.txt, type: text/plain, base64: "" }
  - id: verbatim
    from: alice@example.org
    to: [bob@example.org]
    bcc: alice@example.org
    raw: |
      From: Somebody Else <ceo@example.com>
      To: undisclosed-recipients:;
      Subject: The envelope and the header differ

      Look at RCPT TO.
timeline:
  - { at: 0s, send: rich }
  - { at: 1s, send: verbatim }
expect:
  - { mailbox: bob@example.org, count: 1, attachment: dot.png }
  - { mailbox: bob@example.org, count: 2, subject: Grüße, attachment: hello.txt }
)";

TEST(ScenarioMessageContent, EveryKeyIsRead)
{
    const LoadResult r = load(kContent);
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    const world::WorldSpec &w = r.scenario->world;
    EXPECT_FALSE(w.servers[0].settings.eightBitMime);
    ASSERT_EQ(w.sends.size(), 2u);

    const world::SendSpec &rich = w.sends[0];
    EXPECT_EQ(rich.charset, QStringLiteral("utf-8")); // names are kept in lower case
    EXPECT_EQ(rich.body, QStringLiteral("Hello Bob,\na file and a picture.\n"));
    EXPECT_EQ(rich.html, QStringLiteral("<p>Hello Bob,<br>a <b>file</b> and a picture.</p>\n"));
    EXPECT_TRUE(rich.raw.isEmpty());
    ASSERT_EQ(rich.attachments.size(), 4u);

    const world::AttachmentSpec &text = rich.attachments[0];
    EXPECT_EQ(text.name, QStringLiteral("hello.txt")); // the file's own name by default
    EXPECT_EQ(text.mediaType, QStringLiteral("text/plain"));
    EXPECT_EQ(text.content, readAll(QDir(filesDir()).filePath(QStringLiteral("hello.txt"))));
    EXPECT_EQ(text.sourceFile, QStringLiteral("hello.txt"));

    const world::AttachmentSpec &bytes = rich.attachments[1];
    EXPECT_EQ(bytes.name, QStringLiteral("bytes.bin"));
    EXPECT_EQ(bytes.mediaType, QStringLiteral("application/octet-stream"));
    EXPECT_EQ(bytes.sourceFile, QStringLiteral("../files/all-bytes.bin"));
    ASSERT_EQ(bytes.content.size(), 768);
    for (int i = 0; i < bytes.content.size(); ++i)
        ASSERT_EQ(static_cast<unsigned char>(bytes.content[i]), i % 256) << i;

    const world::AttachmentSpec &png = rich.attachments[2];
    EXPECT_EQ(png.name, QStringLiteral("dot.png"));
    EXPECT_TRUE(png.content.startsWith("\x89PNG\r\n\x1a\n"));
    EXPECT_TRUE(png.sourceFile.isEmpty());
    EXPECT_TRUE(rich.attachments[3].content.isEmpty());

    const world::SendSpec &verbatim = w.sends[1];
    EXPECT_TRUE(verbatim.raw.startsWith(QStringLiteral("From: Somebody Else <ceo@example.com>\n")));
    EXPECT_TRUE(verbatim.raw.endsWith(QStringLiteral("\n\nLook at RCPT TO.\n")));
    EXPECT_EQ(verbatim.to, QStringList{QStringLiteral("bob@example.org")});
    EXPECT_EQ(verbatim.bcc, QStringList{QStringLiteral("alice@example.org")});
    EXPECT_TRUE(verbatim.subject.isEmpty());

    ASSERT_EQ(r.scenario->expectations.size(), 2u);
    EXPECT_EQ(r.scenario->expectations[0].attachment, QStringLiteral("dot.png"));
    EXPECT_EQ(r.scenario->expectations[1].subject, QStringLiteral("Grüße"));
}

TEST(ScenarioMessageContent, WrittenBackAsWrittenAndLoadedTheSame)
{
    const LoadResult first = load(kContent);
    ASSERT_TRUE(first.ok()) << errorsText(first).toStdString();
    const QByteArray written = writeScenario(*first.scenario);
    // Files stay references, in the words the teacher used; inline bytes stay inline, as
    // base64 in lines of 76 characters at most.
    EXPECT_TRUE(written.contains("      - { file: hello.txt, type: text/plain }\n"))
        << written.data();
    EXPECT_TRUE(written.contains("      - { file: ../files/all-bytes.bin, name: bytes.bin }\n"))
        << written.data();
    EXPECT_TRUE(
        written.contains("      - name: dot.png\n        type: image/png\n        base64: |-\n"))
        << written.data();
    EXPECT_TRUE(written.contains("      - { name: empty.txt, type: text/plain, base64: \"\" }\n"))
        << written.data();
    EXPECT_TRUE(written.contains("    charset: utf-8\n"));
    EXPECT_TRUE(written.contains("      eight-bit-mime: false\n"));
    EXPECT_TRUE(written.contains("    raw: |\n      From: Somebody Else <ceo@example.com>\n"));
    EXPECT_TRUE(written.contains("attachment: dot.png }"));
    for (const QByteArray &line : written.split('\n'))
        EXPECT_LE(line.size(), 100) << line.data();

    const LoadResult second = loadScenario(written, QStringLiteral("w.yaml"), filesDir());
    ASSERT_TRUE(second.ok()) << errorsText(second).toStdString() << written.data();
    expectSameScenario(*first.scenario, *second.scenario);
    EXPECT_EQ(writeScenario(*second.scenario), written);
}

// Attachments made in code (the compose dialog's) have no file: their bytes are written
// inline, whatever they are, and come back the same.
TEST(ScenarioMessageContent, RandomBytesMadeInCodeComeBackTheSame)
{
    std::mt19937 random(5);
    Scenario s;
    s.world = builtInScenario().world;
    s.messageIds = {QStringLiteral("m")};
    for (const int size : {0, 1, 2, 3, 44, 45, 57, 58, 1000, 100000}) {
        world::AttachmentSpec a;
        a.name = QStringLiteral("file-%1.bin").arg(size);
        a.mediaType =
            size % 2 ? QStringLiteral("application/octet-stream") : QStringLiteral("image/x-test");
        for (int i = 0; i < size; ++i)
            a.content += static_cast<char>(random() % 256);
        s.world.sends[0].attachments.push_back(a);
    }
    s.world.sends[0].html = QStringLiteral("<p>Hello</p>");
    s.world.sends[0].charset = QStringLiteral("iso-8859-1");
    s.world.servers[1].settings.eightBitMime = false;
    const QByteArray written = writeScenario(s);
    const LoadResult r = loadScenario(written, QStringLiteral("w.yaml"));
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    expectSameScenario(s, *r.scenario);
    EXPECT_EQ(writeScenario(*r.scenario), written);
}

TEST(ScenarioMessageContent, RelativeFilesStartFromTheScenarioFilesFolder)
{
    // Without a folder given, the one of the file name is used.
    const QString path = QDir(filesDir()).filePath(QStringLiteral("scenario.yaml"));
    const QByteArray yaml = QByteArray(kHead) + R"(messages:
  - { id: m, from: alice@example.org, to: bob@example.org, attachments: [{ file: hello.txt }] }
timeline: [{ at: 0s, send: m }]
)";
    const LoadResult r = loadScenario(yaml, path);
    ASSERT_TRUE(r.ok()) << errorsText(r).toStdString();
    EXPECT_EQ(r.scenario->world.sends[0].attachments[0].name, QStringLiteral("hello.txt"));

    const LoadResult elsewhere = loadScenario(yaml, QStringLiteral("t.yaml"),
                                              testDataPath(QStringLiteral("scenarios/broken")));
    ASSERT_FALSE(elsewhere.ok());
    EXPECT_EQ(elsewhere.errors.size(), 1u);
    EXPECT_TRUE(
        elsewhere.errors[0].message.contains(QStringLiteral("there is no file 'hello.txt'")))
        << errorsText(elsewhere).toStdString();
}

TEST(ScenarioMessageContent, RawMessagesNeedAnEnvelope)
{
    const LoadResult r = load(R"(messages:
  - id: m
    from: alice@example.org
    raw: "Subject: hi\n\nbody\n"
timeline: [{ at: 0s, send: m }]
)");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].toString(),
              QStringLiteral("t.yaml:15:5: this message has no recipient: give at least one "
                             "address in 'to', 'cc' or 'bcc'"));
}

TEST(ScenarioMessageContent, BadBase64IsPointedAtInTheFile)
{
    // In a block, the line and column of the character itself.
    const LoadResult r = load(R"(messages:
  - id: m
    from: alice@example.org
    to: bob@example.org
    attachments:
      - name: a.bin
        base64: |
          QUJD
          QU;D
timeline: [{ at: 0s, send: m }]
)");
    ASSERT_EQ(r.errors.size(), 1u) << errorsText(r).toStdString();
    EXPECT_EQ(r.errors[0].line, 22);
    EXPECT_EQ(r.errors[0].column, 13);
    EXPECT_TRUE(r.errors[0].message.startsWith(QStringLiteral("'base64': ';' is not a base64")));
}

} // namespace
} // namespace mailsim::scenario::test
