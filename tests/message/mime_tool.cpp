// The C++ half of the cross-check with Python's email package (python_email_crosscheck.py).
//
//   mailsim-mime-tool build DIR   writes messages made with the message library to DIR, and
//                                 DIR/manifest.json: for each, the parts it was built from
//                                 (type, file name, charset, the bytes put in)
//   mailsim-mime-tool dump FILE   reads FILE with the message library and prints its tree as
//                                 JSON: the parts in pre-order, their decoded bytes, the
//                                 warnings, and whether writing it gave the bytes back
//
// The expected bytes in the manifest are the inputs themselves, never what our own decoder
// makes of the output, so that Python's reading is compared with what was meant.
#include "support/random_bytes.h"
#include "message/codecs.h"
#include "message/mime.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <random>

using namespace mailsim::message;

using mailsim::test::randomBytes;

namespace {

struct Built
{
    MimeEntity entity;
    QJsonArray nodes; // the expected parts, in pre-order
};

QJsonObject node(const QByteArray &type, const QString &filename, const QByteArray &charset,
                 bool container, const QByteArray &data)
{
    QJsonObject o;
    o[QStringLiteral("type")] = QString::fromLatin1(type);
    o[QStringLiteral("filename")] = filename;
    o[QStringLiteral("charset")] = QString::fromLatin1(charset);
    o[QStringLiteral("container")] = container;
    o[QStringLiteral("data")] = container ? QString() : QString::fromLatin1(data.toBase64());
    return o;
}

Built text(const QString &content, const char *subtype = "plain", bool eightBit = false)
{
    Built b{makeTextPart(content, subtype, eightBit), {}};
    QByteArray expected = content.toUtf8();
    expected.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    const bool ascii = std::all_of(expected.begin(), expected.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    b.nodes.append(
        node(QByteArray("text/") + subtype, {}, ascii ? "us-ascii" : "utf-8", false, expected));
    return b;
}

Built attachment(const QString &name, const char *type, const QByteArray &bytes)
{
    Built b{makeAttachment(name, type, bytes), {}};
    b.nodes.append(node(type, name, {}, false, bytes));
    return b;
}

Built multipart(const char *subtype, std::vector<Built> parts)
{
    Built b;
    b.nodes.append(node(QByteArray("multipart/") + subtype, {}, {}, true, {}));
    std::vector<MimeEntity> entities;
    for (Built &p : parts) {
        entities.push_back(std::move(p.entity));
        for (const auto &n : p.nodes)
            b.nodes.append(n);
    }
    b.entity = makeMultipart(subtype, std::move(entities));
    return b;
}

Built withFields(Built b, const QString &subject, char wordEncoding = 'B')
{
    b.entity.header.prepend("MIME-Version", "1.0");
    b.entity.header.prepend("Subject", encodeHeaderText(subject, wordEncoding));
    b.entity.header.prepend("Date", "Mon, 6 Jan 2025 10:00:00 +0000");
    b.entity.header.prepend("To", "Bob <bob@example.net>");
    b.entity.header.prepend("From", "Alice <alice@example.org>");
    return b;
}

Built message(Built inner)
{
    Built b;
    b.nodes.append(node("message/rfc822", {}, {}, true, {}));
    for (const auto &n : inner.nodes)
        b.nodes.append(n);
    b.entity = makeMessagePart(std::move(inner.entity));
    return b;
}

int build(const QString &dirPath)
{
    std::mt19937 rng(20250106);
    const QString html = QStringLiteral("<html><body><p>Gr\u00fc\u00dfe aus <b>K\u00f6ln</b>!</p>\n"
                                        "<p>Second paragraph.</p></body></html>\n");
    std::vector<std::pair<QString, Built>> messages;
    messages.emplace_back(
        QStringLiteral("plain-ascii"),
        withFields(text(QStringLiteral("Hello Bob,\n\nlunch at noon?\n\nAlice\n")),
                   QStringLiteral("Lunch")));
    messages.emplace_back(QStringLiteral("plain-quoted-printable"),
                          withFields(text(QStringLiteral("Gr\u00fc\u00dfe aus K\u00f6ln, "
                                                         "and = signs, and trailing space \n"
                                                         "\ttabbed line\t\n")),
                                     QStringLiteral("Gr\u00fc\u00dfe aus K\u00f6ln"), 'Q'));
    messages.emplace_back(
        QStringLiteral("plain-base64"),
        withFields(text(QStringLiteral("\u041f\u0440\u0438\u0432\u0435\u0442, "
                                       "\u043c\u0438\u0440! \u4f60\u597d\u4e16\u754c\n")
                            .repeated(20)),
                   QStringLiteral("\u041f\u0440\u0438\u0432\u0435\u0442 \U0001F600")));
    messages.emplace_back(
        QStringLiteral("long-lines"),
        withFields(text(QString(300, QLatin1Char('x')) + QStringLiteral("\nshort\n")),
                   QStringLiteral("A subject long enough to be folded by the "
                                  "writer, for it has very many words in it")));
    messages.emplace_back(QStringLiteral("eight-bit"),
                          withFields(text(QStringLiteral("caf\u00e9 cr\u00e8me\n"), "plain", true),
                                     QStringLiteral("8bit")));
    {
        std::vector<Built> alternatives;
        alternatives.push_back(text(QStringLiteral("Gr\u00fc\u00dfe aus K\u00f6ln!\n")));
        alternatives.push_back(text(html, "html"));
        messages.emplace_back(QStringLiteral("alternative"),
                              withFields(multipart("alternative", std::move(alternatives)),
                                         QStringLiteral("Text and HTML")));
    }
    {
        std::vector<Built> parts;
        parts.push_back(text(QStringLiteral("Four files attached.\n")));
        parts.push_back(attachment(QStringLiteral("random.bin"), "application/octet-stream",
                                   randomBytes(rng, 5000)));
        parts.push_back(attachment(QStringLiteral("empty.bin"), "application/octet-stream", {}));
        parts.push_back(attachment(QStringLiteral("r\u00e9sum\u00e9 \u2014 na\u00efve.pdf"),
                                   "application/pdf", randomBytes(rng, 700)));
        parts.push_back(attachment(QStringLiteral("\u00dcberlange Datei mit einem sehr langen "
                                                  "Namen, der in Fortsetzungen geteilt wird "
                                                  "\u2014 \u6587\u4ef6.png"),
                                   "image/png", randomBytes(rng, 1)));
        messages.emplace_back(
            QStringLiteral("attachments"),
            withFields(multipart("mixed", std::move(parts)), QStringLiteral("Files")));
    }
    {
        std::vector<Built> innerParts;
        innerParts.push_back(text(QStringLiteral("The original message.\n")));
        innerParts.push_back(attachment(QStringLiteral("inner.dat"), "application/octet-stream",
                                        randomBytes(rng, 333)));
        Built inner = withFields(multipart("mixed", std::move(innerParts)),
                                 QStringLiteral("Original \u00e9t\u00e9"));
        std::vector<Built> alternatives;
        alternatives.push_back(text(QStringLiteral("See the forwarded message.\n")));
        alternatives.push_back(text(html, "html"));
        std::vector<Built> parts;
        parts.push_back(multipart("alternative", std::move(alternatives)));
        parts.push_back(
            attachment(QStringLiteral("photo.jpg"), "image/jpeg", randomBytes(rng, 4096)));
        parts.push_back(message(std::move(inner)));
        messages.emplace_back(QStringLiteral("nested"),
                              withFields(multipart("mixed", std::move(parts)),
                                         QStringLiteral("Fwd: Original \u00e9t\u00e9")));
    }

    QDir dir(dirPath);
    if (!dir.exists() && !QDir().mkpath(dirPath)) {
        std::fprintf(stderr, "cannot make %s\n", qPrintable(dirPath));
        return 1;
    }
    QJsonArray manifest;
    for (const auto &[name, built] : messages) {
        const QString file = name + QStringLiteral(".eml");
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::WriteOnly) || f.write(serialize(built.entity)) < 0) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(f.fileName()));
            return 1;
        }
        QJsonObject m;
        m[QStringLiteral("file")] = file;
        m[QStringLiteral("subject")] = decodeHeaderText(built.entity.header.value("Subject"));
        m[QStringLiteral("nodes")] = built.nodes;
        manifest.append(m);
    }
    QFile f(dir.filePath(QStringLiteral("manifest.json")));
    if (!f.open(QIODevice::WriteOnly) ||
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("messages"), manifest}}).toJson()) < 0) {
        std::fprintf(stderr, "cannot write the manifest\n");
        return 1;
    }
    return 0;
}

void dumpNodes(const MimeEntity &e, QJsonArray &out)
{
    const bool container = !e.parts.empty() || !e.embedded.empty();
    // The charset only where the part names one: Python's email package reports none for a
    // part without a Content-Type, where we report the RFC 2045 default.
    QByteArray charset;
    if (e.header.has("Content-Type"))
        charset = e.contentType().parameter("charset").toLower().toLatin1();
    out.append(node(e.mediaType(), e.filename(), charset, container,
                    container ? QByteArray() : e.decodedBody()));
    for (const MimeEntity &p : e.parts)
        dumpNodes(p, out);
    for (const MimeEntity &m : e.embedded)
        dumpNodes(m, out);
}

int dump(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    const QByteArray bytes = f.readAll();
    const ParsedMessage p = parseMessage(bytes);
    QJsonArray nodes;
    dumpNodes(p.root, nodes);
    QJsonArray warnings;
    for (const Warning &w : p.warnings)
        warnings.append(QStringLiteral("%1: %2").arg(w.offset).arg(w.text));
    QJsonObject o;
    o[QStringLiteral("identity")] = serialize(p.root) == bytes;
    o[QStringLiteral("warnings")] = warnings;
    o[QStringLiteral("subject")] = decodeHeaderText(p.root.header.value("Subject"));
    o[QStringLiteral("nodes")] = nodes;
    const QByteArray json = QJsonDocument(o).toJson();
    std::fwrite(json.constData(), 1, std::size_t(json.size()), stdout);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 3 && QByteArrayView(argv[1]) == "build")
        return build(QString::fromLocal8Bit(argv[2]));
    if (argc == 3 && QByteArrayView(argv[1]) == "dump")
        return dump(QString::fromLocal8Bit(argv[2]));
    std::fprintf(stderr, "usage: %s build DIR | dump FILE\n",
                 argc > 0 ? argv[0] : "mailsim-mime-tool");
    return 2;
}
