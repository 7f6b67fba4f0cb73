// The server side of one SMTP connection, as a sans-I/O state machine.
//
// Implements RFC 5321: the 220 greeting (4.3.1); EHLO with the extension list SIZE
// (RFC 1870), 8BITMIME (RFC 6152), PIPELINING (RFC 2920), AUTH (when offered) and HELP;
// HELO; MAIL FROM with the SIZE=, BODY= and AUTH= parameters; RCPT TO; DATA with
// dot-unstuffing (4.5.2), ended only by <CRLF>.<CRLF>; RSET; NOOP; VRFY (always 252, 3.5.3);
// HELP (214); QUIT (221); unknown commands (500); bad parameters (501); commands out of
// order (503); unimplemented commands EXPN, TURN, ETRN, BDAT, STARTTLS (502), and AUTH
// when the configuration does not offer it.
// AUTH (RFC 4954) with the mechanisms PLAIN (RFC 4616) and LOGIN, with or without an
// initial response; the user name and password are checked by the ServerPolicy, and the
// identity is kept in the Envelope for the rest of the session. There is no TLS here, so
// the credentials cross the network readable by anyone: base64 is an encoding, not a lock.
// Limits (4.5.3.1): command lines of 512 octets and text lines of 1000 octets, both
// counting CR LF; longer lines get "500 Line too long". AUTH lines may be 12288 octets (RFC
// 4954 section 4). A message over maxMessageSize gets 552, and its bytes beyond the limit
// are not kept. Recipients beyond maxRecipients get 452. After maxErrors protocol errors
// the server says "421 too many errors" and closes, as Postfix does.
// No input makes this class crash or hang, and what it holds is bounded: one line of input,
// plus, during DATA, the message (at most maxMessageSize) and its wire form for the trace,
// or, during AUTH LOGIN, the user name given so far.
//
// Mail policy (is this a local user? may this client relay? is this password right? store
// the message) is not decided here: it is asked of a ServerPolicy, which the mail server
// implements.
// Left out: STARTTLS, CHUNKING/BDAT, SMTPUTF8, DSN, ENHANCEDSTATUSCODES (the AUTH replies
// carry RFC 4954's enhanced codes in their text all the same), other SASL mechanisms
// (CRAM-MD5, SCRAM, XOAUTH2), and AUTH= on MAIL FROM beyond its syntax (its value is not kept).
#pragma once

#include "protocol/common/engine_output.h"
#include "protocol/common/line_assembler.h"
#include "protocol/smtp/smtp_path.h"
#include "protocol/smtp/smtp_reply.h"

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace mailsim::smtp {

enum class ServerState {
    Connected,  // open() not yet called
    AwaitHello, // greeting sent, waiting for EHLO or HELO
    Ready,      // hello done, no mail transaction
    Auth,       // 334 sent: the next line is the client's answer in an AUTH exchange
    Mail,       // MAIL FROM accepted, waiting for RCPT TO
    Rcpt,       // at least one recipient accepted
    Data,       // 354 sent, receiving message content
    Closed,     // 221 or 421 sent; all further input is ignored
};
const char *toString(ServerState state);

struct ServerConfig
{
    QByteArray hostname = "mail.example.org"; // in the greeting, EHLO reply and queue ids
    qint64 maxMessageSize = 10 * 1024 * 1024;  // octets of message content, announced as SIZE
    int maxRecipients = 100;                   // RFC 5321 4.5.3.1.8: at least 100
    qsizetype maxCommandLine = 512;            // RFC 5321 4.5.3.1.4, CR LF included
    qsizetype maxTextLine = 1000;              // RFC 5321 4.5.3.1.6, CR LF included
    bool announce8BitMime = true;
    bool announcePipelining = true;
    // AUTH (RFC 4954) with PLAIN and LOGIN, announced in the EHLO reply. Off, AUTH is 502 like
    // any command this server does not offer, and MAIL FROM's AUTH= parameter is 555.
    bool offerAuth = false;
    qsizetype maxAuthLine = 12288; // RFC 4954 section 4: AUTH lines and answers, CR LF included
    // Protocol errors (the .cpp lists which replies count) before the server replies 421 and
    // closes, as Postfix's smtpd_hard_error_limit does; 0 or less: no limit.
    int maxErrors = 10;
};

// Who is on the other end; filled in by the driver that owns the connection.
struct ClientInfo
{
    QByteArray hostname; // reverse name of the peer, e.g. "alice-pc.example.org"
    QByteArray address;  // e.g. "192.0.2.10"
};

struct Envelope
{
    QByteArray helo;                // the name given in EHLO/HELO
    bool esmtp = false;             // EHLO (true) or HELO (false)
    Path reversePath;               // MAIL FROM
    std::vector<Path> forwardPaths; // accepted RCPT TO, in order
    qint64 declaredSize = -1;       // SIZE= from MAIL FROM, -1 when absent
    bool eightBitMime = false;      // BODY=8BITMIME given
    // The user name the client logged in with (AUTH), as it gave it; empty when it did not.
    // Unlike the rest of the transaction it stays for the whole session, RSET included.
    QByteArray authenticatedUser;
};

class ServerPolicy
{
public:
    virtual ~ServerPolicy() = default;
    // Called for MAIL FROM after the syntax and SIZE checks passed. Return 250 to accept.
    virtual Reply checkSender(const ClientInfo &client, const Envelope &envelope,
                              const Path &reversePath) = 0;
    // Called for each RCPT TO; e.g. 250, 550 (no such user), 554 (relay denied).
    virtual Reply checkRecipient(const ClientInfo &client, const Envelope &envelope,
                                 const Path &forwardPath) = 0;
    // Called at the end of DATA with the unstuffed content (CR LF line ends, without the
    // final ".\r\n"). Accepting (250) means the message is now stored in a mailbox or queue.
    virtual Reply acceptMessage(const ClientInfo &client, const Envelope &envelope,
                                const QByteArray &content) = 0;
    // Called when an AUTH exchange has given a user name and a password (both non-empty).
    // True logs the client in as `user` for the rest of the session. A policy that knows no
    // users refuses everyone, which is the default.
    virtual bool authenticate(const ClientInfo & /*client*/, QByteArrayView /*user*/,
                              QByteArrayView /*password*/)
    {
        return false;
    }
};

class SmtpServerSession : public protocol::InputNotifier
{
public:
    SmtpServerSession(ServerConfig config, ServerPolicy &policy, ClientInfo client = {});

    // The 220 greeting. Call once, when the connection is established.
    [[nodiscard]] protocol::EngineOutput open();
    // Bytes from the client, in any chunking: the output is the same as for one piece.
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    // The client closed its side. A message still in DATA is discarded, never accepted.
    [[nodiscard]] protocol::EngineOutput receiveEof();
    // The caller's idle timer fired: 421 and close (RFC 5321 4.5.3.2).
    [[nodiscard]] protocol::EngineOutput timeout();
    // The server is going down: 421 and close.
    [[nodiscard]] protocol::EngineOutput shutdown();

    [[nodiscard]] ServerState state() const { return m_state; }
    [[nodiscard]] const Envelope &envelope() const { return m_envelope; }
    [[nodiscard]] const ServerConfig &config() const { return m_config; }
    // Input bytes held right now: the unfinished line plus, during DATA, the message so far,
    // or, during AUTH LOGIN, the user name until its password comes. Lets tests (and a
    // curious student) check that memory stays bounded.
    [[nodiscard]] qsizetype bytesHeld() const
    {
        return m_lines.buffered() + m_content.size() + m_dataWire.size() + m_authUser.size();
    }

private:
    struct Impl;
    // The verb table and handlers live in the .cpp; see there for the theory of operation.
    friend struct Impl;

    ServerConfig m_config;
    ServerPolicy &m_policy;
    ClientInfo m_client;
    ServerState m_state = ServerState::Connected;
    Envelope m_envelope;
    protocol::LineAssembler m_lines;
    QByteArray m_content;          // DATA so far, unstuffed
    bool m_contentTooBig = false;  // DATA went over maxMessageSize; bytes beyond it dropped
    bool m_contentLineTooLong = false;
    QByteArray m_dataWire;         // DATA so far as it arrived (dot-stuffed), for the trace
    int m_rcptAttempts = 0;        // RCPT TO commands that reached the recipient checks
    int m_errors = 0;              // error replies so far that count towards maxErrors
    // In state Auth: which answer the next line is, and LOGIN's user name until its password.
    enum class AuthStep { PlainCredentials, LoginUser, LoginPassword };
    AuthStep m_authStep = AuthStep::PlainCredentials;
    QByteArray m_authUser;
};

} // namespace mailsim::smtp
