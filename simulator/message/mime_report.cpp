#include "message/mime_report.h"

#include "message/codecs.h"

#include <QLocale>
#include <QStringList>

namespace mailsim::message {

namespace {

QString bytes(qsizetype n)
{
    return QLocale::c().toString(qlonglong(n)) + (n == 1 ? QStringLiteral(" byte") : QStringLiteral(" bytes"));
}

QString typeLine(const MimeEntity &e)
{
    const FieldWithParameters type = e.contentType();
    QString line = QString::fromLatin1(type.value);
    for (const char *name : {"charset", "name", "boundary"}) {
        const QString value = type.parameter(name);
        if (!value.isEmpty())
            line += QStringLiteral("; %1=\"%2\"").arg(QLatin1String(name), value);
    }
    return line;
}

void describe(const MimeEntity &e, int depth, const ReportOptions &options, QStringList &lines)
{
    const QString indent(depth * 2, QLatin1Char(' '));
    QString line = indent + typeLine(e);
    if (e.isMultipart()) {
        line += QStringLiteral("  (%1 parts)").arg(e.parts.size());
        lines << line;
        for (const MimeEntity &part : e.parts)
            describe(part, depth + 1, options, lines);
        return;
    }
    if (!e.embedded.empty()) {
        line += QStringLiteral("  (a whole message inside, %1)").arg(bytes(e.body.size()));
        lines << line;
        for (const MimeEntity &inner : e.embedded) {
            const QString subject = decodeHeaderText(inner.header.value("Subject"));
            if (!subject.isEmpty())
                lines << indent + QStringLiteral("  Subject: ") + subject;
            describe(inner, depth + 1, options, lines);
        }
        return;
    }
    const QByteArray encoding = e.transferEncoding();
    Warnings decoding; // what undoing the transfer encoding and the charset ran into
    const QByteArray decoded = e.decodedBody(&decoding);
    line += QStringLiteral("  %1, %2").arg(QString::fromLatin1(encoding), bytes(e.body.size()));
    if (decoded.size() != e.body.size()) {
        const double overhead = decoded.isEmpty() ? 0.0 : 100.0 * double(e.body.size() - decoded.size()) / double(decoded.size());
        line += QStringLiteral(" for %1 decoded (%2%3 %)")
                    .arg(bytes(decoded.size()), overhead >= 0 ? QStringLiteral("+") : QString())
                    .arg(qRound(overhead));
    }
    if (e.isAttachment() || !e.filename().isEmpty())
        line += QStringLiteral("  %1 \"%2\"").arg(e.isAttachment() ? QStringLiteral("attachment") : QStringLiteral("inline"),
                                                 e.filename());
    lines << line;
    const auto listWarnings = [&] {
        for (const Warning &w : decoding)
            lines << indent + QStringLiteral("  ! ") + w.text;
    };
    if (!options.showText || !e.mediaType().startsWith("text/")) {
        listWarnings();
        return;
    }
    decoding.clear(); // text() decodes again, charset included
    QStringList text = e.text(&decoding).split(QLatin1Char('\n'));
    if (text.size() > 1 && text.back().isEmpty())
        text.removeLast(); // the line end of the last line, not a line of its own
    listWarnings();
    const int shown = std::min<int>(int(text.size()), options.maxTextLines);
    for (int i = 0; i < shown; ++i) {
        QString textLine = text[i];
        if (textLine.endsWith(QLatin1Char('\r')))
            textLine.chop(1);
        lines << indent + QStringLiteral("  | ") + textLine;
    }
    if (text.size() > shown)
        lines << indent + QStringLiteral("  | … %1 more lines").arg(text.size() - shown);
}

} // namespace

QString describeMimeTree(const ParsedMessage &message, const ReportOptions &options)
{
    QStringList lines;
    for (const char *name : {"From", "To", "Cc", "Subject", "Date"}) {
        const QByteArray value = message.root.header.value(name);
        if (!value.isEmpty())
            lines << QStringLiteral("%1: %2").arg(QLatin1String(name), decodeHeaderText(value));
    }
    if (!lines.isEmpty())
        lines << QString();
    describe(message.root, 0, options, lines);
    if (!message.warnings.empty()) {
        lines << QString() << QStringLiteral("Warnings (%1):").arg(message.warnings.size());
        for (const Warning &w : message.warnings)
            lines << (w.offset >= 0 ? QStringLiteral("  at byte %1: %2").arg(w.offset).arg(w.text)
                                    : QStringLiteral("  %1").arg(w.text));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace mailsim::message
