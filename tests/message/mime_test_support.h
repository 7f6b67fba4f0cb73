// Helpers for the message tests: a whole MIME tree in one line, so that a test can state the
// exact tree it expects, and warnings matched by offset and words.
#pragma once

#include "message/mime.h"

#include <QStringList>

#include <gtest/gtest.h>

namespace mailsim::message::test {

// Bytes as a C-like literal: \r, \n, \t, \0 and \xNN for the rest that is not printable.
inline QString escaped(QByteArrayView bytes)
{
    QString out;
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r')
            out += QLatin1String("\\r");
        else if (c == '\n')
            out += QLatin1String("\\n");
        else if (c == '\t')
            out += QLatin1String("\\t");
        else if (c == '\0')
            out += QLatin1String("\\0");
        else if (c == '"' || c == '\\') {
            out += QLatin1Char('\\');
            out += QLatin1Char(c);
        } else if (u < 0x20 || u >= 0x7F)
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
        else
            out += QLatin1Char(c);
    }
    return out;
}

// text/plain "hello\r\n"                        a leaf and its decoded body
// multipart/mixed[text/plain "a", image/png "..."]   a multipart and its parts
// message/rfc822{text/plain "inner"}            a message and the message inside
inline QString shape(const MimeEntity &e)
{
    const QString type = QString::fromLatin1(e.mediaType());
    if (!e.embedded.empty())
        return type + QLatin1Char('{') + shape(e.embedded.front()) + QLatin1Char('}');
    if (!e.parts.empty()) {
        QStringList parts;
        for (const MimeEntity &p : e.parts)
            parts << shape(p);
        return type + QLatin1Char('[') + parts.join(QLatin1String(", ")) + QLatin1Char(']');
    }
    return type + QLatin1String(" \"") + escaped(e.decodedBody()) + QLatin1Char('"');
}

inline QString describe(const Warnings &warnings)
{
    QStringList lines;
    for (const Warning &w : warnings)
        lines << QStringLiteral("%1: %2").arg(w.offset).arg(w.text);
    return lines.join(QLatin1Char('\n'));
}

struct ExpectedWarning
{
    qsizetype offset;
    const char *words; // a part of the text
};

// The warnings, exactly these, in this order.
inline ::testing::AssertionResult warningsAre(const Warnings &actual,
                                              std::initializer_list<ExpectedWarning> expected)
{
    bool same = actual.size() == expected.size();
    std::size_t i = 0;
    for (const ExpectedWarning &x : expected) {
        if (!same)
            break;
        same = actual[i].offset == x.offset && actual[i].text.contains(QLatin1String(x.words));
        ++i;
    }
    if (same)
        return ::testing::AssertionSuccess();
    QStringList wanted;
    for (const ExpectedWarning &x : expected)
        wanted << QStringLiteral("%1: ...%2...").arg(x.offset).arg(QLatin1String(x.words));
    return ::testing::AssertionFailure() << "warnings were:\n"
                                         << describe(actual).toStdString() << "\nexpected:\n"
                                         << wanted.join(QLatin1Char('\n')).toStdString();
}

} // namespace mailsim::message::test
