// A message as a tree of MIME entities (RFC 5322 for the header and body, RFC 2045/2046 for
// types, encodings and multiparts, RFC 2183 and 2231 for dispositions and parameters).
//
// One reader and one writer for every message in the project: the mail servers, the user
// agents' composer, the CLI's "mime" command and the window's inspector all use these.
//
// Reading is best effort and loses nothing: every byte of the input belongs to some entity
// (header, body, preamble, epilogue), and serialize() of a parsed message gives back the
// input bytes exactly, whatever they were. Oddities become Warnings with their offset.
// Entities built in code (the make* functions) are serialized in the canonical form: CR LF
// line ends, header fields folded at 78 characters, bodies encoded as their
// Content-Transfer-Encoding says, boundaries that occur in no part.
#pragma once

#include "message/warnings.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <vector>

namespace mailsim::message {

// One header field. `raw` holds the field's lines exactly as read (line ends included);
// it is empty for a field made in code, which the writer then folds itself.
struct HeaderField
{
    QByteArray name;  // as written, e.g. "Content-Type"
    QByteArray value; // unfolded (RFC 5322 section 2.2.3), without the leading space
    QByteArray raw;
};

// The header section: fields in order, names compared case-insensitively.
class Header
{
public:
    std::vector<HeaderField> fields;
    // Lines of the header section that are no field (kept, so that nothing is lost), with
    // their position: they are written back before fields[index].
    struct Stray
    {
        std::size_t beforeField = 0;
        QByteArray raw;
    };
    std::vector<Stray> strays;

    [[nodiscard]] bool has(QByteArrayView name) const;
    [[nodiscard]] QByteArray value(QByteArrayView name) const; // first such field, "" if none
    [[nodiscard]] QList<QByteArray> values(QByteArrayView name) const;
    void add(const QByteArray &name, const QByteArray &value);     // at the end
    void prepend(const QByteArray &name, const QByteArray &value); // e.g. Received:
    void set(const QByteArray &name, const QByteArray &value);     // replaces the first, removes the others
    void remove(QByteArrayView name);
};

// A structured field value with parameters: Content-Type ("text/plain; charset=utf-8") and
// Content-Disposition ("attachment; filename=..."). Parameter names are lower-cased; values
// are unquoted, and RFC 2231 continuations and charsets (name*0*=utf-8''...) are decoded.
struct FieldWithParameters
{
    QByteArray value; // lower-cased, e.g. "text/plain", "attachment"
    std::vector<std::pair<QByteArray, QString>> parameters;
    [[nodiscard]] QString parameter(QByteArrayView name) const; // "" if absent
};
FieldWithParameters parseFieldWithParameters(QByteArrayView fieldValue, Warnings *warnings = nullptr);

struct MimeEntity
{
    Header header;
    // The body exactly as it is in the message (still transfer-encoded). For a multipart
    // the whole body, boundaries included; the parts are below as well.
    QByteArray body;
    // Where this entity's bytes are in the message that was read (-1 when made in code).
    qsizetype offset = -1;
    qsizetype headerSize = 0; // header section including the empty line

    // Multiparts: the parts between the delimiters, and what is before the first and after
    // the closing one.
    std::vector<MimeEntity> parts;
    QByteArray preamble;
    QByteArray epilogue;
    // message/rfc822: the message inside (one entity), parsed.
    std::vector<MimeEntity> embedded;

    // Content-Type, with the RFC 2045 default text/plain; charset=us-ascii (or
    // message/rfc822 inside multipart/digest).
    [[nodiscard]] FieldWithParameters contentType() const;
    [[nodiscard]] QByteArray mediaType() const; // "text/plain"
    [[nodiscard]] bool isMultipart() const;
    [[nodiscard]] QByteArray transferEncoding() const; // lower-cased, default "7bit"
    [[nodiscard]] FieldWithParameters disposition() const;
    [[nodiscard]] bool isAttachment() const;
    [[nodiscard]] QString filename() const; // disposition filename, else Content-Type name

    // The body with its transfer encoding undone.
    [[nodiscard]] QByteArray decodedBody(Warnings *warnings = nullptr) const;
    // For text/*: the decoded body in its charset, as text.
    [[nodiscard]] QString text(Warnings *warnings = nullptr) const;
};

struct ParseLimits
{
    int maxDepth = 50;                       // nesting of multiparts and message/rfc822
    qsizetype maxHeaderLine = 1024 * 1024;   // longer lines are kept but warned about
};

struct ParsedMessage
{
    MimeEntity root;
    Warnings warnings;
};

ParsedMessage parseMessage(QByteArrayView bytes, const ParseLimits &limits = {});
// The bytes of an entity: a parsed one exactly as read; one made in code canonically.
QByteArray serialize(const MimeEntity &entity);

// Building messages (the user agent's composer, the scenario files, the compose dialog).
// Text gets the smallest fitting charset (us-ascii, else utf-8) and the encoding that
// suits it: 7bit for short-lined ASCII, quoted-printable for mostly-ASCII text, base64
// otherwise, unless `eightBit` allows 8bit for text a server announced 8BITMIME for.
MimeEntity makeTextPart(const QString &text, QByteArrayView subtype = "plain", bool eightBit = false);
// Any bytes, base64 in lines of 76 characters, Content-Disposition: attachment with the
// file name (RFC 2231 encoded when not ASCII).
MimeEntity makeAttachment(const QString &filename, QByteArrayView mediaType, const QByteArray &bytes);
// multipart/mixed, /alternative, ...; a boundary is chosen that occurs in no part.
MimeEntity makeMultipart(QByteArrayView subtype, std::vector<MimeEntity> parts);

} // namespace mailsim::message
