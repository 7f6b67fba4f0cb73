// Theory of operation.
//
// Input goes into a LineAssembler, which hands back complete lines; each line is either a
// command or, after "354", a line of message data. Every line is handled completely
// (policy asked, reply produced) before the next one is looked at. That single rule gives
// PIPELINING (RFC 2920) for free, and it is why the output cannot depend on how the network
// split the bytes: nothing is decided on a partial line.
//
// Commands are dispatched through one table (kVerbs below): the verb, its handler, and the
// states in which it is in sequence. A verb used out of sequence gets its 503 from the
// table, before the handler runs, so a handler only ever sees the states it was written for.
// State changes go through enter(), which also does what entering a state means (clearing
// the transaction, switching the line assembler between command and data mode), so the
// state machine can be read in one place.
//
// Every reply text comes from the reply catalog; this file only chooses which one.
//
// Decisions where RFC 5321 leaves a choice:
//  - A command line may end in a bare LF (many servers accept it; the line assembler's
//    CrLfOrLf mode). Message data ends only at CR LF "." CR LF, so "<LF>.<LF>" is content.
//  - Spaces after "FROM:"/"TO:", around the argument and between parameters are tolerated.
//  - "RCPT TO:<Postmaster>" without a domain is accepted, as 4.1.1.3 requires, and means
//    the postmaster of this server (the configured hostname).
//  - DATA when no RCPT was accepted: 503 if no RCPT TO was tried, 554 "No valid recipients"
//    if some were tried and every one was refused (3.3 allows either; 554 tells the client
//    more).
//  - A text line may be maxTextLine octets plus the dot added for transparency, as 4.5.3.1.6
//    says. A message with an over-long line is refused with 500 at its end; a message over
//    maxMessageSize with 552. When both happen, 552 is the reply.
//  - RSET, QUIT and DATA take no argument (501); NOOP and HELP ignore theirs (4.1.1.9).
//  - The received Data unit holds the message lines as they arrived, dot-stuffing
//    included, and the final ".\r\n". Lines refused as too long, and lines past
//    maxMessageSize, are not in it: they were never kept.
//  - Bytes that arrive before open() make the session greet first, as if open() had been
//    called; an incomplete last line at end of input is ignored.
//
// AUTH (RFC 4954), when the configuration offers it:
//  - 334 puts the session in state Auth, where the next line is an answer, not a command.
//    Answers are traced as commands (they are what the client sent), and are read with
//    the same line ends as commands. "*" cancels (501); anything but base64 is 501 too.
//  - AUTH command lines and answers may be maxAuthLine (12288) octets; the line assembler
//    takes lines that long whenever AUTH is offered, and a command other than AUTH longer
//    than maxCommandLine still gets "500 Line too long", so only AUTH gains the room.
//  - AUTH is allowed after HELO as after EHLO (Postfix does the same); before either it is
//    503, in a mail transaction 503, and after a successful AUTH 503 (section 4).
//  - PLAIN's authorization identity must be empty or equal the user name: this server lets
//    nobody act for someone else. A PLAIN message not of the form authzid NUL user NUL
//    password, an empty user name or password, and a refusal by the policy all get the
//    same 535, so that the reply tells a guesser nothing.
//  - The user name is kept as the client gave it, in Envelope::authenticatedUser, through
//    RSET, new transactions and a new EHLO, until the connection ends.
//  - MAIL FROM's AUTH= parameter (section 5) is checked as xtext and then ignored: which
//    user submitted a message is the server's own knowledge, not the client's claim.
//
// Too many errors: every reply 500 to 504, 535 and 555 counts, whatever sent it (these say
// the client got the protocol wrong, or guessed a password). Refusals of policy (4xx, 550
// to 554) do not: a relay with many stale recipients has done nothing wrong, and cutting it
// off in the middle of a transaction would only delay good mail. When the count reaches
// maxErrors, the reply that reached it is followed by "421 4.7.0 <host> Too many errors"
// and the connection is closed, like the POP3 engine's final -ERR. Postfix counts more
// (rejected recipients too) and waits for the next command before its 421.
#include "protocol/smtp/smtp_server_session.h"

#include "message/codecs.h"
#include "protocol/smtp/smtp_reply_catalog.h"

#include <QList>
#include <QtGlobal>

#include <algorithm>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace mailsim::smtp {

using protocol::EngineOutput;
using protocol::LineAssembler;
using protocol::Transmission;

const char *toString(ServerState state)
{
    switch (state) {
    case ServerState::Connected: return "Connected";
    case ServerState::AwaitHello: return "AwaitHello";
    case ServerState::Ready: return "Ready";
    case ServerState::Auth: return "Auth";
    case ServerState::Mail: return "Mail";
    case ServerState::Rcpt: return "Rcpt";
    case ServerState::Data: return "Data";
    case ServerState::Closed: return "Closed";
    }
    return "?";
}

namespace {

// A set of states, one bit each.
using StateSet = unsigned;
constexpr StateSet only(ServerState state) { return 1u << static_cast<unsigned>(state); }
constexpr StateSet kCommandStates = only(ServerState::AwaitHello) | only(ServerState::Ready) |
                                    only(ServerState::Mail) | only(ServerState::Rcpt);

// The edges of the state machine. Anything else is a bug in this file. (Only asserted, so
// unused in a release build.)
[[maybe_unused]] bool transitionAllowed(ServerState from, ServerState to)
{
    using S = ServerState;
    if (to == S::Closed)
        return from != S::Closed; // QUIT, 421, or the client going away
    switch (from) {
    case S::Connected: return to == S::AwaitHello;
    case S::AwaitHello: return to == S::AwaitHello || to == S::Ready;
    case S::Ready: return to == S::Ready || to == S::Mail || to == S::Auth;
    case S::Auth: return to == S::Auth || to == S::Ready;
    case S::Mail: return to == S::Ready || to == S::Rcpt;
    case S::Rcpt: return to == S::Ready || to == S::Rcpt || to == S::Data;
    case S::Data: return to == S::Ready;
    case S::Closed: return false;
    }
    return false;
}

bool isControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetDig(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool hasControlBytes(QByteArrayView line)
{
    for (char c : line) {
        if (isControl(c))
            return true;
    }
    return false;
}

bool equalsNoCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

bool startsWithNoCase(QByteArrayView text, QByteArrayView prefix)
{
    return text.size() >= prefix.size() && equalsNoCase(text.first(prefix.size()), prefix);
}

QByteArrayView trimSpaces(QByteArrayView text)
{
    while (!text.isEmpty() && text.front() == ' ')
        text = text.sliced(1);
    while (!text.isEmpty() && text.back() == ' ')
        text.chop(1);
    return text;
}

// esmtp-param = esmtp-keyword ["=" esmtp-value] (RFC 5321 4.1.2)
struct Parameter
{
    QByteArrayView keyword;
    QByteArrayView value; // empty when there was no "="
};

bool isKeyword(QByteArrayView word)
{
    // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
    if (word.isEmpty() || !isLetDig(word.front()))
        return false;
    for (char c : word) {
        if (!isLetDig(c) && c != '-')
            return false;
    }
    return true;
}

bool isValue(QByteArrayView value)
{
    // esmtp-value = 1*(%d33-60 / %d62-126): printable, no "=" and no space
    if (value.isEmpty())
        return false;
    for (char c : value) {
        if (c < 33 || c > 126 || c == '=')
            return false;
    }
    return true;
}

// The space-separated parameters after a path; empty optional when one is malformed.
std::optional<std::vector<Parameter>> parseParameters(QByteArrayView text)
{
    std::vector<Parameter> parameters;
    for (QByteArrayView rest = trimSpaces(text); !rest.isEmpty(); rest = trimSpaces(rest)) {
        const qsizetype space = rest.indexOf(' ');
        const QByteArrayView word = space < 0 ? rest : rest.first(space);
        rest = space < 0 ? QByteArrayView() : rest.sliced(space);
        const qsizetype equals = word.indexOf('=');
        Parameter p{equals < 0 ? word : word.first(equals), {}};
        if (!isKeyword(p.keyword))
            return std::nullopt;
        if (equals >= 0) {
            p.value = word.sliced(equals + 1);
            if (!isValue(p.value))
                return std::nullopt;
        }
        parameters.push_back(p);
    }
    return parameters;
}

// SIZE=n (RFC 1870): digits only. A number too large to hold is certainly over the limit.
std::optional<qint64> parseSize(QByteArrayView digits)
{
    if (digits.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return std::nullopt;
        if (value > (std::numeric_limits<qint64>::max() - 9) / 10)
            value = std::numeric_limits<qint64>::max();
        else
            value = value * 10 + (c - '0');
    }
    return value;
}

bool isSuccess(const Reply &reply) { return reply.replyClass() == ReplyClass::PositiveCompletion; }

// Replies that say the client got the protocol wrong (or a password); see maxErrors above.
bool countsAsError(int code) { return (code >= 500 && code <= 504) || code == 535 || code == 555; }

bool isUpperHexDigit(char c) { return isDigit(c) || (c >= 'A' && c <= 'F'); }

// xtext (RFC 3461 section 4): printable ASCII but "+" and "=", and "+" with two upper-case
// hex digits for any other byte. isValue() has already refused "=", space and control bytes.
bool isXtext(QByteArrayView value)
{
    for (qsizetype i = 0; i < value.size(); ++i) {
        if (value[i] != '+')
            continue;
        if (i + 2 >= value.size() || !isUpperHexDigit(value[i + 1]) || !isUpperHexDigit(value[i + 2]))
            return false;
        i += 2;
    }
    return true;
}

// An answer in an AUTH exchange: base64 (RFC 4648 section 4) with its padding and nothing
// else, not even white space inside; empty optional when it is not.
std::optional<QByteArray> decodeAuthAnswer(QByteArrayView text)
{
    for (char c : text) {
        if (!isLetDig(c) && c != '+' && c != '/' && c != '=')
            return std::nullopt;
    }
    return message::base64DecodeStrict(text);
}

bool isAuthCommand(QByteArrayView line)
{
    return startsWithNoCase(line, "AUTH") && (line.size() == 4 || line[4] == ' ');
}

} // namespace

// Everything one call into the session does, with the output it is filling in.
struct SmtpServerSession::Impl
{
    using Handler = void (Impl::*)(QByteArrayView argument);
    struct Verb
    {
        const char *name;
        Handler handler;
        StateSet allowedIn; // in other states the verb is out of sequence: 503
    };
    static const Verb kVerbs[];

    SmtpServerSession &s;
    EngineOutput &out;

    // ---- Output ----------------------------------------------------------------------

    void send(const Reply &reply)
    {
        out.sent.push_back(Transmission{Transmission::Kind::Reply, reply.toWire(), reply.code});
        if (countsAsError(reply.code))
            ++s.m_errors; // acted on once the line is done, in processInput()
    }
    void send(ReplyId id) { send(catalogReply(id, s.m_config.hostname)); }

    // The policy is outside this file's control: a reply that SMTP cannot carry at this
    // point (no code, or 3xx) would leave the client stuck, so it becomes a 451.
    Reply fromPolicy(Reply reply) const
    {
        const ReplyClass c = reply.replyClass();
        if (c == ReplyClass::Invalid || c == ReplyClass::PositiveIntermediate)
            return catalogReply(ReplyId::LocalError, s.m_config.hostname);
        return reply;
    }

    // ---- The state machine -----------------------------------------------------------

    void enter(ServerState next)
    {
        Q_ASSERT_X(transitionAllowed(s.m_state, next), "SmtpServerSession",
                   "state transition not in the state machine");
        s.m_state = next;
        switch (next) {
        case ServerState::Connected:
        case ServerState::AwaitHello:
        case ServerState::Rcpt:
            break;
        case ServerState::Ready:
            // No transaction (any more): keep who the client said it was, forget the rest,
            // and read commands again.
            forgetTransaction();
            forgetAuthExchange();
            s.m_lines.setTerminator(LineAssembler::Terminator::CrLfOrLf);
            s.m_lines.setMaxLineLength(commandLineLimit(s.m_config));
            break;
        case ServerState::Auth:
            // An answer is read like a command line, with AUTH's larger limit.
            s.m_lines.setMaxLineLength(std::max(s.m_config.maxAuthLine, s.m_config.maxCommandLine));
            break;
        case ServerState::Mail:
            s.m_rcptAttempts = 0;
            break;
        case ServerState::Data:
            // Message lines end at CR LF only, and may be one octet longer than the limit
            // when the sender doubled a leading dot (4.5.3.1.6).
            clearMessage();
            s.m_lines.setTerminator(LineAssembler::Terminator::CrLfOnly);
            s.m_lines.setMaxLineLength(s.m_config.maxTextLine + 1);
            break;
        case ServerState::Closed:
            forgetTransaction();
            forgetAuthExchange();
            s.m_lines.clear();
            break;
        }
    }

    void forgetTransaction()
    {
        Envelope fresh;
        fresh.helo = s.m_envelope.helo;
        fresh.esmtp = s.m_envelope.esmtp;
        fresh.authenticatedUser = s.m_envelope.authenticatedUser;
        s.m_envelope = std::move(fresh);
        s.m_rcptAttempts = 0;
        clearMessage();
    }

    // What a half-done AUTH exchange held: a user name need not outlive it.
    void forgetAuthExchange()
    {
        s.m_authStep = AuthStep::PlainCredentials;
        s.m_authUser.clear();
    }

    // The line assembler's limit between commands: room for an AUTH line when AUTH is
    // offered (commandLine() then holds other commands to maxCommandLine itself).
    static qsizetype commandLineLimit(const ServerConfig &config)
    {
        return config.offerAuth ? std::max(config.maxCommandLine, config.maxAuthLine)
                                : config.maxCommandLine;
    }

    void clearMessage()
    {
        s.m_content.clear();
        s.m_dataWire.clear();
        s.m_contentTooBig = false;
        s.m_contentLineTooLong = false;
    }

    void greet()
    {
        enter(ServerState::AwaitHello);
        send(ReplyId::Greeting);
    }

    void closeWith421(ReplyId why = ReplyId::ServiceNotAvailable)
    {
        send(why);
        enter(ServerState::Closed);
        out.close = true;
    }

    // ---- Input -----------------------------------------------------------------------

    void processInput()
    {
        while (s.m_state != ServerState::Closed) {
            const LineAssembler::Result line = s.m_lines.next();
            if (line.status == LineAssembler::Status::NeedMore)
                return;
            if (s.m_state == ServerState::Data)
                dataLine(line);
            else if (s.m_state == ServerState::Auth)
                authAnswer(line);
            else
                commandLine(line);
            if (s.m_config.maxErrors > 0 && s.m_errors >= s.m_config.maxErrors &&
                s.m_state != ServerState::Closed)
                closeWith421(ReplyId::TooManyErrors);
        }
    }

    void commandLine(const LineAssembler::Result &input)
    {
        if (input.status == LineAssembler::Status::TooLong) {
            send(ReplyId::LineTooLong); // the line itself is gone, so it is not traced
            return;
        }
        const QByteArray &line = input.line;
        // With AUTH offered the assembler let AUTH's longer lines through; other commands
        // keep their limit, and an over-long one is gone as if the assembler had dropped it.
        const qsizetype lineLength = line.size() + (input.bareLf ? 1 : 2);
        if (lineLength > s.m_config.maxCommandLine && !isAuthCommand(line)) {
            send(ReplyId::LineTooLong);
            return;
        }
        s.recognised(out, Transmission{Transmission::Kind::Command,
                                       line + (input.bareLf ? "\n" : "\r\n"), 0});
        if (hasControlBytes(line)) {
            send(ReplyId::ControlCharacters);
            return;
        }
        // "VERB" or "VERB argument"
        const QByteArrayView whole(line);
        const qsizetype space = whole.indexOf(' ');
        const QByteArrayView name = space < 0 ? whole : whole.first(space);
        const QByteArrayView argument =
            space < 0 ? QByteArrayView() : trimSpaces(whole.sliced(space + 1));

        const Verb *verb = findVerb(name);
        if (!verb) {
            send(ReplyId::CommandUnrecognized);
            return;
        }
        if ((verb->allowedIn & only(s.m_state)) == 0) {
            send(outOfSequence(*verb));
            return;
        }
        (this->*verb->handler)(argument);
    }

    static const Verb *findVerb(QByteArrayView name); // after the table, below

    // Which 503 to give depends on what is missing for this verb in this state.
    ReplyId outOfSequence(const Verb &verb) const
    {
        if (s.m_state == ServerState::AwaitHello)
            return ReplyId::SendHelloFirst;
        if (verb.allowedIn & only(ServerState::Ready))
            return ReplyId::NestedMail; // MAIL: fine before a transaction, not inside one
        if (s.m_state == ServerState::Ready)
            return ReplyId::NeedMail;
        // DATA in state Mail: no recipient was accepted.
        return s.m_rcptAttempts > 0 ? ReplyId::NoValidRecipients : ReplyId::NeedRcpt;
    }

    void dataLine(const LineAssembler::Result &input)
    {
        if (input.status == LineAssembler::Status::TooLong) {
            s.m_contentLineTooLong = true;
            return;
        }
        const QByteArray &line = input.line;
        if (line == ".") {
            endOfData();
            return;
        }
        // Dot-unstuffing (4.5.2): a leading dot was added by the sender; take it away.
        const bool stuffed = line.startsWith('.');
        const QByteArrayView text = stuffed ? QByteArrayView(line).sliced(1) : QByteArrayView(line);
        if (text.size() + 2 > s.m_config.maxTextLine) {
            s.m_contentLineTooLong = true;
            return;
        }
        if (s.m_contentTooBig)
            return;
        if (s.m_content.size() + text.size() + 2 > s.m_config.maxMessageSize) {
            s.m_contentTooBig = true; // keep reading to the final dot, but store no more
            return;
        }
        s.m_content.append(text).append("\r\n");
        s.m_dataWire.append(line).append("\r\n");
    }

    void endOfData()
    {
        s.recognised(out, Transmission{Transmission::Kind::Data, s.m_dataWire + ".\r\n", 0});
        Reply reply;
        if (s.m_contentTooBig)
            reply = catalogReply(ReplyId::MessageTooBig, s.m_config.hostname);
        else if (s.m_contentLineTooLong)
            reply = catalogReply(ReplyId::LineTooLong, s.m_config.hostname);
        else
            reply = fromPolicy(s.m_policy.acceptMessage(s.m_client, s.m_envelope, s.m_content));
        enter(ServerState::Ready); // accepted or not, the transaction is over
        send(reply);
    }

    // ---- The verbs ---------------------------------------------------------------------

    void ehlo(QByteArrayView argument) { hello(argument, true); }
    void helo(QByteArrayView argument) { hello(argument, false); }

    // EHLO and HELO may come again later; either one starts over (4.1.4).
    void hello(QByteArrayView argument, bool esmtp)
    {
        if (argument.isEmpty()) {
            send(ReplyId::HelloNeedsDomain);
            return;
        }
        enter(ServerState::Ready);
        s.m_envelope.helo = argument.toByteArray();
        s.m_envelope.esmtp = esmtp;
        if (!esmtp) {
            send(ReplyId::HelloPlain);
            return;
        }
        // Each further line names one extension (keyword and parameters, 4.1.1.1).
        Reply reply = catalogReply(ReplyId::HelloEsmtp, s.m_config.hostname);
        reply.text += "\nSIZE " + QByteArray::number(s.m_config.maxMessageSize);
        if (s.m_config.announce8BitMime)
            reply.text += "\n8BITMIME";
        if (s.m_config.announcePipelining)
            reply.text += "\nPIPELINING";
        if (s.m_config.offerAuth)
            reply.text += "\nAUTH PLAIN LOGIN"; // the mechanisms, RFC 4954 section 3
        reply.text += "\nHELP";
        send(reply);
    }

    // MAIL FROM:<reverse-path> [SP Mail-parameters]
    void mail(QByteArrayView argument)
    {
        if (!startsWithNoCase(argument, "FROM:")) {
            send(ReplyId::MailFromSyntax);
            return;
        }
        const QByteArrayView text = trimSpaces(argument.sliced(5));
        qsizetype used = 0;
        const std::optional<Path> path = parsePath(text, true, &used);
        if (!path) {
            send(text.startsWith('<') ? ReplyId::BadAddress : ReplyId::MailFromSyntax);
            return;
        }
        const QByteArrayView rest = text.sliced(used);
        if (!rest.isEmpty() && rest.front() != ' ') {
            send(ReplyId::MailFromSyntax);
            return;
        }
        const std::optional<std::vector<Parameter>> parameters = parseParameters(rest);
        if (!parameters) {
            send(ReplyId::BadParameter);
            return;
        }

        // The policy sees the envelope as it would be, and it becomes real only if accepted.
        Envelope candidate = s.m_envelope;
        candidate.reversePath = *path;
        bool sawSize = false;
        bool sawBody = false;
        bool sawAuth = false;
        for (const Parameter &p : *parameters) {
            if (!s.m_envelope.esmtp) {
                send(ReplyId::ParametersNotRecognized); // HELO announced no extensions
                return;
            }
            if (equalsNoCase(p.keyword, "SIZE")) {
                const std::optional<qint64> size = parseSize(p.value);
                if (sawSize || !size) {
                    send(ReplyId::BadParameter);
                    return;
                }
                sawSize = true;
                candidate.declaredSize = *size;
            } else if (equalsNoCase(p.keyword, "BODY")) {
                if (sawBody) {
                    send(ReplyId::BadParameter);
                    return;
                }
                sawBody = true;
                if (equalsNoCase(p.value, "8BITMIME") && s.m_config.announce8BitMime) {
                    candidate.eightBitMime = true;
                } else if (!equalsNoCase(p.value, "7BIT")) {
                    send(ReplyId::ParametersNotRecognized);
                    return;
                }
            } else if (equalsNoCase(p.keyword, "AUTH") && s.m_config.offerAuth) {
                // Who first submitted the message, as a relay passes it on (RFC 4954
                // section 5); "<>" when unknown. Only its syntax matters here: see above.
                if (sawAuth || p.value.isEmpty() || !isXtext(p.value)) {
                    send(ReplyId::BadParameter);
                    return;
                }
                sawAuth = true;
            } else {
                send(ReplyId::ParametersNotRecognized);
                return;
            }
        }
        // RFC 1870: refuse a message announced as too big before any of it is sent.
        if (candidate.declaredSize > s.m_config.maxMessageSize) {
            send(ReplyId::MessageTooBig);
            return;
        }

        const Reply reply = fromPolicy(s.m_policy.checkSender(s.m_client, candidate, *path));
        if (isSuccess(reply)) {
            s.m_envelope = candidate;
            enter(ServerState::Mail);
        }
        send(reply);
    }

    // RCPT TO:<forward-path> [SP Rcpt-parameters]
    void rcpt(QByteArrayView argument)
    {
        if (!startsWithNoCase(argument, "TO:")) {
            send(ReplyId::RcptToSyntax);
            return;
        }
        const QByteArrayView text = trimSpaces(argument.sliced(3));
        std::optional<Path> path;
        qsizetype used = 0;
        constexpr QByteArrayView kPostmaster = "<Postmaster>";
        if (startsWithNoCase(text, kPostmaster)) {
            // Every server must accept mail for its postmaster, even without a domain.
            used = kPostmaster.size();
            path = Path{text.sliced(1, used - 2).toByteArray(), s.m_config.hostname};
        } else {
            path = parsePath(text, false, &used);
        }
        if (!path) {
            send(text.startsWith('<') ? ReplyId::BadAddress : ReplyId::RcptToSyntax);
            return;
        }
        const QByteArrayView rest = text.sliced(used);
        if (!rest.isEmpty() && rest.front() != ' ') {
            send(ReplyId::RcptToSyntax);
            return;
        }
        const std::optional<std::vector<Parameter>> parameters = parseParameters(rest);
        if (!parameters) {
            send(ReplyId::BadParameter);
            return;
        }
        if (!parameters->empty()) {
            send(ReplyId::ParametersNotRecognized); // no RCPT parameter is implemented
            return;
        }

        ++s.m_rcptAttempts;
        if (std::ssize(s.m_envelope.forwardPaths) >= s.m_config.maxRecipients) {
            send(ReplyId::TooManyRecipients);
            return;
        }
        const Reply reply =
            fromPolicy(s.m_policy.checkRecipient(s.m_client, s.m_envelope, *path));
        if (isSuccess(reply)) {
            s.m_envelope.forwardPaths.push_back(*path);
            enter(ServerState::Rcpt);
        }
        send(reply);
    }

    void data(QByteArrayView argument)
    {
        if (!argument.isEmpty()) {
            send(ReplyId::SyntaxError);
            return;
        }
        enter(ServerState::Data);
        send(ReplyId::StartMailInput);
    }

    void rset(QByteArrayView argument)
    {
        if (!argument.isEmpty()) {
            send(ReplyId::SyntaxError);
            return;
        }
        // Clears the transaction; a client that has not said hello still has to.
        enter(s.m_state == ServerState::AwaitHello ? ServerState::AwaitHello : ServerState::Ready);
        send(ReplyId::Ok);
    }

    void noop(QByteArrayView) { send(ReplyId::Ok); }
    void help(QByteArrayView)
    {
        Reply reply = catalogReply(ReplyId::Help, s.m_config.hostname);
        if (s.m_config.offerAuth) // the list names what this session really takes
            reply.text.replace(" RSET ", " RSET AUTH ");
        send(reply);
    }

    // 252 whatever the argument: the server does not reveal which mailboxes exist (3.5.3).
    void vrfy(QByteArrayView argument)
    {
        send(argument.isEmpty() ? ReplyId::SyntaxError : ReplyId::CannotVerify);
    }

    void quit(QByteArrayView argument)
    {
        if (!argument.isEmpty()) {
            send(ReplyId::SyntaxError);
            return;
        }
        send(ReplyId::Closing);
        enter(ServerState::Closed);
        out.close = true;
    }

    void notImplemented(QByteArrayView) { send(ReplyId::NotImplemented); }

    // ---- AUTH (RFC 4954) ---------------------------------------------------------------

    // AUTH mechanism [initial-response]. In the table for every command state, because
    // whether it exists at all depends on the configuration: the order checks are here.
    void auth(QByteArrayView argument)
    {
        if (!s.m_config.offerAuth) {
            notImplemented(argument);
            return;
        }
        switch (s.m_state) {
        case ServerState::AwaitHello:
            send(ReplyId::SendHelloFirst);
            return;
        case ServerState::Mail:
        case ServerState::Rcpt:
            send(ReplyId::AuthInTransaction);
            return;
        default:
            break;
        }
        if (!s.m_envelope.authenticatedUser.isEmpty()) {
            send(ReplyId::AlreadyAuthenticated);
            return;
        }
        const qsizetype space = argument.indexOf(' ');
        const QByteArrayView mechanism = space < 0 ? argument : argument.first(space);
        const QByteArrayView initial = space < 0 ? QByteArrayView() : argument.sliced(space + 1);
        if (mechanism.isEmpty() || initial.contains(' ')) {
            send(ReplyId::AuthSyntax);
            return;
        }
        const bool plain = equalsNoCase(mechanism, "PLAIN");
        if (!plain && !equalsNoCase(mechanism, "LOGIN")) {
            send(ReplyId::UnknownAuthMechanism);
            return;
        }
        if (initial.isEmpty()) {
            // No initial response: ask for it.
            s.m_authStep = plain ? AuthStep::PlainCredentials : AuthStep::LoginUser;
            enter(ServerState::Auth);
            send(plain ? ReplyId::AuthReadyForPlain : ReplyId::AuthAskUsername);
            return;
        }
        // "=" is an initial response of no bytes (section 4), which base64 cannot write.
        const std::optional<QByteArray> decoded =
            initial == "=" ? std::optional<QByteArray>(QByteArray()) : decodeAuthAnswer(initial);
        if (!decoded) {
            send(ReplyId::AuthBadBase64);
            return;
        }
        if (plain) {
            finishPlain(*decoded);
            return;
        }
        s.m_authUser = *decoded;
        s.m_authStep = AuthStep::LoginPassword;
        enter(ServerState::Auth);
        send(ReplyId::AuthAskPassword);
    }

    // A line in state Auth: the client's answer to a 334.
    void authAnswer(const LineAssembler::Result &input)
    {
        if (input.status == LineAssembler::Status::TooLong) {
            enter(ServerState::Ready); // the exchange is over; the line is gone, not traced
            send(ReplyId::AuthLineTooLong);
            return;
        }
        const QByteArray &line = input.line;
        s.recognised(out, Transmission{Transmission::Kind::Command,
                                       line + (input.bareLf ? "\n" : "\r\n"), 0});
        if (line == "*") {
            enter(ServerState::Ready);
            send(ReplyId::AuthCancelled);
            return;
        }
        const std::optional<QByteArray> decoded = decodeAuthAnswer(line);
        if (!decoded) {
            enter(ServerState::Ready);
            send(ReplyId::AuthBadBase64);
            return;
        }
        switch (s.m_authStep) {
        case AuthStep::PlainCredentials:
            finishPlain(*decoded);
            return;
        case AuthStep::LoginUser:
            s.m_authUser = *decoded;
            s.m_authStep = AuthStep::LoginPassword;
            enter(ServerState::Auth);
            send(ReplyId::AuthAskPassword);
            return;
        case AuthStep::LoginPassword: {
            const QByteArray user = std::exchange(s.m_authUser, QByteArray());
            finish(user, *decoded);
            return;
        }
        }
    }

    // PLAIN (RFC 4616): authzid NUL authcid NUL passwd, in one piece.
    void finishPlain(const QByteArray &message)
    {
        const QList<QByteArray> parts = message.split('\0');
        if (parts.size() != 3) {
            finish({}, {}); // malformed: refused like a wrong password
            return;
        }
        const QByteArray &authzid = parts[0];
        const QByteArray &user = parts[1];
        if (!authzid.isEmpty() && authzid != user) {
            finish({}, {}); // acting for someone else is not offered
            return;
        }
        finish(user, parts[2]);
    }

    // The end of every exchange that got as far as credentials: 235 or 535, back to Ready.
    void finish(const QByteArray &user, const QByteArray &password)
    {
        const bool accepted = !user.isEmpty() && !password.isEmpty() &&
                              s.m_policy.authenticate(s.m_client, user, password);
        enter(ServerState::Ready);
        if (accepted)
            s.m_envelope.authenticatedUser = user;
        send(accepted ? ReplyId::AuthSucceeded : ReplyId::AuthFailed);
    }
};

const SmtpServerSession::Impl::Verb SmtpServerSession::Impl::kVerbs[] = {
    {"EHLO", &Impl::ehlo, kCommandStates},
    {"HELO", &Impl::helo, kCommandStates},
    {"MAIL", &Impl::mail, only(ServerState::Ready)},
    {"RCPT", &Impl::rcpt, only(ServerState::Mail) | only(ServerState::Rcpt)},
    {"DATA", &Impl::data, only(ServerState::Rcpt)},
    {"RSET", &Impl::rset, kCommandStates},
    {"NOOP", &Impl::noop, kCommandStates},
    {"VRFY", &Impl::vrfy, kCommandStates},
    {"HELP", &Impl::help, kCommandStates},
    {"QUIT", &Impl::quit, kCommandStates},
    // 502 when the configuration does not offer it; its handler sorts out the states.
    {"AUTH", &Impl::auth, kCommandStates},
    // Real SMTP commands that this server does not offer: 502, not 500 (4.2.4).
    {"EXPN", &Impl::notImplemented, kCommandStates},
    {"TURN", &Impl::notImplemented, kCommandStates},
    {"ATRN", &Impl::notImplemented, kCommandStates},
    {"ETRN", &Impl::notImplemented, kCommandStates},
    {"BDAT", &Impl::notImplemented, kCommandStates},
    {"STARTTLS", &Impl::notImplemented, kCommandStates},
    {"SEND", &Impl::notImplemented, kCommandStates},
    {"SOML", &Impl::notImplemented, kCommandStates},
    {"SAML", &Impl::notImplemented, kCommandStates},
};

const SmtpServerSession::Impl::Verb *SmtpServerSession::Impl::findVerb(QByteArrayView name)
{
    for (const Verb &verb : kVerbs) {
        if (equalsNoCase(name, verb.name))
            return &verb;
    }
    return nullptr;
}

SmtpServerSession::SmtpServerSession(ServerConfig config, ServerPolicy &policy, ClientInfo client)
    : m_config(std::move(config)), m_policy(policy), m_client(std::move(client)),
      m_lines(Impl::commandLineLimit(m_config), protocol::LineAssembler::Terminator::CrLfOrLf)
{
}

EngineOutput SmtpServerSession::open()
{
    EngineOutput out;
    if (m_state == ServerState::Connected)
        Impl{*this, out}.greet();
    return out;
}

EngineOutput SmtpServerSession::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_state == ServerState::Closed)
        return out;
    Impl impl{*this, out};
    if (m_state == ServerState::Connected)
        impl.greet();
    m_lines.append(bytes);
    impl.processInput();
    return out;
}

EngineOutput SmtpServerSession::receiveEof()
{
    EngineOutput out;
    if (m_state == ServerState::Closed)
        return out;
    // A message still in DATA is dropped here: it never reached its final dot.
    Impl{*this, out}.enter(ServerState::Closed);
    out.close = true;
    return out;
}

EngineOutput SmtpServerSession::timeout()
{
    EngineOutput out;
    if (m_state != ServerState::Closed)
        Impl{*this, out}.closeWith421();
    return out;
}

EngineOutput SmtpServerSession::shutdown()
{
    return timeout(); // the same words on the wire; only the reason differs
}

} // namespace mailsim::smtp
