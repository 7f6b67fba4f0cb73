// Nothing is lost: serialize(parseMessage(x).root) == x for every file of the test data,
// for random bytes shaped like mail, and for a message cut short at every offset.
#include "message/codecs.h"
#include "message/mime.h"
#include "message/mime_test_support.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

#include <gtest/gtest.h>

#include <random>

using namespace mailsim::message;
using namespace mailsim::message::test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

TEST(MimeRoundTrip, EveryFileOfTheTestDataComesBackByteForByte)
{
    int files = 0;
    QDirIterator it(QStringLiteral(MAILSIM_TEST_DATA_DIR), QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray bytes = readFile(path);
        const ParsedMessage p = parseMessage(bytes);
        EXPECT_EQ(serialize(p.root), bytes) << path.toStdString();
        ++files;
    }
    EXPECT_GT(files, 50);
}

// The sample messages, each with the tree it must give and how many warnings.
TEST(MimeRoundTrip, TheSampleMessagesGiveTheirTrees)
{
    struct Sample
    {
        const char *file;
        const char *shape; // the start of shape()
        std::size_t warnings;
    };
    const Sample samples[] = {
        {"client-alternative-attachment.eml",
         "multipart/mixed[multipart/alternative[text/plain \"Hi Bob,\\r\\n\\r\\nhere is the "
         "picture",
         0},
        {"latin1-quoted-printable.eml",
         "multipart/mixed[text/plain \"Bonjour \\xe0 tous,\\r\\n\\r\\nla r\\xe9union de "
         "l'\\xe9quipe "
         "aura lieu jeudi \\xe0 10 h dans la grande salle. Merci",
         0},
        {"forwarded-message.eml",
         "multipart/mixed[text/plain \"See below, Alice asked about lunch.\\r\\n\", "
         "message/rfc822{text/plain \"Shall we meet at noon? The caf\\xc3\\xa9 on the "
         "corner.\\r\\n\"}]",
         0},
        {"unix-mailbox-lf.eml", "text/plain \"Every line of this file ends in a bare LF", 2},
        {"broken-unterminated.eml",
         "multipart/mixed[text/plain \"The transfer stopped in the middle of the attachment.\", "
         "application/octet-stream \"\\0\\x01\\x02",
         2},
    };
    for (const Sample &s : samples) {
        SCOPED_TRACE(s.file);
        const QByteArray bytes =
            readFile(QStringLiteral(MAILSIM_TEST_DATA_DIR "/messages/") + QLatin1String(s.file));
        ASSERT_FALSE(bytes.isEmpty());
        const ParsedMessage p = parseMessage(bytes);
        EXPECT_EQ(serialize(p.root), bytes);
        EXPECT_TRUE(shape(p.root).startsWith(QLatin1String(s.shape)))
            << shape(p.root).left(300).toStdString();
        EXPECT_EQ(p.warnings.size(), s.warnings) << describe(p.warnings).toStdString();
    }
    const ParsedMessage latin1 = parseMessage(
        readFile(QStringLiteral(MAILSIM_TEST_DATA_DIR "/messages/latin1-quoted-printable.eml")));
    EXPECT_EQ(latin1.root.parts[1].filename(), QStringLiteral("ordre du jour r\u00e9union.odt"));
    EXPECT_EQ(decodeHeaderText(latin1.root.header.value("Subject")),
              QStringLiteral("R\u00e9union de l'\u00e9quipe jeudi"));
    EXPECT_EQ(decodeHeaderText(latin1.root.header.value("From")),
              QStringLiteral("Ren\u00e9e Fran\u00e7ois <renee@example.fr>"));
}

// Random messages made of the pieces that matter to the parser (line ends, colons, white
// space, dashes, boundaries, type fields), plus arbitrary bytes.
TEST(MimeRoundTrip, RandomMailLikeBytesComeBack)
{
    const QByteArray pieces[] = {"\r\n",
                                 "\n",
                                 "\r",
                                 ":",
                                 " ",
                                 "\t",
                                 "-",
                                 "--",
                                 "--b",
                                 "--b--",
                                 "--c",
                                 "\0",
                                 "Content-Type: multipart/mixed; boundary=b\r\n",
                                 "Content-Type: multipart/alternative; boundary=\"c\"\r\n",
                                 "Content-Type: message/rfc822\r\n",
                                 "Content-Transfer-Encoding: base64\r\n",
                                 "Content-Transfer-Encoding: quoted-printable\r\n",
                                 "Subject: =?utf-8?q?x?=",
                                 "filename*0*=utf-8''%E2; filename*1*=%82%AC",
                                 "=\r\n",
                                 "=4",
                                 "QUJD",
                                 "\xff\xfe",
                                 "text",
                                 "X-Field:",
                                 " continued"};
    std::mt19937 rng(822);
    std::uniform_int_distribution<int> pick(0, int(std::size(pieces)) - 1);
    std::uniform_int_distribution<int> length(0, 200);
    for (int round = 0; round < 3000; ++round) {
        QByteArray bytes;
        for (int i = length(rng); i > 0; --i) {
            const QByteArray &piece = pieces[pick(rng)];
            bytes += piece.isEmpty() ? QByteArray(1, '\0') : piece;
        }
        const ParsedMessage p = parseMessage(bytes);
        ASSERT_EQ(serialize(p.root), bytes) << round << ": " << escaped(bytes).toStdString();
        // Decoding what was read never fails either.
        Warnings w;
        (void)p.root.text(&w);
    }
}

TEST(MimeRoundTrip, AMessageCutShortAnywhereComesBackAndSaysItIsIncomplete)
{
    const QByteArray m = "From: a@example.org\r\n"
                         "Content-Type: multipart/mixed; boundary=\"cut here\"\r\n"
                         "\r\n"
                         "--cut here\r\n"
                         "Content-Type: text/plain; charset=utf-8\r\n"
                         "Content-Transfer-Encoding: quoted-printable\r\n"
                         "\r\n"
                         "caf=C3=A9\r\n"
                         "--cut here\r\n"
                         "Content-Type: application/octet-stream\r\n"
                         "Content-Transfer-Encoding: base64\r\n"
                         "\r\n"
                         "AAECAw==\r\n"
                         "--cut here--\r\n";
    const qsizetype complete = m.indexOf("--cut here--") + 12;
    ASSERT_TRUE(parseMessage(m).warnings.empty());
    ASSERT_TRUE(parseMessage(m.first(complete)).warnings.empty());
    const qsizetype secondPart = m.indexOf("\r\n--cut here\r\n", m.indexOf("caf")) + 14;
    for (qsizetype size = 1; size < complete; ++size) {
        const QByteArray cut = m.first(size);
        const ParsedMessage p = parseMessage(cut);
        ASSERT_EQ(serialize(p.root), cut) << size;
        EXPECT_FALSE(p.warnings.empty()) << "cut at " << size << " without a warning";
        if (size > secondPart) {
            // The first part is whole by now. (Cut just before the closing "--", the last
            // line is a delimiter that opens a third, empty part.)
            ASSERT_GE(p.root.parts.size(), 2u) << size;
            EXPECT_EQ(p.root.parts[0].text(), QStringLiteral("caf\u00e9")) << size;
        }
    }
}
