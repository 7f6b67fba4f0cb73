// The IMAP server against random input, from fixed seeds so that a failure can be replayed:
// bytes biased towards what makes IMAP parsing interesting (literals, quotes, parentheses,
// brackets, huge numbers, command words). Each run checks real properties: every unit sent
// is one well-formed response, memory stays within the limits, the chunking does not
// change a byte of the output, and a command at the end is still answered.
#include "imap_test_support.h"

#include <gtest/gtest.h>

#include <random>

using namespace mailsim;
using namespace mailsim::imap;
using namespace mailsim::imap::test;

namespace {

constexpr int kRuns = 300;

ServerConfig smallConfig()
{
    ServerConfig config;
    config.maxLine = 200;
    config.maxLiteral = 64;
    config.maxErrors = 1000;
    return config;
}

QByteArray randomInput(std::mt19937 &rng)
{
    static const char *const kPieces[] = {
        "\r\n", "\r\n", "\n", "\r", " ", "(", ")", "[", "]", "<", ">", "{", "}", "\"", "\\", "*", "%", ":", ",",
        "{5}\r\n", "{0}\r\n", "{64}\r\n", "{65}\r\n", "{4294967296}\r\n", "{3+}\r\n", "99999999999", "0", "1", "1:*",
        "\r\na LOGIN bob secret\r\n", "\r\nb SELECT INBOX\r\n", "\r\nc FETCH 1:* (FLAGS BODY.PEEK[1.MIME])\r\n",
        "\r\nd SEARCH OR (UNSEEN FROM \"x\") NOT BODY {2}\r\nab\r\n", "\r\ne STORE 1 +FLAGS (\\Deleted)\r\n",
        "\r\nf EXPUNGE\r\n", "\r\ng IDLE\r\n", "DONE\r\n", "\r\nh APPEND INBOX (\\Seen) {10}\r\n",
        "\r\ni UID FETCH 1:* BODY[HEADER.FIELDS (SUBJECT)]<0.10>\r\n", "\r\nj LIST \"\" *\r\n", "\r\nk CLOSE\r\n",
        "\r\nl COPY 1 INBOX\r\n", "\r\nm STATUS INBOX (MESSAGES)\r\n", "FETCH", "BODY[", "UID", "NIL",
    };
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kPieces) - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    std::uniform_int_distribution<int> anyByte(0, 255);
    std::uniform_int_distribution<int> length(0, 3000);
    QByteArray input;
    const int target = length(rng);
    while (input.size() < target) {
        if (percent(rng) < 60)
            input += kPieces[pick(rng)];
        else
            input += static_cast<char>(anyByte(rng));
    }
    return input;
}

bool wellFormed(const protocol::Transmission &t)
{
    if (!t.bytes.endsWith("\r\n"))
        return false;
    if (t.bytes.startsWith("* ") || t.bytes.startsWith("+ "))
        return true;
    const qsizetype space = t.bytes.indexOf(' ');
    const QByteArray word = t.bytes.mid(space + 1, 3);
    return space > 0 && (word == "OK " || word == "NO " || word == "BAD");
}

TEST(ImapServerRandom, AlwaysAnswersWithinBounds)
{
    for (int run = 0; run < kRuns; ++run) {
        std::mt19937 rng(static_cast<unsigned>(run));
        const QByteArray input = randomInput(rng);
        // Padding ends any literal still open and any line; then one last command.
        const QByteArray tail = QByteArray(70, 'x') + "\r\nZ NOOP\r\n";

        Fixture whole;
        auto a = whole.session(smallConfig());
        QByteArray wireWhole;
        protocol::EngineOutput out = a->receive(input);
        for (const protocol::Transmission &t : out.sent)
            ASSERT_TRUE(wellFormed(t)) << "run " << run << ": " << t.bytes.toStdString();
        wireWhole += out.wire();
        ASSERT_LE(a->bytesHeld(), 200 + 64 + 200) << "run " << run;
        const protocol::EngineOutput last = a->receive(tail);
        wireWhole += last.wire();
        if (a->state() != ImapServerSession::State::Logout) {
            ASSERT_FALSE(last.sent.empty()) << "run " << run << " did not answer the last command";
        }

        Fixture split;
        auto b = split.session(smallConfig());
        QByteArray wireSplit;
        const QByteArray all = input + tail;
        std::uniform_int_distribution<int> chunk(1, 40);
        for (qsizetype at = 0; at < all.size();) {
            const qsizetype n = std::min<qsizetype>(chunk(rng), all.size() - at);
            wireSplit += b->receive(all.mid(at, n)).wire();
            at += n;
        }
        ASSERT_EQ(wireSplit, wireWhole) << "run " << run;
    }
}

} // namespace
