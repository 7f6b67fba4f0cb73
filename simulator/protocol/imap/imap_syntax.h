// The pieces of IMAP4rev1 syntax (RFC 3501 section 9) that both engines read and write:
// atoms, quoted strings, literals, flag lists, sequence sets and dates.
//
// A CommandReader walks one complete command or response as it travelled, literals
// included ("{5}\r\nhello"), so that a literal is read exactly where the grammar allows a
// string. Every reading function either consumes what it read and returns it, or consumes
// nothing and returns an empty optional: the caller then answers BAD with its own words.
// Numbers are number / nz-number of the RFC, which fit in 32 bits; anything larger is not a
// number here.
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QDate>
#include <QDateTime>

#include <optional>
#include <vector>

namespace mailsim::imap {

// ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ].
bool isAtomChar(char c);
// ASTRING-CHAR: ATOM-CHAR or "]".
bool isAstringChar(char c);

// One range of a sequence set; 0 stands for "*" (the largest number in use).
struct SequenceRange
{
    quint32 first = 0;
    quint32 last = 0;
};

struct SequenceSet
{
    std::vector<SequenceRange> ranges;
    // Whether `value` is in the set when "*" means `star` (0 for an empty mailbox, where
    // "*" matches nothing).
    [[nodiscard]] bool contains(quint32 value, quint32 star) const;
    // The largest number written in the set other than "*", for range checks.
    [[nodiscard]] quint32 largestExplicit(bool *usesStar = nullptr) const;
};

class CommandReader
{
public:
    explicit CommandReader(QByteArrayView text) : m_text(text) {}

    [[nodiscard]] bool atEnd() const { return m_pos >= m_text.size(); }
    [[nodiscard]] char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    [[nodiscard]] qsizetype position() const { return m_pos; }
    [[nodiscard]] QByteArrayView rest() const { return m_text.sliced(m_pos); }
    // Consumes `c` if it comes next.
    bool skip(char c);
    bool space() { return skip(' '); }
    // Consumes `word` (case-insensitive) when it comes next and is not followed by more
    // characters of the same atom.
    bool keyword(QByteArrayView word);

    std::optional<QByteArray> atom();          // 1*ATOM-CHAR
    std::optional<QByteArray> tag();           // 1*<ASTRING-CHAR except "+">
    std::optional<QByteArray> quoted();        // DQUOTE *QUOTED-CHAR DQUOTE, unescaped
    std::optional<QByteArray> literal();       // "{" number "}" CRLF *CHAR8
    std::optional<QByteArray> string();        // quoted / literal
    std::optional<QByteArray> astring();       // 1*ASTRING-CHAR / string
    std::optional<QByteArray> nstring();       // string, or NIL (a null QByteArray)
    std::optional<QByteArray> listMailbox();   // 1*list-char / string (list-char: % * ])
    std::optional<quint32> number();           // 1*DIGIT within 32 bits
    std::optional<QByteArray> flag();          // "\" atom / atom
    std::optional<QByteArrayList> flagList();  // "(" [flag *(SP flag)] ")"
    std::optional<SequenceSet> sequenceSet();
    std::optional<QDate> date();               // d-Mon-yyyy, optionally quoted
    std::optional<QDateTime> dateTime();       // "dd-Mon-yyyy hh:mm:ss +zzzz"

private:
    std::optional<QByteArray> stringOrRun(bool (*allowed)(char));
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

// Writing: a string as a quoted string when it can be one (no CR, LF, NUL or 8-bit byte),
// else as a literal.
QByteArray quotedOrLiteral(QByteArrayView text);
// nstring: NIL for a null array.
QByteArray nstring(const QByteArray &text);
// astring: an atom when the text is one (and not "NIL"), else quotedOrLiteral.
QByteArray astring(QByteArrayView text);
// "(\Seen \Answered)"
QByteArray flagList(const QByteArrayList &flags);
// "17-Jul-1996 02:44:25 -0700" (date-time without its quotes)
QByteArray formatDateTime(const QDateTime &when);
// The three-letter month names of RFC 3501 date-month, index 1..12.
QByteArrayView monthName(int month);

} // namespace mailsim::imap
