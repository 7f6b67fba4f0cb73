#include "mail/message_composer.h"

#include "message/codecs.h"
#include "message/mime.h"

#include <algorithm>

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

// "Name <addr>, Name <addr>": the value of an address field. The writer folds it at the
// spaces after the commas when it is long (RFC 5322 section 2.1.1).
QByteArray addressList(const QList<Mailbox822> &list)
{
    QByteArrayList items;
    for (const Mailbox822 &m : list)
        items << formatMailbox(m);
    return items.join(", ");
}

// One text part in the draft's charset. Empty or us-ascii: the library's choice (us-ascii
// for ASCII text, else utf-8), which the loader has checked us-ascii text against. A charset
// the teacher named is declared even when the text would fit a smaller one, since seeing it
// declared is the point; ISO 8859-1 text that is not ASCII goes as 8bit where allowed and
// as quoted-printable otherwise, since it is mostly ASCII letters with a few accents.
message::MimeEntity textPart(const QString &text, QByteArrayView subtype, const QByteArray &charset,
                             bool eightBit)
{
    QString withEnd = text;
    // A body ends with a line end, or SMTP would add one on the way (the "." must stand on a
    // line of its own) and the stored message would differ from the composed one.
    if (!withEnd.isEmpty() && !withEnd.endsWith(QLatin1Char('\n')) &&
        !withEnd.endsWith(QLatin1Char('\r')))
        withEnd += QLatin1Char('\n');
    message::MimeEntity part = message::makeTextPart(withEnd, subtype, eightBit);
    const QByteArray name = charset.toLower();
    if (name.isEmpty() || name == "us-ascii")
        return part;
    const QByteArray type = "text/" + subtype.toByteArray() + "; charset=" + name;
    const std::optional<QByteArray> encoded = message::encodeCharset(withEnd, name);
    if (!encoded)
        return part; // the loader refuses text the charset cannot hold; keep utf-8 then
    part.header.set("Content-Type", type);
    if (name == "utf-8" || isAscii(*encoded))
        return part; // the same bytes as the library's part, only declared differently
    QByteArray bytes = *encoded;
    bytes.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    const QByteArrayList lines = bytes.split('\n');
    const bool shortLines = std::all_of(lines.begin(), lines.end(), [](const QByteArray &line) {
        return line.size() <= 79; // 78 characters and the CR
    });
    if (eightBit && shortLines && !bytes.contains('\0')) {
        part.header.set("Content-Transfer-Encoding", "8bit");
        part.body = bytes;
    } else {
        part.header.set("Content-Transfer-Encoding", "quoted-printable");
        part.body = message::quotedPrintableEncode(bytes);
    }
    return part;
}

// The content as MIME: the text; with an HTML version, multipart/alternative (plain first,
// as RFC 2046 section 5.1.4 orders them from the simplest); with attachments, all of that
// first in a multipart/mixed and then each file.
message::MimeEntity bodyEntity(const Draft &draft, bool eightBit)
{
    message::MimeEntity content = textPart(draft.body, "plain", draft.charset, eightBit);
    if (!draft.html.isEmpty())
        content = message::makeMultipart(
            "alternative", {content, textPart(draft.html, "html", draft.charset, eightBit)});
    if (!draft.attachments.isEmpty()) {
        std::vector<message::MimeEntity> parts{content};
        for (const Attachment &a : draft.attachments)
            parts.push_back(message::makeAttachment(a.name, a.mediaType, a.content));
        content = message::makeMultipart("mixed", std::move(parts));
    }
    return content;
}

QByteArray build(const Draft &draft, const QByteArray &date, const QByteArray &messageId,
                 bool eightBit)
{
    message::MimeEntity root = bodyEntity(draft, eightBit);
    // The message's own fields in the order mail programs conventionally write them, then
    // the content's MIME fields.
    message::Header header;
    header.add("Date", date);
    header.add("From", formatMailbox(draft.from));
    if (!draft.to.isEmpty())
        header.add("To", addressList(draft.to));
    if (!draft.cc.isEmpty())
        header.add("Cc", addressList(draft.cc));
    header.add("Subject", message::encodeHeaderText(draft.subject));
    header.add("Message-ID", messageId);
    header.add("MIME-Version", "1.0");
    for (message::HeaderField &f : root.header.fields)
        header.fields.push_back(std::move(f));
    root.header = std::move(header);
    return message::serialize(root);
}

// To, Cc and Bcc: Bcc recipients are in the envelope only, never in the header.
QList<QByteArray> envelopeRecipients(const Draft &draft)
{
    QList<QByteArray> recipients;
    for (const auto *list : {&draft.to, &draft.cc, &draft.bcc}) {
        for (const Mailbox822 &r : *list)
            recipients.push_back(r.address.toUtf8());
    }
    return recipients;
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
    m.content = build(draft, date, messageId, true);
    if (!isAscii(m.content))
        m.sevenBitContent = build(draft, date, messageId, false);
    m.recipients = envelopeRecipients(draft);
    return m;
}

namespace {

// Re-encodes, in place, every part of `e` whose body has bytes above 127, with the encoding
// message::sevenBitEncodingFor chooses (as makeTextPart does, so a relayed message looks as
// if it had been composed 7-bit). A multipart or a message/rfc822 part may only
// be 7bit, 8bit or binary itself (RFC 2045 section 6.4), so they are not encoded but their
// parts are, and their own declaration becomes 7bit.
void encodeEightBitParts(message::MimeEntity &e)
{
    if (!e.embedded.empty() || !e.parts.empty()) {
        for (message::MimeEntity &inner : e.embedded)
            encodeEightBitParts(inner);
        for (message::MimeEntity &part : e.parts)
            encodeEightBitParts(part);
        if (e.header.has("Content-Transfer-Encoding"))
            e.header.set("Content-Transfer-Encoding", "7bit");
        return;
    }
    if (isAscii(e.body))
        return;
    const QByteArray bytes = e.decodedBody();
    const QByteArray cte = message::sevenBitEncodingFor(bytes, e.mediaType().startsWith("text/"));
    e.header.set("Content-Transfer-Encoding", cte);
    e.body = cte == "quoted-printable" ? message::quotedPrintableEncode(bytes) : message::base64Encode(bytes);
}

} // namespace

QByteArray sevenBitForm(const QByteArray &message)
{
    if (isAscii(message))
        return {};
    message::ParsedMessage parsed = message::parseMessage(message);
    encodeEightBitParts(parsed.root);
    QByteArray result = message::serialize(parsed.root);
    // 8-bit bytes in a header, or in a multipart that could not be read, cannot be encoded.
    return isAscii(result) ? result : QByteArray();
}

ComposedMessage verbatimMessage(const Draft &draft)
{
    ComposedMessage m;
    // Only the line ends are made what SMTP wants, so that the message stored at the end has
    // the bytes that travelled.
    m.content = draft.raw;
    m.content.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    m.recipients = envelopeRecipients(draft);
    return m;
}

} // namespace mailsim::mail
