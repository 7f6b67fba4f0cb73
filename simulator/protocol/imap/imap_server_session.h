// The server side of one IMAP4rev1 connection (RFC 3501), as a sans-I/O state machine over
// the mail store.
//
// States (RFC 3501 section 3): NotAuthenticated -> (LOGIN) Authenticated -> (SELECT or
// EXAMINE) Selected, back with CLOSE or a failed SELECT; Idle while an IDLE command (RFC
// 2177) runs; Logout once "* BYE" was sent. Announced capabilities: IMAP4rev1 and IDLE.
//
// Commands: CAPABILITY, NOOP, LOGOUT, LOGIN; SELECT, EXAMINE, CREATE, DELETE, RENAME,
// SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS, APPEND, IDLE; CHECK, CLOSE, EXPUNGE, SEARCH,
// FETCH, STORE, COPY and their UID forms. AUTHENTICATE and STARTTLS are refused with NO.
//
// The session keeps its own view of the selected folder (the UIDs it has announced, with
// their flags) and compares it with the store at each command's end, and at once in IDLE
// when storeChanged() is called: new messages become "* n EXISTS" and "* n RECENT",
// messages removed elsewhere "* n EXPUNGE" (never after FETCH, STORE or SEARCH, RFC 3501
// 7.4.1), flags changed elsewhere "* n FETCH (FLAGS ...)".
//
// Input limits: one line of a command (without its literals) is at most maxLine octets;
// a literal over maxLiteral is refused before it is read (BAD, or NO [TOOBIG] for APPEND);
// maxErrors BAD replies in a row end the session with "* BYE". Only synchronizing literals
// are accepted (LITERAL+ is not announced): the server answers "+ Ready for literal data".
#pragma once

#include "protocol/common/line_assembler.h"
#include "protocol/common/server_engine.h"
#include "store/mail_store.h"

#include <QByteArray>
#include <QDateTime>
#include <QSet>
#include <QString>

#include <functional>
#include <vector>

namespace mailsim::imap {

struct ServerConfig
{
    QByteArray hostname = "mail.example.net";
    qsizetype maxLine = 8192;                // one command line (without literals), CR LF included
    qsizetype maxLiteral = 10 * 1024 * 1024; // larger literals are refused before they are read
    int maxErrors = 20;                      // BAD replies in a row, then * BYE and close
    std::function<QDateTime()> now;          // for APPEND without a date; default: a fixed date
};

class ImapServerSession : public protocol::ServerEngine
{
public:
    ImapServerSession(ServerConfig config, store::MailStore &store);
    ~ImapServerSession() override;

    enum class State { NotAuthenticated, Authenticated, Selected, Idle, Logout };

    [[nodiscard]] protocol::EngineOutput open() override;
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes) override;
    [[nodiscard]] protocol::EngineOutput receiveEof() override;
    [[nodiscard]] protocol::EngineOutput timeout() override;
    [[nodiscard]] protocol::EngineOutput storeChanged() override;

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] const store::Mailbox *account() const { return m_account; }
    // The selected folder's name as the store spells it; empty when none is selected.
    [[nodiscard]] QString selectedFolder() const { return m_folder; }
    [[nodiscard]] bool readOnly() const { return m_readOnly; }
    // Input held right now (unfinished line and command with its literals), for the tests
    // that check memory stays bounded.
    [[nodiscard]] qsizetype bytesHeld() const { return m_lines.buffered() + m_command.size(); }

private:
    struct Impl;
    friend struct Impl;

    // One message of the session's view of the selected folder.
    struct ViewEntry
    {
        quint32 uid = 0;
        QByteArrayList flags; // as last announced to the client
    };

    ServerConfig m_config;
    store::MailStore &m_store;
    store::Mailbox *m_account = nullptr;
    State m_state = State::NotAuthenticated;
    bool m_greeted = false;
    protocol::LineAssembler m_lines;
    QByteArray m_command;            // the command so far: its lines and literals
    qint64 m_literalRemaining = -1;  // octets of a literal still to come; -1 outside one
    int m_badInRow = 0;
    QByteArray m_idleTag;
    // The selected folder
    QString m_folder;
    bool m_readOnly = false;
    quint32 m_uidValidity = 0;
    quint32 m_highestUid = 0; // the highest UID ever in the view: newer ones are new mail
    std::vector<ViewEntry> m_view;
    QSet<quint32> m_recent; // UIDs that are \Recent for this session
};

} // namespace mailsim::imap
