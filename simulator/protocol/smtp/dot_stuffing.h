// Message content as it travels after DATA (RFC 5321 section 4.5.2).
//
// The end of the content is a line holding a single "."; so that a line of the message
// that happens to start with "." cannot end it early, the sender doubles that dot and the
// receiver removes it again ("transparency"). This is the sender's half.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mailsim::smtp {

// Returns the content ready to write after the 354 reply, final ".\r\n" included:
//  - every line that starts with "." gets one more "." in front;
//  - every line end goes out as CR LF. A bare LF or a bare CR in the content is turned into
//    CR LF, because RFC 5321 section 2.3.8 lets a client send CR and LF only as the pair
//    CR LF. This also means the wire can never carry "<LF>.<LF>" or "<CR>.<CR>", the
//    sequences that some receivers mistake for the end of data (SMTP smuggling);
//  - content that does not end with a line end gets CR LF added, so that the terminating
//    "." stands on a line of its own. Empty content gives just ".\r\n".
// Runs in time linear in the size of the content.
[[nodiscard]] QByteArray dotStuff(QByteArrayView content);

} // namespace mailsim::smtp
