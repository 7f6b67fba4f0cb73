// Theory of operation.
//
// Received bytes are cut into whole responses: a line, and when it ends in "{n}", n more
// octets and the line that continues after them. Each response is then read with the
// CommandReader of imap_syntax.h. One command is in flight at a time (no pipelining), so a
// tagged completion always belongs to m_tag, and what to do next depends only on m_step
// and the running action.
#include "protocol/imap/imap_client_session.h"

#include "protocol/imap/imap_syntax.h"

#include <algorithm>
#include <optional>

namespace mailsim::imap {

using protocol::EngineOutput;
using protocol::Transmission;
using Kind = ClientAction::Kind;
namespace status = protocol::reply_status;

namespace {

// "1:3,7,9:10" for ascending UIDs.
QByteArray uidSet(const std::vector<quint32> &uids)
{
    QByteArray out;
    for (std::size_t i = 0; i < uids.size();) {
        std::size_t j = i;
        while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
            ++j;
        if (!out.isEmpty())
            out += ',';
        out += QByteArray::number(uids[i]);
        if (j > i)
            out += ':' + QByteArray::number(uids[j]);
        i = j + 1;
    }
    return out;
}

bool needsFolder(Kind kind)
{
    switch (kind) {
    case Kind::FetchNew:
    case Kind::Search:
    case Kind::MarkRead:
    case Kind::AddFlags:
    case Kind::RemoveFlags:
    case Kind::CopyTo:
    case Kind::MoveTo:
    case Kind::Expunge:
        return true;
    default:
        return false;
    }
}

// Skips one value of a FETCH response that the client does not use: an atom or number,
// a string, NIL, or a parenthesised list (nested).
bool skipValue(CommandReader &r)
{
    if (r.peek() == '"' || r.peek() == '{')
        return r.string().has_value();
    if (r.skip('(')) {
        while (!r.skip(')')) {
            if (r.atEnd() || !(r.space() || skipValue(r)))
                return false;
        }
        return true;
    }
    bool any = false;
    while (!r.atEnd() && r.peek() != ' ' && r.peek() != ')' && r.peek() != '(') {
        if (r.peek() == '[') {
            while (!r.atEnd() && !r.skip(']'))
                (void)(r.skip(r.peek()));
        } else {
            (void)r.skip(r.peek());
        }
        any = true;
    }
    return any;
}

// The name of a FETCH item: "UID", "BODY[]", "BODY[HEADER.FIELDS (A B)]<0>".
QByteArray itemName(CommandReader &r)
{
    QByteArray name;
    int depth = 0;
    while (!r.atEnd()) {
        const char c = r.peek();
        if (depth == 0 && (c == ' ' || c == '(' || c == ')'))
            break;
        if (c == '[')
            ++depth;
        if (c == ']')
            --depth;
        name += c;
        (void)r.skip(c);
    }
    return name.toUpper();
}

} // namespace

struct ImapClientSession::Impl
{
    ImapClientSession &s;
    EngineOutput &out;

    const ClientAction &action() const { return s.m_config.actions[s.m_action]; }

    // ---- Sending -----------------------------------------------------------------------

    // A command, possibly in pieces: each piece but the last ends with a literal's "{n}\r\n"
    // and the next piece starts with the literal's octets, sent when the server says "+".
    void command(Step step, QByteArrayList pieces)
    {
        s.m_lastCommand = pieces;
        s.m_step = step;
        s.m_tag = s.m_config.tagPrefix + QByteArray::number(s.m_nextTag++);
        pieces.front().prepend(s.m_tag + ' ');
        pieces.back() += "\r\n";
        out.sent.push_back(Transmission{Transmission::Kind::Command, pieces.takeFirst(), 0});
        s.m_toSend = pieces;
    }
    void command(Step step, const QByteArray &text) { command(step, QByteArrayList{text}); }

    void fail(const QByteArray &why)
    {
        if (s.m_result.error.isEmpty())
            s.m_result.error = why;
        s.m_done = true;
        s.m_idling = false;
        out.close = true;
    }

    // ---- Responses ---------------------------------------------------------------------

    // The next whole response in the buffer, literals included; nothing if incomplete.
    std::optional<QByteArray> nextResponse()
    {
        for (;;) {
            if (s.m_literalNeeded > 0) {
                const qint64 available = s.m_buffer.size() - s.m_scanned;
                if (available < s.m_literalNeeded)
                    return std::nullopt;
                s.m_scanned += static_cast<qsizetype>(s.m_literalNeeded);
                s.m_literalNeeded = 0;
            }
            const qsizetype lf = s.m_buffer.indexOf('\n', s.m_scanned);
            if (lf < 0)
                return std::nullopt;
            QByteArrayView line = QByteArrayView(s.m_buffer).sliced(s.m_scanned, lf - s.m_scanned);
            s.m_scanned = lf + 1;
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.endsWith('}')) {
                const qsizetype open = line.lastIndexOf('{');
                bool ok = open >= 0;
                const qint64 size = ok ? line.sliced(open + 1, line.size() - open - 2).toLongLong(&ok) : 0;
                if (ok && size >= 0) {
                    s.m_literalNeeded = size;
                    continue;
                }
            }
            QByteArray response = s.m_buffer.left(s.m_scanned);
            s.m_buffer.remove(0, s.m_scanned);
            s.m_scanned = 0;
            return response;
        }
    }

    void feed(QByteArrayView bytes)
    {
        if (s.m_done)
            return;
        s.m_buffer.append(bytes.data(), bytes.size());
        while (!s.m_done) {
            std::optional<QByteArray> response = nextResponse();
            if (!response)
                break;
            handle(*response);
        }
        if (!s.m_done && s.m_buffer.size() > s.m_config.maxResponse)
            fail("The server sent a response over " + QByteArray::number(s.m_config.maxResponse) + " octets");
    }

    void handle(const QByteArray &response)
    {
        QByteArrayView text(response);
        text.chop(text.endsWith("\r\n") ? 2 : 1);
        CommandReader r(text);
        int code = status::ImapUntagged;
        if (r.skip('+')) {
            out.received.push_back(Transmission{Transmission::Kind::Reply, response, status::ImapContinue});
            continuation();
            return;
        }
        if (r.skip('*')) {
            const qsizetype mark = out.received.size();
            out.received.push_back(Transmission{Transmission::Kind::Reply, response, code});
            (void)r.space();
            untagged(r, out.received[static_cast<std::size_t>(mark)].code);
            return;
        }
        std::optional<QByteArray> tag = r.tag();
        QByteArray word;
        if (tag && r.space()) {
            if (std::optional<QByteArray> w = r.atom())
                word = w->toUpper();
        }
        code = word == "OK" ? status::ImapOk : word == "NO" ? status::ImapNo : status::ImapBad;
        out.received.push_back(Transmission{Transmission::Kind::Reply, response, code});
        if (!tag || *tag != s.m_tag) {
            fail("Unexpected response from the server: " + text.first(std::min<qsizetype>(80, text.size())).toByteArray());
            return;
        }
        (void)r.space();
        completed(code, r.rest().toByteArray());
    }

    void continuation()
    {
        if (!s.m_toSend.isEmpty()) {
            const bool data = s.m_step == Step::Append;
            out.sent.push_back(Transmission{data ? Transmission::Kind::Data : Transmission::Kind::Command,
                                            s.m_toSend.takeFirst(), 0});
            return;
        }
        if (s.m_step == Step::Idle && !s.m_idling && !s.m_doneSent)
            s.m_idling = true;
    }

    void untagged(CommandReader &r, int &code)
    {
        if (std::optional<quint32> n = r.number()) {
            if (!r.space())
                return;
            if (r.keyword("EXISTS")) {
                s.m_result.exists = static_cast<int>(*n);
                if (s.m_idling) {
                    s.m_result.pushedExists = static_cast<int>(*n);
                    sendDone();
                }
            } else if (r.keyword("FETCH")) {
                if (r.space())
                    fetchResponse(r);
            }
            return;
        }
        std::optional<QByteArray> word = r.atom();
        if (!word)
            return;
        const QByteArray name = word->toUpper();
        if (name == "OK") {
            code = status::ImapOk;
            if (r.space() && r.skip('[') && r.keyword("UIDVALIDITY") && r.space()) {
                if (std::optional<quint32> v = r.number())
                    s.m_result.uidValidity = *v;
            }
        } else if (name == "NO") {
            code = status::ImapNo;
        } else if (name == "BAD") {
            code = status::ImapBad;
        } else if (name == "BYE") {
            code = status::ImapBye;
            if (s.m_step != Step::Logout && s.m_step != Step::Greeting)
                s.m_result.error = "The server closed the session: " + r.rest().trimmed().toByteArray();
        } else if (name == "SEARCH") {
            s.m_found.clear();
            while (r.space()) {
                if (std::optional<quint32> uid = r.number())
                    s.m_found.push_back(*uid);
            }
            std::sort(s.m_found.begin(), s.m_found.end());
        }
    }

    void fetchResponse(CommandReader &r)
    {
        if (!r.skip('('))
            return;
        FetchedMessage m;
        m.folder = s.m_selected;
        bool hasBody = false;
        while (!r.atEnd() && !r.skip(')')) {
            (void)r.space();
            const QByteArray name = itemName(r);
            if (name.isEmpty() || !r.space())
                return;
            if (name == "UID") {
                m.uid = r.number().value_or(0);
            } else if (name == "RFC822.SIZE") {
                m.size = r.number().value_or(0);
            } else if (name == "FLAGS") {
                m.flags = r.flagList().value_or(QByteArrayList());
                m.flags.removeAll("\\Recent");
            } else if (name == "BODY[]" || name == "RFC822") {
                std::optional<QByteArray> body = r.nstring();
                if (!body)
                    return;
                m.content = *body;
                hasBody = true;
            } else if (!skipValue(r)) {
                return;
            }
        }
        if (s.m_step == Step::Fetch && hasBody && m.uid != 0)
            s.m_result.fetched.push_back(std::move(m));
    }

    void sendDone()
    {
        if (s.m_doneSent)
            return;
        s.m_doneSent = true;
        s.m_idling = false;
        out.sent.push_back(Transmission{Transmission::Kind::Command, "DONE\r\n", 0});
    }

    // ---- The script --------------------------------------------------------------------

    void completed(int code, const QByteArray &text)
    {
        const bool ok = code == status::ImapOk;
        switch (s.m_step) {
        case Step::Greeting:
            break;
        case Step::Login:
            if (!ok) {
                s.m_result.error = "LOGIN failed: " + text;
                command(Step::Logout, "LOGOUT");
                return;
            }
            s.m_result.authenticated = true;
            startAction();
            return;
        case Step::Logout:
            s.m_result.finished = ok && s.m_result.error.isEmpty();
            s.m_done = true;
            out.close = true;
            return;
        case Step::PreSelect:
            if (!ok) {
                s.m_selected.clear();
                finish(code, text);
                return;
            }
            s.m_selected = wantedFolder();
            s.m_readOnly = false;
            runAction();
            return;
        case Step::Select:
            s.m_selected = ok ? action().folder : QString();
            s.m_readOnly = action().kind == Kind::Examine;
            finish(code, text);
            return;
        case Step::Search:
            if (!ok) {
                finish(code, text);
                return;
            }
            afterSearch();
            return;
        case Step::CreateForRetry:
            if (!ok) {
                finish(code, text);
                return;
            }
            command(s.m_retryStep, s.m_retryCommand);
            return;
        case Step::Append:
            if (retryAfterCreate(ok, text, Step::Append))
                return;
            finish(code, text);
            return;
        case Step::Fetch:
        case Step::Store:
        case Step::Expunge:
        case Step::Create:
        case Step::Delete:
        case Step::Noop:
        case Step::List:
        case Step::Status:
            finish(code, text);
            return;
        case Step::Idle:
            s.m_idling = false;
            finish(code, text);
            return;
        case Step::Copy:
            if (retryAfterCreate(ok, text, Step::Copy))
                return;
            if (!ok || action().kind != Kind::MoveTo) {
                finish(code, text);
                return;
            }
            command(Step::MarkDeleted, "UID STORE " + uidSet(s.m_acted) + " +FLAGS.SILENT (\\Deleted)");
            return;
        case Step::MarkDeleted:
            if (!ok) {
                finish(code, text);
                return;
            }
            command(Step::Expunge, "EXPUNGE");
            return;
        }
    }

    // After "NO [TRYCREATE]" to a COPY or APPEND: CREATE the folder, then send it again.
    bool retryAfterCreate(bool ok, const QByteArray &text, Step step)
    {
        if (ok || s.m_triedCreate || !text.contains("[TRYCREATE]"))
            return false;
        const ClientAction &a = action();
        const QString folder = step == Step::Copy ? a.target : (a.folder.isEmpty() ? QStringLiteral("INBOX") : a.folder);
        s.m_triedCreate = true;
        s.m_retryStep = step;
        s.m_retryCommand = s.m_lastCommand;
        command(Step::CreateForRetry, "CREATE " + astring(folder.toUtf8()));
        return true;
    }

    QString wantedFolder() const
    {
        if (!action().folder.isEmpty())
            return action().folder;
        return s.m_selected.isEmpty() ? QStringLiteral("INBOX") : s.m_selected;
    }

    void startAction()
    {
        s.m_found.clear();
        s.m_acted.clear();
        s.m_doneSent = false;
        s.m_triedCreate = false;
        if (s.m_action >= s.m_config.actions.size()) {
            command(Step::Logout, "LOGOUT");
            return;
        }
        // Changing messages needs the folder read-write: after EXAMINE it is selected again.
        const bool changes = action().kind != Kind::FetchNew && action().kind != Kind::Search;
        if (needsFolder(action().kind) && (wantedFolder() != s.m_selected || (changes && s.m_readOnly))) {
            command(Step::PreSelect, "SELECT " + astring(wantedFolder().toUtf8()));
            return;
        }
        runAction();
    }

    void finish(int code, const QByteArray &text)
    {
        ActionResult result;
        result.kind = action().kind;
        result.status = code;
        result.text = text;
        result.uids = action().kind == Kind::Search ? s.m_found : s.m_acted;
        s.m_result.actions.push_back(std::move(result));
        ++s.m_action;
        startAction();
    }

    QByteArray criteria() const { return action().criteria.isEmpty() ? QByteArray("ALL") : action().criteria; }

    void runAction()
    {
        const ClientAction &a = action();
        const QByteArray folder = astring(a.folder.toUtf8());
        switch (a.kind) {
        case Kind::Select: command(Step::Select, "SELECT " + folder); return;
        case Kind::Examine: command(Step::Select, "EXAMINE " + folder); return;
        case Kind::FetchNew: command(Step::Search, "UID SEARCH ALL"); return;
        case Kind::Search:
        case Kind::MarkRead:
        case Kind::AddFlags:
        case Kind::RemoveFlags:
        case Kind::CopyTo:
        case Kind::MoveTo: command(Step::Search, "UID SEARCH " + criteria()); return;
        case Kind::Create: command(Step::Create, "CREATE " + folder); return;
        case Kind::Delete: command(Step::Delete, "DELETE " + folder); return;
        case Kind::Expunge: command(Step::Expunge, "EXPUNGE"); return;
        case Kind::Idle: command(Step::Idle, "IDLE"); return;
        case Kind::Noop: command(Step::Noop, "NOOP"); return;
        case Kind::List: command(Step::List, "LIST \"\" *"); return;
        case Kind::Status:
            command(Step::Status, "STATUS " + folder + " (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)");
            return;
        case Kind::Append: {
            QByteArray head = "APPEND " + astring((a.folder.isEmpty() ? QStringLiteral("INBOX") : a.folder).toUtf8());
            if (!a.flags.isEmpty())
                head += ' ' + flagList(a.flags);
            head += " {" + QByteArray::number(a.message.size()) + "}\r\n";
            command(Step::Append, QByteArrayList{head, a.message});
            return;
        }
        }
    }

    void afterSearch()
    {
        const ClientAction &a = action();
        if (a.kind == Kind::Search) {
            finish(status::ImapOk, "SEARCH completed");
            return;
        }
        for (quint32 uid : s.m_found) {
            if (a.kind == Kind::FetchNew && s.m_selected == QLatin1String("INBOX") && s.m_config.alreadyFetched.contains(uid))
                continue;
            s.m_acted.push_back(uid);
        }
        if (s.m_acted.empty()) {
            finish(status::ImapOk, "nothing to do");
            return;
        }
        const QByteArray set = uidSet(s.m_acted);
        switch (a.kind) {
        case Kind::FetchNew:
            command(Step::Fetch, "UID FETCH " + set + (a.peek ? " (UID FLAGS RFC822.SIZE BODY.PEEK[])"
                                                              : " (UID FLAGS RFC822.SIZE BODY[])"));
            return;
        case Kind::MarkRead: command(Step::Store, "UID STORE " + set + " +FLAGS (\\Seen)"); return;
        case Kind::AddFlags: command(Step::Store, "UID STORE " + set + " +FLAGS " + flagList(a.flags)); return;
        case Kind::RemoveFlags: command(Step::Store, "UID STORE " + set + " -FLAGS " + flagList(a.flags)); return;
        case Kind::CopyTo:
        case Kind::MoveTo: command(Step::Copy, "UID COPY " + set + ' ' + astring(a.target.toUtf8())); return;
        default: finish(status::ImapOk, "SEARCH completed"); return;
        }
    }
};

ImapClientSession::ImapClientSession(ClientConfig config) : m_config(std::move(config)) {}

EngineOutput ImapClientSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    Impl impl{*this, out};
    if (m_step == Step::Greeting && !m_done) {
        // The greeting is the first response; nothing is sent before it.
        m_buffer.append(bytes.data(), bytes.size());
        std::optional<QByteArray> greeting = impl.nextResponse();
        if (!greeting)
            return out;
        const bool ok = greeting->startsWith("* OK");
        out.received.push_back(Transmission{Transmission::Kind::Reply, *greeting,
                                            ok ? status::ImapOk : status::ImapBye});
        if (!ok) {
            impl.fail("The server refused the connection: " + greeting->trimmed());
            return out;
        }
        // A user name or password that cannot be a quoted string goes as a literal, which
        // waits for the server's "+".
        QByteArrayList pieces{"LOGIN "};
        auto add = [&pieces](const QByteArray &argument) {
            const QByteArray text = astring(argument);
            if (text.startsWith('{')) {
                const qsizetype lf = text.indexOf('\n');
                pieces.back() += text.left(lf + 1);
                pieces << text.mid(lf + 1);
            } else {
                pieces.back() += text;
            }
        };
        add(m_config.user);
        pieces.back() += ' ';
        add(m_config.password);
        impl.command(Step::Login, pieces);
        impl.feed({});
        return out;
    }
    impl.feed(bytes);
    return out;
}

EngineOutput ImapClientSession::receiveEof()
{
    EngineOutput out;
    if (!m_done) {
        Impl{*this, out}.fail("The server closed the connection");
        out.close = false;
    }
    return out;
}

EngineOutput ImapClientSession::timeout()
{
    EngineOutput out;
    if (m_done)
        return out;
    Impl impl{*this, out};
    if (m_idling) {
        impl.sendDone();
        return out;
    }
    impl.fail("The server did not answer in time");
    return out;
}

} // namespace mailsim::imap
