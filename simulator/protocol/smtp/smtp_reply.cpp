#include "protocol/smtp/smtp_reply.h"

namespace mailsim::smtp {

ReplyClass Reply::replyClass() const
{
    switch (code / 100) {
    case 2: return ReplyClass::PositiveCompletion;
    case 3: return ReplyClass::PositiveIntermediate;
    case 4: return ReplyClass::TransientNegative;
    case 5: return ReplyClass::PermanentNegative;
    default: return ReplyClass::Invalid;
    }
}

QByteArray Reply::toWire() const
{
    const QByteArray number = QByteArray::number(code);
    QByteArray out;
    out.reserve(text.size() + 8);
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = text.indexOf('\n', start);
        const bool last = nl < 0;
        out += number;
        out += last ? ' ' : '-';
        out.append(text.constData() + start, (last ? text.size() : nl) - start);
        out += "\r\n";
        if (last)
            break;
        start = nl + 1;
    }
    return out;
}

} // namespace mailsim::smtp
