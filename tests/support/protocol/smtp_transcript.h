// SMTP dialogues written as text files and replayed against the server engine in memory.
//
// A transcript reads like the examples in RFC 5321 appendix D, so a teacher can add a case
// without writing C++:
//
//   # a comment; blank lines are ignored
//   ! config max-message-size 100        (also: max-recipients, max-command-line,
//                                          max-text-line, hostname, 8bitmime off,
//                                          pipelining off)
//   ! policy sender 553 5.7.1 Go away     the policy's answer to every MAIL FROM
//   ! policy recipient 550 No such user   ... to every RCPT TO
//   ! policy recipient bob@example.net 550 No such user   ... to this one only
//   ! policy message 554 Spam             ... at the end of DATA
//   S: 220 mail.example.org ESMTP MailSim ready     the server must send this line
//   C: EHLO client.example.org            the client sends this line and CR LF
//   C~ text\n                             the client sends exactly this, no CR LF added
//   ! eof | ! timeout | ! shutdown        the client closes / the timer fires / shutdown
//   ! closed                              the server has closed the connection by now
//   ! messages 1                          the policy has been given this many messages
//
// In C:, C~ and S: lines, \r \n \t \\ and \xHH stand for those bytes. Consecutive C lines
// are sent in one piece, as a pipelining client would, and the S lines after them are the
// replies to all of them.
#pragma once

#include "support/protocol/recording_policy.h"

#include "protocol/smtp/smtp_server_session.h"

#include <QByteArray>

#include <optional>
#include <string>
#include <vector>

namespace mailsim::test_support {

struct SmtpTranscript
{
    struct Step
    {
        enum class Kind { Send, Expect, Eof, Timeout, Shutdown, Closed, Messages };
        Kind kind = Kind::Send;
        QByteArray bytes; // Send: the client's bytes; Expect: one server line with CR LF
        int count = 0;    // Messages
    };

    smtp::ServerConfig config;
    RecordingPolicy policy;
    std::vector<Step> steps;

    // The dialogue in a canonical form: what a replay must reproduce exactly.
    [[nodiscard]] std::string expectedDialogue() const;
};

// Empty optional, with *error set to "line N: why", when the text is not a transcript.
std::optional<SmtpTranscript> parseSmtpTranscript(const QByteArray &text, std::string *error);

// Replays the client's side against a fresh SmtpServerSession and writes down the dialogue
// that actually happened, in the same canonical form. chunkSize 0 sends each group of C
// lines in one piece; otherwise in pieces of at most chunkSize bytes.
std::string replaySmtpTranscript(const SmtpTranscript &transcript, qsizetype chunkSize,
                                 RecordingPolicy *policyAfter = nullptr);

} // namespace mailsim::test_support
