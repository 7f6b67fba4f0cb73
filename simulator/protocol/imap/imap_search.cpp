#include "protocol/imap/imap_search.h"

#include "message/mime.h"
#include "protocol/imap/imap_message.h"

namespace mailsim::imap {

namespace {

constexpr int kMaxSearchDepth = 64; // nesting of NOT, OR and parentheses

struct FlagKey
{
    const char *keyword;
    const char *flag;
    bool set;
};
constexpr FlagKey kFlagKeys[] = {
    {"ANSWERED", store::kAnswered, true}, {"UNANSWERED", store::kAnswered, false},
    {"DELETED", store::kDeleted, true},   {"UNDELETED", store::kDeleted, false},
    {"DRAFT", store::kDraft, true},       {"UNDRAFT", store::kDraft, false},
    {"FLAGGED", store::kFlagged, true},   {"UNFLAGGED", store::kFlagged, false},
    {"SEEN", store::kSeen, true},         {"UNSEEN", store::kSeen, false},
};

struct StringKey
{
    const char *keyword;
    const char *field; // "" = TEXT, "\\body" = BODY
};
constexpr StringKey kStringKeys[] = {
    {"BCC", "Bcc"}, {"CC", "Cc"}, {"FROM", "From"}, {"SUBJECT", "Subject"},
    {"TO", "To"},   {"BODY", "\\body"}, {"TEXT", ""},
};

struct DateKey
{
    const char *keyword;
    SearchKey::Kind kind;
};
constexpr DateKey kDateKeys[] = {
    {"BEFORE", SearchKey::Kind::Before},         {"ON", SearchKey::Kind::On},
    {"SINCE", SearchKey::Kind::Since},           {"SENTBEFORE", SearchKey::Kind::SentBefore},
    {"SENTON", SearchKey::Kind::SentOn},         {"SENTSINCE", SearchKey::Kind::SentSince},
};

class Parser
{
public:
    Parser(CommandReader &reader, QByteArray *error) : r(reader), m_error(error) {}

    std::optional<SearchKey> list(int depth)
    {
        SearchKey all;
        all.kind = SearchKey::Kind::And;
        for (;;) {
            std::optional<SearchKey> k = key(depth);
            if (!k)
                return std::nullopt;
            all.children.push_back(std::move(*k));
            // The caller checks what ends the list: ")" inside parentheses, the end outside.
            if (r.atEnd() || r.peek() == ')')
                break;
            if (!r.space())
                return fail("Expected a space between search keys");
        }
        if (all.children.size() == 1)
            return std::move(all.children.front());
        return all;
    }

private:
    std::optional<SearchKey> fail(const char *text)
    {
        if (m_error->isEmpty())
            *m_error = text;
        return std::nullopt;
    }

    std::optional<SearchKey> key(int depth)
    {
        if (depth > kMaxSearchDepth)
            return fail("Search criteria nested too deeply");
        SearchKey k;
        if (r.skip('(')) {
            std::optional<SearchKey> inner = list(depth + 1);
            if (!inner)
                return std::nullopt;
            if (!r.skip(')'))
                return fail("Missing ')' in search criteria");
            return inner;
        }
        if (r.peek() == '*' || (r.peek() >= '0' && r.peek() <= '9')) {
            std::optional<SequenceSet> set = r.sequenceSet();
            if (!set)
                return fail("Invalid sequence set in search criteria");
            k.kind = SearchKey::Kind::SequenceNumbers;
            k.set = *set;
            return k;
        }
        std::optional<QByteArray> word = r.atom();
        if (!word)
            return fail("Expected a search key");
        const QByteArray name = word->toUpper();
        if (name == "ALL")
            return k;
        for (const FlagKey &f : kFlagKeys) {
            if (name == f.keyword) {
                k.kind = f.set ? SearchKey::Kind::Flag : SearchKey::Kind::NoFlag;
                k.field = f.flag;
                return k;
            }
        }
        if (name == "NEW" || name == "OLD" || name == "RECENT") {
            k.kind = name == "NEW" ? SearchKey::Kind::New
                     : name == "OLD" ? SearchKey::Kind::Old : SearchKey::Kind::Recent;
            return k;
        }
        if (name == "KEYWORD" || name == "UNKEYWORD") {
            std::optional<QByteArray> flag;
            if (!r.space() || !(flag = r.atom()))
                return fail("KEYWORD wants a flag keyword");
            k.kind = name == "KEYWORD" ? SearchKey::Kind::Flag : SearchKey::Kind::NoFlag;
            k.field = *flag;
            return k;
        }
        for (const StringKey &s : kStringKeys) {
            if (name == s.keyword) {
                std::optional<QByteArray> text;
                if (!r.space() || !(text = r.astring()))
                    return fail("Search key wants a string argument");
                k.kind = SearchKey::Kind::Header;
                k.field = s.field;
                k.text = QString::fromUtf8(*text);
                return k;
            }
        }
        if (name == "HEADER") {
            std::optional<QByteArray> field;
            std::optional<QByteArray> text;
            if (!r.space() || !(field = r.astring()) || !r.space() || !(text = r.astring()))
                return fail("HEADER wants a field name and a string");
            k.kind = SearchKey::Kind::Header;
            k.field = field->isEmpty() ? QByteArray("\\none") : *field;
            k.text = QString::fromUtf8(*text);
            return k;
        }
        for (const DateKey &d : kDateKeys) {
            if (name == d.keyword) {
                std::optional<QDate> date;
                if (!r.space() || !(date = r.date()))
                    return fail("Search key wants a date like 1-Feb-2025");
                k.kind = d.kind;
                k.date = *date;
                return k;
            }
        }
        if (name == "LARGER" || name == "SMALLER") {
            std::optional<quint32> n;
            if (!r.space() || !(n = r.number()))
                return fail("LARGER and SMALLER want a number");
            k.kind = name == "LARGER" ? SearchKey::Kind::Larger : SearchKey::Kind::Smaller;
            k.number = *n;
            return k;
        }
        if (name == "UID") {
            std::optional<SequenceSet> set;
            if (!r.space() || !(set = r.sequenceSet()))
                return fail("UID wants a set of UIDs");
            k.kind = SearchKey::Kind::Uids;
            k.set = *set;
            return k;
        }
        if (name == "NOT") {
            if (!r.space())
                return fail("NOT wants a search key");
            std::optional<SearchKey> inner = key(depth + 1);
            if (!inner)
                return std::nullopt;
            k.kind = SearchKey::Kind::Not;
            k.children.push_back(std::move(*inner));
            return k;
        }
        if (name == "OR") {
            if (!r.space())
                return fail("OR wants two search keys");
            std::optional<SearchKey> a = key(depth + 1);
            if (!a)
                return std::nullopt;
            if (!r.space())
                return fail("OR wants two search keys");
            std::optional<SearchKey> b = key(depth + 1);
            if (!b)
                return std::nullopt;
            k.kind = SearchKey::Kind::Or;
            k.children.push_back(std::move(*a));
            k.children.push_back(std::move(*b));
            return k;
        }
        return fail("Unknown search key");
    }

    CommandReader &r;
    QByteArray *m_error;
};

// The parsed message, made only when a key needs it.
struct Lazy
{
    const store::StoredMessage *message;
    mutable std::optional<message::ParsedMessage> parsed;
    const message::MimeEntity &root() const
    {
        if (!parsed)
            parsed = message::parseMessage(message->content);
        return parsed->root;
    }
};

QDate sentDate(const Lazy &m)
{
    const QByteArray value = m.root().header.value("Date");
    QDateTime when = QDateTime::fromString(QString::fromLatin1(value).simplified(), Qt::RFC2822Date);
    return when.isValid() ? when.date() : QDate();
}

bool evaluate(const SearchKey &k, const SearchSubject &s, const Lazy &lazy)
{
    const store::StoredMessage &m = *s.message;
    using K = SearchKey::Kind;
    switch (k.kind) {
    case K::All: return true;
    case K::And:
        for (const SearchKey &c : k.children) {
            if (!evaluate(c, s, lazy))
                return false;
        }
        return true;
    case K::Or: return evaluate(k.children[0], s, lazy) || evaluate(k.children[1], s, lazy);
    case K::Not: return !evaluate(k.children[0], s, lazy);
    case K::Flag: return m.hasFlag(k.field);
    case K::NoFlag: return !m.hasFlag(k.field);
    case K::New: return s.recent && !m.hasFlag(store::kSeen);
    case K::Old: return !s.recent;
    case K::Recent: return s.recent;
    case K::Header: {
        if (k.field.isEmpty())
            return decodedHeaderText(lazy.root()).contains(k.text, Qt::CaseInsensitive)
                   || bodyText(lazy.root()).contains(k.text, Qt::CaseInsensitive);
        if (k.field == "\\body")
            return bodyText(lazy.root()).contains(k.text, Qt::CaseInsensitive);
        if (k.field == "\\none")
            return false;
        // HEADER name "" matches every message that has the field (RFC 3501 6.4.4).
        if (k.text.isEmpty())
            return lazy.root().header.has(k.field);
        return decodedHeader(lazy.root(), k.field).contains(k.text, Qt::CaseInsensitive);
    }
    case K::Before: return m.internalDate.toUTC().date() < k.date;
    case K::On: return m.internalDate.toUTC().date() == k.date;
    case K::Since: return m.internalDate.toUTC().date() >= k.date;
    case K::SentBefore: {
        const QDate d = sentDate(lazy);
        return d.isValid() && d < k.date;
    }
    case K::SentOn: return sentDate(lazy) == k.date;
    case K::SentSince: {
        const QDate d = sentDate(lazy);
        return d.isValid() && d >= k.date;
    }
    case K::Larger: return m.size() > static_cast<qsizetype>(k.number);
    case K::Smaller: return m.size() < static_cast<qsizetype>(k.number);
    case K::SequenceNumbers: return k.set.contains(s.sequenceNumber, s.exists);
    case K::Uids: return k.set.contains(m.uid, s.largestUid);
    }
    return false;
}

} // namespace

std::optional<SearchKey> parseSearchKeys(CommandReader &reader, QByteArray *error)
{
    Parser parser(reader, error);
    return parser.list(0);
}

bool SearchMatcher::matches(const SearchSubject &subject) const
{
    Lazy lazy{subject.message, {}};
    return evaluate(m_key, subject, lazy);
}

} // namespace mailsim::imap
