// Theory of operation: the same buffer-and-position parsing as the server session (see
// http_server_session.cpp), reading status lines instead of request lines. The method and
// path of the request in flight decide whether an answer has a body (HEAD) and where its
// cookies belong.
#include "protocol/http/http_client_session.h"

#include <cctype>

namespace mailsim::http {

using protocol::EngineOutput;
using protocol::Transmission;

// ---- CookieJar

namespace {

bool pathMatches(QByteArrayView requestPath, QByteArrayView cookiePath)
{
    // RFC 6265 5.1.4
    if (requestPath == cookiePath)
        return true;
    if (!requestPath.startsWith(cookiePath))
        return false;
    return cookiePath.endsWith('/') || requestPath[cookiePath.size()] == '/';
}

QByteArray defaultPath(QByteArrayView requestPath)
{
    if (!requestPath.startsWith('/'))
        return "/";
    const qsizetype lastSlash = requestPath.lastIndexOf('/');
    if (lastSlash <= 0)
        return "/";
    return requestPath.first(lastSlash).toByteArray();
}

} // namespace

void CookieJar::store(QByteArrayView setCookie, QByteArrayView requestPath)
{
    const QList<QByteArray> parts = setCookie.toByteArray().split(';');
    const QByteArray pair = parts.front().trimmed();
    const qsizetype eq = pair.indexOf('=');
    if (eq <= 0)
        return; // RFC 6265 5.2: no name, no cookie
    Cookie cookie;
    cookie.name = pair.left(eq).trimmed();
    cookie.value = pair.mid(eq + 1).trimmed();
    cookie.path = defaultPath(requestPath);
    bool expired = false;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray attribute = parts[i].trimmed();
        const qsizetype aeq = attribute.indexOf('=');
        const QByteArray key = (aeq < 0 ? attribute : attribute.left(aeq)).trimmed().toLower();
        const QByteArray value = aeq < 0 ? QByteArray() : attribute.mid(aeq + 1).trimmed();
        if (key == "path" && value.startsWith('/'))
            cookie.path = value;
        else if (key == "httponly")
            cookie.httpOnly = true;
        else if (key == "max-age") {
            bool ok = false;
            const qlonglong seconds = value.toLongLong(&ok);
            if (ok && seconds <= 0)
                expired = true;
        }
    }
    std::erase_if(m_cookies, [&](const Cookie &c) {
        return c.name == cookie.name && c.path == cookie.path;
    });
    if (!expired)
        m_cookies.push_back(std::move(cookie));
}

QByteArray CookieJar::headerFor(QByteArrayView path) const
{
    QByteArray header;
    for (const Cookie &c : m_cookies) {
        if (!pathMatches(path, c.path))
            continue;
        if (!header.isEmpty())
            header += "; ";
        header += c.name + '=' + c.value;
    }
    return header;
}

std::optional<CookieJar::Cookie> CookieJar::find(QByteArrayView name) const
{
    for (const Cookie &c : m_cookies) {
        if (c.name == name)
            return c;
    }
    return std::nullopt;
}

// ---- HttpClientSession

HttpClientSession::HttpClientSession(ClientConfig config)
    : m_config(std::move(config)),
      m_head({m_config.maxStatusLine, m_config.maxHeaderBytes, m_config.maxHeaders}),
      m_chunked(m_config.maxBodySize)
{
}

EngineOutput HttpClientSession::send(Request request)
{
    EngineOutput out;
    if (m_closed) {
        if (m_error.isEmpty())
            m_error = "The connection is closed; the request was not sent.";
        return out;
    }
    if (!m_inFlight.empty()) {
        m_queued.push_back(std::move(request));
        return out;
    }
    write(out, std::move(request));
    return out;
}

void HttpClientSession::write(EngineOutput &out, Request request)
{
    if (!request.hasHeader("Host"))
        request.setHeader("Host", m_config.host);
    if (!m_config.userAgent.isEmpty() && !request.hasHeader("User-Agent"))
        request.setHeader("User-Agent", m_config.userAgent);
    const bool bodyMethod =
        request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if ((bodyMethod || !request.body.isEmpty()) && !request.hasHeader("Transfer-Encoding"))
        request.setHeader("Content-Length", QByteArray::number(request.body.size()));
    const QByteArray path = request.path();
    if (!request.hasHeader("Cookie")) {
        const QByteArray cookies = m_cookies.headerFor(path);
        if (!cookies.isEmpty())
            request.setHeader("Cookie", cookies);
    }
    m_inFlight.push_back({request.method, path});
    out.sent.push_back({Transmission::Kind::Command, serialize(request), 0});
}

EngineOutput HttpClientSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_closed)
        return out;
    m_buffer.append(bytes.data(), bytes.size());
    parse(out);
    return out;
}

EngineOutput HttpClientSession::receiveEof()
{
    EngineOutput out;
    if (m_closed)
        return out;
    if (m_phase == Phase::UntilClose) {
        finishResponse(out);
    } else if (m_phase != Phase::Head || m_head.started() || !m_buffer.isEmpty()) {
        fail(out, "The server closed the connection in the middle of a response.");
        return out;
    } else if (!m_inFlight.empty()) {
        fail(out, "The server closed the connection without answering.");
        return out;
    }
    m_closed = true;
    out.close = true;
    return out;
}

std::optional<Response> HttpClientSession::takeResponse()
{
    if (m_responses.empty())
        return std::nullopt;
    Response r = std::move(m_responses.front());
    m_responses.pop_front();
    return r;
}

void HttpClientSession::fail(EngineOutput &out, QByteArray why)
{
    m_error = std::move(why);
    m_closed = true;
    m_buffer.clear();
    m_queued.clear();
    out.close = true;
}

void HttpClientSession::parse(EngineOutput &out)
{
    qsizetype pos = 0;
    while (!m_closed) {
        if (m_phase == Phase::Head) {
            if (pos < m_buffer.size() && m_inFlight.empty()) {
                fail(out, "The server sent bytes no request asked for.");
                return;
            }
            const detail::Progress p = m_head.read(m_buffer, pos);
            if (p == detail::Progress::NeedMore)
                break;
            if (p == detail::Progress::Error) {
                fail(out, "Malformed response head: " + m_head.errorText());
                return;
            }
            if (p == detail::Progress::StartLine)
                continue; // judged with the rest of the head
            if (!acceptHead(out))
                return;
            continue;
        }
        if (m_phase == Phase::Body || m_phase == Phase::UntilClose) {
            const qsizetype available = m_buffer.size() - pos;
            qsizetype n = available;
            if (m_phase == Phase::Body)
                n = qsizetype(qMin<qint64>(m_bodyRemaining, available));
            else if (m_current.body.size() + n > m_config.maxBodySize) {
                fail(out, "The response body is larger than this client accepts.");
                return;
            }
            m_current.body.append(m_buffer.constData() + pos, n);
            m_currentWire.append(m_buffer.constData() + pos, n);
            pos += n;
            if (m_phase == Phase::UntilClose)
                break;
            m_bodyRemaining -= n;
            if (m_bodyRemaining > 0)
                break;
            finishResponse(out);
            continue;
        }
        if (m_phase == Phase::Chunked) {
            const detail::Progress p = m_chunked.read(m_buffer, pos, m_current.body, m_currentWire);
            if (p == detail::Progress::NeedMore)
                break;
            if (p == detail::Progress::Error) {
                fail(out, "Malformed chunked body: " + m_chunked.errorText());
                return;
            }
            finishResponse(out);
            continue;
        }
    }
    if (m_closed)
        m_buffer.clear();
    else
        m_buffer.remove(0, pos);
}

bool HttpClientSession::acceptHead(EngineOutput &out)
{
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
    const QByteArray &line = m_head.startLine();
    const bool shaped = line.size() >= 12 && line.startsWith("HTTP/1.") &&
                        std::isdigit(static_cast<unsigned char>(line[7])) && line[8] == ' ' &&
                        std::isdigit(static_cast<unsigned char>(line[9])) &&
                        std::isdigit(static_cast<unsigned char>(line[10])) &&
                        std::isdigit(static_cast<unsigned char>(line[11])) &&
                        (line.size() == 12 || line[12] == ' ');
    if (!shaped) {
        fail(out, "Not an HTTP/1.x status line: " + line.left(80));
        return false;
    }
    m_current = Response{};
    m_current.version = line.left(8);
    m_current.status = line.mid(9, 3).toInt();
    m_current.reason = line.mid(13);
    m_current.headers = std::move(m_head.headers());
    m_currentWire = m_head.wire();
    m_head.reset();
    if (m_current.status < 100) {
        fail(out, "A status code below 100.");
        return false;
    }

    if (m_current.status < 200) {
        // Interim answers (100 Continue, 103 Early Hints) precede the real one: noted, skipped.
        out.received.push_back({Transmission::Kind::Reply, m_currentWire, m_current.status});
        m_currentWire.clear();
        return true;
    }

    const QByteArray connection = m_current.headerList("Connection").toLower();
    const bool saysClose = connection.contains("close");
    const bool saysKeepAlive = connection.contains("keep-alive");
    m_closeAfterCurrent = saysClose || (m_current.version == "HTTP/1.0" && !saysKeepAlive);

    const InFlight &request = m_inFlight.front();
    if (!responseHasBody(request.method, m_current.status)) {
        finishResponse(out);
        return true;
    }
    if (m_current.hasHeader("Transfer-Encoding")) {
        const QList<QByteArray> codings = m_current.headerList("Transfer-Encoding").split(',');
        if (codings.back().trimmed().compare("chunked", Qt::CaseInsensitive) == 0 &&
            codings.size() == 1) {
            m_chunked = detail::ChunkedDecoder(m_config.maxBodySize);
            m_phase = Phase::Chunked;
        } else {
            // A coding this client cannot undo: the body runs to the close (RFC 9112 6.3).
            m_phase = Phase::UntilClose;
        }
        return true;
    }
    if (m_current.hasHeader("Content-Length")) {
        const qint64 length = detail::parseContentLength(m_current.headers);
        if (length < 0) {
            fail(out, "Content-Length is not one decimal number.");
            return false;
        }
        if (length > m_config.maxBodySize) {
            fail(out, "The response body is larger than this client accepts.");
            return false;
        }
        if (length == 0) {
            finishResponse(out);
            return true;
        }
        m_bodyRemaining = length;
        m_phase = Phase::Body;
        return true;
    }
    m_phase = Phase::UntilClose;
    m_closeAfterCurrent = true;
    return true;
}

void HttpClientSession::finishResponse(EngineOutput &out)
{
    const InFlight request = m_inFlight.front();
    m_inFlight.pop_front();
    for (const Header &h : m_current.headers) {
        if (h.name.compare("Set-Cookie", Qt::CaseInsensitive) == 0)
            m_cookies.store(h.value, request.path);
    }
    out.received.push_back({Transmission::Kind::Reply, m_currentWire, m_current.status});
    m_responses.push_back(std::move(m_current));
    m_current = Response{};
    m_currentWire.clear();
    m_phase = Phase::Head;
    if (m_closeAfterCurrent) {
        m_closed = true;
        m_buffer.clear();
        out.close = true;
        if (!m_queued.empty()) {
            m_error = "The server closed the connection; queued requests were not sent.";
            m_queued.clear();
        }
        return;
    }
    if (!m_queued.empty()) {
        Request next = std::move(m_queued.front());
        m_queued.pop_front();
        write(out, std::move(next));
    }
}

} // namespace mailsim::http
