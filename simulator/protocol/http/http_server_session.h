// The server side of one HTTP/1.1 connection (RFC 9112), as a sans-I/O state machine.
//
// Reads requests (request line, header fields, a body framed by Content-Length or chunked
// transfer coding), hands each complete one to a RequestHandler, and writes the responses
// back in the order the requests came, each with Content-Length, so that the connection
// can carry the next one (persistent connections, RFC 9112 9.3). Requests sent before the
// previous answer (pipelining, 9.3.2) are queued, at most maxQueuedRequests of them, while a
// response is outstanding.
//
// A handler may answer at once, or later (the web mail's "send" waits for an SMTP exchange):
// then handle() returns nothing and the driver calls respond() when the answer is ready,
// from outside any call into this session.
//
// Malformed input gets the status RFC 9112 asks for and the connection is closed, because
// after a framing error nothing that follows can be trusted:
//   400 request line not "method SP target SP HTTP/x.y", field with white space before the
//       colon, obsolete line folding, a lone CR, missing or repeated Host in HTTP/1.1,
//       Content-Length that is not one number, both Content-Length and Transfer-Encoding
//       (RFC 9112 6.3 allows either refusing or preferring chunked; refusing is simpler to
//       reason about and closes the smuggling door), bad chunk framing
//   413 a body over maxBodySize (announced or while de-chunking; the body is not read)
//   414 a request line over maxRequestLine      431 a head over maxHeaderBytes or maxHeaders
//   501 an unknown method, a transfer coding other than chunked
//   505 a version other than HTTP/1.0 and HTTP/1.1
//   503 more pipelined requests than maxQueuedRequests behind a deferred response
// Persistence: HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0 closes
// unless "Connection: keep-alive". A response on a closing connection says "Connection: close".
// Left out: Expect: 100-continue (clients send the body after a short wait anyway),
// Upgrade, CONNECT tunnels, request bodies of GET treated specially (they are read and given
// to the handler like any other).
#pragma once

#include "protocol/common/server_engine.h"
#include "protocol/http/http_framing.h"
#include "protocol/http/http_message.h"

#include <QByteArray>

#include <deque>
#include <functional>
#include <optional>

namespace mailsim::http {

class RequestHandler
{
public:
    virtual ~RequestHandler() = default;
    // The response now, or nothing: the answer comes later through
    // HttpServerSession::respond() (e.g. after an SMTP exchange). HEAD requests come here as
    // they are; the session drops the body of the answer.
    virtual std::optional<Response> handle(const Request &request) = 0;
};

struct ServerConfig
{
    qsizetype maxRequestLine = 8192;      // line end included
    qsizetype maxHeaderBytes = 64 * 1024; // field lines and the empty line
    int maxHeaders = 100;
    qint64 maxBodySize = 1024 * 1024;
    int maxQueuedRequests = 16;           // pipelined requests waiting behind a deferred answer
    QByteArray serverName = "MailSim-WebMail";
    // An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for the Date field, from the driver's
    // clock; when empty, responses carry no Date (RFC 9110 6.6.1 allows that without a clock).
    std::function<QByteArray()> date;
};

class HttpServerSession : public protocol::ServerEngine
{
public:
    HttpServerSession(ServerConfig config, RequestHandler &handler);

    // HTTP has no greeting: nothing.
    [[nodiscard]] protocol::EngineOutput open() override;
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes) override;
    // The client is gone: nothing more is sent, a deferred answer included.
    [[nodiscard]] protocol::EngineOutput receiveEof() override;
    // Idle: 408 when a request was half received, otherwise a silent close.
    [[nodiscard]] protocol::EngineOutput timeout() override;

    // Completes the request handle() deferred, then answers the pipelined requests queued
    // behind it. Does nothing when no request is deferred (or the connection is closed).
    [[nodiscard]] protocol::EngineOutput respond(Response response);
    [[nodiscard]] bool waiting() const { return m_waiting; }
    [[nodiscard]] bool closed() const { return m_closed; }
    [[nodiscard]] const ServerConfig &config() const { return m_config; }
    // Input bytes held right now (unparsed input, the request being read, queued requests).
    [[nodiscard]] qsizetype bytesHeld() const;

private:
    struct Pending
    {
        Request request;
        bool keepAlive = true;
        int errorStatus = 0; // a framing error to answer, then close
        QByteArray errorText;
    };
    enum class Phase { Head, Body, Chunked, Dead };

    void parse(protocol::EngineOutput &out);
    // Judges the request line as soon as it is in; false after queuing an error.
    bool acceptRequestLine(protocol::EngineOutput &out);
    // Decides the body framing once the head is in; false after queuing an error.
    bool acceptHead(protocol::EngineOutput &out);
    void finishRequest(protocol::EngineOutput &out);
    void queueError(protocol::EngineOutput &out, int status, QByteArray text);
    void pump(protocol::EngineOutput &out);
    void send(protocol::EngineOutput &out, Response response, const QByteArray &method,
              bool keepAlive, bool http10);

    ServerConfig m_config;
    RequestHandler &m_handler;
    QByteArray m_buffer; // input not yet consumed
    Phase m_phase = Phase::Head;
    detail::HeadReader m_head;
    detail::ChunkedDecoder m_chunked;
    qint64 m_bodyRemaining = 0;
    Request m_current;
    QByteArray m_currentWire; // the request as it arrived, for the trace
    bool m_currentKeepAlive = true;
    std::deque<Pending> m_queue;
    bool m_waiting = false;
    QByteArray m_deferredMethod;
    bool m_deferredKeepAlive = true;
    bool m_deferredHttp10 = false;
    bool m_closed = false;
};

} // namespace mailsim::http
