// The client side of one SMTP connection, as a sans-I/O state machine: delivers one
// message (one envelope) and then says QUIT.
//
// Implements RFC 5321 from the sender's side: waits for the 220 greeting; sends EHLO and
// reads the extension list, falling back to HELO when EHLO is refused with 500/502 (4.1.4);
// MAIL FROM (with SIZE= when the server announced SIZE, RFC 1870, and BODY=8BITMIME when the
// content has 8-bit bytes and the server announced 8BITMIME, RFC 6152; to a server that did
// not, the submission's 7-bit form of the content is sent instead); one RCPT TO per
// recipient; DATA only when at least one recipient was accepted; the content dot-stuffed
// (4.5.2) and ended with <CRLF>.<CRLF>; QUIT. Replies may be multi-line (4.2.1) and may
// arrive in any chunking. Commands are sent one at a time, each after the previous reply:
// the dialogue a student reads is the one RFC 5321 describes, even though the server
// announces PIPELINING.
//
// The outcome is reported per recipient: accepted by the final 250, refused temporarily
// (4xx: try again later) or permanently (5xx: bounce). A reply that is not SMTP, or a
// connection lost before the end, leaves every recipient not yet delivered as a temporary
// failure, so that the caller keeps the message queued.
// On request (ClientConfig::mistake) the client makes one deliberate mistake after EHLO/HELO,
// so that a student sees how a server answers one: a command the server does not know (500)
// or RCPT TO before MAIL FROM (503). It is sent alone and its reply awaited; then the
// transaction goes on exactly as it would have without it.
// Left out: AUTH, STARTTLS, PIPELINING from the client side, DSN, CHUNKING.
#pragma once

#include "protocol/common/engine_output.h"
#include "protocol/common/line_assembler.h"
#include "protocol/smtp/smtp_path.h"
#include "protocol/smtp/smtp_reply.h"

#include <QByteArray>

#include <optional>
#include <vector>

namespace mailsim::smtp {

enum class ClientState {
    AwaitGreeting,
    AwaitEhlo,
    AwaitHelo,
    AwaitMistake, // the deliberate wrong command sent, waiting for its (refusing) reply
    AwaitMail,
    AwaitRcpt,
    AwaitData,    // DATA sent, waiting for 354
    AwaitDataEnd, // content sent, waiting for the final reply
    AwaitQuit,
    Done,         // QUIT answered, or the session ended early; see result()
};
const char *toString(ClientState state);

struct ClientConfig
{
    // A wrong command sent once, after EHLO/HELO and before MAIL FROM, to show the reply:
    //  - Typo: the MAIL verb mistyped, "MIAL FROM:<reverse-path>"; a server answers
    //    500 (command unrecognized). A typo after the verb ("MAIL FORM:") would not do:
    //    the verb is known, so the server answers 501 (syntax of its argument) instead.
    //  - OutOfOrder: "RCPT TO:<first recipient>" before any MAIL FROM; a server answers
    //    503 (bad sequence of commands).
    enum class Mistake { None, Typo, OutOfOrder };

    QByteArray heloName = "client.example.org"; // the name this client gives in EHLO/HELO
    qsizetype maxReplyLine = 512;               // RFC 5321 4.5.3.1.5, CR LF included
    Mistake mistake = Mistake::None;
};
const char *toString(ClientConfig::Mistake mistake);

struct Submission
{
    Path reversePath;            // MAIL FROM; null path "<>" for bounces
    std::vector<Path> recipients; // RCPT TO, in order
    QByteArray content;          // the message, CR LF line ends, not dot-stuffed
    // The same message with no byte above 127 (its 8-bit text encoded), sent instead of
    // `content` when that has 8-bit bytes and the server did not announce 8BITMIME (RFC 6152).
    // Empty when there is no such form.
    QByteArray sevenBitContent;
};

// What the server announced in its EHLO reply.
struct ServerExtensions
{
    bool esmtp = false;      // EHLO was accepted
    qint64 size = -1;        // SIZE limit, 0 = announced without a limit, -1 = not announced
    bool eightBitMime = false;
    bool pipelining = false;
    std::vector<QByteArray> keywords; // every extension line as announced
};

struct RecipientOutcome
{
    enum class Status { Pending, Delivered, TransientFailure, PermanentFailure };
    Path recipient;
    Status status = Status::Pending;
    Reply reply; // the reply that decided the status (RCPT's, or the end-of-data reply)
                 // When no server reply decided it (connection lost, timeout, garbage, message
                 // over the announced SIZE), a reply made up locally: 421 or 552, see the .cpp.
};

struct ClientResult
{
    std::vector<RecipientOutcome> recipients; // one per Submission::recipients, same order
    // Why the session failed as a whole (greeting refused, bad reply, connection lost ...);
    // empty when it ran to the end.
    QByteArray error;
    Reply lastReply; // the last reply received
    // The content had 8-bit bytes and the server did not announce 8BITMIME: either the 7-bit
    // form was sent instead, or, without one, the content was sent as it is anyway.
    bool sevenBitFormSent = false;
    bool eightBitWithout8BitMime = false;
    // The server's answer to the deliberate mistake (ClientConfig::mistake); code 0 when no
    // mistake was made (none asked for, no recipient to name, or the session ended first).
    Reply mistakeReply;
};

class SmtpClientSession
{
public:
    SmtpClientSession(ClientConfig config, Submission submission);

    // Bytes from the server, in any chunking.
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    // The server closed the connection.
    [[nodiscard]] protocol::EngineOutput receiveEof();
    // The caller's reply timer fired: give up on this session (the connection is closed).
    [[nodiscard]] protocol::EngineOutput timeout();

    [[nodiscard]] ClientState state() const { return m_state; }
    [[nodiscard]] bool finished() const { return m_state == ClientState::Done; }
    // Per-recipient outcome so far; final once finished().
    [[nodiscard]] const ClientResult &result() const { return m_result; }
    [[nodiscard]] const ServerExtensions &extensions() const { return m_extensions; }
    // True between sending the final "." and receiving its reply: the server may already
    // hold the message while this side does not yet know (RFC 1047's duplicate window).
    [[nodiscard]] bool awaitingFinalReply() const { return m_state == ClientState::AwaitDataEnd; }

private:
    struct Impl;
    friend struct Impl;

    ClientConfig m_config;
    Submission m_submission;
    ClientState m_state = ClientState::AwaitGreeting;
    ServerExtensions m_extensions;
    ClientResult m_result;
    protocol::LineAssembler m_lines;
    QByteArray m_pendingReplyText; // lines of a multi-line reply read so far
    QByteArray m_pendingReplyWire; // the same lines as they arrived, for the trace
    int m_pendingReplyCode = 0;
    int m_pendingReplyLines = 0;
    std::size_t m_nextRecipient = 0;
    int m_acceptedRecipients = 0;
    bool m_mistakeMade = false; // the wrong command has been sent; it is made only once
};

} // namespace mailsim::smtp
