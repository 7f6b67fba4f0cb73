// Theory of operation.
//
// Input is appended to one buffer and parsed as far as it goes: the head through a
// HeadReader (which stops once after the request line, so that a bad request line is judged
// before any field), then the body, by Content-Length or through a ChunkedDecoder. Each
// complete request goes to the back of a queue, and the queue is worked off (pump) after
// every request parsed, never in bulk: the queue only grows while an answer is deferred,
// which makes its bound (and the 503 beyond it) independent of how the bytes were split.
// Errors are queued like requests, so that the answers before them still go out in order;
// after an error the parser is dead and drops all input.
//
// Received units: one Command per request, holding the request as it arrived (head and
// body wire), recorded when the request is complete; for a request refused while being read,
// its request line only (what was understood of it). Sent units: one Reply per response,
// with its status as the code.
#include "protocol/http/http_server_session.h"

#include <cctype>

namespace mailsim::http {

using protocol::EngineOutput;
using protocol::Transmission;

namespace {

bool isKnownMethod(QByteArrayView method)
{
    static const char *const kMethods[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                           "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    for (const char *m : kMethods) {
        if (method == m)
            return true;
    }
    return false;
}

// Connection options as lower-case tokens (RFC 9110 7.6.1).
bool hasConnectionOption(const Request &request, QByteArrayView option)
{
    for (const QByteArray &token : request.headerList("Connection").split(',')) {
        if (token.trimmed().compare(option, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool isTargetCharacter(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
}

} // namespace

HttpServerSession::HttpServerSession(ServerConfig config, RequestHandler &handler)
    : m_config(std::move(config)),
      m_handler(handler),
      m_head({m_config.maxRequestLine, m_config.maxHeaderBytes, m_config.maxHeaders}),
      m_chunked(m_config.maxBodySize)
{
}

EngineOutput HttpServerSession::open()
{
    return {};
}

EngineOutput HttpServerSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_closed || m_phase == Phase::Dead)
        return out; // after an error or a close, input means nothing
    m_buffer.append(bytes.data(), bytes.size());
    parse(out);
    return out;
}

EngineOutput HttpServerSession::receiveEof()
{
    EngineOutput out;
    if (m_closed)
        return out;
    m_closed = true;
    m_queue.clear();
    m_buffer.clear();
    out.close = true;
    return out;
}

EngineOutput HttpServerSession::timeout()
{
    EngineOutput out;
    if (m_closed)
        return out;
    const bool halfReceived =
        !m_waiting && (m_phase == Phase::Body || m_phase == Phase::Chunked || m_head.started() ||
                       !m_buffer.isEmpty());
    if (halfReceived && m_queue.empty())
        send(out, plainResponse(408, "The request did not arrive in time."), "GET", false, false);
    m_closed = true;
    out.close = true;
    return out;
}

EngineOutput HttpServerSession::respond(Response response)
{
    EngineOutput out;
    if (!m_waiting || m_closed)
        return out;
    m_waiting = false;
    send(out, std::move(response), m_deferredMethod, m_deferredKeepAlive, m_deferredHttp10);
    pump(out); // the pipelined requests that were parsed while this one waited
    return out;
}

qsizetype HttpServerSession::bytesHeld() const
{
    qsizetype total = m_buffer.size() + m_current.body.size() + m_currentWire.size();
    for (const Pending &p : m_queue)
        total += p.request.body.size() + p.request.target.size();
    return total;
}

void HttpServerSession::parse(EngineOutput &out)
{
    qsizetype pos = 0;
    while (!m_closed && m_phase != Phase::Dead) {
        if (m_phase == Phase::Head) {
            const detail::Progress p = m_head.read(m_buffer, pos);
            if (p == detail::Progress::NeedMore)
                break;
            if (p == detail::Progress::Error) {
                queueError(out, m_head.errorStatus(), m_head.errorText());
                break;
            }
            if (p == detail::Progress::StartLine) {
                if (!acceptRequestLine(out))
                    break;
                continue;
            }
            if (!acceptHead(out))
                break;
            continue;
        }
        if (m_phase == Phase::Body) {
            const qsizetype available = m_buffer.size() - pos;
            const qsizetype n = qsizetype(qMin<qint64>(m_bodyRemaining, available));
            m_current.body.append(m_buffer.constData() + pos, n);
            m_currentWire.append(m_buffer.constData() + pos, n);
            pos += n;
            m_bodyRemaining -= n;
            if (m_bodyRemaining > 0)
                break;
            finishRequest(out);
            continue;
        }
        if (m_phase == Phase::Chunked) {
            const detail::Progress p = m_chunked.read(m_buffer, pos, m_current.body, m_currentWire);
            if (p == detail::Progress::NeedMore)
                break;
            if (p == detail::Progress::Error) {
                queueError(out, m_chunked.errorStatus(), m_chunked.errorText());
                break;
            }
            finishRequest(out);
            continue;
        }
    }
    if (m_phase == Phase::Dead || m_closed)
        m_buffer.clear();
    else
        m_buffer.remove(0, pos);
}

bool HttpServerSession::acceptRequestLine(EngineOutput &out)
{
    const QByteArray &line = m_head.startLine();
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
        queueError(out, 400, "The request line is not \"method SP target SP version\".");
        return false;
    }
    const QByteArray &method = parts[0];
    const QByteArray &target = parts[1];
    const QByteArray &version = parts[2];
    if (!isToken(method)) {
        queueError(out, 400, "The method is not a token.");
        return false;
    }
    const bool versionShaped = version.size() == 8 && version.startsWith("HTTP/") &&
                               std::isdigit(static_cast<unsigned char>(version[5])) &&
                               version[6] == '.' &&
                               std::isdigit(static_cast<unsigned char>(version[7]));
    if (!versionShaped) {
        queueError(out, 400, "The protocol version is not \"HTTP/x.y\".");
        return false;
    }
    for (char c : target) {
        if (!isTargetCharacter(c)) {
            queueError(out, 400, "The request target holds a character it may not.");
            return false;
        }
    }
    const bool originForm = target.startsWith('/');
    const bool absoluteForm = target.startsWith("http://") || target.startsWith("https://");
    const bool asteriskForm = target == "*" && method == "OPTIONS";
    const bool authorityForm = method == "CONNECT";
    if (!originForm && !absoluteForm && !asteriskForm && !authorityForm) {
        queueError(out, 400, "The request target is in no form RFC 9112 3.2 knows.");
        return false;
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        queueError(out, 505, "This server speaks HTTP/1.0 and HTTP/1.1.");
        return false;
    }
    if (!isKnownMethod(method)) {
        queueError(out, 501, "The method " + method + " is not known here.");
        return false;
    }
    m_current = Request{};
    m_current.method = method;
    m_current.target = target;
    m_current.version = version;
    return true;
}

bool HttpServerSession::acceptHead(EngineOutput &out)
{
    m_current.headers = std::move(m_head.headers());
    m_currentWire = m_head.wire();
    const int hosts = m_current.headerCount("Host");
    if ((m_current.version == "HTTP/1.1" && hosts != 1) || hosts > 1) {
        queueError(out, 400, "An HTTP/1.1 request needs exactly one Host field.");
        return false;
    }
    const bool hasTransferEncoding = m_current.hasHeader("Transfer-Encoding");
    const bool hasContentLength = m_current.hasHeader("Content-Length");
    if (hasTransferEncoding) {
        if (hasContentLength) {
            queueError(out, 400, "Both Content-Length and Transfer-Encoding were sent.");
            return false;
        }
        if (m_current.isHttp10()) {
            queueError(out, 400, "Transfer-Encoding is not HTTP/1.0 (RFC 9112 6.1).");
            return false;
        }
        const QList<QByteArray> codings = m_current.headerList("Transfer-Encoding").split(',');
        int chunkedSeen = 0;
        for (const QByteArray &coding : codings) {
            const QByteArray name = coding.trimmed().toLower();
            if (name == "chunked") {
                ++chunkedSeen;
            } else {
                queueError(out, 501, "The transfer coding \"" + coding.trimmed() +
                                         "\" is not implemented; only chunked is.");
                return false;
            }
        }
        if (chunkedSeen != 1) {
            queueError(out, 400, "chunked must be applied exactly once.");
            return false;
        }
    }
    qint64 length = 0;
    if (hasContentLength) {
        length = detail::parseContentLength(m_current.headers);
        if (length < 0) {
            queueError(out, 400, "Content-Length is not one decimal number.");
            return false;
        }
        if (length > m_config.maxBodySize) {
            queueError(out, 413, "The body may be at most " +
                                     QByteArray::number(m_config.maxBodySize) + " octets.");
            return false;
        }
    }
    m_currentKeepAlive = m_current.isHttp10() ? hasConnectionOption(m_current, "keep-alive")
                                              : !hasConnectionOption(m_current, "close");
    if (m_current.isHttp10() && hasConnectionOption(m_current, "close"))
        m_currentKeepAlive = false;

    if (hasTransferEncoding) {
        m_chunked = detail::ChunkedDecoder(m_config.maxBodySize);
        m_phase = Phase::Chunked;
    } else if (length > 0) {
        m_bodyRemaining = length;
        m_phase = Phase::Body;
    } else {
        finishRequest(out);
    }
    return true;
}

void HttpServerSession::finishRequest(EngineOutput &out)
{
    recognised(out, {Transmission::Kind::Command, m_currentWire, 0});
    Pending p;
    p.request = std::move(m_current);
    p.keepAlive = m_currentKeepAlive;
    m_current = Request{};
    m_currentWire.clear();
    m_head.reset();
    m_phase = Phase::Head;
    if (m_waiting && int(m_queue.size()) >= m_config.maxQueuedRequests) {
        p.errorStatus = 503;
        p.errorText = "Too many requests are waiting on this connection.";
        m_phase = Phase::Dead;
    }
    m_queue.push_back(std::move(p));
    pump(out);
}

void HttpServerSession::queueError(EngineOutput &out, int status, QByteArray text)
{
    if (m_head.started() && !m_head.startLine().isEmpty())
        recognised(out, {Transmission::Kind::Command, m_head.startLine() + "\r\n", 0});
    Pending p;
    p.errorStatus = status;
    p.errorText = std::move(text);
    p.keepAlive = false;
    m_queue.push_back(std::move(p));
    m_phase = Phase::Dead;
    m_current = Request{};
    m_currentWire.clear();
    pump(out);
}

void HttpServerSession::pump(EngineOutput &out)
{
    while (!m_waiting && !m_closed && !m_queue.empty()) {
        Pending p = std::move(m_queue.front());
        m_queue.pop_front();
        if (p.errorStatus != 0) {
            send(out, plainResponse(p.errorStatus, p.errorText), "GET", false, false);
            break;
        }
        std::optional<Response> answer = m_handler.handle(p.request);
        if (!answer) {
            m_waiting = true;
            m_deferredMethod = p.request.method;
            m_deferredKeepAlive = p.keepAlive;
            m_deferredHttp10 = p.request.isHttp10();
            break;
        }
        send(out, std::move(*answer), p.request.method, p.keepAlive, p.request.isHttp10());
    }
    if (m_closed)
        m_queue.clear();
}

void HttpServerSession::send(EngineOutput &out, Response response, const QByteArray &method,
                             bool keepAlive, bool http10)
{
    if (response.status < 200 || response.status > 999)
        response = plainResponse(500, "The application gave no final status.");
    for (const QByteArray &token : response.headerList("Connection").split(',')) {
        if (token.trimmed().compare("close", Qt::CaseInsensitive) == 0)
            keepAlive = false;
    }
    response.version = "HTTP/1.1";
    response.removeHeader("Transfer-Encoding");
    response.removeHeader("Connection");
    const bool bodyAllowed = response.status != 204 && response.status != 304;
    if (bodyAllowed)
        response.setHeader("Content-Length", QByteArray::number(response.body.size()));
    else
        response.removeHeader("Content-Length");
    if (!responseHasBody(method, response.status))
        response.body.clear(); // HEAD keeps the Content-Length the GET would have had
    if (m_config.date && !response.hasHeader("Date")) {
        const QByteArray date = m_config.date();
        if (!date.isEmpty())
            response.setHeader("Date", date);
    }
    if (!m_config.serverName.isEmpty() && !response.hasHeader("Server"))
        response.setHeader("Server", m_config.serverName);
    if (!keepAlive)
        response.setHeader("Connection", "close");
    else if (http10)
        response.setHeader("Connection", "keep-alive"); // a 1.0 client assumes close otherwise
    out.sent.push_back({Transmission::Kind::Reply, serialize(response), response.status});
    if (!keepAlive) {
        m_closed = true;
        out.close = true;
    }
}

} // namespace mailsim::http
