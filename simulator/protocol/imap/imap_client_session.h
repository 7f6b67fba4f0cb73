// The client side of IMAP4rev1 (RFC 3501), scripted: a sans-I/O state machine that logs in,
// runs a list of mail-program actions (select a folder, fetch what is new, mark messages
// read, move them, append a draft, wait in IDLE...) and logs out.
//
// Each action becomes the commands a mail program would send: FetchNew is "UID SEARCH ALL"
// then "UID FETCH <new uids> (UID FLAGS RFC822.SIZE BODY.PEEK[])"; MarkRead, AddFlags,
// RemoveFlags and CopyTo search first ("UID SEARCH <criteria>") and then act on the UIDs
// found; MoveTo is UID COPY, UID STORE +FLAGS.SILENT (\Deleted) and EXPUNGE, since RFC 3501
// has no MOVE. Actions on messages select their folder first when it is not selected
// (INBOX when the action names none). A failed action is recorded and the script goes on;
// a failed LOGIN ends it with LOGOUT.
//
// Responses are read whole, literals included, however the bytes were split; the buffer
// is bounded by maxResponse.
#pragma once

#include "protocol/common/engine_output.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QSet>
#include <QString>

#include <vector>

namespace mailsim::imap {

struct ClientAction
{
    enum class Kind { Select, Examine, FetchNew, Search, MarkRead, AddFlags, RemoveFlags, CopyTo,
                      MoveTo, Create, Delete, Append, Expunge, Idle, Noop, List, Status };
    Kind kind = Kind::Noop;
    QString folder;
    // IMAP search key text for MarkRead/AddFlags/RemoveFlags/CopyTo/MoveTo/Search, e.g.
    // "SUBJECT \"Lunch\"" or "UNSEEN"; empty means ALL.
    QByteArray criteria;
    QByteArrayList flags; // AddFlags/RemoveFlags; Append: the new message's flags
    QString target;       // CopyTo/MoveTo
    QByteArray message;   // Append: the message, CR LF line ends
    bool peek = true;     // FetchNew: BODY.PEEK[] (keeps \Seen off) or BODY[] (sets \Seen)
};

struct ClientConfig
{
    QByteArray user;
    QByteArray password;
    QByteArray tagPrefix = "A";
    std::vector<ClientAction> actions;
    QSet<quint32> alreadyFetched; // UIDs in INBOX from earlier sessions, skipped by FetchNew
    qsizetype maxResponse = 64 * 1024 * 1024; // one response with its literals
};

struct FetchedMessage
{
    QString folder;
    quint32 uid = 0;
    QByteArrayList flags;
    qint64 size = 0;
    QByteArray content;
};

struct ActionResult
{
    ClientAction::Kind kind = ClientAction::Kind::Noop;
    int status = 0;              // reply_status::ImapOk / ImapNo / ImapBad
    QByteArray text;             // the tagged response's text
    std::vector<quint32> uids;   // search results, or the messages acted on
};

struct ClientResult
{
    bool authenticated = false;
    bool finished = false; // LOGOUT completed
    std::vector<FetchedMessage> fetched;
    std::vector<ActionResult> actions;
    QByteArray error;      // why the session ended early, for people
    quint32 uidValidity = 0;
    int exists = 0;        // the last EXISTS count received
    int pushedExists = 0;  // the last EXISTS received during IDLE
};

class ImapClientSession
{
public:
    explicit ImapClientSession(ClientConfig config);

    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    [[nodiscard]] protocol::EngineOutput receiveEof();
    // The driver's timer: in IDLE, ends it with DONE and goes on with the script; otherwise
    // the server is too slow and the session gives up.
    [[nodiscard]] protocol::EngineOutput timeout();

    [[nodiscard]] bool done() const { return m_done; }
    [[nodiscard]] bool idling() const { return m_idling; }
    [[nodiscard]] const ClientResult &result() const { return m_result; }

private:
    struct Impl;
    friend struct Impl;

    enum class Step { Greeting, Login, Logout, PreSelect, Select, Search, Fetch, Store, Copy,
                      MarkDeleted, Expunge, Create, Delete, Append, Idle, Noop, List, Status,
                      CreateForRetry };

    ClientConfig m_config;
    ClientResult m_result;
    QByteArray m_buffer;        // received bytes not yet taken as responses
    qsizetype m_scanned = 0;    // bytes of m_buffer that belong to the response being read
    qint64 m_literalNeeded = 0; // octets of a literal still missing in that response
    bool m_done = false;
    bool m_idling = false;
    bool m_doneSent = false;
    // A COPY or APPEND refused with [TRYCREATE]: the folder is created once and the command
    // sent again (RFC 3501 6.4.7, 6.3.11), as mail programs do for "Sent" and "Archive".
    bool m_triedCreate = false;
    Step m_retryStep = Step::Noop;
    QByteArrayList m_retryCommand;
    QByteArrayList m_lastCommand; // as given to command(), without tag and CR LF
    int m_nextTag = 1;
    QByteArray m_tag;           // the command waiting for its completion
    Step m_step = Step::Greeting;
    QByteArrayList m_toSend;    // the rest of a command after a literal, sent on "+"
    std::size_t m_action = 0;   // index of the running action
    QString m_selected;
    bool m_readOnly = false;    // m_selected was opened with EXAMINE
    std::vector<quint32> m_found; // UIDs of the last SEARCH
    std::vector<quint32> m_acted; // UIDs the running action acts on
};

} // namespace mailsim::imap
