#include "message/codecs.h"

#include "protocol/common/ascii.h"

#include <QStringDecoder>
#include <QStringEncoder>

#include <algorithm>
#include <array>

namespace mailsim::message {

namespace {

// The base64 alphabet of RFC 2045 section 6.8 (not the URL-safe one).
constexpr std::array<bool, 256> kBase64Alphabet = [] {
    std::array<bool, 256> table{};
    for (int c = 'A'; c <= 'Z'; ++c)
        table[std::size_t(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[std::size_t(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        table[std::size_t(c)] = true;
    table['+'] = table['/'] = true;
    return table;
}();

bool isBase64Char(char c)
{
    return kBase64Alphabet[static_cast<unsigned char>(c)];
}
bool isWsp(char c)
{
    return c == ' ' || c == '\t';
}
bool isLineSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


constexpr char kHexDigits[] = "0123456789ABCDEF";

void appendEscape(QByteArray &out, unsigned char byte)
{
    const char escape[3] = {'=', kHexDigits[byte >> 4], kHexDigits[byte & 15]};
    out.append(escape, 3);
}

// Counts one kind of problem in a decoder, so that a body with ten thousand bad bytes gives
// one warning saying so, not ten thousand.
struct Tally
{
    qsizetype count = 0;
    qsizetype first = -1;
    void hit(qsizetype offset)
    {
        if (count++ == 0)
            first = offset;
    }
    void report(Warnings *warnings, const QString &text) const
    {
        if (warnings && count > 0)
            warnings->push_back({first, text.arg(count)});
    }
};

void warn(Warnings *warnings, qsizetype offset, const QString &text)
{
    if (warnings)
        warnings->push_back({offset, text});
}

bool isAscii(QByteArrayView bytes)
{
    return std::all_of(bytes.begin(), bytes.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

QByteArray normalizedCharset(QByteArrayView charset)
{
    return charset.trimmed().toByteArray().toLower();
}

// The names RFC 1345 and the IANA registry give US-ASCII, which some ICU versions do not
// know under all of its aliases.
bool isAsciiCharset(const QByteArray &name)
{
    return name == "us-ascii" || name == "ascii" || name == "ansi_x3.4-1968" || name == "us" ||
           name == "iso646-us";
}

// Text that is not ASCII and carries no charset: UTF-8 if it is valid UTF-8 (RFC 6532 lets
// header fields hold it), else Latin-1, which maps each byte to a character and so shows
// every byte.
QString utf8OrLatin1(QByteArrayView bytes, bool *wasLatin1)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Default);
    QString text = utf8.decode(bytes);
    *wasLatin1 = utf8.hasError();
    return *wasLatin1 ? QString::fromLatin1(bytes) : text;
}

// One encoded word's text in the "Q" encoding (RFC 2047 section 4.2).
QByteArray decodeQ(QByteArrayView text, bool *malformed)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '_') {
            out += ' ';
        } else if (c == '=' && i + 2 < text.size() && protocol::hexDigitValue(text[i + 1]) >= 0 &&
                   protocol::hexDigitValue(text[i + 2]) >= 0) {
            out += char(protocol::hexDigitValue(text[i + 1]) * 16 + protocol::hexDigitValue(text[i + 2]));
            i += 2;
        } else {
            *malformed = *malformed || c == '=';
            out += c;
        }
    }
    return out;
}

// The characters that may stand for themselves in a "Q" word wherever an encoded word may
// be, phrases included (RFC 2047 section 5, rule 3): the composer uses the same words for
// display names and for the Subject.
bool isQLiteral(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '!' ||
           c == '*' || c == '+' || c == '-' || c == '/';
}

bool isUtf8Continuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

} // namespace

// --- base64 -----------------------------------------------------------------------------

QByteArray base64Encode(QByteArrayView bytes, int lineLength)
{
    lineLength = std::clamp(lineLength, 1, 76);
    const QByteArray flat = QByteArray::fromRawData(bytes.data(), bytes.size()).toBase64();
    QByteArray out;
    out.reserve(flat.size() + (flat.size() / lineLength + 1) * 2);
    for (qsizetype i = 0; i < flat.size(); i += lineLength) {
        out.append(flat.constData() + i, std::min<qsizetype>(lineLength, flat.size() - i));
        out.append("\r\n", 2);
    }
    return out;
}

std::optional<QByteArray> base64DecodeStrict(QByteArrayView text)
{
    QByteArray clean(text.size(), Qt::Uninitialized);
    char *out = clean.data();
    for (const char c : text) {
        if (!isLineSpace(c))
            *out++ = c;
    }
    clean.truncate(out - clean.constData());
    // Qt accepts a final quantum without its padding even when told to abort on errors;
    // RFC 2045 does not.
    if (clean.size() % 4 != 0)
        return std::nullopt;
    auto result = QByteArray::fromBase64Encoding(clean, QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return std::move(result.decoded);
}

QByteArray base64DecodeLenient(QByteArrayView text, Warnings *warnings)
{
    // Nearly every body is well-formed base64 in lines. One scan tells; then Qt decodes the
    // text as it is, skipping the line ends itself, as fast as it can.
    qsizetype i = 0;
    qsizetype count = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (isBase64Char(c))
            ++count;
        else if (!isLineSpace(c))
            break;
    }
    int pads = 0;
    for (; i < text.size() && (text[i] == '=' || isLineSpace(text[i])); ++i)
        pads += text[i] == '=';
    const int expectedPads = count % 4 == 0 ? 0 : count % 4 == 1 ? -1 : int(4 - count % 4);
    if (i == text.size() && pads == expectedPads)
        return QByteArray::fromBase64(QByteArray::fromRawData(text.data(), text.size()));

    // What survives is copied into `clean` and handed to Qt's strict decoder, so the bytes
    // come out of Qt whichever way the text was damaged.
    QByteArray clean(text.size() + 3, Qt::Uninitialized);
    char *out = clean.data();
    Tally stray;
    enum class State
    {
        Data,
        Padding,
        Done
    } state = State::Data;
    int padsMissing = 0;
    qsizetype ignoredFrom = -1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (isBase64Char(c)) {
            if (state != State::Data) {
                // As Python's binascii and most mail readers do: padding ends the data.
                ignoredFrom = i;
                break;
            }
            *out++ = c;
        } else if (c == '=') {
            const auto quantum = (out - clean.constData()) % 4;
            if (state == State::Data && quantum >= 2) {
                padsMissing = int(3 - quantum); // after this '='
                state = padsMissing == 0 ? State::Done : State::Padding;
            } else if (state == State::Padding) {
                state = --padsMissing == 0 ? State::Done : State::Padding;
            } else if (state == State::Data) {
                stray.hit(i); // a '=' where no padding can be
            }                 // more '=' after complete padding: harmless
        } else if (!isLineSpace(c)) {
            stray.hit(i);
        }
    }
    stray.report(warnings, QStringLiteral("the base64 text holds %1 characters outside the "
                                          "base64 alphabet; they were skipped"));
    if (ignoredFrom >= 0)
        warn(warnings, ignoredFrom,
             QStringLiteral("the base64 text goes on after its padding ('='); the rest was "
                            "ignored"));
    qsizetype size = out - clean.constData();
    if (size % 4 == 1) {
        warn(warnings, text.size(),
             QStringLiteral("the base64 text ends in a single character (6 bits, less than a "
                            "byte); it was dropped"));
        --size;
        --out;
    } else if (size % 4 != 0) {
        if (state != State::Done)
            warn(warnings, text.size(),
                 QStringLiteral("the base64 text ends without its padding ('=')"));
        while ((out - clean.constData()) % 4 != 0)
            *out++ = '=';
        size = out - clean.constData();
    }
    clean.truncate(size);
    auto result = QByteArray::fromBase64Encoding(clean, QByteArray::AbortOnBase64DecodingErrors);
    Q_ASSERT(result); // `clean` is well-formed by construction
    return std::move(result.decoded);
}

// --- quoted-printable ------------------------------------------------------------------

QByteArray quotedPrintableEncode(QByteArrayView bytes, bool binary)
{
    // Each line holds at most 75 characters before its soft break "=", so that no line is
    // longer than 76 (RFC 2045 section 6.7, rule 5); an escape is never split.
    constexpr qsizetype kMaxContent = 75;
    QByteArray out;
    out.reserve(bytes.size() + bytes.size() / 8 + 16);
    qsizetype lineLength = 0;
    const auto room = [&](qsizetype needed) {
        if (lineLength + needed > kMaxContent) {
            out.append("=\r\n", 3);
            lineLength = 0;
        }
        lineLength += needed;
    };
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (!binary && c == '\r' && i + 1 < n && bytes[i + 1] == '\n') {
            out.append("\r\n", 2);
            lineLength = 0;
            ++i;
            continue;
        }
        // White space at the end of a line would be taken for transport padding and removed
        // by the decoder (rule 3), so it is encoded there.
        const bool atLineEnd =
            i + 1 == n || (!binary && bytes[i + 1] == '\r' && i + 2 < n && bytes[i + 2] == '\n');
        const bool literal =
            (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !atLineEnd);
        if (literal) {
            room(1);
            out += char(c);
        } else {
            room(3);
            appendEscape(out, c);
        }
    }
    return out;
}

QByteArray quotedPrintableDecode(QByteArrayView text, Warnings *warnings)
{
    QByteArray out;
    out.reserve(text.size());
    Tally malformed;
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype eol = text.indexOf('\n', pos);
        const qsizetype next = eol < 0 ? text.size() : eol + 1;
        qsizetype contentEnd = eol < 0 ? text.size() : eol;
        if (eol >= 0 && contentEnd > pos && text[contentEnd - 1] == '\r')
            --contentEnd;
        const QByteArrayView lineEnd = text.sliced(contentEnd, next - contentEnd);
        // Rule 3: white space at the end of a line was added in transport; delete it.
        while (contentEnd > pos && isWsp(text[contentEnd - 1]))
            --contentEnd;
        bool softBreak = false;
        for (qsizetype i = pos; i < contentEnd; ++i) {
            const char c = text[i];
            if (c != '=') {
                out += c;
            } else if (i + 1 == contentEnd) {
                softBreak = true;
            } else if (i + 2 < contentEnd && protocol::hexDigitValue(text[i + 1]) >= 0 &&
                       protocol::hexDigitValue(text[i + 2]) >= 0) {
                out += char(protocol::hexDigitValue(text[i + 1]) * 16 + protocol::hexDigitValue(text[i + 2]));
                i += 2;
            } else {
                malformed.hit(i);
                out += c;
            }
        }
        if (!softBreak)
            out += lineEnd;
        pos = next;
    }
    malformed.report(warnings, QStringLiteral("the quoted-printable text holds %1 '=' that "
                                              "start no escape (=XX); they were kept as they are"));
    return out;
}

// --- encoded words ----------------------------------------------------------------------

QByteArray encodeHeaderText(const QString &text, char encoding)
{
    const QByteArray utf8 = text.toUtf8();
    // Plain ASCII stays as it is, unless it holds control characters (a header line cannot
    // carry them) or something a decoder would take for an encoded word.
    const bool plain = isAscii(utf8) && !utf8.contains("=?") &&
                       std::none_of(utf8.begin(), utf8.end(),
                                    [](char c) { return (c < 0x20 && c != '\t') || c == 0x7F; });
    if (plain)
        return utf8;

    // Words of at most 64 characters, well within the 75 of RFC 2047 section 2, so that the
    // first one fits on the line after a field name such as "Subject: " (RFC 5322 folds at
    // 78). A word ends between characters, never inside one (section 5, rule 3).
    constexpr qsizetype kWordText = 64 - 12; // "=?UTF-8?B?" and "?=" take 12
    const bool q = encoding == 'Q' || encoding == 'q';
    const QByteArray prefix = q ? "=?UTF-8?Q?" : "=?UTF-8?B?";
    QByteArray out;
    qsizetype start = 0;
    while (start < utf8.size()) {
        qsizetype end = start;
        qsizetype cost = 0;
        while (end < utf8.size()) {
            qsizetype charEnd = end + 1;
            while (charEnd < utf8.size() && isUtf8Continuation(utf8[charEnd]))
                ++charEnd;
            qsizetype charCost = 0;
            if (q) {
                for (qsizetype i = end; i < charEnd; ++i)
                    charCost += (isQLiteral(utf8[i]) || utf8[i] == ' ') ? 1 : 3;
                if (cost + charCost > kWordText)
                    break;
            } else if ((charEnd - start + 2) / 3 * 4 > kWordText) {
                break;
            }
            cost += charCost;
            end = charEnd;
        }
        if (end == start) // cannot happen with UTF-8 from QString, but never loop forever
            end = start + 1;
        if (!out.isEmpty())
            out += ' '; // white space between encoded words is dropped when decoding
        out += prefix;
        const QByteArrayView chunk = QByteArrayView(utf8).sliced(start, end - start);
        if (q) {
            for (const char c : chunk) {
                if (c == ' ')
                    out += '_';
                else if (isQLiteral(c))
                    out += c;
                else
                    appendEscape(out, static_cast<unsigned char>(c));
            }
        } else {
            out += chunk.toByteArray().toBase64();
        }
        out += "?=";
        start = end;
    }
    return out;
}

QString decodeHeaderText(QByteArrayView text, Warnings *warnings)
{
    QString result;
    // Adjacent encoded words in the same charset are joined before decoding: an encoder may
    // have split a character between them, which RFC 2047 forbids but happens.
    QByteArray pendingBytes;
    QByteArray pendingCharset;
    qsizetype pendingOffset = -1;
    bool latin1 = false;
    qsizetype latin1Offset = -1;
    const auto flush = [&] {
        if (pendingOffset < 0)
            return;
        Warnings local;
        result += decodeCharset(pendingBytes, pendingCharset, warnings ? &local : nullptr);
        for (Warning &w : local)
            warn(warnings, pendingOffset, w.text);
        pendingBytes.clear();
        pendingOffset = -1;
    };
    const auto plainText = [&](QByteArrayView bytes, qsizetype offset) {
        flush();
        bool wasLatin1 = false;
        result += utf8OrLatin1(bytes, &wasLatin1);
        if (wasLatin1 && !latin1) {
            latin1 = true;
            latin1Offset = offset;
        }
    };

    qsizetype pos = 0;
    bool afterWord = false;
    while (pos < text.size()) {
        const qsizetype start = text.indexOf("=?", pos);
        // "=?" charset "?" B|Q "?" text "?=", the text without '?' or a line break.
        qsizetype q1 = -1, q2 = -1, close = -1;
        if (start >= 0) {
            q1 = text.indexOf('?', start + 2);
            if (q1 > start + 2 && q1 + 2 < text.size() && text[q1 + 2] == '?')
                q2 = q1 + 2;
            if (q2 >= 0)
                close = text.indexOf("?=", q2 + 1);
        }
        const auto word = [&]() -> bool {
            if (close < 0)
                return false;
            const char enc = text[q1 + 1];
            if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q')
                return false;
            const QByteArrayView charset = text.sliced(start + 2, q1 - start - 2);
            const QByteArrayView body = text.sliced(q2 + 1, close - q2 - 1);
            if (charset.contains(' ') || body.contains('\n') || body.contains('\r'))
                return false;
            return true;
        }();
        if (!word) {
            if (start < 0) {
                plainText(text.sliced(pos), pos);
                break;
            }
            // Not an encoded word: the "=?" is text; go on after it.
            plainText(text.sliced(pos, start + 2 - pos), pos);
            pos = start + 2;
            afterWord = false;
            continue;
        }
        // White space between two encoded words is no part of the text (section 6.2).
        const QByteArrayView between = text.sliced(pos, start - pos);
        const bool onlySpace = std::all_of(between.begin(), between.end(), isLineSpace);
        if (!(afterWord && onlySpace) && !between.isEmpty())
            plainText(between, pos);

        QByteArray charset = text.sliced(start + 2, q1 - start - 2).toByteArray();
        if (const qsizetype star = charset.indexOf('*'); star >= 0)
            charset.truncate(star); // RFC 2231 section 5: a language after '*'
        const QByteArrayView body = text.sliced(q2 + 1, close - q2 - 1);
        QByteArray bytes;
        const char enc = text[q1 + 1];
        if (enc == 'B' || enc == 'b') {
            Warnings local;
            bytes = base64DecodeLenient(body, warnings ? &local : nullptr);
            if (!local.empty())
                warn(warnings, start,
                     QStringLiteral("a \"B\" encoded word holds damaged base64: %1")
                         .arg(local.front().text));
        } else {
            bool malformed = false;
            bytes = decodeQ(body, &malformed);
            if (malformed)
                warn(warnings, start,
                     QStringLiteral("a \"Q\" encoded word holds a '=' that starts no escape"));
        }
        if (pendingOffset >= 0 && charset.compare(pendingCharset, Qt::CaseInsensitive) != 0)
            flush();
        if (pendingOffset < 0) {
            pendingOffset = start;
            pendingCharset = charset;
        }
        pendingBytes += bytes;
        pos = close + 2;
        afterWord = true;
    }
    flush();
    if (latin1)
        warn(warnings, latin1Offset,
             QStringLiteral("header text that is not UTF-8 was read as Latin-1"));
    return result;
}

// --- character sets ---------------------------------------------------------------------

QString decodeCharset(QByteArrayView bytes, QByteArrayView charset, Warnings *warnings)
{
    const QByteArray name = normalizedCharset(charset);
    if (name.isEmpty() || isAsciiCharset(name)) {
        if (isAscii(bytes))
            return QString::fromLatin1(bytes);
        bool wasLatin1 = false;
        QString text = utf8OrLatin1(bytes, &wasLatin1);
        warn(warnings, -1,
             wasLatin1 ? QStringLiteral("text said to be US-ASCII holds 8-bit bytes; read as "
                                        "Latin-1")
                       : QStringLiteral("text said to be US-ASCII holds 8-bit bytes; read as "
                                        "UTF-8"));
        return text;
    }
    QStringDecoder decoder(name.constData(), QStringDecoder::Flag::Default);
    if (!decoder.isValid()) {
        warn(warnings, -1,
             QStringLiteral("unknown character set \"%1\"; the text was read as Latin-1")
                 .arg(QString::fromLatin1(charset)));
        return QString::fromLatin1(bytes);
    }
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        warn(warnings, -1,
             QStringLiteral("the text holds bytes that are not valid %1; they were replaced by "
                            "U+FFFD")
                 .arg(QString::fromLatin1(decoder.name())));
    return text;
}

std::optional<QByteArray> encodeCharset(const QString &text, QByteArrayView charset)
{
    const QByteArray name = normalizedCharset(charset);
    if (isAsciiCharset(name)) {
        for (const QChar c : text) {
            if (c.unicode() >= 0x80)
                return std::nullopt;
        }
        return text.toLatin1();
    }
    QStringEncoder encoder(name.constData(), QStringEncoder::Flag::Default);
    if (!encoder.isValid())
        return std::nullopt;
    QByteArray bytes = encoder.encode(text);
    if (encoder.hasError())
        return std::nullopt;
    return bytes;
}

} // namespace mailsim::message
