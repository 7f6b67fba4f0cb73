// The sender's half of SMTP transparency. The receiver's half (removing the extra dot and
// spotting the final ".") lives in the server session, which splits data at CR LF only.
// Normalising line ends here, rather than trusting the caller, keeps the two halves in
// agreement even when a user agent hands over content with Unix line ends.
#include "protocol/smtp/dot_stuffing.h"

namespace mailsim::smtp {

QByteArray dotStuff(QByteArrayView content)
{
    QByteArray out;
    // A guess that avoids most reallocations: a few stuffed dots, the terminator.
    out.reserve(content.size() + content.size() / 64 + 8);

    bool atLineStart = true;
    const qsizetype size = content.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char c = content[i];
        if (c == '\r' || c == '\n') {
            // CR LF, bare CR and bare LF all end a line and all go out as CR LF.
            if (c == '\r' && i + 1 < size && content[i + 1] == '\n')
                ++i;
            out += "\r\n";
            atLineStart = true;
            continue;
        }
        if (atLineStart && c == '.')
            out += '.';
        out += c;
        atLineStart = false;
    }
    if (!atLineStart)
        out += "\r\n";
    out += ".\r\n";
    return out;
}

} // namespace mailsim::smtp
