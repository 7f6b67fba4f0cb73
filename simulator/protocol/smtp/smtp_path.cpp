// The address syntax is checked by a small recursive-descent reader that follows the ABNF of
// RFC 5321 section 4.1.2 rule by rule, so that a student can hold the grammar next to the
// code. Each rule is a function that either consumes its bytes and returns true, or returns
// false; the caller then gives up on the whole path. A failed address is never "repaired":
// a server that guesses what a broken address meant is how mail goes to the wrong person.
//
// Decisions where the RFC leaves a choice:
//  - A Quoted-string local part may hold spaces and escaped characters ("john doe"@x), as the
//    grammar allows; it is kept as written, quotes and backslashes included.
//  - Length limits (4.5.3.1): local part 64 octets, domain 255 octets (for an address
//    literal, the brackets count), each domain label 63 octets (RFC 1035). The 256-octet
//    limit on a whole path is not enforced: 4.5.3.1 asks servers to be generous, and the
//    two parts are already bounded.
//  - Address literals: IPv4 ([192.0.2.1]), IPv6 ([IPv6:2001:db8::1]) and the general form
//    ([tag:content]) are accepted; the IPv4 and IPv6 forms are checked for real syntax.
#include "protocol/smtp/smtp_path.h"

namespace mailsim::smtp {

namespace {

constexpr qsizetype kMaxLocalPart = 64;
constexpr qsizetype kMaxDomain = 255;
constexpr qsizetype kMaxLabel = 63;

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isLetDig(char c) { return isAlpha(c) || isDigit(c); }

// atext, RFC 5322 section 3.2.3: the characters an unquoted local part is made of.
bool isAtext(char c)
{
    if (isLetDig(c))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '/': case '=': case '?': case '^': case '_': case '`': case '{':
    case '|': case '}': case '~':
        return true;
    default:
        return false;
    }
}

// Reads the grammar from a view, one rule at a time, remembering how far it got.
class Reader
{
public:
    explicit Reader(QByteArrayView text) : m_text(text) {}

    [[nodiscard]] qsizetype pos() const { return m_pos; }
    [[nodiscard]] bool atEnd() const { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    [[nodiscard]] QByteArrayView since(qsizetype start) const
    {
        return m_text.sliced(start, m_pos - start);
    }
    bool take(char c)
    {
        if (atEnd() || m_text[m_pos] != c)
            return false;
        ++m_pos;
        return true;
    }

    // Dot-string = Atom *("." Atom)
    bool dotString()
    {
        do {
            if (!atom())
                return false;
        } while (take('.'));
        return true;
    }

    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
    // QcontentSMTP = qtextSMTP / quoted-pairSMTP, both printable US-ASCII (space included).
    bool quotedString()
    {
        if (!take('"'))
            return false;
        while (!atEnd()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (c < 32 || c > 126)
                return false;
            if (c == '\\') {
                if (atEnd() || m_text[m_pos] < 32 || m_text[m_pos] > 126)
                    return false;
                ++m_pos;
            }
        }
        return false; // no closing quote
    }

    // Domain = sub-domain *("." sub-domain)
    bool domain()
    {
        do {
            if (!subDomain())
                return false;
        } while (take('.'));
        return true;
    }

    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal /
    //                         General-address-literal ) "]"
    bool addressLiteral()
    {
        if (!take('['))
            return false;
        const qsizetype start = m_pos;
        const qsizetype close = m_text.indexOf(']', start);
        if (close < 0)
            return false;
        const QByteArrayView inside = m_text.sliced(start, close - start);
        m_pos = close + 1;
        return isIpv4(inside) || isTaggedLiteral(inside);
    }

    // A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain. The source route of
    // RFC 821; 5321 says to accept and ignore it (section 4.1.2, appendix C).
    bool sourceRoute()
    {
        do {
            if (!take('@') || !domain())
                return false;
        } while (take(','));
        return true;
    }

    // Mailbox = Local-part "@" ( Domain / address-literal )
    std::optional<Path> mailbox()
    {
        const qsizetype localStart = m_pos;
        if (!(peek() == '"' ? quotedString() : dotString()))
            return std::nullopt;
        const QByteArrayView local = since(localStart);
        if (local == "\"\"" || !take('@')) // an empty quoted local part names nobody

            return std::nullopt;
        const qsizetype domainStart = m_pos;
        if (!(peek() == '[' ? addressLiteral() : domain()))
            return std::nullopt;
        const QByteArrayView dom = since(domainStart);
        if (local.size() > kMaxLocalPart || dom.size() > kMaxDomain)
            return std::nullopt;
        return Path{local.toByteArray(), dom.toByteArray()};
    }

private:
    // Atom = 1*atext
    bool atom()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isAtext(m_text[m_pos]))
            ++m_pos;
        return m_pos > start;
    }

    // sub-domain = Let-dig [Ldh-str]; Ldh-str = *( ALPHA / DIGIT / "-" ) Let-dig
    bool subDomain()
    {
        const qsizetype start = m_pos;
        if (!isLetDig(peek()))
            return false;
        while (!atEnd() && (isLetDig(m_text[m_pos]) || m_text[m_pos] == '-'))
            ++m_pos;
        const qsizetype length = m_pos - start;
        return m_text[m_pos - 1] != '-' && length <= kMaxLabel;
    }

    // IPv4-address-literal = Snum 3("." Snum); Snum = 1*3DIGIT, a value from 0 to 255.
    static bool isIpv4(QByteArrayView text)
    {
        int parts = 0;
        qsizetype i = 0;
        for (;;) {
            int value = 0;
            int digits = 0;
            while (i < text.size() && isDigit(text[i]) && digits < 4) {
                value = value * 10 + (text[i] - '0');
                ++digits;
                ++i;
            }
            if (digits == 0 || digits > 3 || value > 255)
                return false;
            ++parts;
            if (i == text.size())
                return parts == 4;
            if (text[i] != '.' || parts == 4)
                return false;
            ++i;
        }
    }

    // IPv6-address-literal = "IPv6:" IPv6-addr; General-address-literal =
    // Standardized-tag ":" 1*dcontent, where dcontent is printable US-ASCII except "[\]".
    static bool isTaggedLiteral(QByteArrayView text)
    {
        const qsizetype colon = text.indexOf(':');
        if (colon <= 0)
            return false;
        const QByteArrayView tag = text.first(colon);
        const QByteArrayView content = text.sliced(colon + 1);
        if (tag.compare("IPv6", Qt::CaseInsensitive) == 0)
            return isIpv6(content);
        // Standardized-tag = Ldh-str: letters, digits and hyphens, not ending in a hyphen.
        for (char c : tag) {
            if (!isLetDig(c) && c != '-')
                return false;
        }
        if (tag.back() == '-' || content.isEmpty())
            return false;
        for (char c : content) {
            if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']')
                return false;
        }
        return true;
    }

    // IPv6-addr (RFC 5321 4.1.3): eight groups of 1 to 4 hex digits, or fewer with one "::"
    // standing for the missing ones; the last 32 bits may be written as an IPv4 address.
    static bool isIpv6(QByteArrayView text)
    {
        int groups = 0;          // 16-bit groups written out
        bool compressed = false; // "::" seen
        qsizetype i = 0;
        if (text.startsWith("::")) {
            compressed = true;
            i = 2;
        }
        while (i < text.size()) {
            // An IPv4 tail, if what follows the last colon contains a dot.
            const qsizetype nextColon = text.indexOf(':', i);
            const qsizetype pieceEnd = nextColon < 0 ? text.size() : nextColon;
            const QByteArrayView piece = text.sliced(i, pieceEnd - i);
            if (nextColon < 0 && piece.contains('.')) {
                if (!isIpv4(piece))
                    return false;
                groups += 2;
                i = text.size();
                break;
            }
            if (piece.isEmpty() || piece.size() > 4)
                return false;
            for (char c : piece) {
                if (!isHexDigit(c))
                    return false;
            }
            ++groups;
            i += piece.size();
            if (i == text.size())
                break;
            ++i; // the colon
            if (i < text.size() && text[i] == ':') {
                if (compressed)
                    return false; // "::" twice
                compressed = true;
                ++i;
            } else if (i == text.size()) {
                return false; // a single trailing colon
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

} // namespace

QByteArray Path::address() const
{
    if (isNull())
        return {};
    return localPart + '@' + domain;
}

std::optional<Path> Path::fromAddress(QByteArrayView text)
{
    Reader reader(text);
    std::optional<Path> path = reader.mailbox();
    if (!path || !reader.atEnd())
        return std::nullopt;
    return path;
}

std::optional<Path> parsePath(QByteArrayView text, bool allowNull, qsizetype *consumed)
{
    Reader reader(text);
    if (!reader.take('<'))
        return std::nullopt;
    std::optional<Path> path;
    if (reader.take('>')) {
        if (!allowNull)
            return std::nullopt;
        path = Path{};
    } else {
        if (reader.peek() == '@' && !(reader.sourceRoute() && reader.take(':')))
            return std::nullopt;
        path = reader.mailbox();
        if (!path || !reader.take('>'))
            return std::nullopt;
    }
    if (consumed)
        *consumed = reader.pos();
    return path;
}

} // namespace mailsim::smtp
