#include "protocol/common/line_assembler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using mailsim::protocol::LineAssembler;
using Status = LineAssembler::Status;
using Terminator = LineAssembler::Terminator;

namespace {

// Everything next() returns until it needs more, written out so runs can be compared.
std::string drain(LineAssembler &a)
{
    std::string log;
    for (;;) {
        const LineAssembler::Result r = a.next();
        switch (r.status) {
        case Status::NeedMore: return log;
        case Status::TooLong: log += "TooLong\n"; break;
        case Status::Line:
            log += "Line[" + r.line.toStdString() + "]" + (r.bareLf ? " bareLf" : "") + "\n";
            break;
        }
    }
}

// The input fed in pieces cut at the given offsets; the log of every line returned.
std::string feed(qsizetype maxLength, Terminator terminator, const QByteArray &input,
                 const std::vector<qsizetype> &cuts)
{
    LineAssembler a(maxLength, terminator);
    std::string log;
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        a.append(QByteArrayView(input).sliced(from, cut - from));
        log += drain(a);
        from = cut;
    }
    a.append(QByteArrayView(input).sliced(from));
    log += drain(a);
    return log;
}

TEST(LineAssembler, SplitsCrLfLines)
{
    LineAssembler a(512);
    a.append("HELO x\r\nNOOP\r\n");
    auto r = a.next();
    ASSERT_EQ(r.status, LineAssembler::Status::Line);
    EXPECT_EQ(r.line, "HELO x");
    EXPECT_FALSE(r.bareLf);
    r = a.next();
    ASSERT_EQ(r.status, LineAssembler::Status::Line);
    EXPECT_EQ(r.line, "NOOP");
    EXPECT_EQ(a.next().status, LineAssembler::Status::NeedMore);
}

TEST(LineAssembler, CrLfOrLfAcceptsABareLfAndSaysSo)
{
    LineAssembler a(512, Terminator::CrLfOrLf);
    a.append("NOOP\nQUIT\r\n\n");
    EXPECT_EQ(drain(a), "Line[NOOP] bareLf\nLine[QUIT]\nLine[] bareLf\n");
}

TEST(LineAssembler, CrLfOnlyKeepsABareLfInsideTheLine)
{
    LineAssembler a(512, Terminator::CrLfOnly);
    a.append("one\n.\ntwo\r\n\n\r\n");
    EXPECT_EQ(drain(a), "Line[one\n.\ntwo]\nLine[\n]\n");
}

// The search for the end of a line skips bare LFs wherever they are: first in the buffer,
// one after another, and in a long line of data.
TEST(LineAssembler, CrLfOnlySkipsEveryBareLfBeforeTheCrLf)
{
    LineAssembler a(4096, Terminator::CrLfOnly);
    a.append("\n\na\n\nb\n\r\n\r\n");
    EXPECT_EQ(drain(a), "Line[\n\na\n\nb\n]\nLine[]\n");

    QByteArray data;
    for (int i = 0; i < 300; ++i)
        data += "line\n";
    a.append(data);
    EXPECT_EQ(a.next().status, Status::NeedMore);
    a.append("end\r\n");
    const LineAssembler::Result r = a.next();
    ASSERT_EQ(r.status, Status::Line);
    EXPECT_EQ(r.line, data + "end");
}

TEST(LineAssembler, ALoneCrIsPartOfTheLineInBothModes)
{
    LineAssembler lenient(512, Terminator::CrLfOrLf);
    lenient.append("A\rB\n");
    EXPECT_EQ(drain(lenient), "Line[A\rB] bareLf\n");

    LineAssembler strict(512, Terminator::CrLfOnly);
    strict.append("A\rB\r\r\n");
    EXPECT_EQ(drain(strict), "Line[A\rB\r]\n");
}

TEST(LineAssembler, CrAtTheEndOfAChunkPairsWithLfInTheNext)
{
    for (Terminator t : {Terminator::CrLfOrLf, Terminator::CrLfOnly}) {
        LineAssembler a(512, t);
        a.append("NOOP\r");
        EXPECT_EQ(a.next().status, Status::NeedMore);
        EXPECT_EQ(a.buffered(), 5);
        a.append("\n");
        EXPECT_EQ(drain(a), "Line[NOOP]\n") << "not a bare LF, and the CR is not in the line";
    }
}

TEST(LineAssembler, NeedsMoreUntilTheTerminatorArrives)
{
    LineAssembler a(512);
    EXPECT_EQ(a.next().status, Status::NeedMore);
    a.append("EH");
    EXPECT_EQ(a.next().status, Status::NeedMore);
    a.append("LO x");
    EXPECT_EQ(a.next().status, Status::NeedMore);
    EXPECT_EQ(a.buffered(), 6);
    a.append("\r\n");
    EXPECT_EQ(drain(a), "Line[EHLO x]\n");
    EXPECT_EQ(a.buffered(), 0);
}

TEST(LineAssembler, TheLimitCountsTheTerminator)
{
    LineAssembler a(10, Terminator::CrLfOrLf);
    a.append("12345678\r\n");  // 10 with CR LF
    a.append("123456789\n");   // 10 with LF
    a.append("123456789\r\n"); // 11
    a.append("after\r\n");
    EXPECT_EQ(drain(a), "Line[12345678]\nLine[123456789] bareLf\nTooLong\nLine[after]\n");
}

TEST(LineAssembler, TooLongWithItsTerminatorInTheSameChunk)
{
    LineAssembler a(8, Terminator::CrLfOnly);
    a.append("0123456789abcdef\r\nok\r\n");
    EXPECT_EQ(drain(a), "TooLong\nLine[ok]\n");
}

TEST(LineAssembler, TooLongWithoutTerminatorIsReportedOnceAndDiscardedToItsEnd)
{
    LineAssembler a(8, Terminator::CrLfOrLf);
    a.append("0123456789");
    EXPECT_EQ(drain(a), "TooLong\n");
    a.append("more of the same line");
    EXPECT_EQ(drain(a), "") << "reported once";
    EXPECT_EQ(a.buffered(), 0) << "and not kept";
    a.append("still\r");
    EXPECT_EQ(drain(a), "");
    EXPECT_LE(a.buffered(), 1) << "only a CR that may pair with the next LF";
    a.append("\nnext\r\n");
    EXPECT_EQ(drain(a), "Line[next]\n");
}

TEST(LineAssembler, DiscardingInCrLfOnlyModeIgnoresABareLf)
{
    LineAssembler a(8, Terminator::CrLfOnly);
    a.append("0123456789");
    EXPECT_EQ(drain(a), "TooLong\n");
    a.append("\n.\n still the same line\r");
    EXPECT_EQ(drain(a), "");
    a.append("\n.\r\n");
    EXPECT_EQ(drain(a), "Line[.]\n");
}

TEST(LineAssembler, TakeBufferedReturnsTheUnreadBytesAndEmptiesTheBuffer)
{
    LineAssembler a(512);
    a.append("DATA\r\npartial line");
    EXPECT_EQ(drain(a), "Line[DATA]\n");
    EXPECT_EQ(a.buffered(), 12);
    EXPECT_EQ(a.takeBuffered(), "partial line");
    EXPECT_EQ(a.buffered(), 0);
    EXPECT_EQ(a.next().status, Status::NeedMore);
    a.append("fresh\r\n");
    EXPECT_EQ(drain(a), "Line[fresh]\n");
}

TEST(LineAssembler, ClearForgetsEverythingIncludingADiscard)
{
    LineAssembler a(4);
    a.append("123456");
    EXPECT_EQ(drain(a), "TooLong\n");
    a.clear();
    a.append("ab\r\n");
    EXPECT_EQ(drain(a), "Line[ab]\n");
}

TEST(LineAssembler, ChangingModeAppliesToTheLinesNotYetRead)
{
    LineAssembler a(512, Terminator::CrLfOrLf);
    a.append("DATA\nx\ny\r\n.\r\nQUIT\n");
    EXPECT_EQ(a.next().line, "DATA");
    a.setTerminator(Terminator::CrLfOnly);
    a.setMaxLineLength(1001);
    EXPECT_EQ(a.maxLineLength(), 1001);
    EXPECT_EQ(a.next().line, "x\ny");
    EXPECT_EQ(a.next().line, ".");
    a.setTerminator(Terminator::CrLfOrLf);
    EXPECT_EQ(drain(a), "Line[QUIT] bareLf\n");
}

TEST(LineAssembler, MemoryStaysBoundedWhateverArrives)
{
    for (Terminator t : {Terminator::CrLfOrLf, Terminator::CrLfOnly}) {
        LineAssembler a(100, t);
        // A megabyte without a terminator, then lines of every length around the limit.
        for (int i = 0; i < 1000; ++i) {
            a.append(QByteArray(1000, 'x'));
            (void)drain(a);
            ASSERT_LE(a.buffered(), 100);
        }
        a.append("\r\n");
        (void)drain(a);
        for (int length = 0; length < 300; ++length) {
            a.append(QByteArray(length, 'y') + "\r\n");
            const std::string log = drain(a);
            EXPECT_EQ(log, length + 2 <= 100 ? "Line[" + std::string(length, 'y') + "]\n"
                                             : std::string("TooLong\n"));
            ASSERT_LE(a.buffered(), 100);
        }
    }
}

// The same stream must give the same lines however it is cut.
TEST(LineAssembler, EverySplitOffsetGivesTheSameLines)
{
    const QByteArray input = "EHLO x\r\n"
                             "bare\n"
                             "lone\rcr\r\n"
                             "0123456789012345678901234567890\r\n" // too long for 20
                             "\r\n"
                             "tail\r\r\n"
                             "01234567890123456789012345\n"
                             ".\r\n"
                             "x\n.\ny\r\n"
                             "unterminated";
    for (Terminator t : {Terminator::CrLfOrLf, Terminator::CrLfOnly}) {
        const std::string whole = feed(20, t, input, {});
        std::vector<qsizetype> everyByte;
        for (qsizetype i = 1; i < input.size(); ++i)
            everyByte.push_back(i);
        EXPECT_EQ(feed(20, t, input, everyByte), whole) << "byte by byte";
        for (qsizetype cut = 1; cut < input.size(); ++cut)
            EXPECT_EQ(feed(20, t, input, {cut}), whole) << "cut at " << cut;
        for (qsizetype first = 1; first < input.size(); first += 3) {
            for (qsizetype second = first + 1; second < input.size(); second += 5)
                EXPECT_EQ(feed(20, t, input, {first, second}), whole)
                    << "cuts at " << first << " and " << second;
        }
    }
    EXPECT_EQ(feed(20, Terminator::CrLfOrLf, input, {}),
              "Line[EHLO x]\nLine[bare] bareLf\nLine[lone\rcr]\nTooLong\nLine[]\nLine[tail\r]\n"
              "TooLong\nLine[.]\nLine[x] bareLf\nLine[.] bareLf\nLine[y]\n");
    EXPECT_EQ(feed(20, Terminator::CrLfOnly, input, {}),
              "Line[EHLO x]\nLine[bare\nlone\rcr]\nTooLong\nLine[]\nLine[tail\r]\nTooLong\n"
              "Line[x\n.\ny]\n");
}

} // namespace
