// The user agent's composer: what it builds, read back with the message library's parser
// (the same reader the servers, the inspector and `mailsim-cli mime` use). Plain text, text
// that is not ASCII in its 8-bit and 7-bit forms, HTML alternatives, attachments of any
// bytes, charsets a scenario names, and Bcc kept out of the header.
#include "mail/message_composer.h"
#include "message/codecs.h"
#include "message/mime.h"

#include <gtest/gtest.h>

#include <random>

using namespace mailsim;

namespace {

const QByteArray kDate = "Mon, 03 Mar 2025 09:00:00 +0000";
const QByteArray kId = "<abc@example.org>";

mail::Draft draft(const QString &body)
{
    mail::Draft d;
    d.from = {QStringLiteral("Alice"), QStringLiteral("alice@example.org")};
    d.to = {{QStringLiteral("Bob"), QStringLiteral("bob@example.net")}};
    d.subject = QStringLiteral("Hello");
    d.body = body;
    return d;
}

bool isSevenBit(const QByteArray &bytes)
{
    return std::none_of(bytes.begin(), bytes.end(),
                        [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Parses and expects no warning: the composer writes clean MIME.
message::MimeEntity parsed(const QByteArray &bytes)
{
    message::ParsedMessage p = message::parseMessage(bytes);
    for (const message::Warning &w : p.warnings)
        ADD_FAILURE() << w.offset << ": " << w.text.toStdString() << "\n" << bytes.toStdString();
    EXPECT_EQ(message::serialize(p.root), bytes);
    return p.root;
}

} // namespace

TEST(MessageComposer, PlainAsciiTextIsOneSevenBitPart)
{
    const mail::ComposedMessage m =
        mail::composeMessage(draft(QStringLiteral("Hi Bob,\n\nlunch?\n")), kDate, kId);
    EXPECT_EQ(m.content, "Date: Mon, 03 Mar 2025 09:00:00 +0000\r\n"
                         "From: Alice <alice@example.org>\r\n"
                         "To: Bob <bob@example.net>\r\n"
                         "Subject: Hello\r\n"
                         "Message-ID: <abc@example.org>\r\n"
                         "MIME-Version: 1.0\r\n"
                         "Content-Type: text/plain; charset=us-ascii\r\n"
                         "Content-Transfer-Encoding: 7bit\r\n"
                         "\r\n"
                         "Hi Bob,\r\n\r\nlunch?\r\n");
    EXPECT_TRUE(m.sevenBitContent.isEmpty()) << "7-bit already";
    EXPECT_EQ(m.messageId, kId);
}

TEST(MessageComposer, ABodyWithoutAFinalLineBreakGetsOne)
{
    const mail::ComposedMessage m =
        mail::composeMessage(draft(QStringLiteral("no end")), kDate, kId);
    EXPECT_TRUE(m.content.endsWith("\r\n\r\nno end\r\n"));
}

TEST(MessageComposer, TextThatIsNotAsciiHasAnEightBitAndASevenBitForm)
{
    const QString text = QStringLiteral("Grüße aus Köln,\nbis Freitag!\n");
    mail::Draft d = draft(text);
    d.subject = QStringLiteral("Grüße");
    const mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);

    const message::MimeEntity eight = parsed(m.content);
    EXPECT_EQ(eight.mediaType(), "text/plain");
    EXPECT_EQ(eight.contentType().parameter("charset"), QStringLiteral("utf-8"));
    EXPECT_EQ(eight.transferEncoding(), "8bit");
    EXPECT_EQ(eight.text(), QString(text).replace(QLatin1Char('\n'), QStringLiteral("\r\n")));

    ASSERT_FALSE(m.sevenBitContent.isEmpty());
    EXPECT_TRUE(isSevenBit(m.sevenBitContent));
    const message::MimeEntity seven = parsed(m.sevenBitContent);
    EXPECT_EQ(seven.transferEncoding(), "quoted-printable") << "mostly ASCII stays readable";
    EXPECT_TRUE(m.sevenBitContent.contains("Gr=C3=BC=C3=9Fe aus K=C3=B6ln,\r\n"));
    EXPECT_EQ(seven.text(), eight.text());

    // The subject as RFC 2047 encoded words, the same in both forms.
    EXPECT_TRUE(m.content.contains("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"));
    EXPECT_EQ(message::decodeHeaderText(seven.header.value("Subject")), QStringLiteral("Grüße"));
}

TEST(MessageComposer, TextInAnotherAlphabetGoesAsBase64WhenSevenBit)
{
    const QString text = QStringLiteral("Καλημέρα, Βασίλη!\nΤα λέμε την Παρασκευή.\n");
    const mail::ComposedMessage m = mail::composeMessage(draft(text), kDate, kId);
    const message::MimeEntity seven = parsed(m.sevenBitContent);
    EXPECT_EQ(seven.transferEncoding(), "base64");
    EXPECT_EQ(seven.text(), QString(text).replace(QLatin1Char('\n'), QStringLiteral("\r\n")));
}

TEST(MessageComposer, TextAndHtmlMakeAMultipartAlternative)
{
    mail::Draft d = draft(QStringLiteral("Lunch on *Friday*?\n"));
    d.html = QStringLiteral("<p>Lunch on <b>Friday</b>?</p>\n");
    const mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);
    const message::MimeEntity root = parsed(m.content);
    EXPECT_EQ(root.mediaType(), "multipart/alternative");
    EXPECT_EQ(root.header.value("MIME-Version"), "1.0");
    ASSERT_EQ(root.parts.size(), 2u);
    EXPECT_EQ(root.parts[0].mediaType(), "text/plain") << "the simplest first (RFC 2046 5.1.4)";
    EXPECT_EQ(root.parts[1].mediaType(), "text/html");
    EXPECT_EQ(root.parts[1].text(), QStringLiteral("<p>Lunch on <b>Friday</b>?</p>\r\n"));
    EXPECT_TRUE(m.sevenBitContent.isEmpty());
}

TEST(MessageComposer, AttachmentsOfAnyBytesMakeAMultipartMixed)
{
    std::mt19937 random(11);
    mail::Draft d = draft(QStringLiteral("Two files.\n"));
    d.html = QStringLiteral("<p>Two files.</p>");
    QByteArray binary;
    for (int i = 0; i < 5000; ++i)
        binary += static_cast<char>(random() % 256);
    d.attachments = {{QStringLiteral("noise.bin"), "application/octet-stream", binary},
                     {QStringLiteral("Übersicht.txt"), "text/plain", "Zeile 1\nZeile 2\n"},
                     {QStringLiteral("empty"), "application/octet-stream", QByteArray()}};
    const mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);
    EXPECT_TRUE(isSevenBit(m.content));
    EXPECT_TRUE(m.sevenBitContent.isEmpty());

    const message::MimeEntity root = parsed(m.content);
    EXPECT_EQ(root.mediaType(), "multipart/mixed");
    ASSERT_EQ(root.parts.size(), 4u);
    EXPECT_EQ(root.parts[0].mediaType(), "multipart/alternative");
    const message::MimeEntity &noise = root.parts[1];
    EXPECT_TRUE(noise.isAttachment());
    EXPECT_EQ(noise.filename(), QStringLiteral("noise.bin"));
    EXPECT_EQ(noise.transferEncoding(), "base64");
    EXPECT_EQ(noise.decodedBody(), binary);
    for (const QByteArray &line : noise.body.split('\n'))
        EXPECT_LE(line.size(), 77) << "76 characters and the CR";
    EXPECT_EQ(root.parts[2].filename(), QStringLiteral("Übersicht.txt"));
    EXPECT_EQ(root.parts[2].mediaType(), "text/plain");
    EXPECT_EQ(root.parts[2].decodedBody(), "Zeile 1\nZeile 2\n")
        << "an attachment's bytes as they are";
    EXPECT_TRUE(root.parts[3].decodedBody().isEmpty());
}

TEST(MessageComposer, BccIsInTheEnvelopeOnly)
{
    mail::Draft d = draft(QStringLiteral("Hi\n"));
    d.cc = {{QStringLiteral("Carol"), QStringLiteral("carol@example.net")}};
    d.bcc = {{QStringLiteral("Dave"), QStringLiteral("dave@example.org")}};
    const mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);
    EXPECT_EQ(m.recipients,
              (QList<QByteArray>{"bob@example.net", "carol@example.net", "dave@example.org"}));
    EXPECT_FALSE(m.content.contains("dave"));
    EXPECT_FALSE(m.content.contains("Bcc"));
    EXPECT_TRUE(m.content.contains("\r\nCc: Carol <carol@example.net>\r\n"));
}

TEST(MessageComposer, ACharsetTheScenarioNamesIsDeclared)
{
    mail::Draft d = draft(QStringLiteral("Grüße\n"));
    d.charset = "iso-8859-1";
    mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);
    message::MimeEntity eight = parsed(m.content);
    EXPECT_EQ(eight.contentType().parameter("charset"), QStringLiteral("iso-8859-1"));
    EXPECT_EQ(eight.transferEncoding(), "8bit");
    EXPECT_TRUE(m.content.endsWith("\r\n\r\nGr\xfc\xdf\x65\r\n")) << "one byte per letter";
    message::MimeEntity seven = parsed(m.sevenBitContent);
    EXPECT_EQ(seven.transferEncoding(), "quoted-printable");
    EXPECT_TRUE(m.sevenBitContent.endsWith("\r\n\r\nGr=FC=DFe\r\n"));
    EXPECT_EQ(seven.text(), QStringLiteral("Grüße\r\n"));

    // utf-8 asked for plain ASCII text: declared all the same.
    d.body = QStringLiteral("Hello\n");
    d.charset = "utf-8";
    m = mail::composeMessage(d, kDate, kId);
    EXPECT_EQ(parsed(m.content).contentType().parameter("charset"), QStringLiteral("utf-8"));
    EXPECT_EQ(parsed(m.content).transferEncoding(), "7bit");
}

TEST(MessageComposer, LongAddressListsAreFolded)
{
    mail::Draft d = draft(QStringLiteral("Hi\n"));
    for (int i = 0; i < 6; ++i)
        d.to.push_back({QStringLiteral("Person Number %1").arg(i),
                        QStringLiteral("person%1@example.net").arg(i)});
    const mail::ComposedMessage m = mail::composeMessage(d, kDate, kId);
    for (const QByteArray &line : m.content.split('\n'))
        EXPECT_LE(line.size(), 79) << line.data();
    EXPECT_EQ(parsed(m.content).header.value("To").count('@'), 7);
}
