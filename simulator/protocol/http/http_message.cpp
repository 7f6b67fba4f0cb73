#include "protocol/http/http_message.h"

#include <algorithm>

namespace mailsim::http {

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

} // namespace

QByteArray HeaderList::header(QByteArrayView name) const
{
    for (const Header &h : headers) {
        if (sameName(h.name, name))
            return h.value;
    }
    return {};
}

QByteArray HeaderList::headerList(QByteArrayView name) const
{
    QByteArray joined;
    for (const Header &h : headers) {
        if (!sameName(h.name, name))
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += h.value;
    }
    return joined;
}

bool HeaderList::hasHeader(QByteArrayView name) const
{
    return headerCount(name) > 0;
}

int HeaderList::headerCount(QByteArrayView name) const
{
    return int(std::count_if(headers.begin(), headers.end(),
                             [&](const Header &h) { return sameName(h.name, name); }));
}

void HeaderList::setHeader(const QByteArray &name, const QByteArray &value)
{
    auto first = std::find_if(headers.begin(), headers.end(),
                              [&](const Header &h) { return sameName(h.name, name); });
    if (first == headers.end()) {
        headers.push_back({name, value});
        return;
    }
    first->value = value;
    const auto index = first - headers.begin();
    headers.erase(std::remove_if(headers.begin() + index + 1, headers.end(),
                                 [&](const Header &h) { return sameName(h.name, name); }),
                  headers.end());
}

void HeaderList::addHeader(const QByteArray &name, const QByteArray &value)
{
    headers.push_back({name, value});
}

void HeaderList::removeHeader(QByteArrayView name)
{
    std::erase_if(headers, [&](const Header &h) { return sameName(h.name, name); });
}

QByteArray Request::path() const
{
    QByteArray p = target;
    // absolute-form (RFC 9112 3.2.2): "http://host:port/path?query"
    const qsizetype scheme = p.indexOf("://");
    if (scheme > 0 && !p.startsWith('/')) {
        const qsizetype slash = p.indexOf('/', scheme + 3);
        p = slash < 0 ? QByteArray("/") : p.mid(slash);
    }
    const qsizetype cut = p.indexOf('?');
    if (cut >= 0)
        p.truncate(cut);
    const qsizetype fragment = p.indexOf('#');
    if (fragment >= 0)
        p.truncate(fragment);
    return p;
}

QByteArray Request::query() const
{
    const qsizetype mark = target.indexOf('?');
    if (mark < 0)
        return {};
    QByteArray q = target.mid(mark + 1);
    const qsizetype fragment = q.indexOf('#');
    if (fragment >= 0)
        q.truncate(fragment);
    return q;
}

QByteArray Request::cookie(QByteArrayView name) const
{
    // RFC 6265 5.4: "a=b; c=d", possibly in more than one Cookie field (HTTP/2 splits them).
    for (const Header &h : headers) {
        if (!sameName(h.name, "Cookie"))
            continue;
        for (const QByteArray &pair : h.value.split(';')) {
            const QByteArray trimmed = pair.trimmed();
            const qsizetype eq = trimmed.indexOf('=');
            if (eq <= 0)
                continue;
            if (trimmed.left(eq).trimmed() == name)
                return trimmed.mid(eq + 1).trimmed();
        }
    }
    return {};
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

bool responseHasBody(QByteArrayView requestMethod, int status)
{
    if (requestMethod == "HEAD")
        return false;
    return !(status < 200 || status == 204 || status == 304);
}

namespace {

void appendHeaders(QByteArray &out, const std::vector<Header> &headers)
{
    for (const Header &h : headers) {
        out += h.name;
        out += ": ";
        out += h.value;
        out += "\r\n";
    }
    out += "\r\n";
}

} // namespace

QByteArray serialize(const Response &response)
{
    QByteArray out = response.version + ' ' + QByteArray::number(response.status) + ' ' +
                     (response.reason.isEmpty() ? reasonPhrase(response.status) : response.reason) +
                     "\r\n";
    appendHeaders(out, response.headers);
    out += response.body;
    return out;
}

QByteArray serialize(const Request &request)
{
    QByteArray out = request.method + ' ' + request.target + ' ' + request.version + "\r\n";
    appendHeaders(out, request.headers);
    out += request.body;
    return out;
}

Response methodNotAllowed(const std::vector<QByteArray> &allowed)
{
    QByteArray list;
    for (const QByteArray &m : allowed) {
        if (!list.isEmpty())
            list += ", ";
        list += m;
    }
    Response r = plainResponse(405, "This resource allows: " + list);
    r.setHeader("Allow", list);
    return r;
}

Response plainResponse(int status, const QByteArray &detail)
{
    Response r;
    r.status = status;
    r.body = QByteArray::number(status) + ' ' + reasonPhrase(status) + '\n';
    if (!detail.isEmpty())
        r.body += detail + '\n';
    r.setHeader("Content-Type", "text/plain; charset=utf-8");
    return r;
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9'))
            continue;
        if (QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            continue;
        return false;
    }
    return true;
}

} // namespace mailsim::http
