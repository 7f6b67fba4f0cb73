// Mailbox addresses as SMTP carries them in MAIL FROM and RCPT TO (RFC 5321 section 4.1.2).
//
//   Reverse-path = Path / "<>"
//   Path         = "<" [ A-d-l ":" ] Mailbox ">"      ; the source route A-d-l is ignored
//   Mailbox      = Local-part "@" ( Domain / address-literal )
//   Local-part   = Dot-string / Quoted-string
//
// Left out: SMTPUTF8 (RFC 6531) addresses; a local part or domain with 8-bit bytes is a
// syntax error here, as it is for a server that does not announce SMTPUTF8.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace mailsim::smtp {

struct Path
{
    QByteArray localPart; // as written, quotes included when it was a Quoted-string
    QByteArray domain;    // as written; compare case-insensitively

    [[nodiscard]] bool isNull() const { return localPart.isEmpty() && domain.isEmpty(); } // "<>"
    // "local@domain", or "" for the null path
    [[nodiscard]] QByteArray address() const;
    // "<local@domain>" or "<>"
    [[nodiscard]] QByteArray bracketed() const { return '<' + address() + '>'; }
    bool operator==(const Path &) const = default;

    // Parses "local@domain" without angle brackets. Empty optional when not an address.
    static std::optional<Path> fromAddress(QByteArrayView text);
};

// Parses a Path in angle brackets at the start of text. On success returns the path and sets
// *consumed to the number of bytes used (the closing '>' included). allowNull accepts "<>".
std::optional<Path> parsePath(QByteArrayView text, bool allowNull, qsizetype *consumed);

} // namespace mailsim::smtp
