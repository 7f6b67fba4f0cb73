// A message as a tree of MIME entities (RFC 5322 for the header and body, RFC 2045/2046 for
// types, encodings and multiparts, RFC 2183 and 2231 for dispositions and parameters).
//
// One reader and one writer for every message in the project: the mail servers, the user
// agents' composer, and the CLI's "mime" command and the window's inspector to come.
// Header lines are read by readHeaderSection (header_section.h), the reader the servers use.
//
// Reading is best effort and loses nothing: every byte of the input belongs to some entity
// (header lines, the empty line, body, preamble, delimiter lines, epilogue), and serialize()
// of a parsed message gives back the input bytes exactly, whatever they were. Oddities
// become Warnings with their offset in the input.
// Entities built in code (the make* functions) are serialized in the canonical form: CR LF
// line ends, header fields folded at 78 characters, bodies encoded as their
// Content-Transfer-Encoding says, boundaries that occur in no part.
//
// Whether an entity was read or made is told by its `offset` (-1: made in code). A read
// entity can still be changed (a server prepends Received:, a part is added): what was
// changed is written canonically, the rest as read.
#pragma once

#include "message/warnings.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>
#include <vector>

namespace mailsim::message {

// One header field. `raw` holds the field's lines exactly as read (line ends included);
// it is empty for a field made or changed in code, which the writer then folds itself.
struct HeaderField
{
    QByteArray name;  // as written, e.g. "Content-Type"
    QByteArray value; // unfolded (RFC 5322 section 2.2.3) and trimmed
    QByteArray raw;
};

// The header section: fields in order, names compared case-insensitively.
class Header
{
public:
    std::vector<HeaderField> fields;
    // Lines of the header section that are no field (kept, so that nothing is lost), with
    // their position: they are written back before fields[beforeField] (after the last
    // field when beforeField is fields.size() or more). The methods below keep the
    // positions right as fields come and go.
    struct Stray
    {
        std::size_t beforeField = 0;
        QByteArray raw;
    };
    std::vector<Stray> strays;

    [[nodiscard]] bool has(QByteArrayView name) const;
    [[nodiscard]] const HeaderField *find(QByteArrayView name) const; // first such field
    [[nodiscard]] QByteArray value(QByteArrayView name) const; // first such field, "" if none
    [[nodiscard]] QList<QByteArray> values(QByteArrayView name) const;
    void add(const QByteArray &name, const QByteArray &value); // at the end
    // Before the first field (e.g. Received:); lines that are no field and were before the
    // first field stay before it.
    void prepend(const QByteArray &name, const QByteArray &value);
    void set(const QByteArray &name,
             const QByteArray &value); // replaces the first, removes the others
    void remove(QByteArrayView name);
};

// "Name: value" as the writer puts a field made in code: CR LF at the end, folded at white
// space so that lines stay within 78 characters where the value allows (RFC 5322 section
// 2.1.1), never leaving a line of white space only. A CR or LF in the value becomes a space:
// a value cannot hold a line break.
QByteArray foldField(QByteArrayView name, QByteArrayView value);

// A structured field value with parameters: Content-Type ("text/plain; charset=utf-8") and
// Content-Disposition ("attachment; filename=..."). Parameter names are lower-cased; values
// are unquoted, and RFC 2231 continuations and charsets (name*0*=utf-8''...) are decoded.
// A parameter given twice keeps its first value (with a warning); one given both plainly
// and in RFC 2231 form takes the RFC 2231 one. Warning offsets are positions in the value.
struct FieldWithParameters
{
    QByteArray value; // lower-cased, e.g. "text/plain", "attachment"
    std::vector<std::pair<QByteArray, QString>> parameters;
    [[nodiscard]] QString parameter(QByteArrayView name) const; // "" if absent
    [[nodiscard]] bool hasParameter(QByteArrayView name) const;
};
FieldWithParameters parseFieldWithParameters(QByteArrayView fieldValue,
                                             Warnings *warnings = nullptr);

struct MimeEntity
{
    Header header;
    // The empty line that ended the header as read: "\r\n", "\n", or "" when the bytes
    // ended first. Made in code: not used, the writer writes CR LF.
    QByteArray headerEnd;
    // A leaf's body exactly as it is in the message (still transfer-encoded). Empty for a
    // multipart whose parts were read and for a message/rfc822 whose message was read: their
    // bytes are in the parts and delimiters, or in `embedded`, so that they are held once
    // however deep the nesting. A multipart or message that could not be read (no boundary,
    // the boundary never occurs, too deep, transfer-encoded) keeps its body here.
    QByteArray body;
    // Where this entity's bytes are in the message that was read (-1 when made in code).
    qsizetype offset = -1;
    qsizetype headerSize = 0; // header section including the empty line
    // A part of a multipart/digest, whose default type is message/rfc822 (RFC 2046 5.1.5).
    bool inDigest = false;

    // Multiparts: the parts between the delimiters, and what is before the first and after
    // the closing one.
    std::vector<MimeEntity> parts;
    QByteArray preamble;
    QByteArray epilogue;
    // The delimiter lines as read: delimiters[i] comes before parts[i], with the line end
    // before it (which RFC 2046 counts as the delimiter's) and the rest of its line; the
    // closing one likewise, "" when the multipart was never closed. Made in code: not
    // used (nor for parts beyond those read); the writer writes "\r\n--boundary\r\n" and
    // "\r\n--boundary--\r\n".
    std::vector<QByteArray> delimiters;
    QByteArray closeDelimiter;
    // message/rfc822: the message inside (one entity), parsed.
    std::vector<MimeEntity> embedded;

    // Content-Type, with the RFC 2045 default text/plain; charset=us-ascii (or
    // message/rfc822 inside multipart/digest), also for a value that is no type/subtype.
    [[nodiscard]] FieldWithParameters contentType() const;
    [[nodiscard]] QByteArray mediaType() const; // "text/plain"
    [[nodiscard]] bool isMultipart() const;
    [[nodiscard]] QByteArray transferEncoding() const; // lower-cased, default "7bit"
    [[nodiscard]] FieldWithParameters disposition() const;
    [[nodiscard]] bool isAttachment() const;
    // Disposition filename, else Content-Type name; RFC 2231 decoded, and RFC 2047 encoded
    // words decoded as well (not what the RFCs allow, but what many clients send).
    [[nodiscard]] QString filename() const;
    // Where the body starts in the message that was read (-1 when made in code).
    [[nodiscard]] qsizetype bodyOffset() const { return offset < 0 ? -1 : offset + headerSize; }

    // The body with its transfer encoding undone (base64 leniently; an unknown encoding is
    // left as it is, with a warning). Warning offsets are in the message that was read.
    [[nodiscard]] QByteArray decodedBody(Warnings *warnings = nullptr) const;
    // For text/*: the decoded body in its charset, as text.
    [[nodiscard]] QString text(Warnings *warnings = nullptr) const;
};

struct ParseLimits
{
    // Nesting of multiparts and message/rfc822; a deeper one is kept unparsed, as a body,
    // with a warning. Clamped to kMaxDepthCeiling, because the tree's functions (the writer,
    // copying, destruction) recurse once per level.
    int maxDepth = 50;
    // Longer header lines are kept but warned about. RFC 5322 section 2.1.1 allows 998
    // characters (line end not counted); a line beyond that may be cut by a server on the way.
    qsizetype maxHeaderLine = 998;
    std::size_t maxWarnings = 1000; // then one warning says how many more there were
};
inline constexpr int kMaxDepthCeiling = 200;

struct ParsedMessage
{
    MimeEntity root;
    Warnings warnings;
};

ParsedMessage parseMessage(QByteArrayView bytes, const ParseLimits &limits = {});
// The bytes of an entity: a parsed one exactly as read; one made in code canonically.
QByteArray serialize(const MimeEntity &entity);

// The 7-bit transfer encoding for bytes that cannot go as they are: quoted-printable for
// text while at most a third of its bytes need escapes, base64 otherwise (and for anything
// that is not text). makeTextPart and the relay's 8-bit conversion both decide with this.
QByteArray sevenBitEncodingFor(QByteArrayView bytes, bool isText);

// Building messages (the user agent's composer, the scenario files, the compose dialog).
// These make entities, not whole messages: the caller adds MIME-Version: 1.0 and the
// message fields (From, To, Subject...) to the root with header.prepend().
//
// Text gets its line ends made CR LF, the smallest fitting charset (us-ascii, else utf-8)
// and the encoding that suits it: 7bit for ASCII with lines of at most 78 characters, 8bit
// for such text that is not ASCII when `eightBit` (a server announced 8BITMIME), otherwise
// quoted-printable while at most a third of the bytes need escapes, base64 beyond that.
MimeEntity makeTextPart(const QString &text, QByteArrayView subtype = "plain",
                        bool eightBit = false);
// Any bytes, base64 in lines of 76 characters, Content-Disposition: attachment with the
// file name (RFC 2231 encoded, in continuations if long, when not short printable ASCII).
MimeEntity makeAttachment(const QString &filename, QByteArrayView mediaType,
                          const QByteArray &bytes);
// multipart/mixed, /alternative, ...; a boundary is chosen that occurs in no part.
MimeEntity makeMultipart(QByteArrayView subtype, std::vector<MimeEntity> parts);
// message/rfc822 holding `message` (a forwarded message).
MimeEntity makeMessagePart(MimeEntity message);

} // namespace mailsim::message
