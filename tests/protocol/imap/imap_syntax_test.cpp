// The IMAP syntax pieces: reading atoms, strings, literals, flags, sets and dates, and
// writing strings the way the grammar allows.
#include "protocol/imap/imap_syntax.h"

#include <QTimeZone>

#include <gtest/gtest.h>

using namespace mailsim::imap;

namespace {

TEST(ImapSyntax, StringsAtomsAndLiterals)
{
    CommandReader r("abc \"q\\\"x\\\\\" {3}\r\nxyz NIL \"\" {0}\r\n");
    EXPECT_EQ(r.astring(), QByteArray("abc"));
    EXPECT_TRUE(r.space());
    EXPECT_EQ(r.astring(), QByteArray("q\"x\\"));
    EXPECT_TRUE(r.space());
    EXPECT_EQ(r.astring(), QByteArray("xyz"));
    EXPECT_TRUE(r.space());
    const std::optional<QByteArray> nil = r.nstring();
    ASSERT_TRUE(nil);
    EXPECT_TRUE(nil->isNull());
    EXPECT_TRUE(r.space());
    const std::optional<QByteArray> empty = r.nstring();
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty->isNull());
    EXPECT_TRUE(r.space());
    EXPECT_EQ(r.string(), QByteArray(""));
    EXPECT_TRUE(r.atEnd());
}

TEST(ImapSyntax, MalformedPiecesConsumeNothing)
{
    for (const char *bad : {"\"open", "\"bad\\escape\"", "{3}\r\nab", "{x}\r\nab", "{3}ab", "{99999999999}\r\n",
                            "\"line\r\nbreak\""}) {
        CommandReader r(bad);
        EXPECT_FALSE(r.string()) << bad;
        EXPECT_EQ(r.position(), 0) << bad;
    }
    CommandReader number("4294967296");
    EXPECT_FALSE(number.number());
    CommandReader largest("4294967295");
    EXPECT_EQ(largest.number(), 4294967295u);
    CommandReader keyword("FLAGS.SILENT");
    EXPECT_FALSE(keyword.keyword("FLAGS"));
    EXPECT_TRUE(keyword.keyword("flags.silent"));
}

TEST(ImapSyntax, FlagLists)
{
    CommandReader r("(\\Seen $Work \\Answered) () (\\Seen");
    EXPECT_EQ(r.flagList(), (QByteArrayList{"\\Seen", "$Work", "\\Answered"}));
    EXPECT_TRUE(r.space());
    EXPECT_EQ(r.flagList(), QByteArrayList{});
    EXPECT_TRUE(r.space());
    EXPECT_FALSE(r.flagList());
    EXPECT_EQ(r.peek(), '(');
}

TEST(ImapSyntax, SequenceSets)
{
    CommandReader r("1:3,7,*,9:*");
    const std::optional<SequenceSet> set = r.sequenceSet();
    ASSERT_TRUE(set);
    ASSERT_EQ(set->ranges.size(), 4u);
    EXPECT_TRUE(set->contains(2, 20));
    EXPECT_FALSE(set->contains(5, 8));
    EXPECT_TRUE(set->contains(8, 8));   // "9:*" is 8:9 when 8 is the largest
    EXPECT_TRUE(set->contains(20, 20));
    EXPECT_FALSE(set->contains(4, 0));
    bool star = false;
    EXPECT_EQ(set->largestExplicit(&star), 9u);
    EXPECT_TRUE(star);
    for (const char *bad : {"0", "1:0", ",1", "1,", "1::2", "a", ":"}) {
        CommandReader b(bad);
        const std::optional<SequenceSet> s = b.sequenceSet();
        EXPECT_TRUE(!s || !b.atEnd()) << bad;
    }
}

TEST(ImapSyntax, Dates)
{
    CommandReader d("5-Mar-2025 \"15-dec-1999\" 31-Feb-2025 5-Mar-25");
    EXPECT_EQ(d.date(), QDate(2025, 3, 5));
    EXPECT_TRUE(d.space());
    EXPECT_EQ(d.date(), QDate(1999, 12, 15));
    EXPECT_TRUE(d.space());
    EXPECT_FALSE(d.date());
    CommandReader t("\" 7-Mar-2025 10:00:00 +0130\"");
    EXPECT_EQ(t.dateTime(), QDateTime(QDate(2025, 3, 7), QTime(8, 30), QTimeZone::utc()));
    CommandReader bad("\"07-Mar-2025 25:00:00 +0100\"");
    EXPECT_FALSE(bad.dateTime());
    EXPECT_EQ(formatDateTime(QDateTime(QDate(2025, 3, 7), QTime(8, 30), QTimeZone(-5 * 3600))),
              "07-Mar-2025 08:30:00 -0500");
}

TEST(ImapSyntax, WritingStrings)
{
    EXPECT_EQ(quotedOrLiteral("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(quotedOrLiteral("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
    EXPECT_EQ(quotedOrLiteral("a\r\nb"), "{4}\r\na\r\nb");
    EXPECT_EQ(astring("INBOX"), "INBOX");
    EXPECT_EQ(astring("My Stuff"), "\"My Stuff\"");
    EXPECT_EQ(astring("nil"), "\"nil\"");
    EXPECT_EQ(astring(""), "\"\"");
    EXPECT_EQ(nstring(QByteArray()), "NIL");
    EXPECT_EQ(flagList({"\\Seen", "$X"}), "(\\Seen $X)");
}

} // namespace
