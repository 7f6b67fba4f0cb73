// Splits a byte stream into protocol lines without ever holding more than a bounded amount.
//
// Text protocols (SMTP, POP3, IMAP, HTTP) end lines with CR LF. Two terminator modes exist
// because SMTP needs both: commands are accepted with a bare LF too (as Postfix does, so a
// sloppy client still gets an answer), while message data is split at CR LF only, so that
// "<LF>.<LF>" can never end a message (the SMTP smuggling lesson).
//
// Memory is bounded by maxLineLength: a line longer than that is reported once as TooLong,
// and the rest of it, up to and including the next terminator, is discarded.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mailsim::protocol {

class LineAssembler
{
public:
    enum class Terminator { CrLfOrLf, CrLfOnly };
    enum class Status { NeedMore, Line, TooLong };

    struct Result
    {
        Status status = Status::NeedMore;
        QByteArray line;     // without its terminator
        bool bareLf = false; // the line ended in LF without CR (CrLfOrLf mode only)
    };

    // maxLineLength counts the terminator, as RFC 5321 counts its limits.
    explicit LineAssembler(qsizetype maxLineLength, Terminator terminator = Terminator::CrLfOrLf);

    void append(QByteArrayView bytes);
    // Takes the next complete line out of the buffer, or says that more input is needed.
    [[nodiscard]] Result next();

    void setTerminator(Terminator terminator) { m_terminator = terminator; }
    void setMaxLineLength(qsizetype maxLineLength) { m_maxLineLength = maxLineLength; }
    [[nodiscard]] qsizetype maxLineLength() const { return m_maxLineLength; }
    [[nodiscard]] qsizetype buffered() const { return m_buffer.size() - m_start; }
    // Removes and returns everything buffered but not yet returned as a line.
    [[nodiscard]] QByteArray takeBuffered();
    void clear();

private:
    void compact();

    QByteArray m_buffer;
    qsizetype m_start = 0;    // bytes before this offset were already returned
    qsizetype m_scanned = 0;  // offset (from m_start) up to which no terminator exists
    qsizetype m_maxLineLength;
    Terminator m_terminator;
    bool m_discarding = false; // inside an over-long line, dropping bytes until its end
};

} // namespace mailsim::protocol
