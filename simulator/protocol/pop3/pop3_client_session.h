// The client side of one POP3 session (RFC 1939), as a sans-I/O state machine: what a
// mail program does when it fetches mail.
//
// The dialogue is fixed: greeting, APOP or USER and PASS, STAT, UIDL (a server without it
// answers -ERR, and the client goes on without unique ids), LIST, then RETR for each message
// not fetched before (and DELE after it in download-and-delete mode), then QUIT. One
// command is outstanding at a time. A refused login or an unusable response ends the
// dialogue with QUIT; the first problem is kept in ClientResult::error.
//
// Responses are parsed from any chunking of the input. What the client holds is bounded:
// one response line of at most kMaxLine octets, and one message of at most kMaxMessage.
#pragma once

#include "protocol/common/engine_output.h"
#include "protocol/common/line_assembler.h"

#include <QByteArray>
#include <QSet>

#include <deque>
#include <map>
#include <vector>

namespace mailsim::pop3 {

struct ClientConfig
{
    QByteArray user;
    QByteArray password;
    bool useApop = false;             // APOP when the greeting offers a timestamp, else USER/PASS
    bool deleteAfterRetrieve = false; // DELE each message after its RETR (download and delete)
    QSet<QByteArray> alreadyRetrieved; // UIDL values fetched in earlier sessions: not fetched again
};

struct RetrievedMessage
{
    int number = 0;     // the message number in this session
    QByteArray uidl;    // empty when the server has no UIDL
    qint64 size = 0;    // as LIST gave it
    QByteArray content; // dot-stuffing removed, CR LF line ends, without the final "."
};

struct ClientResult
{
    bool authenticated = false;
    bool finished = false; // the server answered QUIT with +OK
    int messagesOnServer = 0; // from STAT
    qint64 octetsOnServer = 0;
    std::vector<RetrievedMessage> retrieved;
    std::vector<int> deleted; // message numbers the server accepted DELE for
    QByteArray error; // the first -ERR or protocol failure, for people; empty if all went well
};

class Pop3ClientSession
{
public:
    enum class State { Greeting, User, Pass, Apop, Stat, Uidl, List, Retr, Dele, Quit, Done };

    static constexpr qsizetype kMaxLine = 64 * 1024;          // one response line, CR LF included
    static constexpr qsizetype kMaxMessage = 64 * 1024 * 1024; // one retrieved message

    explicit Pop3ClientSession(ClientConfig config);

    // Bytes from the server, starting with its greeting, in any chunking.
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    // The server closed the connection.
    [[nodiscard]] protocol::EngineOutput receiveEof();
    // The caller's timer fired while waiting for the server: give up and close.
    [[nodiscard]] protocol::EngineOutput timeout();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const ClientResult &result() const { return m_result; }
    [[nodiscard]] bool done() const { return m_state == State::Done; }

private:
    struct Impl;
    friend struct Impl;
    // Ends the session before its script is through, saying why (end of stream, timeout).
    protocol::EngineOutput endEarly(const QByteArray &why);

    ClientConfig m_config;
    ClientResult m_result;
    State m_state = State::Greeting;
    protocol::LineAssembler m_lines;
    // The response being read: its wire bytes so far, and for a multi-line one its lines.
    bool m_inBody = false;         // the +OK line of a multi-line response was read
    QByteArray m_statusLine;       // the first line, without CR LF
    QByteArray m_responseWire;     // every byte of the response so far
    QByteArray m_body;             // multi-line response: content, unstuffed
    bool m_bodyBroken = false;     // a line too long or the message too big: content incomplete
    std::map<int, QByteArray> m_uidls;  // message number -> UIDL value
    std::map<int, qint64> m_sizes;      // message number -> size from LIST
    std::deque<int> m_toFetch;          // message numbers still to RETR
    int m_current = 0;                  // the message of the outstanding RETR or DELE
};

} // namespace mailsim::pop3
