// Runs an SmtpServerSession over a given input, cut into pieces wherever a test likes, and
// sums up everything observable: the bytes and replies sent, the units recognised, closing,
// and the policy's calls. Comparing these summaries between cuttings is how the tests show
// that the engine's behaviour does not depend on how the network splits the stream.
#pragma once

#include "support/protocol/recording_policy.h"

#include "protocol/smtp/smtp_server_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace mailsim::test_support {

struct ServerRun
{
    QByteArray wire;             // all bytes the server sent, joined
    std::vector<int> codes;      // the code of each reply, in order
    std::string received;        // one line per unit recognised: "C <command>" or "D <data>"
    int closes = 0;              // outputs that asked to close
    RecordingPolicy policy;      // with the calls the session made
    smtp::ServerState state = smtp::ServerState::Connected; // at the end
    qsizetype maxBytesHeld = 0;  // the most the session held after any call

    [[nodiscard]] std::string policyCalls() const { return policy.describe(); }
    [[nodiscard]] std::string summary() const
    {
        std::string text = "sent:\n" + visible(wire) + "\ncodes:";
        for (int code : codes)
            text += ' ' + std::to_string(code);
        text += "\nreceived:\n" + received + "closes: " + std::to_string(closes) +
                "\nstate: " + smtp::toString(state) + "\npolicy:\n" + policyCalls();
        return text;
    }
};

inline void collect(ServerRun &run, const protocol::EngineOutput &out)
{
    for (const protocol::Transmission &t : out.sent) {
        run.wire += t.bytes;
        run.codes.push_back(t.code);
    }
    for (const protocol::Transmission &t : out.received) {
        run.received += t.kind == protocol::Transmission::Kind::Data ? "D " : "C ";
        run.received += visible(t.bytes) + '\n';
    }
    if (out.close)
        ++run.closes;
}

// A fresh session with this configuration and a copy of this policy: open(), then the input
// cut at the given offsets (ascending), then end of input if eofAtEnd.
inline ServerRun runServer(const smtp::ServerConfig &config, const RecordingPolicy &policy,
                           QByteArrayView input, const std::vector<qsizetype> &cuts,
                           bool eofAtEnd = false)
{
    ServerRun run;
    run.policy = policy;
    run.policy.calls.clear();
    smtp::SmtpServerSession session(config, run.policy,
                                    smtp::ClientInfo{"client.example.org", "192.0.2.10"});
    collect(run, session.open());
    qsizetype from = 0;
    auto feed = [&](qsizetype to) {
        collect(run, session.receive(input.sliced(from, to - from)));
        run.maxBytesHeld = std::max(run.maxBytesHeld, session.bytesHeld());
        from = to;
    };
    for (qsizetype cut : cuts) {
        if (cut > from && cut < input.size())
            feed(cut);
    }
    feed(input.size());
    if (eofAtEnd)
        collect(run, session.receiveEof());
    run.state = session.state();
    return run;
}

// Runs the input in one piece, then one byte at a time, then cut in two at every offset,
// and expects every run to match the one-piece run exactly. Returns the one-piece run.
inline ServerRun expectSameInAnyChunking(const smtp::ServerConfig &config,
                                         const RecordingPolicy &policy, QByteArrayView input,
                                         bool eofAtEnd = false)
{
    const ServerRun whole = runServer(config, policy, input, {}, eofAtEnd);
    const std::string expected = whole.summary();

    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < input.size(); ++i)
        everyByte.push_back(i);
    EXPECT_EQ(runServer(config, policy, input, everyByte, eofAtEnd).summary(), expected)
        << "fed one byte at a time";

    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        const std::string got = runServer(config, policy, input, {cut}, eofAtEnd).summary();
        EXPECT_EQ(got, expected) << "cut after byte " << cut << " of " << input.size();
        if (got != expected)
            break; // one failing offset says enough
    }
    return whole;
}

} // namespace mailsim::test_support
