#include "protocol/imap/imap_syntax.h"

#include <QTimeZone>

#include <algorithm>

namespace mailsim::imap {

namespace {

constexpr const char *kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isListChar(char c) { return isAstringChar(c) || c == '%' || c == '*'; }

int monthFromName(QByteArrayView name)
{
    for (int i = 0; i < 12; ++i) {
        if (name.compare(QByteArrayView(kMonths[i]), Qt::CaseInsensitive) == 0)
            return i + 1;
    }
    return 0;
}

// Digits as an int, for the short fixed fields of dates; -1 when not all digits.
int smallNumber(QByteArrayView digits)
{
    if (digits.isEmpty() || digits.size() > 4)
        return -1;
    int value = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<QDate> parseDateText(QByteArrayView text)
{
    // date-day "-" date-month "-" date-year; the day may be one or two digits (or, inside
    // date-time, a space and one digit, which the caller trims).
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> p;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= text.size(); ++i) {
            if (i == text.size() || text[i] == '-') {
                p << text.sliced(start, i - start);
                start = i + 1;
            }
        }
        return p;
    }();
    if (parts.size() != 3 || parts[0].size() > 2 || parts[2].size() != 4)
        return std::nullopt;
    const int day = smallNumber(parts[0]);
    const int month = monthFromName(parts[1]);
    const int year = smallNumber(parts[2]);
    const QDate date(year, month, day);
    if (day < 1 || month == 0 || year < 0 || !date.isValid())
        return std::nullopt;
    return date;
}

} // namespace

bool isAtomChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
        return false;
    return c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\'
           && c != ']';
}

bool isAstringChar(char c) { return isAtomChar(c) || c == ']'; }

bool SequenceSet::contains(quint32 value, quint32 star) const
{
    for (const SequenceRange &r : ranges) {
        if (star == 0 && (r.first == 0 || r.last == 0))
            continue; // "*" names nothing in an empty mailbox
        const quint32 a = r.first == 0 ? star : r.first;
        const quint32 b = r.last == 0 ? star : r.last;
        if (value >= std::min(a, b) && value <= std::max(a, b))
            return true;
    }
    return false;
}

quint32 SequenceSet::largestExplicit(bool *usesStar) const
{
    quint32 largest = 0;
    bool star = false;
    for (const SequenceRange &r : ranges) {
        star = star || r.first == 0 || r.last == 0;
        largest = std::max({largest, r.first, r.last});
    }
    if (usesStar)
        *usesStar = star;
    return largest;
}

bool CommandReader::skip(char c)
{
    if (peek() != c || atEnd())
        return false;
    ++m_pos;
    return true;
}

bool CommandReader::keyword(QByteArrayView word)
{
    if (m_text.size() - m_pos < word.size())
        return false;
    if (m_text.sliced(m_pos, word.size()).compare(word, Qt::CaseInsensitive) != 0)
        return false;
    const qsizetype after = m_pos + word.size();
    if (after < m_text.size() && isAtomChar(m_text[after]) && isAtomChar(word.back()))
        return false;
    m_pos = after;
    return true;
}

std::optional<QByteArray> CommandReader::atom()
{
    qsizetype end = m_pos;
    while (end < m_text.size() && isAtomChar(m_text[end]))
        ++end;
    if (end == m_pos)
        return std::nullopt;
    QByteArray a = m_text.sliced(m_pos, end - m_pos).toByteArray();
    m_pos = end;
    return a;
}

std::optional<QByteArray> CommandReader::tag()
{
    qsizetype end = m_pos;
    while (end < m_text.size() && isAstringChar(m_text[end]) && m_text[end] != '+')
        ++end;
    if (end == m_pos)
        return std::nullopt;
    QByteArray t = m_text.sliced(m_pos, end - m_pos).toByteArray();
    m_pos = end;
    return t;
}

std::optional<QByteArray> CommandReader::quoted()
{
    if (peek() != '"')
        return std::nullopt;
    QByteArray text;
    for (qsizetype i = m_pos + 1; i < m_text.size(); ++i) {
        const char c = m_text[i];
        if (c == '"') {
            m_pos = i + 1;
            return text;
        }
        if (c == '\r' || c == '\n' || c == '\0')
            return std::nullopt;
        if (c == '\\') {
            // Only \" and \\ are quoted-specials; anything else after a backslash is an error.
            if (i + 1 >= m_text.size() || (m_text[i + 1] != '"' && m_text[i + 1] != '\\'))
                return std::nullopt;
            ++i;
        }
        text += m_text[i];
    }
    return std::nullopt;
}

std::optional<QByteArray> CommandReader::literal()
{
    if (peek() != '{')
        return std::nullopt;
    qsizetype i = m_pos + 1;
    quint64 size = 0;
    const qsizetype digitsStart = i;
    while (i < m_text.size() && isDigit(m_text[i])) {
        size = size * 10 + static_cast<quint64>(m_text[i] - '0');
        if (size > 0xffffffffu)
            return std::nullopt;
        ++i;
    }
    if (i == digitsStart)
        return std::nullopt;
    if (i < m_text.size() && m_text[i] == '+')
        ++i; // LITERAL+ form; the framing has already been handled by the caller
    if (m_text.sliced(i).size() < 3 || m_text[i] != '}' || m_text[i + 1] != '\r'
        || m_text[i + 2] != '\n')
        return std::nullopt;
    i += 3;
    if (static_cast<quint64>(m_text.size() - i) < size)
        return std::nullopt;
    QByteArray bytes = m_text.sliced(i, static_cast<qsizetype>(size)).toByteArray();
    m_pos = i + static_cast<qsizetype>(size);
    return bytes;
}

std::optional<QByteArray> CommandReader::string()
{
    if (peek() == '"')
        return quoted();
    return literal();
}

// A string, or else a run of the characters `allowed` accepts (astring and list-mailbox
// differ only in that set).
std::optional<QByteArray> CommandReader::stringOrRun(bool (*allowed)(char))
{
    if (peek() == '"' || peek() == '{')
        return string();
    qsizetype end = m_pos;
    while (end < m_text.size() && allowed(m_text[end]))
        ++end;
    if (end == m_pos)
        return std::nullopt;
    QByteArray a = m_text.sliced(m_pos, end - m_pos).toByteArray();
    m_pos = end;
    return a;
}

std::optional<QByteArray> CommandReader::astring() { return stringOrRun(isAstringChar); }

std::optional<QByteArray> CommandReader::nstring()
{
    if (keyword("NIL"))
        return QByteArray();
    std::optional<QByteArray> s = string();
    if (s && s->isNull())
        s = QByteArray(""); // an empty string is not NIL
    return s;
}

std::optional<QByteArray> CommandReader::listMailbox() { return stringOrRun(isListChar); }

std::optional<quint32> CommandReader::number()
{
    qsizetype i = m_pos;
    quint64 value = 0;
    while (i < m_text.size() && isDigit(m_text[i])) {
        value = value * 10 + static_cast<quint64>(m_text[i] - '0');
        if (value > 0xffffffffu)
            return std::nullopt;
        ++i;
    }
    if (i == m_pos)
        return std::nullopt;
    m_pos = i;
    return static_cast<quint32>(value);
}

std::optional<QByteArray> CommandReader::flag()
{
    const qsizetype start = m_pos;
    const bool system = skip('\\');
    std::optional<QByteArray> name = atom();
    if (!name) {
        m_pos = start;
        return std::nullopt;
    }
    return system ? '\\' + *name : *name;
}

std::optional<QByteArrayList> CommandReader::flagList()
{
    const qsizetype start = m_pos;
    if (!skip('('))
        return std::nullopt;
    QByteArrayList flags;
    if (skip(')'))
        return flags;
    for (;;) {
        std::optional<QByteArray> f = flag();
        if (!f) {
            m_pos = start;
            return std::nullopt;
        }
        flags << *f;
        if (skip(')'))
            return flags;
        if (!space()) {
            m_pos = start;
            return std::nullopt;
        }
    }
}

std::optional<SequenceSet> CommandReader::sequenceSet()
{
    const qsizetype start = m_pos;
    SequenceSet set;
    auto seqNumber = [this]() -> std::optional<quint32> {
        if (skip('*'))
            return 0u;
        std::optional<quint32> n = number();
        if (!n || *n == 0)
            return std::nullopt;
        return n;
    };
    for (;;) {
        std::optional<quint32> first = seqNumber();
        if (!first) {
            m_pos = start;
            return std::nullopt;
        }
        SequenceRange range{*first, *first};
        if (skip(':')) {
            std::optional<quint32> last = seqNumber();
            if (!last) {
                m_pos = start;
                return std::nullopt;
            }
            range.last = *last;
        }
        set.ranges.push_back(range);
        if (!skip(','))
            return set;
    }
}

std::optional<QDate> CommandReader::date()
{
    const qsizetype start = m_pos;
    const bool quotedForm = skip('"');
    qsizetype end = m_pos;
    while (end < m_text.size() && (isDigit(m_text[end]) || m_text[end] == '-'
                                   || (m_text[end] >= 'A' && m_text[end] <= 'z')))
        ++end;
    std::optional<QDate> d = parseDateText(m_text.sliced(m_pos, end - m_pos));
    m_pos = end;
    if (!d || (quotedForm && !skip('"'))) {
        m_pos = start;
        return std::nullopt;
    }
    return d;
}

std::optional<QDateTime> CommandReader::dateTime()
{
    const qsizetype start = m_pos;
    std::optional<QByteArray> text = quoted();
    if (!text)
        return std::nullopt;
    // "dd-Mon-yyyy hh:mm:ss +zzzz", the day possibly " d"
    const QByteArray t = text->startsWith(' ') ? text->mid(1) : *text;
    const QList<QByteArray> words = t.split(' ');
    std::optional<QDate> d;
    if (words.size() == 3)
        d = parseDateText(words[0]);
    if (!d || words[1].size() != 8 || words[1][2] != ':' || words[1][5] != ':'
        || words[2].size() != 5 || (words[2][0] != '+' && words[2][0] != '-')) {
        m_pos = start;
        return std::nullopt;
    }
    const int hour = smallNumber(QByteArrayView(words[1]).sliced(0, 2));
    const int minute = smallNumber(QByteArrayView(words[1]).sliced(3, 2));
    const int second = smallNumber(QByteArrayView(words[1]).sliced(6, 2));
    const int zoneHours = smallNumber(QByteArrayView(words[2]).sliced(1, 2));
    const int zoneMinutes = smallNumber(QByteArrayView(words[2]).sliced(3, 2));
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60
        || zoneHours < 0 || zoneMinutes < 0 || zoneMinutes > 59) {
        m_pos = start;
        return std::nullopt;
    }
    const int offset = (words[2][0] == '-' ? -1 : 1) * (zoneHours * 3600 + zoneMinutes * 60);
    QDateTime when(*d, QTime(hour, minute, std::min(second, 59)), QTimeZone(offset));
    return when.toUTC();
}

QByteArray quotedOrLiteral(QByteArrayView text)
{
    bool plain = true;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u == 0 || u == '\r' || u == '\n' || u >= 0x80) {
            plain = false;
            break;
        }
    }
    if (!plain)
        return '{' + QByteArray::number(text.size()) + "}\r\n" + text.toByteArray();
    QByteArray out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

QByteArray nstring(const QByteArray &text) { return text.isNull() ? QByteArray("NIL") : quotedOrLiteral(text); }

QByteArray astring(QByteArrayView text)
{
    const bool atomic = !text.isEmpty() && std::all_of(text.begin(), text.end(), isAstringChar)
                        && text.compare("NIL", Qt::CaseInsensitive) != 0;
    return atomic ? text.toByteArray() : quotedOrLiteral(text);
}

QByteArray flagList(const QByteArrayList &flags) { return '(' + flags.join(' ') + ')'; }

QByteArray formatDateTime(const QDateTime &when)
{
    const QDateTime t = when.isValid() ? when : QDateTime(QDate(1970, 1, 1), QTime(0, 0), QTimeZone::utc());
    const int offset = t.offsetFromUtc();
    const QDateTime local = t.toOffsetFromUtc(offset);
    const int absolute = offset < 0 ? -offset : offset;
    return QByteArray::number(local.date().day()).rightJustified(2, '0') + '-'
           + monthName(local.date().month()).toByteArray() + '-'
           + QByteArray::number(local.date().year()).rightJustified(4, '0') + ' '
           + local.time().toString(QStringLiteral("HH:mm:ss")).toLatin1() + ' '
           + (offset < 0 ? '-' : '+')
           + QByteArray::number(absolute / 3600).rightJustified(2, '0')
           + QByteArray::number(absolute / 60 % 60).rightJustified(2, '0');
}

QByteArrayView monthName(int month)
{
    return month >= 1 && month <= 12 ? QByteArrayView(kMonths[month - 1]) : QByteArrayView("Jan");
}

} // namespace mailsim::imap
