#include "scenario/scenario_loader.h"

#include "protocol/smtp/smtp_path.h"
#include "store/mail_store.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>
#include <string>

namespace mailsim::scenario {

QString ScenarioError::toString() const
{
    if (line <= 0)
        return QStringLiteral("%1: %2").arg(fileName, message);
    return QStringLiteral("%1:%2:%3: %4").arg(fileName).arg(line).arg(column).arg(message);
}

namespace {

using core::SimTime;

constexpr int kMaxErrors = 100;
constexpr int kFirstStage = 1;
constexpr int kLastStage = 6;

// What a value should look like, as the messages say it.
const QString kHostExpected = QStringLiteral("a host name such as mail.example.org");
const QString kIpExpected = QStringLiteral("an IPv4 address such as 192.0.2.25");
const QString kMailExpected = QStringLiteral("a mail address such as alice@example.org");
const QString kDomainExpected = QStringLiteral("a domain name such as example.org");
const QString kDurationExpected = QStringLiteral("a duration such as 10ms");
const QString kTimeExpected =
    QStringLiteral("a time: a duration from the start such as 2s, or a date and time such as "
                   "2025-03-03T09:00:02Z");
const QString kDateTimeExpected =
    QStringLiteral("a date and time in UTC such as 2025-03-03T09:00:00Z");
const QString kPreferenceExpected =
    QStringLiteral("a preference from 0 to 65535 (the lowest is tried first)");
const QString kSizeExpected = QStringLiteral("a size such as 10MB, 512KB or 2048 (bytes)");
const QString kIdExpected = QStringLiteral(
    "a message id such as lunch (letters, digits, '.', '-' and '_', starting with a letter "
    "or digit)");
const QString kBooleanExpected = QStringLiteral("true or false");
const QString kMediaTypeExpected =
    QStringLiteral("a media type such as text/plain, image/png or application/pdf");
const QString kFileNameExpected =
    QStringLiteral("a file name such as timetable.txt (without folders)");
const QString kAccessExpected =
    QStringLiteral("one of pop3-keep, pop3-delete, imap and web (how the user reads mail)");
const QString kPortExpected = QStringLiteral("a port number from 1 to 65535");
const QString kFolderExpected =
    QStringLiteral("a folder name such as Archive or Archive/2025 (no '/' at either end, no "
                   "'//')");
const QString kFlagExpected = QStringLiteral(
    "a flag: \\Seen, \\Answered, \\Flagged, \\Deleted, \\Draft, or a keyword such as "
    "Important");
const QString kSelectorExpected = QStringLiteral(
    "the messages to act on: { subject: Lunch }, { from: alice@example.org }, both, or all");

const QString kBetweenExpected = QStringLiteral(
    "a list of two host names, such as [alice-pc.example.org, mail.example.org]");
const QString kMistakeExpected = QStringLiteral("typo or out-of-order");

// The fault kinds in the order the documentation lists them; a file spells them this way.
const std::vector<world::FaultSpec::Kind> kFaultKinds = {
    world::FaultSpec::Kind::ServerDown, world::FaultSpec::Kind::ServerUp,
    world::FaultSpec::Kind::ServerBusy, world::FaultSpec::Kind::ServerReady,
    world::FaultSpec::Kind::LinkDown,   world::FaultSpec::Kind::LinkUp,
    world::FaultSpec::Kind::LinkSlow,   world::FaultSpec::Kind::NoMx,
};

// The character sets a scenario may ask for: those every Qt build can encode, so that a
// file plays the same everywhere.
const QStringList kCharsets = {QStringLiteral("us-ascii"), QStringLiteral("utf-8"),
                               QStringLiteral("iso-8859-1")};
// Attachments are held in memory several times over (queue, trace, mailbox): a limit keeps a
// mistaken reference to a huge file from stalling the program.
constexpr qint64 kMaxAttachmentSize = qint64(64) * 1024 * 1024;

// ----------------------------------------------------------------------------------------
// The text of the file: lines, and yaml-cpp's marks (0-based, columns in bytes) turned
// into positions as an editor shows them (1-based, columns in characters).

class SourceText
{
public:
    explicit SourceText(QByteArrayView text) : m_text(text)
    {
        m_lineStarts.push_back(0);
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text[i] == '\n')
                m_lineStarts.push_back(i + 1);
        }
    }

    [[nodiscard]] int lineCount() const { return static_cast<int>(m_lineStarts.size()); }

    // Line `index` (0-based) without its line break.
    [[nodiscard]] QByteArrayView line(int index) const
    {
        if (index < 0 || index >= lineCount())
            return {};
        const qsizetype begin = m_lineStarts[static_cast<std::size_t>(index)];
        qsizetype end = index + 1 < lineCount()
                            ? m_lineStarts[static_cast<std::size_t>(index) + 1] - 1
                            : m_text.size();
        if (end > begin && m_text[end - 1] == '\r')
            --end;
        return m_text.sliced(begin, end - begin);
    }

    // 1-based character column of the byte at `byteColumn` (0-based) in line `index`.
    [[nodiscard]] int charColumn(int index, int byteColumn) const
    {
        const QByteArrayView text = line(index);
        const qsizetype limit = std::min<qsizetype>(std::max(byteColumn, 0), text.size());
        int column = 1;
        for (qsizetype i = 0; i < limit; ++i) {
            if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
                ++column;
        }
        if (byteColumn > text.size())
            column += static_cast<int>(byteColumn - text.size());
        return column;
    }

    [[nodiscard]] SourceLocation at(const YAML::Mark &mark) const
    {
        if (mark.is_null() || mark.line < 0)
            return {1, 1};
        return {mark.line + 1, charColumn(mark.line, mark.column)};
    }

    // The last character that is neither blank nor part of a comment before `mark`: where
    // the '-' or ':' of an empty value is (yaml-cpp puts empty values at the next token).
    [[nodiscard]] SourceLocation before(const YAML::Mark &mark) const
    {
        if (mark.is_null() || mark.line < 0)
            return {1, 1};
        for (int index = std::min(mark.line, lineCount() - 1); index >= 0; --index) {
            QByteArrayView text = line(index);
            if (index == mark.line)
                text = text.first(std::min<qsizetype>(std::max(mark.column, 0), text.size()));
            // Cut a comment: '#' at the start or after a blank (quotes are not considered).
            for (qsizetype i = 0; i < text.size(); ++i) {
                if (text[i] == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
                    text = text.first(i);
                    break;
                }
            }
            qsizetype last = text.size() - 1;
            while (last >= 0 && (text[last] == ' ' || text[last] == '\t'))
                --last;
            if (last >= 0)
                return {index + 1, charColumn(index, static_cast<int>(last))};
        }
        return at(mark);
    }

    [[nodiscard]] QByteArrayView text() const { return m_text; }

private:
    QByteArrayView m_text;
    std::vector<qsizetype> m_lineStarts;
};

bool before(const SourceLocation &a, const SourceLocation &b)
{
    return a.line != b.line ? a.line < b.line : a.column < b.column;
}

// ----------------------------------------------------------------------------------------
// Names and suggestions

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1.
int editDistance(const QString &a, const QString &b)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    std::vector<std::vector<int>> d(static_cast<std::size_t>(n + 1),
                                    std::vector<int>(static_cast<std::size_t>(m + 1)));
    auto at = [&d](qsizetype i, qsizetype j) -> int & {
        return d[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
    };
    for (qsizetype i = 0; i <= n; ++i)
        at(i, 0) = static_cast<int>(i);
    for (qsizetype j = 0; j <= m; ++j)
        at(0, j) = static_cast<int>(j);
    for (qsizetype i = 1; i <= n; ++i) {
        for (qsizetype j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int best = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = std::min(best, at(i - 2, j - 2) + 1);
            at(i, j) = best;
        }
    }
    return at(n, m);
}

QString normalizedName(const QString &name)
{
    QString s = name.toLower();
    s.replace(QLatin1Char('_'), QLatin1Char('-'));
    s.replace(QLatin1Char(' '), QLatin1Char('-'));
    return s;
}

// The candidate closest to `word`, when it is close enough to be what was meant.
QString closest(const QString &word, const QStringList &candidates)
{
    if (word.size() > 200)
        return {};
    const QString w = normalizedName(word);
    QString best;
    int bestDistance = std::numeric_limits<int>::max();
    for (const QString &candidate : candidates) {
        const int d = editDistance(w, normalizedName(candidate));
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    const int allowed = std::max<int>(1, std::min<int>(2, static_cast<int>(w.size()) / 4));
    if (best.isEmpty() || bestDistance > allowed || bestDistance >= w.size())
        return {};
    return best;
}

// Host and domain names are compared without regard to case, as DNS does.
qsizetype indexIgnoringCase(const QStringList &items, const QString &item)
{
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (items[i].compare(item, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

// "'a', 'b' and 'c'" or "a, b and c"
QString listing(const QStringList &items, bool quote)
{
    QStringList q;
    for (const QString &item : items)
        q << (quote ? QStringLiteral("'%1'").arg(item) : item);
    if (q.size() <= 1)
        return q.join(QString());
    return q.mid(0, q.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + q.last();
}

// "the users are a and b" / "the only user is a"
QString theOnes(const QString &plural, const QString &singular, const QStringList &items,
                bool quote)
{
    if (items.size() == 1)
        return QStringLiteral("the only %1 is %2").arg(singular, listing(items, quote));
    return QStringLiteral("the %1 are %2").arg(plural, listing(items, quote));
}

// ----------------------------------------------------------------------------------------
// The syntax of values

bool isHostLabel(QStringView label)
{
    if (label.isEmpty() || label.size() > 63)
        return false;
    for (QChar c : label) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-'))
            return false;
    }
    return label.front() != QLatin1Char('-') && label.back() != QLatin1Char('-');
}

bool isHostName(const QString &name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    const QList<QStringView> labels = QStringView(name).split(QLatin1Char('.'));
    return std::all_of(labels.begin(), labels.end(), isHostLabel);
}

bool isIpv4(const QString &address)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$)"));
    return re.match(address).hasMatch();
}

// An address as SMTP carries it in MAIL FROM and RCPT TO (RFC 5321 4.1.2): the same check
// the servers of the simulation make. A user's address must moreover have a domain with a
// server, which rules out address literals such as bob@[192.0.2.1] for users.
bool isMailAddress(const QString &address)
{
    return smtp::Path::fromAddress(address.toUtf8()).has_value();
}

bool isMediaType(const QString &type)
{
    // RFC 6838 section 4.2: type "/" subtype, each a restricted name.
    static const QRegularExpression re(QStringLiteral(
        R"(^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$)"));
    return re.match(type).hasMatch();
}

bool isFileName(const QString &name)
{
    if (name.trimmed().isEmpty() || name.size() > 255 || name == QLatin1String(".") ||
        name == QLatin1String(".."))
        return false;
    return std::none_of(name.begin(), name.end(), [](QChar c) {
        return c.unicode() < 0x20 || c.unicode() == 0x7f || c == QLatin1Char('/') ||
               c == QLatin1Char('\\');
    });
}

// The first character of `text` that `charset` (one of kCharsets) cannot hold, or 0.
char32_t firstCharOutside(const QString &text, const QString &charset)
{
    const char32_t limit = charset == QLatin1String("us-ascii")     ? 0x7f
                           : charset == QLatin1String("iso-8859-1") ? 0xff
                                                                    : 0x10ffff;
    for (const char32_t u : text.toUcs4()) {
        if (u > limit)
            return u;
    }
    return 0;
}

// Strict base64 (RFC 4648 section 4) as a scenario file may write it: line breaks and blanks
// between the characters are allowed, anything else outside the alphabet is refused, and so
// is padding that is not at the very end. On failure, *badIndex is the index in `text` of
// the offending character (-1 when the problem is the length as a whole) and *problem says
// what is wrong.
std::optional<QByteArray> decodeBase64Strictly(const QString &text, qsizetype *badIndex,
                                               QString *problem)
{
    QByteArray compact;
    qsizetype padding = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == QLatin1Char(' ') || c == QLatin1Char('\n') || c == QLatin1Char('\r') ||
            c == QLatin1Char('\t'))
            continue;
        const bool alphabet =
            c.unicode() < 0x80 &&
            (c.isLetterOrNumber() || c == QLatin1Char('+') || c == QLatin1Char('/'));
        if (c == QLatin1Char('=')) {
            if (++padding > 2) {
                *badIndex = i;
                *problem = QStringLiteral("at most two '=' end a base64 text");
                return std::nullopt;
            }
        } else if (!alphabet) {
            *badIndex = i;
            *problem = QStringLiteral("'%1' is not a base64 character (base64 uses A-Z, a-z, "
                                      "0-9, '+' and '/', and '=' at the end)")
                           .arg(c);
            return std::nullopt;
        } else if (padding > 0) {
            *badIndex = i;
            *problem =
                QStringLiteral("'=' may only come at the very end, but '%1' follows it").arg(c);
            return std::nullopt;
        }
        compact += static_cast<char>(c.unicode());
    }
    *badIndex = -1;
    if (compact.size() % 4 != 0) {
        *problem = QStringLiteral("base64 comes in groups of 4 characters, but this text has "
                                  "%1 (%2 left over): a character, or the '=' at the end, is "
                                  "missing")
                       .arg(compact.size())
                       .arg(compact.size() % 4);
        return std::nullopt;
    }
    auto decoded = QByteArray::fromBase64Encoding(
        compact, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        *problem = QStringLiteral("it is not valid base64");
        return std::nullopt;
    }
    return std::move(decoded.decoded);
}

bool isMessageId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z0-9][A-Za-z0-9._-]*$)"));
    return id.size() <= 100 && re.match(id).hasMatch();
}

QString domainOf(const QString &address)
{
    return address.mid(address.lastIndexOf(QLatin1Char('@')) + 1);
}

// Durations: an optional '-', digits, optional decimals, a unit. Empty optional with
// `problem` set when the text is not one, or not a whole number of microseconds.
std::optional<SimTime> parseDuration(const QString &text, QString *problem)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(-)?([0-9]+)(?:\.([0-9]+))?(us|ms|s|m|h|d)$)"));
    const QRegularExpressionMatch match = re.match(text);
    if (!match.hasMatch()) {
        static const QRegularExpression number(QStringLiteral(R"(^-?[0-9]+(\.[0-9]+)?$)"));
        static const QRegularExpression spaced(
            QStringLiteral(R"(^-?[0-9]+(\.[0-9]+)?\s+(us|ms|s|m|h|d)$)"));
        static const QRegularExpression unit(QStringLiteral(R"(^-?[0-9]+(\.[0-9]+)?\s*(\S+)$)"));
        if (number.match(text).hasMatch())
            *problem = QStringLiteral("add a unit: us, ms, s, m, h or d");
        else if (spaced.match(text).hasMatch())
            *problem = QStringLiteral("write it without a space, as in 10ms");
        else if (const auto u = unit.match(text); u.hasMatch())
            *problem = QStringLiteral("'%1' is not a unit; the units are us, ms, s, m, h and d")
                           .arg(u.captured(2));
        else
            problem->clear();
        return std::nullopt;
    }
    const QString unitName = match.captured(4);
    const qint64 unitMicros = unitName == QLatin1String("us")   ? 1
                              : unitName == QLatin1String("ms") ? 1000
                              : unitName == QLatin1String("s")  ? core::seconds(1)
                              : unitName == QLatin1String("m")  ? core::minutes(1)
                              : unitName == QLatin1String("h")  ? core::minutes(60)
                                                                : core::minutes(60 * 24);
    const QString whole = match.captured(2);
    QString fraction = match.captured(3);
    while (fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    bool ok = false;
    const qint64 wholeValue = whole.size() > 18 ? -1 : whole.toLongLong(&ok);
    qint64 value = 0;
    if (!ok || wholeValue < 0 || __builtin_mul_overflow(wholeValue, unitMicros, &value)) {
        *problem = QStringLiteral("it is too long");
        return std::nullopt;
    }
    if (!fraction.isEmpty()) {
        qint64 scale = 1;
        for (qsizetype i = 0; i < fraction.size(); ++i)
            scale *= 10;
        qint64 part = 0;
        if (fraction.size() > 9 ||
            __builtin_mul_overflow(fraction.toLongLong(), unitMicros, &part) || part % scale != 0) {
            *problem = QStringLiteral("durations are counted in whole microseconds");
            return std::nullopt;
        }
        if (__builtin_add_overflow(value, part / scale, &value)) {
            *problem = QStringLiteral("it is too long");
            return std::nullopt;
        }
    }
    return match.captured(1).isEmpty() ? value : -value;
}

std::optional<QDateTime> parseDateTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2})$)"));
    if (!re.match(text).hasMatch())
        return std::nullopt;
    const QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toUTC();
}

bool looksLikeDateTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(R"(^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"));
    return re.match(text).hasMatch();
}

QString isoText(const QDateTime &dt)
{
    return dt.toUTC().toString(dt.time().msec() != 0 ? Qt::ISODateWithMs : Qt::ISODate);
}

// ----------------------------------------------------------------------------------------
// What was read, with positions, for the checks across the file

struct KeySpec
{
    const char *name;
    bool required;
    QString expected; // what the value should be
};

struct Field
{
    YAML::Node key;
    YAML::Node value;
    SourceLocation keyAt;
    SourceLocation valueAt; // the key's position when the value is empty
    QString name;           // the key as written
};

struct Fields
{
    SourceLocation at;
    std::map<std::string, Field> byName;
    [[nodiscard]] const Field *get(const char *name) const
    {
        const auto it = byName.find(name);
        return it == byName.end() ? nullptr : &it->second;
    }
};

struct HostDecl
{
    QString name;
    QString address;
    SourceLocation nameAt;
    SourceLocation addressAt;
    QString owner;       // "the DNS server", "the computer of alice@example.org"...
    bool isUser = false; // a user's computer: may be shared by users who describe it alike
};

struct NamedDecl
{
    QString name;
    SourceLocation at;
};

struct MxDecl
{
    world::MxSpec mx;
    SourceLocation hostAt; // where the exchange is named; line 0 for an implied record
    bool implied = false;  // made because a domain has no `mx` list
};

struct LinkDecl
{
    world::LinkSpec link;
    SourceLocation aAt;
    SourceLocation bAt;
    SourceLocation at;
};

struct RecordDecl
{
    world::AddressRecordSpec record;
    SourceLocation nameAt;
    SourceLocation at;
};

struct MessageDecl
{
    QString id;
    SourceLocation idAt;
    SourceLocation at;
    SourceLocation fromAt;
    world::SendSpec content;
    bool sent = false;
    // The keys given that web mail cannot send (bcc, charset, html, attachments, raw), kept
    // so that a message from a web mail user can be refused at the key once users are known.
    std::vector<std::pair<QString, SourceLocation>> richKeys;
};

struct TimelineDecl
{
    enum class Kind { Send, Read, Fault };
    SimTime at = 0;
    Kind kind = Kind::Send;
    QString ref; // message id or user address
    SourceLocation refAt;
    std::vector<world::MailboxActionSpec> actions; // a read's; checked against the route later
    SourceLocation actionsAt;                      // the 'actions' key; line 0 without it
    world::SendSpec::Mistake mistake = world::SendSpec::Mistake::None; // a send's
    // A fault's, with where its names were written: they are checked against the hosts,
    // links and domains once the whole file has been read.
    world::FaultSpec fault;
    SourceLocation hostAt;   // server-*: 'host'; link-*: the first entry of 'between'
    SourceLocation otherAt;  // link-*: the second entry of 'between'
    SourceLocation domainAt; // no-mx
    SourceLocation betweenAt; // link-*: the 'between' list
};

// How a user reads mail, and where the file said so (line 0 when left to the default).
struct AccessDecl
{
    mail::AccessRoute route = mail::AccessRoute::Pop3Keep;
    SourceLocation at;
};

struct ExpectDecl
{
    Expectation expectation;
    SourceLocation userAt;
    SourceLocation serverAt;
};

// ----------------------------------------------------------------------------------------
// Where the second document of a file starts, if it has one with content. YAML::LoadAll is
// not used: in yaml-cpp 0.7 it never returns on some inputs (a file that is only ",") and
// fills the memory with empty documents. Here the parser is asked for two documents at most.

class DocumentCounter : public YAML::EventHandler
{
public:
    int documents = 0;
    bool secondHasContent = false;
    YAML::Mark secondAt;

    void OnDocumentStart(const YAML::Mark &) override { ++documents; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override { content(mark); }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {
        content(mark);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
        content(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
        content(mark);
    }
    void OnMapEnd() override {}

private:
    void content(const YAML::Mark &mark)
    {
        if (documents == 2 && !secondHasContent) {
            secondHasContent = true;
            secondAt = mark;
        }
    }
};

// ----------------------------------------------------------------------------------------

class Loader
{
public:
    Loader(QByteArrayView text, QString fileName, QString baseDirectory)
        : m_source(text), m_fileName(std::move(fileName)), m_baseDirectory(std::move(baseDirectory))
    {
    }

    LoadResult run();

private:
    void error(SourceLocation at, const QString &message)
    {
        m_errors.push_back({m_fileName, std::max(at.line, 1), std::max(at.column, 1), message});
    }
    [[nodiscard]] SourceLocation at(const YAML::Node &node) const
    {
        return node.IsNull() ? m_source.before(node.Mark()) : m_source.at(node.Mark());
    }
    static QString describe(const YAML::Node &node);
    void wrongValue(const Field &f, const QString &expected);
    void wrongItem(const YAML::Node &node, const QString &subject, const QString &expected);

    // Reading the structure
    bool checkUtf8();
    void checkTabs();
    void syntaxError(const YAML::Mark &mark, const std::string &what);
    bool checkQuotes(const YAML::Node &root);
    std::optional<Fields> fields(const YAML::Node &node, SourceLocation where,
                                 const QString &subject, const QString &expected,
                                 const QString &context, const std::vector<KeySpec> &keys);
    bool isList(const Field &f, const QString &expected);

    // Values (they report what is wrong; the raw text is kept even when invalid, so that a
    // misspelt name is not reported again wherever it is used)
    std::optional<QString> scalar(const Field &f, const QString &expected);
    QString text(const Fields &m, const char *key, const QString &expected, bool allowEmpty);
    QString hostName(const Fields &m, const char *key, SourceLocation *where = nullptr);
    QString ipAddress(const Fields &m, const char *key, SourceLocation *where = nullptr);
    QString mailAddress(const Fields &m, const char *key, SourceLocation *where = nullptr);
    std::optional<qint64> integer(const Fields &m, const char *key, qint64 min, qint64 max,
                                  const QString &expected);
    std::optional<SimTime> duration(const Fields &m, const char *key, bool allowZero);
    // A decimal number such as 2 or 1.5, within [min, max].
    std::optional<double> number(const Fields &m, const char *key, double min, double max,
                                 const QString &expected);
    template <typename T, typename Convert>
    std::optional<T> checkedNumber(const Fields &m, const char *key, T min, T max,
                                   const QString &expected, const QRegularExpression &pattern,
                                   Convert convert);
    std::optional<qint64> size(const Fields &m, const char *key);
    std::optional<SimTime> timelineTime(const Field &f);
    std::optional<bool> boolean(const Fields &m, const char *key);
    // Where character `index` of a text value is in the file, as near as can be told.
    [[nodiscard]] SourceLocation inValue(const Field &f, qsizetype index) const;
    std::vector<std::pair<QString, SourceLocation>> addressList(const Fields &m, const char *key);

    // The sections
    bool readTop(const YAML::Node &root);
    void readLessonNotes(const Field &f);
    // A host of its own (the DNS server, a router): its decl, and its label
    std::optional<std::pair<HostDecl, QString>> readHost(const YAML::Node &node,
                                                         const QString &subject,
                                                         const QString &expected,
                                                         const QString &context);
    void readDomain(const YAML::Node &node, int index);
    void readServer(const Field &f, const QString &domain);
    void readWebmail(const Field &f, const QString &domain);
    void readUser(const YAML::Node &node, int index);
    void readLink(const YAML::Node &node, int index);
    // The two host names of a 'between' list (links and link faults), with where each is.
    bool readBetween(const Field &between, QString *a, SourceLocation *aAt, QString *b,
                     SourceLocation *bAt);
    void readRecord(const YAML::Node &node, int index);
    void readMessage(const YAML::Node &node, int index);
    std::optional<world::AttachmentSpec> readAttachment(const YAML::Node &node, int index);
    void readTimelineEntry(const YAML::Node &node, int index);
    std::vector<world::MailboxActionSpec> readActions(const Field &f);
    // A selector ({ subject, from }, `all`, or {}) into `action`; `extra` names keys the
    // action takes besides (move and copy: 'to'). False when it could not be read.
    bool readSelector(const Field &f, world::MailboxActionSpec &action, bool withTarget);
    // A folder name as the store accepts it; reports what is wrong.
    std::optional<QString> folderName(const Field &f);
    QStringList flagList(const Fields &m, const char *key, SourceLocation *where);
    void readExpectation(const YAML::Node &node, int index);
    template <typename Fn>
    void forEachItem(const Fields &m, const char *key, const QString &expected, Fn fn);

    // The checks across the file
    void checkHosts();
    void checkDomainsAndUsers();
    void checkSubmitTo();
    // The servers' host names; false when one could not be read (it may be the one meant).
    bool serverNames(QStringList *names) const;
    void noSuchServer(SourceLocation at, const QString &key, const QString &name,
                      const QStringList &names);
    void checkLinks();
    void checkDns();
    void checkMessages();
    void checkReads();
    void checkFaults();
    void checkExpectations();
    // The access route of a user (by address, any case); nullptr for someone unknown.
    [[nodiscard]] const AccessDecl *accessOf(const QString &address) const;
    [[nodiscard]] const HostDecl *findHost(const QString &name) const;
    [[nodiscard]] bool isUser(const QString &address) const;
    void unknownHost(SourceLocation at, const QString &name, const QString &what);
    void unknownUser(SourceLocation at, const QString &address, const QString &what);

    Scenario build() const;
    LoadResult finish();

    SourceText m_source;
    QString m_fileName;
    QString m_baseDirectory; // where `file:` references start from
    std::vector<ScenarioError> m_errors;

    // What was read
    world::WorldSpec m_world;
    bool m_startValid = true;
    std::map<int, QString> m_lessonNotes;
    std::vector<HostDecl> m_hosts;
    std::vector<NamedDecl> m_domains; // same order as m_world.servers
    std::vector<NamedDecl> m_users;   // same order as m_world.users
    std::vector<NamedDecl> m_submitTo; // same order as m_world.users; empty name when left out
    std::vector<AccessDecl> m_access;  // same order as m_world.users
    std::vector<MxDecl> m_domainMx;   // from the domains' `mx` lists (and implied ones)
    std::vector<MxDecl> m_recordMx;   // from dns-records
    std::vector<LinkDecl> m_links;
    std::vector<RecordDecl> m_records;
    std::vector<MessageDecl> m_messages;
    std::vector<TimelineDecl> m_timeline;
    std::vector<ExpectDecl> m_expectations;
    // False when some entry could not be read: then a name missing from the list may well be
    // that entry's, and is not reported as unknown.
    bool m_hostsComplete = true;
    bool m_usersComplete = true;
    bool m_timelineComplete = true;
    bool m_linksComplete = true; // likewise for a link a fault names
};

QString Loader::describe(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping (key: value pairs)");
    case YAML::NodeType::Sequence:
        return node.size() == 0   ? QStringLiteral("an empty list")
               : node.size() == 1 ? QStringLiteral("a list of 1 entry")
                                  : QStringLiteral("a list of %1 entries").arg(node.size());
    case YAML::NodeType::Scalar: {
        QString s = QString::fromStdString(node.Scalar());
        s.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        if (s.size() > 40)
            s = s.left(37) + QStringLiteral("...");
        return QStringLiteral("'%1'").arg(s);
    }
    default:
        return QStringLiteral("nothing");
    }
}

void Loader::wrongValue(const Field &f, const QString &expected)
{
    if (f.value.IsNull())
        error(f.keyAt, QStringLiteral("'%1' is empty: expected %2").arg(f.name, expected));
    else
        error(f.valueAt,
              QStringLiteral("'%1': expected %2, not %3").arg(f.name, expected, describe(f.value)));
}

void Loader::wrongItem(const YAML::Node &node, const QString &subject, const QString &expected)
{
    error(at(node),
          QStringLiteral("%1: expected %2, not %3").arg(subject, expected, describe(node)));
}

// ----------------------------------------------------------------------------------------
// Before and around yaml-cpp

bool Loader::checkUtf8()
{
    const QByteArrayView text = m_source.text();
    int line = 0;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            lineStart = ++i;
            continue;
        }
        int extra = c < 0x80           ? 0
                    : (c >> 5) == 0x6  ? 1
                    : (c >> 4) == 0xE  ? 2
                    : (c >> 3) == 0x1E ? 3
                                       : -1;
        bool ok = extra >= 0 && i + extra < text.size();
        for (int k = 1; ok && k <= extra; ++k)
            ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (ok && c < 0x20 && c != '\t' && c != '\r') {
            error({line + 1, m_source.charColumn(line, static_cast<int>(i - lineStart))},
                  QStringLiteral("a control character (code %1) is not allowed in a scenario "
                                 "file")
                      .arg(c));
            return false;
        }
        if (!ok) {
            error({line + 1, m_source.charColumn(line, static_cast<int>(i - lineStart))},
                  QStringLiteral("the file is not UTF-8 text; save it with the UTF-8 encoding"));
            return false;
        }
        i += 1 + extra;
    }
    return true;
}

// YAML forbids tabs in indentation, and yaml-cpp's message about them is hard to follow.
// Tabs after the indentation of a literal or folded block belong to its text.
void Loader::checkTabs()
{
    static const QRegularExpression blockStart(
        QStringLiteral(R"((^|[\s:-])[|>][0-9+-]{0,2}\s*(#.*)?$)"));
    int blockParent = -1; // indentation of the line that started a block scalar, or -1
    int blockIndent = -1; // indentation of the block's text, once known
    for (int index = 0; index < m_source.lineCount(); ++index) {
        const QByteArrayView line = m_source.line(index);
        int spaces = 0;
        while (spaces < line.size() && line[spaces] == ' ')
            ++spaces;
        qsizetype first = spaces; // first character that is not blank
        while (first < line.size() && (line[first] == ' ' || line[first] == '\t'))
            ++first;
        if (first == line.size())
            continue; // a blank line
        if (blockParent >= 0) {
            if (blockIndent < 0 && spaces > blockParent)
                blockIndent = spaces;
            if (blockIndent >= 0 && spaces >= blockIndent)
                continue; // text of the block
            blockParent = -1;
            blockIndent = -1;
        }
        if (first != spaces) {
            error({index + 1, spaces + 1},
                  QStringLiteral("a tab is used for indentation; indent with spaces only"));
            continue;
        }
        const QString content = QString::fromUtf8(line.sliced(first));
        if (!content.startsWith(QLatin1Char('#')) && blockStart.match(content).hasMatch()) {
            blockParent = spaces;
            blockIndent = -1;
        }
    }
}

void Loader::syntaxError(const YAML::Mark &mark, const std::string &what)
{
    SourceLocation where = m_source.at(mark);
    const QByteArrayView line = m_source.line(mark.line);
    int indent = 0;
    while (indent < line.size() && line[indent] == ' ')
        ++indent;
    const bool atLineStart = mark.column <= indent;
    const QString raw = QString::fromStdString(what);
    QString message;
    if (what == YAML::ErrorMsg::END_OF_MAP || what == YAML::ErrorMsg::END_OF_SEQ) {
        if (atLineStart)
            message = QStringLiteral("bad indentation: this line does not line up with the "
                                     "lines above it");
        else
            message = QStringLiteral("unexpected text here; if it belongs to the value before "
                                     "it, put the whole value in quotes");
    } else if (what == YAML::ErrorMsg::MAP_VALUE) {
        message = QStringLiteral("unexpected ':' here: either this line is indented more than "
                                 "the line above it, or a text containing ': ' needs quotes");
    } else if (what == YAML::ErrorMsg::END_OF_SEQ_FLOW || what == YAML::ErrorMsg::END_OF_MAP_FLOW) {
        const bool isList = what == YAML::ErrorMsg::END_OF_SEQ_FLOW;
        const char open = isList ? '[' : '{';
        const char close = isList ? ']' : '}';
        // Point at the bracket that is never closed: back from where yaml-cpp gave up.
        const QByteArrayView text = m_source.text();
        int depth = 0;
        bool question = false; // yaml-cpp stops at "? " inside brackets
        for (qsizetype i = std::min<qsizetype>(mark.pos, text.size() - 1); i >= 0; --i) {
            if (i == mark.pos) {
                question = text[i] == '?';
                continue;
            }
            if (text[i] == '?' && i + 1 < text.size() &&
                QByteArrayView(" ,]}\r\n").contains(text[i + 1]))
                question = true;
            if (text[i] == close) {
                ++depth;
            } else if (text[i] == open && depth-- == 0) {
                int line = 0;
                qsizetype lineStart = 0;
                for (qsizetype k = 0; k < i; ++k) {
                    if (text[k] == '\n') {
                        ++line;
                        lineStart = k + 1;
                    }
                }
                where = {line + 1, m_source.charColumn(line, static_cast<int>(i - lineStart))};
                break;
            }
        }
        message = isList ? QStringLiteral("this list ('[') is never closed: expected ']' at its "
                                          "end, and ',' between its entries")
                         : QStringLiteral("this mapping ('{') is never closed: expected '}' at "
                                          "its end, and ',' between its entries");
        if (question)
            message += QStringLiteral("; a text with a '?' inside '%1 %2' must be in quotes")
                           .arg(QString(QLatin1Char(open)), QString(QLatin1Char(close)));
    } else if (what == YAML::ErrorMsg::FLOW_END) {
        message = QStringLiteral("this ']' or '}' closes nothing");
    } else if (what == YAML::ErrorMsg::BLOCK_ENTRY) {
        message = QStringLiteral("a list entry ('- ') is not allowed here; check the "
                                 "indentation");
    } else if (what == YAML::ErrorMsg::MAP_KEY) {
        message = QStringLiteral("a key is not allowed here; check the indentation");
    } else if (what == YAML::ErrorMsg::TAB_IN_INDENTATION) {
        message = QStringLiteral("a tab is used for indentation; indent with spaces only");
    } else if (what == YAML::ErrorMsg::UNKNOWN_TOKEN) {
        const QString rest = QString::fromUtf8(
            line.sliced(std::min<qsizetype>(std::max(mark.column, 0), line.size())));
        message = QStringLiteral("a value cannot start with '%1'; put it in quotes")
                      .arg(rest.isEmpty() ? QString() : rest.left(1));
    } else if (raw.startsWith(QString::fromLatin1(YAML::ErrorMsg::INVALID_ESCAPE))) {
        for (int c = std::min<int>(mark.column, static_cast<int>(line.size())) - 1; c >= 0; --c) {
            if (line[c] == '\\') {
                where = {mark.line + 1, m_source.charColumn(mark.line, c)};
                break;
            }
        }
        message = QStringLiteral("unknown escape '\\%1' in a text in double quotes; write '\\\\' "
                                 "for a backslash, or use single quotes")
                      .arg(raw.mid(static_cast<qsizetype>(strlen(YAML::ErrorMsg::INVALID_ESCAPE))));
    } else if (what == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
        message = QStringLiteral("this alias ('*name') refers to an anchor ('&name') that is "
                                 "not defined above it");
    } else if (what == YAML::ErrorMsg::CHAR_IN_BLOCK) {
        message = QStringLiteral("unexpected text after '|' or '>': the text of a block starts "
                                 "on the next line");
    } else {
        message = QStringLiteral("YAML syntax error: %1").arg(raw);
    }
    error(where, message);
}

// yaml-cpp takes a quoted text that is never closed to run until the end of the file.
bool Loader::checkQuotes(const YAML::Node &root)
{
    const QByteArrayView text = m_source.text();
    int budget = 200000; // aliases can make a small file a large tree
    bool ok = true;
    std::vector<YAML::Node> stack{root};
    while (!stack.empty() && budget-- > 0 && ok) {
        const YAML::Node node = stack.back();
        stack.pop_back();
        if (node.IsMap()) {
            for (const auto &kv : node) {
                stack.push_back(kv.first);
                stack.push_back(kv.second);
            }
        } else if (node.IsSequence()) {
            for (const auto &item : node)
                stack.push_back(item);
        } else if (node.IsScalar() && node.Tag() == "!") {
            const qsizetype pos = node.Mark().pos;
            if (pos < 0 || pos >= text.size())
                continue;
            const char quote = text[pos];
            if (quote != '"' && quote != '\'')
                continue;
            bool closed = false;
            for (qsizetype i = pos + 1; i < text.size(); ++i) {
                if (quote == '"' && text[i] == '\\') {
                    ++i;
                } else if (text[i] == quote) {
                    if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                        ++i;
                        continue;
                    }
                    closed = true;
                    break;
                }
            }
            if (!closed) {
                error(m_source.at(node.Mark()),
                      QStringLiteral("the text in quotes that starts here is never closed: "
                                     "expected a closing %1")
                          .arg(QLatin1Char(quote)));
                ok = false;
            }
        }
    }
    return ok;
}

std::optional<Fields> Loader::fields(const YAML::Node &node, SourceLocation where,
                                     const QString &subject, const QString &expected,
                                     const QString &context, const std::vector<KeySpec> &keys)
{
    if (!node.IsMap()) {
        if (node.IsNull())
            error(where, QStringLiteral("%1 is empty: expected %2").arg(subject, expected));
        else
            error(where,
                  QStringLiteral("%1: expected %2, not %3").arg(subject, expected, describe(node)));
        return std::nullopt;
    }
    Fields result;
    result.at = where;
    QStringList suggested; // a misspelt key is not reported as missing as well
    QStringList names;
    for (const KeySpec &k : keys)
        names << QString::fromLatin1(k.name);
    for (const auto &kv : node) {
        Field f{kv.first, kv.second, at(kv.first), {}, {}};
        f.valueAt = kv.second.IsNull() ? f.keyAt : at(kv.second);
        if (!kv.first.IsScalar()) {
            error(f.keyAt, QStringLiteral("expected a key name such as '%1' %2, not %3")
                               .arg(names.value(0), context, describe(kv.first)));
            continue;
        }
        f.name = QString::fromStdString(kv.first.Scalar());
        const std::string key = kv.first.Scalar();
        const auto spec =
            std::find_if(keys.begin(), keys.end(), [&](const KeySpec &k) { return key == k.name; });
        if (spec == keys.end()) {
            const QString suggestion = closest(f.name, names);
            suggested << suggestion;
            if (!suggestion.isEmpty())
                error(f.keyAt, QStringLiteral("unknown key '%1' %2; did you mean '%3'?")
                                   .arg(f.name, context, suggestion));
            else
                error(f.keyAt, QStringLiteral("unknown key '%1' %2; expected %3")
                                   .arg(f.name, context,
                                        names.size() == 1
                                            ? QStringLiteral("'%1'").arg(names[0])
                                            : QStringLiteral("one of ") + listing(names, true)));
            continue;
        }
        if (const Field *first = result.get(key.c_str())) {
            error(f.keyAt, QStringLiteral("'%1' is given twice %2 (first on line %3); keep one")
                               .arg(f.name, context)
                               .arg(first->keyAt.line));
            continue;
        }
        result.byName.emplace(key, f);
    }
    for (const KeySpec &k : keys) {
        if (k.required && !result.get(k.name) && !suggested.contains(QLatin1String(k.name)))
            error(where, QStringLiteral("missing '%1' %2: expected %3")
                             .arg(QString::fromLatin1(k.name), context, k.expected));
    }
    return result;
}

bool Loader::isList(const Field &f, const QString &expected)
{
    if (f.value.IsSequence())
        return true;
    wrongValue(f, expected);
    return false;
}

template <typename Fn>
void Loader::forEachItem(const Fields &m, const char *key, const QString &expected, Fn fn)
{
    const Field *f = m.get(key);
    if (!f || f->value.IsNull())
        return; // an empty section is no section
    if (!isList(*f, expected))
        return;
    int index = 0;
    for (const auto &item : f->value)
        fn(item, index++);
}

// ----------------------------------------------------------------------------------------
// Values

std::optional<QString> Loader::scalar(const Field &f, const QString &expected)
{
    if (!f.value.IsScalar()) {
        wrongValue(f, expected);
        return std::nullopt;
    }
    return QString::fromStdString(f.value.Scalar());
}

QString Loader::text(const Fields &m, const char *key, const QString &expected, bool allowEmpty)
{
    const Field *f = m.get(key);
    if (!f)
        return {};
    if (f->value.IsNull() && allowEmpty)
        return {};
    const std::optional<QString> s = scalar(*f, expected);
    if (!s)
        return {};
    if (!allowEmpty && s->trimmed().isEmpty())
        error(f->valueAt, QStringLiteral("'%1' is empty: expected %2").arg(f->name, expected));
    return *s;
}

QString Loader::hostName(const Fields &m, const char *key, SourceLocation *where)
{
    const Field *f = m.get(key);
    if (!f)
        return {};
    if (where)
        *where = f->valueAt;
    const std::optional<QString> s = scalar(*f, kHostExpected);
    if (s && !isHostName(*s))
        wrongValue(*f, kHostExpected + QStringLiteral(" (letters, digits and '-', parts "
                                                      "separated by dots)"));
    return s.value_or(QString());
}

QString Loader::ipAddress(const Fields &m, const char *key, SourceLocation *where)
{
    const Field *f = m.get(key);
    if (!f)
        return {};
    if (where)
        *where = f->valueAt;
    const std::optional<QString> s = scalar(*f, kIpExpected);
    if (s && !isIpv4(*s))
        wrongValue(*f, kIpExpected);
    return s.value_or(QString());
}

QString Loader::mailAddress(const Fields &m, const char *key, SourceLocation *where)
{
    const Field *f = m.get(key);
    if (!f)
        return {};
    if (where)
        *where = f->valueAt;
    const std::optional<QString> s = scalar(*f, kMailExpected);
    if (s && !isMailAddress(*s))
        wrongValue(*f, kMailExpected);
    return s.value_or(QString());
}

// A number written as `pattern` allows, converted with `convert`, within [min, max]; an error
// at the value otherwise. One reader for whole and decimal numbers.
template <typename T, typename Convert>
std::optional<T> Loader::checkedNumber(const Fields &m, const char *key, T min, T max,
                                       const QString &expected, const QRegularExpression &pattern,
                                       Convert convert)
{
    const Field *f = m.get(key);
    if (!f)
        return std::nullopt;
    const std::optional<QString> s = scalar(*f, expected);
    if (!s)
        return std::nullopt;
    bool ok = pattern.match(*s).hasMatch();
    const T value = ok ? convert(*s, &ok) : T();
    if (!ok || value < min || value > max) {
        wrongValue(*f, expected);
        return std::nullopt;
    }
    return value;
}

std::optional<qint64> Loader::integer(const Fields &m, const char *key, qint64 min, qint64 max,
                                      const QString &expected)
{
    static const QRegularExpression re(QStringLiteral(R"(^[-+]?[0-9]{1,18}$)"));
    return checkedNumber<qint64>(m, key, min, max, expected, re,
                                 [](const QString &t, bool *ok) { return t.toLongLong(ok); });
}

std::optional<double> Loader::number(const Fields &m, const char *key, double min, double max,
                                     const QString &expected)
{
    static const QRegularExpression re(QStringLiteral(R"(^[0-9]{1,6}(\.[0-9]{1,6})?$)"));
    return checkedNumber<double>(m, key, min, max, expected, re,
                                 [](const QString &t, bool *ok) { return t.toDouble(ok); });
}

std::optional<SimTime> Loader::duration(const Fields &m, const char *key, bool allowZero)
{
    const Field *f = m.get(key);
    if (!f)
        return std::nullopt;
    const std::optional<QString> s = scalar(*f, kDurationExpected);
    if (!s)
        return std::nullopt;
    QString problem;
    const std::optional<SimTime> value = parseDuration(*s, &problem);
    if (!value) {
        error(f->valueAt, QStringLiteral("'%1': expected %2, not %3%4")
                              .arg(f->name, kDurationExpected, describe(f->value),
                                   problem.isEmpty() ? QString() : QStringLiteral("; ") + problem));
        return std::nullopt;
    }
    if (*value < 0 || (*value == 0 && !allowZero)) {
        error(f->valueAt, QStringLiteral("'%1': expected a duration %2, not %3")
                              .arg(f->name,
                                   allowZero ? QStringLiteral("of 0s or more")
                                             : QStringLiteral("longer than 0s"),
                                   *s));
        return std::nullopt;
    }
    return value;
}

std::optional<qint64> Loader::size(const Fields &m, const char *key)
{
    const Field *f = m.get(key);
    if (!f)
        return std::nullopt;
    const std::optional<QString> s = scalar(*f, kSizeExpected);
    if (!s)
        return std::nullopt;
    static const QRegularExpression re(QStringLiteral(R"(^([0-9]{1,15})(KB|MB|GB)?$)"));
    const QRegularExpressionMatch match = re.match(*s);
    if (!match.hasMatch()) {
        static const QRegularExpression units(
            QStringLiteral(R"(^[0-9]+\s*(kb|mb|gb|k|m|g|kib|mib|gib|b)$)"),
            QRegularExpression::CaseInsensitiveOption);
        wrongValue(*f, kSizeExpected);
        if (units.match(*s).hasMatch())
            m_errors.back().message += QStringLiteral("; the units are KB, MB and GB, written "
                                                      "right after the number");
        return std::nullopt;
    }
    const QString unit = match.captured(2);
    const qint64 factor = unit == QLatin1String("KB")   ? 1024
                          : unit == QLatin1String("MB") ? 1024 * 1024
                          : unit == QLatin1String("GB") ? 1024 * 1024 * 1024
                                                        : 1;
    const qint64 value = match.captured(1).toLongLong() * factor;
    if (value < 1 || value > (qint64(1) << 40)) {
        error(
            f->valueAt,
            QStringLiteral("'%1': expected a size from 1 byte to 1024GB, not %2").arg(f->name, *s));
        return std::nullopt;
    }
    return value;
}

std::optional<SimTime> Loader::timelineTime(const Field &f)
{
    const std::optional<QString> s = scalar(f, kTimeExpected);
    if (!s)
        return std::nullopt;
    if (looksLikeDateTime(*s)) {
        const std::optional<QDateTime> dt = parseDateTime(*s);
        if (!dt) {
            wrongValue(f, kTimeExpected);
            return std::nullopt;
        }
        if (!m_startValid)
            return std::nullopt;
        const qint64 ms = m_world.epoch.msecsTo(*dt);
        if (ms < 0) {
            error(f.valueAt, QStringLiteral("'at': %1 is before the start of the scenario (%2); "
                                            "the timeline cannot go back in time")
                                 .arg(*s, isoText(m_world.epoch)));
            return std::nullopt;
        }
        if (ms > std::numeric_limits<SimTime>::max() / 1000 / 2) {
            wrongValue(f, kTimeExpected);
            return std::nullopt;
        }
        return ms * 1000;
    }
    QString problem;
    const std::optional<SimTime> value = parseDuration(*s, &problem);
    if (!value) {
        error(f.valueAt, QStringLiteral("'%1': expected %2, not %3%4")
                             .arg(f.name, kTimeExpected, describe(f.value),
                                  problem.isEmpty() ? QString() : QStringLiteral("; ") + problem));
        return std::nullopt;
    }
    if (*value < 0) {
        error(f.valueAt, QStringLiteral("'at': %1 is before the start of the scenario; times "
                                        "count from 0s, and the timeline cannot go back in time")
                             .arg(*s));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> Loader::boolean(const Fields &m, const char *key)
{
    const Field *f = m.get(key);
    if (!f)
        return std::nullopt;
    const std::optional<QString> s = scalar(*f, kBooleanExpected);
    if (!s)
        return std::nullopt;
    if (*s == QLatin1String("true"))
        return true;
    if (*s == QLatin1String("false"))
        return false;
    wrongValue(*f, kBooleanExpected);
    return std::nullopt;
}

SourceLocation Loader::inValue(const Field &f, qsizetype index) const
{
    if (!f.value.IsScalar())
        return f.valueAt;
    const QString value = QString::fromStdString(f.value.Scalar());
    const qsizetype lineStart = value.lastIndexOf(QLatin1Char('\n'), index - 1) + 1;
    const int lineInValue = static_cast<int>(value.left(lineStart).count(QLatin1Char('\n')));
    qsizetype lineEnd = value.indexOf(QLatin1Char('\n'), index);
    if (lineEnd < 0)
        lineEnd = value.size();
    const QByteArray wanted = value.mid(lineStart, lineEnd - lineStart).toUtf8();
    const qsizetype offset = index - lineStart; // in characters
    // A literal block ('|') keeps the lines of the file: its line N is on the N-th line after
    // the indicator. A quoted or plain text on one line starts at the value. Other texts fold
    // their lines, and are not guessed at.
    const YAML::Mark mark = f.value.Mark();
    const QByteArrayView source = m_source.text();
    const bool literal = mark.pos >= 0 && mark.pos < source.size() && source[mark.pos] == '|';
    if (!literal && (lineInValue > 0 || value.contains(QLatin1Char('\n'))))
        return f.valueAt;
    const int first = mark.line + (literal ? 1 + lineInValue : 0);
    for (int line = first; line < std::min(first + 3, m_source.lineCount()); ++line) {
        const qsizetype at = QByteArrayView(m_source.line(line)).indexOf(wanted);
        if (at >= 0)
            return {line + 1,
                    m_source.charColumn(line, static_cast<int>(at)) + static_cast<int>(offset)};
    }
    return f.valueAt;
}

std::vector<std::pair<QString, SourceLocation>> Loader::addressList(const Fields &m,
                                                                    const char *key)
{
    std::vector<std::pair<QString, SourceLocation>> result;
    const Field *f = m.get(key);
    if (!f || f->value.IsNull())
        return result;
    const QString expected = QStringLiteral("a list of mail addresses such as "
                                            "[bob@example.net, carol@example.net]");
    auto one = [&](const YAML::Node &node, const QString &subject) {
        if (!node.IsScalar()) {
            wrongItem(node, subject, kMailExpected);
            return;
        }
        const QString address = QString::fromStdString(node.Scalar());
        if (!isMailAddress(address))
            wrongItem(node, subject, kMailExpected);
        else
            result.emplace_back(address, at(node));
    };
    if (f->value.IsScalar()) {
        one(f->value, QStringLiteral("'%1'").arg(f->name));
    } else if (f->value.IsSequence()) {
        for (const auto &item : f->value)
            one(item, QStringLiteral("an entry of '%1'").arg(f->name));
    } else {
        wrongValue(*f, expected);
    }
    return result;
}

// ----------------------------------------------------------------------------------------
// The sections

bool Loader::readTop(const YAML::Node &root)
{
    const std::vector<KeySpec> keys = {
        {"title", true, QStringLiteral("a short title such as Alice sends a message to Bob")},
        {"description", false, QStringLiteral("a text describing the exercise")},
        {"seed", false, QStringLiteral("a whole number of 0 or more, such as 1")},
        {"start", false, kDateTimeExpected},
        {"lesson-notes", false,
         QStringLiteral("notes for stages 1 to 6, such as 3: \"Why does the server need DNS?\"")},
        {"dns", true,
         QStringLiteral("the DNS server, such as { host: dns.example, address: 198.51.100.53 }")},
        {"routers", false,
         QStringLiteral("a list of routers, such as - { host: internet, address: 198.51.100.1 }")},
        {"domains", true, QStringLiteral("a list of mail domains, each with its server")},
        {"users", true, QStringLiteral("a list of users, each with an address and a computer")},
        {"links", false,
         QStringLiteral("a list of links, such as - { between: [a, b], latency: 1ms }")},
        {"dns-records", false,
         QStringLiteral("a list of DNS records, such as - { type: A, name: www.example.org, "
                        "address: 192.0.2.80 }")},
        {"messages", false, QStringLiteral("a list of messages, each with an id")},
        {"timeline", false, QStringLiteral("a list of events, such as - { at: 0s, send: lunch }")},
        {"expect", false, QStringLiteral("a list of expectations, such as - { reply-seen: 250 }")},
    };
    if (!root.IsMap()) {
        error(at(root), QStringLiteral("a scenario file is a set of keys such as 'title:', "
                                       "'domains:' and 'users:', not %1")
                            .arg(describe(root)));
        return false;
    }
    const std::optional<Fields> top = fields(root, at(root), QStringLiteral("the file"), QString(),
                                             QStringLiteral("at the top level"), keys);
    if (!top)
        return false;
    const Fields &m = *top;

    m_world.title = text(m, "title", keys[0].expected, false);
    m_world.description = text(m, "description", keys[1].expected, true);
    if (const auto seed = m.get("seed")) {
        const std::optional<QString> s = scalar(*seed, keys[2].expected);
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,20}$"));
        bool ok = s && digits.match(*s).hasMatch();
        const quint64 value = ok ? s->toULongLong(&ok) : 0;
        if (s && !ok)
            wrongValue(*seed, keys[2].expected);
        m_world.seed = value;
    }
    if (const auto start = m.get("start")) {
        m_startValid = false;
        if (const std::optional<QString> s = scalar(*start, kDateTimeExpected)) {
            if (const std::optional<QDateTime> dt = parseDateTime(*s)) {
                m_world.epoch = *dt;
                m_startValid = true;
            } else {
                wrongValue(*start, kDateTimeExpected);
            }
        }
    }
    if (const auto notes = m.get("lesson-notes"))
        readLessonNotes(*notes);

    if (const auto dns = m.get("dns")) {
        if (auto host = readHost(dns->value, QStringLiteral("'dns'"), keys[5].expected,
                                 QStringLiteral("in the DNS server"))) {
            host->first.owner = QStringLiteral("the DNS server");
            m_hosts.push_back(host->first);
            m_world.dns = {host->first.name, host->first.address, host->second};
        }
    }
    forEachItem(m, "routers", keys[6].expected, [this](const YAML::Node &node, int index) {
        if (auto host = readHost(node, QStringLiteral("router %1").arg(index + 1),
                                 QStringLiteral("a router such as { host: internet, address: "
                                                "198.51.100.1 }"),
                                 QStringLiteral("in this router"))) {
            host->first.owner = QStringLiteral("the router %1").arg(host->first.name);
            m_hosts.push_back(host->first);
            m_world.routers.push_back({host->first.name, host->first.address, host->second});
        }
    });
    if (const Field *domains = m.get("domains")) {
        if (isList(*domains, keys[7].expected)) {
            if (domains->value.size() == 0)
                error(domains->valueAt, QStringLiteral("'domains' is an empty list: expected at "
                                                       "least one mail domain with its server"));
            int index = 0;
            for (const auto &item : domains->value)
                readDomain(item, index++);
        }
    }
    if (const Field *users = m.get("users")) {
        if (isList(*users, keys[8].expected)) {
            if (users->value.size() == 0)
                error(users->valueAt, QStringLiteral("'users' is an empty list: expected at "
                                                     "least one user"));
            int index = 0;
            for (const auto &item : users->value)
                readUser(item, index++);
        }
    }
    const std::size_t errorsBeforeLinks = m_errors.size();
    forEachItem(m, "links", keys[9].expected,
                [this](const YAML::Node &node, int index) { readLink(node, index); });
    m_linksComplete = m_errors.size() == errorsBeforeLinks;
    forEachItem(m, "dns-records", keys[10].expected,
                [this](const YAML::Node &node, int index) { readRecord(node, index); });
    forEachItem(m, "messages", keys[11].expected,
                [this](const YAML::Node &node, int index) { readMessage(node, index); });
    const std::size_t errorsBeforeTimeline = m_errors.size();
    forEachItem(m, "timeline", keys[12].expected,
                [this](const YAML::Node &node, int index) { readTimelineEntry(node, index); });
    m_timelineComplete = m_errors.size() == errorsBeforeTimeline;
    forEachItem(m, "expect", keys[13].expected,
                [this](const YAML::Node &node, int index) { readExpectation(node, index); });
    return true;
}

void Loader::readLessonNotes(const Field &f)
{
    if (f.value.IsNull())
        return;
    if (!f.value.IsMap()) {
        wrongValue(f, QStringLiteral("notes per stage, such as 3: \"Why does the server need "
                                     "DNS?\""));
        return;
    }
    std::map<int, SourceLocation> seen;
    for (const auto &kv : f.value) {
        const SourceLocation keyAt = at(kv.first);
        const QString key =
            kv.first.IsScalar() ? QString::fromStdString(kv.first.Scalar()) : QString();
        bool ok = false;
        const int stage = key.size() <= 3 ? key.toInt(&ok) : 0;
        if (!ok) {
            error(keyAt, QStringLiteral("lesson-notes: expected a stage number from %1 to %2, "
                                        "not %3")
                             .arg(kFirstStage)
                             .arg(kLastStage)
                             .arg(describe(kv.first)));
            continue;
        }
        if (stage < kFirstStage || stage > kLastStage) {
            error(keyAt, QStringLiteral("lesson-notes: there is no stage %1; the stages are "
                                        "numbered %2 to %3")
                             .arg(stage)
                             .arg(kFirstStage)
                             .arg(kLastStage));
            continue;
        }
        if (const auto it = seen.find(stage); it != seen.end()) {
            error(keyAt, QStringLiteral("lesson-notes: stage %1 has notes already (line %2); "
                                        "keep one")
                             .arg(stage)
                             .arg(it->second.line));
            continue;
        }
        seen.emplace(stage, keyAt);
        if (!kv.second.IsScalar() ||
            QString::fromStdString(kv.second.Scalar()).trimmed().isEmpty()) {
            const QString expected = QStringLiteral("the text to show for stage %1").arg(stage);
            if (kv.second.IsScalar() || kv.second.IsNull())
                error(keyAt, QStringLiteral("the note for stage %1 is empty: expected %2")
                                 .arg(stage)
                                 .arg(expected));
            else
                wrongItem(kv.second, QStringLiteral("the note for stage %1").arg(stage), expected);
            continue;
        }
        m_lessonNotes[stage] = QString::fromStdString(kv.second.Scalar());
    }
}

std::optional<std::pair<HostDecl, QString>> Loader::readHost(const YAML::Node &node,
                                                             const QString &subject,
                                                             const QString &expected,
                                                             const QString &context)
{
    const std::vector<KeySpec> keys = {
        {"host", true, kHostExpected},
        {"address", true, kIpExpected},
        {"label", false, QStringLiteral("a name for people, such as The Internet")},
    };
    const std::optional<Fields> m = fields(node, at(node), subject, expected, context, keys);
    if (!m)
        return std::nullopt;
    HostDecl host;
    host.name = hostName(*m, "host", &host.nameAt);
    host.address = ipAddress(*m, "address", &host.addressAt);
    return std::make_pair(host, text(*m, "label", keys[2].expected, true));
}

void Loader::readDomain(const YAML::Node &node, int index)
{
    const std::vector<KeySpec> keys = {
        {"name", true, kDomainExpected},
        {"server", true,
         QStringLiteral("the domain's mail server, with at least 'host' and "
                        "'address'")},
        {"mx", false,
         QStringLiteral("a list of MX records, such as - { preference: 10, host: "
                        "mail.example.org }")},
    };
    const std::optional<Fields> m =
        fields(node, at(node), QStringLiteral("domain %1").arg(index + 1),
               QStringLiteral("a domain with 'name' and 'server'"),
               QStringLiteral("in this domain"), keys);
    world::ServerSpec server;
    m_world.servers.push_back(server);
    m_domains.push_back({});
    if (!m)
        return;
    SourceLocation nameAt;
    const Field *name = m->get("name");
    QString domain;
    if (name) {
        nameAt = name->valueAt;
        if (const std::optional<QString> s = scalar(*name, kDomainExpected)) {
            domain = *s;
            if (!isHostName(domain))
                wrongValue(*name, kDomainExpected);
        }
    }
    m_domains.back() = {domain, nameAt};
    m_world.servers.back().settings.domain = domain;
    if (const Field *s = m->get("server"))
        readServer(*s, domain);

    const QString serverHost = m_world.servers.back().settings.hostname;
    const Field *mx = m->get("mx");
    if (!mx) {
        if (!serverHost.isEmpty())
            m_domainMx.push_back({{domain, 10, serverHost}, {}, true});
        return;
    }
    if (mx->value.IsNull())
        return; // no MX records at all: senders fall back to the domain's own address
    if (!isList(*mx, keys[2].expected))
        return;
    int i = 0;
    for (const auto &item : mx->value) {
        const std::vector<KeySpec> mxKeys = {
            {"preference", false,
             QStringLiteral("a number from 0 to 65535 (lower is tried "
                            "first); 10 when left out")},
            {"host", true,
             QStringLiteral("the host name of the mail server, such as "
                            "mail.example.org")},
        };
        const std::optional<Fields> r =
            fields(item, at(item), QStringLiteral("MX record %1").arg(++i),
                   QStringLiteral("an MX record such as { preference: 10, host: "
                                  "mail.example.org }"),
                   QStringLiteral("in this MX record"), mxKeys);
        if (!r)
            continue;
        MxDecl decl;
        decl.mx.domain = domain;
        decl.mx.preference =
            static_cast<int>(integer(*r, "preference", 0, 65535, kPreferenceExpected).value_or(10));
        decl.mx.exchange = hostName(*r, "host", &decl.hostAt);
        m_domainMx.push_back(decl);
    }
}

void Loader::readServer(const Field &f, const QString &domain)
{
    const std::vector<KeySpec> keys = {
        {"host", true, kHostExpected},
        {"address", true, kIpExpected},
        {"label", false, QStringLiteral("a name for people, such as Alice's mail server")},
        {"ports", false, QStringLiteral("the ports, such as { smtp: 25, submission: 587 }")},
        {"max-message-size", false, kSizeExpected},
        {"max-recipients", false, QStringLiteral("a whole number from 1 to 100000")},
        {"relay", false, QStringLiteral("one of local-clients, open and none")},
        {"retry", false,
         QStringLiteral("the retry timing, such as { interval: 5m, "
                        "give-up-after: 5d }")},
        {"queue-pickup-delay", false, kDurationExpected},
        {"eight-bit-mime", false,
         QStringLiteral("true or false: whether the server announces 8BITMIME; true when left "
                        "out")},
        {"webmail", false,
         QStringLiteral("same-host, or a web server of its own such as { host: "
                        "webmail.example.org, address: 192.0.2.80 }")},
    };
    const std::optional<Fields> m =
        fields(f.value, f.value.IsNull() ? f.keyAt : f.valueAt, QStringLiteral("'server'"),
               QStringLiteral("a mail server with at least 'host' and 'address'"),
               QStringLiteral("in this server"), keys);
    if (!m)
        return;
    world::ServerSpec &server = m_world.servers.back();
    mail::MailServerSettings &s = server.settings;
    HostDecl host;
    host.name = hostName(*m, "host", &host.nameAt);
    host.address = ipAddress(*m, "address", &host.addressAt);
    host.owner = QStringLiteral("the mail server of %1").arg(domain);
    m_hosts.push_back(host);
    s.hostname = host.name;
    server.address = host.address;
    server.label = text(*m, "label", keys[2].expected, true);

    if (const Field *ports = m->get("ports")) {
        const std::vector<KeySpec> portKeys = {
            {"smtp", false, QStringLiteral("a port number from 1 to 65535; 25 when left out")},
            {"submission", false,
             QStringLiteral("a port number from 1 to 65535; 587 when left out")},
        };
        if (const std::optional<Fields> p =
                fields(ports->value, ports->valueAt, QStringLiteral("'ports'"), keys[3].expected,
                       QStringLiteral("in 'ports'"), portKeys)) {
            const QString expected = QStringLiteral("a port number from 1 to 65535");
            s.smtpPort = static_cast<quint16>(integer(*p, "smtp", 1, 65535, expected).value_or(25));
            s.submissionPort =
                static_cast<quint16>(integer(*p, "submission", 1, 65535, expected).value_or(587));
            if (s.smtpPort == s.submissionPort && p->get("smtp") && p->get("submission"))
                error(p->get("submission")->valueAt,
                      QStringLiteral("'submission': the submission port must differ from the "
                                     "SMTP port (%1)")
                          .arg(s.smtpPort));
        }
    }
    if (const auto v = size(*m, "max-message-size"))
        s.maxMessageSize = *v;
    if (const auto v = integer(*m, "max-recipients", 1, 100000, keys[5].expected))
        s.maxRecipients = static_cast<int>(*v);
    if (const Field *relay = m->get("relay")) {
        if (const std::optional<QString> v = scalar(*relay, keys[6].expected)) {
            if (*v == QLatin1String("local-clients")) {
                s.relay = mail::RelayPolicy::LocalClients;
            } else if (*v == QLatin1String("open")) {
                s.relay = mail::RelayPolicy::Open;
            } else if (*v == QLatin1String("none")) {
                s.relay = mail::RelayPolicy::None;
            } else {
                const QString suggestion =
                    closest(*v, {QStringLiteral("local-clients"), QStringLiteral("open"),
                                 QStringLiteral("none")});
                wrongValue(*relay, keys[6].expected);
                if (!suggestion.isEmpty())
                    m_errors.back().message +=
                        QStringLiteral("; did you mean '%1'?").arg(suggestion);
            }
        }
    }
    if (const Field *retry = m->get("retry")) {
        const std::vector<KeySpec> retryKeys = {
            {"interval", false, QStringLiteral("the wait before the first retry; 5m when left out")},
            {"give-up-after", false,
             QStringLiteral("how long a message may stay in the queue; 5d when left out")},
            {"backoff", false,
             QStringLiteral("a number from 1 to 10: how many times longer each wait is than the one before")},
            {"max-interval", false, QStringLiteral("the longest wait between two attempts; 4000s when left out")},
        };
        if (const std::optional<Fields> r =
                fields(retry->value, retry->valueAt, QStringLiteral("'retry'"), keys[7].expected,
                       QStringLiteral("in 'retry'"), retryKeys)) {
            if (const auto v = duration(*r, "interval", false))
                s.retryInterval = *v;
            if (const auto v = duration(*r, "give-up-after", false))
                s.maxQueueLifetime = *v;
            if (const auto v = duration(*r, "max-interval", false))
                s.maxRetryInterval = *v;
            if (const auto v = number(*r, "backoff", 1.0, 10.0, retryKeys[2].expected))
                s.retryBackoff = *v;
        }
    }
    if (const auto v = duration(*m, "queue-pickup-delay", true))
        s.queuePickupDelay = *v;
    if (const auto v = boolean(*m, "eight-bit-mime"))
        s.eightBitMime = *v;
    if (const Field *web = m->get("webmail"))
        readWebmail(*web, domain);
}

// Web mail is either the lecture's simple set-up, a web server on the mail server's own
// machine (`same-host`), or a machine of its own that students see as a separate host.
void Loader::readWebmail(const Field &f, const QString &domain)
{
    world::WebServerSpec &web = m_world.servers.back().web;
    const QString expected =
        QStringLiteral("same-host (a web server on the mail server's machine), or a web server "
                       "such as { host: webmail.example.org, address: 192.0.2.80 }");
    if (f.value.IsScalar()) {
        const QString value = QString::fromStdString(f.value.Scalar());
        if (value != QLatin1String("same-host")) {
            wrongValue(f, expected);
            return;
        }
        web.enabled = true;
        return;
    }
    const std::vector<KeySpec> keys = {
        {"host", false, kHostExpected},
        {"address", false, kIpExpected},
        {"label", false, QStringLiteral("a name for people, such as Bob's web mail server")},
        {"port", false, QStringLiteral("a port number from 1 to 65535; 80 when left out")},
    };
    const std::optional<Fields> m =
        fields(f.value, f.value.IsNull() ? f.keyAt : f.valueAt, QStringLiteral("'webmail'"),
               expected, QStringLiteral("in 'webmail'"), keys);
    if (!m)
        return;
    web.enabled = true;
    const Field *host = m->get("host");
    const Field *address = m->get("address");
    if (host) {
        HostDecl decl;
        decl.name = hostName(*m, "host", &decl.nameAt);
        decl.address = ipAddress(*m, "address", &decl.addressAt);
        decl.owner = QStringLiteral("the web mail server of %1").arg(domain);
        if (!address)
            error(m->at, QStringLiteral("missing 'address' in 'webmail': a web server on a host "
                                        "of its own needs an address, such as 192.0.2.80"));
        m_hosts.push_back(decl);
        web.host = decl.name;
        web.address = decl.address;
    } else if (address) {
        error(address->keyAt, QStringLiteral("'address' in 'webmail' needs 'host' as well: "
                                             "without a host of its own the web server shares "
                                             "the mail server's address; leave 'address' out, "
                                             "or add 'host'"));
    }
    web.label = text(*m, "label", keys[2].expected, true);
    if (const auto port = integer(*m, "port", 1, 65535, kPortExpected))
        web.port = static_cast<quint16>(*port);
}

void Loader::readUser(const YAML::Node &node, int index)
{
    const std::vector<KeySpec> keys = {
        {"address", true, kMailExpected},
        {"name", false, QStringLiteral("the user's name, such as Alice")},
        {"password", false, QStringLiteral("a password, such as wonderland")},
        {"computer", true,
         QStringLiteral("the user's computer, such as { host: alice-pc.example.org, address: "
                        "192.0.2.10 }")},
        {"submit-to", false,
         QStringLiteral("the host name of a mail server, such as mail.example.org")},
        {"access", false, kAccessExpected},
        {"typed-password", false,
         QStringLiteral("the password the user types into their user agent, when it differs "
                        "from 'password' (to show a failed login)")},
    };
    world::UserSpec user;
    m_users.push_back({});
    m_submitTo.push_back({});
    m_access.push_back({});
    const std::optional<Fields> m = fields(node, at(node), QStringLiteral("user %1").arg(index + 1),
                                           QStringLiteral("a user with 'address' and 'computer'"),
                                           QStringLiteral("in this user"), keys);
    if (m) {
        SourceLocation addressAt = m->at;
        user.address = mailAddress(*m, "address", &addressAt);
        user.displayName = text(*m, "name", keys[1].expected, true);
        user.password = text(*m, "password", keys[2].expected, true);
        user.typedPassword = text(*m, "typed-password", keys[6].expected, false);
        m_users.back() = {user.address, addressAt};
        if (const Field *computer = m->get("computer")) {
            const QString owner = QStringLiteral("the computer of %1").arg(user.address);
            const std::vector<KeySpec> hostKeys = {
                {"host", true, kHostExpected},
                {"address", true, kIpExpected},
                {"label", false, QStringLiteral("a name for people, such as Alice's user agent")},
            };
            if (const std::optional<Fields> c =
                    fields(computer->value, computer->valueAt, QStringLiteral("'computer'"),
                           keys[3].expected, QStringLiteral("in this computer"), hostKeys)) {
                HostDecl host;
                host.name = hostName(*c, "host", &host.nameAt);
                host.address = ipAddress(*c, "address", &host.addressAt);
                host.owner = owner;
                host.isUser = true;
                m_hosts.push_back(host);
                user.uaHost = host.name;
                user.uaAddress = host.address;
                user.label = text(*c, "label", hostKeys[2].expected, true);
            }
        }
        if (const Field *submitTo = m->get("submit-to")) {
            user.submitTo = text(*m, "submit-to", keys[4].expected, false);
            m_submitTo.back() = {user.submitTo, submitTo->valueAt};
        }
        if (const Field *access = m->get("access")) {
            if (const std::optional<QString> v = scalar(*access, kAccessExpected)) {
                if (const auto route = mail::accessRouteFromString(*v)) {
                    user.access = *route;
                    m_access.back() = {*route, access->valueAt};
                } else {
                    wrongValue(*access, kAccessExpected);
                    const QString suggestion =
                        closest(*v, {QStringLiteral("pop3-delete"), QStringLiteral("pop3-keep"),
                                     QStringLiteral("imap"), QStringLiteral("web")});
                    if (!suggestion.isEmpty())
                        m_errors.back().message +=
                            QStringLiteral("; did you mean '%1'?").arg(suggestion);
                }
            }
        }
    }
    m_world.users.push_back(user);
}

void Loader::readLink(const YAML::Node &node, int index)
{
    const std::vector<KeySpec> keys = {
        {"between", true,
         QStringLiteral("the two hosts it joins, such as [alice-pc.example.org, "
                        "mail.example.org]")},
        {"latency", false, QStringLiteral("a duration such as 10ms; 1ms when left out")},
    };
    const std::optional<Fields> m =
        fields(node, at(node), QStringLiteral("link %1").arg(index + 1),
               QStringLiteral("a link such as { between: [a, b], latency: 1ms }"),
               QStringLiteral("in this link"), keys);
    if (!m)
        return;
    LinkDecl decl;
    decl.at = m->at;
    const Field *between = m->get("between");
    if (!between || !readBetween(*between, &decl.link.a, &decl.aAt, &decl.link.b, &decl.bAt))
        return;
    if (m->get("latency")) {
        const std::optional<SimTime> latency = duration(*m, "latency", true);
        if (!latency)
            return;
        decl.link.latency = *latency;
    }
    m_links.push_back(decl);
}

bool Loader::readBetween(const Field &between, QString *a, SourceLocation *aAt, QString *b,
                         SourceLocation *bAt)
{
    if (!between.value.IsSequence() || between.value.size() != 2) {
        wrongValue(between, kBetweenExpected);
        return false;
    }
    const YAML::Node first = between.value[0];
    const YAML::Node second = between.value[1];
    bool ok = true;
    for (const YAML::Node &end : {first, second}) {
        if (!end.IsScalar() || !isHostName(QString::fromStdString(end.Scalar()))) {
            wrongItem(end, QStringLiteral("an entry of 'between'"), kHostExpected);
            ok = false;
        }
    }
    if (!ok)
        return false;
    *a = QString::fromStdString(first.Scalar());
    *b = QString::fromStdString(second.Scalar());
    *aAt = at(first);
    *bAt = at(second);
    return true;
}

void Loader::readRecord(const YAML::Node &node, int index)
{
    const QString expected = QStringLiteral("a DNS record such as { type: A, name: "
                                            "www.example.org, address: 192.0.2.80 }");
    const QString subject = QStringLiteral("DNS record %1").arg(index + 1);
    const QString context = QStringLiteral("in this DNS record");
    const QString typeExpected = QStringLiteral("A or MX");
    QString type;
    if (node.IsMap()) {
        for (const auto &kv : node) {
            if (kv.first.IsScalar() && kv.first.Scalar() == "type" && kv.second.IsScalar())
                type = QString::fromStdString(kv.second.Scalar());
        }
    }
    const KeySpec typeKey{"type", true, QStringLiteral("the kind of record: A or MX")};
    std::vector<KeySpec> keys;
    if (type == QLatin1String("A")) {
        keys = {typeKey,
                {"name", true, QStringLiteral("the name looked up, such as www.example.org")},
                {"address", true, kIpExpected}};
    } else if (type == QLatin1String("MX")) {
        keys = {typeKey,
                {"domain", true, QStringLiteral("the mail domain, such as example.net")},
                {"preference", false,
                 QStringLiteral("a number from 0 to 65535 (lower is "
                                "tried first); 10 when left out")},
                {"host", true,
                 QStringLiteral("the host name of a mail server, such as "
                                "backup.example.net")}};
    } else {
        keys = {typeKey,
                {"name", false, {}},
                {"address", false, {}},
                {"domain", false, {}},
                {"preference", false, {}},
                {"host", false, {}}};
    }
    const std::optional<Fields> m = fields(node, at(node), subject, expected, context, keys);
    if (!m)
        return;
    if (const Field *t = m->get("type")) {
        if (type != QLatin1String("A") && type != QLatin1String("MX")) {
            wrongValue(*t, typeExpected);
            return;
        }
    }
    if (type == QLatin1String("A")) {
        RecordDecl decl;
        decl.at = m->at;
        decl.record.name = hostName(*m, "name", &decl.nameAt);
        decl.record.address = ipAddress(*m, "address");
        m_records.push_back(decl);
    } else {
        MxDecl decl;
        const Field *domain = m->get("domain");
        if (domain) {
            if (const std::optional<QString> s = scalar(*domain, kDomainExpected)) {
                decl.mx.domain = *s;
                if (!isHostName(*s))
                    wrongValue(*domain, kDomainExpected);
            }
        }
        decl.mx.preference =
            static_cast<int>(integer(*m, "preference", 0, 65535, kPreferenceExpected).value_or(10));
        decl.mx.exchange = hostName(*m, "host", &decl.hostAt);
        m_recordMx.push_back(decl);
    }
}

void Loader::readMessage(const YAML::Node &node, int index)
{
    const QString addresses = QStringLiteral("a list of mail addresses");
    const std::vector<KeySpec> keys = {
        {"id", true, kIdExpected},
        {"from", true, QStringLiteral("the sender, one of the users' addresses")},
        {"to", false, addresses},
        {"cc", false, addresses},
        {"bcc", false, addresses},
        {"subject", false, QStringLiteral("the subject line, such as Lunch on Friday?")},
        {"charset", false,
         QStringLiteral("the character set of the text: us-ascii, utf-8 or iso-8859-1")},
        {"body", false, QStringLiteral("the text of the message")},
        {"html", false, QStringLiteral("the message as an HTML page, such as <p>Hi Bob</p>")},
        {"attachments", false,
         QStringLiteral("a list of files, such as - { file: timetable.txt }")},
        {"raw", false,
         QStringLiteral("the whole message as it is sent: header lines, an empty line, the "
                        "body")},
    };
    const std::optional<Fields> m =
        fields(node, at(node), QStringLiteral("message %1").arg(index + 1),
               QStringLiteral("a message with 'id', 'from' and 'to'"),
               QStringLiteral("in this message"), keys);
    if (!m)
        return;
    MessageDecl decl;
    decl.at = m->at;
    for (const char *key : {"bcc", "charset", "html", "attachments", "raw"}) {
        if (const Field *f = m->get(key))
            decl.richKeys.emplace_back(f->name, f->keyAt);
    }
    if (const Field *id = m->get("id")) {
        decl.idAt = id->valueAt;
        if (const std::optional<QString> s = scalar(*id, kIdExpected)) {
            decl.id = *s;
            if (!isMessageId(*s))
                wrongValue(*id, kIdExpected);
        }
    }
    decl.content.from = mailAddress(*m, "from", &decl.fromAt);
    const std::size_t errorsBefore = m_errors.size();
    bool anyRecipient = false;
    for (const char *key : {"to", "cc", "bcc"}) {
        QStringList list;
        for (const auto &[address, where] : addressList(*m, key))
            list << address;
        anyRecipient = anyRecipient || !list.isEmpty();
        if (key == std::string_view("to"))
            decl.content.to = list;
        else if (key == std::string_view("cc"))
            decl.content.cc = list;
        else
            decl.content.bcc = list;
    }
    if (!anyRecipient && m_errors.size() == errorsBefore)
        error(m->at, QStringLiteral("this message has no recipient: give at least one address "
                                    "in 'to', 'cc' or 'bcc'"));

    // A raw message is sent as written: whatever describes its content would be ignored, so it
    // is refused rather than silently dropped.
    if (const Field *raw = m->get("raw")) {
        decl.content.raw = text(*m, "raw", keys[10].expected, false);
        const std::vector<std::pair<const char *, QString>> contentKeys = {
            {"subject", QStringLiteral("write the Subject: line inside 'raw'")},
            {"charset", QStringLiteral("write the Content-Type line inside 'raw'")},
            {"body", QStringLiteral("the body is what follows the empty line in 'raw'")},
            {"html", QStringLiteral("write the MIME parts inside 'raw'")},
            {"attachments", QStringLiteral("write the MIME parts inside 'raw'")},
        };
        for (const auto &[key, hint] : contentKeys) {
            if (const Field *f = m->get(key))
                error(f->keyAt, QStringLiteral("'%1' cannot be used with 'raw' (line %2): a raw "
                                               "message is sent exactly as written; %3")
                                    .arg(f->name)
                                    .arg(raw->keyAt.line)
                                    .arg(hint));
        }
        m_messages.push_back(decl);
        return;
    }

    decl.content.subject = text(*m, "subject", keys[5].expected, true);
    decl.content.body = text(*m, "body", keys[7].expected, true);
    decl.content.html = text(*m, "html", keys[8].expected, true);
    if (const Field *charset = m->get("charset")) {
        if (const std::optional<QString> s = scalar(*charset, keys[6].expected)) {
            const QString name = s->toLower();
            if (!kCharsets.contains(name)) {
                wrongValue(*charset, keys[6].expected);
                const QString suggestion = closest(*s, kCharsets);
                if (!suggestion.isEmpty())
                    m_errors.back().message +=
                        QStringLiteral("; did you mean '%1'?").arg(suggestion);
            } else {
                decl.content.charset = name;
                const std::pair<QString, QString> texts[] = {
                    {QStringLiteral("body"), decl.content.body},
                    {QStringLiteral("html"), decl.content.html}};
                for (const auto &[what, value] : texts) {
                    if (const char32_t u = firstCharOutside(value, name)) {
                        error(charset->valueAt,
                              QStringLiteral("'charset': the %1 has the character '%2', which "
                                             "%3 cannot hold; use utf-8, or leave 'charset' out "
                                             "to let the user agent choose")
                                  .arg(what, QString::fromUcs4(&u, 1), name));
                        break;
                    }
                }
            }
        }
    }
    forEachItem(*m, "attachments", keys[9].expected, [&](const YAML::Node &item, int i) {
        if (std::optional<world::AttachmentSpec> a = readAttachment(item, i))
            decl.content.attachments.push_back(std::move(*a));
    });
    m_messages.push_back(decl);
}

std::optional<world::AttachmentSpec> Loader::readAttachment(const YAML::Node &node, int index)
{
    const std::vector<KeySpec> keys = {
        {"name", false, kFileNameExpected},
        {"type", false, kMediaTypeExpected},
        {"file", false, QStringLiteral("the path of a file, from the folder of the scenario file")},
        {"base64", false, QStringLiteral("the bytes of the file in base64")},
    };
    const std::optional<Fields> m =
        fields(node, at(node), QStringLiteral("attachment %1").arg(index + 1),
               QStringLiteral("an attachment such as { file: timetable.txt } or { name: a.txt, "
                              "base64: SGVsbG8= }"),
               QStringLiteral("in this attachment"), keys);
    if (!m)
        return std::nullopt;
    const Field *file = m->get("file");
    const Field *base64 = m->get("base64");
    if (file && base64) {
        error(base64->keyAt, QStringLiteral("this attachment has both 'file' and 'base64'; keep "
                                            "one"));
        return std::nullopt;
    }
    if (!file && !base64) {
        error(m->at, QStringLiteral("this attachment needs its bytes: 'file' (a file, its path "
                                    "taken from the folder of the scenario file) or 'base64' "
                                    "(the bytes written in base64)"));
        return std::nullopt;
    }
    world::AttachmentSpec a;
    bool ok = true;
    if (const Field *name = m->get("name")) {
        const std::optional<QString> s = scalar(*name, kFileNameExpected);
        a.name = s.value_or(QString());
        if (s && !isFileName(*s))
            wrongValue(*name, kFileNameExpected);
        ok = s && isFileName(*s);
    } else if (base64) {
        error(m->at, QStringLiteral("missing 'name' in this attachment: expected the file name "
                                    "the recipient sees, such as timetable.txt"));
        ok = false;
    }
    a.mediaType = QStringLiteral("application/octet-stream");
    if (const Field *type = m->get("type")) {
        const std::optional<QString> s = scalar(*type, kMediaTypeExpected);
        if (s && isMediaType(*s))
            a.mediaType = s->toLower();
        else if (s)
            wrongValue(*type, kMediaTypeExpected);
        ok = ok && s && isMediaType(*s);
    }

    if (base64) {
        if (base64->value.IsNull()) {
            error(base64->keyAt, QStringLiteral("'base64' is empty: expected the bytes of the "
                                                "file in base64; write \"\" for an empty file"));
            return std::nullopt;
        }
        const std::optional<QString> s = scalar(*base64, keys[3].expected);
        if (!s)
            return std::nullopt;
        qsizetype bad = -1;
        QString problem;
        std::optional<QByteArray> bytes = decodeBase64Strictly(*s, &bad, &problem);
        if (!bytes) {
            error(bad < 0 ? base64->valueAt : inValue(*base64, bad),
                  QStringLiteral("'base64': %1").arg(problem));
            return std::nullopt;
        }
        a.content = std::move(*bytes);
        return ok ? std::optional(a) : std::nullopt;
    }

    const std::optional<QString> path = scalar(*file, keys[2].expected);
    if (!path)
        return std::nullopt;
    if (path->trimmed().isEmpty()) {
        error(file->keyAt, QStringLiteral("'file' is empty: expected %1").arg(keys[2].expected));
        return std::nullopt;
    }
    a.sourceFile = *path;
    if (!m->get("name"))
        a.name = QFileInfo(*path).fileName();
    const QFileInfo info(QDir(m_baseDirectory), *path);
    if (info.isDir()) {
        error(file->valueAt,
              QStringLiteral("'file': '%1' is a folder; expected a file").arg(*path));
        return std::nullopt;
    }
    if (!info.exists()) {
        error(file->valueAt, QStringLiteral("'file': there is no file '%1' (the path is taken "
                                            "from the folder of the scenario file)")
                                 .arg(*path));
        return std::nullopt;
    }
    if (info.size() > kMaxAttachmentSize) {
        error(file->valueAt, QStringLiteral("'file': '%1' is larger than the %2MB an attachment "
                                            "may have")
                                 .arg(*path)
                                 .arg(kMaxAttachmentSize / 1024 / 1024));
        return std::nullopt;
    }
    QFile f(info.filePath());
    if (!f.open(QIODevice::ReadOnly)) {
        error(file->valueAt,
              QStringLiteral("'file': cannot read '%1': %2").arg(*path, f.errorString()));
        return std::nullopt;
    }
    a.content = f.readAll();
    if (!isFileName(a.name)) {
        error(file->valueAt,
              QStringLiteral("'file': '%1' does not end in a file name; add 'name'").arg(*path));
        return std::nullopt;
    }
    return ok ? std::optional(a) : std::nullopt;
}

void Loader::readTimelineEntry(const YAML::Node &node, int index)
{
    using FaultKind = world::FaultSpec::Kind;
    QStringList faultNames;
    for (const FaultKind k : kFaultKinds)
        faultNames << QLatin1String(faultKindName(k));
    const QString faultExpected = QStringLiteral("one of ") + listing(faultNames, false);
    const std::vector<KeySpec> keys = {
        {"at", true, kTimeExpected},
        {"send", false, QStringLiteral("the id of a message")},
        {"read", false, QStringLiteral("the address of the user who reads their mailbox")},
        {"fault", false, faultExpected},
        {"actions", false,
         QStringLiteral("a list of things to do in the mailbox with IMAP, such as - { "
                        "mark-read: { subject: Lunch } }")},
        {"mistake", false, kMistakeExpected},
        {"host", false, QStringLiteral("the host name of a mail server, such as mail.example.net")},
        {"between", false, kBetweenExpected},
        {"latency", false,
         QStringLiteral("the link's new one-way latency, a duration longer than 0s such as 2s")},
        {"domain", false, QStringLiteral("one of the domains, such as example.net")},
    };
    const std::size_t errorsBefore = m_errors.size();
    const std::optional<Fields> m =
        fields(node, at(node), QStringLiteral("timeline entry %1").arg(index + 1),
               QStringLiteral("an event such as { at: 0s, send: lunch } or { at: 2s, read: "
                              "bob@example.net }"),
               QStringLiteral("in this timeline entry"), keys);
    if (!m)
        return;

    // An entry does one thing: send, read, or a fault. The second of two is the one reported,
    // as that is where the reader's eye stops.
    std::vector<const Field *> doing;
    for (const char *key : {"send", "read", "fault"}) {
        if (const Field *f = m->get(key))
            doing.push_back(f);
    }
    std::sort(doing.begin(), doing.end(),
              [](const Field *a, const Field *b) { return before(a->keyAt, b->keyAt); });
    if (doing.size() > 1) {
        error(doing[1]->keyAt, QStringLiteral("this timeline entry has both '%1' and '%2'; write "
                                              "one entry for each")
                                   .arg(doing[0]->name, doing[1]->name));
        return;
    }
    if (doing.empty()) {
        error(m->at, QStringLiteral("this timeline entry needs 'send' (the id of a message), "
                                    "'read' (the address of a user) or 'fault' (something that "
                                    "goes wrong, such as server-down)"));
        return;
    }
    const Field *send = m->get("send");
    const Field *read = m->get("read");
    const Field *fault = m->get("fault");
    TimelineDecl decl;
    decl.kind = send ? TimelineDecl::Kind::Send
                     : read ? TimelineDecl::Kind::Read : TimelineDecl::Kind::Fault;

    const Field *when = m->get("at");
    const std::optional<SimTime> time = when ? timelineTime(*when) : std::nullopt;
    // When the time is wrong, that is reported; the file fails.
    decl.at = time.value_or(0);

    // Keys that only one kind of entry takes.
    if (const Field *actions = m->get("actions")) {
        if (!read) {
            error(actions->keyAt, QStringLiteral("'actions' belong to a 'read' entry: they are "
                                                 "what the user does in their mailbox"));
        } else {
            decl.actionsAt = actions->keyAt;
            decl.actions = readActions(*actions);
        }
    }
    if (const Field *mistake = m->get("mistake")) {
        if (!send) {
            error(mistake->keyAt, QStringLiteral("'mistake' belongs to a 'send' entry: it is a "
                                                 "mistake the user agent makes while sending"));
        } else if (const std::optional<QString> v = scalar(*mistake, kMistakeExpected)) {
            using Mistake = world::SendSpec::Mistake;
            if (*v == QLatin1String(mistakeName(Mistake::Typo))) {
                decl.mistake = Mistake::Typo;
            } else if (*v == QLatin1String(mistakeName(Mistake::OutOfOrder))) {
                decl.mistake = Mistake::OutOfOrder;
            } else {
                const QString suggestion =
                    closest(*v, {QLatin1String(mistakeName(Mistake::Typo)),
                                 QLatin1String(mistakeName(Mistake::OutOfOrder))});
                wrongValue(*mistake, kMistakeExpected);
                if (!suggestion.isEmpty())
                    m_errors.back().message +=
                        QStringLiteral("; did you mean '%1'?").arg(suggestion);
            }
        }
    }
    const char *const faultKeys[] = {"host", "between", "latency", "domain"};
    if (!fault) {
        for (const char *key : faultKeys) {
            if (const Field *f = m->get(key))
                error(f->keyAt, QStringLiteral("'%1' belongs to a 'fault' entry, not to a '%2' "
                                               "entry")
                                    .arg(f->name, send ? QStringLiteral("send")
                                                       : QStringLiteral("read")));
        }
        const Field &what = send ? *send : *read;
        decl.refAt = what.valueAt;
        const std::optional<QString> ref = scalar(what, keys[send ? 1 : 2].expected);
        if (!ref)
            return;
        decl.ref = *ref;
        m_timeline.push_back(decl);
        return;
    }

    // A fault: its kind says which of the fault keys it takes.
    const std::optional<QString> kindName = scalar(*fault, faultExpected);
    if (!kindName)
        return;
    const auto kind = std::find_if(kFaultKinds.begin(), kFaultKinds.end(), [&](FaultKind k) {
        return *kindName == QLatin1String(faultKindName(k));
    });
    if (kind == kFaultKinds.end()) {
        const QString suggestion = closest(*kindName, faultNames);
        wrongValue(*fault, faultExpected);
        if (!suggestion.isEmpty())
            m_errors.back().message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
        return; // which keys belong cannot be told
    }
    decl.fault.kind = *kind;
    const bool onLink =
        *kind == FaultKind::LinkDown || *kind == FaultKind::LinkUp || *kind == FaultKind::LinkSlow;
    QStringList takes;
    if (*kind == FaultKind::NoMx)
        takes << QStringLiteral("domain");
    else if (onLink)
        takes << QStringLiteral("between");
    else
        takes << QStringLiteral("host");
    if (*kind == FaultKind::LinkSlow)
        takes << QStringLiteral("latency");
    const QString kindText = *kindName;
    for (const char *key : faultKeys) {
        const Field *f = m->get(key);
        if (!f || takes.contains(QLatin1String(key)))
            continue;
        QString message = QStringLiteral("'%1' does not belong to a %2 fault, which takes %3")
                              .arg(f->name, kindText, listing(takes, true));
        if (onLink && f->name == QLatin1String("latency"))
            message += QStringLiteral("; to make a link slow, write fault: link-slow");
        error(f->keyAt, message);
    }
    // A misspelt key has been reported with a suggestion; it is not reported as missing too.
    QStringList keyNames;
    for (const KeySpec &k : keys)
        keyNames << QLatin1String(k.name);
    QStringList misspelt;
    for (const auto &kv : node) {
        if (!kv.first.IsScalar())
            continue;
        const QString name = QString::fromStdString(kv.first.Scalar());
        if (!keyNames.contains(name))
            misspelt << closest(name, keyNames);
    }
    for (const QString &key : takes) {
        if (m->get(key.toLatin1().constData()) || misspelt.contains(key))
            continue;
        const auto spec = std::find_if(keys.begin(), keys.end(), [&](const KeySpec &k) {
            return key == QLatin1String(k.name);
        });
        error(m->at, QStringLiteral("missing '%1' in this %2 fault: expected %3")
                         .arg(key, kindText, spec->expected));
    }
    if (takes.contains(QLatin1String("host")))
        decl.fault.host = hostName(*m, "host", &decl.hostAt);
    if (const Field *between = m->get("between"); between && onLink) {
        decl.betweenAt = between->valueAt;
        readBetween(*between, &decl.fault.host, &decl.hostAt, &decl.fault.other, &decl.otherAt);
    }
    if (m->get("latency") && *kind == FaultKind::LinkSlow)
        decl.fault.latency = duration(*m, "latency", false).value_or(0);
    if (const Field *domain = m->get("domain"); domain && *kind == FaultKind::NoMx) {
        decl.domainAt = domain->valueAt;
        if (const std::optional<QString> d = scalar(*domain, kDomainExpected)) {
            decl.fault.domain = *d;
            if (!isHostName(*d))
                wrongValue(*domain, kDomainExpected);
        }
    }
    // With anything wrong, the names are not checked against the rest of the file: the
    // fault is not kept, and the file fails anyway.
    if (m_errors.size() == errorsBefore)
        m_timeline.push_back(decl);
}

// Each action is a mapping of one key, the action's name, as in { flag: { subject: Lunch } }:
// the name comes first when read aloud, and a list of them reads like a to-do list.
std::vector<world::MailboxActionSpec> Loader::readActions(const Field &f)
{
    using Kind = world::MailboxActionSpec::Kind;
    std::vector<world::MailboxActionSpec> result;
    const QString listExpected =
        QStringLiteral("a list of mailbox actions, such as - { mark-read: { subject: Lunch } }");
    if (f.value.IsNull())
        return result; // an empty list is no list, as for the sections
    if (!isList(f, listExpected))
        return result;
    static const std::pair<const char *, Kind> names[] = {
        {"mark-read", Kind::MarkRead}, {"mark-unread", Kind::MarkUnread},
        {"flag", Kind::Flag},          {"unflag", Kind::Unflag},
        {"delete", Kind::Delete},      {"move", Kind::Move},
        {"copy", Kind::Copy},          {"create-folder", Kind::CreateFolder},
        {"idle", Kind::Idle},
    };
    QStringList allNames;
    for (const auto &[name, kind] : names)
        allNames << QString::fromLatin1(name);
    const QString itemExpected = QStringLiteral(
        "one action such as { mark-read: { subject: Lunch } }, { move: { subject: Lunch, to: "
        "Archive } }, { create-folder: Archive } or { idle: 30s }");
    int index = 0;
    for (const auto &item : f.value) {
        ++index;
        const QString subject = QStringLiteral("action %1").arg(index);
        if (!item.IsMap() || item.size() != 1) {
            if (item.IsMap() && item.size() > 1)
                error(at(item), QStringLiteral("%1 has %2 keys: an action is one key, its "
                                               "name, such as { flag: { subject: Lunch } }; "
                                               "write one entry for each")
                                    .arg(subject)
                                    .arg(item.size()));
            else
                wrongItem(item, subject, itemExpected);
            continue;
        }
        const auto kv = *item.begin();
        Field field{kv.first, kv.second, at(kv.first), {}, {}};
        field.valueAt = kv.second.IsNull() ? field.keyAt : at(kv.second);
        field.name = kv.first.IsScalar() ? QString::fromStdString(kv.first.Scalar()) : QString();
        const auto known =
            std::find_if(std::begin(names), std::end(names),
                         [&](const auto &n) { return field.name == QLatin1String(n.first); });
        if (known == std::end(names)) {
            const QString suggestion = closest(field.name, allNames);
            error(field.keyAt,
                  QStringLiteral("unknown action '%1'%2")
                      .arg(field.name,
                           suggestion.isEmpty()
                               ? QStringLiteral("; the actions are ") + listing(allNames, true)
                               : QStringLiteral("; did you mean '%1'?").arg(suggestion)));
            continue;
        }
        world::MailboxActionSpec action;
        action.kind = known->second;
        bool ok = true;
        switch (action.kind) {
        case Kind::MarkRead:
        case Kind::MarkUnread:
        case Kind::Flag:
        case Kind::Unflag:
        case Kind::Delete:
            ok = readSelector(field, action, false);
            break;
        case Kind::Move:
        case Kind::Copy:
            ok = readSelector(field, action, true);
            break;
        case Kind::CreateFolder: {
            const std::optional<QString> name = folderName(field);
            ok = name.has_value();
            action.folder = name.value_or(QString());
            break;
        }
        case Kind::Idle: {
            Fields one;
            one.byName.emplace("idle", field);
            const std::optional<SimTime> d = duration(one, "idle", false);
            ok = d.has_value();
            action.duration = d.value_or(0);
            break;
        }
        }
        if (ok)
            result.push_back(action);
    }
    return result;
}

bool Loader::readSelector(const Field &f, world::MailboxActionSpec &action, bool withTarget)
{
    const QString expected =
        withTarget ? QStringLiteral("the messages and the folder, such as { subject: Lunch, to: "
                                    "Archive }")
                   : kSelectorExpected;
    if (f.value.IsScalar() && !withTarget) {
        if (f.value.Scalar() == "all")
            return true;
        wrongValue(f, expected);
        return false;
    }
    std::vector<KeySpec> keys = {
        {"subject", false, QStringLiteral("a text the Subject contains, such as Lunch")},
        {"from", false, QStringLiteral("a text the From field contains, such as alice")},
    };
    if (withTarget)
        keys.push_back({"to", true, kFolderExpected});
    const std::optional<Fields> m =
        fields(f.value, f.value.IsNull() ? f.keyAt : f.valueAt, QStringLiteral("'%1'").arg(f.name),
               expected, QStringLiteral("in '%1'").arg(f.name), keys);
    if (!m)
        return false;
    const std::size_t errorsBefore = m_errors.size();
    for (const char *key : {"subject", "from"}) {
        const Field *g = m->get(key);
        if (!g)
            continue;
        const QString value = text(*m, key, keys[key == std::string_view("subject") ? 0 : 1].expected, true);
        if (value.isEmpty())
            error(g->keyAt, QStringLiteral("'%1' is empty; leave it out to pick every message")
                                .arg(g->name));
        (key == std::string_view("subject") ? action.subject : action.from) = value;
    }
    if (withTarget) {
        const Field *to = m->get("to");
        if (!to)
            return false;
        const std::optional<QString> name = folderName(*to);
        if (!name)
            return false;
        action.folder = *name;
    }
    return m_errors.size() == errorsBefore;
}

std::optional<QString> Loader::folderName(const Field &f)
{
    const std::optional<QString> s = scalar(f, kFolderExpected);
    if (!s)
        return std::nullopt;
    QString problem;
    if (s->trimmed().isEmpty())
        problem = QStringLiteral("the name is empty");
    else if (s->startsWith(QLatin1Char('/')) || s->endsWith(QLatin1Char('/')))
        problem = QStringLiteral("a folder name may not start or end with '/'");
    else if (s->contains(QLatin1String("//")))
        problem = QStringLiteral("'//' would make a level without a name");
    else if (std::any_of(s->begin(), s->end(),
                         [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; }))
        problem = QStringLiteral("a folder name may not hold control characters");
    if (problem.isEmpty())
        return s;
    error(f.value.IsNull() ? f.keyAt : f.valueAt,
          QStringLiteral("'%1': expected %2; %3").arg(f.name, kFolderExpected, problem));
    return std::nullopt;
}

// Flags as IMAP spells them, one or a list; the system flags in any case (stored in the
// store's spelling), keywords as atoms. A keyword that is a system flag's name without its
// backslash is almost certainly a forgotten backslash, so it is refused with that hint.
QStringList Loader::flagList(const Fields &m, const char *key, SourceLocation *where)
{
    QStringList result;
    const Field *f = m.get(key);
    if (!f)
        return result;
    if (where)
        *where = f->keyAt;
    auto one = [&](const YAML::Node &node, const QString &subject) {
        if (!node.IsScalar()) {
            wrongItem(node, subject, kFlagExpected);
            return;
        }
        const QString flag = QString::fromStdString(node.Scalar());
        const QByteArray canonical = store::canonicalFlag(flag.toUtf8());
        for (const char *system : {store::kSeen, store::kAnswered, store::kFlagged,
                                   store::kDeleted, store::kDraft}) {
            if (flag.compare(QLatin1String(system + 1), Qt::CaseInsensitive) == 0) {
                error(at(node), QStringLiteral("%1: '%2' would be a keyword of that name; the "
                                               "system flag is written with a backslash: %3")
                                    .arg(subject, flag, QLatin1String(system)));
                return;
            }
        }
        if (canonical.isEmpty()) {
            QString why;
            if (flag.compare(QLatin1String("\\Recent"), Qt::CaseInsensitive) == 0)
                why = QStringLiteral("; \\Recent is the server's own and cannot be checked here");
            error(at(node), QStringLiteral("%1: expected %2, not %3%4")
                                .arg(subject, kFlagExpected, describe(node), why));
            return;
        }
        const QString name = QString::fromUtf8(canonical);
        if (result.contains(name, Qt::CaseInsensitive)) {
            error(at(node), QStringLiteral("%1: %2 is listed twice").arg(subject, name));
            return;
        }
        result << name;
    };
    if (f->value.IsScalar()) {
        one(f->value, QStringLiteral("'%1'").arg(f->name));
    } else if (f->value.IsSequence() && f->value.size() > 0) {
        for (const auto &item : f->value)
            one(item, QStringLiteral("an entry of '%1'").arg(f->name));
    } else {
        wrongValue(*f, QStringLiteral("a list of flags, such as [\\Seen, \\Flagged]"));
    }
    return result;
}

void Loader::readExpectation(const YAML::Node &node, int index)
{
    const QString subject = QStringLiteral("expectation %1").arg(index + 1);
    const QString expected =
        QStringLiteral("an expectation such as { mailbox: bob@example.net, count: 1 }");
    const QString context = QStringLiteral("in this expectation");
    // The key that says what is checked; the first is the one suggested when none is given.
    static const char *const kinds[] = {
        "mailbox",      "reply-seen",          "reply-not-seen",        "queue-empty",
        "hops",         "pop3-reply",          "pop3-reply-not-seen",   "imap-reply",
        "imap-reply-not-seen", "http-status",  "http-status-not-seen",  "flags",
        "fetched"};
    QStringList kindNames;
    for (const char *kind : kinds)
        kindNames << QString::fromLatin1(kind);
    QStringList present;
    if (node.IsMap()) {
        for (const auto &kv : node) {
            if (!kv.first.IsScalar())
                continue;
            const QString key = QString::fromStdString(kv.first.Scalar());
            if (kindNames.contains(key) && !present.contains(key))
                present << key;
        }
    }
    if (present.size() > 1) {
        error(at(node), QStringLiteral("an expectation checks one thing, but this one has %1; "
                                       "write one entry for each")
                            .arg(listing(present, true)));
        return;
    }
    const QString kind = present.value(0);
    const QString codeExpected = QStringLiteral("an SMTP reply code from 200 to 599, such as 250");
    const QString userExpected = QStringLiteral("the address of one of the users");
    const QString pop3Expected = QStringLiteral("a POP3 reply: +OK or -ERR");
    const QString imapExpected =
        QStringLiteral("the result of an IMAP command: OK, NO or BAD (write \"NO\" in quotes)");
    const QString httpExpected =
        QStringLiteral("an HTTP status code from 100 to 599, such as 200 or 401");
    const QString folderKey =
        QStringLiteral("the folder, such as Archive; INBOX when left out");
    const std::string k = kind.toStdString();
    std::vector<KeySpec> keys;
    if (kind == QLatin1String("mailbox")) {
        keys = {{"mailbox", true, userExpected},
                {"count", true, QStringLiteral("the number of messages, 0 or more")},
                {"subject", false, QStringLiteral("the subject of the messages to count")},
                {"attachment", false,
                 QStringLiteral("the file name of an attachment the messages to count carry")},
                {"folder", false, folderKey}};
    } else if (kind == QLatin1String("hops")) {
        keys = {{"hops", true, userExpected},
                {"servers", true,
                 QStringLiteral("how many mail servers the message passed through, 1 or more")},
                {"subject", false, QStringLiteral("the subject of the message")}};
    } else if (kind == QLatin1String("reply-seen") || kind == QLatin1String("reply-not-seen")) {
        keys = {{kinds[kind == QLatin1String("reply-seen") ? 1 : 2], true, codeExpected}};
    } else if (kind == QLatin1String("queue-empty")) {
        keys = {
            {"queue-empty", true, QStringLiteral("the host name or the domain of a mail server")}};
    } else if (kind.startsWith(QLatin1String("pop3-"))) {
        keys = {{kinds[kind.endsWith(QLatin1String("not-seen")) ? 6 : 5], true, pop3Expected}};
    } else if (kind.startsWith(QLatin1String("imap-"))) {
        keys = {{kinds[kind.endsWith(QLatin1String("not-seen")) ? 8 : 7], true, imapExpected}};
    } else if (kind.startsWith(QLatin1String("http-"))) {
        keys = {{kinds[kind.endsWith(QLatin1String("not-seen")) ? 10 : 9], true, httpExpected}};
    } else if (kind == QLatin1String("flags")) {
        keys = {{"flags", true, userExpected},
                {"subject", false, QStringLiteral("the subject of the messages to look at")},
                {"folder", false, folderKey},
                {"has", false, QStringLiteral("the flags they carry, such as [\\Seen]")},
                {"lacks", false, QStringLiteral("the flags they do not carry, such as [\\Flagged]")}};
    } else if (kind == QLatin1String("fetched")) {
        keys = {{"fetched", true, userExpected},
                {"count", true,
                 QStringLiteral("how many messages the user agent fetched in all, 0 or more")}};
    } else {
        for (const char *name : kinds)
            keys.push_back({name, false, {}});
        for (const char *name : {"count", "subject", "attachment", "servers", "folder", "has",
                                 "lacks"})
            keys.push_back({name, false, {}});
    }
    const std::optional<Fields> m = fields(node, at(node), subject, expected, context, keys);
    if (!m)
        return;
    if (kind.isEmpty()) {
        error(m->at, QStringLiteral("this expectation does not say what to check: expected one "
                                    "of %1")
                         .arg(listing(kindNames, true)));
        return;
    }
    ExpectDecl decl;
    Expectation &e = decl.expectation;
    e.where = m->at;
    auto subjectOf = [&]() {
        const Field *f = m->get("subject");
        if (!f)
            return QString();
        const QString s = text(*m, "subject", QStringLiteral("the subject of the message"), true);
        if (s.isEmpty())
            error(f->keyAt, QStringLiteral("'subject' is empty; leave it out to count every "
                                           "message"));
        return s;
    };
    auto folderOf = [&]() {
        const Field *f = m->get("folder");
        return f ? folderName(*f).value_or(QString()) : QString();
    };
    if (kind == QLatin1String("mailbox") || kind == QLatin1String("hops")) {
        const bool mailbox = kind == QLatin1String("mailbox");
        e.kind = mailbox ? Expectation::Kind::MailboxCount : Expectation::Kind::Hops;
        e.user = mailAddress(*m, mailbox ? "mailbox" : "hops", &decl.userAt);
        e.count =
            static_cast<int>(integer(*m, mailbox ? "count" : "servers", mailbox ? 0 : 1, 1000000,
                                     mailbox ? QStringLiteral("a whole number of 0 or more")
                                             : QStringLiteral("a whole number of 1 or more"))
                                 .value_or(0));
        e.subject = subjectOf();
        if (const Field *a = m->get("attachment")) {
            const std::optional<QString> s = scalar(*a, kFileNameExpected);
            if (s && !isFileName(*s))
                wrongValue(*a, kFileNameExpected);
            e.attachment = s.value_or(QString());
        }
        if (mailbox)
            e.folder = folderOf();
    } else if (kind == QLatin1String("queue-empty")) {
        e.kind = Expectation::Kind::QueueEmpty;
        e.server = hostName(*m, "queue-empty", &decl.serverAt);
    } else if (kind == QLatin1String("reply-seen") || kind == QLatin1String("reply-not-seen")) {
        const bool seen = kind == QLatin1String("reply-seen");
        e.kind = seen ? Expectation::Kind::ReplySeen : Expectation::Kind::ReplyNotSeen;
        e.code = static_cast<int>(
            integer(*m, seen ? "reply-seen" : "reply-not-seen", 200, 599, codeExpected)
                .value_or(0));
    } else if (kind == QLatin1String("flags")) {
        e.kind = Expectation::Kind::Flags;
        e.user = mailAddress(*m, "flags", &decl.userAt);
        e.subject = subjectOf();
        e.folder = folderOf();
        SourceLocation hasAt;
        SourceLocation lacksAt;
        e.flags = flagList(*m, "has", &hasAt);
        e.withoutFlags = flagList(*m, "lacks", &lacksAt);
        if (!m->get("has") && !m->get("lacks"))
            error(m->at, QStringLiteral("this expectation names no flag: add 'has' (flags the "
                                        "messages carry) or 'lacks' (flags they do not), such "
                                        "as has: [\\Seen]"));
        for (const QString &flag : e.flags) {
            if (e.withoutFlags.contains(flag, Qt::CaseInsensitive))
                error(lacksAt, QStringLiteral("%1 is in both 'has' (line %2) and 'lacks'; a "
                                              "message cannot both carry it and not")
                                   .arg(flag)
                                   .arg(hasAt.line));
        }
    } else if (kind == QLatin1String("fetched")) {
        e.kind = Expectation::Kind::Fetched;
        e.user = mailAddress(*m, "fetched", &decl.userAt);
        e.count = static_cast<int>(
            integer(*m, "count", 0, 1000000, QStringLiteral("a whole number of 0 or more"))
                .value_or(0));
    } else {
        const bool seen = !kind.endsWith(QLatin1String("-not-seen"));
        e.kind = seen ? Expectation::Kind::AccessReplySeen : Expectation::Kind::AccessReplyNotSeen;
        e.protocol = kind.section(QLatin1Char('-'), 0, 0);
        const Field *f = m->get(k.c_str());
        if (!f)
            return;
        if (e.protocol == QLatin1String("http")) {
            e.code = static_cast<int>(integer(*m, k.c_str(), 100, 599, httpExpected).value_or(0));
        } else {
            const bool pop3 = e.protocol == QLatin1String("pop3");
            const QStringList allowed =
                pop3 ? QStringList{QStringLiteral("+OK"), QStringLiteral("-ERR")}
                     : QStringList{QStringLiteral("OK"), QStringLiteral("NO"), QStringLiteral("BAD")};
            const std::optional<QString> s = scalar(*f, pop3 ? pop3Expected : imapExpected);
            if (!s)
                return;
            // PyYAML and other YAML 1.1 readers take a bare NO for "false"; yaml-cpp keeps
            // the text, but the hint to quote it is given all the same.
            if (!allowed.contains(*s)) {
                QString hint;
                const QString upper = s->toUpper();
                if (allowed.contains(upper))
                    hint = QStringLiteral("; write it in capitals: %1").arg(upper);
                else if (pop3 && (upper == QLatin1String("OK") || upper == QLatin1String("ERR")))
                    hint = QStringLiteral("; POP3 replies start with a sign: %1")
                               .arg(upper == QLatin1String("OK") ? QStringLiteral("+OK")
                                                                 : QStringLiteral("-ERR"));
                else if (!pop3 && (upper == QLatin1String("+OK") || upper == QLatin1String("-ERR")))
                    hint = QStringLiteral("; that is how POP3 answers; IMAP answers OK, NO or BAD");
                wrongValue(*f, pop3 ? pop3Expected : imapExpected);
                m_errors.back().message += hint;
                return;
            }
            e.status = *s;
        }
    }
    m_expectations.push_back(decl);
}

// ----------------------------------------------------------------------------------------
// Checks across the file

const HostDecl *Loader::findHost(const QString &name) const
{
    for (const HostDecl &h : m_hosts) {
        if (!h.name.isEmpty() && h.name.compare(name, Qt::CaseInsensitive) == 0)
            return &h;
    }
    return nullptr;
}

const AccessDecl *Loader::accessOf(const QString &address) const
{
    for (std::size_t i = 0; i < m_users.size() && i < m_access.size(); ++i) {
        if (!m_users[i].name.isEmpty() &&
            m_users[i].name.compare(address, Qt::CaseInsensitive) == 0)
            return &m_access[i];
    }
    return nullptr;
}

bool Loader::isUser(const QString &address) const
{
    return std::any_of(m_users.begin(), m_users.end(), [&](const NamedDecl &u) {
        return !u.name.isEmpty() && u.name.compare(address, Qt::CaseInsensitive) == 0;
    });
}

void Loader::unknownHost(SourceLocation where, const QString &name, const QString &what)
{
    if (!m_hostsComplete)
        return;
    QStringList names;
    for (const HostDecl &h : m_hosts) {
        if (!h.name.isEmpty() && !names.contains(h.name, Qt::CaseInsensitive))
            names << h.name;
    }
    const QString suggestion = closest(name, names);
    QString message = QStringLiteral("%1 names an unknown host '%2'").arg(what, name);
    if (!suggestion.isEmpty())
        message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
    else if (!names.isEmpty() && names.size() <= 8)
        message += QStringLiteral("; ") +
                   theOnes(QStringLiteral("hosts"), QStringLiteral("host"), names, false);
    else
        message += QStringLiteral("; expected the host name of the DNS server, a router, a "
                                  "mail server or a user's computer");
    error(where, message);
}

void Loader::unknownUser(SourceLocation where, const QString &address, const QString &what)
{
    if (!m_usersComplete)
        return;
    QStringList names;
    for (const NamedDecl &u : m_users) {
        if (!u.name.isEmpty())
            names << u.name;
    }
    const QString suggestion = closest(address, names);
    QString message = QStringLiteral("'%1' is not one of the users; %2").arg(address, what);
    if (!suggestion.isEmpty())
        message += QStringLiteral(" (did you mean '%1'?)").arg(suggestion);
    else if (!names.isEmpty() && names.size() <= 6)
        message += QStringLiteral(" (%1)").arg(
            theOnes(QStringLiteral("users"), QStringLiteral("user"), names, false));
    error(where, message);
}

void Loader::checkHosts()
{
    m_hostsComplete = std::all_of(m_hosts.begin(), m_hosts.end(),
                                  [](const HostDecl &h) { return isHostName(h.name); });
    // Hosts that could not be read at all (a server without 'host'...) leave no decl.
    for (const world::ServerSpec &server : m_world.servers)
        m_hostsComplete = m_hostsComplete && isHostName(server.settings.hostname);
    for (const world::UserSpec &user : m_world.users)
        m_hostsComplete = m_hostsComplete && isHostName(user.uaHost);
    m_usersComplete = std::all_of(m_users.begin(), m_users.end(),
                                  [](const NamedDecl &u) { return isMailAddress(u.name); });
    std::vector<const HostDecl *> hosts;
    for (const HostDecl &h : m_hosts)
        hosts.push_back(&h);
    std::stable_sort(hosts.begin(), hosts.end(), [](const HostDecl *a, const HostDecl *b) {
        return before(a->nameAt, b->nameAt);
    });
    QHash<QString, const HostDecl *> byName;
    QHash<QString, const HostDecl *> byAddress;
    for (const HostDecl *h : hosts) {
        if (!h->name.isEmpty() && isHostName(h->name)) {
            const QString key = h->name.toLower();
            if (const HostDecl *first = byName.value(key)) {
                if (h->isUser && first->isUser && h->address == first->address)
                    continue; // a computer shared by two users
                error(h->nameAt, QStringLiteral("the host name '%1' is already used by %2 (line "
                                                "%3); every host needs a name of its own")
                                     .arg(h->name, first->owner)
                                     .arg(first->nameAt.line));
            } else {
                byName.insert(key, h);
            }
        }
        if (!h->address.isEmpty() && isIpv4(h->address)) {
            if (const HostDecl *first = byAddress.value(h->address)) {
                error(h->addressAt, QStringLiteral("the address %1 is already used by %2 (line "
                                                   "%3); every host needs an address of its own")
                                        .arg(h->address, first->owner)
                                        .arg(first->addressAt.line));
            } else {
                byAddress.insert(h->address, h);
            }
        }
    }
}

void Loader::checkDomainsAndUsers()
{
    QHash<QString, const NamedDecl *> domains;
    for (const NamedDecl &d : m_domains) {
        if (d.name.isEmpty())
            continue;
        const QString key = d.name.toLower();
        if (const NamedDecl *first = domains.value(key))
            error(d.at, QStringLiteral("the domain '%1' is already listed (line %2); a domain "
                                       "has one mail server")
                            .arg(d.name)
                            .arg(first->at.line));
        else
            domains.insert(key, &d);
    }
    QHash<QString, const NamedDecl *> users;
    for (const NamedDecl &u : m_users) {
        if (u.name.isEmpty() || !isMailAddress(u.name))
            continue;
        const QString key = u.name.toLower();
        if (const NamedDecl *first = users.value(key)) {
            error(u.at, QStringLiteral("the user '%1' is already listed (line %2)")
                            .arg(u.name)
                            .arg(first->at.line));
            continue;
        }
        users.insert(key, &u);
        const QString domain = domainOf(u.name);
        const bool domainsComplete =
            std::all_of(m_domains.begin(), m_domains.end(),
                        [](const NamedDecl &d) { return isHostName(d.name); });
        if (domainsComplete && !domains.contains(domain.toLower())) {
            QStringList names;
            for (const NamedDecl &d : m_domains) {
                if (!d.name.isEmpty())
                    names << d.name;
            }
            const QString suggestion = closest(domain, names);
            error(u.at,
                  QStringLiteral("no mail server for the domain %1 of this user: add %1 "
                                 "under 'domains', or correct the address%2")
                      .arg(domain, suggestion.isEmpty()
                                       ? QString()
                                       : QStringLiteral(" (did you mean %1?)").arg(suggestion)));
        }
    }
}

// A user agent may submit to another domain's server (where it is a stranger); but the server
// must be one of the scenario's.
void Loader::checkSubmitTo()
{
    QStringList names;
    if (!serverNames(&names))
        return; // a server that could not be read may be the one meant
    for (const NamedDecl &d : m_submitTo) {
        if (d.name.trimmed().isEmpty() || names.contains(d.name, Qt::CaseInsensitive))
            continue;
        noSuchServer(d.at, QStringLiteral("submit-to"), d.name, names);
    }
}

bool Loader::serverNames(QStringList *names) const
{
    for (const world::ServerSpec &server : m_world.servers) {
        if (!isHostName(server.settings.hostname))
            return false;
        *names << server.settings.hostname;
    }
    return true;
}

void Loader::noSuchServer(SourceLocation where, const QString &key, const QString &name,
                          const QStringList &names)
{
    const QString suggestion = closest(name, names);
    QString message = QStringLiteral("'%1': no mail server is called '%2'").arg(key, name);
    if (const HostDecl *h = findHost(name); h && suggestion.isEmpty())
        message = QStringLiteral("'%1': %2 is %3, not a mail server").arg(key, name, h->owner);
    if (!suggestion.isEmpty())
        message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
    else if (!names.isEmpty() && names.size() <= 8)
        message += QStringLiteral("; ") +
                   theOnes(QStringLiteral("servers"), QStringLiteral("server"), names, false);
    else
        message += QStringLiteral("; expected the host name of one of the domains' servers");
    error(where, message);
}

// The names a fault gives must be a mail server, a link of 'links' or a domain: a fault that
// acted on nothing would leave the class waiting for something that never happens. Names
// are stored as the file declared them elsewhere, so the world can compare them exactly.
void Loader::checkFaults()
{
    using FaultKind = world::FaultSpec::Kind;
    QStringList servers;
    const bool serversComplete = serverNames(&servers);
    QStringList domains;
    bool domainsComplete = true;
    for (const NamedDecl &d : m_domains) {
        domainsComplete = domainsComplete && isHostName(d.name);
        domains << d.name;
    }
    for (TimelineDecl &t : m_timeline) {
        if (t.kind != TimelineDecl::Kind::Fault)
            continue;
        world::FaultSpec &f = t.fault;
        switch (f.kind) {
        case FaultKind::ServerDown:
        case FaultKind::ServerUp:
        case FaultKind::ServerBusy:
        case FaultKind::ServerReady: {
            if (!serversComplete)
                break;
            const qsizetype i = indexIgnoringCase(servers, f.host);
            if (i < 0)
                noSuchServer(t.hostAt, QStringLiteral("host"), f.host, servers);
            else
                f.host = servers[i];
            break;
        }
        case FaultKind::LinkDown:
        case FaultKind::LinkUp:
        case FaultKind::LinkSlow: {
            const HostDecl *a = findHost(f.host);
            const HostDecl *b = findHost(f.other);
            if (!a)
                unknownHost(t.hostAt, f.host, QStringLiteral("this fault"));
            if (!b)
                unknownHost(t.otherAt, f.other, QStringLiteral("this fault"));
            if (!a || !b)
                break;
            if (a == b) {
                error(t.otherAt, QStringLiteral("a link joins two different hosts, but this "
                                                "fault names '%1' twice")
                                     .arg(f.host));
                break;
            }
            f.host = a->name;
            f.other = b->name;
            if (!m_linksComplete)
                break;
            auto joins = [](const LinkDecl &l, const QString &x, const QString &y) {
                return l.link.a.compare(x, Qt::CaseInsensitive) == 0 &&
                       l.link.b.compare(y, Qt::CaseInsensitive) == 0;
            };
            const bool linked =
                std::any_of(m_links.begin(), m_links.end(), [&](const LinkDecl &l) {
                    return joins(l, f.host, f.other) || joins(l, f.other, f.host);
                });
            if (linked)
                break;
            QStringList neighbours;
            for (const LinkDecl &l : m_links) {
                if (l.link.a.compare(f.host, Qt::CaseInsensitive) == 0)
                    neighbours << l.link.b;
                else if (l.link.b.compare(f.host, Qt::CaseInsensitive) == 0)
                    neighbours << l.link.a;
            }
            QString message = QStringLiteral("no link joins %1 and %2: a link fault acts on one "
                                             "of the links under 'links'")
                                  .arg(f.host, f.other);
            if (neighbours.isEmpty())
                message += QStringLiteral("; %1 has no link").arg(f.host);
            else
                message += QStringLiteral("; %1 is linked to %2")
                               .arg(f.host, listing(neighbours, false));
            error(t.betweenAt, message);
            break;
        }
        case FaultKind::NoMx: {
            if (!domainsComplete)
                break;
            const qsizetype i = indexIgnoringCase(domains, f.domain);
            if (i >= 0) {
                f.domain = domains[i];
                break;
            }
            const QString suggestion = closest(f.domain, domains);
            QString message =
                QStringLiteral("'domain': %1 is not one of the domains").arg(f.domain);
            if (!suggestion.isEmpty())
                message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
            else if (domains.size() <= 8)
                message += QStringLiteral("; ") + theOnes(QStringLiteral("domains"),
                                                          QStringLiteral("domain"), domains,
                                                          false);
            error(t.domainAt, message);
            break;
        }
        }
    }
}

void Loader::checkLinks()
{
    std::map<std::pair<QString, QString>, const LinkDecl *> seen;
    for (const LinkDecl &l : m_links) {
        const bool aKnown = findHost(l.link.a) != nullptr;
        const bool bKnown = findHost(l.link.b) != nullptr;
        if (!aKnown)
            unknownHost(l.aAt, l.link.a, QStringLiteral("this link"));
        if (!bKnown)
            unknownHost(l.bAt, l.link.b, QStringLiteral("this link"));
        if (!aKnown || !bKnown)
            continue;
        QString a = l.link.a.toLower();
        QString b = l.link.b.toLower();
        if (a == b) {
            error(l.bAt, QStringLiteral("a link joins two different hosts, but this one names "
                                        "'%1' twice")
                             .arg(l.link.a));
            continue;
        }
        if (b < a)
            std::swap(a, b);
        if (const auto it = seen.find({a, b}); it != seen.end()) {
            error(l.at, QStringLiteral("there is already a link between %1 and %2 (line %3)")
                            .arg(l.link.a, l.link.b)
                            .arg(it->second->at.line));
            continue;
        }
        seen.emplace(std::make_pair(a, b), &l);
    }
}

void Loader::checkDns()
{
    std::map<std::pair<QString, QString>, const MxDecl *> seen;
    auto check = [&](const MxDecl &d) {
        if (!d.implied && !d.mx.exchange.isEmpty() && !findHost(d.mx.exchange))
            unknownHost(d.hostAt, d.mx.exchange, QStringLiteral("this MX record"));
        if (d.mx.domain.isEmpty() || d.mx.exchange.isEmpty())
            return;
        const auto key = std::make_pair(d.mx.domain.toLower(), d.mx.exchange.toLower());
        if (const auto it = seen.find(key); it != seen.end()) {
            if (it->second->implied)
                error(d.hostAt, QStringLiteral("%1 already has an MX record for %2: the one made "
                                               "for it because its domain entry has no 'mx' list")
                                    .arg(d.mx.domain, d.mx.exchange));
            else
                error(d.hostAt, QStringLiteral("%1 already has an MX record for %2 (line %3)")
                                    .arg(d.mx.domain, d.mx.exchange)
                                    .arg(it->second->hostAt.line));
            return;
        }
        seen.emplace(key, &d);
    };
    for (const MxDecl &d : m_domainMx)
        check(d);
    for (const MxDecl &d : m_recordMx)
        check(d);

    std::map<std::pair<QString, QString>, const RecordDecl *> records;
    for (const RecordDecl &r : m_records) {
        if (r.record.name.isEmpty())
            continue;
        if (const HostDecl *h = findHost(r.record.name)) {
            error(r.nameAt, QStringLiteral("%1 is the name of %2, which has an address record "
                                           "already; every host gets one automatically")
                                .arg(r.record.name, h->owner));
            continue;
        }
        const auto key = std::make_pair(r.record.name.toLower(), r.record.address);
        if (const auto it = records.find(key); it != records.end()) {
            error(r.at, QStringLiteral("this A record repeats the one on line %1")
                            .arg(it->second->at.line));
            continue;
        }
        records.emplace(key, &r);
    }
}

void Loader::checkMessages()
{
    std::map<QString, MessageDecl *> byId;
    for (MessageDecl &msg : m_messages) {
        if (!msg.content.from.isEmpty() && isMailAddress(msg.content.from) &&
            !isUser(msg.content.from))
            unknownUser(msg.fromAt, msg.content.from,
                        QStringLiteral("a message is sent by one of the users"));
        // The web mail form of the simulation has a text box and address fields only; a
        // key it cannot honour is refused rather than dropped without a word.
        const AccessDecl *access = accessOf(msg.content.from);
        if (access && access->route == mail::AccessRoute::WebMail) {
            for (const auto &[key, keyAt] : msg.richKeys)
                error(keyAt, QStringLiteral("'%1' cannot be used here: %2 reads and sends by web "
                                            "mail (access: web, line %3), and web mail here "
                                            "sends plain text only: from, to, cc, subject and "
                                            "body")
                                 .arg(key, msg.content.from)
                                 .arg(access->at.line));
        }
        if (msg.id.isEmpty())
            continue;
        if (const auto it = byId.find(msg.id); it != byId.end()) {
            error(msg.idAt, QStringLiteral("the message id '%1' is already used (line %2); every "
                                           "message needs an id of its own")
                                .arg(msg.id)
                                .arg(it->second->idAt.line));
            continue;
        }
        byId.emplace(msg.id, &msg);
    }
    QStringList ids;
    for (const auto &[id, msg] : byId)
        ids << id;
    bool allSendsKnown = true; // else a message may be "never sent" only through a typo
    const bool idsComplete = std::all_of(m_messages.begin(), m_messages.end(),
                                         [](const MessageDecl &m) { return !m.id.isEmpty(); });
    for (const TimelineDecl &t : m_timeline) {
        if (t.kind == TimelineDecl::Kind::Fault)
            continue;
        if (t.kind == TimelineDecl::Kind::Send) {
            const auto it = byId.find(t.ref);
            if (it == byId.end() && !idsComplete) {
                allSendsKnown = false; // perhaps the id of the message that has none
            } else if (it == byId.end()) {
                allSendsKnown = false;
                const QString suggestion = closest(t.ref, ids);
                QString message = QStringLiteral("no message has the id '%1'").arg(t.ref);
                if (!suggestion.isEmpty())
                    message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
                else if (m_messages.empty())
                    message += QStringLiteral("; the file has no 'messages' list");
                else if (ids.size() <= 8)
                    message += QStringLiteral("; ") +
                               theOnes(QStringLiteral("ids"), QStringLiteral("id"), ids, true);
                error(t.refAt, message);
            } else {
                it->second->sent = true;
            }
        } else if (!isUser(t.ref)) {
            unknownUser(t.refAt, t.ref, QStringLiteral("only a user can read a mailbox"));
        }
    }
    for (const auto &[id, msg] : byId) {
        if (!msg->sent && m_timelineComplete && allSendsKnown)
            error(msg->idAt, QStringLiteral("the message '%1' is never sent: add a timeline "
                                            "entry such as { at: 0s, send: %1 }")
                                 .arg(id));
    }
}

// Mailbox actions are IMAP's: POP3 sees only a list of messages to download, and the web
// mail of the simulation reads and sends but has no folders or flags to act on.
void Loader::checkReads()
{
    for (const TimelineDecl &t : m_timeline) {
        if (t.kind != TimelineDecl::Kind::Read || t.actionsAt.line == 0)
            continue;
        const AccessDecl *access = accessOf(t.ref);
        if (!access || access->route == mail::AccessRoute::Imap)
            continue;
        error(t.actionsAt,
              QStringLiteral("'actions' need IMAP, but %1 reads with %2 (%3); give the user "
                             "access: imap")
                  .arg(t.ref, QLatin1String(mail::toString(access->route)),
                       access->at.line > 0 ? QStringLiteral("access: %1, line %2")
                                                 .arg(QLatin1String(mail::toString(access->route)))
                                                 .arg(access->at.line)
                                           : QStringLiteral("the default, as 'access' is not "
                                                            "given")));
    }
}

void Loader::checkExpectations()
{
    for (const ExpectDecl &d : m_expectations) {
        const Expectation &e = d.expectation;
        if ((e.kind == Expectation::Kind::MailboxCount || e.kind == Expectation::Kind::Hops ||
             e.kind == Expectation::Kind::Flags || e.kind == Expectation::Kind::Fetched) &&
            !e.user.isEmpty() && isMailAddress(e.user) && !isUser(e.user))
            unknownUser(d.userAt, e.user, QStringLiteral("only a user has a mailbox"));
        if (e.kind == Expectation::Kind::QueueEmpty && !e.server.isEmpty()) {
            bool known = false;
            QStringList names;
            for (std::size_t i = 0; i < m_world.servers.size(); ++i) {
                const mail::MailServerSettings &s = m_world.servers[i].settings;
                known = known || s.hostname.compare(e.server, Qt::CaseInsensitive) == 0 ||
                        s.domain.compare(e.server, Qt::CaseInsensitive) == 0;
                names << s.hostname << s.domain;
            }
            if (!known) {
                const QString suggestion = closest(e.server, names);
                error(d.serverAt,
                      QStringLiteral("'%1' is neither a mail server's host name nor one of the "
                                     "domains%2")
                          .arg(e.server,
                               suggestion.isEmpty()
                                   ? QStringLiteral("; expected, for example, %1")
                                         .arg(names.value(0, QStringLiteral("mail.example.org")))
                                   : QStringLiteral("; did you mean '%1'?").arg(suggestion)));
            }
        }
    }
}

// ----------------------------------------------------------------------------------------

Scenario Loader::build() const
{
    Scenario scenario;
    scenario.world = m_world;
    world::WorldSpec &w = scenario.world;

    // MX records grouped by domain: the servers' domains first, in their order, then the
    // others in the order they first appear. Within a domain, in the order written.
    std::vector<world::MxSpec> all;
    for (const MxDecl &d : m_domainMx)
        all.push_back(d.mx);
    for (const MxDecl &d : m_recordMx)
        all.push_back(d.mx);
    QStringList order;
    for (const world::ServerSpec &s : w.servers)
        order << s.settings.domain;
    for (const world::MxSpec &mx : all) {
        if (!order.contains(mx.domain))
            order << mx.domain;
    }
    w.mx.clear();
    for (const QString &domain : order) {
        for (const world::MxSpec &mx : all) {
            if (mx.domain == domain)
                w.mx.push_back(mx);
        }
    }

    for (const LinkDecl &l : m_links)
        w.links.push_back(l.link);
    for (const RecordDecl &r : m_records)
        w.addressRecords.push_back(r.record);
    // In time order; entries due at the same time keep the order they were written in.
    std::vector<TimelineDecl> timeline = m_timeline;
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const TimelineDecl &a, const TimelineDecl &b) { return a.at < b.at; });
    // Faults come out in time order too: the writer can only write them that way, and a
    // saved file must load as the same world.
    for (const TimelineDecl &t : timeline) {
        switch (t.kind) {
        case TimelineDecl::Kind::Send: {
            const auto msg = std::find_if(m_messages.begin(), m_messages.end(),
                                          [&](const MessageDecl &m) { return m.id == t.ref; });
            world::SendSpec send = msg->content;
            send.at = t.at;
            send.mistake = t.mistake;
            w.sends.push_back(send);
            scenario.messageIds.push_back(t.ref);
            break;
        }
        case TimelineDecl::Kind::Read:
            w.reads.push_back({t.at, t.ref, t.actions});
            break;
        case TimelineDecl::Kind::Fault: {
            world::FaultSpec fault = t.fault;
            fault.at = t.at;
            w.faults.push_back(fault);
            break;
        }
        }
    }
    // A user who reads by web needs a web server: when the domain has none, the lecture's
    // simple set-up is assumed, one on the mail server's own machine.
    for (const world::UserSpec &u : w.users) {
        if (u.access != mail::AccessRoute::WebMail)
            continue;
        for (world::ServerSpec &server : w.servers) {
            if (server.settings.domain.compare(domainOf(u.address), Qt::CaseInsensitive) == 0 &&
                !server.web.enabled) {
                server.web.enabled = true;
                server.web.host.clear();
            }
        }
    }
    scenario.lessonNotes = m_lessonNotes;
    for (const ExpectDecl &d : m_expectations)
        scenario.expectations.push_back(d.expectation);
    return scenario;
}

LoadResult Loader::finish()
{
    std::stable_sort(m_errors.begin(), m_errors.end(),
                     [](const ScenarioError &a, const ScenarioError &b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    m_errors.erase(std::unique(m_errors.begin(), m_errors.end()), m_errors.end());
    if (m_errors.size() > static_cast<std::size_t>(kMaxErrors)) {
        const std::size_t more = m_errors.size() - kMaxErrors;
        m_errors.resize(kMaxErrors + 1);
        m_errors.back().message =
            QStringLiteral("too many errors: %1 more are not shown").arg(more);
    }
    LoadResult result;
    result.errors = m_errors;
    return result;
}

LoadResult Loader::run()
{
    if (!checkUtf8())
        return finish();
    checkTabs();
    if (!m_errors.empty())
        return finish();
    const QByteArrayView text = m_source.text();
    const std::string input(text.data(), static_cast<std::size_t>(text.size()));
    YAML::Node root;
    DocumentCounter counter;
    try {
        root = YAML::Load(input);
        std::istringstream stream(input);
        YAML::Parser parser(stream);
        for (int i = 0; i < 2 && parser.HandleNextDocument(counter); ++i) {
        }
    } catch (const YAML::ParserException &e) {
        syntaxError(e.mark, e.msg);
        return finish();
    } catch (const std::exception &e) {
        error({1, 1}, QStringLiteral("YAML syntax error: %1").arg(QString::fromUtf8(e.what())));
        return finish();
    }
    if (root.IsNull()) {
        // Nothing at all, or something yaml-cpp read as nothing (a line that is only ",").
        for (int index = 0; index < m_source.lineCount(); ++index) {
            const QString line = QString::fromUtf8(m_source.line(index));
            const QString trimmed = line.trimmed();
            if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')) ||
                trimmed == QLatin1String("---") || trimmed == QLatin1String("..."))
                continue;
            const qsizetype column = line.indexOf(trimmed.front());
            error({index + 1, static_cast<int>(column) + 1},
                  QStringLiteral("unexpected '%1': expected a key such as 'title:'")
                      .arg(trimmed.front()));
            return finish();
        }
        error({1, 1}, QStringLiteral("the file is empty: expected a scenario with at least "
                                     "'title', 'dns', 'domains' and 'users'"));
        return finish();
    }
    if (counter.secondHasContent) {
        const YAML::Mark mark = counter.secondAt;
        // Was it started with '---' (on its first line, or alone on a line before it)?
        bool separator = false;
        for (int index = mark.line; index >= 0; --index) {
            const QByteArrayView line = m_source.line(index);
            separator = line.startsWith("---") || line.startsWith("...");
            const QByteArrayView trimmed = line.trimmed();
            if (separator || (index < mark.line && !trimmed.isEmpty() && !trimmed.startsWith('#')))
                break;
        }
        if (separator)
            error(m_source.at(mark), QStringLiteral("a scenario file holds one YAML document, "
                                                    "but a second one starts here after '---'"));
        else
            error(m_source.at(mark), QStringLiteral("bad indentation: this line does not line up "
                                                    "with the lines above it"));
        return finish();
    }
    try {
        if (!checkQuotes(root))
            return finish();
        if (!readTop(root))
            return finish();
        checkHosts();
        checkDomainsAndUsers();
        checkSubmitTo();
        checkLinks();
        checkDns();
        checkMessages();
        checkReads();
        checkFaults();
        checkExpectations();
    } catch (const std::exception &e) {
        error({1, 1},
              QStringLiteral("this file could not be read: %1").arg(QString::fromUtf8(e.what())));
    }
    LoadResult result = finish();
    if (result.errors.empty())
        result.scenario = build();
    return result;
}

} // namespace

bool isValidMailAddress(const QString &address)
{
    return isMailAddress(address);
}

LoadResult loadScenario(QByteArrayView yamlText, const QString &fileName,
                        const QString &baseDirectory)
{
    if (yamlText.startsWith("\xEF\xBB\xBF"))
        yamlText = yamlText.sliced(3); // a byte order mark is not part of the first line
    Loader loader(yamlText, fileName,
                  baseDirectory.isEmpty() ? QFileInfo(fileName).path() : baseDirectory);
    return loader.run();
}

LoadResult loadScenarioFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        LoadResult result;
        result.errors.push_back(
            {path, 0, 0, QStringLiteral("cannot open the file: %1").arg(file.errorString())});
        return result;
    }
    const QByteArray text = file.readAll();
    return loadScenario(text, path);
}

} // namespace mailsim::scenario
