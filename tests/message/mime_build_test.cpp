// Messages built in code: the canonical form (CR LF, folding, base64 lines, boundaries),
// the choice of charset and encoding, and that the parser reads them back to what was put in.
#include "support/random_bytes.h"
#include "message/codecs.h"
#include "message/mime.h"
#include "message/mime_test_support.h"

#include <gtest/gtest.h>

#include <random>

using namespace mailsim::message;
using namespace mailsim::message::test;

using mailsim::test::randomBytes;

namespace {

// What the canonical form promises for every line of a message made in code.
void expectCanonical(const QByteArray &bytes)
{
    qsizetype pos = 0;
    bool inHeader = true;
    while (pos < bytes.size()) {
        const qsizetype lf = bytes.indexOf('\n', pos);
        ASSERT_GE(lf, 0) << "the last line has no line end";
        ASSERT_GT(lf, pos - 1);
        ASSERT_EQ(bytes[lf - 1], '\r') << "a bare LF at " << lf;
        const QByteArrayView line = QByteArrayView(bytes).sliced(pos, lf - 1 - pos);
        ASSERT_FALSE(line.contains('\r')) << "a bare CR in line at " << pos;
        EXPECT_LE(line.size(), 78) << line.toByteArray().constData();
        if (inHeader && !line.isEmpty()) {
            EXPECT_FALSE(line.trimmed().isEmpty()) << "a header line of white space only";
        }
        inHeader = line.isEmpty() ? false : inHeader;
        pos = lf + 1;
    }
}

MimeEntity withMessageFields(MimeEntity root, const QString &subject)
{
    root.header.prepend("MIME-Version", "1.0");
    root.header.prepend("Subject", encodeHeaderText(subject));
    root.header.prepend("To", "Bob <bob@example.net>");
    root.header.prepend("From", "Alice <alice@example.org>");
    return root;
}

} // namespace

TEST(MimeBuild, TextGetsTheCharsetAndEncodingThatSuitIt)
{
    MimeEntity e = makeTextPart(QStringLiteral("Hello\nworld\r\n"));
    EXPECT_EQ(e.header.value("Content-Type"), "text/plain; charset=us-ascii");
    EXPECT_EQ(e.transferEncoding(), "7bit");
    EXPECT_EQ(e.body, "Hello\r\nworld\r\n") << "line ends made CR LF";

    e = makeTextPart(QStringLiteral("Gr\u00fc\u00dfe aus K\u00f6ln\n"));
    EXPECT_EQ(e.header.value("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(e.transferEncoding(), "quoted-printable");
    EXPECT_EQ(e.body, "Gr=C3=BC=C3=9Fe aus K=C3=B6ln\r\n");

    e = makeTextPart(QStringLiteral("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!"),
                     "plain");
    EXPECT_EQ(e.transferEncoding(), "base64") << "mostly non-ASCII: base64 is shorter";
    EXPECT_EQ(e.text(),
              QStringLiteral("\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!"));

    e = makeTextPart(QStringLiteral("Gr\u00fc\u00dfe\n"), "plain", true);
    EXPECT_EQ(e.transferEncoding(), "8bit") << "the server announced 8BITMIME";
    EXPECT_EQ(e.body, "Gr\xc3\xbc\xc3\x9f"
                      "e\r\n");

    e = makeTextPart(QString(100, QLatin1Char('x')), "HTML");
    EXPECT_EQ(e.mediaType(), "text/html");
    EXPECT_EQ(e.transferEncoding(), "quoted-printable") << "a line longer than 78";

    e = makeTextPart(QStringLiteral("a\u0000b"));
    EXPECT_EQ(e.transferEncoding(), "quoted-printable") << "NUL cannot travel as 7bit";
    EXPECT_EQ(e.decodedBody(), QByteArray("a\0b", 3));
}

TEST(MimeBuild, AttachmentsCarryAnyBytesAndTheirNames)
{
    std::mt19937 rng(5);
    const QByteArray bytes = randomBytes(rng, 1000);
    MimeEntity e = makeAttachment(QStringLiteral("data.bin"), "Application/Octet-Stream", bytes);
    EXPECT_EQ(e.header.value("Content-Type"), "application/octet-stream; name=\"data.bin\"");
    EXPECT_EQ(e.header.value("Content-Disposition"), "attachment; filename=\"data.bin\"");
    EXPECT_TRUE(e.isAttachment());
    EXPECT_EQ(e.filename(), QStringLiteral("data.bin"));
    EXPECT_EQ(e.decodedBody(), bytes);
    EXPECT_EQ(e.body, base64Encode(bytes));

    e = makeAttachment(QStringLiteral("na\u00efve r\u00e9sum\u00e9.pdf"), "application/pdf",
                       "%PDF");
    EXPECT_EQ(e.header.value("Content-Disposition"),
              "attachment; filename*=utf-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf");
    EXPECT_EQ(e.filename(), QStringLiteral("na\u00efve r\u00e9sum\u00e9.pdf"));

    const QString longName = QString(40, QChar(0x00e9)) + QStringLiteral(" \"quoted\".txt");
    e = makeAttachment(longName, "nonsense", "x");
    EXPECT_EQ(e.mediaType(), "application/octet-stream");
    EXPECT_TRUE(e.header.value("Content-Disposition").contains("filename*1*="));
    EXPECT_EQ(e.filename(), longName);
    const QByteArray written = serialize(e);
    expectCanonical(written);
    EXPECT_EQ(parseMessage(written).root.filename(), longName);

    e = makeAttachment(QStringLiteral("say \"hi\\\".txt"), "text/plain", "hi");
    EXPECT_EQ(e.header.value("Content-Disposition"),
              "attachment; filename=\"say \\\"hi\\\\\\\".txt\"");
    EXPECT_EQ(e.filename(), QStringLiteral("say \"hi\\\".txt"));
}

TEST(MimeBuild, AMultipartsBoundaryOccursInNoPartAndIsTheSameEachTime)
{
    std::vector<MimeEntity> parts;
    parts.push_back(makeTextPart(QStringLiteral("--=_MailSim_ looks like a boundary\n")));
    parts.push_back(makeAttachment(QStringLiteral("a"), "image/png", QByteArray(300, '\x89')));
    const MimeEntity first = makeMultipart("mixed", parts);
    const MimeEntity second = makeMultipart("mixed", parts);
    const QByteArray boundary = parseFieldWithParameters(first.header.value("Content-Type"))
                                    .parameter("boundary")
                                    .toLatin1();
    ASSERT_TRUE(boundary.startsWith("=_MailSim_"));
    EXPECT_EQ(serialize(first), serialize(second));
    for (const MimeEntity &p : parts)
        EXPECT_FALSE(serialize(p).contains("--" + boundary));
    const MimeEntity outer = makeMultipart("mixed", {first, makeTextPart(QStringLiteral("x"))});
    EXPECT_NE(parseFieldWithParameters(outer.header.value("Content-Type"))
                  .parameter("boundary")
                  .toLatin1(),
              boundary);
    EXPECT_EQ(serialize(first).count("--" + boundary), 3) << "two delimiters and the closing one";
}

TEST(MimeBuild, AWholeMessageIsCanonicalAndReadsBackToWhatWasPutIn)
{
    std::mt19937 rng(1945);
    const QByteArray image = randomBytes(rng, 3000);
    const QString html = QStringLiteral("<p>Gr\u00fc\u00dfe, <b>Bob</b>!</p>\n");
    MimeEntity inner = withMessageFields(makeTextPart(QStringLiteral("the forwarded one\n")),
                                         QStringLiteral("inner"));
    std::vector<MimeEntity> alternatives;
    alternatives.push_back(makeTextPart(QStringLiteral("Gr\u00fc\u00dfe, Bob!\n")));
    alternatives.push_back(makeTextPart(html, "html"));
    std::vector<MimeEntity> parts;
    parts.push_back(makeMultipart("alternative", std::move(alternatives)));
    parts.push_back(makeAttachment(QStringLiteral("\u00e9t\u00e9.png"), "image/png", image));
    parts.push_back(makeMessagePart(std::move(inner)));
    const MimeEntity root = withMessageFields(
        makeMultipart("mixed", std::move(parts)),
        QStringLiteral(
            "Photos from the summer \u2600\ufe0f and a long subject that needs folding"));
    const QByteArray bytes = serialize(root);
    expectCanonical(bytes);

    const ParsedMessage p = parseMessage(bytes);
    EXPECT_TRUE(p.warnings.empty()) << describe(p.warnings).toStdString();
    EXPECT_EQ(serialize(p.root), bytes);
    EXPECT_EQ(decodeHeaderText(p.root.header.value("Subject")),
              QStringLiteral(
                  "Photos from the summer \u2600\ufe0f and a long subject that needs folding"));
    ASSERT_EQ(p.root.parts.size(), 3u);
    const MimeEntity &alt = p.root.parts[0];
    ASSERT_EQ(alt.parts.size(), 2u);
    EXPECT_EQ(alt.parts[0].text(), QStringLiteral("Gr\u00fc\u00dfe, Bob!\r\n"));
    EXPECT_EQ(alt.parts[1].text(),
              QString(html).replace(QLatin1String("\n"), QLatin1String("\r\n")));
    EXPECT_EQ(p.root.parts[1].decodedBody(), image);
    EXPECT_EQ(p.root.parts[1].filename(), QStringLiteral("\u00e9t\u00e9.png"));
    ASSERT_EQ(p.root.parts[2].embedded.size(), 1u);
    EXPECT_EQ(p.root.parts[2].embedded[0].text(), QStringLiteral("the forwarded one\r\n"));
    EXPECT_EQ(shape(p.root).left(48),
              QStringLiteral("multipart/mixed[multipart/alternative[text/plain"));
}

TEST(MimeBuild, RandomAttachmentsDecodeToTheirBytes)
{
    std::mt19937 rng(4096);
    std::uniform_int_distribution<int> size(0, 4096);
    for (int round = 0; round < 100; ++round) {
        std::vector<QByteArray> originals;
        std::vector<MimeEntity> parts;
        parts.push_back(makeTextPart(QStringLiteral("see attached")));
        for (int i = 0; i < 3; ++i) {
            originals.push_back(randomBytes(rng, size(rng)));
            parts.push_back(makeAttachment(QStringLiteral("f%1").arg(i), "application/octet-stream",
                                           originals.back()));
        }
        const QByteArray bytes = serialize(makeMultipart("mixed", std::move(parts)));
        const ParsedMessage p = parseMessage(bytes);
        ASSERT_TRUE(p.warnings.empty()) << round;
        ASSERT_EQ(p.root.parts.size(), 4u);
        for (int i = 0; i < 3; ++i) {
            Warnings w;
            ASSERT_EQ(p.root.parts[std::size_t(i) + 1].decodedBody(&w), originals[std::size_t(i)])
                << round;
            ASSERT_TRUE(w.empty());
        }
        ASSERT_EQ(serialize(p.root), bytes);
    }
}

TEST(MimeSevenBit, QuotedPrintableForMostlyAsciiTextBase64ForTheRest)
{
    using mailsim::message::sevenBitEncodingFor;
    EXPECT_EQ(sevenBitEncodingFor("Sch\xc3\xb6ne Gr\xc3\xbc\xc3\x9f" "e aus der Vorlesung", true), "quoted-printable");
    EXPECT_EQ(sevenBitEncodingFor("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", true), "base64")
        << "Cyrillic text is all escapes in quoted-printable";
    EXPECT_EQ(sevenBitEncodingFor("plain words", false), "base64") << "not text: always base64";
    // The boundary: exactly a third of the bytes escaped still reads as quoted-printable.
    EXPECT_EQ(sevenBitEncodingFor("ab=", true), "quoted-printable");
    EXPECT_EQ(sevenBitEncodingFor("a==", true), "base64");
}
