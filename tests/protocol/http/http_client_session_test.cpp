// The HTTP client session: the three body framings, interim answers, HEAD, cookies and
// broken responses, each response also fed one byte at a time and cut at every offset.
#include "protocol/http/http_client_session.h"

#include <gtest/gtest.h>

#include <string>

using namespace mailsim;
using http::HttpClientSession;
using http::Request;

namespace {

Request get(const QByteArray &target, const QByteArray &method = "GET")
{
    Request r;
    r.method = method;
    r.target = target;
    return r;
}

struct ClientRun
{
    std::string summary;
    std::vector<http::Response> responses;
    bool closed = false;
};

// Sends the requests, feeds the response bytes cut at `cuts`, then EOF if asked.
ClientRun runClient(const std::vector<Request> &requests, QByteArrayView input,
                    const std::vector<qsizetype> &cuts, bool eof)
{
    HttpClientSession client;
    ClientRun run;
    QByteArray sent;
    int closes = 0;
    auto take = [&](const protocol::EngineOutput &out) {
        sent += out.wire();
        closes += out.close ? 1 : 0;
        for (const auto &t : out.received)
            run.summary += "unit " + std::to_string(t.code) + ' ' + t.bytes.toStdString() + '\n';
    };
    for (const Request &r : requests)
        take(client.send(r));
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        if (cut > from && cut < input.size()) {
            take(client.receive(input.sliced(from, cut - from)));
            from = cut;
        }
    }
    take(client.receive(input.sliced(from)));
    if (eof)
        take(client.receiveEof());
    while (auto r = client.takeResponse()) {
        run.summary += "response " + std::to_string(r->status) + ' ' + r->reason.toStdString() +
                       " body=" + r->body.toStdString() + '\n';
        run.responses.push_back(*r);
    }
    run.closed = client.connectionClosed();
    run.summary += "sent:\n" + sent.toStdString() + "\nerror: " + client.error().toStdString() +
                   "\ncloses: " + std::to_string(closes);
    return run;
}

ClientRun expectSameInAnyChunking(const std::vector<Request> &requests, QByteArrayView input,
                                  bool eof = false)
{
    const ClientRun whole = runClient(requests, input, {}, eof);
    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < input.size(); ++i)
        everyByte.push_back(i);
    EXPECT_EQ(runClient(requests, input, everyByte, eof).summary, whole.summary);
    for (qsizetype cut = 1; cut < input.size(); ++cut) {
        const std::string got = runClient(requests, input, {cut}, eof).summary;
        EXPECT_EQ(got, whole.summary) << "cut after byte " << cut;
        if (got != whole.summary)
            break;
    }
    return whole;
}

} // namespace

TEST(HttpClient, WritesRequestsOneAtATimeWithHostAndLength)
{
    HttpClientSession client(http::ClientConfig{"web.example.net", "Test/1"});
    Request post = get("/login", "POST");
    post.body = "user=bob";
    auto out = client.send(post);
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, "POST /login HTTP/1.1\r\nHost: web.example.net\r\nUser-Agent: Test/1\r\n"
                                 "Content-Length: 8\r\n\r\nuser=bob");
    EXPECT_TRUE(client.send(get("/inbox")).empty()) << "queued until the answer";
    EXPECT_EQ(client.outstanding(), 2);
    out = client.receive("HTTP/1.1 303 See Other\r\nLocation: /inbox\r\n"
                         "Set-Cookie: session=abc; Path=/; HttpOnly\r\nContent-Length: 0\r\n\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, "GET /inbox HTTP/1.1\r\nHost: web.example.net\r\nUser-Agent: Test/1\r\n"
                                 "Cookie: session=abc\r\n\r\n");
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].code, 303);
    const auto cookie = client.cookies().find("session");
    ASSERT_TRUE(cookie);
    EXPECT_TRUE(cookie->httpOnly);
    EXPECT_EQ(cookie->path, "/");
}

TEST(HttpClient, ReadsContentLengthBodiesBackToBack)
{
    const ClientRun run = expectSameInAnyChunking(
        {get("/a"), get("/b")},
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!");
    ASSERT_EQ(run.responses.size(), 2u);
    EXPECT_EQ(run.responses[0].body, "hello");
    EXPECT_EQ(run.responses[1].status, 404);
    EXPECT_EQ(run.responses[1].body, "no!");
    EXPECT_FALSE(run.closed);
}

TEST(HttpClient, ReadsChunkedBodiesAndSkipsInterimAnswers)
{
    const ClientRun run = expectSameInAnyChunking(
        {get("/c")}, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "4;x=y\r\nWiki\r\n0b\r\npedia rules\r\n0\r\nTrailer: 1\r\n\r\n");
    ASSERT_EQ(run.responses.size(), 1u);
    EXPECT_EQ(run.responses[0].body, "Wikipedia rules");
    EXPECT_NE(run.summary.find("unit 100 HTTP/1.1 100 Continue"), std::string::npos);
}

TEST(HttpClient, ReadsUntilCloseWhenNoLengthIsGiven)
{
    const ClientRun run = expectSameInAnyChunking(
        {get("/old")}, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it\r\nand more", true);
    ASSERT_EQ(run.responses.size(), 1u);
    EXPECT_EQ(run.responses[0].body, "all of it\r\nand more");
    EXPECT_TRUE(run.closed);
    EXPECT_NE(run.summary.find("error: \n"), std::string::npos);
}

TEST(HttpClient, HeadAnd204And304HaveNoBody)
{
    const ClientRun run = expectSameInAnyChunking(
        {get("/h", "HEAD"), get("/n"), get("/m")},
        "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
        "HTTP/1.1 204 No Content\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
    ASSERT_EQ(run.responses.size(), 3u);
    EXPECT_EQ(run.responses[0].header("Content-Length"), "1234");
    EXPECT_TRUE(run.responses[0].body.isEmpty());
    EXPECT_EQ(run.responses[2].status, 304);
}

TEST(HttpClient, ConnectionCloseEndsTheSessionAndDropsQueuedRequests)
{
    const ClientRun run = runClient({get("/a"), get("/b")},
                                    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", {}, false);
    ASSERT_EQ(run.responses.size(), 1u);
    EXPECT_TRUE(run.closed);
    EXPECT_NE(run.summary.find("queued requests were not sent"), std::string::npos);
}

TEST(HttpClient, BrokenResponsesEndTheSessionWithAnError)
{
    for (const QByteArray &bad : {QByteArray("SMTP/1.0 200 OK\r\n\r\n"), QByteArray("HTTP/1.1 2000 OK\r\n\r\n"),
                                  QByteArray("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
                                  QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
        const ClientRun run = runClient({get("/")}, bad, {}, false);
        EXPECT_TRUE(run.responses.empty()) << bad.toStdString();
        EXPECT_TRUE(run.closed);
        EXPECT_EQ(run.summary.find("error: \n"), std::string::npos) << bad.toStdString();
    }
    const ClientRun cut = runClient({get("/")}, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", {}, true);
    EXPECT_NE(cut.summary.find("in the middle of a response"), std::string::npos);
    const ClientRun unasked = runClient({}, "HTTP/1.1 200 OK\r\n\r\n", {}, false);
    EXPECT_NE(unasked.summary.find("no request asked for"), std::string::npos);
}

TEST(HttpClient, CookieJarFollowsPathAndMaxAge)
{
    http::CookieJar jar;
    jar.store("session=1; Path=/; HttpOnly", "/login");
    jar.store("pref=dark", "/settings/page"); // default path: /settings
    EXPECT_EQ(jar.headerFor("/inbox"), "session=1");
    EXPECT_EQ(jar.headerFor("/settings/x"), "session=1; pref=dark");
    EXPECT_EQ(jar.headerFor("/settingsfoo"), "session=1");
    jar.store("session=; Path=/; Max-Age=0", "/logout");
    EXPECT_EQ(jar.headerFor("/inbox"), "");
    jar.store("=nameless", "/");
    EXPECT_EQ(jar.cookies().size(), 1u);
}
