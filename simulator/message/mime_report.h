// The MIME tree of a message as text for people: what `mailsim-cli mime FILE.eml` prints.
//
// One line per entity, indented by depth: its media type and the parameters that matter
// (charset, name, boundary), its transfer encoding, its size as sent and decoded (with the
// encoding's overhead), and for attachments the file name; then, for text parts, the decoded
// text; at the end the reader's warnings with their byte offsets. Students run it on mail
// saved from their own client to see the structure their client hides.
#pragma once

#include "message/mime.h"

#include <QString>

namespace mailsim::message {

struct ReportOptions
{
    bool showText = true;      // decoded text of text/* parts, indented under the part
    int maxTextLines = 40;     // per part; the report says how many lines it left out
};

QString describeMimeTree(const ParsedMessage &message, const ReportOptions &options = {});

} // namespace mailsim::message
