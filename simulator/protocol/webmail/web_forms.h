// The small pieces of the web a web mail needs besides HTTP: HTML escaping for everything a
// page shows, and the application/x-www-form-urlencoded bodies that HTML forms send
// (WHATWG URL standard, "application/x-www-form-urlencoded parsing").
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <optional>
#include <utility>
#include <vector>

namespace mailsim::webmail {

// Text as HTML5 character data or a quoted attribute value: & < > " ' become references,
// and characters HTML forbids in a document (NUL, other C0 controls than tab, LF and CR,
// and C1 controls) become U+FFFD, so that no message text can open a tag or leave an
// attribute. UTF-8 out.
QByteArray htmlEscape(const QString &text);

struct Form
{
    std::vector<std::pair<QString, QString>> fields; // in order
    // The first value of `name`, "" if absent.
    [[nodiscard]] QString value(const QString &name) const;
    [[nodiscard]] bool has(const QString &name) const;
};

// "a=1&b=x+y%21": '+' is a space, %XX a byte, the bytes UTF-8. Nothing when an escape is
// malformed or the bytes are not UTF-8 (a form this application never sends).
std::optional<Form> parseForm(QByteArrayView body);
// The reverse, for the browser: each name and value escaped, '&' between pairs.
QByteArray encodeForm(const std::vector<std::pair<QString, QString>> &fields);

} // namespace mailsim::webmail
