#include "protocol/http/http_framing.h"

#include "protocol/common/ascii.h"

#include <limits>

namespace mailsim::http::detail {

namespace {

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArray trimOws(QByteArrayView text)
{
    qsizetype from = 0;
    qsizetype to = text.size();
    while (from < to && isOws(text[from]))
        ++from;
    while (to > from && isOws(text[to - 1]))
        --to;
    return text.sliced(from, to - from).toByteArray();
}


} // namespace

LineRead readLine(const QByteArray &buffer, qsizetype pos, qsizetype maxLine)
{
    LineRead r;
    const qsizetype available = buffer.size() - pos;
    // Look no further than the limit, so that the verdict is the same however the bytes came.
    const qsizetype window = qMin(available, qMax<qsizetype>(maxLine, 0));
    const qsizetype lf = window > 0 ? QByteArrayView(buffer).sliced(pos, window).indexOf('\n') : -1;
    if (lf < 0) {
        r.tooLong = available >= maxLine;
        return r;
    }
    r.complete = true;
    r.consumed = lf + 1;
    qsizetype length = lf;
    if (length > 0 && buffer[pos + length - 1] == '\r')
        --length;
    r.line = buffer.mid(pos, length);
    r.badCr = r.line.contains('\r');
    return r;
}

qint64 parseContentLength(const std::vector<Header> &headers)
{
    QByteArray agreed;
    bool any = false;
    for (const Header &h : headers) {
        if (h.name.compare("Content-Length", Qt::CaseInsensitive) != 0)
            continue;
        // A list "5, 5" is allowed as long as every member is the same (RFC 9110 8.6).
        for (const QByteArray &member : h.value.split(',')) {
            const QByteArray value = trimOws(member);
            if (value.isEmpty())
                return -1;
            for (char c : value) {
                if (c < '0' || c > '9')
                    return -1;
            }
            if (any && value != agreed)
                return -1;
            agreed = value;
            any = true;
        }
    }
    if (!any)
        return -1;
    // Leading zeros are digits like any other; only the magnitude matters.
    qsizetype first = 0;
    while (first + 1 < agreed.size() && agreed[first] == '0')
        ++first;
    if (agreed.size() - first > 18)
        return std::numeric_limits<qint64>::max();
    return agreed.mid(first).toLongLong();
}

Progress HeadReader::fail(int status, QByteArray text)
{
    m_errorStatus = status;
    m_errorText = std::move(text);
    return Progress::Error;
}

Progress HeadReader::read(const QByteArray &buffer, qsizetype &pos)
{
    for (;;) {
        const qsizetype limit =
            m_haveStartLine ? m_limits.maxHeaderBytes - m_headerBytes : m_limits.maxStartLine;
        const LineRead l = readLine(buffer, pos, limit);
        if (l.tooLong) {
            return m_haveStartLine ? fail(431, "The header section is too large.")
                                   : fail(414, "The request line is too long.");
        }
        if (!l.complete)
            return Progress::NeedMore;
        if (l.badCr)
            return fail(400, "A CR stands alone inside a line.");
        const QByteArrayView consumed = QByteArrayView(buffer).sliced(pos, l.consumed);
        pos += l.consumed;

        if (!m_haveStartLine) {
            if (l.line.isEmpty())
                continue; // stray line ends before the start line are skipped (RFC 9112 2.2)
            m_haveStartLine = true;
            m_startLine = l.line;
            m_wire += consumed;
            return Progress::StartLine;
        }
        m_wire += consumed;
        m_headerBytes += l.consumed;
        if (l.line.isEmpty())
            return Progress::Done;
        if (isOws(l.line[0]))
            return fail(400, "Obsolete line folding is not accepted (RFC 9112 5.2).");
        const qsizetype colon = l.line.indexOf(':');
        if (colon < 0)
            return fail(400, "A header line has no colon.");
        const QByteArray name = l.line.left(colon);
        if (!name.isEmpty() && isOws(name.back()))
            return fail(400, "White space before the colon of a field name (RFC 9112 5.1).");
        if (!isToken(name))
            return fail(400, "A field name is not a token.");
        const QByteArray value = trimOws(QByteArrayView(l.line).sliced(colon + 1));
        for (char c : value) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7f)
                return fail(400, "A field value holds a control character.");
        }
        if (int(m_headers.size()) >= m_limits.maxHeaders)
            return fail(431, "Too many header fields.");
        m_headers.push_back({name, value});
    }
}

Progress ChunkedDecoder::fail(int status, QByteArray text)
{
    m_errorStatus = status;
    m_errorText = std::move(text);
    return Progress::Error;
}

Progress ChunkedDecoder::read(const QByteArray &buffer, qsizetype &pos, QByteArray &body,
                              QByteArray &wire)
{
    for (;;) {
        switch (m_state) {
        case State::Size: {
            const LineRead l = readLine(buffer, pos, m_maxLine);
            if (l.tooLong)
                return fail(400, "A chunk size line is too long.");
            if (!l.complete)
                return Progress::NeedMore;
            if (l.badCr)
                return fail(400, "A CR stands alone in a chunk size line.");
            wire += QByteArrayView(buffer).sliced(pos, l.consumed);
            pos += l.consumed;
            // chunk-size [ BWS ; chunk-ext ]: extensions mean nothing here and are skipped.
            QByteArray digits = l.line;
            const qsizetype semicolon = digits.indexOf(';');
            if (semicolon >= 0)
                digits.truncate(semicolon);
            digits = trimOws(digits);
            if (digits.isEmpty())
                return fail(400, "A chunk size is missing.");
            qint64 size = 0;
            for (char c : digits) {
                const int v = protocol::hexDigitValue(c);
                if (v < 0)
                    return fail(400, "A chunk size is not hexadecimal.");
                if (size > (std::numeric_limits<qint64>::max() >> 4))
                    return fail(413, "A chunk is larger than the body may be.");
                size = size * 16 + v;
            }
            if (size > m_maxBody - body.size())
                return fail(413, "The chunked body is larger than allowed.");
            if (size == 0) {
                m_state = State::Trailers;
            } else {
                m_remaining = size;
                m_state = State::Data;
            }
            break;
        }
        case State::Data: {
            const qsizetype n = qsizetype(qMin<qint64>(m_remaining, buffer.size() - pos));
            if (n == 0)
                return Progress::NeedMore;
            const QByteArrayView piece = QByteArrayView(buffer).sliced(pos, n);
            body += piece;
            wire += piece;
            pos += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_state = State::DataEnd;
            break;
        }
        case State::DataEnd: {
            const qsizetype available = buffer.size() - pos;
            if (available >= 1 && buffer[pos] != '\r')
                return fail(400, "Chunk data is not followed by CR LF.");
            if (available < 2)
                return Progress::NeedMore;
            if (buffer[pos + 1] != '\n')
                return fail(400, "Chunk data is not followed by CR LF.");
            wire += "\r\n";
            pos += 2;
            m_state = State::Size;
            break;
        }
        case State::Trailers: {
            const LineRead l = readLine(buffer, pos, m_maxLine);
            if (l.tooLong)
                return fail(400, "A trailer line is too long.");
            if (!l.complete)
                return Progress::NeedMore;
            if (l.badCr)
                return fail(400, "A CR stands alone in a trailer line.");
            m_trailerBytes += l.consumed;
            if (m_trailerBytes > 8 * m_maxLine)
                return fail(400, "The trailer section is too large.");
            wire += QByteArrayView(buffer).sliced(pos, l.consumed);
            pos += l.consumed;
            if (l.line.isEmpty())
                return Progress::Done;
            // Trailer fields are read so that the framing stays right, then dropped: nothing
            // here needs them, and merging them into the header is what RFC 9110 6.5.1 warns about.
            const qsizetype colon = l.line.indexOf(':');
            if (colon <= 0 || !isToken(l.line.left(colon)))
                return fail(400, "A trailer line is not a field.");
            break;
        }
        }
    }
}

} // namespace mailsim::http::detail
