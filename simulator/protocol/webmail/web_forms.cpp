#include "protocol/webmail/web_forms.h"

#include "protocol/common/ascii.h"

#include <QList>
#include <QStringDecoder>

namespace mailsim::webmail {

QByteArray htmlEscape(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (QChar c : text) {
        const char16_t u = c.unicode();
        switch (u) {
        case '&': out += QLatin1String("&amp;"); continue;
        case '<': out += QLatin1String("&lt;"); continue;
        case '>': out += QLatin1String("&gt;"); continue;
        case '"': out += QLatin1String("&quot;"); continue;
        case '\'': out += QLatin1String("&#39;"); continue;
        default: break;
        }
        const bool forbiddenControl =
            (u < 0x20 && u != '\t' && u != '\n' && u != '\r') || (u >= 0x7f && u <= 0x9f);
        out += forbiddenControl ? QChar(0xFFFD) : c;
    }
    return out.toUtf8();
}

QString Form::value(const QString &name) const
{
    for (const auto &[n, v] : fields) {
        if (n == name)
            return v;
    }
    return {};
}

bool Form::has(const QString &name) const
{
    for (const auto &field : fields) {
        if (field.first == name)
            return true;
    }
    return false;
}

namespace {


std::optional<QString> decodeComponent(QByteArrayView text)
{
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int high = protocol::hexDigitValue(text[i + 1]);
            const int low = protocol::hexDigitValue(text[i + 2]);
            if (high < 0 || low < 0)
                return std::nullopt;
            bytes += char(high * 16 + low);
            i += 2;
        } else {
            bytes += c;
        }
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString decoded = utf8.decode(bytes);
    if (utf8.hasError())
        return std::nullopt;
    return decoded;
}

QByteArray encodeComponent(const QString &text)
{
    // Unreserved characters stay; everything else, space included, is %XX (a space could
    // be '+', but one spelling is easier to read in a trace).
    return text.toUtf8().toPercentEncoding();
}

} // namespace

std::optional<Form> parseForm(QByteArrayView body)
{
    Form form;
    for (const QByteArray &pair : body.toByteArray().split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const auto name = decodeComponent(eq < 0 ? QByteArrayView(pair) : QByteArrayView(pair).first(eq));
        const auto value = decodeComponent(eq < 0 ? QByteArrayView() : QByteArrayView(pair).sliced(eq + 1));
        if (!name || !value)
            return std::nullopt;
        form.fields.emplace_back(*name, *value);
    }
    return form;
}

QByteArray encodeForm(const std::vector<std::pair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        out += encodeComponent(name) + '=' + encodeComponent(value);
    }
    return out;
}

} // namespace mailsim::webmail
