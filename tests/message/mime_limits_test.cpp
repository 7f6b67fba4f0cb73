// Hostile sizes: nesting a hundred thousand levels deep, header lines of megabytes, floods
// of bad lines. The parser must stay within its limits, keep every byte and say what it did.
#include "message/mime.h"
#include "message/mime_test_support.h"

#include <gtest/gtest.h>

using namespace mailsim::message;
using namespace mailsim::message::test;

namespace {

// `levels` multiparts, each the only part of the one around it, with a text at the bottom.
QByteArray nestedMultiparts(int levels)
{
    QByteArray head;
    QByteArray tail;
    for (int i = 0; i < levels; ++i)
        head += "Content-Type: multipart/mixed; boundary=b" + QByteArray::number(i) +
                "\r\n\r\n--b" + QByteArray::number(i) + "\r\n";
    head += "Content-Type: text/plain\r\n\r\nthe bottom";
    for (int i = levels - 1; i >= 0; --i)
        tail += "\r\n--b" + QByteArray::number(i) + "--";
    return head + tail;
}

// How many levels of the tree were read (multiparts with parts, messages with a message).
int readDepth(const MimeEntity &root, const MimeEntity **deepest)
{
    int depth = 0;
    const MimeEntity *e = &root;
    while (true) {
        if (!e->parts.empty())
            e = &e->parts.front();
        else if (!e->embedded.empty())
            e = &e->embedded.front();
        else
            break;
        ++depth;
    }
    *deepest = e;
    return depth;
}

} // namespace

TEST(MimeLimits, AHundredThousandNestedMultipartsStopAtTheDepthLimit)
{
    const QByteArray m = nestedMultiparts(100000);
    const ParsedMessage p = parseMessage(m);
    const MimeEntity *deepest = nullptr;
    EXPECT_EQ(readDepth(p.root, &deepest), 50);
    EXPECT_EQ(deepest->mediaType(), "multipart/mixed");
    EXPECT_TRUE(deepest->body.startsWith("--b50\r\nContent-Type: multipart/mixed; boundary=b51"));
    EXPECT_TRUE(deepest->body.endsWith("\r\n--b51--\r\n--b50--")) << "kept, unread";
    EXPECT_TRUE(warningsAre(p.warnings, {{deepest->offset, "nested more than 50 levels deep"}}));
    EXPECT_EQ(serialize(p.root), m);

    // A smaller message read to the bottom, and a limit asked too high is held to the ceiling.
    const QByteArray small = nestedMultiparts(120);
    ParseLimits deep;
    deep.maxDepth = 1000000;
    const ParsedMessage q = parseMessage(small, deep);
    EXPECT_EQ(readDepth(q.root, &deepest), 120);
    EXPECT_EQ(deepest->decodedBody(), "the bottom");
    EXPECT_TRUE(q.warnings.empty());
    EXPECT_EQ(serialize(q.root), small);
    const ParsedMessage r = parseMessage(m, deep);
    EXPECT_EQ(readDepth(r.root, &deepest), kMaxDepthCeiling);
    EXPECT_EQ(serialize(r.root), m);
}

TEST(MimeLimits, AHundredThousandNestedMessagesStopAtTheDepthLimit)
{
    QByteArray m;
    for (int i = 0; i < 100000; ++i)
        m += "Content-Type: message/rfc822\r\n\r\n";
    m += "Subject: the bottom\r\n\r\nx";
    ParseLimits limits;
    limits.maxDepth = 10;
    const ParsedMessage p = parseMessage(m, limits);
    const MimeEntity *deepest = nullptr;
    EXPECT_EQ(readDepth(p.root, &deepest), 10);
    EXPECT_EQ(deepest->offset, 10 * 32);
    EXPECT_EQ(deepest->body.size(), m.size() - 11 * 32);
    EXPECT_TRUE(warningsAre(p.warnings, {{deepest->offset, "nested more than 10 levels deep"}}));
    EXPECT_EQ(serialize(p.root), m);
}

TEST(MimeLimits, HeaderLinesOfMegabytesAreKeptAndReported)
{
    const QByteArray value(5 * 1024 * 1024, 'a');
    const QByteArray m = "From: a@example.org\r\nSubject: " + value + "\r\n\r\nbody\r\n";
    ParsedMessage p = parseMessage(m);
    EXPECT_EQ(p.root.header.value("Subject"), value);
    EXPECT_EQ(p.root.body, "body\r\n");
    EXPECT_TRUE(warningsAre(p.warnings, {{21, "a header line of 5242889 bytes, more than 998"}}));
    EXPECT_EQ(serialize(p.root), m);

    // The same size in short folded lines is no problem at all.
    QByteArray folded = "To: first@example.org";
    while (folded.size() < 5 * 1024 * 1024)
        folded += ",\r\n next@example.org";
    p = parseMessage(folded + "\r\n\r\n");
    EXPECT_TRUE(p.warnings.empty());
    EXPECT_EQ(p.root.header.fields.size(), 1u);
    EXPECT_EQ(serialize(p.root), folded + "\r\n\r\n");

    // One line and nothing else, not even a line end.
    const QByteArray endless = "X: " + value;
    p = parseMessage(endless);
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "a header line of 5242883 bytes"},
                                         {endless.size(), "no empty line ends the header"}}));
    EXPECT_EQ(serialize(p.root), endless);

    ParseLimits megabyte;
    megabyte.maxHeaderLine = 1024 * 1024;
    EXPECT_EQ(parseMessage(m, megabyte).warnings.size(), 1u);
    EXPECT_TRUE(parseMessage("Subject: " + QByteArray(900 * 1024, 'a') + "\r\n\r\n", megabyte)
                    .warnings.empty());
}

TEST(MimeLimits, AFloodOfBadLinesGivesABoundedListOfWarnings)
{
    QByteArray m;
    for (int i = 0; i < 100000; ++i)
        m += "not a field\r\n";
    const ParsedMessage p = parseMessage(m + "\r\n");
    ASSERT_EQ(p.warnings.size(), 1001u);
    EXPECT_TRUE(p.warnings.back().text.contains(QLatin1String("99000 more warnings")))
        << p.warnings.back().text.toStdString();
    EXPECT_EQ(p.root.header.strays.size(), 100000u);
    EXPECT_EQ(serialize(p.root), m + "\r\n");
}

TEST(MimeLimits, NulBytesEverywhereAreKept)
{
    const QByteArray m(64 * 1024, '\0');
    const ParsedMessage p = parseMessage(m);
    EXPECT_EQ(serialize(p.root), m);
    EXPECT_TRUE(warningsAre(p.warnings, {{0, "65536 NUL bytes"},
                                         {0, "without a colon"},
                                         {0, "a header line of 65536 bytes"},
                                         {m.size(), "no empty line"}}))
        << "one long line, which is no field";
}
