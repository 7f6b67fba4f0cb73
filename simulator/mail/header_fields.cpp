#include "mail/header_fields.h"

namespace mailsim::mail {

namespace {

// The line starting at pos, without its terminator; *next is where the following line starts.
QByteArrayView lineAt(QByteArrayView text, qsizetype pos, qsizetype *next)
{
    qsizetype eol = text.indexOf('\n', pos);
    if (eol < 0)
        eol = text.size();
    *next = eol + 1;
    QByteArrayView line = text.sliced(pos, eol - pos);
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

} // namespace

std::optional<QByteArray> findHeaderField(QByteArrayView message, QByteArrayView name)
{
    qsizetype pos = 0;
    while (pos < message.size()) {
        qsizetype next = 0;
        const QByteArrayView line = lineAt(message, pos, &next);
        if (line.isEmpty())
            return std::nullopt; // end of the header section
        if (line.size() > name.size() && line[name.size()] == ':'
            && line.first(name.size()).compare(name, Qt::CaseInsensitive) == 0) {
            QByteArray value = line.sliced(name.size() + 1).toByteArray();
            // Unfold: a line that starts with white space continues the field.
            while (next < message.size() && (message[next] == ' ' || message[next] == '\t')) {
                qsizetype after = 0;
                value += lineAt(message, next, &after).toByteArray();
                next = after;
            }
            return value.trimmed();
        }
        pos = next;
    }
    return std::nullopt;
}

QByteArray headerField(QByteArrayView message, QByteArrayView name)
{
    return findHeaderField(message, name).value_or(QByteArray());
}

} // namespace mailsim::mail
