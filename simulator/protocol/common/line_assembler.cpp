#include "protocol/common/line_assembler.h"

#include <cstring>

namespace mailsim::protocol {

LineAssembler::LineAssembler(qsizetype maxLineLength, Terminator terminator)
    : m_maxLineLength(maxLineLength), m_terminator(terminator)
{
}

void LineAssembler::append(QByteArrayView bytes)
{
    compact();
    m_buffer.append(bytes.data(), bytes.size());
}

void LineAssembler::compact()
{
    // Drop consumed bytes only when they dominate, so that the cost stays linear.
    if (m_start > 0 && (m_start >= m_buffer.size() || m_start > 4096)) {
        m_buffer.remove(0, m_start);
        m_start = 0;
    }
}

LineAssembler::Result LineAssembler::next()
{
    for (;;) {
        const qsizetype available = m_buffer.size() - m_start;
        const char *base = m_buffer.constData() + m_start;
        qsizetype end = -1; // index of the terminating LF, relative to base
        // memchr rather than a test of every byte: message data is most of what comes in.
        for (qsizetype i = m_scanned; i < available; ++i) {
            const void *lf = std::memchr(base + i, '\n', static_cast<std::size_t>(available - i));
            if (!lf)
                break;
            i = static_cast<const char *>(lf) - base;
            if (m_terminator == Terminator::CrLfOnly && (i == 0 || base[i - 1] != '\r'))
                continue;
            end = i;
            break;
        }

        if (m_discarding) {
            if (end < 0) {
                // Keep a trailing CR: it may pair with an LF in the next chunk.
                const bool keepCr = available > 0 && base[available - 1] == '\r';
                m_start = m_buffer.size() - (keepCr ? 1 : 0);
                m_scanned = keepCr ? 1 : 0;
                compact();
                return {};
            }
            m_start += end + 1;
            m_scanned = 0;
            m_discarding = false;
            continue;
        }

        if (end < 0) {
            m_scanned = available > 0 && base[available - 1] == '\r' ? available - 1 : available;
            if (available > m_maxLineLength) {
                // No terminator within the limit: report once, then drop the rest of it.
                m_discarding = true;
                m_scanned = 0;
                Result r;
                r.status = Status::TooLong;
                return r;
            }
            return {};
        }

        const bool crlf = end > 0 && base[end - 1] == '\r';
        const qsizetype lineLength = end + 1; // including the terminator
        Result r;
        if (lineLength > m_maxLineLength) {
            r.status = Status::TooLong;
        } else {
            r.status = Status::Line;
            r.line = QByteArray(base, crlf ? end - 1 : end);
            r.bareLf = !crlf;
        }
        m_start += lineLength;
        m_scanned = 0;
        return r;
    }
}

QByteArray LineAssembler::takeBuffered()
{
    QByteArray rest = m_buffer.mid(m_start);
    clear();
    return rest;
}

void LineAssembler::clear()
{
    m_buffer.clear();
    m_start = 0;
    m_scanned = 0;
    m_discarding = false;
}

} // namespace mailsim::protocol
