// Reading single header fields of a message (RFC 5322 section 2.2) without parsing it
// whole: what the mail servers need (is there a Date? which Message-ID?) and what the trace
// summaries show (Subject, From, To). The full message model arrives with MIME support.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace mailsim::mail {

// The value of the first field called `name` (case-insensitive) in the header section,
// unfolded and trimmed; nothing when the header has no such field. Lines may end in
// CR LF or LF; the header ends at the first empty line.
std::optional<QByteArray> findHeaderField(QByteArrayView message, QByteArrayView name);
// The same, with an empty value for a missing field.
QByteArray headerField(QByteArrayView message, QByteArrayView name);

} // namespace mailsim::mail
