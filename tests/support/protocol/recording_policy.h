// A ServerPolicy for tests: it answers with replies the test chose, and writes down every
// question the server engine asked, with the envelope as the engine presented it. A test can
// then check not only what went over the wire but what the mail server would have been
// asked to do, which is the part that loses or duplicates mail when it is wrong.
#pragma once

#include "protocol/smtp/smtp_server_session.h"

#include <QByteArray>
#include <QByteArrayView>

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace mailsim::test_support {

// Bytes as a readable C-like string: CR, LF, tab and backslash escaped, other unprintable
// bytes as \xHH. For failure messages and for comparing runs.
inline std::string visible(QByteArrayView bytes)
{
    static const char hex[] = "0123456789abcdef";
    std::string text;
    text.reserve(static_cast<std::size_t>(bytes.size()));
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '\r': text += "\\r"; break;
        case '\n': text += "\\n"; break;
        case '\t': text += "\\t"; break;
        case '\\': text += "\\\\"; break;
        default:
            if (u < 0x20 || u >= 0x7f) {
                text += "\\x";
                text += hex[u >> 4];
                text += hex[u & 0xf];
            } else {
                text += c;
            }
        }
    }
    return text;
}

} // namespace mailsim::test_support

// GoogleTest prints a QByteArray as a list of characters; this shows it as escaped text.
inline void PrintTo(const QByteArray &bytes, std::ostream *os)
{
    *os << '"' << mailsim::test_support::visible(bytes) << '"';
}

namespace mailsim::test_support {

class RecordingPolicy : public smtp::ServerPolicy
{
public:
    struct Call
    {
        enum class Kind { Sender, Recipient, Message, Login };
        Kind kind = Kind::Sender;
        smtp::ClientInfo client;
        smtp::Envelope envelope; // as passed to the policy
        smtp::Path path;         // the sender or recipient asked about
        QByteArray content;      // acceptMessage only
        QByteArray user;         // authenticate only, with the password
        QByteArray password;
    };

    // What to answer. A recipient listed in recipientReplies (lower-case address) gets that
    // reply, any other gets recipientReply.
    smtp::Reply senderReply{250, "2.1.0 Ok"};
    smtp::Reply recipientReply{250, "2.1.5 Ok"};
    std::map<QByteArray, smtp::Reply> recipientReplies;
    smtp::Reply messageReply{250, "2.0.0 Ok: queued as Q1"};
    // The accounts authenticate() accepts: user name (exactly as given) to password.
    std::map<QByteArray, QByteArray> passwords;

    std::vector<Call> calls;

    smtp::Reply checkSender(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                            const smtp::Path &reversePath) override
    {
        calls.push_back(Call{Call::Kind::Sender, client, envelope, reversePath, {}, {}, {}});
        return senderReply;
    }

    smtp::Reply checkRecipient(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                               const smtp::Path &forwardPath) override
    {
        calls.push_back(Call{Call::Kind::Recipient, client, envelope, forwardPath, {}, {}, {}});
        const auto it = recipientReplies.find(forwardPath.address().toLower());
        return it != recipientReplies.end() ? it->second : recipientReply;
    }

    smtp::Reply acceptMessage(const smtp::ClientInfo &client, const smtp::Envelope &envelope,
                              const QByteArray &content) override
    {
        calls.push_back(Call{Call::Kind::Message, client, envelope, {}, content, {}, {}});
        return messageReply;
    }

    bool authenticate(const smtp::ClientInfo &client, QByteArrayView user,
                      QByteArrayView password) override
    {
        Call call{Call::Kind::Login, client, {}, {}, {}, user.toByteArray(), password.toByteArray()};
        calls.push_back(call);
        const auto it = passwords.find(call.user);
        return it != passwords.end() && it->second == call.password;
    }

    [[nodiscard]] std::vector<const Call *> callsOf(Call::Kind kind) const
    {
        std::vector<const Call *> found;
        for (const Call &c : calls) {
            if (c.kind == kind)
                found.push_back(&c);
        }
        return found;
    }
    [[nodiscard]] std::size_t count(Call::Kind kind) const { return callsOf(kind).size(); }

    // One line per call with everything the policy saw; equal strings mean equal calls.
    [[nodiscard]] std::string describe() const
    {
        std::string text;
        for (const Call &c : calls) {
            switch (c.kind) {
            case Call::Kind::Sender: text += "sender "; break;
            case Call::Kind::Recipient: text += "recipient "; break;
            case Call::Kind::Message: text += "message "; break;
            case Call::Kind::Login:
                text += "login " + visible(c.user) + ' ' + visible(c.password) + '\n';
                continue;
            }
            text += visible(c.path.bracketed());
            text += " client=" + visible(c.client.hostname) + '/' + visible(c.client.address);
            text += " helo=" + visible(c.envelope.helo);
            text += c.envelope.esmtp ? " esmtp" : " smtp";
            text += " from=" + visible(c.envelope.reversePath.bracketed());
            text += " to=";
            for (const smtp::Path &p : c.envelope.forwardPaths)
                text += visible(p.bracketed());
            text += " size=" + std::to_string(c.envelope.declaredSize);
            text += c.envelope.eightBitMime ? " 8bit" : " 7bit";
            if (!c.envelope.authenticatedUser.isEmpty())
                text += " auth=" + visible(c.envelope.authenticatedUser);
            if (c.kind == Call::Kind::Message)
                text += " content=" + visible(c.content);
            text += '\n';
        }
        return text;
    }
};

} // namespace mailsim::test_support
