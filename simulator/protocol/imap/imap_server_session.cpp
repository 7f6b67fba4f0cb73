// Theory of operation.
//
// Input is cut into lines by a LineAssembler. A line that ends in "{n}" announces a
// literal: the server answers "+ Ready for literal data", takes exactly n octets as they
// come (whatever they contain), then reads the next line of the same command. When a line
// ends without a literal, the command is complete: its lines and literals together, exactly
// as they travelled, are parsed by a CommandReader (imap_syntax.h) and executed. Nothing is
// decided on part of a command, so the output cannot depend on how the bytes were split.
//
// Each command is executed completely before the next one is looked at: the handler writes
// its untagged responses, then the session reports what changed in the store under it
// (sync), then the tagged completion follows.
//
// Decisions where RFC 3501 leaves a choice:
//  - Commands may end in a bare LF, as many servers allow.
//  - A message sequence number beyond the number of messages is BAD; "*" in an empty
//    folder names nothing (so "FETCH 1:* ..." on an empty folder is BAD, "UID FETCH 1:*"
//    is OK with no data).
//  - Messages expunged by another session while expunges cannot be reported stay in the
//    view; FETCH and STORE skip them.
//  - Body sections are always sent as literals; a part that does not exist is NIL.
//  - The FLAGS response lists the five system flags; PERMANENTFLAGS adds \* (keywords may
//    be stored). EXAMINE announces PERMANENTFLAGS ().
//  - Mailbox names are sent and read as they are (UTF-8 where not ASCII): modified UTF-7
//    (RFC 3501 5.1.3) is not applied.
#include "protocol/imap/imap_server_session.h"

#include "message/mime.h"
#include "protocol/imap/imap_message.h"
#include "protocol/imap/imap_search.h"
#include "protocol/imap/imap_syntax.h"

#include <QTimeZone>

#include <algorithm>
#include <cctype>
#include <optional>

namespace mailsim::imap {

using protocol::EngineOutput;
using protocol::LineAssembler;
using protocol::Transmission;
namespace status = protocol::reply_status;

namespace {

constexpr char kCapabilities[] = "IMAP4rev1 IDLE";
constexpr char kSystemFlags[] = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";

QDateTime defaultNow() { return QDateTime(QDate(2025, 1, 1), QTime(0, 0), QTimeZone::utc()); }

// LIST wildcards: "*" matches anything, "%" anything but the hierarchy delimiter.
bool wildcardMatch(const QString &pattern, const QString &name)
{
    const qsizetype p = pattern.size();
    const qsizetype n = name.size();
    // reach[j]: the first i characters of the pattern can match the first j of the name.
    std::vector<char> reach(static_cast<std::size_t>(n + 1), 0);
    reach[0] = 1;
    for (qsizetype i = 0; i < p; ++i) {
        const QChar c = pattern[i];
        std::vector<char> next(static_cast<std::size_t>(n + 1), 0);
        if (c == QLatin1Char('*') || c == QLatin1Char('%')) {
            bool carrying = false;
            for (qsizetype j = 0; j <= n; ++j) {
                if (reach[static_cast<std::size_t>(j)])
                    carrying = true;
                else if (j > 0 && c == QLatin1Char('%') && name[j - 1] == QLatin1Char('/'))
                    carrying = false;
                if (carrying && j > 0 && c == QLatin1Char('%') && name[j - 1] == QLatin1Char('/')
                    && !reach[static_cast<std::size_t>(j)])
                    carrying = false;
                next[static_cast<std::size_t>(j)] = carrying ? 1 : 0;
            }
        } else {
            for (qsizetype j = 1; j <= n; ++j)
                next[static_cast<std::size_t>(j)] = reach[static_cast<std::size_t>(j - 1)] && name[j - 1] == c;
        }
        reach = std::move(next);
    }
    return reach[static_cast<std::size_t>(n)] != 0;
}

// A fetch-att of RFC 3501 section 6.4.5.
struct FetchItem
{
    enum class Kind { Flags, Uid, Size, InternalDate, Envelope, BodyStructure, Body, Section,
                      Rfc822, Rfc822Header, Rfc822Text };
    Kind kind = Kind::Flags;
    SectionSpec section;
    bool peek = false;
    bool partial = false;
    quint32 start = 0;
    quint32 count = 0;

    [[nodiscard]] bool setsSeen() const
    {
        return (kind == Kind::Section && !peek) || kind == Kind::Rfc822 || kind == Kind::Rfc822Text;
    }
    [[nodiscard]] bool needsMessage() const
    {
        return kind == Kind::Envelope || kind == Kind::BodyStructure || kind == Kind::Body
               || kind == Kind::Section || kind == Kind::Rfc822Header || kind == Kind::Rfc822Text;
    }
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "BODY", "BODY.PEEK", "RFC822.SIZE": letters, digits and dots.
QByteArray fetchName(CommandReader &r)
{
    QByteArray name;
    while (!r.atEnd()) {
        const char c = r.peek();
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.'))
            break;
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        r.skip(c);
    }
    return name;
}

std::optional<SectionSpec> parseSection(CommandReader &r)
{
    // Called after "[".
    SectionSpec spec;
    while (isDigit(r.peek())) {
        std::optional<quint32> n = r.number();
        if (!n || *n == 0)
            return std::nullopt;
        spec.part.push_back(*n);
        if (!r.skip('.'))
            break;
        if (!isDigit(r.peek())) {
            // The dot introduces a section-text word.
            break;
        }
    }
    if (r.skip(']'))
        return spec;
    if (!spec.part.empty() && r.keyword("MIME"))
        spec.text = SectionSpec::Text::Mime;
    else if (r.keyword("HEADER.FIELDS.NOT"))
        spec.text = SectionSpec::Text::HeaderFieldsNot;
    else if (r.keyword("HEADER.FIELDS"))
        spec.text = SectionSpec::Text::HeaderFields;
    else if (r.keyword("HEADER"))
        spec.text = SectionSpec::Text::Header;
    else if (r.keyword("TEXT"))
        spec.text = SectionSpec::Text::Text;
    else
        return std::nullopt;
    if (spec.text == SectionSpec::Text::HeaderFields || spec.text == SectionSpec::Text::HeaderFieldsNot) {
        if (!r.space() || !r.skip('('))
            return std::nullopt;
        for (;;) {
            std::optional<QByteArray> field = r.astring();
            if (!field || field->isEmpty())
                return std::nullopt;
            spec.fields << field->toUpper();
            if (r.skip(')'))
                break;
            if (!r.space())
                return std::nullopt;
        }
    }
    if (!r.skip(']'))
        return std::nullopt;
    return spec;
}

std::optional<FetchItem> parseFetchItem(CommandReader &r)
{
    using K = FetchItem::Kind;
    const QByteArray name = fetchName(r);
    FetchItem item;
    if (name == "FLAGS") item.kind = K::Flags;
    else if (name == "UID") item.kind = K::Uid;
    else if (name == "RFC822.SIZE") item.kind = K::Size;
    else if (name == "INTERNALDATE") item.kind = K::InternalDate;
    else if (name == "ENVELOPE") item.kind = K::Envelope;
    else if (name == "BODYSTRUCTURE") item.kind = K::BodyStructure;
    else if (name == "RFC822") item.kind = K::Rfc822;
    else if (name == "RFC822.HEADER") item.kind = K::Rfc822Header;
    else if (name == "RFC822.TEXT") item.kind = K::Rfc822Text;
    else if (name == "BODY" || name == "BODY.PEEK") {
        item.peek = name == "BODY.PEEK";
        if (!r.skip('[')) {
            if (item.peek)
                return std::nullopt;
            item.kind = K::Body;
            return item;
        }
        std::optional<SectionSpec> spec = parseSection(r);
        if (!spec)
            return std::nullopt;
        item.kind = K::Section;
        item.section = *spec;
        if (r.skip('<')) {
            std::optional<quint32> start = r.number();
            std::optional<quint32> count;
            if (!start || !r.skip('.') || !(count = r.number()) || *count == 0 || !r.skip('>'))
                return std::nullopt;
            item.partial = true;
            item.start = *start;
            item.count = *count;
        }
    } else
        return std::nullopt;
    return item;
}

std::optional<std::vector<FetchItem>> parseFetchItems(CommandReader &r)
{
    using K = FetchItem::Kind;
    std::vector<FetchItem> items;
    auto simple = [](K kind) { FetchItem i; i.kind = kind; return i; };
    if (r.keyword("ALL"))
        return std::vector<FetchItem>{simple(K::Flags), simple(K::InternalDate), simple(K::Size), simple(K::Envelope)};
    if (r.keyword("FAST"))
        return std::vector<FetchItem>{simple(K::Flags), simple(K::InternalDate), simple(K::Size)};
    if (r.keyword("FULL"))
        return std::vector<FetchItem>{simple(K::Flags), simple(K::InternalDate), simple(K::Size),
                                      simple(K::Envelope), simple(K::Body)};
    if (!r.skip('(')) {
        std::optional<FetchItem> one = parseFetchItem(r);
        if (!one)
            return std::nullopt;
        items.push_back(*one);
        return items;
    }
    for (;;) {
        std::optional<FetchItem> one = parseFetchItem(r);
        if (!one)
            return std::nullopt;
        items.push_back(*one);
        if (r.skip(')'))
            return items;
        if (!r.space())
            return std::nullopt;
    }
}

// The literal marker at the end of a command line: "{n}" (n into *size), or nothing.
bool endsWithLiteral(const QByteArray &line, quint64 *size, bool *nonSynchronizing)
{
    if (!line.endsWith('}'))
        return false;
    const qsizetype open = line.lastIndexOf('{');
    if (open < 0)
        return false;
    QByteArrayView digits = QByteArrayView(line).sliced(open + 1, line.size() - open - 2);
    *nonSynchronizing = digits.endsWith('+');
    if (*nonSynchronizing)
        digits.chop(1);
    if (digits.isEmpty() || digits.size() > 19)
        return false;
    quint64 value = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return false;
        value = value * 10 + static_cast<quint64>(c - '0');
    }
    *size = value;
    return true;
}

} // namespace

struct ImapServerSession::Impl
{
    using State = ImapServerSession::State;
    ImapServerSession &s;
    EngineOutput &out;

    // A command's outcome, sent after the untagged updates.
    struct Completion
    {
        int status = status::ImapOk;
        QByteArray text;
    };
    using Handler = Completion (Impl::*)(CommandReader &, bool uid);
    enum Allowed : unsigned { Any = 15, NotAuth = 1, Auth = 2, Selected = 4 };
    struct Command
    {
        const char *name;
        Handler handler;
        unsigned allowed;
        bool reportsExpunge; // whether EXPUNGE may be sent at its end (RFC 3501 7.4.1)
    };
    static const Command kCommands[];
    static const Command *findCommand(QByteArrayView name);

    // ---- Output ------------------------------------------------------------------------

    void untagged(const QByteArray &text, int code = status::ImapUntagged)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Reply, "* " + text + "\r\n", code});
    }
    void tagged(const QByteArray &tag, const Completion &c)
    {
        const char *word = c.status == status::ImapOk ? "OK" : c.status == status::ImapNo ? "NO" : "BAD";
        out.sent.push_back(Transmission{Transmission::Kind::Reply, tag + ' ' + word + ' ' + c.text + "\r\n",
                                        c.status});
        if (c.status == status::ImapBad)
            countBad();
        else
            s.m_badInRow = 0;
    }
    void continuation(const QByteArray &text)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Reply, "+ " + text + "\r\n", status::ImapContinue});
    }
    void countBad()
    {
        if (++s.m_badInRow >= s.m_config.maxErrors && s.m_state != State::Logout)
            bye("Too many invalid commands");
    }
    void bye(const QByteArray &text)
    {
        untagged("BYE " + text, status::ImapBye);
        s.m_state = State::Logout;
        out.close = true;
        s.m_lines.clear();
        s.m_command.clear();
        s.m_literalRemaining = -1;
    }
    static Completion ok(QByteArray text) { return {status::ImapOk, std::move(text)}; }
    static Completion no(QByteArray text) { return {status::ImapNo, std::move(text)}; }
    static Completion bad(QByteArray text) { return {status::ImapBad, std::move(text)}; }

    void greet()
    {
        s.m_greeted = true;
        untagged("OK [CAPABILITY " + QByteArray(kCapabilities) + "] " + s.m_config.hostname
                     + " IMAP4rev1 server ready",
                 status::ImapOk);
    }

    // ---- Input -------------------------------------------------------------------------

    void feed(QByteArray pending)
    {
        while (s.m_state != State::Logout) {
            if (s.m_literalRemaining >= 0) {
                const qint64 take = std::min<qint64>(s.m_literalRemaining, pending.size());
                s.m_command.append(pending.constData(), take);
                pending.remove(0, take);
                s.m_literalRemaining -= take;
                if (s.m_literalRemaining > 0)
                    return;
                s.m_literalRemaining = -1; // the command goes on with its next line
            }
            if (!pending.isEmpty()) {
                s.m_lines.append(pending);
                pending.clear();
            }
            const LineAssembler::Result r = s.m_lines.next();
            if (r.status == LineAssembler::Status::NeedMore)
                return;
            if (r.status == LineAssembler::Status::TooLong) {
                lineTooLong();
                continue;
            }
            if (line(r.line))
                pending = s.m_lines.takeBuffered(); // a literal follows: read it raw
        }
    }

    void lineTooLong()
    {
        const QByteArray tag = tagOf(s.m_command);
        s.m_command.clear();
        if (s.m_state == State::Idle) {
            endIdle();
            tagged(s.m_idleTag, bad("Expected DONE"));
            return;
        }
        const QByteArray text = "Command line too long (at most " + QByteArray::number(s.m_config.maxLine)
                                + " octets)";
        if (tag.isEmpty()) {
            untagged("BAD " + text, status::ImapBad);
            countBad();
        } else {
            tagged(tag, bad(text));
        }
    }

    static QByteArray tagOf(QByteArrayView command)
    {
        CommandReader r(command);
        std::optional<QByteArray> tag = r.tag();
        return tag && r.peek() == ' ' ? *tag : QByteArray();
    }

    // Returns true when a literal is to be read next.
    bool line(const QByteArray &text)
    {
        if (s.m_state == State::Idle) {
            idleLine(text);
            return false;
        }
        s.m_command += text + "\r\n";
        quint64 size = 0;
        bool nonSync = false;
        if (!endsWithLiteral(text, &size, &nonSync)) {
            QByteArray command;
            std::swap(command, s.m_command);
            execute(command);
            return false;
        }
        const QByteArray tag = tagOf(s.m_command);
        const bool append = [&] {
            CommandReader r(s.m_command);
            return r.tag() && r.space() && r.keyword("APPEND");
        }();
        const quint64 room = static_cast<quint64>(s.m_config.maxLiteral);
        const bool tooBig = size > room || static_cast<quint64>(s.m_command.size()) + size
                                               > room + static_cast<quint64>(s.m_config.maxLine);
        if (nonSync || tooBig) {
            s.recognised(out, Transmission{Transmission::Kind::Command, s.m_command, 0});
            s.m_command.clear();
            const QByteArray text = nonSync ? QByteArray("Non-synchronizing literals are not supported (no LITERAL+)")
                                            : "Literal of " + QByteArray::number(size) + " octets is over the limit of "
                                                  + QByteArray::number(s.m_config.maxLiteral);
            if (tag.isEmpty()) {
                untagged("BAD " + text, status::ImapBad);
                countBad();
            } else {
                tagged(tag, append && !nonSync ? no("[TOOBIG] " + text) : bad(text));
            }
            return false;
        }
        continuation("Ready for literal data");
        s.m_literalRemaining = static_cast<qint64>(size);
        return true;
    }

    void execute(const QByteArray &command)
    {
        s.recognised(out, Transmission{Transmission::Kind::Command, command, 0});
        QByteArrayView text(command);
        text.chop(text.endsWith("\r\n") ? 2 : 1);
        CommandReader r(text);
        std::optional<QByteArray> tag = r.tag();
        if (!tag) {
            untagged("BAD Missing command tag", status::ImapBad);
            countBad();
            return;
        }
        if (!r.space()) {
            if (r.atEnd()) {
                tagged(*tag, bad("Missing command"));
            } else {
                // The tag goes on with characters a tag may not have: there is no tag to answer
                // with, so the answer is untagged (RFC 3501 7.1.3).
                untagged("BAD Invalid characters in the tag", status::ImapBad);
                countBad();
            }
            return;
        }
        std::optional<QByteArray> word = r.atom();
        if (!word) {
            tagged(*tag, bad("Missing command"));
            return;
        }
        QByteArray name = word->toUpper();
        bool uid = false;
        if (name == "UID") {
            std::optional<QByteArray> sub;
            if (!r.space() || !(sub = r.atom())) {
                tagged(*tag, bad("UID wants FETCH, STORE, SEARCH or COPY"));
                return;
            }
            name = sub->toUpper();
            if (name != "FETCH" && name != "STORE" && name != "SEARCH" && name != "COPY") {
                tagged(*tag, bad("UID wants FETCH, STORE, SEARCH or COPY"));
                return;
            }
            uid = true;
        }
        const Command *found = findCommand(name);
        if (!found) {
            tagged(*tag, bad("Unknown command " + name.left(40)));
            return;
        }
        const unsigned here = s.m_state == State::NotAuthenticated ? NotAuth
                              : s.m_state == State::Authenticated   ? Auth
                                                                    : Selected;
        if (!(found->allowed & here)) {
            const QByteArray why = here == NotAuth ? "Log in first"
                                   : here == Selected || found->allowed == NotAuth ? "Already logged in"
                                                                                   : "No folder selected";
            tagged(*tag, bad(name + " is not valid now: " + why));
            return;
        }
        if (name == "IDLE")
            s.m_idleTag = *tag;
        const Completion c = (this->*(found->handler))(r, uid);
        if (s.m_state == State::Idle && c.status == status::ImapOk && c.text.isEmpty())
            return; // IDLE goes on; its completion comes with DONE
        if (s.m_state != State::Logout)
            sync(found->reportsExpunge || uid);
        tagged(*tag, c);
    }

    // ---- The session's view of the selected folder ----------------------------------------

    [[nodiscard]] const store::Folder *folder() const
    {
        if (!s.m_account || s.m_folder.isEmpty())
            return nullptr;
        const store::Folder *f = s.m_account->folder(s.m_folder);
        return f && f->uidValidity == s.m_uidValidity ? f : nullptr;
    }

    QByteArray flagsOf(quint32 uid, const QByteArrayList &flags) const
    {
        QByteArrayList all = flags;
        if (s.m_recent.contains(uid))
            all << "\\Recent";
        return flagList(all);
    }

    // Reports what changed in the store since the view was last brought up to date.
    void sync(bool allowExpunge)
    {
        if ((s.m_state != State::Selected && s.m_state != State::Idle) || s.m_folder.isEmpty())
            return;
        const store::Folder *f = folder();
        if (allowExpunge) {
            for (std::size_t i = 0; i < s.m_view.size();) {
                if (!f || f->indexOfUid(s.m_view[i].uid) < 0) {
                    s.m_recent.remove(s.m_view[i].uid);
                    s.m_view.erase(s.m_view.begin() + static_cast<std::ptrdiff_t>(i));
                    untagged(QByteArray::number(static_cast<qulonglong>(i + 1)) + " EXPUNGE");
                } else {
                    ++i;
                }
            }
        }
        if (!f)
            return;
        for (std::size_t i = 0; i < s.m_view.size(); ++i) {
            const store::StoredMessage *m = f->byUid(s.m_view[i].uid);
            if (m && m->flags != s.m_view[i].flags) {
                s.m_view[i].flags = m->flags;
                untagged(QByteArray::number(static_cast<qulonglong>(i + 1)) + " FETCH (FLAGS "
                         + flagsOf(m->uid, m->flags) + ')');
            }
        }
        bool added = false;
        for (const store::StoredMessage &m : f->messages) {
            if (m.uid <= s.m_highestUid)
                continue;
            s.m_view.push_back({m.uid, m.flags});
            s.m_highestUid = m.uid;
            if (m.recent)
                s.m_recent.insert(m.uid);
            added = true;
        }
        if (added) {
            if (!s.m_readOnly)
                s.m_account->clearRecent(s.m_folder);
            untagged(QByteArray::number(static_cast<qulonglong>(s.m_view.size())) + " EXISTS");
            untagged(QByteArray::number(s.m_recent.size()) + " RECENT");
        }
    }

    void deselect()
    {
        s.m_folder.clear();
        s.m_view.clear();
        s.m_recent.clear();
        s.m_highestUid = 0;
        s.m_uidValidity = 0;
        s.m_readOnly = false;
        if (s.m_state == State::Selected)
            s.m_state = State::Authenticated;
    }

    // The view indexes a set names, ascending; nullopt (with a BAD text) for a sequence
    // number beyond the view.
    std::optional<std::vector<std::size_t>> resolve(const SequenceSet &set, bool uid, QByteArray *error) const
    {
        const auto exists = static_cast<quint32>(s.m_view.size());
        if (!uid) {
            bool star = false;
            const quint32 largest = set.largestExplicit(&star);
            if (largest > exists) {
                *error = "Invalid message sequence number " + QByteArray::number(largest) + " (there are "
                         + QByteArray::number(exists) + " messages)";
                return std::nullopt;
            }
        }
        const quint32 starUid = s.m_view.empty() ? 0 : s.m_view.back().uid;
        std::vector<std::size_t> indexes;
        for (std::size_t i = 0; i < s.m_view.size(); ++i) {
            if (uid ? set.contains(s.m_view[i].uid, starUid) : set.contains(static_cast<quint32>(i + 1), exists))
                indexes.push_back(i);
        }
        return indexes;
    }

    // ---- Arguments ---------------------------------------------------------------------

    static std::optional<QString> mailboxName(CommandReader &r)
    {
        if (!r.space())
            return std::nullopt;
        std::optional<QByteArray> name = r.astring();
        if (!name)
            return std::nullopt;
        return QString::fromUtf8(*name);
    }

    // ---- Commands ----------------------------------------------------------------------

    Completion capability(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("CAPABILITY takes no arguments");
        untagged("CAPABILITY " + QByteArray(kCapabilities));
        return ok("CAPABILITY completed");
    }

    Completion noop(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("NOOP takes no arguments");
        return ok("NOOP completed");
    }

    Completion check(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("CHECK takes no arguments");
        return ok("CHECK completed");
    }

    Completion logout(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("LOGOUT takes no arguments");
        untagged("BYE " + s.m_config.hostname + " IMAP4rev1 server logging out", status::ImapBye);
        s.m_state = State::Logout;
        out.close = true;
        return ok("LOGOUT completed");
    }

    Completion login(CommandReader &r, bool)
    {
        std::optional<QByteArray> user;
        std::optional<QByteArray> password;
        if (!r.space() || !(user = r.astring()) || !r.space() || !(password = r.astring()) || !r.atEnd())
            return bad("LOGIN wants a user name and a password");
        store::Mailbox *box = s.m_store.authenticate(*user, *password);
        if (!box)
            return no("[AUTHENTICATIONFAILED] Invalid user name or password");
        s.m_account = box;
        s.m_state = State::Authenticated;
        return ok("LOGIN completed");
    }

    Completion authenticate(CommandReader &, bool)
    {
        return no("AUTHENTICATE is not supported here; use LOGIN");
    }

    Completion starttls(CommandReader &, bool) { return no("TLS is not available on this server"); }

    Completion select(CommandReader &r, bool readOnly)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.atEnd())
            return bad("SELECT and EXAMINE want a folder name");
        deselect();
        const store::Folder *f = s.m_account->folder(*name);
        if (!f)
            return no("No folder called \"" + name->toUtf8() + '"');
        s.m_state = State::Selected;
        s.m_folder = f->name;
        s.m_readOnly = readOnly;
        s.m_uidValidity = f->uidValidity;
        qsizetype firstUnseen = 0;
        for (const store::StoredMessage &m : f->messages) {
            s.m_view.push_back({m.uid, m.flags});
            s.m_highestUid = m.uid;
            if (m.recent)
                s.m_recent.insert(m.uid);
            if (firstUnseen == 0 && !m.hasFlag(store::kSeen))
                firstUnseen = static_cast<qsizetype>(s.m_view.size());
        }
        if (!readOnly)
            s.m_account->clearRecent(f->name);
        untagged("FLAGS " + QByteArray(kSystemFlags));
        untagged(QByteArray::number(static_cast<qulonglong>(s.m_view.size())) + " EXISTS");
        untagged(QByteArray::number(s.m_recent.size()) + " RECENT");
        if (firstUnseen > 0)
            untagged("OK [UNSEEN " + QByteArray::number(firstUnseen) + "] Message "
                         + QByteArray::number(firstUnseen) + " is the first unseen",
                     status::ImapOk);
        untagged("OK [UIDVALIDITY " + QByteArray::number(f->uidValidity) + "] UIDs valid", status::ImapOk);
        untagged("OK [UIDNEXT " + QByteArray::number(f->uidNext) + "] Predicted next UID", status::ImapOk);
        untagged(readOnly ? QByteArray("OK [PERMANENTFLAGS ()] No permanent flags permitted")
                          : "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted",
                 status::ImapOk);
        return ok(readOnly ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed");
    }
    Completion selectRw(CommandReader &r, bool) { return select(r, false); }
    Completion examine(CommandReader &r, bool) { return select(r, true); }

    Completion create(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.atEnd())
            return bad("CREATE wants a folder name");
        if (name->compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
            return no("INBOX exists already");
        if (std::optional<QString> error = s.m_account->createFolder(*name, "IMAP CREATE"))
            return no(error->toUtf8());
        return ok("CREATE completed");
    }

    Completion remove(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.atEnd())
            return bad("DELETE wants a folder name");
        if (std::optional<QString> error = s.m_account->deleteFolder(*name, "IMAP DELETE"))
            return no(error->toUtf8());
        return ok("DELETE completed");
    }

    Completion rename(CommandReader &r, bool)
    {
        const std::optional<QString> from = mailboxName(r);
        const std::optional<QString> to = from ? mailboxName(r) : std::nullopt;
        if (!from || !to || !r.atEnd())
            return bad("RENAME wants the old and the new folder name");
        const QString before = s.m_account->canonicalName(*from);
        if (std::optional<QString> error = s.m_account->renameFolder(*from, *to, "IMAP RENAME"))
            return no(error->toUtf8());
        // The selected folder keeps being selected under its new name (INBOX stays INBOX).
        if (!s.m_folder.isEmpty() && before != QLatin1String("INBOX")) {
            if (s.m_folder == before || s.m_folder.startsWith(before + QLatin1Char('/')))
                s.m_folder = s.m_account->canonicalName(*to) + s.m_folder.mid(before.size());
        }
        return ok("RENAME completed");
    }

    Completion subscribe(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.atEnd())
            return bad("SUBSCRIBE wants a folder name");
        if (!s.m_account->setSubscribed(*name, true))
            return no("No folder called \"" + name->toUtf8() + '"');
        return ok("SUBSCRIBE completed");
    }

    Completion unsubscribe(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.atEnd())
            return bad("UNSUBSCRIBE wants a folder name");
        if (!s.m_account->setSubscribed(*name, false))
            return no("No folder called \"" + name->toUtf8() + '"');
        return ok("UNSUBSCRIBE completed");
    }

    Completion listing(CommandReader &r, bool subscribedOnly)
    {
        const char *verb = subscribedOnly ? "LSUB" : "LIST";
        std::optional<QByteArray> reference;
        std::optional<QByteArray> pattern;
        if (!r.space() || !(reference = r.astring()) || !r.space() || !(pattern = r.listMailbox()) || !r.atEnd())
            return bad(QByteArray(verb) + " wants a reference and a folder pattern");
        if (pattern->isEmpty()) {
            // RFC 3501 6.3.8: the hierarchy delimiter and the root of the reference.
            if (!subscribedOnly)
                untagged("LIST (\\Noselect) \"/\" \"\"");
            return ok(QByteArray(verb) + " completed");
        }
        const QString full = QString::fromUtf8(*reference + *pattern);
        const QStringList names = s.m_account->folderNames();
        for (const store::Folder &f : s.m_account->folders()) {
            if (subscribedOnly && !f.subscribed)
                continue;
            const bool inbox = f.name == QLatin1String("INBOX");
            const bool matches = inbox ? wildcardMatch(full.toUpper(), f.name) : wildcardMatch(full, f.name);
            if (!matches)
                continue;
            const QString prefix = f.name + QLatin1Char('/');
            const bool children = std::any_of(names.begin(), names.end(),
                                              [&](const QString &n) { return n.startsWith(prefix); });
            untagged(QByteArray(verb) + (children ? " (\\HasChildren)" : " (\\HasNoChildren)") + " \"/\" "
                     + astring(f.name.toUtf8()));
        }
        return ok(QByteArray(verb) + " completed");
    }
    Completion list(CommandReader &r, bool) { return listing(r, false); }
    Completion lsub(CommandReader &r, bool) { return listing(r, true); }

    Completion statusCommand(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.space() || !r.skip('('))
            return bad("STATUS wants a folder name and a list of items");
        QByteArrayList items;
        for (;;) {
            std::optional<QByteArray> item = r.atom();
            if (!item)
                return bad("STATUS wants a list of items");
            const QByteArray upper = item->toUpper();
            if (upper != "MESSAGES" && upper != "RECENT" && upper != "UIDNEXT" && upper != "UIDVALIDITY"
                && upper != "UNSEEN")
                return bad("Unknown STATUS item " + upper.left(40));
            items << upper;
            if (r.skip(')'))
                break;
            if (!r.space())
                return bad("STATUS wants a list of items");
        }
        if (!r.atEnd())
            return bad("Unexpected characters after STATUS");
        const store::Folder *f = s.m_account->folder(*name);
        if (!f)
            return no("No folder called \"" + name->toUtf8() + '"');
        QByteArrayList values;
        for (const QByteArray &item : items) {
            qint64 value = 0;
            if (item == "MESSAGES") value = static_cast<qint64>(f->messages.size());
            else if (item == "RECENT") value = f->recentCount();
            else if (item == "UIDNEXT") value = f->uidNext;
            else if (item == "UIDVALIDITY") value = f->uidValidity;
            else value = f->unseenCount();
            values << item + ' ' + QByteArray::number(value);
        }
        untagged("STATUS " + astring(f->name.toUtf8()) + " (" + values.join(' ') + ')');
        return ok("STATUS completed");
    }

    Completion append(CommandReader &r, bool)
    {
        const std::optional<QString> name = mailboxName(r);
        if (!name || !r.space())
            return bad("APPEND wants a folder name and a message literal");
        QByteArrayList flags;
        if (r.peek() == '(') {
            std::optional<QByteArrayList> given = r.flagList();
            if (!given || !r.space())
                return bad("Invalid flag list in APPEND");
            for (const QByteArray &f : *given) {
                if (store::canonicalFlag(f).isEmpty())
                    return bad("Flag " + f.left(40) + " cannot be set");
            }
            flags = *given;
        }
        QDateTime when;
        if (r.peek() == '"') {
            std::optional<QDateTime> given = r.dateTime();
            if (!given || !r.space())
                return bad("Invalid date-time in APPEND (like \"05-Mar-2025 10:00:00 +0100\")");
            when = *given;
        }
        std::optional<QByteArray> content = r.literal();
        if (!content || !r.atEnd())
            return bad("APPEND wants the message as a literal");
        if (!s.m_account->folder(*name))
            return no("[TRYCREATE] No folder called \"" + name->toUtf8() + '"');
        store::StoredMessage m;
        m.content = *content;
        m.flags = flags;
        m.internalDate = when.isValid() ? when : (s.m_config.now ? s.m_config.now() : defaultNow());
        m.messageId = message::parseMessage(m.content).root.header.value("Message-ID");
        s.m_account->append(*name, std::move(m), "IMAP APPEND");
        return ok("APPEND completed");
    }

    Completion idle(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("IDLE takes no arguments");
        s.m_state = State::Idle;
        continuation("idling");
        sync(true);
        return ok("");
    }

    void idleLine(const QByteArray &text)
    {
        s.recognised(out, Transmission{Transmission::Kind::Command, text + "\r\n", 0});
        endIdle();
        if (text.compare("DONE", Qt::CaseInsensitive) == 0) {
            sync(true);
            tagged(s.m_idleTag, ok("IDLE terminated"));
        } else {
            tagged(s.m_idleTag, bad("Expected DONE"));
        }
    }

    void endIdle()
    {
        // A folder stays selected through IDLE; deselect() empties the name.
        s.m_state = s.m_folder.isEmpty() ? State::Authenticated : State::Selected;
    }

    Completion closeCommand(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("CLOSE takes no arguments");
        if (!s.m_readOnly)
            expungeDeleted("IMAP CLOSE");
        deselect();
        return ok("CLOSE completed");
    }

    void expungeDeleted(const QByteArray &cause)
    {
        const store::Folder *f = folder();
        if (!f)
            return;
        std::vector<quint32> doomed;
        for (const ViewEntry &v : s.m_view) {
            const store::StoredMessage *m = f->byUid(v.uid);
            if (m && m->hasFlag(store::kDeleted))
                doomed.push_back(v.uid);
        }
        if (!doomed.empty())
            s.m_account->remove(s.m_folder, doomed, cause);
    }

    Completion expunge(CommandReader &r, bool)
    {
        if (!r.atEnd())
            return bad("EXPUNGE takes no arguments");
        if (s.m_readOnly)
            return no("[READ-ONLY] The folder was opened with EXAMINE");
        expungeDeleted("IMAP EXPUNGE");
        return ok("EXPUNGE completed"); // the "* n EXPUNGE" lines come from sync()
    }

    Completion search(CommandReader &r, bool uid)
    {
        if (!r.space())
            return bad("SEARCH wants search criteria");
        if (r.keyword("CHARSET")) {
            std::optional<QByteArray> charset;
            if (!r.space() || !(charset = r.astring()) || !r.space())
                return bad("CHARSET wants a character set name and search criteria");
            const QByteArray upper = charset->toUpper();
            if (upper != "US-ASCII" && upper != "UTF-8")
                return no("[BADCHARSET (US-ASCII UTF-8)] Unsupported character set");
        }
        QByteArray error;
        std::optional<SearchKey> key = parseSearchKeys(r, &error);
        if (!key)
            return bad(error.isEmpty() ? QByteArray("Invalid search criteria") : error);
        if (!r.atEnd())
            return bad("Unexpected characters after the search criteria");
        const store::Folder *f = folder();
        QByteArray line = "SEARCH";
        const SearchMatcher matcher(*key);
        SearchSubject subject;
        subject.exists = static_cast<quint32>(s.m_view.size());
        subject.largestUid = s.m_view.empty() ? 0 : s.m_view.back().uid;
        for (std::size_t i = 0; f && i < s.m_view.size(); ++i) {
            const store::StoredMessage *m = f->byUid(s.m_view[i].uid);
            if (!m)
                continue;
            subject.message = m;
            subject.sequenceNumber = static_cast<quint32>(i + 1);
            subject.recent = s.m_recent.contains(m->uid);
            if (matcher.matches(subject))
                line += ' ' + QByteArray::number(uid ? m->uid : static_cast<quint32>(i + 1));
        }
        untagged(line);
        return ok(uid ? "UID SEARCH completed" : "SEARCH completed");
    }

    Completion fetch(CommandReader &r, bool uid)
    {
        std::optional<SequenceSet> set;
        if (!r.space() || !(set = r.sequenceSet()) || !r.space())
            return bad("FETCH wants a message set and data items");
        std::optional<std::vector<FetchItem>> items = parseFetchItems(r);
        if (!items)
            return bad("Invalid FETCH data item");
        if (!r.atEnd())
            return bad("Unexpected characters after the FETCH data items");
        QByteArray error;
        std::optional<std::vector<std::size_t>> indexes = resolve(*set, uid, &error);
        if (!indexes)
            return bad(error);
        const store::Folder *f = folder();
        const bool setsSeen = std::any_of(items->begin(), items->end(), [](const FetchItem &i) { return i.setsSeen(); });
        const bool needsMessage = std::any_of(items->begin(), items->end(),
                                              [](const FetchItem &i) { return i.needsMessage(); });
        const bool hasUid = std::any_of(items->begin(), items->end(),
                                        [](const FetchItem &i) { return i.kind == FetchItem::Kind::Uid; });
        const bool hasFlags = std::any_of(items->begin(), items->end(),
                                          [](const FetchItem &i) { return i.kind == FetchItem::Kind::Flags; });
        for (std::size_t index : *indexes) {
            const store::StoredMessage *m = f ? f->byUid(s.m_view[index].uid) : nullptr;
            if (!m)
                continue; // expunged elsewhere; reported at a later command
            bool flagsChanged = false;
            if (setsSeen && !s.m_readOnly && !m->hasFlag(store::kSeen)) {
                QByteArrayList flags = m->flags;
                flags << store::kSeen;
                const quint32 u = m->uid;
                s.m_account->setFlags(s.m_folder, u, flags, "IMAP FETCH");
                f = folder();
                m = f->byUid(u);
                flagsChanged = true;
            }
            s.m_view[index].flags = m->flags;
            std::optional<message::ParsedMessage> parsed;
            if (needsMessage)
                parsed = message::parseMessage(m->content);
            QByteArrayList parts;
            if (uid && !hasUid)
                parts << "UID " + QByteArray::number(m->uid);
            for (const FetchItem &item : *items)
                parts << fetchItem(item, *m, parsed ? &parsed->root : nullptr);
            if (flagsChanged && !hasFlags)
                parts << "FLAGS " + flagsOf(m->uid, m->flags);
            untagged(QByteArray::number(static_cast<qulonglong>(index + 1)) + " FETCH (" + parts.join(' ') + ')');
        }
        return ok(uid ? "UID FETCH completed" : "FETCH completed");
    }

    QByteArray fetchItem(const FetchItem &item, const store::StoredMessage &m, const message::MimeEntity *root) const
    {
        using K = FetchItem::Kind;
        auto literal = [](const QByteArray &bytes) {
            return '{' + QByteArray::number(bytes.size()) + "}\r\n" + bytes;
        };
        switch (item.kind) {
        case K::Flags: return "FLAGS " + flagsOf(m.uid, m.flags);
        case K::Uid: return "UID " + QByteArray::number(m.uid);
        case K::Size: return "RFC822.SIZE " + QByteArray::number(m.size());
        case K::InternalDate: return "INTERNALDATE \"" + formatDateTime(m.internalDate) + '"';
        case K::Envelope: return "ENVELOPE " + envelope(*root);
        case K::BodyStructure: return "BODYSTRUCTURE " + bodyStructure(*root, true);
        case K::Body: return "BODY " + bodyStructure(*root, false);
        case K::Rfc822: return "RFC822 " + literal(m.content);
        case K::Rfc822Header: {
            SectionSpec header;
            header.text = SectionSpec::Text::Header;
            return "RFC822.HEADER " + literal(sectionBytes(*root, header).value_or(QByteArray()));
        }
        case K::Rfc822Text: {
            SectionSpec text;
            text.text = SectionSpec::Text::Text;
            return "RFC822.TEXT " + literal(sectionBytes(*root, text).value_or(QByteArray()));
        }
        case K::Section: {
            QByteArray name = "BODY[" + item.section.name() + ']';
            std::optional<QByteArray> bytes = item.section.part.empty() && item.section.text == SectionSpec::Text::Whole
                                                  ? std::optional<QByteArray>(m.content)
                                                  : sectionBytes(*root, item.section);
            if (item.partial) {
                name += '<' + QByteArray::number(item.start) + '>';
                if (bytes)
                    bytes = bytes->mid(std::min<qsizetype>(item.start, bytes->size()), item.count);
            }
            return name + ' ' + (bytes ? literal(*bytes) : QByteArray("NIL"));
        }
        }
        return {};
    }

    Completion storeCommand(CommandReader &r, bool uid)
    {
        std::optional<SequenceSet> set;
        std::optional<QByteArray> what;
        if (!r.space() || !(set = r.sequenceSet()) || !r.space())
            return bad("STORE wants a message set, FLAGS, +FLAGS or -FLAGS, and flags");
        enum class Mode { Replace, Add, Remove } mode = Mode::Replace;
        if (r.skip('+'))
            mode = Mode::Add;
        else if (r.skip('-'))
            mode = Mode::Remove;
        bool silent = false;
        if (r.keyword("FLAGS.SILENT"))
            silent = true;
        else if (!r.keyword("FLAGS"))
            return bad("STORE wants FLAGS, +FLAGS or -FLAGS (optionally .SILENT)");
        if (!r.space())
            return bad("STORE wants a list of flags");
        QByteArrayList flags;
        if (r.peek() == '(') {
            std::optional<QByteArrayList> list = r.flagList();
            if (!list)
                return bad("Invalid flag list");
            flags = *list;
        } else {
            for (;;) {
                std::optional<QByteArray> f = r.flag();
                if (!f)
                    return bad("Invalid flag");
                flags << *f;
                if (!r.space())
                    break;
            }
        }
        if (!r.atEnd())
            return bad("Unexpected characters after the flags");
        for (QByteArray &f : flags) {
            const QByteArray c = store::canonicalFlag(f);
            if (c.isEmpty())
                return bad("Flag " + f.left(40) + " cannot be stored");
            f = c;
        }
        QByteArray error;
        std::optional<std::vector<std::size_t>> indexes = resolve(*set, uid, &error);
        if (!indexes)
            return bad(error);
        if (s.m_readOnly)
            return no("[READ-ONLY] The folder was opened with EXAMINE");
        for (std::size_t index : *indexes) {
            const store::Folder *f = folder();
            const store::StoredMessage *m = f ? f->byUid(s.m_view[index].uid) : nullptr;
            if (!m)
                continue;
            QByteArrayList next;
            if (mode == Mode::Replace) {
                next = flags;
            } else {
                next = m->flags;
                for (const QByteArray &flag : flags) {
                    if (mode == Mode::Add && !m->hasFlag(flag))
                        next << flag;
                    if (mode == Mode::Remove)
                        next.removeIf([&](const QByteArray &x) { return x.compare(flag, Qt::CaseInsensitive) == 0; });
                }
            }
            const quint32 u = m->uid;
            s.m_account->setFlags(s.m_folder, u, next, "IMAP STORE");
            m = folder()->byUid(u);
            s.m_view[index].flags = m->flags;
            if (!silent)
                untagged(QByteArray::number(static_cast<qulonglong>(index + 1)) + " FETCH ("
                         + (uid ? "UID " + QByteArray::number(u) + ' ' : QByteArray()) + "FLAGS "
                         + flagsOf(u, m->flags) + ')');
        }
        return ok(uid ? "UID STORE completed" : "STORE completed");
    }

    Completion copy(CommandReader &r, bool uid)
    {
        std::optional<SequenceSet> set;
        if (!r.space() || !(set = r.sequenceSet()))
            return bad("COPY wants a message set and a folder name");
        const std::optional<QString> target = mailboxName(r);
        if (!target || !r.atEnd())
            return bad("COPY wants a message set and a folder name");
        QByteArray error;
        std::optional<std::vector<std::size_t>> indexes = resolve(*set, uid, &error);
        if (!indexes)
            return bad(error);
        if (!s.m_account->folder(*target))
            return no("[TRYCREATE] No folder called \"" + target->toUtf8() + '"');
        // The UIDs first: copying into the selected folder itself must not change the set.
        // The store makes each copy a new message (its own UID, \Recent, the same flags and
        // date) without the delivery's envelope, which belongs to the original.
        std::vector<quint32> uids;
        if (folder()) {
            for (std::size_t index : *indexes)
                uids.push_back(s.m_view[index].uid);
        }
        const QString source = s.m_folder;
        for (quint32 u : uids)
            s.m_account->copy(source, u, *target, "IMAP COPY");
        return ok(uid ? "UID COPY completed" : "COPY completed");
    }
};

const ImapServerSession::Impl::Command ImapServerSession::Impl::kCommands[] = {
    {"CAPABILITY", &Impl::capability, Any, true},
    {"NOOP", &Impl::noop, Any, true},
    {"LOGOUT", &Impl::logout, Any, true},
    {"LOGIN", &Impl::login, NotAuth, true},
    {"AUTHENTICATE", &Impl::authenticate, NotAuth, true},
    {"STARTTLS", &Impl::starttls, NotAuth, true},
    {"SELECT", &Impl::selectRw, Auth | Selected, true},
    {"EXAMINE", &Impl::examine, Auth | Selected, true},
    {"CREATE", &Impl::create, Auth | Selected, true},
    {"DELETE", &Impl::remove, Auth | Selected, true},
    {"RENAME", &Impl::rename, Auth | Selected, true},
    {"SUBSCRIBE", &Impl::subscribe, Auth | Selected, true},
    {"UNSUBSCRIBE", &Impl::unsubscribe, Auth | Selected, true},
    {"LIST", &Impl::list, Auth | Selected, true},
    {"LSUB", &Impl::lsub, Auth | Selected, true},
    {"STATUS", &Impl::statusCommand, Auth | Selected, true},
    {"APPEND", &Impl::append, Auth | Selected, true},
    {"IDLE", &Impl::idle, Auth | Selected, true},
    {"CHECK", &Impl::check, Selected, true},
    {"CLOSE", &Impl::closeCommand, Selected, true},
    {"EXPUNGE", &Impl::expunge, Selected, true},
    {"SEARCH", &Impl::search, Selected, false},
    {"FETCH", &Impl::fetch, Selected, false},
    {"STORE", &Impl::storeCommand, Selected, false},
    {"COPY", &Impl::copy, Selected, true},
};

const ImapServerSession::Impl::Command *ImapServerSession::Impl::findCommand(QByteArrayView name)
{
    for (const Command &c : kCommands) {
        if (name == c.name)
            return &c;
    }
    return nullptr;
}

ImapServerSession::ImapServerSession(ServerConfig config, store::MailStore &store)
    : m_config(std::move(config)), m_store(store), m_lines(m_config.maxLine)
{
}

ImapServerSession::~ImapServerSession() = default;

EngineOutput ImapServerSession::open()
{
    EngineOutput out;
    if (!m_greeted)
        Impl{*this, out}.greet();
    return out;
}

EngineOutput ImapServerSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_state == State::Logout)
        return out;
    Impl impl{*this, out};
    if (!m_greeted)
        impl.greet();
    impl.feed(bytes.toByteArray());
    return out;
}

EngineOutput ImapServerSession::receiveEof()
{
    EngineOutput out;
    m_state = State::Logout;
    m_lines.clear();
    m_command.clear();
    out.close = true;
    return out;
}

EngineOutput ImapServerSession::timeout()
{
    EngineOutput out;
    if (m_state == State::Logout)
        return out;
    Impl{*this, out}.bye("Autologout; idle for too long");
    return out;
}

EngineOutput ImapServerSession::storeChanged()
{
    EngineOutput out;
    if (m_state == State::Idle)
        Impl{*this, out}.sync(true);
    return out;
}

} // namespace mailsim::imap
