// Reading the ASCII building blocks every text protocol and the message format share: hex
// digits (quoted-printable, %XX in forms, chunk sizes, escapes) and decimal numbers
// (message numbers, sizes, counts). One definition, so that they agree on what they accept.
#pragma once

#include <QByteArrayView>

#include <optional>

namespace mailsim::protocol {

// The value of a hex digit in either case, or -1.
[[nodiscard]] constexpr int hexDigitValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// A decimal number of digits only (no sign, no spaces), at most `max`; nothing for anything
// else, the empty text included. Never overflows, however many digits come.
[[nodiscard]] inline std::optional<qint64> parseDecimal(QByteArrayView text, qint64 max)
{
    if (text.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > max)
            return std::nullopt;
    }
    return value;
}

} // namespace mailsim::protocol
