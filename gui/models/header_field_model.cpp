#include "models/header_field_model.h"

#include <QFont>

namespace mailsim::gui {

namespace {

// The code point of the valid UTF-8 sequence at bytes[i] and its length in *length; -1 when
// the bytes there are not valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// beyond U+10FFFF).
char32_t utf8At(QByteArrayView bytes, qsizetype i, int *length)
{
    const auto lead = static_cast<unsigned char>(bytes[i]);
    if (lead < 0x80) {
        *length = 1;
        return lead;
    }
    int n = 0;
    char32_t cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        cp = lead & 0x07;
    } else {
        return char32_t(-1);
    }
    if (i + n > bytes.size())
        return char32_t(-1);
    for (int k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(bytes[i + k]);
        if ((c & 0xC0) != 0x80)
            return char32_t(-1);
        cp = (cp << 6) | (c & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return char32_t(-1);
    *length = n;
    return cp;
}

void appendEscaped(QString &out, QByteArrayView bytes, QList<MarkedRange> *marked)
{
    static const char hex[] = "0123456789ABCDEF";
    const qsizetype start = out.size();
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out += QLatin1String("\\x");
        out += QLatin1Char(hex[u >> 4]);
        out += QLatin1Char(hex[u & 0xF]);
    }
    if (marked)
        marked->append({start, out.size() - start});
}

QString capped(const QString &text)
{
    if (text.size() <= HeaderFieldModel::kMaxCellText)
        return text;
    qsizetype cut = HeaderFieldModel::kMaxCellText;
    if (text.at(cut).isLowSurrogate())
        --cut; // keep a character outside the BMP whole
    return HeaderFieldModel::tr("%1 … and %2 more characters")
        .arg(text.left(cut))
        .arg(text.size() - cut);
}

bool isWsp(char c) { return c == ' ' || c == '\t'; }

// The lines of a header entry as sent, each with its line end written out: <CR><LF>, or
// <LF> alone for a bare LF. For tooltips, in <pre> so that nothing is read as markup.
QString rawLinesHtml(QByteArrayView raw)
{
    QString text;
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype eol = raw.indexOf('\n', pos);
        const bool hasLf = eol >= 0;
        if (!hasLf)
            eol = raw.size();
        QByteArrayView line = raw.sliced(pos, eol - pos);
        const bool crlf = hasLf && line.endsWith('\r');
        if (crlf)
            line.chop(1);
        text += visibleText(line);
        if (hasLf)
            text += crlf ? QStringLiteral("<CR><LF>\n") : QStringLiteral("<LF> (a bare LF)\n");
        pos = eol + 1;
    }
    return QStringLiteral("<pre>%1</pre>").arg(capped(text).toHtmlEscaped());
}

} // namespace

QString visibleText(QByteArrayView bytes, QList<MarkedRange> *marked)
{
    QString out;
    out.reserve(bytes.size());
    qsizetype i = 0;
    while (i < bytes.size()) {
        int length = 0;
        const char32_t cp = utf8At(bytes, i, &length);
        if (cp == char32_t(-1)) {
            appendEscaped(out, bytes.sliced(i, 1), marked);
            ++i;
            continue;
        }
        if ((cp < 0x20 && cp != '\t') || cp == 0x7F) {
            static const char *const names[32] = {
                "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
                "VT",  "FF",  "CR",  "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
                "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};
            const qsizetype start = out.size();
            out += QLatin1Char('<');
            out += QLatin1String(cp == 0x7F ? "DEL" : names[cp]);
            out += QLatin1Char('>');
            if (marked)
                marked->append({start, out.size() - start});
        } else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
            appendEscaped(out, bytes.sliced(i, length), marked);
        } else if (cp > 0xFFFF) {
            out += QChar(QChar::highSurrogate(cp));
            out += QChar(QChar::lowSurrogate(cp));
        } else {
            out += QChar(char16_t(cp));
        }
        i += length;
    }
    return out;
}

HeaderFieldModel::HeaderFieldModel(QObject *parent) : QAbstractTableModel(parent) {}

void HeaderFieldModel::setMessage(const QByteArray &message)
{
    beginResetModel();
    m_message = message;
    m_section = mail::readHeaderSection(m_message);
    endResetModel();
}

int HeaderFieldModel::nonFieldCount() const
{
    int n = 0;
    for (const mail::RawHeaderField &field : m_section.fields)
        n += !field.isField;
    return n;
}

QString HeaderFieldModel::notAFieldLabel()
{
    return tr("(not a header field)");
}

int HeaderFieldModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_section.fields.size());
}

int HeaderFieldModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HeaderFieldModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const mail::RawHeaderField &field = m_section.fields[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return field.isField ? visibleText(field.name) : notAFieldLabel();
        case ValueColumn: return capped(visibleText(field.unfoldedValue()));
        case LinesColumn: return field.lineCount;
        default: return {};
        }
    case Qt::ToolTipRole: {
        QString why;
        if (!field.isField) {
            const qsizetype eol = field.raw.indexOf('\n');
            const QByteArrayView first = eol < 0 ? field.raw : field.raw.first(eol);
            if (isWsp(field.raw.front()))
                why = tr("This line starts with white space, which would make it continue the "
                         "field before it, but there is none.");
            else if (!first.contains(':'))
                why = tr("This line has no colon, so it is not a header field (a field is a "
                         "name, a colon and a value).");
            else
                why = tr("The text before the colon is no field name: a name is made of "
                         "printable US-ASCII characters, with no space.");
        } else if (field.lineCount > 1) {
            why = tr("Folded over %1 lines: each line that starts with white space continues "
                     "the field. The value column shows it unfolded.")
                      .arg(field.lineCount);
        } else {
            why = tr("As sent:");
        }
        return QStringLiteral("<p>%1</p>%2").arg(why.toHtmlEscaped(), rawLinesHtml(field.raw));
    }
    case Qt::FontRole:
        if (!field.isField && index.column() == NameColumn) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == LinesColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RawRole: return field.raw.toByteArray();
    case IsFieldRole: return field.isField;
    case OffsetRole: return qlonglong(field.offset);
    default: return {};
    }
}

QVariant HeaderFieldModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case NameColumn: return tr("Name");
        case ValueColumn: return tr("Value");
        case LinesColumn: return tr("Lines");
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case NameColumn: return tr("The field name, before the colon");
        case ValueColumn: return tr("The value after the colon, unfolded (the line ends of a "
                                    "folded field removed) and without white space at either end");
        case LinesColumn: return tr("How many lines the field takes in the message: more than "
                                    "one when it is folded");
        default: return {};
        }
    }
    return {};
}

} // namespace mailsim::gui
