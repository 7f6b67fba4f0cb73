#include "message/header_section.h"

#include <gtest/gtest.h>

using mailsim::message::findHeaderField;
using mailsim::message::headerField;

TEST(HeaderSection, FindsAFieldCaseInsensitivelyAndTrimsIt)
{
    const QByteArray m = "From: Alice <alice@example.org>\r\nSUBJECT:   Hello  \r\n\r\nSubject: body\r\n";
    EXPECT_EQ(headerField(m, "Subject"), "Hello");
    EXPECT_EQ(headerField(m, "from"), "Alice <alice@example.org>");
}

TEST(HeaderSection, UnfoldsContinuationLines)
{
    const QByteArray m = "To: a@example.org,\r\n b@example.org,\r\n\tc@example.org\r\nX: y\r\n\r\n";
    EXPECT_EQ(headerField(m, "To"), "a@example.org, b@example.org,\tc@example.org");
}

TEST(HeaderSection, StopsAtTheEndOfTheHeader)
{
    const QByteArray m = "From: a@example.org\r\n\r\nMessage-ID: <not-a-header@x>\r\n";
    EXPECT_FALSE(findHeaderField(m, "Message-ID").has_value());
    EXPECT_FALSE(findHeaderField("\r\nDate: x\r\n", "Date").has_value());
}

TEST(HeaderSection, TellsAnEmptyFieldFromAMissingOne)
{
    const QByteArray m = "Subject:\r\nFrom: a@example.org\r\n\r\n";
    ASSERT_TRUE(findHeaderField(m, "Subject").has_value());
    EXPECT_TRUE(findHeaderField(m, "Subject")->isEmpty());
    EXPECT_FALSE(findHeaderField(m, "Date").has_value());
}

TEST(HeaderSection, NeedsTheColonRightAfterTheName)
{
    const QByteArray m = "Subjects: no\r\nSubject : no either\r\nSubject: yes\r\n\r\n";
    EXPECT_EQ(headerField(m, "Subject"), "yes");
}

TEST(HeaderSection, AcceptsBareLfAndAMissingFinalNewline)
{
    EXPECT_EQ(headerField("A: 1\nB: 2", "B"), "2");
    EXPECT_EQ(headerField("", "B"), "");
    EXPECT_EQ(headerField("B: 1\r\n continued", "B"), "1 continued");
}

// readHeaderSection: every entry of the header in order, with its lines as sent.

using mailsim::message::HeaderSection;
using mailsim::message::readHeaderSection;

namespace {

// The entries' raw bytes, end to end: must give back the header section, byte for byte.
QByteArray joined(const HeaderSection &section)
{
    QByteArray all;
    for (const auto &field : section.fields)
        all += field.raw;
    return all;
}

} // namespace

TEST(HeaderSectionEntries, ReadsEveryFieldInOrderWithItsLines)
{
    const QByteArray m = "Received: from a\r\n\tby b\r\n\tfor <c@example.net>; Mon\r\n"
                         "Subject: Hi\r\n"
                         "To: x@example.org\r\n"
                         "\r\n"
                         "Body: not a field\r\n";
    const HeaderSection s = readHeaderSection(m);
    ASSERT_EQ(s.fields.size(), 3u);
    EXPECT_EQ(s.fields[0].name, "Received");
    EXPECT_EQ(s.fields[0].lineCount, 3);
    EXPECT_EQ(s.fields[0].raw, "Received: from a\r\n\tby b\r\n\tfor <c@example.net>; Mon\r\n");
    EXPECT_EQ(s.fields[0].unfoldedValue(), "from a\tby b\tfor <c@example.net>; Mon");
    EXPECT_EQ(s.fields[1].name, "Subject");
    EXPECT_EQ(s.fields[1].offset, s.fields[0].raw.size());
    EXPECT_EQ(s.fields[1].unfoldedValue(), "Hi");
    EXPECT_EQ(s.fields[2].lineCount, 1);
    EXPECT_TRUE(s.hasEmptyLine());
    EXPECT_EQ(m.sliced(s.end, 2), "\r\n");
    EXPECT_EQ(m.sliced(s.bodyOffset), "Body: not a field\r\n");
    EXPECT_EQ(joined(s), m.first(s.end));
}

TEST(HeaderSectionEntries, AgreesWithFindHeaderField)
{
    const QByteArray m = "From: a@example.org\r\nTo: b@example.org,\r\n c@example.org\r\nX-Empty:\r\n\r\n";
    for (const auto &field : readHeaderSection(m).fields)
        EXPECT_EQ(field.unfoldedValue(), headerField(m, field.name)) << field.name.toByteArray().constData();
}

TEST(HeaderSectionEntries, KeepsLinesThatAreNoFieldsAndSaysSo)
{
    const QByteArray m = " stray continuation\r\n"
                         "no colon here\r\n"
                         "Two words: x\r\n"
                         ": no name\r\n"
                         "Gr\xc3\xbc\xc3\x9f" "e: 8-bit name\r\n"
                         "Good: yes\r\n"
                         "\r\n";
    const HeaderSection s = readHeaderSection(m);
    ASSERT_EQ(s.fields.size(), 6u);
    for (int i = 0; i < 5; ++i) {
        EXPECT_FALSE(s.fields[i].isField) << i;
        EXPECT_TRUE(s.fields[i].name.isEmpty()) << i;
        EXPECT_EQ(s.fields[i].lineCount, 1) << i;
    }
    EXPECT_EQ(s.fields[1].unfoldedValue(), "no colon here");
    EXPECT_TRUE(s.fields[5].isField);
    EXPECT_EQ(joined(s), m.first(s.end));
    EXPECT_FALSE(findHeaderField(m, "Two words").has_value());
}

TEST(HeaderSectionEntries, CopesWithMissingEmptyLineBareLfAndNoBytes)
{
    const QByteArray noBody = "A: 1\r\nB: 2";
    HeaderSection s = readHeaderSection(noBody);
    EXPECT_FALSE(s.hasEmptyLine());
    EXPECT_EQ(s.end, noBody.size());
    ASSERT_EQ(s.fields.size(), 2u);
    EXPECT_EQ(s.fields[1].raw, "B: 2");

    const QByteArray bareLf = "A: 1\n b\nC: 3\n\nbody\n";
    s = readHeaderSection(bareLf);
    ASSERT_EQ(s.fields.size(), 2u);
    EXPECT_EQ(s.fields[0].lineCount, 2);
    EXPECT_EQ(s.fields[0].unfoldedValue(), "1 b");
    EXPECT_EQ(bareLf.sliced(s.bodyOffset), "body\n");

    s = readHeaderSection("");
    EXPECT_TRUE(s.fields.empty());
    EXPECT_EQ(s.end, 0);
    EXPECT_FALSE(s.hasEmptyLine());

    s = readHeaderSection("\r\nonly a body");
    EXPECT_TRUE(s.fields.empty());
    EXPECT_EQ(s.end, 0);
    EXPECT_EQ(s.bodyOffset, 2);

    // A lone CR does not end a line: it stays inside the field, as the servers read it.
    s = readHeaderSection("A: 1\rB: 2\r\n\r\n");
    ASSERT_EQ(s.fields.size(), 1u);
    EXPECT_EQ(s.fields[0].unfoldedValue(), "1\rB: 2");
}
