// What a lenient reader noticed while it read a message it did not refuse.
//
// The message readers are best effort: a teaching tool is shown broken mail on purpose, and
// a student's own client may write odd but readable things. Nothing is dropped and nothing
// throws; instead each oddity becomes a Warning with the byte offset where it was seen, so
// the CLI and the inspector can point at it.
#pragma once

#include <QString>
#include <QtGlobal>

#include <vector>

namespace mailsim::message {

struct Warning
{
    qsizetype offset = -1; // byte offset in the bytes that were read; -1 when not tied to one
    QString text;          // one sentence, e.g. "the multipart has no closing delimiter"
};
using Warnings = std::vector<Warning>;

} // namespace mailsim::message
