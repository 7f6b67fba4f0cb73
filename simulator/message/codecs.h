// The encodings of Internet mail, each in one place: base64 and quoted-printable for bodies
// (RFC 2045 section 6), encoded words for non-ASCII header text (RFC 2047), and character
// sets (through QStringDecoder / QStringEncoder).
//
// Encoders write what the RFCs require (lines of at most 76 characters, CR LF line ends).
// Decoders come in the lenient form that mail readers need, reporting what they had to
// overlook as Warnings; base64 also has the strict form that refuses any stray byte.
#pragma once

#include "message/warnings.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>

namespace mailsim::message {

// base64 in lines of `lineLength` characters (at most 76), each ended by CR LF.
QByteArray base64Encode(QByteArrayView bytes, int lineLength = 76);
// Line ends and other white space are allowed between characters; any other byte outside
// the base64 alphabet, or bad padding, refuses the whole text.
std::optional<QByteArray> base64DecodeStrict(QByteArrayView text);
// Skips bytes outside the alphabet and decodes what it can, with a warning for each kind
// of problem met: stray bytes, missing padding, a lone final character, data after the
// padding (ignored, as Python's email package and most mail readers do).
//
// Warning offsets in this file are positions in the text given; -1 for the charset ones.
QByteArray base64DecodeLenient(QByteArrayView text, Warnings *warnings = nullptr);

// Quoted-printable. For text, CR LF line ends stay real line breaks; for binary data
// (`binary`), CR and LF are encoded as =0D and =0A. Lines are at most 76 characters, soft
// breaks ("=" at the end of a line) added as needed; white space before a line end and '='
// are always encoded.
QByteArray quotedPrintableEncode(QByteArrayView bytes, bool binary = false);
// Soft breaks removed, =XX decoded (lower-case hex digits accepted), white space at the ends
// of lines deleted as RFC 2045 asks; hard line breaks kept as they are (CR LF or LF). A
// malformed escape is kept as it is, with a warning.
QByteArray quotedPrintableDecode(QByteArrayView text, Warnings *warnings = nullptr);

// Header text: ASCII text returned as is; anything else (non-ASCII, control characters, or
// ASCII that would read as an encoded word) as RFC 2047 encoded words in UTF-8, "B"
// (base64) or "Q" (`encoding` 'Q': readable when the text is mostly ASCII). Each word is at
// most 64 characters (RFC 2047 allows 75; 64 lets the first one share a line with a field
// name), never splits a character, and the words are separated by single spaces: the
// result is an unfolded field value, which the header writer folds.
QByteArray encodeHeaderText(const QString &text, char encoding = 'B');
// Decodes every encoded word ("=?charset?B|Q?...?="), joining adjacent ones across the white
// space between them (RFC 2047 section 6.2); the rest is read as UTF-8 (falling back to
// Latin-1 for bytes that are not UTF-8, with a warning).
QString decodeHeaderText(QByteArrayView text, Warnings *warnings = nullptr);

// Bytes in a named character set to text; an unknown charset is read as Latin-1 with a
// warning, invalid sequences become U+FFFD with a warning.
QString decodeCharset(QByteArrayView bytes, QByteArrayView charset, Warnings *warnings = nullptr);
// Text to bytes in a named character set; nullopt if Qt has no encoder for it or the text
// does not fit the charset.
std::optional<QByteArray> encodeCharset(const QString &text, QByteArrayView charset);

} // namespace mailsim::message
