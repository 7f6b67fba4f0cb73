// The header-field reader the servers, the trace summaries and the window have always used,
// under its old names. It lives in message/header_section.h now, where the MIME parser reads
// every header section through it: one reader of header lines in the project.
#pragma once

#include "message/header_section.h"

namespace mailsim::mail {

using message::findHeaderField;
using message::headerField;
using message::HeaderSection;
using message::RawHeaderField;
using message::readHeaderSection;

} // namespace mailsim::mail
