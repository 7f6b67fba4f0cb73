// Theory of operation.
//
// Input goes into a LineAssembler; each complete line is one command and is answered in
// full before the next is looked at, so pipelined commands (RFC 2449 PIPELINING) are
// answered in order and the output cannot depend on how the network split the bytes.
//
// Commands are dispatched through one table: the keyword, the states it is valid in, how
// many arguments it takes, and its handler. Wrong state and wrong argument count are
// answered from the table, so a handler only sees the states and arguments it was written
// for.
//
// Decisions where RFC 1939 leaves a choice:
//  - A command line may end in a bare LF, as most servers accept.
//  - Arguments are separated by exactly one space; an empty argument (two spaces, or a
//    trailing space) is a syntax error. PASS is the exception the RFC itself suggests: its
//    one argument is the rest of the line, spaces included.
//  - A wrong user name and a wrong password get the same reply, so that the reply does not
//    tell a guesser which names exist. USER always says "+OK" for the same reason.
//  - Every -ERR that answers a client mistake (unknown command, bad argument, wrong state,
//    failed login, no such message, line too long) counts towards maxErrors. [IN-USE] does
//    not: the client did nothing wrong. The reply that reaches the limit is followed by a
//    final "-ERR" and the connection is closed.
//  - "(n messages left)" after QUIT counts what is really left in the INBOX, mail that
//    arrived during the session included.
//  - Message content goes out through the SMTP dot-stuffing: lines starting with "." get
//    another, a final CR LF is added when missing, and a bare CR or LF in stored content
//    (the store keeps CR LF, so only a broken message has one) goes out as CR LF.
#include "protocol/pop3/pop3_server_session.h"

#include "protocol/common/ascii.h"

#include "protocol/smtp/dot_stuffing.h"

#include <QCryptographicHash>

#include <limits>
#include <optional>

namespace mailsim::pop3 {

using protocol::EngineOutput;
using protocol::LineAssembler;
using protocol::Transmission;

namespace {

constexpr qsizetype kMaxArgument = 40; // RFC 1939 section 3

using State = Pop3ServerSession::State;
using StateSet = unsigned;
constexpr StateSet only(State state) { return 1u << static_cast<unsigned>(state); }
constexpr StateSet kAuthorization = only(State::Authorization);
constexpr StateSet kTransaction = only(State::Transaction);
constexpr StateSet kBoth = kAuthorization | kTransaction;

bool equalsNoCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

// A decimal number of digits only; nullopt for anything else or a value too large to be
// a message number or a line count.
std::optional<qint64> parseNumber(QByteArrayView text)
{
    return protocol::parseDecimal(text, std::numeric_limits<int>::max());
}

// The first `lines` lines of the body after the header section and its blank line, all of
// the header. Content without a blank line is all header.
QByteArray headerAndTopLines(const QByteArray &content, qint64 lines)
{
    const qsizetype blank = content.indexOf("\r\n\r\n");
    if (blank < 0)
        return content;
    qsizetype end = blank + 4;
    for (qint64 i = 0; i < lines && end < content.size(); ++i) {
        const qsizetype lf = content.indexOf('\n', end);
        end = lf < 0 ? content.size() : lf + 1;
    }
    return content.left(end);
}

} // namespace

struct Pop3ServerSession::Impl
{
    using Handler = void (Impl::*)(const QList<QByteArrayView> &arguments);
    struct Verb
    {
        const char *name;
        StateSet allowedIn;
        int minArguments;
        int maxArguments; // -1: the rest of the line is one argument (PASS)
        Handler handler;
    };
    static const Verb kVerbs[];

    Pop3ServerSession &s;
    EngineOutput &out;

    // ---- Output ----------------------------------------------------------------------

    void ok(const QByteArray &text, const QByteArray &body = {}, bool multiLine = false)
    {
        QByteArray wire = "+OK";
        if (!text.isEmpty())
            wire += ' ' + text;
        wire += "\r\n";
        if (multiLine)
            wire += body; // already dot-stuffed, with its final ".\r\n"
        out.sent.push_back(
            Transmission{Transmission::Kind::Reply, wire, protocol::reply_status::Pop3Ok});
    }

    void sendErr(const QByteArray &text)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Reply, "-ERR " + text + "\r\n",
                                        protocol::reply_status::Pop3Err});
    }

    // An -ERR for something the client got wrong: counted, and the last straw closes.
    void err(const QByteArray &text)
    {
        sendErr(text);
        if (++s.m_errors >= s.m_config.maxErrors && s.m_state != State::Closed) {
            sendErr("too many errors, closing connection");
            end();
            out.close = true;
        }
    }

    // ---- Session life ----------------------------------------------------------------

    void greet()
    {
        s.m_opened = true;
        QByteArray text = s.m_config.hostname + " POP3 server ready";
        if (!s.m_config.apopTimestamp.isEmpty())
            text += ' ' + s.m_config.apopTimestamp;
        ok(text);
    }

    // Ends the session without UPDATE: nothing is deleted, the lock is released.
    void end()
    {
        if (s.m_maildrop)
            s.m_maildrop->unlock();
        s.m_maildrop = nullptr;
        s.m_messages.clear();
        s.m_state = State::Closed;
        s.m_lines.clear();
    }

    qint64 octetsLeft() const
    {
        qint64 total = 0;
        for (const Entry &e : s.m_messages) {
            if (!e.deleted)
                total += e.content.size();
        }
        return total;
    }
    qsizetype countLeft() const
    {
        qsizetype n = 0;
        for (const Entry &e : s.m_messages)
            n += e.deleted ? 0 : 1;
        return n;
    }
    // "1 message", "2 messages": the replies are read by people in the trace too.
    static QByteArray messages(qint64 n)
    {
        return QByteArray::number(n) + (n == 1 ? " message" : " messages");
    }
    QByteArray maildropSummary() const
    {
        return messages(countLeft()) + " (" + QByteArray::number(octetsLeft()) + " octets)";
    }

    // ---- Input -----------------------------------------------------------------------

    void processInput()
    {
        while (s.m_state != State::Closed) {
            const LineAssembler::Result input = s.m_lines.next();
            if (input.status == LineAssembler::Status::NeedMore)
                return;
            if (input.status == LineAssembler::Status::TooLong) {
                err("line too long");
                continue;
            }
            command(input.line, input.bareLf);
        }
    }

    void command(const QByteArray &line, bool bareLf)
    {
        s.recognised(out, Transmission{Transmission::Kind::Command, line + (bareLf ? "\n" : "\r\n"), 0});
        const QByteArrayView whole(line);
        const qsizetype space = whole.indexOf(' ');
        const QByteArrayView keyword = space < 0 ? whole : whole.first(space);
        const Verb *verb = find(keyword);
        if (!verb) {
            err("unknown command");
            return;
        }
        if ((verb->allowedIn & only(s.m_state)) == 0) {
            err(QByteArray(verb->name) + (s.m_state == State::Authorization
                                              ? " is only valid after login"
                                              : " is only valid before login"));
            return;
        }
        QList<QByteArrayView> arguments;
        if (space >= 0) {
            const QByteArrayView rest = whole.sliced(space + 1);
            if (verb->maxArguments < 0) {
                arguments << rest;
            } else {
                for (qsizetype from = 0;;) {
                    const qsizetype next = rest.indexOf(' ', from);
                    arguments << rest.sliced(from, (next < 0 ? rest.size() : next) - from);
                    if (next < 0)
                        break;
                    from = next + 1;
                }
            }
        }
        for (QByteArrayView a : arguments) {
            if (a.isEmpty()) {
                err("syntax error: arguments are separated by single spaces");
                return;
            }
            if (verb->maxArguments >= 0 && a.size() > kMaxArgument) {
                err("argument too long (at most 40 characters)");
                return;
            }
        }
        const int count = static_cast<int>(arguments.size());
        if (count < verb->minArguments || (verb->maxArguments >= 0 && count > verb->maxArguments)) {
            err(usage(*verb));
            return;
        }
        (this->*verb->handler)(arguments);
    }

    static QByteArray usage(const Verb &verb)
    {
        const QByteArray name(verb.name);
        if (verb.maxArguments == 0)
            return name + " takes no argument";
        if (name == "USER")
            return "usage: USER name";
        if (name == "PASS")
            return "usage: PASS password";
        if (name == "APOP")
            return "usage: APOP name digest";
        if (name == "TOP")
            return "usage: TOP message-number lines";
        if (verb.minArguments == 0)
            return "usage: " + name + " [message-number]";
        return "usage: " + name + " message-number";
    }

    static const Verb *find(QByteArrayView keyword);

    // The snapshot entry for a message number argument; answers -ERR and returns nullptr
    // when there is none or it is marked as deleted.
    Entry *message(QByteArrayView argument)
    {
        const std::optional<qint64> n = parseNumber(argument);
        if (!n) {
            err("invalid message number");
            return nullptr;
        }
        if (*n < 1 || *n > static_cast<qint64>(s.m_messages.size())) {
            err("no such message, only " + messages(static_cast<qint64>(s.m_messages.size())) +
                " in maildrop");
            return nullptr;
        }
        Entry &e = s.m_messages[static_cast<std::size_t>(*n - 1)];
        if (e.deleted) {
            err("message " + QByteArray::number(*n) + " already deleted");
            return nullptr;
        }
        return &e;
    }

    QByteArray uidl(const Entry &e) const
    {
        return QByteArray::number(s.m_uidValidity) + '.' + QByteArray::number(e.uid);
    }

    // ---- AUTHORIZATION ---------------------------------------------------------------

    void user(const QList<QByteArrayView> &a)
    {
        s.m_user = a[0].toByteArray();
        s.m_userGiven = true;
        ok("send PASS");
    }

    void pass(const QList<QByteArrayView> &a)
    {
        if (!s.m_userGiven) {
            err("give USER first");
            return;
        }
        s.m_userGiven = false;
        store::Mailbox *box = s.m_store.authenticate(s.m_user, a[0]);
        login(box);
    }

    void apop(const QList<QByteArrayView> &a)
    {
        s.m_userGiven = false;
        if (s.m_config.apopTimestamp.isEmpty()) {
            err("APOP is not available on this server");
            return;
        }
        s.m_user = a[0].toByteArray();
        store::Mailbox *box = s.m_store.find(a[0]);
        if (box && !box->password().isEmpty()) {
            const QByteArray expected =
                QCryptographicHash::hash(s.m_config.apopTimestamp + box->password(),
                                         QCryptographicHash::Md5)
                    .toHex();
            if (!equalsNoCase(expected, a[1]))
                box = nullptr;
        } else {
            box = nullptr;
        }
        login(box);
    }

    void login(store::Mailbox *box)
    {
        if (!box) {
            err("[AUTH] authentication failed");
            return;
        }
        if (!box->tryLock()) {
            sendErr("[IN-USE] maildrop is locked by another session");
            return;
        }
        s.m_maildrop = box;
        s.m_uidValidity = box->inbox().uidValidity;
        s.m_messages.clear();
        for (const store::StoredMessage &m : box->messages())
            s.m_messages.push_back(Entry{m.uid, m.content, false});
        s.m_state = State::Transaction;
        ok(s.m_user + "'s maildrop has " + maildropSummary());
    }

    void quit(const QList<QByteArrayView> &)
    {
        QByteArray goodbye = s.m_config.hostname + " POP3 server signing off";
        if (s.m_state == State::Transaction) {
            // UPDATE (RFC 1939 section 6): the marked messages go now, and only now.
            s.m_state = State::Update;
            std::vector<quint32> marked;
            for (const Entry &e : s.m_messages) {
                if (e.deleted)
                    marked.push_back(e.uid);
            }
            if (!marked.empty())
                (void)s.m_maildrop->remove(QStringLiteral("INBOX"), marked, "POP3 QUIT");
            goodbye += " (" + messages(static_cast<qint64>(s.m_maildrop->size())) + " left)";
        }
        ok(goodbye);
        end();
        out.close = true;
    }

    void capa(const QList<QByteArrayView> &)
    {
        ok("Capability list follows",
           "USER\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nIMPLEMENTATION MailSim\r\n.\r\n",
           true);
    }

    // ---- TRANSACTION -----------------------------------------------------------------

    void stat(const QList<QByteArrayView> &)
    {
        ok(QByteArray::number(countLeft()) + ' ' + QByteArray::number(octetsLeft()));
    }

    void list(const QList<QByteArrayView> &a)
    {
        if (!a.isEmpty()) {
            if (const Entry *e = message(a[0]))
                ok(a[0].toByteArray() + ' ' + QByteArray::number(e->content.size()));
            return;
        }
        QByteArray body;
        for (std::size_t i = 0; i < s.m_messages.size(); ++i) {
            const Entry &e = s.m_messages[i];
            if (!e.deleted)
                body += QByteArray::number(i + 1) + ' ' + QByteArray::number(e.content.size()) +
                        "\r\n";
        }
        ok(maildropSummary(), body + ".\r\n", true);
    }

    void uidlCommand(const QList<QByteArrayView> &a)
    {
        if (!a.isEmpty()) {
            if (const Entry *e = message(a[0]))
                ok(a[0].toByteArray() + ' ' + uidl(*e));
            return;
        }
        QByteArray body;
        for (std::size_t i = 0; i < s.m_messages.size(); ++i) {
            const Entry &e = s.m_messages[i];
            if (!e.deleted)
                body += QByteArray::number(i + 1) + ' ' + uidl(e) + "\r\n";
        }
        ok({}, body + ".\r\n", true);
    }

    void retr(const QList<QByteArrayView> &a)
    {
        if (const Entry *e = message(a[0]))
            ok(QByteArray::number(e->content.size()) + " octets", smtp::dotStuff(e->content), true);
    }

    void top(const QList<QByteArrayView> &a)
    {
        // Check the line count first: a bad one must not depend on the message number.
        const std::optional<qint64> lines = parseNumber(a[1]);
        if (!lines) {
            err("invalid number of lines");
            return;
        }
        if (const Entry *e = message(a[0]))
            ok("top of message follows", smtp::dotStuff(headerAndTopLines(e->content, *lines)),
               true);
    }

    void dele(const QList<QByteArrayView> &a)
    {
        if (Entry *e = message(a[0])) {
            e->deleted = true;
            ok("message " + a[0].toByteArray() + " deleted");
        }
    }

    void noop(const QList<QByteArrayView> &) { ok({}); }

    void rset(const QList<QByteArrayView> &)
    {
        for (Entry &e : s.m_messages)
            e.deleted = false;
        ok("maildrop has " + maildropSummary());
    }
};

const Pop3ServerSession::Impl::Verb Pop3ServerSession::Impl::kVerbs[] = {
    {"USER", kAuthorization, 1, 1, &Impl::user},
    {"PASS", kAuthorization, 1, -1, &Impl::pass},
    {"APOP", kAuthorization, 2, 2, &Impl::apop},
    {"QUIT", kBoth, 0, 0, &Impl::quit},
    {"CAPA", kBoth, 0, 0, &Impl::capa},
    {"STAT", kTransaction, 0, 0, &Impl::stat},
    {"LIST", kTransaction, 0, 1, &Impl::list},
    {"UIDL", kTransaction, 0, 1, &Impl::uidlCommand},
    {"RETR", kTransaction, 1, 1, &Impl::retr},
    {"TOP", kTransaction, 2, 2, &Impl::top},
    {"DELE", kTransaction, 1, 1, &Impl::dele},
    {"NOOP", kTransaction, 0, 0, &Impl::noop},
    {"RSET", kTransaction, 0, 0, &Impl::rset},
};

const Pop3ServerSession::Impl::Verb *Pop3ServerSession::Impl::find(QByteArrayView keyword)
{
    for (const Verb &v : kVerbs) {
        if (equalsNoCase(keyword, v.name))
            return &v;
    }
    return nullptr;
}

Pop3ServerSession::Pop3ServerSession(ServerConfig config, store::MailStore &store)
    : m_config(std::move(config)), m_store(store), m_lines(m_config.maxCommandLine)
{
}

Pop3ServerSession::~Pop3ServerSession()
{
    if (m_maildrop)
        m_maildrop->unlock();
}

EngineOutput Pop3ServerSession::open()
{
    EngineOutput out;
    if (!m_opened && m_state != State::Closed)
        Impl{*this, out}.greet();
    return out;
}

EngineOutput Pop3ServerSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_state == State::Closed)
        return out;
    Impl impl{*this, out};
    if (!m_opened)
        impl.greet(); // bytes before open(): greet first, as if the driver had called it
    m_lines.append(bytes);
    impl.processInput();
    return out;
}

EngineOutput Pop3ServerSession::receiveEof()
{
    EngineOutput out;
    if (m_state == State::Closed)
        return out;
    Impl{*this, out}.end(); // no UPDATE: marked messages stay
    out.close = true;
    return out;
}

EngineOutput Pop3ServerSession::timeout()
{
    EngineOutput out;
    if (m_state == State::Closed)
        return out;
    Impl impl{*this, out};
    impl.sendErr("autologout; idle for too long");
    impl.end();
    out.close = true;
    return out;
}

} // namespace mailsim::pop3
