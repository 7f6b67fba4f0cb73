#include "message/mime.h"

#include "protocol/common/ascii.h"

#include "message/codecs.h"
#include "message/header_section.h"

#include <QCryptographicHash>
#include <QStringDecoder>

#include <algorithm>

namespace mailsim::message {

namespace {

bool nameIs(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}
bool isWsp(char c)
{
    return c == ' ' || c == '\t';
}
bool isLineSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isAscii(QByteArrayView bytes)
{
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// token of RFC 2045 section 5.1: printable US-ASCII except space and the tspecials.
bool isTokenChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 && !QByteArrayView("()<>@,;:\\\"/[]?=").contains(c);
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

bool isValidMediaType(QByteArrayView type)
{
    const qsizetype slash = type.indexOf('/');
    return slash > 0 && isToken(type.first(slash)) && isToken(type.sliced(slash + 1));
}

// Parameter values without a charset of their own: UTF-8 when they are (RFC 6532), else
// Latin-1, which shows every byte as some character.
QString utf8OrLatin1(QByteArrayView bytes)
{
    if (isAscii(bytes))
        return QString::fromLatin1(bytes);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Default);
    QString text = utf8.decode(bytes);
    return utf8.hasError() ? QString::fromLatin1(bytes) : text;
}

// RFC 5322 comments, "(like this)", which may stand around the tokens of a structured field.
QByteArray withoutComments(QByteArrayView v)
{
    QByteArray out;
    int depth = 0;
    for (qsizetype i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (depth > 0 && c == '\\') {
            ++i;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')' && depth > 0) {
            --depth;
        } else if (depth == 0) {
            out += c;
        }
    }
    return out.trimmed();
}


// --- parameters -------------------------------------------------------------------------

struct RawParameter
{
    QByteArray name; // lower-cased, RFC 2231 decorations ("*0*") included
    QByteArray value;
    qsizetype offset = 0;
};

struct RawField
{
    QByteArray value;
    std::vector<RawParameter> parameters;
};

void warn(Warnings *warnings, qsizetype offset, const QString &text)
{
    if (warnings)
        warnings->push_back({offset, text});
}

// "value; name=token; name="quoted \" string"", read leniently: a token may hold spaces
// (some clients write filename=my file.txt), a quoted string may be unterminated.
RawField parseRawField(QByteArrayView v, Warnings *warnings)
{
    RawField field;
    qsizetype i = v.indexOf(';');
    if (i < 0)
        i = v.size();
    field.value = withoutComments(v.first(i)).toLower();
    while (i < v.size()) {
        ++i; // past ';'
        while (i < v.size() && isLineSpace(v[i]))
            ++i;
        if (i >= v.size())
            break;
        if (v[i] == ';')
            continue; // an empty parameter: harmless
        const qsizetype nameStart = i;
        while (i < v.size() && v[i] != '=' && v[i] != ';')
            ++i;
        const QByteArray name =
            v.sliced(nameStart, i - nameStart).trimmed().toByteArray().toLower();
        if (i >= v.size() || v[i] == ';' || name.isEmpty()) {
            warn(warnings, nameStart,
                 QStringLiteral("the parameter \"%1\" has no name or no value; it was ignored")
                     .arg(QString::fromLatin1(v.sliced(nameStart, i - nameStart))));
            continue;
        }
        ++i; // past '='
        while (i < v.size() && isLineSpace(v[i]))
            ++i;
        QByteArray value;
        if (i < v.size() && v[i] == '"') {
            bool closed = false;
            for (++i; i < v.size(); ++i) {
                if (v[i] == '\\' && i + 1 < v.size()) {
                    value += v[++i];
                } else if (v[i] == '"') {
                    closed = true;
                    ++i;
                    break;
                } else {
                    value += v[i];
                }
            }
            if (!closed)
                warn(warnings, nameStart,
                     QStringLiteral("the quoted value of \"%1\" is not closed; it runs to the end")
                         .arg(QString::fromLatin1(name)));
            while (i < v.size() && v[i] != ';')
                ++i; // white space or a comment after the quotes
        } else {
            const qsizetype start = i;
            while (i < v.size() && v[i] != ';')
                ++i;
            value = withoutComments(v.sliced(start, i - start));
        }
        const bool duplicate = std::any_of(field.parameters.begin(), field.parameters.end(),
                                           [&](const RawParameter &p) { return p.name == name; });
        if (duplicate)
            warn(warnings, nameStart,
                 QStringLiteral("the parameter \"%1\" is given twice; the first is used")
                     .arg(QString::fromLatin1(name)));
        else
            field.parameters.push_back({name, value, nameStart});
    }
    return field;
}

QByteArray rawParameter(const RawField &field, QByteArrayView name)
{
    for (const RawParameter &p : field.parameters) {
        if (p.name == name)
            return p.value;
    }
    return {};
}

QByteArray percentDecode(QByteArrayView v, bool *malformed)
{
    QByteArray out;
    out.reserve(v.size());
    for (qsizetype i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size() && protocol::hexDigitValue(v[i + 1]) >= 0 && protocol::hexDigitValue(v[i + 2]) >= 0) {
            out += char(protocol::hexDigitValue(v[i + 1]) * 16 + protocol::hexDigitValue(v[i + 2]));
            i += 2;
        } else {
            *malformed = *malformed || v[i] == '%';
            out += v[i];
        }
    }
    return out;
}

// attribute-char of RFC 2231 section 7: what may stand unescaped in an extended value.
bool isAttributeChar(char c)
{
    return isTokenChar(c) && c != '*' && c != '\'' && c != '%';
}

// name="value", or for text that is not short printable ASCII the RFC 2231 form in UTF-8,
// cut into continuations of at most 60 characters so that the writer can fold between them.
QByteArray formatParameter(QByteArrayView name, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    const bool printable =
        std::all_of(utf8.begin(), utf8.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    constexpr qsizetype kChunk = 60;
    if (printable && utf8.size() <= kChunk) {
        QByteArray quoted = utf8;
        quoted.replace('\\', "\\\\").replace('"', "\\\"");
        return name.toByteArray() + "=\"" + quoted + '"';
    }
    std::vector<QByteArray> chunks(1, "utf-8''");
    for (const char c : utf8) {
        QByteArray piece(1, c);
        if (!isAttributeChar(c))
            piece = '%' + QByteArray(1, c).toHex().toUpper();
        if (chunks.back().size() + piece.size() > kChunk)
            chunks.emplace_back();
        chunks.back() += piece;
    }
    if (chunks.size() == 1)
        return name.toByteArray() + "*=" + chunks.front();
    QByteArray out;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (i > 0)
            out += "; ";
        out += name.toByteArray() + '*' + QByteArray::number(qulonglong(i)) + "*=" + chunks[i];
    }
    return out;
}

// --- writing ----------------------------------------------------------------------------

void writeHeader(QByteArray &out, const Header &header)
{
    const qsizetype start = out.size();
    // A field made in code starts a line of its own even after a read line that had no line
    // end (the last line of a header that ran to the end of the bytes).
    const auto startLine = [&] {
        if (out.size() > start && !out.endsWith('\n'))
            out += "\r\n";
    };
    std::vector<const Header::Stray *> strays;
    strays.reserve(header.strays.size());
    for (const Header::Stray &s : header.strays)
        strays.push_back(&s);
    std::stable_sort(strays.begin(), strays.end(),
                     [](const auto *a, const auto *b) { return a->beforeField < b->beforeField; });
    auto stray = strays.begin();
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        for (; stray != strays.end() && (*stray)->beforeField <= i; ++stray) {
            startLine();
            out += (*stray)->raw;
        }
        const HeaderField &field = header.fields[i];
        startLine();
        out += field.raw.isEmpty() ? foldField(field.name, field.value) : field.raw;
    }
    for (; stray != strays.end(); ++stray) {
        startLine();
        out += (*stray)->raw;
    }
}

QByteArray boundaryOf(const MimeEntity &entity)
{
    const HeaderField *f = entity.header.find("Content-Type");
    return f ? rawParameter(parseRawField(f->value, nullptr), "boundary") : QByteArray();
}

void writeEntity(QByteArray &out, const MimeEntity &e)
{
    const qsizetype start = out.size();
    writeHeader(out, e.header);
    if (e.offset >= 0) {
        out += e.headerEnd;
    } else {
        if (out.size() > start && !out.endsWith('\n'))
            out += "\r\n";
        out += "\r\n";
    }
    if (!e.embedded.empty()) {
        writeEntity(out, e.embedded.front());
        return;
    }
    if (e.parts.empty()) {
        out += e.body;
        return;
    }
    const QByteArray boundary = boundaryOf(e);
    out += e.preamble;
    for (std::size_t i = 0; i < e.parts.size(); ++i) {
        if (i < e.delimiters.size())
            out += e.delimiters[i];
        else
            out += (i == 0 && e.preamble.isEmpty() ? "--" : "\r\n--") + boundary + "\r\n";
        writeEntity(out, e.parts[i]);
    }
    out += e.offset >= 0 ? e.closeDelimiter : "\r\n--" + boundary + "--\r\n";
    out += e.epilogue;
}

// --- reading ----------------------------------------------------------------------------

// One pass over the input with absolute offsets: entities are read from views of the one
// input, and only leaves' bodies, header lines and delimiter lines are copied.
class Parser
{
public:
    Parser(QByteArrayView all, const ParseLimits &limits, Warnings &warnings)
        : m_all(all), m_limits(limits), m_warnings(warnings)
    {
        m_limits.maxDepth = std::clamp(m_limits.maxDepth, 0, kMaxDepthCeiling);
    }

    void entity(MimeEntity &e, qsizetype begin, qsizetype end, int depth, bool inDigest);
    void finish();

private:
    void header(MimeEntity &e, qsizetype begin, qsizetype end, qsizetype *bodyStart);
    bool multipart(MimeEntity &e, const QByteArray &boundary, qsizetype begin, qsizetype end,
                   int depth, bool digest);
    void warn(qsizetype offset, const QString &text);

    QByteArrayView m_all;
    ParseLimits m_limits;
    Warnings &m_warnings;
    std::vector<QByteArray> m_boundaries; // of the multiparts being read, outermost first
    qsizetype m_leftOut = 0;
};

void Parser::warn(qsizetype offset, const QString &text)
{
    if (m_warnings.size() < m_limits.maxWarnings)
        m_warnings.push_back({offset, text});
    else
        ++m_leftOut;
}

void Parser::finish()
{
    if (m_leftOut > 0)
        m_warnings.push_back(
            {-1, QStringLiteral("... and %1 more warnings, left out").arg(m_leftOut)});
}

void Parser::header(MimeEntity &e, qsizetype begin, qsizetype end, qsizetype *bodyStart)
{
    const QByteArrayView bytes = m_all.sliced(begin, end - begin);
    const HeaderSection section = readHeaderSection(bytes);
    e.header.fields.reserve(section.fields.size());
    for (const RawHeaderField &entry : section.fields) {
        const qsizetype at = begin + entry.offset;
        if (entry.isField) {
            e.header.fields.push_back(
                {entry.name.toByteArray(), entry.unfoldedValue(), entry.raw.toByteArray()});
        } else {
            e.header.strays.push_back({e.header.fields.size(), entry.raw.toByteArray()});
            const qsizetype eol = entry.raw.indexOf('\n');
            const QByteArrayView firstLine = eol < 0 ? entry.raw : entry.raw.first(eol);
            if (isWsp(entry.raw.front()))
                warn(at, QStringLiteral("a header line starts with white space but continues no "
                                        "field; it was kept as a line that is no field"));
            else if (!firstLine.contains(':'))
                warn(at, QStringLiteral("a header line without a colon is no field; it was kept "
                                        "as it is"));
            else
                warn(at, QStringLiteral("the text before the colon is no field name (printable "
                                        "ASCII without spaces); the line was kept as it is"));
        }
        if (entry.raw.size() > m_limits.maxHeaderLine) {
            qsizetype pos = 0;
            while (pos < entry.raw.size()) {
                qsizetype eol = entry.raw.indexOf('\n', pos);
                eol = eol < 0 ? entry.raw.size() : eol;
                const qsizetype length =
                    eol - pos - (eol > pos && entry.raw[eol - 1] == '\r' ? 1 : 0);
                if (length > m_limits.maxHeaderLine)
                    warn(at + pos, QStringLiteral("a header line of %1 bytes, more than %2 "
                                                  "(RFC 5322 allows 998)")
                                       .arg(length)
                                       .arg(m_limits.maxHeaderLine));
                pos = eol + 1;
            }
        }
    }
    if (section.hasEmptyLine()) {
        e.headerEnd = bytes.sliced(section.end, section.bodyOffset - section.end).toByteArray();
        *bodyStart = begin + section.bodyOffset;
    } else {
        *bodyStart = end;
        if (!bytes.isEmpty())
            warn(end, QStringLiteral("no empty line ends the header, so there is no body"));
    }
    e.headerSize = *bodyStart - begin;
}

void Parser::entity(MimeEntity &e, qsizetype begin, qsizetype end, int depth, bool inDigest)
{
    e.offset = begin;
    e.inDigest = inDigest;
    qsizetype bodyStart = end;
    header(e, begin, end, &bodyStart);

    // The fields that shape the tree: each should be there once.
    const HeaderField *contentType = nullptr;
    const HeaderField *encoding = nullptr;
    for (std::size_t i = 0; i < e.header.fields.size(); ++i) {
        const HeaderField &f = e.header.fields[i];
        for (auto [name, first] : {std::pair{"Content-Type", &contentType},
                                   std::pair{"Content-Transfer-Encoding", &encoding}}) {
            if (!nameIs(f.name, name))
                continue;
            if (*first)
                warn(begin, QStringLiteral("%1 appears more than once; the first is used")
                                .arg(QLatin1String(name)));
            else
                *first = &f;
        }
    }
    QByteArray type = inDigest ? "message/rfc822" : "text/plain";
    RawField ct;
    if (contentType) {
        Warnings local;
        ct = parseRawField(contentType->value, &local);
        for (const Warning &w : local)
            warn(begin, QStringLiteral("Content-Type: %1").arg(w.text));
        if (isValidMediaType(ct.value))
            type = ct.value;
        else
            warn(begin, QStringLiteral("the Content-Type \"%1\" is no type/subtype; the part is "
                                       "read as %2")
                            .arg(QString::fromLatin1(ct.value), QString::fromLatin1(type)));
    }
    const QByteArray cte = encoding ? withoutComments(encoding->value).toLower() : "7bit";
    const bool identity = cte == "7bit" || cte == "8bit" || cte == "binary";
    if (!identity && cte != "base64" && cte != "quoted-printable")
        warn(begin, QStringLiteral("unknown Content-Transfer-Encoding \"%1\"; the body is shown "
                                   "as it is")
                        .arg(QString::fromLatin1(cte)));

    const bool isMultipart = type.startsWith("multipart/");
    const bool isMessage = type == "message/rfc822";
    if (isMultipart || isMessage) {
        if (!identity) {
            warn(begin, QStringLiteral("a %1 must not be transfer-encoded (RFC 2045 section 6.4); "
                                       "its body is kept unread")
                            .arg(QString::fromLatin1(type)));
        } else if (depth >= m_limits.maxDepth) {
            warn(begin, QStringLiteral("nested more than %1 levels deep: this %2 is kept as it "
                                       "is, unread")
                            .arg(m_limits.maxDepth)
                            .arg(QString::fromLatin1(type)));
        } else if (isMessage) {
            e.embedded.emplace_back();
            entity(e.embedded.front(), bodyStart, end, depth + 1, false);
            return;
        } else {
            const QByteArray boundary = rawParameter(ct, "boundary");
            if (boundary.isEmpty())
                warn(begin, QStringLiteral("the multipart has no boundary parameter; its body "
                                           "is kept unread"));
            else if (multipart(e, boundary, bodyStart, end, depth, type == "multipart/digest"))
                return;
        }
    }
    e.body = m_all.sliced(bodyStart, end - bodyStart).toByteArray();
}

bool Parser::multipart(MimeEntity &e, const QByteArray &boundary, qsizetype begin, qsizetype end,
                       int depth, bool digest)
{
    if (std::find(m_boundaries.begin(), m_boundaries.end(), boundary) != m_boundaries.end())
        warn(e.offset, QStringLiteral("the boundary \"%1\" is also that of an enclosing multipart, "
                                      "whose delimiters cut this one's body")
                           .arg(QString::fromLatin1(boundary)));
    if (boundary.size() > 70)
        warn(e.offset, QStringLiteral("the boundary is %1 characters long; RFC 2046 allows 70")
                           .arg(boundary.size()));

    // A delimiter line (RFC 2046 section 5.1.1) is "--boundary" at the start of a line,
    // "--" after it for the closing one, optional white space, and the line end; the line
    // end before it belongs to it too.
    struct Delimiter
    {
        qsizetype start; // its leading line end, if it has one
        qsizetype end;   // after its own line end
        bool close;
    };
    std::vector<Delimiter> found;
    const QByteArray dash = "--" + boundary;
    const QByteArrayView scope = m_all.first(end);
    qsizetype pos = begin;
    qsizetype previousEnd = begin;
    while (true) {
        const qsizetype hit = scope.indexOf(dash, pos);
        if (hit < 0)
            break;
        pos = hit + 1;
        if (hit > begin && m_all[hit - 1] != '\n')
            continue;
        qsizetype q = hit + dash.size();
        bool close = false;
        if (q + 2 <= end && m_all[q] == '-' && m_all[q + 1] == '-') {
            close = true;
            q += 2;
        }
        while (q < end && isWsp(m_all[q]))
            ++q;
        if (q < end && m_all[q] == '\n')
            q += 1;
        else if (q + 1 < end && m_all[q] == '\r' && m_all[q + 1] == '\n')
            q += 2;
        else if (q != end)
            continue; // "--boundary" followed by more text: not a delimiter
        qsizetype start = hit;
        if (hit > previousEnd) { // the line end before it, unless a delimiter line took it
            start = hit - 1;
            if (start > previousEnd && m_all[start - 1] == '\r')
                --start;
        }
        found.push_back({start, q, close});
        previousEnd = pos = q;
        if (close)
            break; // after the closing delimiter all is epilogue
    }
    if (found.empty()) {
        warn(e.offset, QStringLiteral("the boundary \"%1\" never occurs in the multipart's body, "
                                      "which is kept unread")
                           .arg(QString::fromLatin1(boundary)));
        return false;
    }
    if (found.front().close) {
        warn(found.front().start, QStringLiteral("the multipart closes before its first part; "
                                                 "its body is kept unread"));
        return false;
    }

    m_boundaries.push_back(boundary);
    e.preamble = m_all.sliced(begin, found.front().start - begin).toByteArray();
    const bool closed = found.back().close;
    const std::size_t partCount = closed ? found.size() - 1 : found.size();
    e.parts.resize(partCount);
    e.delimiters.reserve(partCount);
    for (std::size_t i = 0; i < partCount; ++i) {
        const Delimiter &d = found[i];
        e.delimiters.push_back(m_all.sliced(d.start, d.end - d.start).toByteArray());
        const qsizetype partEnd = i + 1 < found.size() ? found[i + 1].start : end;
        entity(e.parts[i], d.end, partEnd, depth + 1, digest);
    }
    if (closed) {
        const Delimiter &d = found.back();
        e.closeDelimiter = m_all.sliced(d.start, d.end - d.start).toByteArray();
        e.epilogue = m_all.sliced(d.end, end - d.end).toByteArray();
    } else {
        warn(end, QStringLiteral("the multipart has no closing delimiter (--%1--); its last "
                                 "part runs to the end")
                      .arg(QString::fromLatin1(boundary)));
    }
    m_boundaries.pop_back();
    return true;
}

// Line ends and NUL bytes, once for the whole message: they concern every part alike.
void scanBytes(QByteArrayView bytes, Warnings &warnings)
{
    qsizetype bareLf = 0, firstBareLf = -1, bareCr = 0, firstBareCr = -1;
    for (qsizetype i = bytes.indexOf('\n'); i >= 0; i = bytes.indexOf('\n', i + 1)) {
        if (i == 0 || bytes[i - 1] != '\r') {
            if (bareLf++ == 0)
                firstBareLf = i;
        }
    }
    for (qsizetype i = bytes.indexOf('\r'); i >= 0; i = bytes.indexOf('\r', i + 1)) {
        if (i + 1 == bytes.size() || bytes[i + 1] != '\n') {
            if (bareCr++ == 0)
                firstBareCr = i;
        }
    }
    if (bareLf > 0)
        warnings.push_back({firstBareLf, QStringLiteral("%1 lines end in a bare LF rather than "
                                                        "CR LF; they were read as line ends")
                                             .arg(bareLf)});
    if (bareCr > 0)
        warnings.push_back({firstBareCr, QStringLiteral("%1 CRs are not followed by LF; they end "
                                                        "no line and were read as text")
                                             .arg(bareCr)});
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0)
        warnings.push_back({nul, QStringLiteral("%1 NUL bytes, which mail may not carry (RFC 5322 "
                                                "section 2.3), were kept")
                                     .arg(std::count(bytes.begin(), bytes.end(), '\0'))});
}

QByteArray chooseBoundary(const std::vector<MimeEntity> &parts)
{
    // Derived from the content, so that the same message is written the same way each time
    // (golden files, reproducible runs). "=_" cannot occur in base64 or in quoted-printable
    // (which writes '=' as =3D), so a clash is unlikely; it is checked all the same.
    std::vector<QByteArray> written;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const MimeEntity &part : parts) {
        written.push_back(serialize(part));
        hash.addData(written.back());
    }
    const QByteArray seed = hash.result();
    for (int attempt = 0;; ++attempt) {
        const QByteArray boundary =
            "=_MailSim_" +
            QCryptographicHash::hash(seed + QByteArray::number(attempt), QCryptographicHash::Sha256)
                .toHex()
                .left(24);
        const QByteArray dash = "--" + boundary;
        if (std::none_of(written.begin(), written.end(),
                         [&](const QByteArray &w) { return w.contains(dash); }))
            return boundary;
    }
}

// Removes the fields called `name` from fields[from] on, moving the strays with the fields
// they stood before.
void removeFrom(Header &header, QByteArrayView name, std::size_t from)
{
    std::vector<std::size_t> newIndex(header.fields.size() + 1);
    std::vector<HeaderField> kept;
    kept.reserve(header.fields.size());
    for (std::size_t j = 0; j < header.fields.size(); ++j) {
        newIndex[j] = kept.size();
        if (j < from || !nameIs(header.fields[j].name, name))
            kept.push_back(std::move(header.fields[j]));
    }
    newIndex[header.fields.size()] = kept.size();
    for (Header::Stray &s : header.strays)
        s.beforeField = newIndex[std::min(s.beforeField, header.fields.size())];
    header.fields = std::move(kept);
}

} // namespace

// --- Header -----------------------------------------------------------------------------

const HeaderField *Header::find(QByteArrayView name) const
{
    for (const HeaderField &f : fields) {
        if (nameIs(f.name, name))
            return &f;
    }
    return nullptr;
}

bool Header::has(QByteArrayView name) const
{
    return find(name) != nullptr;
}

QByteArray Header::value(QByteArrayView name) const
{
    const HeaderField *f = find(name);
    return f ? f->value : QByteArray();
}

QList<QByteArray> Header::values(QByteArrayView name) const
{
    QList<QByteArray> out;
    for (const HeaderField &f : fields) {
        if (nameIs(f.name, name))
            out.push_back(f.value);
    }
    return out;
}

void Header::add(const QByteArray &name, const QByteArray &value)
{
    fields.push_back({name, value, {}});
}

void Header::prepend(const QByteArray &name, const QByteArray &value)
{
    fields.insert(fields.begin(), {name, value, {}});
    // A stray keeps its place among the fields that were there. Lines before the first
    // field stay first: one that starts with white space would otherwise be read as a
    // continuation of the new field, and an mbox "From " line belongs at the top.
    for (Stray &s : strays)
        s.beforeField += s.beforeField > 0 ? 1 : 0;
}

void Header::set(const QByteArray &name, const QByteArray &value)
{
    const auto first = std::find_if(fields.begin(), fields.end(),
                                    [&](const HeaderField &f) { return nameIs(f.name, name); });
    if (first == fields.end()) {
        add(name, value);
        return;
    }
    *first = {name, value, {}};
    removeFrom(*this, name, std::size_t(first - fields.begin()) + 1);
}

void Header::remove(QByteArrayView name)
{
    removeFrom(*this, name, 0);
}

QByteArray foldField(QByteArrayView name, QByteArrayView value)
{
    QByteArray out = name.toByteArray() + ':';
    if (value.isEmpty())
        return out + "\r\n";
    QByteArray text = ' ' + value.toByteArray();
    text.replace('\r', ' ').replace('\n', ' ');
    constexpr qsizetype kLine = 78;
    qsizetype lineLength = out.size();
    qsizetype i = 0;
    while (i < text.size()) {
        // A chunk is a run of white space and the word after it; a fold goes before the
        // white space, so no line is white space only.
        qsizetype j = i;
        while (j < text.size() && isWsp(text[j]))
            ++j;
        qsizetype k = j;
        while (k < text.size() && !isWsp(text[k]))
            ++k;
        if (k > j && lineLength + (k - i) > kLine && lineLength > 0) {
            out += "\r\n";
            lineLength = 0;
        }
        out += QByteArrayView(text).sliced(i, k - i);
        lineLength += k - i;
        i = k;
    }
    return out + "\r\n";
}

// --- parameters -------------------------------------------------------------------------

QString FieldWithParameters::parameter(QByteArrayView name) const
{
    for (const auto &[n, v] : parameters) {
        if (nameIs(n, name))
            return v;
    }
    return {};
}

bool FieldWithParameters::hasParameter(QByteArrayView name) const
{
    return std::any_of(parameters.begin(), parameters.end(),
                       [&](const auto &p) { return nameIs(p.first, name); });
}

FieldWithParameters parseFieldWithParameters(QByteArrayView fieldValue, Warnings *warnings)
{
    const RawField raw = parseRawField(fieldValue, warnings);
    FieldWithParameters result;
    result.value = raw.value;

    // RFC 2231: name*=charset'language'%XX..., or in sections name*0*=..., name*1=...
    struct Section
    {
        int index;
        bool extended;
        QByteArray value;
    };
    struct Group
    {
        QByteArray name;
        bool hasPlain = false;
        QByteArray plain;
        std::vector<Section> sections;
        qsizetype offset = 0;
    };
    std::vector<Group> groups;
    for (const RawParameter &p : raw.parameters) {
        QByteArray base = p.name;
        int index = -1;
        bool extended = false;
        if (const qsizetype star = base.indexOf('*'); star >= 0) {
            QByteArray rest = base.mid(star + 1);
            extended = rest.endsWith('*') || rest.isEmpty();
            if (rest.endsWith('*'))
                rest.chop(1);
            bool ok = rest.isEmpty();
            index = ok ? 0 : rest.toInt(&ok);
            if (ok && std::all_of(rest.begin(), rest.end(),
                                  [](char c) { return c >= '0' && c <= '9'; })) {
                base.truncate(star);
            } else {
                warn(warnings, p.offset,
                     QStringLiteral("the parameter name \"%1\" is no RFC 2231 form; it is taken "
                                    "as it is")
                         .arg(QString::fromLatin1(p.name)));
                index = -1;
                extended = false;
            }
        }
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const Group &x) { return x.name == base; });
        if (g == groups.end()) {
            groups.push_back({base, false, {}, {}, p.offset});
            g = groups.end() - 1;
        }
        const bool duplicate =
            index < 0 ? g->hasPlain
                      : std::any_of(g->sections.begin(), g->sections.end(),
                                    [&](const Section &s) { return s.index == index; });
        if (duplicate) { // the same section in two spellings, "x*0" and "x*0*"
            warn(warnings, p.offset,
                 QStringLiteral("the parameter \"%1\" is given twice; the first is used")
                     .arg(QString::fromLatin1(p.name)));
        } else if (index < 0) {
            g->hasPlain = true;
            g->plain = p.value;
        } else {
            g->sections.push_back({index, extended, p.value});
        }
    }

    for (Group &g : groups) {
        if (g.sections.empty()) {
            result.parameters.emplace_back(g.name, utf8OrLatin1(g.plain));
            continue;
        }
        std::sort(g.sections.begin(), g.sections.end(),
                  [](const Section &a, const Section &b) { return a.index < b.index; });
        if (g.sections.back().index + 1 != int(g.sections.size()))
            warn(warnings, g.offset,
                 QStringLiteral("the sections of the parameter \"%1\" are not numbered 0, 1, 2... "
                                "without gaps; those found were joined")
                     .arg(QString::fromLatin1(g.name)));
        QByteArray bytes;
        QByteArray charset;
        bool malformed = false;
        for (std::size_t i = 0; i < g.sections.size(); ++i) {
            QByteArrayView v = g.sections[i].value;
            if (!g.sections[i].extended) {
                bytes += v;
                continue;
            }
            if (i == 0) {
                const qsizetype q1 = v.indexOf('\'');
                const qsizetype q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
                if (q2 < 0) {
                    warn(warnings, g.offset,
                         QStringLiteral("the parameter \"%1\" lacks the charset'language' "
                                        "prefix of RFC 2231")
                             .arg(QString::fromLatin1(g.name)));
                } else {
                    charset = v.first(q1).toByteArray();
                    v = v.sliced(q2 + 1);
                }
            }
            bytes += percentDecode(v, &malformed);
        }
        if (malformed)
            warn(warnings, g.offset,
                 QStringLiteral("the parameter \"%1\" holds a '%' that starts no %XX escape")
                     .arg(QString::fromLatin1(g.name)));
        Warnings local;
        QString text = charset.isEmpty()
                           ? utf8OrLatin1(bytes)
                           : decodeCharset(bytes, charset, warnings ? &local : nullptr);
        for (const Warning &w : local)
            warn(warnings, g.offset, w.text);
        result.parameters.emplace_back(g.name, std::move(text));
    }
    return result;
}

// --- MimeEntity -------------------------------------------------------------------------

FieldWithParameters MimeEntity::contentType() const
{
    if (const HeaderField *f = header.find("Content-Type")) {
        FieldWithParameters ct = parseFieldWithParameters(f->value);
        if (isValidMediaType(ct.value))
            return ct;
    }
    FieldWithParameters fallback;
    if (inDigest) {
        fallback.value = "message/rfc822";
    } else {
        fallback.value = "text/plain";
        fallback.parameters.emplace_back("charset", QStringLiteral("us-ascii"));
    }
    return fallback;
}

QByteArray MimeEntity::mediaType() const
{
    return contentType().value;
}

bool MimeEntity::isMultipart() const
{
    return mediaType().startsWith("multipart/");
}

QByteArray MimeEntity::transferEncoding() const
{
    const HeaderField *f = header.find("Content-Transfer-Encoding");
    const QByteArray value = f ? withoutComments(f->value).toLower() : QByteArray();
    return value.isEmpty() ? QByteArray("7bit") : value;
}

FieldWithParameters MimeEntity::disposition() const
{
    const HeaderField *f = header.find("Content-Disposition");
    return f ? parseFieldWithParameters(f->value) : FieldWithParameters();
}

bool MimeEntity::isAttachment() const
{
    return disposition().value == "attachment";
}

QString MimeEntity::filename() const
{
    QString name = disposition().parameter("filename");
    if (name.isEmpty())
        name = contentType().parameter("name");
    if (name.contains(QLatin1String("=?")))
        name = decodeHeaderText(name.toUtf8());
    return name;
}

QByteArray MimeEntity::decodedBody(Warnings *warnings) const
{
    const QByteArray cte = transferEncoding();
    Warnings local;
    Warnings *w = warnings ? &local : nullptr;
    QByteArray out;
    if (cte == "base64") {
        out = base64DecodeLenient(body, w);
    } else if (cte == "quoted-printable") {
        out = quotedPrintableDecode(body, w);
    } else {
        if (cte != "7bit" && cte != "8bit" && cte != "binary")
            warn(w, 0,
                 QStringLiteral("unknown Content-Transfer-Encoding \"%1\"; the body is "
                                "given as it is")
                     .arg(QString::fromLatin1(cte)));
        out = body;
    }
    for (Warning &x : local) {
        if (offset >= 0)
            x.offset = x.offset < 0 ? bodyOffset() : x.offset + bodyOffset();
        warnings->push_back(std::move(x));
    }
    return out;
}

QString MimeEntity::text(Warnings *warnings) const
{
    const QByteArray bytes = decodedBody(warnings);
    QString charset = contentType().parameter("charset");
    if (charset.isEmpty())
        charset = QStringLiteral("us-ascii");
    Warnings local;
    QString result = decodeCharset(bytes, charset.toLatin1(), warnings ? &local : nullptr);
    for (Warning &x : local) {
        x.offset = bodyOffset();
        warnings->push_back(std::move(x));
    }
    return result;
}

// --- reading and writing ----------------------------------------------------------------

ParsedMessage parseMessage(QByteArrayView bytes, const ParseLimits &limits)
{
    ParsedMessage result;
    scanBytes(bytes, result.warnings);
    Parser parser(bytes, limits, result.warnings);
    parser.entity(result.root, 0, bytes.size(), 0, false);
    parser.finish();
    return result;
}

QByteArray serialize(const MimeEntity &entity)
{
    QByteArray out;
    writeEntity(out, entity);
    return out;
}

// --- building ---------------------------------------------------------------------------

MimeEntity makeTextPart(const QString &text, QByteArrayView subtype, bool eightBit)
{
    QByteArray bytes = text.toUtf8();
    // Text in mail has CR LF line ends (RFC 2046 section 4.1.1), whatever the editor used.
    bytes.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    const bool ascii = isAscii(bytes);
    qsizetype longest = 0;
    for (qsizetype pos = 0; pos < bytes.size();) {
        qsizetype eol = bytes.indexOf("\r\n", pos);
        eol = eol < 0 ? bytes.size() : eol;
        longest = std::max(longest, eol - pos);
        pos = eol + 2;
    }
    QByteArray cte;
    MimeEntity e;
    if (!bytes.contains('\0') && longest <= 78 && (ascii || eightBit)) {
        cte = ascii ? "7bit" : "8bit";
        e.body = bytes;
    } else {
        cte = sevenBitEncodingFor(bytes, true);
        e.body = cte == "quoted-printable" ? quotedPrintableEncode(bytes) : base64Encode(bytes);
    }
    const QByteArray sub =
        subtype.isEmpty() ? QByteArray("plain") : subtype.toByteArray().toLower();
    e.header.add("Content-Type", "text/" + sub + "; charset=" + (ascii ? "us-ascii" : "utf-8"));
    e.header.add("Content-Transfer-Encoding", cte);
    return e;
}

QByteArray sevenBitEncodingFor(QByteArrayView bytes, bool isText)
{
    if (!isText)
        return "base64";
    // Quoted-printable keeps mostly-ASCII text readable on the wire, which is the point in a
    // classroom; base64 is shorter once more than a sixth of the bytes need escapes, but it
    // takes more than a third before the text is no longer worth reading.
    const auto escaped = std::count_if(bytes.begin(), bytes.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x7F || c == '=' || (u < 0x20 && c != '\r' && c != '\n' && c != '\t');
    });
    return escaped * 3 <= bytes.size() ? "quoted-printable" : "base64";
}

MimeEntity makeAttachment(const QString &filename, QByteArrayView mediaType,
                          const QByteArray &bytes)
{
    QByteArray type = mediaType.trimmed().toByteArray().toLower();
    if (!isValidMediaType(type))
        type = "application/octet-stream";
    MimeEntity e;
    // The name in Content-Type too, for readers older than RFC 2183.
    e.header.add("Content-Type",
                 filename.isEmpty() ? type : type + "; " + formatParameter("name", filename));
    e.header.add("Content-Transfer-Encoding", "base64");
    e.header.add("Content-Disposition",
                 filename.isEmpty() ? QByteArray("attachment")
                                    : "attachment; " + formatParameter("filename", filename));
    e.body = base64Encode(bytes);
    return e;
}

MimeEntity makeMultipart(QByteArrayView subtype, std::vector<MimeEntity> parts)
{
    MimeEntity e;
    const QByteArray sub =
        subtype.isEmpty() ? QByteArray("mixed") : subtype.toByteArray().toLower();
    if (sub == "digest") {
        for (MimeEntity &p : parts)
            p.inDigest = true;
    }
    e.header.add("Content-Type",
                 "multipart/" + sub + "; boundary=\"" + chooseBoundary(parts) + '"');
    e.parts = std::move(parts);
    return e;
}

MimeEntity makeMessagePart(MimeEntity message)
{
    MimeEntity e;
    e.header.add("Content-Type", "message/rfc822");
    e.embedded.push_back(std::move(message));
    return e;
}

} // namespace mailsim::message
