// The encodings against the examples of their RFCs, and round trips of random data.
#include "support/random_bytes.h"
#include "message/codecs.h"

#include <QList>

#include <gtest/gtest.h>

#include <random>

using namespace mailsim::message;

using mailsim::test::randomBytes;

namespace {

QList<QByteArray> linesOf(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty())
        lines.pop_back();
    return lines;
}

bool hasWarningWith(const Warnings &warnings, const char *words)
{
    return std::any_of(warnings.begin(), warnings.end(),
                       [&](const Warning &w) { return w.text.contains(QLatin1String(words)); });
}

} // namespace

// --- base64 -----------------------------------------------------------------------------

TEST(CodecBase64, EncodesTheTestVectorsOfRfc4648)
{
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("f"), "Zg==\r\n");
    EXPECT_EQ(base64Encode("fo"), "Zm8=\r\n");
    EXPECT_EQ(base64Encode("foo"), "Zm9v\r\n");
    EXPECT_EQ(base64Encode("foob"), "Zm9vYg==\r\n");
    EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=\r\n");
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy\r\n");
}

TEST(CodecBase64, WritesLinesOfSeventySixCharactersEndedByCrLf)
{
    const QByteArray bytes(1000, 'x');
    const QByteArray text = base64Encode(bytes);
    const QList<QByteArray> lines = linesOf(text);
    ASSERT_EQ(lines.size(), (1336 + 75) / 76); // 1000 bytes are 1336 characters
    for (qsizetype i = 0; i < lines.size(); ++i) {
        ASSERT_TRUE(lines[i].endsWith('\r'));
        EXPECT_EQ(lines[i].size() - 1, i + 1 < lines.size() ? 76 : 1336 % 76);
    }
    EXPECT_EQ(linesOf(base64Encode(bytes, 64)).front().size(), 65);
    EXPECT_EQ(linesOf(base64Encode(bytes, 500)).front().size(), 77) << "at most 76";
}

TEST(CodecBase64, StrictDecodingRefusesAnyFlaw)
{
    EXPECT_EQ(base64DecodeStrict("Zm9vYmFy"), QByteArray("foobar"));
    EXPECT_EQ(base64DecodeStrict("Zm9v\r\nYmE=\r\n"), QByteArray("fooba"));
    EXPECT_EQ(base64DecodeStrict(" Zg== \t"), QByteArray("f"));
    EXPECT_EQ(base64DecodeStrict(""), QByteArray(""));
    EXPECT_FALSE(base64DecodeStrict("Zm9v!")) << "a byte outside the alphabet";
    EXPECT_FALSE(base64DecodeStrict("Zg")) << "no padding";
    EXPECT_FALSE(base64DecodeStrict("Zg=")) << "short padding";
    EXPECT_FALSE(base64DecodeStrict("Z===")) << "too much padding";
    EXPECT_FALSE(base64DecodeStrict("Zg==Zg==")) << "data after the padding";
    EXPECT_FALSE(base64DecodeStrict("Zm9v_-==")) << "the URL-safe alphabet is another one";
}

TEST(CodecBase64, LenientDecodingSaysWhatItOverlooked)
{
    Warnings w;
    EXPECT_EQ(base64DecodeLenient("Zm9v\r\nYmFy\r\n", &w), "foobar");
    EXPECT_TRUE(w.empty());

    w.clear();
    EXPECT_EQ(base64DecodeLenient("Zm9v!Ym\xff"
                                  "Fy",
                                  &w),
              "foobar");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].offset, 4);
    EXPECT_TRUE(w[0].text.contains(QLatin1String("2 characters outside")));

    w.clear();
    EXPECT_EQ(base64DecodeLenient("Zg", &w), "f");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(hasWarningWith(w, "without its padding"));

    w.clear();
    EXPECT_EQ(base64DecodeLenient("Zg==Zm9v", &w), "f");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].offset, 4);
    EXPECT_TRUE(hasWarningWith(w, "after its padding"));

    w.clear();
    EXPECT_EQ(base64DecodeLenient("Zm9vY", &w), "foo");
    EXPECT_TRUE(hasWarningWith(w, "single character"));

    w.clear();
    EXPECT_EQ(base64DecodeLenient("Zm8\r\n=", &w), "fo") << "padding on the next line";
    EXPECT_TRUE(w.empty());
}

TEST(CodecBase64, RandomBytesComeBackThroughBothDecoders)
{
    std::mt19937 rng(20250105);
    std::uniform_int_distribution<int> size(0, 4096);
    for (int round = 0; round < 300; ++round) {
        const QByteArray bytes = randomBytes(rng, round < 10 ? round : size(rng));
        const QByteArray text = base64Encode(bytes);
        for (const QByteArray &line : linesOf(text))
            ASSERT_LE(line.size(), 77); // 76 and the CR
        ASSERT_EQ(base64DecodeStrict(text), bytes) << round;
        Warnings w;
        ASSERT_EQ(base64DecodeLenient(text, &w), bytes) << round;
        ASSERT_TRUE(w.empty());
        // The reference: Qt's own decoder of the same text.
        ASSERT_EQ(QByteArray::fromBase64(text), bytes);
    }
}

// --- quoted-printable -------------------------------------------------------------------

TEST(CodecQuotedPrintable, DecodesTheSoftBreaksOfRfc2045)
{
    // RFC 2045 section 6.7, rule 5: soft line breaks are removed.
    EXPECT_EQ(quotedPrintableDecode("Now's the time =\r\n"
                                    "for all folk to come=\r\n"
                                    " to the aid of their country."),
              "Now's the time for all folk to come to the aid of their country.");
    // Rule 3: white space at the ends of lines was added on the way and is deleted;
    // a soft break may have white space after it.
    EXPECT_EQ(quotedPrintableDecode("a  \r\nb=  \r\nc\t"), "a\r\nbc");
    // Hard line breaks stay as they are.
    EXPECT_EQ(quotedPrintableDecode("one\ntwo\r\n"), "one\ntwo\r\n");
    EXPECT_EQ(quotedPrintableDecode("caf=C3=A9 =3D 100 =e2=82=ac"),
              "caf\xc3\xa9 = 100 \xe2\x82\xac");
}

TEST(CodecQuotedPrintable, KeepsMalformedEscapesAndSaysSo)
{
    Warnings w;
    EXPECT_EQ(quotedPrintableDecode("a=ZZb=4\r\n=", &w), "a=ZZb=4\r\n");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].offset, 1);
    EXPECT_TRUE(w[0].text.contains(QLatin1String("2 '='")));
}

TEST(CodecQuotedPrintable, EncodesWhatRfc2045Requires)
{
    EXPECT_EQ(quotedPrintableEncode("plain text"), "plain text");
    EXPECT_EQ(quotedPrintableEncode("a=b"), "a=3Db");
    EXPECT_EQ(quotedPrintableEncode("caf\xc3\xa9"), "caf=C3=A9");
    // White space before a line end and at the end of the data is encoded.
    EXPECT_EQ(quotedPrintableEncode("a \r\nb\t"), "a=20\r\nb=09");
    // In text, CR LF is a line break; lone CR and LF are data.
    EXPECT_EQ(quotedPrintableEncode("x\ny\rz\r\n"), "x=0Ay=0Dz\r\n");
    // In binary data, every CR and LF is data.
    EXPECT_EQ(quotedPrintableEncode("x\r\n", true), "x=0D=0A");
}

TEST(CodecQuotedPrintable, BreaksLongLinesWithinSeventySixCharacters)
{
    const QByteArray text = QByteArray(200, 'a') + "\r\n" + QByteArray(100, '\xe9') + "\r\n";
    const QByteArray encoded = quotedPrintableEncode(text);
    for (const QByteArray &line : linesOf(encoded)) {
        EXPECT_LE(line.size() - 1, 76) << line.constData();
        // An escape is never cut by a soft break.
        const qsizetype eq = line.lastIndexOf('=');
        if (eq >= 0 && eq != line.size() - 2) { // not the soft break itself
            EXPECT_LE(eq + 3, line.size() - 1);
        }
    }
    EXPECT_EQ(quotedPrintableDecode(encoded), text);
}

TEST(CodecQuotedPrintable, RandomBytesComeBackAsTextAndAsBinary)
{
    std::mt19937 rng(76);
    std::uniform_int_distribution<int> size(0, 4096);
    // Text-like data (many line breaks and spaces) and arbitrary bytes.
    const QByteArray alphabet("ab =\t\r\n.\xe9\0", 10);
    std::uniform_int_distribution<int> pick(0, int(alphabet.size()) - 1);
    for (int round = 0; round < 300; ++round) {
        QByteArray bytes = randomBytes(rng, size(rng));
        if (round % 2 == 0) {
            for (char &c : bytes)
                c = alphabet[pick(rng)];
        }
        for (bool binary : {false, true}) {
            const QByteArray encoded = quotedPrintableEncode(bytes, binary);
            for (const QByteArray &line : linesOf(encoded))
                ASSERT_LE(line.size() - (line.endsWith('\r') ? 1 : 0), 76);
            if (binary) { // the only line breaks are soft ones
                ASSERT_EQ(encoded.count('\n'), encoded.count("=\r\n"));
            }
            Warnings w;
            ASSERT_EQ(quotedPrintableDecode(encoded, &w), bytes) << round << " binary " << binary;
            ASSERT_TRUE(w.empty());
        }
    }
}

// --- encoded words ----------------------------------------------------------------------

TEST(CodecEncodedWords, DecodesTheExamplesOfRfc2047)
{
    // Section 8, the examples and their displayed forms.
    EXPECT_EQ(decodeHeaderText("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
              QStringLiteral("Keith Moore <moore@cs.utk.edu>"));
    EXPECT_EQ(decodeHeaderText("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>"),
              QStringLiteral("Keld J\u00f8rn Simonsen <keld@dkuug.dk>"));
    EXPECT_EQ(decodeHeaderText("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"),
              QStringLiteral("Andr\u00e9 Pirard <PIRARD@vm1.ulg.ac.be>"));
    EXPECT_EQ(decodeHeaderText("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
                               "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
              QStringLiteral("If you can read this you understand the example."));
    const std::pair<const char *, const char *> table[] = {
        {"(=?ISO-8859-1?Q?a?=)", "(a)"},
        {"(=?ISO-8859-1?Q?a?= b)", "(a b)"},
        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"},
        {"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
        {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"},
    };
    for (const auto &[encoded, shown] : table)
        EXPECT_EQ(decodeHeaderText(encoded), QLatin1String(shown)) << encoded;
    // RFC 2231 section 5: a language after the charset.
    EXPECT_EQ(decodeHeaderText("=?US-ASCII*EN?Q?Keith_Moore?="), QStringLiteral("Keith Moore"));
}

TEST(CodecEncodedWords, JoinsACharacterSplitBetweenWordsAndLeavesNonWordsAlone)
{
    // "é" (C3 A9) cut in two, which RFC 2047 forbids but encoders do.
    EXPECT_EQ(decodeHeaderText("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?="), QStringLiteral("caf\u00e9"));
    EXPECT_EQ(decodeHeaderText("a =? b ?= c"), QStringLiteral("a =? b ?= c"));
    EXPECT_EQ(decodeHeaderText("=?UTF-8?X?abc?="), QStringLiteral("=?UTF-8?X?abc?="));
    EXPECT_EQ(decodeHeaderText("=?utf-8?b?w6k?="), QStringLiteral("\u00e9")) << "no padding";
    Warnings w;
    EXPECT_EQ(decodeHeaderText("Gr\xfc\xdf"
                               "e",
                               &w),
              QStringLiteral("Gr\u00fc\u00dfe"));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(w[0].text.contains(QLatin1String("Latin-1")));
    w.clear();
    EXPECT_EQ(decodeHeaderText("=?x-unknown?Q?abc?=", &w), QStringLiteral("abc"));
    EXPECT_TRUE(hasWarningWith(w, "unknown character set"));
    EXPECT_EQ(decodeHeaderText("Gr\xc3\xbc\xc3\x9f"
                               "e"),
              QStringLiteral("Gr\u00fc\u00dfe"))
        << "UTF-8 header text (RFC 6532)";
}

TEST(CodecEncodedWords, EncodesOnlyWhatNeedsIt)
{
    EXPECT_EQ(encodeHeaderText(QStringLiteral("Lunch on Friday?")), "Lunch on Friday?");
    EXPECT_EQ(encodeHeaderText(QStringLiteral("caf\u00e9")), "=?UTF-8?B?Y2Fmw6k=?=");
    EXPECT_EQ(encodeHeaderText(QStringLiteral("caf\u00e9 au lait"), 'Q'),
              "=?UTF-8?Q?caf=C3=A9_au_lait?=");
    // ASCII that a decoder would take for an encoded word, and control characters.
    EXPECT_NE(encodeHeaderText(QStringLiteral("=?UTF-8?Q?x?=")), "=?UTF-8?Q?x?=");
    EXPECT_EQ(decodeHeaderText(encodeHeaderText(QStringLiteral("=?UTF-8?Q?x?="))),
              QStringLiteral("=?UTF-8?Q?x?="));
    EXPECT_EQ(decodeHeaderText(encodeHeaderText(QStringLiteral("two\r\nlines"))),
              QStringLiteral("two\r\nlines"));
}

TEST(CodecEncodedWords, RandomTextFitsInShortWordsAndComesBack)
{
    std::mt19937 rng(2047);
    const char32_t samples[] = {U'a',      U' ',      U'_',          U'=',  U'?', U'\u00e9',
                                U'\u20ac', U'\u4e2d', U'\U0001F600', U'\t', U'Z', U'.'};
    std::uniform_int_distribution<int> pick(0, int(std::size(samples)) - 1);
    std::uniform_int_distribution<int> length(1, 200);
    for (int round = 0; round < 400; ++round) {
        std::u32string text;
        for (int i = length(rng); i > 0; --i)
            text += samples[pick(rng)];
        const QString original = QString::fromUcs4(text.data(), qsizetype(text.size()));
        for (char encoding : {'B', 'Q'}) {
            const QByteArray encoded = encodeHeaderText(original, encoding);
            if (encoded.startsWith("=?")) {
                for (const QByteArray &word : encoded.split(' ')) {
                    ASSERT_LE(word.size(), 75) << word.constData();
                    ASSERT_TRUE(word.startsWith("=?UTF-8?") && word.endsWith("?="));
                }
            }
            ASSERT_FALSE(encoded.contains('\r') || encoded.contains('\n'));
            ASSERT_EQ(decodeHeaderText(encoded), original) << encoded.constData();
        }
    }
}

// --- character sets ---------------------------------------------------------------------

TEST(CodecCharsets, DecodeThroughQtAndSayWhatWentWrong)
{
    EXPECT_EQ(decodeCharset("caf\xe9", "ISO-8859-1"), QStringLiteral("caf\u00e9"));
    EXPECT_EQ(decodeCharset("\x80", "windows-1252"), QStringLiteral("\u20ac"));
    EXPECT_EQ(decodeCharset("caf\xc3\xa9", " UTF-8 "), QStringLiteral("caf\u00e9"));
    EXPECT_EQ(decodeCharset("plain", "us-ascii"), QStringLiteral("plain"));

    Warnings w;
    EXPECT_EQ(decodeCharset("caf\xe9", "x-no-such-charset", &w), QStringLiteral("caf\u00e9"));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(w[0].text.contains(QLatin1String("unknown character set")));

    w.clear();
    EXPECT_EQ(decodeCharset("a\xff"
                            "b",
                            "utf-8", &w),
              QStringLiteral("a\ufffdb"));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(w[0].text.contains(QLatin1String("U+FFFD")));

    w.clear();
    EXPECT_EQ(decodeCharset("caf\xc3\xa9", "us-ascii", &w), QStringLiteral("caf\u00e9"));
    EXPECT_TRUE(hasWarningWith(w, "US-ASCII holds 8-bit bytes; read as UTF-8"));
}

TEST(CodecCharsets, EncodeOnlyWhatFits)
{
    EXPECT_EQ(encodeCharset(QStringLiteral("caf\u00e9"), "iso-8859-1"), QByteArray("caf\xe9"));
    EXPECT_EQ(encodeCharset(QStringLiteral("\u20ac"), "windows-1252"), QByteArray("\x80"));
    EXPECT_EQ(encodeCharset(QStringLiteral("caf\u00e9"), "utf-8"), QByteArray("caf\xc3\xa9"));
    EXPECT_EQ(encodeCharset(QStringLiteral("plain"), "US-ASCII"), QByteArray("plain"));
    EXPECT_FALSE(encodeCharset(QStringLiteral("\u20ac"), "iso-8859-1"));
    EXPECT_FALSE(encodeCharset(QStringLiteral("caf\u00e9"), "us-ascii"));
    EXPECT_FALSE(encodeCharset(QStringLiteral("x"), "x-no-such-charset"));
}
