// Messages for the tests of the MIME tree and the inspector's MIME tab, written out byte by
// byte, so that the tests know every offset and size without asking the library that
// reads them.
#pragma once

#include <QByteArray>

namespace mailsim::gui::test {

// 1,000 bytes that are all different from their neighbours and include every kind: NUL,
// controls, printable ASCII, bytes above 127.
inline QByteArray sampleAttachment()
{
    QByteArray bytes(1000, '\0');
    for (int i = 0; i < bytes.size(); ++i)
        bytes[i] = char((i * 7) % 256);
    return bytes;
}

// base64 in lines of 76 characters, each ended by CR LF, as RFC 2045 asks.
inline QByteArray base64Lines(const QByteArray &bytes)
{
    const QByteArray flat = bytes.toBase64();
    QByteArray lines;
    for (qsizetype i = 0; i < flat.size(); i += 76)
        lines += flat.mid(i, 76) + "\r\n";
    return lines;
}

// "Grüße aus Köln" in UTF-8, quoted-printable.
inline const QByteArray kQuotedText = "Gr=C3=BC=C3=9Fe aus K=C3=B6ln\r\n";

inline QByteArray multipartHeader()
{
    return "From: Alice <alice@example.org>\r\n"
           "To: Bob <bob@example.net>\r\n"
           "Subject: The data\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"=-=b1=-=\"\r\n"
           "\r\n";
}

inline QByteArray textPart()
{
    return "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: quoted-printable\r\n"
           "\r\n" +
           kQuotedText;
}

inline QByteArray attachmentPart(const QByteArray &bytes, const QByteArray &type,
                                 const QByteArray &name)
{
    return "Content-Type: " + type + "; name=\"" + name +
           "\"\r\n"
           "Content-Disposition: attachment; filename=\"" +
           name +
           "\"\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" +
           base64Lines(bytes);
}

// multipart/mixed: a quoted-printable text, then `bytes` as a base64 attachment.
inline QByteArray multipartMessage(const QByteArray &bytes = sampleAttachment(),
                                   const QByteArray &type = "application/octet-stream",
                                   const QByteArray &name = "data.bin")
{
    return multipartHeader() + "This is a message in MIME format.\r\n" + "--=-=b1=-=\r\n" +
           textPart() + "--=-=b1=-=\r\n" + attachmentPart(bytes, type, name) + "--=-=b1=-=--\r\n";
}

} // namespace mailsim::gui::test
