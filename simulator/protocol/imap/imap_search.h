// SEARCH criteria (RFC 3501 section 6.4.4): read into a tree once, then matched against
// each message of the session's view.
//
// Keys listed one after another are ANDed; OR takes two keys, NOT one, and parentheses
// group a list. String keys match as case-insensitive substrings of the decoded text
// (header fields with RFC 2047 words decoded, bodies with their transfer encoding and
// charset undone). Dates compare the day only, as the RFC asks: INTERNALDATE for BEFORE,
// ON and SINCE, the Date: field for the SENT* keys.
#pragma once

#include "protocol/imap/imap_syntax.h"
#include "store/mail_store.h"

#include <QByteArray>
#include <QDate>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace mailsim::imap {

struct SearchKey
{
    enum class Kind {
        All, And, Or, Not,
        Flag, NoFlag,           // text: the flag (\Seen, keyword...)
        New, Old, Recent,
        Header,                 // field, text; field "" for TEXT, "\body" for BODY
        Before, On, Since,      // date: INTERNALDATE
        SentBefore, SentOn, SentSince,
        Larger, Smaller,        // number
        SequenceNumbers, Uids,  // set
    };
    Kind kind = Kind::All;
    QByteArray field;
    QString text;
    QDate date;
    quint32 number = 0;
    SequenceSet set;
    std::vector<SearchKey> children;
};

// Reads "key *(SP key)" up to the end of the reader (or, inside parentheses, up to ")").
// On failure returns nullopt and sets *error to a sentence for the BAD response.
std::optional<SearchKey> parseSearchKeys(CommandReader &reader, QByteArray *error);

// One message as a search sees it.
struct SearchSubject
{
    const store::StoredMessage *message = nullptr;
    quint32 sequenceNumber = 0;
    quint32 exists = 0;     // for "*" in sequence sets
    quint32 largestUid = 0; // for "*" in UID sets
    bool recent = false;    // \Recent in this session
};

class SearchMatcher
{
public:
    explicit SearchMatcher(const SearchKey &key) : m_key(key) {}
    [[nodiscard]] bool matches(const SearchSubject &subject) const;

private:
    const SearchKey &m_key;
};

} // namespace mailsim::imap
