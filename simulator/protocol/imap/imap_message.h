// What IMAP says about one stored message: ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501
// section 7.4.2), the bytes of a body section ("BODY[1.2.MIME]"), and the text that SEARCH
// looks into. Everything is read from the MIME tree of message::parseMessage, the one
// message reader of the project; addresses come from message::parseAddressList.
#pragma once

#include "message/mime.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QString>

#include <optional>
#include <vector>

namespace mailsim::imap {

// A section-spec (RFC 3501 section 6.4.5): an optional part number and what of it.
struct SectionSpec
{
    enum class Text { Whole, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
    std::vector<quint32> part; // "1.2" -> {1, 2}; empty: the whole message
    Text text = Text::Whole;
    QByteArrayList fields;     // for HEADER.FIELDS and HEADER.FIELDS.NOT, as the client wrote them

    // The section as the response names it, e.g. "1.2.MIME" or "HEADER.FIELDS (FROM TO)".
    [[nodiscard]] QByteArray name() const;
};

// "(date subject (from) (sender) (reply-to) (to) (cc) (bcc) in-reply-to message-id)"
QByteArray envelope(const message::MimeEntity &message);
// BODYSTRUCTURE (extensible) or BODY (without extension data).
QByteArray bodyStructure(const message::MimeEntity &entity, bool extensible);
// The bytes of a section; nullopt when the message has no such part (the server then
// answers NIL). HEADER, TEXT and HEADER.FIELDS after a part number need a message/rfc822
// part; MIME of part 1 of a message that is not multipart is the message's header.
std::optional<QByteArray> sectionBytes(const message::MimeEntity &message, const SectionSpec &spec);

// The header field values named `name`, RFC 2047 decoded, joined by newlines.
QString decodedHeader(const message::MimeEntity &message, QByteArrayView name);
// The decoded header section as one text (for SEARCH TEXT).
QString decodedHeaderText(const message::MimeEntity &message);
// The text of every text/* leaf, decoded; other leaves as raw bytes read as Latin-1.
QString bodyText(const message::MimeEntity &message);

} // namespace mailsim::imap
