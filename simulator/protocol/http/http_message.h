// HTTP/1.1 messages (RFC 9110 semantics, RFC 9112 syntax) as plain values: what the server
// session hands to its RequestHandler and what a client session gets back.
//
// Unlike SMTP, HTTP carries one object per response, of any bytes: its type is in
// Content-Type and its length in Content-Length (or chunked framing), so a picture or a PDF
// travels as it is, with no base64 and no 7-bit rule.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <vector>

namespace mailsim::http {

struct Header
{
    QByteArray name;  // as sent; compared without regard to case
    QByteArray value; // leading and trailing white space removed
};

// Shared by Request and Response: header fields in the order they were sent.
struct HeaderList
{
    std::vector<Header> headers;

    // The first field of this name, "" if none. Fields that may be repeated as a list
    // (RFC 9110 5.3) are joined with ", " by headerList().
    [[nodiscard]] QByteArray header(QByteArrayView name) const;
    [[nodiscard]] QByteArray headerList(QByteArrayView name) const;
    [[nodiscard]] bool hasHeader(QByteArrayView name) const;
    [[nodiscard]] int headerCount(QByteArrayView name) const;
    // Replaces every field of this name by one (added at the end when there was none).
    void setHeader(const QByteArray &name, const QByteArray &value);
    void addHeader(const QByteArray &name, const QByteArray &value);
    void removeHeader(QByteArrayView name);
};

struct Request : HeaderList
{
    QByteArray method;  // "GET"
    QByteArray target;  // as sent: "/message/3?x=1", or absolute-form "http://host/path"
    QByteArray version = "HTTP/1.1";
    QByteArray body;    // de-chunked

    // The path of the target, without query; the absolute-form's scheme and authority are
    // dropped. Percent-escapes are left as they are.
    [[nodiscard]] QByteArray path() const;
    // After '?', without the '#' fragment (clients do not send one, but some do); "" if none.
    [[nodiscard]] QByteArray query() const;
    // The value of cookie `name` from the Cookie header(s); "" if absent.
    [[nodiscard]] QByteArray cookie(QByteArrayView name) const;
    [[nodiscard]] bool isHttp10() const { return version == "HTTP/1.0"; }
};

struct Response : HeaderList
{
    int status = 200;
    QByteArray reason;  // empty: reasonPhrase(status)
    QByteArray version = "HTTP/1.1";
    QByteArray body;
};

// The RFC 9110 reason phrase for a status code ("Not Found"); "Unknown" for others.
QByteArray reasonPhrase(int status);

// Does a response with this status to this method carry a body? (RFC 9112 6.3: not 1xx,
// 204, 304, nor any answer to HEAD.)
bool responseHasBody(QByteArrayView requestMethod, int status);

// The wire form, CR LF line ends, headers as given (nothing added: the sessions add
// Content-Length and the rest before they serialize).
QByteArray serialize(const Response &response);
QByteArray serialize(const Request &request);

// 405 Method Not Allowed with its required Allow header (RFC 9110 15.5.6), a small text
// body saying which methods the resource has.
Response methodNotAllowed(const std::vector<QByteArray> &allowed);
// A small text/plain response: "<status> <reason>\n" and the detail, if any.
Response plainResponse(int status, const QByteArray &detail = {});

// Token characters (RFC 9110 5.6.2), for method and field names.
bool isToken(QByteArrayView text);

} // namespace mailsim::http
