// The HTTP server session: each malformed request class gets its status, framing (Content-Length,
// chunked), persistence, pipelining and deferred answers, all independent of how the bytes
// are split, and random garbage is always answered.
#include "protocol/http/http_server_session.h"

#include "support/random_bytes.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

using namespace mailsim;
using http::HttpServerSession;
using http::Request;
using http::Response;

namespace {

// Answers "<METHOD> <target> [<body>]" as text/plain; requests for /defer are answered later.
class EchoHandler : public http::RequestHandler
{
public:
    std::optional<Response> handle(const Request &request) override
    {
        seen.push_back(request);
        if (request.path() == "/defer")
            return std::nullopt;
        Response r;
        r.setHeader("Content-Type", "text/plain");
        r.body = request.method + ' ' + request.target;
        if (!request.body.isEmpty())
            r.body += " [" + request.body + ']';
        return r;
    }
    std::vector<Request> seen;
};

http::ServerConfig testConfig()
{
    http::ServerConfig c;
    c.date = [] { return QByteArray("Mon, 03 Mar 2025 09:00:00 GMT"); };
    return c;
}

struct ServerRun
{
    QByteArray wire;
    std::vector<int> codes;
    std::string received;
    int closes = 0;
    std::string handled;

    std::string summary() const
    {
        std::string s = "sent:\n" + wire.toStdString() + "\ncodes:";
        for (int c : codes)
            s += ' ' + std::to_string(c);
        return s + "\nreceived:\n" + received + "closes: " + std::to_string(closes) +
               "\nhandled:\n" + handled;
    }
};

void collect(ServerRun &run, const protocol::EngineOutput &out)
{
    for (const auto &t : out.sent) {
        run.wire += t.bytes;
        run.codes.push_back(t.code);
    }
    for (const auto &t : out.received)
        run.received += t.bytes.toStdString() + "|\n";
    run.closes += out.close ? 1 : 0;
}

// The input cut at the given offsets; deferred requests are answered (204) after all input.
ServerRun runServer(QByteArrayView input, const std::vector<qsizetype> &cuts,
              const http::ServerConfig &config = testConfig())
{
    ServerRun run;
    EchoHandler handler;
    HttpServerSession session(config, handler);
    collect(run, session.open());
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        if (cut > from && cut < input.size()) {
            collect(run, session.receive(input.sliced(from, cut - from)));
            from = cut;
        }
    }
    collect(run, session.receive(input.sliced(from)));
    while (session.waiting()) {
        Response late;
        late.status = 204;
        collect(run, session.respond(late));
    }
    for (const Request &r : handler.seen)
        run.handled += (r.method + ' ' + r.target + " body=" + r.body).toStdString() + '\n';
    return run;
}

ServerRun expectSameInAnyChunking(QByteArrayView input, const http::ServerConfig &config = testConfig())
{
    const ServerRun whole = runServer(input, {}, config);
    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < input.size(); ++i)
        everyByte.push_back(i);
    EXPECT_EQ(runServer(input, everyByte, config).summary(), whole.summary()) << "byte by byte";
    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        const std::string got = runServer(input, {cut}, config).summary();
        EXPECT_EQ(got, whole.summary()) << "cut after byte " << cut;
        if (got != whole.summary())
            break;
    }
    return whole;
}

QByteArray statusLine(const QByteArray &wire)
{
    return wire.left(wire.indexOf("\r\n"));
}

} // namespace

TEST(HttpServer, AnswersAGetWithExactBytes)
{
    const ServerRun run = expectSameInAnyChunking("GET /hello?x=1 HTTP/1.1\r\nHost: web\r\n\r\n");
    EXPECT_EQ(run.wire, "HTTP/1.1 200 OK\r\n"
                        "Content-Type: text/plain\r\n"
                        "Content-Length: 14\r\n"
                        "Date: Mon, 03 Mar 2025 09:00:00 GMT\r\n"
                        "Server: MailSim-WebMail\r\n"
                        "\r\n"
                        "GET /hello?x=1");
    EXPECT_EQ(run.closes, 0);
    EXPECT_EQ(run.received, "GET /hello?x=1 HTTP/1.1\r\nHost: web\r\n\r\n|\n");
}

struct BadRequestCase
{
    const char *name;
    QByteArray input;
    int status;
};

class HttpServerRefuses : public ::testing::TestWithParam<BadRequestCase>
{
};

TEST_P(HttpServerRefuses, WithItsStatusAndCloses)
{
    http::ServerConfig config = testConfig();
    config.maxRequestLine = 64;
    config.maxHeaderBytes = 128;
    config.maxBodySize = 100;
    const ServerRun run = expectSameInAnyChunking(GetParam().input, config);
    ASSERT_EQ(run.codes.size(), 1u) << run.summary();
    EXPECT_EQ(run.codes[0], GetParam().status);
    EXPECT_EQ(statusLine(run.wire), "HTTP/1.1 " + QByteArray::number(GetParam().status) + ' ' +
                                        http::reasonPhrase(GetParam().status));
    EXPECT_TRUE(run.wire.contains("\r\nConnection: close\r\n"));
    EXPECT_EQ(run.closes, 1);
    EXPECT_EQ(run.handled, "") << "a refused request never reaches the application";
}

INSTANTIATE_TEST_SUITE_P(
    EveryMalformedClass, HttpServerRefuses,
    ::testing::Values(
        BadRequestCase{"NoVersion", "GET /\r\nHost: a\r\n\r\n", 400},
        BadRequestCase{"TwoSpaces", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        BadRequestCase{"LowerCaseVersion", "GET / http/1.1\r\nHost: a\r\n\r\n", 400},
        BadRequestCase{"TargetNotAPath", "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", 400},
        BadRequestCase{"ControlInTarget", QByteArray("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), 400},
        BadRequestCase{"MissingHost", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400},
        BadRequestCase{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        BadRequestCase{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
        BadRequestCase{"ObsFold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 400},
        BadRequestCase{"NoColon", "GET / HTTP/1.1\r\nHost: a\r\nnonsense\r\n\r\n", 400},
        BadRequestCase{"LoneCr", "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400},
        BadRequestCase{"ConflictingLengths",
                       "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
        BadRequestCase{"LengthList", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 4\r\n\r\nabcd", 400},
        BadRequestCase{"LengthNotANumber", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400},
        BadRequestCase{"LengthAndChunked",
                       "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400},
        BadRequestCase{"ChunkSizeNotHex",
                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400},
        BadRequestCase{"ChunkWithoutCrLf",
                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 400},
        BadRequestCase{"ChunkedTwice",
                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400},
        BadRequestCase{"BigBody", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", 413},
        BadRequestCase{"HugeBody", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413},
        BadRequestCase{"BigChunkedBody",
                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                           QByteArray(80, 'x') + "\r\n50\r\n", 413},
        BadRequestCase{"LongTarget", "GET /" + QByteArray(100, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
        BadRequestCase{"BigHeaders", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + QByteArray(200, 'b') + "\r\n\r\n", 431},
        BadRequestCase{"UnknownCoding",
                       "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        BadRequestCase{"Http2", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
        BadRequestCase{"Http09", "GET / HTTP/0.9\r\n\r\n", 505},
        BadRequestCase{"UnknownMethod", "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", 501},
        BadRequestCase{"Garbage", QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), 400}),
    [](const ::testing::TestParamInfo<BadRequestCase> &info) { return std::string(info.param.name); });

TEST(HttpServer, TooManyHeadersIs431)
{
    QByteArray input = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 100; ++i)
        input += "X-" + QByteArray::number(i) + ": v\r\n";
    input += "\r\n";
    const ServerRun run = runServer(input, {});
    ASSERT_EQ(run.codes, std::vector<int>{431});
}

TEST(HttpServer, ReadsAChunkedBodyWithExtensionsAndTrailers)
{
    const ServerRun run = expectSameInAnyChunking("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"
                                            "5;name=value\r\nhello\r\n"
                                            "A \r\n, world!!!\r\n"
                                            "0\r\nX-Checksum: 1\r\n\r\n");
    EXPECT_EQ(run.handled, "POST /up body=hello, world!!!\n");
    EXPECT_EQ(run.codes, std::vector<int>{200});
    EXPECT_TRUE(run.wire.endsWith("POST /up [hello, world!!!]"));
    EXPECT_EQ(run.closes, 0);
}

TEST(HttpServer, ReadsAContentLengthBodyAndTheNextRequest)
{
    const ServerRun run = expectSameInAnyChunking(
        "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcdeGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(run.handled, "POST /a body=abcde\nGET /b body=\n");
    EXPECT_EQ(run.codes, (std::vector<int>{200, 200}));
}

TEST(HttpServer, Http10ClosesUnlessKeepAliveAsked)
{
    ServerRun run = expectSameInAnyChunking("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
    EXPECT_EQ(run.codes, std::vector<int>{200});
    EXPECT_TRUE(run.wire.contains("\r\nConnection: close\r\n"));
    EXPECT_EQ(run.closes, 1);

    run = expectSameInAnyChunking("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
    EXPECT_EQ(run.codes, (std::vector<int>{200, 200}));
    EXPECT_EQ(run.handled, "GET /a body=\nGET /b body=\n");
    EXPECT_TRUE(run.wire.contains("\r\nConnection: keep-alive\r\n"));
    EXPECT_EQ(run.closes, 1);
}

TEST(HttpServer, ConnectionCloseIsHonoured)
{
    const ServerRun run = expectSameInAnyChunking(
        "GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(run.handled, "GET /a body=\n");
    EXPECT_EQ(run.codes, std::vector<int>{200});
    EXPECT_TRUE(run.wire.contains("\r\nConnection: close\r\n"));
    EXPECT_EQ(run.closes, 1);
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder)
{
    const ServerRun run = expectSameInAnyChunking("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                                            "HEAD /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                                            "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(run.codes, (std::vector<int>{200, 200, 200}));
    const qsizetype first = run.wire.indexOf("GET /1");
    const qsizetype third = run.wire.indexOf("GET /3");
    EXPECT_GT(first, 0);
    EXPECT_GT(third, first);
    // HEAD: the length the GET would have had, and no body.
    EXPECT_TRUE(run.wire.contains("Content-Length: 7\r\nDate: Mon, 03 Mar 2025 09:00:00 GMT\r\n"
                                  "Server: MailSim-WebMail\r\n\r\nHTTP/1.1 200 OK"));
    EXPECT_FALSE(run.wire.contains("HEAD /2"));
}

TEST(HttpServer, BareLfEndsHeadLinesAndLeadingBlankLinesAreSkipped)
{
    const ServerRun run = expectSameInAnyChunking("\r\n\r\nGET /lf HTTP/1.1\nHost: a\n\n");
    EXPECT_EQ(run.handled, "GET /lf body=\n");
    EXPECT_EQ(run.codes, std::vector<int>{200});
}

TEST(HttpServer, AnswersDeferredRequestsBeforeThosePipelinedBehind)
{
    EchoHandler handler;
    HttpServerSession session(testConfig(), handler);
    auto out = session.receive("GET /defer HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(out.sent.empty());
    EXPECT_EQ(out.received.size(), 2u) << "both requests were read";
    EXPECT_TRUE(session.waiting());
    ASSERT_EQ(handler.seen.size(), 1u) << "the second waits until the first is answered";

    Response late = http::plainResponse(502, "smtp said no");
    out = session.respond(late);
    EXPECT_FALSE(session.waiting());
    ASSERT_EQ(out.sent.size(), 2u);
    EXPECT_EQ(out.sent[0].code, 502);
    EXPECT_TRUE(out.sent[0].bytes.endsWith("502 Bad Gateway\nsmtp said no\n"));
    EXPECT_EQ(out.sent[1].code, 200);
    EXPECT_TRUE(out.sent[1].bytes.endsWith("GET /after"));
    EXPECT_FALSE(out.close);
    EXPECT_TRUE(session.respond(late).empty()) << "nothing is deferred any more";

    // Deferred and in pieces: the same answers whatever the cutting.
    const ServerRun run = expectSameInAnyChunking("GET /defer HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(run.codes, (std::vector<int>{204, 200}));
    EXPECT_FALSE(run.wire.contains("HTTP/1.1 204 No Content\r\nContent-Length"))
        << "a 204 carries no Content-Length";
}

TEST(HttpServer, BoundsThePipelineBehindADeferredAnswer)
{
    http::ServerConfig config = testConfig();
    config.maxQueuedRequests = 2;
    QByteArray input = "GET /defer HTTP/1.1\r\nHost: a\r\n\r\n";
    for (int i = 0; i < 5; ++i)
        input += "GET /" + QByteArray::number(i) + " HTTP/1.1\r\nHost: a\r\n\r\n";
    const ServerRun run = expectSameInAnyChunking(input, config);
    EXPECT_EQ(run.codes, (std::vector<int>{204, 200, 200, 503}));
    EXPECT_EQ(run.closes, 1);
}

TEST(HttpServer, AnErrorAfterGoodRequestsComesAfterTheirAnswers)
{
    const ServerRun run = expectSameInAnyChunking("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET /bad HTTP/3\r\n\r\n");
    EXPECT_EQ(run.codes, (std::vector<int>{200, 400}));
    EXPECT_EQ(run.closes, 1);
}

TEST(HttpServer, TimeoutAnswers408OnlyForAHalfRequest)
{
    EchoHandler handler;
    HttpServerSession idle(testConfig(), handler);
    auto out = idle.timeout();
    EXPECT_TRUE(out.sent.empty());
    EXPECT_TRUE(out.close);

    HttpServerSession half(testConfig(), handler);
    (void)half.receive("GET / HTTP/1.1\r\nHo");
    out = half.timeout();
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].code, 408);
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(half.receive("st: a\r\n\r\n").empty());
}

TEST(HttpServer, EofDropsADeferredAnswer)
{
    EchoHandler handler;
    HttpServerSession session(testConfig(), handler);
    (void)session.receive("GET /defer HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_TRUE(session.receiveEof().close);
    EXPECT_TRUE(session.respond(Response{}).empty());
}

TEST(HttpServer, SeededGarbageIsAlwaysAnsweredAndMemoryStaysBounded)
{
    std::mt19937 rng(20250303);
    std::uniform_int_distribution<int> length(1, 3000);
    for (int round = 0; round < 300; ++round) {
        QByteArray garbage = test::randomBytes(rng, length(rng));
        if (round % 3 == 0)
            garbage.prepend("GET / HTTP/1.1\r\n"); // garbage in the header section
        if (round % 3 == 1)
            garbage.prepend("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        EchoHandler handler;
        http::ServerConfig config = testConfig();
        config.maxRequestLine = 512;
        config.maxHeaderBytes = 1024;
        HttpServerSession session(config, handler);
        protocol::EngineOutput out = session.receive(garbage);
        EXPECT_LE(session.bytesHeld(), 4096);
        if (!out.close)
            out.append(session.receive("\r\n\r\n\r\n0\r\n\r\n"));
        ASSERT_FALSE(out.sent.empty()) << "round " << round;
        const int last = out.sent.back().code;
        EXPECT_TRUE(last == 400 || last == 414 || last == 431 || last == 501 || last == 505 ||
                    last == 413 || last == 200)
            << "round " << round << " status " << last;
        EXPECT_TRUE(out.close || last == 200) << "round " << round;
    }
}
