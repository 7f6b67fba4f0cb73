#include "mail/header_fields.h"

#include <gtest/gtest.h>

using mailsim::mail::findHeaderField;
using mailsim::mail::headerField;

TEST(HeaderFields, FindsAFieldCaseInsensitivelyAndTrimsIt)
{
    const QByteArray m = "From: Alice <alice@example.org>\r\nSUBJECT:   Hello  \r\n\r\nSubject: body\r\n";
    EXPECT_EQ(headerField(m, "Subject"), "Hello");
    EXPECT_EQ(headerField(m, "from"), "Alice <alice@example.org>");
}

TEST(HeaderFields, UnfoldsContinuationLines)
{
    const QByteArray m = "To: a@example.org,\r\n b@example.org,\r\n\tc@example.org\r\nX: y\r\n\r\n";
    EXPECT_EQ(headerField(m, "To"), "a@example.org, b@example.org,\tc@example.org");
}

TEST(HeaderFields, StopsAtTheEndOfTheHeader)
{
    const QByteArray m = "From: a@example.org\r\n\r\nMessage-ID: <not-a-header@x>\r\n";
    EXPECT_FALSE(findHeaderField(m, "Message-ID").has_value());
    EXPECT_FALSE(findHeaderField("\r\nDate: x\r\n", "Date").has_value());
}

TEST(HeaderFields, TellsAnEmptyFieldFromAMissingOne)
{
    const QByteArray m = "Subject:\r\nFrom: a@example.org\r\n\r\n";
    ASSERT_TRUE(findHeaderField(m, "Subject").has_value());
    EXPECT_TRUE(findHeaderField(m, "Subject")->isEmpty());
    EXPECT_FALSE(findHeaderField(m, "Date").has_value());
}

TEST(HeaderFields, NeedsTheColonRightAfterTheName)
{
    const QByteArray m = "Subjects: no\r\nSubject : no either\r\nSubject: yes\r\n\r\n";
    EXPECT_EQ(headerField(m, "Subject"), "yes");
}

TEST(HeaderFields, AcceptsBareLfAndAMissingFinalNewline)
{
    EXPECT_EQ(headerField("A: 1\nB: 2", "B"), "2");
    EXPECT_EQ(headerField("", "B"), "");
    EXPECT_EQ(headerField("B: 1\r\n continued", "B"), "1 continued");
}
