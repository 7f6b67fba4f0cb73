// The parts of RFC 9112 framing that requests and responses share, for the server and the
// client session: reading a message head (start line and header fields) and decoding a
// chunked body. Both work on a buffer the session owns and a read position in it, consume
// only what they have fully understood, and keep their own bounded state between calls, so
// that the outcome cannot depend on how the bytes were split.
#pragma once

#include "protocol/http/http_message.h"

#include <QByteArray>

#include <vector>

namespace mailsim::http::detail {

// StartLine: the start line was just read (see HeadReader::read); call read() again to go on.
enum class Progress { NeedMore, StartLine, Done, Error };

class HeadReader
{
public:
    struct Limits
    {
        qsizetype maxStartLine = 8192;      // line end included
        qsizetype maxHeaderBytes = 64 * 1024; // all field lines with their line ends, and the empty line
        int maxHeaders = 100;
    };
    explicit HeadReader(Limits limits) : m_limits(limits) {}

    // Reads lines from buffer[pos...] until the empty line that ends the head. Lines end in
    // CR LF or a bare LF (RFC 9112 2.2 allows a recipient to accept LF alone); a CR anywhere
    // else is an error. Empty lines before the start line are skipped (RFC 9112 2.2).
    // Returns StartLine once, as soon as the start line is in, so that the caller can judge
    // it before any header field is read: a bad request line gets its answer whatever follows.
    Progress read(const QByteArray &buffer, qsizetype &pos);
    void reset() { *this = HeadReader(m_limits); }

    [[nodiscard]] const QByteArray &startLine() const { return m_startLine; }
    [[nodiscard]] std::vector<Header> &headers() { return m_headers; }
    [[nodiscard]] const QByteArray &wire() const { return m_wire; } // bytes consumed so far
    [[nodiscard]] bool started() const { return m_haveStartLine || !m_wire.isEmpty(); }
    // After Error: 400, 414 (start line too long) or 431 (head too large), and why.
    [[nodiscard]] int errorStatus() const { return m_errorStatus; }
    [[nodiscard]] const QByteArray &errorText() const { return m_errorText; }

private:
    Progress fail(int status, QByteArray text);

    Limits m_limits;
    bool m_haveStartLine = false;
    QByteArray m_startLine;
    std::vector<Header> m_headers;
    qsizetype m_headerBytes = 0;
    QByteArray m_wire;
    int m_errorStatus = 0;
    QByteArray m_errorText;
};

// Transfer-Encoding: chunked (RFC 9112 7.1). Chunk extensions are ignored, trailer fields are
// read and dropped, chunk sizes are hexadecimal; the decoded body may not exceed maxBody.
class ChunkedDecoder
{
public:
    explicit ChunkedDecoder(qint64 maxBody, qsizetype maxLine = 8192)
        : m_maxBody(maxBody), m_maxLine(maxLine) {}

    // Appends decoded bytes to `body`, consumed wire bytes to `wire`.
    Progress read(const QByteArray &buffer, qsizetype &pos, QByteArray &body, QByteArray &wire);
    // After Error: 400 (malformed) or 413 (over maxBody), and why.
    [[nodiscard]] int errorStatus() const { return m_errorStatus; }
    [[nodiscard]] const QByteArray &errorText() const { return m_errorText; }

private:
    enum class State { Size, Data, DataEnd, Trailers };
    Progress fail(int status, QByteArray text);

    qint64 m_maxBody;
    qsizetype m_maxLine;
    State m_state = State::Size;
    qint64 m_remaining = 0;
    qsizetype m_trailerBytes = 0;
    int m_errorStatus = 0;
    QByteArray m_errorText;
};

// One line from buffer[pos...]: the line without its end and the bytes consumed, or nothing
// yet. `tooLong` is set when no line end is within maxLine bytes; `badCr` when a CR stands
// anywhere but just before the LF.
struct LineRead
{
    bool complete = false;
    bool tooLong = false;
    bool badCr = false;
    QByteArray line;
    qsizetype consumed = 0;
};
LineRead readLine(const QByteArray &buffer, qsizetype pos, qsizetype maxLine);

// Content-Length values (RFC 9110 8.6): every one the same string of digits, else -1;
// values too large for qint64 give std::numeric_limits<qint64>::max().
qint64 parseContentLength(const std::vector<Header> &headers);

} // namespace mailsim::http::detail
