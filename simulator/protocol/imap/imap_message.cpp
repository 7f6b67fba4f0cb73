#include "protocol/imap/imap_message.h"

#include "message/address_list.h"
#include "message/codecs.h"
#include "message/header_section.h"
#include "protocol/imap/imap_syntax.h"

namespace mailsim::imap {

using message::AddressEntry;
using message::MimeEntity;

namespace {

// A header value as an nstring: NIL when the field is absent.
QByteArray headerNstring(const MimeEntity &m, QByteArrayView name)
{
    const message::HeaderField *f = m.header.find(name);
    return f ? quotedOrLiteral(f->value) : QByteArray("NIL");
}

QByteArray addressList(const MimeEntity &m, QByteArrayView name)
{
    const message::HeaderField *f = m.header.find(name);
    if (!f || f->value.trimmed().isEmpty())
        return "NIL";
    const std::vector<AddressEntry> entries = message::parseAddressList(f->value);
    if (entries.empty())
        return "NIL";
    QByteArray out = "(";
    for (const AddressEntry &a : entries) {
        switch (a.kind) {
        case AddressEntry::Kind::GroupStart:
            // RFC 3501 7.4.2: a group starts with a NIL host name and the group name as mailbox.
            out += "(NIL NIL " + quotedOrLiteral(a.displayName) + " NIL)";
            break;
        case AddressEntry::Kind::GroupEnd:
            out += "(NIL NIL NIL NIL)";
            break;
        case AddressEntry::Kind::Mailbox:
            out += '(' + (a.displayName.isEmpty() ? QByteArray("NIL") : quotedOrLiteral(a.displayName)) + ' '
                   + (a.route.isEmpty() ? QByteArray("NIL") : quotedOrLiteral(a.route)) + ' '
                   + quotedOrLiteral(a.localPart) + ' '
                   + (a.domain.isEmpty() ? QByteArray("NIL") : quotedOrLiteral(a.domain)) + ')';
            break;
        }
    }
    return out + ')';
}

QByteArray upperString(QByteArrayView text) { return quotedOrLiteral(text.toByteArray().toUpper()); }

QByteArray parameterList(const message::FieldWithParameters &field)
{
    if (field.parameters.empty())
        return "NIL";
    QByteArray out = "(";
    bool first = true;
    for (const auto &[name, value] : field.parameters) {
        if (!first)
            out += ' ';
        first = false;
        out += upperString(name) + ' ' + quotedOrLiteral(value.toUtf8());
    }
    return out + ')';
}

QByteArray dispositionOf(const MimeEntity &e)
{
    if (!e.header.find("Content-Disposition"))
        return "NIL";
    const message::FieldWithParameters d = e.disposition();
    if (d.value.isEmpty())
        return "NIL";
    return '(' + upperString(d.value) + ' ' + parameterList(d) + ')';
}

// The body of a parsed entity: its bytes after the header section.
QByteArray bodyOf(const MimeEntity &e)
{
    const QByteArray all = message::serialize(e);
    return e.offset < 0 ? e.body : all.mid(e.headerSize);
}

QByteArray headerOf(const MimeEntity &e)
{
    const QByteArray all = message::serialize(e);
    return all.left(e.headerSize);
}

qsizetype lineCount(QByteArrayView bytes)
{
    qsizetype lines = bytes.count('\n');
    if (!bytes.isEmpty() && !bytes.endsWith('\n'))
        ++lines; // a last line without its line end still counts
    return lines;
}

bool isMessageRfc822(const MimeEntity &e) { return e.mediaType() == "message/rfc822"; }

// The entity a part number names (RFC 3501 6.4.5): the parts of a multipart are numbered
// from 1; a message that is not multipart has its body as part 1; a number after a
// message/rfc822 part counts within the message inside it.
const MimeEntity *resolvePart(const MimeEntity &root, const std::vector<quint32> &path)
{
    const MimeEntity *node = &root;
    bool first = true;
    for (quint32 k : path) {
        if (!first) {
            if (isMessageRfc822(*node) && !node->embedded.empty())
                node = &node->embedded.front();
            else if (!node->isMultipart())
                return nullptr;
        }
        first = false;
        if (node->isMultipart()) {
            if (k < 1 || k > node->parts.size())
                return nullptr;
            node = &node->parts[k - 1];
        } else if (k != 1) {
            return nullptr;
        }
    }
    return node;
}

QByteArray filterHeader(const QByteArray &header, const QByteArrayList &fields, bool keep)
{
    const message::HeaderSection section = message::readHeaderSection(header);
    QByteArray out;
    for (const message::RawHeaderField &f : section.fields) {
        if (!f.isField)
            continue;
        bool listed = false;
        for (const QByteArray &name : fields)
            listed = listed || f.name.compare(name, Qt::CaseInsensitive) == 0;
        if (listed == keep)
            out += f.raw.toByteArray();
    }
    return out + "\r\n";
}

} // namespace

QByteArray SectionSpec::name() const
{
    QByteArray out;
    for (quint32 p : part) {
        if (!out.isEmpty())
            out += '.';
        out += QByteArray::number(p);
    }
    auto add = [&out](QByteArrayView word) {
        if (!out.isEmpty())
            out += '.';
        out += word;
    };
    switch (text) {
    case Text::Whole: break;
    case Text::Header: add("HEADER"); break;
    case Text::Text: add("TEXT"); break;
    case Text::Mime: add("MIME"); break;
    case Text::HeaderFields: add("HEADER.FIELDS (" + fields.join(' ') + ')'); break;
    case Text::HeaderFieldsNot: add("HEADER.FIELDS.NOT (" + fields.join(' ') + ')'); break;
    }
    return out;
}

QByteArray envelope(const MimeEntity &m)
{
    const QByteArray from = addressList(m, "From");
    const QByteArray sender = m.header.has("Sender") ? addressList(m, "Sender") : from;
    const QByteArray replyTo = m.header.has("Reply-To") ? addressList(m, "Reply-To") : from;
    return '(' + headerNstring(m, "Date") + ' ' + headerNstring(m, "Subject") + ' ' + from + ' '
           + sender + ' ' + replyTo + ' ' + addressList(m, "To") + ' ' + addressList(m, "Cc") + ' '
           + addressList(m, "Bcc") + ' ' + headerNstring(m, "In-Reply-To") + ' '
           + headerNstring(m, "Message-ID") + ')';
}

QByteArray bodyStructure(const MimeEntity &e, bool extensible)
{
    const message::FieldWithParameters type = e.contentType();
    const qsizetype slash = type.value.indexOf('/');
    const QByteArray mainType = type.value.left(slash);
    const QByteArray subType = type.value.mid(slash + 1);
    if (e.isMultipart() && !e.parts.empty()) {
        QByteArray out = "(";
        for (const MimeEntity &part : e.parts)
            out += bodyStructure(part, extensible);
        out += ' ' + upperString(subType);
        if (extensible)
            out += ' ' + parameterList(type) + ' ' + dispositionOf(e) + " NIL NIL";
        return out + ')';
    }
    const QByteArray body = bodyOf(e);
    message::FieldWithParameters typeWithCharset = type;
    if (mainType == "text" && !type.hasParameter("charset")) // RFC 2045 5.2's default, said out loud
        typeWithCharset.parameters.emplace_back("charset", QStringLiteral("us-ascii"));
    const message::HeaderField *id = e.header.find("Content-ID");
    const message::HeaderField *description = e.header.find("Content-Description");
    QByteArray out = '(' + upperString(mainType) + ' ' + upperString(subType) + ' '
                     + parameterList(typeWithCharset) + ' '
                     + (id ? quotedOrLiteral(id->value) : QByteArray("NIL")) + ' '
                     + (description ? quotedOrLiteral(description->value) : QByteArray("NIL")) + ' '
                     + upperString(e.transferEncoding()) + ' ' + QByteArray::number(body.size());
    if (isMessageRfc822(e) && !e.embedded.empty()) {
        const MimeEntity &inner = e.embedded.front();
        out += ' ' + envelope(inner) + ' ' + bodyStructure(inner, extensible) + ' '
               + QByteArray::number(lineCount(body));
    } else if (mainType == "text") {
        out += ' ' + QByteArray::number(lineCount(body));
    }
    if (extensible) {
        const message::HeaderField *md5 = e.header.find("Content-MD5");
        out += ' ' + (md5 ? quotedOrLiteral(md5->value) : QByteArray("NIL")) + ' ' + dispositionOf(e)
               + " NIL NIL";
    }
    return out + ')';
}

std::optional<QByteArray> sectionBytes(const MimeEntity &root, const SectionSpec &spec)
{
    using Text = SectionSpec::Text;
    if (spec.part.empty()) {
        switch (spec.text) {
        case Text::Whole: return message::serialize(root);
        case Text::Header: return headerOf(root);
        case Text::Text: return bodyOf(root);
        case Text::HeaderFields: return filterHeader(headerOf(root), spec.fields, true);
        case Text::HeaderFieldsNot: return filterHeader(headerOf(root), spec.fields, false);
        case Text::Mime: return std::nullopt;
        }
    }
    const MimeEntity *part = resolvePart(root, spec.part);
    if (!part)
        return std::nullopt;
    if (spec.text == Text::Whole)
        return bodyOf(*part);
    if (spec.text == Text::Mime)
        return part == &root ? headerOf(root) : headerOf(*part);
    // HEADER, TEXT and HEADER.FIELDS of a part apply to the message inside a message/rfc822.
    if (!isMessageRfc822(*part) || part->embedded.empty())
        return std::nullopt;
    const MimeEntity &inner = part->embedded.front();
    switch (spec.text) {
    case Text::Header: return headerOf(inner);
    case Text::Text: return bodyOf(inner);
    case Text::HeaderFields: return filterHeader(headerOf(inner), spec.fields, true);
    case Text::HeaderFieldsNot: return filterHeader(headerOf(inner), spec.fields, false);
    case Text::Whole:
    case Text::Mime: break;
    }
    return std::nullopt;
}

QString decodedHeader(const MimeEntity &m, QByteArrayView name)
{
    QStringList values;
    for (const QByteArray &v : m.header.values(name))
        values << message::decodeHeaderText(v);
    return values.join(QLatin1Char('\n'));
}

QString decodedHeaderText(const MimeEntity &m)
{
    QString text;
    for (const message::HeaderField &f : m.header.fields)
        text += QString::fromLatin1(f.name) + QStringLiteral(": ") + message::decodeHeaderText(f.value)
                + QLatin1Char('\n');
    return text;
}

QString bodyText(const MimeEntity &e)
{
    if (e.isMultipart() && !e.parts.empty()) {
        QString text;
        for (const MimeEntity &part : e.parts)
            text += bodyText(part) + QLatin1Char('\n');
        return text;
    }
    if (isMessageRfc822(e) && !e.embedded.empty())
        return decodedHeaderText(e.embedded.front()) + bodyText(e.embedded.front());
    if (e.mediaType().startsWith("text/"))
        return e.text();
    return QString::fromLatin1(e.body);
}

} // namespace mailsim::imap
