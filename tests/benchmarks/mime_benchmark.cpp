// Throughput of the message library on a large message with attachments.
//
// The message (about 10 MB by default) is built with the library: a multipart/mixed with a
// text and HTML multipart/alternative, a long quoted-printable text, and four attachments of
// random bytes, base64 in lines of 76. Then, each measured ROUNDS times:
//   parse      parseMessage() of the whole message
//   serialize  serialize() of the parsed tree (which gives the input back)
//   decode     decodedBody() of every leaf (base64 and quoted-printable undone)
//   all three  one after the other, as the inspector does when it opens a message
// and, as the reference for decoding, QByteArray::fromBase64 alone on the same base64
// bodies. Throughput is in MB/s (10^6 bytes) of the message, or of the base64 text for the
// two base64 lines. The driver fails if a byte does not come back.
//
// Usage: mailsim-mime-benchmark [MEGABYTES [ROUNDS]]      (default: 10 15)
// Results and the command line used are recorded in docs/benchmarks.md.
#include "message/mime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

using namespace mailsim::message;

namespace {

QByteArray randomBytes(std::mt19937 &rng, qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    for (qsizetype i = 0; i + 4 <= size; i += 4) {
        const quint32 r = rng();
        std::memcpy(out.data() + i, &r, 4);
    }
    for (qsizetype i = size - size % 4; i < size; ++i)
        out[i] = char(rng());
    return out;
}

// Median and best of `rounds` runs of `work`, in seconds.
std::pair<double, double> measure(int rounds, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        times.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], times.front()};
}

void report(const char *what, qsizetype bytes, std::pair<double, double> t)
{
    const double mb = double(bytes) / 1e6;
    std::printf("%-28s %9.1f MB/s median %9.1f MB/s best   (%.2f MB in %.1f ms median)\n", what,
                mb / t.first, mb / t.second, mb, t.first * 1e3);
}

void collectLeaves(const MimeEntity &e, std::vector<const MimeEntity *> &out)
{
    for (const MimeEntity &p : e.parts)
        collectLeaves(p, out);
    for (const MimeEntity &m : e.embedded)
        collectLeaves(m, out);
    if (e.parts.empty() && e.embedded.empty())
        out.push_back(&e);
}

} // namespace

int main(int argc, char **argv)
{
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 10.0;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 15;
    if (megabytes <= 0) {
        std::fprintf(stderr, "usage: %s [MEGABYTES [ROUNDS]]\n", argv[0]);
        return 2;
    }

    // Attachments take about 96 % of the message: base64 makes 4 characters of 3 bytes and
    // adds CR LF every 76, so the message is about 1.37 times the attachments' bytes.
    std::mt19937 rng(10);
    const auto attachmentBytes = qsizetype(megabytes * 1e6 * 0.96 / 1.37);
    const qsizetype sizes[] = {attachmentBytes * 4 / 10, attachmentBytes * 3 / 10,
                               attachmentBytes * 2 / 10, attachmentBytes / 10};
    std::vector<QByteArray> originals;
    std::vector<MimeEntity> alternatives;
    QString text;
    for (int i = 0; i < 2000; ++i)
        text += QStringLiteral("Line %1 of the letter: Gr\u00fc\u00dfe aus K\u00f6ln, and "
                               "some more words to make it a line of a usual length.\n")
                    .arg(i);
    alternatives.push_back(makeTextPart(text));
    alternatives.push_back(
        makeTextPart(QStringLiteral("<p>") + text.left(20000) + QStringLiteral("</p>"), "html"));
    std::vector<MimeEntity> parts;
    parts.push_back(makeMultipart("alternative", std::move(alternatives)));
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
        originals.push_back(randomBytes(rng, sizes[i]));
        parts.push_back(makeAttachment(QStringLiteral("file%1.bin").arg(i),
                                       "application/octet-stream", originals.back()));
    }
    MimeEntity root = makeMultipart("mixed", std::move(parts));
    root.header.prepend("MIME-Version", "1.0");
    root.header.prepend("Subject", "A large message");
    root.header.prepend("From", "alice@example.org");
    const QByteArray message = serialize(root);

    // Correctness first: the bytes come back, every attachment decodes to its bytes.
    const ParsedMessage parsed = parseMessage(message);
    if (serialize(parsed.root) != message || !parsed.warnings.empty()) {
        std::fprintf(stderr, "the message did not come back as it was\n");
        return 1;
    }
    std::vector<const MimeEntity *> leaves;
    collectLeaves(parsed.root, leaves);
    std::vector<QByteArray> base64Bodies;
    qsizetype base64Size = 0;
    for (const MimeEntity *leaf : leaves) {
        if (leaf->transferEncoding() == "base64") {
            base64Bodies.push_back(leaf->body);
            base64Size += leaf->body.size();
        }
    }
    for (std::size_t i = 0; i < originals.size(); ++i) {
        if (leaves[i + 2]->decodedBody() != originals[i]) {
            std::fprintf(stderr, "attachment %zu did not decode to its bytes\n", i);
            return 1;
        }
    }

    std::printf("message: %.2f MB, %zu leaves, %.2f MB of it base64 in %zu bodies; %d rounds\n",
                double(message.size()) / 1e6, leaves.size(), double(base64Size) / 1e6,
                base64Bodies.size(), rounds);
    qsizetype sink = 0; // keeps the optimiser from dropping the work
    report("parse", message.size(),
           measure(rounds, [&] { sink += parseMessage(message).root.parts.size(); }));
    report("serialize", message.size(),
           measure(rounds, [&] { sink += serialize(parsed.root).size(); }));
    report("decode (all leaves)", message.size(), measure(rounds, [&] {
               for (const MimeEntity *leaf : leaves)
                   sink += leaf->decodedBody().size();
           }));
    report("parse + serialize + decode", message.size(), measure(rounds, [&] {
               const ParsedMessage p = parseMessage(message);
               sink += serialize(p.root).size();
               std::vector<const MimeEntity *> l;
               collectLeaves(p.root, l);
               for (const MimeEntity *leaf : l)
                   sink += leaf->decodedBody().size();
           }));
    report("base64 bodies: decodedBody", base64Size, measure(rounds, [&] {
               for (const MimeEntity *leaf : leaves) {
                   if (leaf->transferEncoding() == "base64")
                       sink += leaf->decodedBody().size();
               }
           }));
    report("base64 bodies: Qt fromBase64", base64Size, measure(rounds, [&] {
               for (const QByteArray &b : base64Bodies)
                   sink += QByteArray::fromBase64(b).size();
           }));
    return sink > 0 ? 0 : 1;
}
