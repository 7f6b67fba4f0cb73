#include "protocol/smtp/dot_stuffing.h"

#include <gtest/gtest.h>

using mailsim::smtp::dotStuff;

namespace {

// The receiver's half, written as plainly as possible so that it can check the sender's:
// split at CR LF, stop at the line ".", drop one leading dot from every other line.
// Returns the content with CR LF line ends; empty optional when the terminator is missing
// or something follows it.
std::optional<QByteArray> unstuff(const QByteArray &wire)
{
    QByteArray content;
    qsizetype pos = 0;
    while (pos < wire.size()) {
        const qsizetype end = wire.indexOf("\r\n", pos);
        if (end < 0)
            return std::nullopt;
        QByteArray line = wire.mid(pos, end - pos);
        pos = end + 2;
        if (line == ".")
            return pos == wire.size() ? std::optional<QByteArray>(content) : std::nullopt;
        if (line.startsWith('.'))
            line.remove(0, 1);
        content += line + "\r\n";
    }
    return std::nullopt;
}

} // namespace

TEST(DotStuffing, PlainContentGetsOnlyTheTerminator)
{
    EXPECT_EQ(dotStuff("Subject: hi\r\n\r\nHello\r\n"), "Subject: hi\r\n\r\nHello\r\n.\r\n");
}

TEST(DotStuffing, EmptyContentIsJustTheTerminator)
{
    EXPECT_EQ(dotStuff(""), ".\r\n");
}

TEST(DotStuffing, LeadingDotIsDoubled)
{
    EXPECT_EQ(dotStuff(".hidden\r\n"), "..hidden\r\n.\r\n");
    EXPECT_EQ(dotStuff("a\r\n.b\r\nc\r\n"), "a\r\n..b\r\nc\r\n.\r\n");
}

TEST(DotStuffing, DotsInsideALineAreLeftAlone)
{
    EXPECT_EQ(dotStuff("a.b.\r\nend.\r\n"), "a.b.\r\nend.\r\n.\r\n");
}

TEST(DotStuffing, LoneDotLineCannotEndTheMessageEarly)
{
    EXPECT_EQ(dotStuff("before\r\n.\r\nafter\r\n"), "before\r\n..\r\nafter\r\n.\r\n");
    EXPECT_EQ(dotStuff(".\r\n"), "..\r\n.\r\n");
}

TEST(DotStuffing, DoubleDotLinesGetAThirdDot)
{
    EXPECT_EQ(dotStuff("..\r\n...x\r\n"), "...\r\n....x\r\n.\r\n");
}

TEST(DotStuffing, MissingFinalLineEndIsAdded)
{
    EXPECT_EQ(dotStuff("no newline"), "no newline\r\n.\r\n");
    EXPECT_EQ(dotStuff(".dot last"), "..dot last\r\n.\r\n");
    EXPECT_EQ(dotStuff("."), "..\r\n.\r\n");
}

TEST(DotStuffing, BareLfBecomesCrLf)
{
    EXPECT_EQ(dotStuff("a\nb\n"), "a\r\nb\r\n.\r\n");
    EXPECT_EQ(dotStuff("a\r\nb\nc"), "a\r\nb\r\nc\r\n.\r\n");
}

TEST(DotStuffing, BareCrBecomesCrLf)
{
    EXPECT_EQ(dotStuff("a\rb\r"), "a\r\nb\r\n.\r\n");
    EXPECT_EQ(dotStuff("a\r\r\nb\r\n"), "a\r\n\r\nb\r\n.\r\n");
}

TEST(DotStuffing, DotAfterBareLineEndIsStuffedToo)
{
    // "<LF>.<LF>" is the smuggling sequence: after normalising it must be a stuffed line.
    EXPECT_EQ(dotStuff("x\n.\ny\r\n"), "x\r\n..\r\ny\r\n.\r\n");
    EXPECT_EQ(dotStuff("x\r.\ry\r\n"), "x\r\n..\r\ny\r\n.\r\n");
}

TEST(DotStuffing, WireNeverCarriesBareCrOrLf)
{
    const QByteArray wire = dotStuff("a\rb\nc\r\n\n\r\r.\n");
    for (qsizetype i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r') {
            ASSERT_TRUE(i + 1 < wire.size() && wire[i + 1] == '\n') << "bare CR at " << i;
        }
        if (wire[i] == '\n') {
            ASSERT_TRUE(i > 0 && wire[i - 1] == '\r') << "bare LF at " << i;
        }
    }
}

TEST(DotStuffing, EightBitBytesPassUnchanged)
{
    const QByteArray content = "Gr\xc3\xbc\xc3\x9f"
                               "e\r\n.\xff\r\n";
    EXPECT_EQ(dotStuff(content), "Gr\xc3\xbc\xc3\x9f"
                                 "e\r\n..\xff\r\n.\r\n");
}

TEST(DotStuffing, RoundTripRestoresCrLfContent)
{
    const QByteArray samples[] = {
        "",
        "\r\n",
        ".\r\n",
        "..\r\n",
        "Subject: test\r\n\r\n.\r\n..\r\n...\r\n. \r\n .\r\nend\r\n",
        QByteArray(".\r\n").repeated(100),
        "a\r\n\r\n\r\n.x\r\n",
    };
    for (const QByteArray &content : samples) {
        const std::optional<QByteArray> back = unstuff(dotStuff(content));
        ASSERT_TRUE(back.has_value()) << content.toStdString();
        EXPECT_EQ(*back, content);
    }
}

TEST(DotStuffing, RoundTripOfContentWithoutFinalLineEndAddsCrLf)
{
    EXPECT_EQ(unstuff(dotStuff(".a\r\n.b")), QByteArray(".a\r\n.b\r\n"));
}

TEST(DotStuffing, LargeContentIsLinear)
{
    // A megabyte of "." lines would take minutes if each line copied the rest of the buffer.
    const QByteArray content = QByteArray(".\r\n").repeated(350000);
    const QByteArray wire = dotStuff(content);
    EXPECT_EQ(wire.size(), content.size() + 350000 + 3);
    EXPECT_EQ(unstuff(wire), content);
}
