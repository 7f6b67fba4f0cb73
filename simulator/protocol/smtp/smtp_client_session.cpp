// The SMTP client as an explicit state machine.
//
// Why a state machine and not straight-line code ("send EHLO, read reply, send MAIL ..."):
// the engine never waits. Bytes arrive in whatever pieces the network delivers, so every
// call must be able to stop in the middle of a reply and resume later. The state says which
// reply we are waiting for; onReply() below is the one table that says, for that state and
// that reply, what to send next and which state comes after. sendCommand() and finish() are
// the only places that write m_state, so that a student can follow every transition from
// onReply() alone.
//
// Choices where RFC 5321 leaves room, and why:
//  - EHLO refused with any 5xx falls back to HELO (4.1.4 asks this for "command not
//    recognized"; old servers also answered 501, 504 or 550). It costs one round trip, and a
//    server that really refuses us refuses HELO too. A 4xx to EHLO is not a sign of an old
//    server but of a busy one, so it ends the session as a temporary failure.
//  - 421 at any point means the server is closing the connection (3.8): every recipient not
//    yet decided is a temporary failure and we close without sending QUIT. Any other refusal
//    of the greeting, EHLO/HELO, MAIL or DATA is answered with QUIT, so the server can end
//    the session cleanly.
//  - A reply of the wrong kind (a 2xx or 3xx where neither fits, e.g. 250 to DATA) means the
//    two sides no longer agree on where they are; nothing is known to be delivered, so the
//    undecided recipients become temporary failures and we say QUIT.
//  - A message larger than the SIZE the server announced is not offered at all (RFC 1870
//    section 6): we say QUIT and every recipient is a permanent failure with a locally made
//    "552" reply, the code the server would have given. Retrying would not make it smaller.
//  - SIZE= carries the size of the content as given. RFC 1870 only asks for an estimate, and
//    the content is expected with CR LF line ends already, so it is exact in practice.
//  - 8-bit content to a server that did not announce 8BITMIME: RFC 6152 asks the sender to
//    convert it to 7 bit first. Converting means rebuilding MIME parts, which is the job of
//    whoever built the message, so the caller may hand over a 7-bit form with the content
//    (Submission::sevenBitContent) and it is sent instead. Without one, the content is sent
//    as it is, without BODY=, and the result says so (ClientResult::eightBitWithout8BitMime):
//    a teaching tool shows the mistake rather than hiding it.
//  - A line that is not a reply (not three digits with 2..5 first, then space, dash or
//    nothing), a continuation line whose code differs from the first line's, a line longer
//    than maxReplyLine, or a reply of more than 100 lines (RFC 5321 sets no limit, but memory
//    must stay bounded whatever the peer sends; a long EHLO reply has some twenty): the peer is not
//    speaking SMTP, so answering it with QUIT would be pointless. We record the error, make the
//    undecided recipients temporary failures and close. Reply lines ended by a bare LF are
//    accepted: reading leniently costs nothing here.
//  - Connection lost, timeout or garbage: the undecided recipients get a locally made "421"
//    reply whose text says what happened. Only the final 2xx after the content makes a
//    recipient Delivered, so a connection lost after the "." is a temporary failure even
//    though the server may have stored the message (a possible duplicate; see
//    awaitingFinalReply()). A connection lost, or a timeout, while waiting for the answer to
//    QUIT is a normal end: everything was already decided.
//  - The deliberate mistake (ClientConfig::mistake) comes after EHLO/HELO and before MAIL
//    FROM, where both wrong commands are plainly wrong: before EHLO every command would get
//    the same "send EHLO first", and inside a transaction an unknown command is still 500 but
//    RCPT TO is in order. It is made only when there is a recipient (OutOfOrder needs one to
//    name; with none the session just says QUIT) and only once. It is sent alone even to a
//    server that announced PIPELINING, as every command here is, so the reply visibly belongs
//    to it. Its reply, whatever it is (a 2xx from a lenient server too), does not change the
//    transaction that follows, with one exception: 421, after which the server is gone.
//  - result().error is set whenever the recipients were decided wholesale rather than by
//    their own RCPT reply or the reply to the end of data. The first error is kept.
#include "protocol/smtp/smtp_client_session.h"

#include "protocol/smtp/dot_stuffing.h"

#include <QList>

#include <utility>

namespace mailsim::smtp {

using protocol::EngineOutput;
using protocol::LineAssembler;
using protocol::Transmission;
using Status = RecipientOutcome::Status;

const char *toString(ClientState state)
{
    switch (state) {
    case ClientState::AwaitGreeting: return "AwaitGreeting";
    case ClientState::AwaitEhlo: return "AwaitEhlo";
    case ClientState::AwaitHelo: return "AwaitHelo";
    case ClientState::AwaitMistake: return "AwaitMistake";
    case ClientState::AwaitMail: return "AwaitMail";
    case ClientState::AwaitRcpt: return "AwaitRcpt";
    case ClientState::AwaitData: return "AwaitData";
    case ClientState::AwaitDataEnd: return "AwaitDataEnd";
    case ClientState::AwaitQuit: return "AwaitQuit";
    case ClientState::Done: return "Done";
    }
    return "?";
}

const char *toString(ClientConfig::Mistake mistake)
{
    switch (mistake) {
    case ClientConfig::Mistake::None: return "none";
    case ClientConfig::Mistake::Typo: return "typo";
    case ClientConfig::Mistake::OutOfOrder: return "out-of-order";
    }
    return "?";
}

namespace {

constexpr int kServiceClosing = 421;     // RFC 5321 3.8: the server is closing the channel
constexpr int kStartMailInput = 354;     // the only acceptable answer to DATA
constexpr int kExceedsStorage = 552;     // RFC 1870: message size exceeds fixed maximum
constexpr qsizetype kQuotedLineMax = 60; // how much of a bad line an error message quotes
constexpr int kMaxReplyLines = 100;      // bounds the memory one reply can take

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// One line of a reply: "250-text" (more follow), "250 text" or "250" (the last one).
struct ReplyLine
{
    int code = 0;
    bool last = true;
    QByteArray text;
};

std::optional<ReplyLine> parseReplyLine(const QByteArray &line)
{
    if (line.size() < 3 || line[0] < '2' || line[0] > '5' || !isDigit(line[1]) || !isDigit(line[2]))
        return std::nullopt;
    ReplyLine r;
    r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (line.size() == 3)
        return r;
    if (line[3] == '-')
        r.last = false;
    else if (line[3] != ' ')
        return std::nullopt;
    r.text = line.mid(4);
    return r;
}

// The EHLO reply's first line is the server's greeting; each further line is an extension
// keyword, optionally followed by parameters (RFC 5321 4.1.1.1). Keywords are
// case-insensitive.
ServerExtensions parseEhloReply(const Reply &reply)
{
    ServerExtensions ext;
    ext.esmtp = true;
    const QList<QByteArray> lines = reply.text.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        const QByteArray trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        ext.keywords.push_back(line);
        const qsizetype space = trimmed.indexOf(' ');
        const QByteArray keyword = (space < 0 ? trimmed : trimmed.left(space)).toUpper();
        const QByteArray params = space < 0 ? QByteArray() : trimmed.mid(space + 1).trimmed();
        if (keyword == "SIZE") {
            // "SIZE" alone, or a limit we cannot read, means: announced, no known limit.
            bool ok = false;
            const qint64 limit = params.toLongLong(&ok);
            ext.size = ok && limit > 0 ? limit : 0;
        } else if (keyword == "8BITMIME") {
            ext.eightBitMime = true;
        } else if (keyword == "PIPELINING") {
            ext.pipelining = true;
        }
    }
    return ext;
}

bool hasEightBitBytes(const QByteArray &content)
{
    for (const char c : content) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return true;
    }
    return false;
}

QByteArray firstLine(const QByteArray &text)
{
    const qsizetype nl = text.indexOf('\n');
    return nl < 0 ? text : text.left(nl);
}

QByteArray describe(const Reply &reply)
{
    QByteArray d = QByteArray::number(reply.code);
    const QByteArray text = firstLine(reply.text);
    if (!text.isEmpty())
        d += ' ' + text;
    return d;
}

} // namespace

// One call into the engine: the session plus the output being built for the caller.
struct SmtpClientSession::Impl
{
    SmtpClientSession &s;
    EngineOutput &out;

    // --- input -------------------------------------------------------------------------

    void receive(QByteArrayView bytes)
    {
        s.m_lines.append(bytes);
        while (s.m_state != ClientState::Done) {
            const LineAssembler::Result r = s.m_lines.next();
            if (r.status == LineAssembler::Status::NeedMore)
                return;
            if (r.status == LineAssembler::Status::TooLong) {
                abort("malformed reply: line longer than " +
                      QByteArray::number(s.m_config.maxReplyLine) + " octets");
                return;
            }
            const std::optional<ReplyLine> line = parseReplyLine(r.line);
            if (!line) {
                abort("malformed reply: \"" + r.line.left(kQuotedLineMax) + '"');
                return;
            }
            if (s.m_pendingReplyCode != 0 && line->code != s.m_pendingReplyCode) {
                abort("malformed reply: code " + QByteArray::number(line->code) + " continues a " +
                      QByteArray::number(s.m_pendingReplyCode) + " reply");
                return;
            }
            if (++s.m_pendingReplyLines > kMaxReplyLines) {
                abort("malformed reply: more than " + QByteArray::number(kMaxReplyLines) +
                      " lines");
                return;
            }
            if (s.m_pendingReplyCode != 0)
                s.m_pendingReplyText += '\n';
            s.m_pendingReplyCode = line->code;
            s.m_pendingReplyText += line->text;
            s.m_pendingReplyWire += r.line;
            s.m_pendingReplyWire += r.bareLf ? "\n" : "\r\n";
            if (!line->last)
                continue;

            const Reply reply{s.m_pendingReplyCode, s.m_pendingReplyText};
            out.received.push_back(
                Transmission{Transmission::Kind::Reply, s.m_pendingReplyWire, reply.code});
            resetPendingReply();
            s.m_result.lastReply = reply;
            onReply(reply);
        }
    }

    // --- the state table ---------------------------------------------------------------

    void onReply(const Reply &reply)
    {
        const bool ok = reply.replyClass() == ReplyClass::PositiveCompletion;
        switch (s.m_state) {
        case ClientState::AwaitGreeting:
            if (reply.code == 220)
                sendCommand("EHLO " + s.m_config.heloName, ClientState::AwaitEhlo);
            else
                // Not "connection refused": that is TCP's RST, before any SMTP.
                refused("the session", reply, "the server turned the session away: ");
            return;
        case ClientState::AwaitEhlo:
            if (ok) {
                s.m_extensions = parseEhloReply(reply);
                startTransaction();
            } else if (reply.isPermanent()) {
                sendCommand("HELO " + s.m_config.heloName, ClientState::AwaitHelo);
            } else {
                refused("EHLO", reply);
            }
            return;
        case ClientState::AwaitHelo:
            if (ok) {
                s.m_extensions = ServerExtensions{}; // plain SMTP: no extensions
                startTransaction();
            } else {
                refused("HELO", reply);
            }
            return;
        case ClientState::AwaitMistake:
            s.m_result.mistakeReply = reply;
            if (reply.code == kServiceClosing)
                refused("the deliberate mistake", reply);
            else
                startTransaction(); // as if the mistake had not been made
            return;
        case ClientState::AwaitMail:
            if (ok)
                nextRecipientOrData();
            else
                refused("MAIL FROM", reply);
            return;
        case ClientState::AwaitRcpt:
            if (reply.code == kServiceClosing ||
                reply.replyClass() == ReplyClass::PositiveIntermediate) {
                // The server is leaving, or answered RCPT with a 3xx: stop here.
                refused("RCPT TO", reply);
                return;
            }
            decideCurrentRecipient(reply);
            nextRecipientOrData();
            return;
        case ClientState::AwaitData:
            if (reply.code == kStartMailInput)
                sendContent();
            else
                refused("DATA", reply);
            return;
        case ClientState::AwaitDataEnd:
            if (ok) {
                decidePending(Status::Delivered, reply);
                quit();
            } else {
                refused("end of data", reply);
            }
            return;
        case ClientState::AwaitQuit:
            finish(); // whatever the code: there is nothing left to say
            return;
        case ClientState::Done:
            return;
        }
    }

    // --- steps of the dialogue ---------------------------------------------------------

    // After EHLO or HELO: MAIL FROM, unless there is nothing (or nothing possible) to send.
    void startTransaction()
    {
        Submission &sub = s.m_submission;
        if (sub.recipients.empty()) {
            quit();
            return;
        }
        if (makeMistake())
            return; // startTransaction() runs again once it is answered
        if (!s.m_extensions.eightBitMime && hasEightBitBytes(sub.content)) {
            if (!sub.sevenBitContent.isEmpty()) {
                sub.content = std::move(sub.sevenBitContent);
                s.m_result.sevenBitFormSent = true;
            } else {
                s.m_result.eightBitWithout8BitMime = true;
            }
        }
        sub.sevenBitContent.clear();
        const qint64 size = sub.content.size();
        const qint64 limit = s.m_extensions.size;
        if (limit > 0 && size > limit) {
            const Reply local{kExceedsStorage, "message size " + QByteArray::number(size) +
                                                   " exceeds the server's limit of " +
                                                   QByteArray::number(limit) + ", not sent"};
            recordError(local.text);
            decidePending(Status::PermanentFailure, local);
            quit();
            return;
        }
        QByteArray command = "MAIL FROM:" + sub.reversePath.bracketed();
        if (limit >= 0)
            command += " SIZE=" + QByteArray::number(size);
        if (s.m_extensions.eightBitMime && hasEightBitBytes(sub.content))
            command += " BODY=8BITMIME";
        sendCommand(command, ClientState::AwaitMail);
    }

    // Sends the configured wrong command, once; false when there is none (left) to send.
    bool makeMistake()
    {
        if (s.m_mistakeMade || s.m_config.mistake == ClientConfig::Mistake::None)
            return false;
        s.m_mistakeMade = true;
        const Submission &sub = s.m_submission;
        switch (s.m_config.mistake) {
        case ClientConfig::Mistake::None:
            return false;
        case ClientConfig::Mistake::Typo:
            sendCommand("MIAL FROM:" + sub.reversePath.bracketed(), ClientState::AwaitMistake);
            return true;
        case ClientConfig::Mistake::OutOfOrder:
            sendCommand("RCPT TO:" + sub.recipients.front().bracketed(), ClientState::AwaitMistake);
            return true;
        }
        return false;
    }

    // The next RCPT TO; after the last one, DATA if anyone was accepted, else QUIT.
    void nextRecipientOrData()
    {
        const std::vector<Path> &recipients = s.m_submission.recipients;
        if (s.m_nextRecipient < recipients.size()) {
            sendCommand("RCPT TO:" + recipients[s.m_nextRecipient].bracketed(),
                        ClientState::AwaitRcpt);
        } else if (s.m_acceptedRecipients > 0) {
            sendCommand("DATA", ClientState::AwaitData);
        } else {
            quit(); // every recipient already has its answer; no RSET needed before QUIT
        }
    }

    // The answer to one RCPT TO. An accepted recipient stays Pending until the end of data.
    void decideCurrentRecipient(const Reply &reply)
    {
        RecipientOutcome &outcome = s.m_result.recipients[s.m_nextRecipient];
        outcome.reply = reply;
        if (reply.isPositive())
            ++s.m_acceptedRecipients;
        else
            outcome.status = reply.isPermanent() ? Status::PermanentFailure
                                                 : Status::TransientFailure;
        ++s.m_nextRecipient;
    }

    void sendContent()
    {
        out.sent.push_back(
            Transmission{Transmission::Kind::Data, dotStuff(s.m_submission.content), 0});
        setState(ClientState::AwaitDataEnd);
    }

    // A reply that ends the transaction for everyone still undecided: a refusal (4xx, 5xx)
    // or a reply that does not fit the step at all.
    void refused(const char *step, const Reply &reply, const char *refusal = nullptr)
    {
        const bool negative = reply.isTransient() || reply.isPermanent();
        const QByteArray how = refusal ? QByteArray(refusal) : QByteArray(step) + " refused: ";
        recordError((negative ? how : "unexpected reply to " + QByteArray(step) + ": ") + describe(reply));
        decidePending(reply.isPermanent() ? Status::PermanentFailure : Status::TransientFailure,
                      reply);
        if (reply.code == kServiceClosing)
            finish(); // the server is closing; QUIT would go nowhere
        else
            quit();
    }

    // The connection ends without a reply that decides anything: nothing undecided can be
    // counted as delivered.
    void abort(const QByteArray &error)
    {
        recordError(error);
        decidePending(Status::TransientFailure, Reply{kServiceClosing, error});
        finish();
    }

    // --- the only writers of m_state ---------------------------------------------------

    void sendCommand(const QByteArray &line, ClientState next)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Command, line + "\r\n", 0});
        setState(next);
    }

    void quit() { sendCommand("QUIT", ClientState::AwaitQuit); }

    void finish()
    {
        setState(ClientState::Done);
        out.close = true;
        s.m_lines.clear(); // anything after the end is ignored
        resetPendingReply();
    }

    void setState(ClientState next) { s.m_state = next; }

    // --- bookkeeping -------------------------------------------------------------------

    void decidePending(Status status, const Reply &reply)
    {
        for (RecipientOutcome &outcome : s.m_result.recipients) {
            if (outcome.status != Status::Pending)
                continue;
            outcome.status = status;
            outcome.reply = reply;
        }
    }

    void resetPendingReply()
    {
        s.m_pendingReplyCode = 0;
        s.m_pendingReplyLines = 0;
        s.m_pendingReplyText.clear();
        s.m_pendingReplyWire.clear();
    }

    void recordError(const QByteArray &error)
    {
        if (s.m_result.error.isEmpty())
            s.m_result.error = error;
    }
};

SmtpClientSession::SmtpClientSession(ClientConfig config, Submission submission)
    : m_config(std::move(config)), m_submission(std::move(submission)),
      m_lines(m_config.maxReplyLine, protocol::LineAssembler::Terminator::CrLfOrLf)
{
    m_result.recipients.reserve(m_submission.recipients.size());
    for (const Path &recipient : m_submission.recipients) {
        RecipientOutcome outcome;
        outcome.recipient = recipient;
        m_result.recipients.push_back(std::move(outcome));
    }
}

EngineOutput SmtpClientSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_state != ClientState::Done)
        Impl{*this, out}.receive(bytes);
    return out;
}

EngineOutput SmtpClientSession::receiveEof()
{
    EngineOutput out;
    Impl impl{*this, out};
    if (m_state == ClientState::AwaitQuit)
        impl.finish(); // the usual end: the server closes after its 221
    else if (m_state != ClientState::Done)
        impl.abort("connection closed by server");
    return out;
}

EngineOutput SmtpClientSession::timeout()
{
    EngineOutput out;
    Impl impl{*this, out};
    if (m_state == ClientState::AwaitQuit)
        impl.finish(); // only the goodbye is missing; every recipient is decided
    else if (m_state != ClientState::Done)
        impl.abort("timed out");
    return out;
}

} // namespace mailsim::smtp
