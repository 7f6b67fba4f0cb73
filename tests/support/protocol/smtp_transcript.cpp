#include "support/protocol/smtp_transcript.h"

#include "protocol/common/ascii.h"

#include <QList>

#include <algorithm>

namespace mailsim::test_support {

namespace {

using Step = SmtpTranscript::Step;


// The inverse of visible(): \r \n \t \\ \xHH.
std::optional<QByteArray> unescape(QByteArrayView text)
{
    QByteArray bytes;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            bytes += text[i];
            continue;
        }
        if (++i >= text.size())
            return std::nullopt;
        switch (text[i]) {
        case 'r': bytes += '\r'; break;
        case 'n': bytes += '\n'; break;
        case 't': bytes += '\t'; break;
        case '\\': bytes += '\\'; break;
        case 'x': {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = protocol::hexDigitValue(text[i + 1]);
            const int low = protocol::hexDigitValue(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            bytes += char(high * 16 + low);
            i += 2;
            break;
        }
        default:
            return std::nullopt;
        }
    }
    return bytes;
}

std::string renderSend(const QByteArray &bytes)
{
    const QByteArray text = bytes.chopped(bytes.endsWith("\r\n") ? 2 : 0);
    if (bytes.endsWith("\r\n") && !text.contains('\r') && !text.contains('\n'))
        return "C: " + visible(text) + '\n';
    return "C~ " + visible(bytes) + '\n';
}

std::string renderServerBytes(const QByteArray &bytes)
{
    std::string text;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype end = bytes.indexOf("\r\n", start);
        if (end < 0) {
            text += "S~ " + visible(bytes.sliced(start)) + " (no CR LF)\n";
            break;
        }
        text += "S: " + visible(bytes.sliced(start, end - start)) + '\n';
        start = end + 2;
    }
    return text;
}

bool parseCount(const QByteArray &word, int *value)
{
    bool ok = false;
    *value = word.toInt(&ok);
    return ok && *value >= 0;
}

// "! config KEY VALUE"
bool applyConfig(smtp::ServerConfig &config, const QList<QByteArray> &words)
{
    if (words.size() != 3)
        return false;
    const QByteArray &key = words[1];
    const QByteArray &value = words[2];
    int number = 0;
    if (key == "hostname") {
        config.hostname = value;
        return true;
    }
    if (key == "8bitmime" || key == "pipelining") {
        if (value != "on" && value != "off")
            return false;
        (key == "8bitmime" ? config.announce8BitMime : config.announcePipelining) = value == "on";
        return true;
    }
    if (!parseCount(value, &number))
        return false;
    if (key == "max-message-size")
        config.maxMessageSize = number;
    else if (key == "max-recipients")
        config.maxRecipients = number;
    else if (key == "max-command-line")
        config.maxCommandLine = number;
    else if (key == "max-text-line")
        config.maxTextLine = number;
    else
        return false;
    return true;
}

// "! policy (sender|recipient [address]|message) CODE TEXT"
bool applyPolicy(RecordingPolicy &policy, QByteArray rest)
{
    const qsizetype space = rest.indexOf(' ');
    if (space < 0)
        return false;
    const QByteArray which = rest.left(space);
    rest = rest.mid(space + 1);
    QByteArray address;
    if (which == "recipient" && rest.indexOf('@') >= 0 && rest.indexOf('@') < rest.indexOf(' ')) {
        address = rest.left(rest.indexOf(' ')).toLower();
        rest = rest.mid(rest.indexOf(' ') + 1);
    }
    int code = 0;
    const qsizetype codeEnd = rest.indexOf(' ');
    if (!parseCount(rest.left(codeEnd < 0 ? rest.size() : codeEnd), &code) || code < 100 ||
        code > 999)
        return false;
    const smtp::Reply reply{code, codeEnd < 0 ? QByteArray() : rest.mid(codeEnd + 1)};
    if (which == "sender")
        policy.senderReply = reply;
    else if (which == "recipient" && address.isEmpty())
        policy.recipientReply = reply;
    else if (which == "recipient")
        policy.recipientReplies[address] = reply;
    else if (which == "message")
        policy.messageReply = reply;
    else
        return false;
    return true;
}

} // namespace

std::optional<SmtpTranscript> parseSmtpTranscript(const QByteArray &text, std::string *error)
{
    SmtpTranscript transcript;
    int number = 0;
    auto fail = [&](const char *why) {
        if (error)
            *error = "line " + std::to_string(number) + ": " + why;
        return std::nullopt;
    };
    for (QByteArray line : text.split('\n')) {
        ++number;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.trimmed().isEmpty() || line.startsWith('#'))
            continue;
        if (line == "C:" || line == "S:")
            line += ' '; // an empty line
        const QByteArray prefix = line.left(3);
        const QByteArray body = line.mid(3);
        if (prefix == "C: " || prefix == "C~ " || prefix == "S: ") {
            std::optional<QByteArray> bytes = unescape(body);
            if (!bytes)
                return fail("bad escape");
            if (prefix != "C~ ")
                *bytes += "\r\n";
            transcript.steps.push_back(
                Step{prefix == "S: " ? Step::Kind::Expect : Step::Kind::Send, *bytes, 0});
            continue;
        }
        if (!line.startsWith("! "))
            return fail("expected C:, C~, S:, ! or #");
        const QList<QByteArray> words = line.mid(2).simplified().split(' ');
        const QByteArray &word = words[0];
        if (word == "config") {
            if (!applyConfig(transcript.config, words))
                return fail("bad config");
        } else if (word == "policy") {
            if (!applyPolicy(transcript.policy, line.mid(2 + 7)))
                return fail("bad policy");
        } else if (word == "eof" || word == "timeout" || word == "shutdown" || word == "closed") {
            const Step::Kind kind = word == "eof"       ? Step::Kind::Eof
                                    : word == "timeout" ? Step::Kind::Timeout
                                    : word == "closed"  ? Step::Kind::Closed
                                                        : Step::Kind::Shutdown;
            transcript.steps.push_back(Step{kind, {}, 0});
        } else if (word == "messages") {
            int count = 0;
            if (words.size() != 2 || !parseCount(words[1], &count))
                return fail("bad messages count");
            transcript.steps.push_back(Step{Step::Kind::Messages, {}, count});
        } else {
            return fail("unknown directive");
        }
    }
    return transcript;
}

std::string SmtpTranscript::expectedDialogue() const
{
    std::string text;
    for (const Step &step : steps) {
        switch (step.kind) {
        case Step::Kind::Send: text += renderSend(step.bytes); break;
        case Step::Kind::Expect: text += renderServerBytes(step.bytes); break;
        case Step::Kind::Eof: text += "! eof\n"; break;
        case Step::Kind::Timeout: text += "! timeout\n"; break;
        case Step::Kind::Shutdown: text += "! shutdown\n"; break;
        case Step::Kind::Closed: text += "! closed\n"; break;
        case Step::Kind::Messages: text += "! messages " + std::to_string(step.count) + '\n'; break;
        }
    }
    return text;
}

std::string replaySmtpTranscript(const SmtpTranscript &transcript, qsizetype chunkSize,
                                 RecordingPolicy *policyAfter)
{
    RecordingPolicy policy = transcript.policy;
    policy.calls.clear();
    smtp::SmtpServerSession session(transcript.config, policy,
                                    smtp::ClientInfo{"client.example.org", "192.0.2.10"});
    std::string text;
    bool closed = false;
    auto take = [&](const protocol::EngineOutput &out) {
        text += renderServerBytes(out.wire());
        closed = closed || out.close;
    };

    take(session.open());
    QByteArray pending; // C lines not yet sent: a pipelined group goes out in one piece
    auto flush = [&] {
        const qsizetype step = chunkSize > 0 ? chunkSize : std::max<qsizetype>(pending.size(), 1);
        for (qsizetype at = 0; at < pending.size(); at += step) {
            const qsizetype n = std::min(step, pending.size() - at);
            take(session.receive(QByteArrayView(pending).sliced(at, n)));
        }
        pending.clear();
    };

    for (const Step &step : transcript.steps) {
        if (step.kind == Step::Kind::Send) {
            text += renderSend(step.bytes);
            pending += step.bytes;
            continue;
        }
        flush();
        switch (step.kind) {
        case Step::Kind::Send:
        case Step::Kind::Expect:
            break; // the replies were written down when the group was sent
        case Step::Kind::Eof:
            text += "! eof\n";
            take(session.receiveEof());
            break;
        case Step::Kind::Timeout:
            text += "! timeout\n";
            take(session.timeout());
            break;
        case Step::Kind::Shutdown:
            text += "! shutdown\n";
            take(session.shutdown());
            break;
        case Step::Kind::Closed:
            text += closed ? "! closed\n" : "! still open\n";
            break;
        case Step::Kind::Messages:
            text += "! messages " +
                    std::to_string(policy.count(RecordingPolicy::Call::Kind::Message)) + '\n';
            break;
        }
    }
    flush();
    if (policyAfter)
        *policyAfter = policy;
    return text;
}

} // namespace mailsim::test_support
