#include "mail/message_composer.h"

#include "message/codecs.h"
#include "message/mime.h"

namespace mailsim::mail {

namespace {

bool isAscii(QByteArrayView bytes)
{
    for (char c : bytes) {
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    }
    return true;
}

// RFC 5322 "atext" plus space: a display name made only of these needs no quotes.
bool isPhraseSafe(QByteArrayView bytes)
{
    static const QByteArrayView specials = "()<>[]:;@\\,.\"";
    for (char c : bytes) {
        if (static_cast<unsigned char>(c) < 0x20 || specials.contains(c))
            return false;
    }
    return true;
}

// Appends "Name: value" folded at commas so that lines stay within 78 characters
// (RFC 5322 section 2.1.1); the continuation lines start with a space.
void appendAddressField(QByteArray &out, const char *name, const QList<Mailbox822> &list)
{
    if (list.isEmpty())
        return;
    QByteArray line = QByteArray(name) + ": ";
    for (int i = 0; i < list.size(); ++i) {
        const QByteArray item = formatMailbox(list[i]) + (i + 1 < list.size() ? "," : "");
        if (line.size() + 1 + item.size() > 78 && line.size() > qsizetype(qstrlen(name)) + 2) {
            out += line + "\r\n";
            line = " ";
        } else if (!line.endsWith(": ")) {
            line += ' ';
        }
        line += item;
    }
    out += line + "\r\n";
}

} // namespace

QByteArray formatMailbox(const Mailbox822 &mailbox)
{
    const QByteArray address = mailbox.address.toUtf8();
    if (mailbox.displayName.isEmpty())
        return address;
    const QByteArray name = mailbox.displayName.toUtf8();
    QByteArray phrase;
    if (!isAscii(name)) {
        phrase = message::encodeHeaderText(mailbox.displayName);
    } else if (isPhraseSafe(name)) {
        phrase = name;
    } else {
        phrase = '"' + QByteArray(name).replace('\\', "\\\\").replace('"', "\\\"") + '"';
    }
    return phrase + " <" + address + '>';
}

ComposedMessage composeMessage(const Draft &draft, const QByteArray &date,
                               const QByteArray &messageId)
{
    ComposedMessage m;
    m.messageId = messageId;
    QByteArray &out = m.content;
    out += "Date: " + date + "\r\n";
    appendAddressField(out, "From", {draft.from});
    appendAddressField(out, "To", draft.to);
    appendAddressField(out, "Cc", draft.cc);
    out += message::foldField("Subject", message::encodeHeaderText(draft.subject));
    out += "Message-ID: " + messageId + "\r\n";

    // Body: every line break becomes CR LF; the body always ends with one.
    QByteArray body = draft.body.toUtf8();
    body.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    if (!body.isEmpty() && !body.endsWith("\r\n"))
        body += "\r\n";
    const bool ascii = isAscii(body);
    out += "MIME-Version: 1.0\r\n";
    out += ascii ? "Content-Type: text/plain; charset=us-ascii\r\n"
                 : "Content-Type: text/plain; charset=UTF-8\r\n";
    out += ascii ? "Content-Transfer-Encoding: 7bit\r\n" : "Content-Transfer-Encoding: 8bit\r\n";
    out += "\r\n";
    out += body;

    for (const auto *list : {&draft.to, &draft.cc, &draft.bcc}) {
        for (const Mailbox822 &r : *list)
            m.recipients.push_back(r.address.toUtf8());
    }
    return m;
}

} // namespace mailsim::mail
