// The client side of one HTTP/1.1 connection (RFC 9112), as a sans-I/O state machine.
//
// Requests go out one at a time on the same connection (persistent, no pipelining): a
// request sent while another awaits its answer is queued and written when that answer is
// complete. Responses are read with any of the three body framings (RFC 9112 6.3):
// Content-Length, chunked, or everything until the server closes; 1xx interim responses are
// skipped; answers to HEAD and 204/304 have no body. Set-Cookie fields go into a small cookie
// jar whose cookies are sent back with later requests.
//
// Anything that is not HTTP (a bad status line, bad framing, a body over maxBodySize, bytes
// nobody asked for, the connection closing mid-response) ends the session with error() set;
// answers already complete stay available.
#pragma once

#include "protocol/common/engine_output.h"
#include "protocol/http/http_framing.h"
#include "protocol/http/http_message.h"

#include <QByteArray>

#include <deque>
#include <optional>

namespace mailsim::http {

// Enough of RFC 6265 for a session cookie: name=value, Path (default: the request path's
// directory, 5.1.4), Max-Age=0 (or less) deletes. Domain, Expires and Secure are ignored:
// a jar belongs to one connection to one host, and there is no clock to expire against.
class CookieJar
{
public:
    struct Cookie
    {
        QByteArray name;
        QByteArray value;
        QByteArray path = "/";
        bool httpOnly = false;
    };

    // One Set-Cookie field value, for a response to a request for requestPath.
    void store(QByteArrayView setCookie, QByteArrayView requestPath);
    // The Cookie field value for a request to `path`; "" when no cookie matches.
    [[nodiscard]] QByteArray headerFor(QByteArrayView path) const;
    [[nodiscard]] std::optional<Cookie> find(QByteArrayView name) const;
    [[nodiscard]] const std::vector<Cookie> &cookies() const { return m_cookies; }
    void clear() { m_cookies.clear(); }

private:
    std::vector<Cookie> m_cookies;
};

struct ClientConfig
{
    QByteArray host = "localhost"; // the Host field, when a request has none
    QByteArray userAgent = "MailSim-Browser";
    qsizetype maxStatusLine = 8192;
    qsizetype maxHeaderBytes = 64 * 1024;
    int maxHeaders = 100;
    qint64 maxBodySize = 64 * 1024 * 1024;
};

class HttpClientSession
{
public:
    explicit HttpClientSession(ClientConfig config = {});

    // Adds Host, User-Agent, Content-Length (for a body, or any POST/PUT/PATCH) and Cookie
    // when the request has none of them, and writes it, or queues it while another
    // request awaits its answer. Nothing is sent on a closed connection (error() says so).
    [[nodiscard]] protocol::EngineOutput send(Request request);
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    [[nodiscard]] protocol::EngineOutput receiveEof();

    // The oldest complete response not yet taken.
    [[nodiscard]] std::optional<Response> takeResponse();
    [[nodiscard]] bool hasResponse() const { return !m_responses.empty(); }
    // Requests written or queued whose answers have not arrived.
    [[nodiscard]] int outstanding() const { return int(m_inFlight.size() + m_queued.size()); }
    [[nodiscard]] bool connectionClosed() const { return m_closed; }
    [[nodiscard]] bool failed() const { return !m_error.isEmpty(); }
    [[nodiscard]] const QByteArray &error() const { return m_error; }
    [[nodiscard]] CookieJar &cookies() { return m_cookies; }
    [[nodiscard]] const CookieJar &cookies() const { return m_cookies; }

private:
    enum class Phase { Head, Body, Chunked, UntilClose };
    struct InFlight
    {
        QByteArray method;
        QByteArray path;
    };

    void parse(protocol::EngineOutput &out);
    bool acceptHead(protocol::EngineOutput &out);
    void finishResponse(protocol::EngineOutput &out);
    void fail(protocol::EngineOutput &out, QByteArray why);
    void write(protocol::EngineOutput &out, Request request);

    ClientConfig m_config;
    CookieJar m_cookies;
    QByteArray m_buffer;
    Phase m_phase = Phase::Head;
    detail::HeadReader m_head;
    detail::ChunkedDecoder m_chunked;
    qint64 m_bodyRemaining = 0;
    Response m_current;
    QByteArray m_currentWire;
    bool m_closeAfterCurrent = false;
    std::deque<InFlight> m_inFlight; // at most one: the request written and not yet answered
    std::deque<Request> m_queued;
    std::deque<Response> m_responses;
    bool m_closed = false;
    QByteArray m_error;
};

} // namespace mailsim::http
