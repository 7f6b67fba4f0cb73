// Theory of operation.
//
// Server bytes go into a LineAssembler. The first line of a response is its status
// ("+OK ..." or "-ERR ..."); after a "+OK" to UIDL, LIST or RETR, lines follow up to a line
// holding a single ".", with the dot the server added for transparency taken away again.
// Only when a response is complete does the client act on it, in the state that sent the
// command, so the dialogue cannot depend on how the network split the bytes.
//
// Decisions where RFC 1939 leaves a choice:
//  - A response line may end in a bare LF; content lines are handed on with CR LF.
//  - A status line that is neither "+OK" nor "-ERR" means the two sides no longer agree on
//    where they are in the dialogue: the client stops and closes without QUIT.
//  - Without UIDL the client cannot tell which messages it fetched before, so it fetches
//    all of them.
//  - A message whose length differs from LIST's size is kept (the content is what it is),
//    and the difference is reported.
#include "protocol/pop3/pop3_client_session.h"

#include "protocol/common/ascii.h"

#include <QCryptographicHash>

#include <algorithm>
#include <limits>
#include <optional>

namespace mailsim::pop3 {

using protocol::EngineOutput;
using protocol::LineAssembler;
using protocol::Transmission;

namespace {

std::optional<qint64> parseNumber(QByteArrayView text)
{
    return protocol::parseDecimal(text, std::numeric_limits<qint64>::max() / 10);
}

// "a b ..." -> the first two space-separated words, or nothing if there are fewer.
std::optional<std::pair<QByteArrayView, QByteArrayView>> twoWords(QByteArrayView line)
{
    const qsizetype first = line.indexOf(' ');
    if (first <= 0)
        return std::nullopt;
    QByteArrayView rest = line.sliced(first + 1);
    const qsizetype second = rest.indexOf(' ');
    if (second >= 0)
        rest = rest.first(second);
    if (rest.isEmpty())
        return std::nullopt;
    return std::make_pair(line.first(first), rest);
}

// The "<...>" of an APOP greeting, brackets included; empty if there is none.
QByteArray apopTimestamp(QByteArrayView greeting)
{
    const qsizetype open = greeting.indexOf('<');
    if (open < 0)
        return {};
    const qsizetype close = greeting.indexOf('>', open + 1);
    if (close < 0)
        return {};
    return greeting.sliced(open, close - open + 1).toByteArray();
}

} // namespace

struct Pop3ClientSession::Impl
{
    Pop3ClientSession &s;
    EngineOutput &out;

    // ---- Output ----------------------------------------------------------------------

    void send(const QByteArray &command, State next)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Command, command + "\r\n", 0});
        s.m_state = next;
    }

    void fail(const QByteArray &text)
    {
        if (s.m_result.error.isEmpty())
            s.m_result.error = text;
    }

    void quit() { send("QUIT", State::Quit); }

    void finish()
    {
        s.m_state = State::Done;
        s.m_lines.clear();
        out.close = true;
    }

    void nextMessage()
    {
        if (s.m_toFetch.empty()) {
            quit();
            return;
        }
        s.m_current = s.m_toFetch.front();
        s.m_toFetch.pop_front();
        send("RETR " + QByteArray::number(s.m_current), State::Retr);
    }

    // ---- Input -----------------------------------------------------------------------

    bool expectsBody() const
    {
        return s.m_state == State::Uidl || s.m_state == State::List || s.m_state == State::Retr;
    }

    void processInput()
    {
        while (s.m_state != State::Done) {
            const LineAssembler::Result input = s.m_lines.next();
            if (input.status == LineAssembler::Status::NeedMore)
                return;
            if (!s.m_inBody)
                statusLine(input);
            else
                bodyLine(input);
        }
    }

    void statusLine(const LineAssembler::Result &input)
    {
        if (input.status == LineAssembler::Status::TooLong) {
            fail("the server sent a response line longer than " +
                 QByteArray::number(kMaxLine) + " octets");
            finish();
            return;
        }
        const QByteArray &line = input.line;
        s.m_statusLine = line;
        s.m_responseWire = line + (input.bareLf ? "\n" : "\r\n");
        const bool positive = line == "+OK" || line.startsWith("+OK ");
        const bool negative = line == "-ERR" || line.startsWith("-ERR ");
        if (!positive && !negative) {
            out.received.push_back(Transmission{Transmission::Kind::Reply, s.m_responseWire, 0});
            fail("the server sent something that is not a POP3 response: " + line.left(80));
            finish();
            return;
        }
        if (positive && expectsBody()) {
            s.m_inBody = true;
            s.m_body.clear();
            s.m_bodyBroken = false;
            return;
        }
        complete(positive);
    }

    void bodyLine(const LineAssembler::Result &input)
    {
        if (input.status == LineAssembler::Status::TooLong) {
            s.m_bodyBroken = true; // the line is gone; the content will be incomplete
            return;
        }
        const QByteArray &line = input.line;
        const QByteArray wireLine = line + (input.bareLf ? "\n" : "\r\n");
        if (line == ".") {
            s.m_responseWire += wireLine;
            s.m_inBody = false;
            complete(true);
            return;
        }
        const QByteArrayView text =
            line.startsWith('.') ? QByteArrayView(line).sliced(1) : QByteArrayView(line);
        if (s.m_body.size() + text.size() + 2 > kMaxMessage) {
            s.m_bodyBroken = true; // keep reading to the final ".", but keep no more
            return;
        }
        s.m_body.append(text).append("\r\n");
        s.m_responseWire += wireLine;
    }

    void complete(bool positive)
    {
        out.received.push_back(Transmission{
            Transmission::Kind::Reply, s.m_responseWire,
            positive ? protocol::reply_status::Pop3Ok : protocol::reply_status::Pop3Err});
        const QByteArray status = s.m_statusLine;
        s.m_responseWire.clear();
        switch (s.m_state) {
        case State::Greeting: greeting(positive, status); break;
        case State::User:
            if (positive) {
                send("PASS " + s.m_config.password, State::Pass);
            } else {
                fail("the server refused the user name: " + status);
                quit();
            }
            break;
        case State::Pass:
        case State::Apop:
            if (positive) {
                s.m_result.authenticated = true;
                send("STAT", State::Stat);
            } else {
                fail("the server refused the login: " + status);
                quit();
            }
            break;
        case State::Stat: stat(positive, status); break;
        case State::Uidl:
            if (positive)
                uidl();
            // -ERR: the server has no UIDL; go on without unique ids.
            send("LIST", State::List);
            break;
        case State::List: list(positive, status); break;
        case State::Retr: retr(positive, status); break;
        case State::Dele:
            if (positive)
                s.m_result.deleted.push_back(s.m_current);
            else
                fail("the server refused to delete message " + QByteArray::number(s.m_current) +
                     ": " + status);
            nextMessage();
            break;
        case State::Quit:
            s.m_result.finished = positive;
            if (!positive)
                fail("the server refused QUIT: " + status);
            finish();
            break;
        case State::Done: break;
        }
    }

    void greeting(bool positive, const QByteArray &status)
    {
        if (!positive) {
            fail("the server refused the connection: " + status);
            finish();
            return;
        }
        const QByteArray timestamp = apopTimestamp(status);
        if (s.m_config.useApop && !timestamp.isEmpty()) {
            const QByteArray digest =
                QCryptographicHash::hash(timestamp + s.m_config.password, QCryptographicHash::Md5)
                    .toHex();
            send("APOP " + s.m_config.user + ' ' + digest, State::Apop);
        } else {
            send("USER " + s.m_config.user, State::User);
        }
    }

    void stat(bool positive, const QByteArray &status)
    {
        const auto words = positive ? twoWords(QByteArrayView(status).sliced(4)) : std::nullopt;
        const auto count = words ? parseNumber(words->first) : std::nullopt;
        const auto octets = words ? parseNumber(words->second) : std::nullopt;
        if (!count || !octets || *count > std::numeric_limits<int>::max()) {
            fail(positive ? "the server's STAT response cannot be read: " + status
                          : "STAT failed: " + status);
            quit();
            return;
        }
        s.m_result.messagesOnServer = static_cast<int>(*count);
        s.m_result.octetsOnServer = *octets;
        send("UIDL", State::Uidl);
    }

    // "number value" per line. A line that cannot be read is left out (and reported);
    // its message is then fetched as if it had no id.
    void uidl()
    {
        const QList<QByteArray> lines = s.m_body.split('\n');
        for (QByteArrayView line : lines) {
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.isEmpty())
                continue;
            const auto words = twoWords(line);
            const auto number = words ? parseNumber(words->first) : std::nullopt;
            if (!number || *number < 1 || *number > std::numeric_limits<int>::max()) {
                fail("the server's UIDL list has a line that cannot be read: " +
                     line.first(std::min<qsizetype>(line.size(), 80)).toByteArray());
                continue;
            }
            s.m_uidls[static_cast<int>(*number)] = words->second.toByteArray();
        }
    }

    void list(bool positive, const QByteArray &status)
    {
        if (!positive) {
            fail("LIST failed: " + status);
            quit();
            return;
        }
        const QList<QByteArray> lines = s.m_body.split('\n');
        for (QByteArrayView line : lines) {
            if (line.endsWith('\r'))
                line.chop(1);
            if (line.isEmpty())
                continue;
            const auto words = twoWords(line);
            const auto number = words ? parseNumber(words->first) : std::nullopt;
            const auto size = words ? parseNumber(words->second) : std::nullopt;
            if (!number || !size || *number < 1 || *number > std::numeric_limits<int>::max()) {
                fail("the server's LIST has a line that cannot be read: " +
                     line.first(std::min<qsizetype>(line.size(), 80)).toByteArray());
                continue;
            }
            s.m_sizes[static_cast<int>(*number)] = *size;
        }
        for (const auto &[number, size] : s.m_sizes) {
            const auto uid = s.m_uidls.find(number);
            if (uid != s.m_uidls.end() && s.m_config.alreadyRetrieved.contains(uid->second))
                continue;
            s.m_toFetch.push_back(number);
        }
        nextMessage();
    }

    void retr(bool positive, const QByteArray &status)
    {
        const QByteArray number = QByteArray::number(s.m_current);
        if (!positive) {
            fail("the server refused to send message " + number + ": " + status);
            nextMessage();
            return;
        }
        RetrievedMessage m;
        m.number = s.m_current;
        const auto uid = s.m_uidls.find(s.m_current);
        if (uid != s.m_uidls.end())
            m.uidl = uid->second;
        m.size = s.m_sizes[s.m_current];
        m.content = std::move(s.m_body);
        s.m_body.clear();
        if (s.m_bodyBroken)
            fail("message " + number + " arrived incomplete (a line or the whole message was "
                 "too long to keep)");
        else if (m.content.size() != m.size)
            fail("message " + number + ": LIST said " + QByteArray::number(m.size) +
                 " octets, RETR gave " + QByteArray::number(m.content.size()));
        s.m_result.retrieved.push_back(std::move(m));
        if (s.m_config.deleteAfterRetrieve)
            send("DELE " + number, State::Dele);
        else
            nextMessage();
    }
};

Pop3ClientSession::Pop3ClientSession(ClientConfig config)
    : m_config(std::move(config)), m_lines(kMaxLine)
{
}

EngineOutput Pop3ClientSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_state == State::Done)
        return out;
    m_lines.append(bytes);
    Impl{*this, out}.processInput();
    return out;
}

EngineOutput Pop3ClientSession::endEarly(const QByteArray &why)
{
    EngineOutput out;
    if (m_state == State::Done)
        return out;
    Impl impl{*this, out};
    impl.fail(why);
    impl.finish();
    return out;
}

EngineOutput Pop3ClientSession::receiveEof()
{
    return endEarly("the server closed the connection before the session ended");
}

EngineOutput Pop3ClientSession::timeout() { return endEarly("no response from the server in time"); }

} // namespace mailsim::pop3
