// Hand-made messages, each with the exact tree and warnings the parser must give, and the
// header model's behaviour. Every parsed message is also written back and compared.
#include "message/codecs.h"
#include "message/mime.h"
#include "message/mime_test_support.h"

#include <gtest/gtest.h>

using namespace mailsim::message;
using namespace mailsim::message::test;

namespace {

// Parses, checks that writing gives the bytes back, and returns the result.
ParsedMessage read(const QByteArray &bytes, const ParseLimits &limits = {})
{
    ParsedMessage m = parseMessage(bytes, limits);
    EXPECT_EQ(serialize(m.root), bytes) << "the writer did not give the bytes back";
    return m;
}

qsizetype at(const QByteArray &bytes, const char *text, qsizetype from = 0)
{
    const qsizetype i = bytes.indexOf(text, from);
    EXPECT_GE(i, 0) << text;
    return i;
}

} // namespace

// --- the header -------------------------------------------------------------------------

TEST(MimeHeader, KeepsFieldsInOrderUnfoldedWithTheirLines)
{
    const QByteArray m = "From: Alice <alice@example.org>\r\n"
                         "Subject: a long subject\r\n folded once\r\n"
                         "SUBJECT: second\r\n"
                         "\r\n"
                         "body\r\n";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.warnings.empty()) << describe(p.warnings).toStdString();
    const Header &h = p.root.header;
    ASSERT_EQ(h.fields.size(), 3u);
    EXPECT_EQ(h.fields[1].name, "Subject");
    EXPECT_EQ(h.fields[1].value, "a long subject folded once");
    EXPECT_EQ(h.fields[1].raw, "Subject: a long subject\r\n folded once\r\n");
    EXPECT_EQ(h.value("subject"), "a long subject folded once");
    EXPECT_EQ(h.values("Subject"), QList<QByteArray>({"a long subject folded once", "second"}));
    EXPECT_TRUE(h.has("FROM"));
    EXPECT_FALSE(h.has("Date"));
    EXPECT_EQ(h.value("Date"), "");
    EXPECT_EQ(p.root.headerEnd, "\r\n");
    EXPECT_EQ(p.root.headerSize, m.indexOf("body"));
    EXPECT_EQ(p.root.body, "body\r\n");
    EXPECT_EQ(shape(p.root), "text/plain \"body\\r\\n\"");
}

TEST(MimeHeader, ChangesAreWrittenCanonicallyAndTheRestAsRead)
{
    const QByteArray m = "Subject:  odd   spacing \r\n"
                         "no colon\r\n"
                         "To: b@example.net\r\n"
                         "\r\n"
                         "body";
    ParsedMessage p = read(m);
    p.root.header.prepend("Received", "from a by b; Mon, 1 Jan 2024 00:00:00 +0000");
    EXPECT_EQ(serialize(p.root), "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\n" + m);

    p.root.header.set("to", "c@example.com");
    p.root.header.add("X-New", "yes");
    EXPECT_EQ(serialize(p.root), "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
                                 "Subject:  odd   spacing \r\n"
                                 "no colon\r\n"
                                 "to: c@example.com\r\n"
                                 "X-New: yes\r\n"
                                 "\r\n"
                                 "body");
    p.root.header.remove("Subject");
    p.root.header.remove("Received");
    EXPECT_EQ(serialize(p.root), "no colon\r\nto: c@example.com\r\nX-New: yes\r\n\r\nbody")
        << "the line that is no field stays before the field it was before";
}

TEST(MimeHeader, LinesBeforeTheFirstFieldStayFirstWhenAFieldIsPrepended)
{
    // An mbox separator, then a line that starts with white space: put after a new first
    // field, the second would be read as its continuation.
    const QByteArray m = "From alice Mon Jan  1 00:00:00 2024\r\n\tindented\r\nSubject: x\r\n\r\n";
    ParsedMessage p = read(m);
    p.root.header.prepend("Received", "from a");
    const QByteArray written = serialize(p.root);
    EXPECT_EQ(written, "From alice Mon Jan  1 00:00:00 2024\r\n\tindented\r\nReceived: from a\r\n"
                       "Subject: x\r\n\r\n");
    EXPECT_EQ(parseMessage(written).root.header.value("Received"), "from a");
}

TEST(MimeHeader, AFieldAddedToAHeaderWithoutEmptyLineStartsALine)
{
    ParsedMessage p = read("A: 1\r\nB: 2");
    p.root.header.add("C", "3");
    EXPECT_EQ(serialize(p.root), "A: 1\r\nB: 2\r\nC: 3\r\n");
    EXPECT_EQ(parseMessage(serialize(p.root)).root.header.value("B"), "2");
}

TEST(MimeHeader, FoldsLongValuesAtWhiteSpaceWithinSeventyEightCharacters)
{
    QByteArray value;
    for (int i = 0; i < 30; ++i)
        value += "word" + QByteArray::number(i) + ' ';
    value = value.trimmed();
    const QByteArray field = foldField("X-Long", value);
    const QList<QByteArray> lines = field.split('\n');
    ASSERT_GT(lines.size(), 3);
    for (const QByteArray &line : lines.first(lines.size() - 1)) {
        EXPECT_TRUE(line.endsWith('\r'));
        EXPECT_LE(line.size() - 1, 78) << line.constData();
    }
    EXPECT_TRUE(lines.last().isEmpty()) << "ends with CR LF";
    // Unfolding gives the value back.
    const ParsedMessage p = parseMessage(field + "\r\n");
    EXPECT_EQ(p.root.header.value("X-Long"), value);

    EXPECT_EQ(foldField("Subject", ""), "Subject:\r\n");
    EXPECT_EQ(foldField("Subject", "two\r\nlines"), "Subject: two  lines\r\n");
    // A word longer than a line is left whole; no line is only white space.
    const QByteArray huge(100, 'x');
    EXPECT_EQ(foldField("X", "a " + huge + "   "), "X: a\r\n " + huge + "   \r\n");
}

// --- single parts, odd bytes ------------------------------------------------------------

TEST(MimeParse, ReadsBareLfNulAndBareCrAndSaysSo)
{
    static const char text[] = "Subject: x\n\nline one\nnul \0 here\rstill line two\n";
    const QByteArray m(text, sizeof text - 1);
    const ParsedMessage p = read(m);
    EXPECT_EQ(p.root.header.value("Subject"), "x");
    EXPECT_EQ(p.root.headerEnd, "\n");
    EXPECT_EQ(p.root.body, m.sliced(12));
    EXPECT_TRUE(warningsAre(p.warnings, {{10, "4 lines end in a bare LF"},
                                         {at(m, "\rstill"), "1 CRs are not followed by LF"},
                                         {at(m, "nul") + 4, "1 NUL bytes"}}));
}

TEST(MimeParse, AMessageWithoutEmptyLineIsAllHeader)
{
    const QByteArray m = "Subject: x\r\nthis is no field\r\nTo: y";
    const ParsedMessage p = read(m);
    ASSERT_EQ(p.root.header.fields.size(), 2u);
    ASSERT_EQ(p.root.header.strays.size(), 1u);
    EXPECT_EQ(p.root.header.strays[0].beforeField, 1u);
    EXPECT_EQ(p.root.header.strays[0].raw, "this is no field\r\n");
    EXPECT_EQ(p.root.headerEnd, "");
    EXPECT_EQ(p.root.headerSize, m.size());
    EXPECT_EQ(shape(p.root), "text/plain \"\"");
    EXPECT_TRUE(warningsAre(p.warnings, {{12, "without a colon"}, {m.size(), "no empty line"}}));
}

TEST(MimeParse, SaysWhyAHeaderLineIsNoField)
{
    const QByteArray m = " leading space\r\nTwo words: x\r\n\r\n";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.root.header.fields.empty());
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "starts with white space"}, {16, "no field name"}}));
    EXPECT_TRUE(read("").warnings.empty()) << "nothing is no error";
}

TEST(MimeParse, ReadsContentTypeWithDefaultsAndComplaints)
{
    ParsedMessage p = read("Content-Type: TEXT/HTML; Charset=\"ISO-8859-1\" (comment)\r\n"
                           "Content-Type: text/plain\r\n"
                           "Content-Transfer-Encoding: Quoted-Printable\r\n\r\ncaf=E9");
    EXPECT_EQ(p.root.mediaType(), "text/html");
    EXPECT_EQ(p.root.contentType().parameter("charset"), QStringLiteral("ISO-8859-1"));
    EXPECT_EQ(p.root.transferEncoding(), "quoted-printable");
    EXPECT_EQ(p.root.text(), QStringLiteral("caf\u00e9"));
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "Content-Type appears more than once"}}));

    p = read("Content-Type: text\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nabc");
    EXPECT_EQ(p.root.mediaType(), "text/plain");
    EXPECT_EQ(p.root.contentType().parameter("charset"), QStringLiteral("us-ascii"));
    EXPECT_TRUE(warningsAre(p.warnings,
                            {{0, "is no type/subtype"}, {0, "unknown Content-Transfer-Encoding"}}));
    Warnings w;
    EXPECT_EQ(p.root.decodedBody(&w), "abc");
    EXPECT_TRUE(warningsAre(w, {{p.root.bodyOffset(), "unknown Content-Transfer-Encoding"}}));

    p = read("\r\nno header at all");
    EXPECT_TRUE(p.warnings.empty());
    EXPECT_EQ(shape(p.root), "text/plain \"no header at all\"");
}

TEST(MimeParse, DecodesDamagedBase64WithWarningsAtTheirPlaceInTheMessage)
{
    const QByteArray m = "Content-Type: application/octet-stream\r\n"
                         "Content-Transfer-Encoding: base64\r\n\r\n"
                         "Zm9v\r\nYm!Fy\r\nZg";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.warnings.empty()) << "decoding is not parsing";
    Warnings w;
    EXPECT_EQ(p.root.decodedBody(&w), "foobarf");
    EXPECT_TRUE(warningsAre(w, {{at(m, "!"), "1 characters outside the base64 alphabet"},
                                {m.size(), "without its padding"}}));
}

// --- multiparts -------------------------------------------------------------------------

TEST(MimeMultipart, SplitsAtDelimiterLinesKeepingPreambleEpilogueAndPadding)
{
    const QByteArray m = "MIME-Version: 1.0\r\n"
                         "Content-Type: multipart/mixed; boundary=\"simple boundary\"\r\n"
                         "\r\n"
                         "This is the preamble.\r\n"
                         "--simple boundary\r\n"
                         "\r\n"
                         "Implicitly typed plain US-ASCII text.\r\n"
                         "--simple boundary  \t\r\n"
                         "Content-type: text/plain; charset=us-ascii\r\n"
                         "\r\n"
                         "Explicitly typed, ending with a line break.\r\n"
                         "\r\n"
                         "--simple boundary--\r\n"
                         "This is the epilogue.\r\n";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.warnings.empty()) << describe(p.warnings).toStdString();
    EXPECT_EQ(shape(p.root),
              "multipart/mixed[text/plain \"Implicitly typed plain US-ASCII text.\", "
              "text/plain \"Explicitly typed, ending with a line break.\\r\\n\"]");
    EXPECT_TRUE(p.root.body.isEmpty()) << "the bytes are in the parts";
    EXPECT_EQ(p.root.preamble, "This is the preamble.");
    EXPECT_EQ(p.root.delimiters, std::vector<QByteArray>({"\r\n--simple boundary\r\n",
                                                          "\r\n--simple boundary  \t\r\n"}));
    EXPECT_EQ(p.root.closeDelimiter, "\r\n--simple boundary--\r\n");
    EXPECT_EQ(p.root.epilogue, "This is the epilogue.\r\n");
    EXPECT_EQ(p.root.parts[1].offset, at(m, "Content-type"));
    EXPECT_EQ(p.root.parts[0].bodyOffset(), at(m, "Implicitly"));
}

TEST(MimeMultipart, ReadsBareLfDelimitersAndALongerBoundaryIsNoDelimiter)
{
    const QByteArray m = "Content-Type: multipart/alternative; boundary=b\n\n"
                         "--b\n\none\n--bb\nstill one\n--b-\n--b\n"
                         "Content-Type: text/html\n\n<p>two</p>\n--b--";
    const ParsedMessage p = read(m);
    EXPECT_EQ(shape(p.root), "multipart/alternative[text/plain \"one\\n--bb\\nstill one\\n--b-\", "
                             "text/html \"<p>two</p>\"]");
    EXPECT_EQ(p.root.closeDelimiter, "\n--b--");
    EXPECT_EQ(p.root.epilogue, "");
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_TRUE(p.warnings[0].text.contains(QLatin1String("bare LF")));
}

TEST(MimeMultipart, WithoutClosingDelimiterTheLastPartRunsToTheEnd)
{
    const QByteArray m = "Content-Type: multipart/mixed; boundary=xyz\r\n\r\n"
                         "--xyz\r\n\r\nfirst\r\n--xyz\r\nContent-Type: text/html\r\n\r\n<b>cut off";
    const ParsedMessage p = read(m);
    EXPECT_EQ(shape(p.root), "multipart/mixed[text/plain \"first\", text/html \"<b>cut off\"]");
    EXPECT_EQ(p.root.closeDelimiter, "");
    EXPECT_TRUE(warningsAre(p.warnings, {{m.size(), "no closing delimiter (--xyz--)"}}));
}

TEST(MimeMultipart, WithoutUsableBoundaryTheBodyIsKeptUnread)
{
    const QByteArray noParameter = "Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\na\r\n--x--\r\n";
    ParsedMessage p = read(noParameter);
    EXPECT_TRUE(p.root.parts.empty());
    EXPECT_EQ(p.root.body, "--x\r\n\r\na\r\n--x--\r\n");
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "no boundary parameter"}}));

    const QByteArray neverThere =
        "Content-Type: multipart/mixed; boundary=nope\r\n\r\n--x\r\n\r\na\r\n";
    p = read(neverThere);
    EXPECT_TRUE(p.root.parts.empty());
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "\"nope\" never occurs"}}));

    const QByteArray closedAtOnce =
        "Content-Type: multipart/mixed; boundary=x\r\n\r\npre\r\n--x--\r\n";
    p = read(closedAtOnce);
    EXPECT_TRUE(p.root.parts.empty());
    EXPECT_TRUE(
        warningsAre(p.warnings, {{at(closedAtOnce, "\r\n--x--"), "closes before its first part"}}));

    const QByteArray encoded = "Content-Type: multipart/mixed; boundary=x\r\n"
                               "Content-Transfer-Encoding: base64\r\n\r\nLS14DQo=\r\n";
    p = read(encoded);
    EXPECT_TRUE(p.root.parts.empty());
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "must not be transfer-encoded"}}));
}

TEST(MimeMultipart, ABoundaryUsedTwiceIsNoticed)
{
    // The inner multipart has the outer one's boundary: the outer delimiters cut it up, so
    // the inner one finds none of its own.
    const QByteArray m = "Content-Type: multipart/mixed; boundary=same\r\n\r\n"
                         "--same\r\n"
                         "Content-Type: multipart/alternative; boundary=same\r\n\r\n\r\n"
                         "--same\r\n\r\ninner text\r\n"
                         "--same--\r\n";
    const ParsedMessage p = read(m);
    EXPECT_EQ(shape(p.root),
              "multipart/mixed[multipart/alternative \"\", text/plain \"inner text\"]");
    const qsizetype inner = at(m, "Content-Type: multipart/alternative");
    EXPECT_TRUE(warningsAre(p.warnings, {{inner, "also that of an enclosing multipart"},
                                         {inner, "\"same\" never occurs"}}));

    const QByteArray twice =
        "Content-Type: multipart/mixed; boundary=a; boundary=b\r\n\r\n--a\r\n\r\nx\r\n--a--";
    const ParsedMessage q = read(twice);
    EXPECT_EQ(shape(q.root), "multipart/mixed[text/plain \"x\"]");
    EXPECT_TRUE(
        warningsAre(q.warnings, {{0, "Content-Type: the parameter \"boundary\" is given twice"}}));
}

TEST(MimeMultipart, DelimitersBackToBackMakeAnEmptyPart)
{
    const QByteArray m =
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n\r\nx\r\n--b--\r\n";
    const ParsedMessage p = read(m);
    EXPECT_EQ(shape(p.root), "multipart/mixed[text/plain \"\", text/plain \"x\"]");
    EXPECT_EQ(p.root.delimiters, std::vector<QByteArray>({"--b\r\n", "--b\r\n"}));
    EXPECT_TRUE(p.warnings.empty()) << describe(p.warnings).toStdString();
}

TEST(MimeMultipart, NestsMultipartsAndMessages)
{
    const QByteArray m =
        "From: a@example.org\r\n"
        "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=inner\r\n\r\n"
        "--inner\r\n\r\nplain\r\n"
        "--inner\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nPHA+aMOpPC9wPg==\r\n"
        "--inner--\r\n"
        "--outer\r\n"
        "Content-Type: message/rfc822\r\n\r\n"
        "Subject: =?utf-8?q?forwarded_=E2=82=AC?=\r\n"
        "Content-Type: multipart/mixed; boundary=deep\r\n\r\n"
        "--deep\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nA\r\n--deep--\r\n"
        "--outer--\r\n";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.warnings.empty()) << describe(p.warnings).toStdString();
    EXPECT_EQ(shape(p.root), "multipart/mixed[multipart/alternative[text/plain \"plain\", "
                             "text/html \"<p>h\\xc3\\xa9</p>\"], "
                             "message/rfc822{multipart/mixed[text/plain \"A\"]}]");
    const MimeEntity &forwarded = p.root.parts[1].embedded.front();
    EXPECT_EQ(forwarded.offset, at(m, "Subject:"));
    EXPECT_EQ(decodeHeaderText(forwarded.header.value("Subject")),
              QStringLiteral("forwarded \u20ac"));
    EXPECT_EQ(forwarded.parts[0].filename(), QStringLiteral("a.txt"));
    EXPECT_TRUE(forwarded.parts[0].isAttachment());
    EXPECT_EQ(p.root.parts[0].parts[1].text(), QStringLiteral("<p>h\u00e9</p>"));
    EXPECT_EQ(p.root.parts[1].body, "") << "held once, in the embedded message";
}

TEST(MimeMultipart, DigestPartsAreMessagesByDefault)
{
    const QByteArray m = "Content-Type: multipart/digest; boundary=d\r\n\r\n"
                         "--d\r\n\r\nSubject: one\r\n\r\nfirst\r\n"
                         "--d\r\nContent-Type: text/plain\r\n\r\nnot a message\r\n--d--\r\n";
    const ParsedMessage p = read(m);
    EXPECT_EQ(shape(p.root), "multipart/digest[message/rfc822{text/plain \"first\"}, "
                             "text/plain \"not a message\"]");
    EXPECT_EQ(p.root.parts[0].embedded.front().header.value("Subject"), "one");
}

TEST(MimeMultipart, AMessageThatIsTransferEncodedIsKeptUnread)
{
    const QByteArray m = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                         "U3ViamVjdDogeA0KDQpib2R5\r\n";
    const ParsedMessage p = read(m);
    EXPECT_TRUE(p.root.embedded.empty());
    EXPECT_EQ(p.root.decodedBody(), "Subject: x\r\n\r\nbody");
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "must not be transfer-encoded"}}));
}

// --- parameters -------------------------------------------------------------------------

TEST(MimeParameters, DecodesTheRfc2231Examples)
{
    // RFC 2231 sections 3 and 4.1.
    FieldWithParameters f =
        parseFieldWithParameters("message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
                                 " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
    EXPECT_EQ(f.value, "message/external-body");
    EXPECT_EQ(f.parameter("url"),
              QStringLiteral("ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"));
    EXPECT_EQ(f.parameter("access-type"), QStringLiteral("URL"));

    f = parseFieldWithParameters(
        "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
    EXPECT_EQ(f.parameter("title"), QStringLiteral("This is ***fun***"));

    Warnings w;
    f = parseFieldWithParameters(
        "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
        " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"",
        &w);
    EXPECT_EQ(f.parameter("title"), QStringLiteral("This is even more ***fun*** isn't it!"));
    EXPECT_TRUE(w.empty());
}

TEST(MimeParameters, CopesWithWhatClientsReallySend)
{
    Warnings w;
    FieldWithParameters f = parseFieldWithParameters(
        "attachment; filename*1*=%E2%82%AC.txt; filename*0*=UTF-8''price%20; "
        "filename=\"plain.txt\";"
        " size=12 (bytes); ; creation-date=\"a \\\"quoted\\\" one\"; name=my file.doc",
        &w);
    EXPECT_EQ(f.value, "attachment");
    EXPECT_EQ(f.parameter("FILENAME"), QStringLiteral("price \u20ac.txt"))
        << "RFC 2231 wins, sections sorted";
    EXPECT_EQ(f.parameter("size"), QStringLiteral("12"));
    EXPECT_EQ(f.parameter("creation-date"), QStringLiteral("a \"quoted\" one"));
    EXPECT_EQ(f.parameter("name"), QStringLiteral("my file.doc"));
    EXPECT_TRUE(w.empty()) << describe(w).toStdString();

    w.clear();
    f = parseFieldWithParameters("inline; filename=\"never closed; x*1=b; noValue; y*=%ZZ", &w);
    EXPECT_EQ(f.parameter("filename"), QStringLiteral("never closed; x*1=b; noValue; y*=%ZZ"));
    EXPECT_TRUE(warningsAre(w, {{8, "not closed"}}));

    w.clear();
    const QByteArray odd = "inline; a*1=x; a*3=y; b*=%ZZ; c*0*=nocharset; d=\"Gr\xfc\xdf"
                           "e\"";
    f = parseFieldWithParameters(odd, &w);
    EXPECT_EQ(f.parameter("a"), QStringLiteral("xy"));
    EXPECT_EQ(f.parameter("b"), QStringLiteral("%ZZ"));
    EXPECT_EQ(f.parameter("c"), QStringLiteral("nocharset"));
    EXPECT_EQ(f.parameter("d"), QStringLiteral("Gr\u00fc\u00dfe")) << "not UTF-8: Latin-1";
    EXPECT_TRUE(warningsAre(w, {{at(odd, "a*1"), "not numbered"},
                                {at(odd, "b*"), "lacks the charset"},
                                {at(odd, "b*"), "starts no %XX"},
                                {at(odd, "c*"), "lacks the charset"}}));
}

TEST(MimeParameters, AFilenameInEncodedWordsIsDecodedToo)
{
    const ParsedMessage p =
        read("Content-Type: application/pdf; name=\"=?UTF-8?B?w6l0w6kucGRm?=\"\r\n\r\n");
    EXPECT_EQ(p.root.filename(), QStringLiteral("\u00e9t\u00e9.pdf"));
    EXPECT_FALSE(p.root.isAttachment());
}
