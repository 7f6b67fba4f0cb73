// The server side of one POP3 connection (RFC 1939), as a sans-I/O state machine.
//
// AUTHORIZATION: USER/PASS, APOP (when the configuration gives a timestamp for the
// greeting), CAPA, QUIT. TRANSACTION: STAT, LIST, UIDL, RETR, TOP, DELE, NOOP, RSET, CAPA,
// QUIT. UPDATE happens inside the QUIT that ends TRANSACTION: the messages marked with DELE
// leave the store then, and only then. RFC 2449 adds CAPA and the response code [IN-USE],
// RFC 3206 the code [AUTH], both used here.
//
// The maildrop is the account's INBOX. At login the session locks it (one POP3 session per
// maildrop, RFC 1939 section 4) and takes a snapshot of its messages: numbers 1..N stay
// fixed for the whole session, and mail that arrives meanwhile waits for the next one.
// Whatever ends a session other than QUIT (the client going away, the idle timer, too many
// errors, the destructor) unlocks the maildrop and deletes nothing.
//
// What the session holds is bounded: one command line (maxCommandLine octets) and the
// snapshot, whose message contents share their bytes with the store.
#pragma once

#include "protocol/common/line_assembler.h"
#include "protocol/common/server_engine.h"
#include "store/mail_store.h"

#include <QByteArray>

#include <vector>

namespace mailsim::pop3 {

struct ServerConfig
{
    QByteArray hostname = "mail.example.net"; // in the greeting and the goodbye
    // The greeting's "<process-id.clock@hostname>" for APOP (RFC 1939 section 7). Empty:
    // no timestamp in the greeting, and APOP is refused.
    QByteArray apopTimestamp;
    qsizetype maxCommandLine = 255; // RFC 2449 section 4, CR LF included
    int maxErrors = 10;             // -ERR replies to client mistakes before the server hangs up
};

class Pop3ServerSession : public protocol::ServerEngine
{
public:
    enum class State { Authorization, Transaction, Update, Closed };

    // The store must outlive the session.
    Pop3ServerSession(ServerConfig config, store::MailStore &store);
    // Unlocks a maildrop the session still holds; deletes nothing.
    ~Pop3ServerSession() override;
    Pop3ServerSession(const Pop3ServerSession &) = delete;
    Pop3ServerSession &operator=(const Pop3ServerSession &) = delete;

    [[nodiscard]] protocol::EngineOutput open() override;
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes) override;
    [[nodiscard]] protocol::EngineOutput receiveEof() override;
    [[nodiscard]] protocol::EngineOutput timeout() override;

    [[nodiscard]] State state() const { return m_state; }
    // The maildrop this session has locked, or nullptr (before login and after the end).
    [[nodiscard]] const store::Mailbox *maildrop() const { return m_maildrop; }
    // The name the client logged in with (after USER: the name given so far).
    [[nodiscard]] QByteArray user() const { return m_user; }
    [[nodiscard]] const ServerConfig &config() const { return m_config; }
    // Input bytes held right now (the unfinished command line), for tests of boundedness.
    [[nodiscard]] qsizetype bytesHeld() const { return m_lines.buffered(); }

private:
    struct Impl;
    friend struct Impl;

    // One message as the session saw it at login.
    struct Entry
    {
        quint32 uid = 0;
        QByteArray content; // shares its bytes with the store's copy
        bool deleted = false;
    };

    ServerConfig m_config;
    store::MailStore &m_store;
    State m_state = State::Authorization;
    bool m_opened = false;
    protocol::LineAssembler m_lines;
    QByteArray m_user;          // from USER (waiting for PASS) or the completed login
    bool m_userGiven = false;   // a USER was accepted and PASS may follow
    store::Mailbox *m_maildrop = nullptr;
    quint32 m_uidValidity = 0;  // of the INBOX at login, for UIDL
    std::vector<Entry> m_messages;
    int m_errors = 0;
};

} // namespace mailsim::pop3
