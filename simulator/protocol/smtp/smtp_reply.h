// An SMTP reply (RFC 5321 section 4.2): a three-digit code and one or more lines of text.
#pragma once

#include <QByteArray>

namespace mailsim::smtp {

// The first digit of a reply code (RFC 5321 section 4.2.1).
enum class ReplyClass {
    Invalid = 0,
    PositiveCompletion = 2,   // 2xx: done, send the next command
    PositiveIntermediate = 3, // 3xx: go on, more is expected (354 after DATA)
    TransientNegative = 4,    // 4xx: not now, the same request may work later
    PermanentNegative = 5,    // 5xx: no, do not repeat this request as it is
};

struct Reply
{
    int code = 0;
    // The text after the code. A multi-line reply has its lines separated by '\n'.
    QByteArray text;

    [[nodiscard]] ReplyClass replyClass() const;
    [[nodiscard]] bool isPositive() const { return code >= 200 && code < 400; }
    [[nodiscard]] bool isTransient() const { return replyClass() == ReplyClass::TransientNegative; }
    [[nodiscard]] bool isPermanent() const { return replyClass() == ReplyClass::PermanentNegative; }
    // "250-first line\r\n250 last line\r\n"
    [[nodiscard]] QByteArray toWire() const;
    bool operator==(const Reply &) const = default;
};

} // namespace mailsim::smtp
