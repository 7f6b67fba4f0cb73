// Reading the header section of a message (RFC 5322 section 2.2) without parsing it whole:
// single fields for what the mail servers need (is there a Date? which Message-ID?) and
// what the trace summaries show (Subject, From, To), and every entry in order, with its
// lines as they were sent, for the window's message inspector. The MIME parser (mime.h)
// reads every header section, the message's and each part's, through readHeaderSection
// too, so there is one reading of header lines in the project: a field the inspector shows
// is exactly a field the servers and the MIME tree find.
//
// The reader is lenient, as a teaching tool must be with the messages it is shown: lines may
// end in CR LF or a bare LF (a CR alone does not end a line), the header ends at the first
// empty line or at the end of the bytes, and a line that is no field is reported as such
// rather than dropped. Nothing is copied: the entries are views into the bytes read.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>
#include <vector>

namespace mailsim::message {

// The value of the first field called `name` (case-insensitive) in the header section,
// unfolded and trimmed; nothing when the header has no such field. Lines may end in
// CR LF or LF; the header ends at the first empty line.
std::optional<QByteArray> findHeaderField(QByteArrayView message, QByteArrayView name);
// The same, with an empty value for a missing field.
QByteArray headerField(QByteArrayView message, QByteArrayView name);

// One entry of the header section as it is in the message: a field with its continuation
// lines, or a line that is not a field. The views point into the message that was read.
struct RawHeaderField
{
    // A field: a name of printable US-ASCII other than ':' (RFC 5322 section 3.6.8), then
    // ':' at once. Anything else is not a field: a line without a colon, a name with a space
    // or an 8-bit byte in it, or a line that starts with white space although no line
    // before it could be continued.
    bool isField = false;
    QByteArrayView name; // before the colon; empty when !isField
    // Every line of the entry, line ends included, exactly as in the message.
    QByteArrayView raw;
    qsizetype offset = 0; // where `raw` starts in the message
    int lineCount = 0;    // 1, or more for a folded field (or a line continued after a non-field)

    // After the colon, unfolded (RFC 5322 section 2.2.3: each line end before a continuation
    // line is removed, its white space kept) and trimmed. For a non-field: all of its lines
    // without their line ends.
    [[nodiscard]] QByteArray unfoldedValue() const;
};

struct HeaderSection
{
    std::vector<RawHeaderField> fields; // in message order, nothing left out
    // Where the empty line that ends the header starts: the size of the message when there
    // is no empty line.
    qsizetype end = 0;
    // Where the body starts, after the empty line and its line end; -1 without an empty line.
    qsizetype bodyOffset = -1;
    [[nodiscard]] bool hasEmptyLine() const { return bodyOffset >= 0; }
};

// Every entry of the header section, in order; `message` must outlive the views.
HeaderSection readHeaderSection(QByteArrayView message);

} // namespace mailsim::message
