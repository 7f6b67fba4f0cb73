#include "message/header_section.h"

#include <algorithm>

namespace mailsim::message {

namespace {

// The line starting at pos, without its terminator; *next is where the following line starts.
QByteArrayView lineAt(QByteArrayView text, qsizetype pos, qsizetype *next)
{
    qsizetype eol = text.indexOf('\n', pos);
    if (eol < 0)
        eol = text.size();
    *next = std::min(eol + 1, text.size());
    QByteArrayView line = text.sliced(pos, eol - pos);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

bool isWsp(char c) { return c == ' ' || c == '\t'; }

// ftext of RFC 5322 section 3.6.8: printable US-ASCII except the colon.
bool isFieldName(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126 || c == ':')
            return false;
    }
    return true;
}

// The header entry starting at `pos`, which must be the start of a line that is not empty;
// *next is where the line after the entry starts. Both readers below go through here.
RawHeaderField entryAt(QByteArrayView message, qsizetype pos, qsizetype *next)
{
    RawHeaderField entry;
    entry.offset = pos;
    const QByteArrayView first = lineAt(message, pos, next);
    entry.lineCount = 1;
    const qsizetype colon = first.indexOf(':');
    if (colon > 0 && isFieldName(first.first(colon))) {
        entry.isField = true;
        entry.name = first.first(colon);
    }
    // Lines that start with white space continue the entry. (A first line that starts with
    // white space is no field, since a name cannot hold a space: it is a continuation line
    // with nothing before it to continue.)
    while (*next < message.size() && isWsp(message[*next])) {
        qsizetype after = 0;
        lineAt(message, *next, &after);
        *next = after;
        ++entry.lineCount;
    }
    entry.raw = message.sliced(pos, *next - pos);
    return entry;
}

} // namespace

QByteArray RawHeaderField::unfoldedValue() const
{
    QByteArray value;
    qsizetype pos = 0;
    bool firstLine = true;
    while (pos < raw.size()) {
        qsizetype next = 0;
        QByteArrayView line = lineAt(raw, pos, &next);
        if (firstLine && isField)
            line = line.sliced(name.size() + 1);
        value += line;
        firstLine = false;
        pos = next;
    }
    return isField ? value.trimmed() : value;
}

HeaderSection readHeaderSection(QByteArrayView message)
{
    HeaderSection section;
    section.end = message.size();
    qsizetype pos = 0;
    while (pos < message.size()) {
        qsizetype next = 0;
        if (lineAt(message, pos, &next).isEmpty()) {
            section.end = pos;
            section.bodyOffset = next;
            break;
        }
        section.fields.push_back(entryAt(message, pos, &next));
        pos = next;
    }
    return section;
}

std::optional<QByteArray> findHeaderField(QByteArrayView message, QByteArrayView name)
{
    qsizetype pos = 0;
    while (pos < message.size()) {
        qsizetype next = 0;
        if (lineAt(message, pos, &next).isEmpty())
            return std::nullopt; // end of the header section
        const RawHeaderField entry = entryAt(message, pos, &next);
        if (entry.isField && entry.name.compare(name, Qt::CaseInsensitive) == 0)
            return entry.unfoldedValue();
        pos = next;
    }
    return std::nullopt;
}

QByteArray headerField(QByteArrayView message, QByteArrayView name)
{
    return findHeaderField(message, name).value_or(QByteArray());
}

} // namespace mailsim::message
