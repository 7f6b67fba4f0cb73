// What the user agents and relays send, end to end: raw messages go as written with their own
// envelope, and a server without 8BITMIME changes what travels to it (RFC 6152), with a
// trace note.
#include "message/codecs.h"
#include "message/mime.h"
#include "scenario/built_in.h"
#include "world/world.h"

#include <algorithm>

#include <gtest/gtest.h>

using namespace mailsim;
using trace::EventKind;

namespace {

world::WorldSpec aliceToBob()
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    spec.sends.clear();
    spec.reads.clear();
    return spec;
}

std::vector<const trace::TraceEvent *> eventsOf(const world::World &w, EventKind kind)
{
    std::vector<const trace::TraceEvent *> found;
    for (const auto &e : w.trace().events()) {
        if (e.kind == kind)
            found.push_back(&e);
    }
    return found;
}

// The EHLO reply a given server sent (its host name starts the reply's first line).
QByteArray ehloReplyOf(const world::World &w, const QByteArray &host)
{
    for (const trace::TraceEvent *e : eventsOf(w, EventKind::SmtpReply)) {
        if (e->data.startsWith("250-" + host) || e->data.startsWith("250 " + host))
            return e->data;
    }
    return {};
}

std::vector<QByteArray> notes(const world::World &w)
{
    std::vector<QByteArray> texts;
    for (const trace::TraceEvent *e : eventsOf(w, EventKind::Note))
        texts.push_back(e->data);
    return texts;
}

} // namespace

TEST(MessageContentDelivery, RawMessageIsSentAsWrittenWithItsOwnEnvelope)
{
    world::WorldSpec spec = aliceToBob();
    world::SendSpec s;
    s.from = QStringLiteral("alice@example.org");
    s.to = QStringList{QStringLiteral("bob@example.net")};
    s.raw = QStringLiteral("From: The Bank <security@bank.example>\n"
                           "To: undisclosed-recipients:;\n"
                           "Subject: Hello\n"
                           "\n"
                           ".a line that starts with a dot\n");
    spec.sends.push_back(s);
    world::World w(spec);
    w.runToEnd();

    const auto composed = eventsOf(w, EventKind::Compose);
    ASSERT_EQ(composed.size(), 1u);
    EXPECT_EQ(composed[0]->data, "From: The Bank <security@bank.example>\r\n"
                                 "To: undisclosed-recipients:;\r\n"
                                 "Subject: Hello\r\n"
                                 "\r\n"
                                 ".a line that starts with a dot\r\n");
    EXPECT_EQ(composed[0]->detail, "MAIL FROM:<alice@example.org> RCPT TO: <bob@example.net>");

    ASSERT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
    const QByteArray stored = w.mailboxOf(QStringLiteral("bob@example.net"))->messages()[0].content;
    // Servers may add header fields (Received:); the teacher's lines are all still there,
    // unchanged, and the header names nobody of the envelope.
    EXPECT_TRUE(stored.contains("From: The Bank <security@bank.example>\r\n")) << stored.data();
    EXPECT_TRUE(stored.contains("To: undisclosed-recipients:;\r\n"));
    EXPECT_TRUE(stored.endsWith("\r\n\r\n.a line that starts with a dot\r\n")) << stored.data();
    EXPECT_FALSE(stored.contains("bob@example.net>\r\n"));
}

TEST(MessageContentDelivery, AServerWithout8BitMimeDoesNotAnnounceIt)
{
    world::WorldSpec spec = aliceToBob();
    spec.servers[1].settings.eightBitMime = false; // example.net
    world::SendSpec s;
    s.from = QStringLiteral("alice@example.org");
    s.to = QStringList{QStringLiteral("bob@example.net")};
    s.subject = QStringLiteral("Hi");
    s.body = QStringLiteral("Hello");
    spec.sends.push_back(s);
    world::World w(spec);
    w.runToEnd();
    EXPECT_TRUE(ehloReplyOf(w, "mail.example.org").contains("8BITMIME"));
    const QByteArray old = ehloReplyOf(w, "mail.example.net");
    ASSERT_FALSE(old.isEmpty());
    EXPECT_FALSE(old.contains("8BITMIME")) << old.data();
    EXPECT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
    EXPECT_TRUE(notes(w).empty()) << "7-bit text needs no word about it";
}

// A raw message is the teacher's bytes: with no 7-bit form of them, they go as they are, and
// the trace says that RFC 6152 would not have it so.
TEST(MessageContentDelivery, RawEightBitTextToAnOldServerIsSentAsItIsWithANote)
{
    world::WorldSpec spec = aliceToBob();
    spec.servers[0].settings.eightBitMime = false; // Alice's own server, example.org
    world::SendSpec s;
    s.from = QStringLiteral("alice@example.org");
    s.to = QStringList{QStringLiteral("bob@example.net")};
    s.raw = QStringLiteral("Subject: 8 bits\nContent-Type: text/plain; charset=utf-8\n"
                           "Content-Transfer-Encoding: 8bit\n\nGrüße\n");
    spec.sends.push_back(s);
    world::World w(spec);
    w.runToEnd();
    const std::vector<QByteArray> texts = notes(w);
    ASSERT_EQ(texts.size(), 1u);
    EXPECT_TRUE(texts[0].startsWith("mail.example.org did not announce 8BITMIME"))
        << texts[0].data();
    EXPECT_TRUE(texts[0].contains("sent as it is")) << texts[0].data();
    // Submitted to the old server without BODY=; relayed on to the modern one with it.
    const trace::ActorId old = w.trace().findActor(QStringLiteral("mail.example.org"));
    int mailCommands = 0;
    for (const trace::TraceEvent *e : eventsOf(w, EventKind::SmtpCommand)) {
        if (!e->data.startsWith("MAIL FROM:<alice@example.org>"))
            continue;
        ++mailCommands;
        EXPECT_EQ(e->data.contains("BODY=8BITMIME"), e->to != old) << e->data.data();
    }
    EXPECT_EQ(mailCommands, 2);
    ASSERT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
    const QByteArray stored = w.mailboxOf(QStringLiteral("bob@example.net"))->messages()[0].content;
    EXPECT_TRUE(stored.endsWith("\r\n\r\nGr\xc3\xbc\xc3\x9f\x65\r\n")) << "the bytes as written";
}

// The user agent composes text that is not ASCII as 8bit, and its 7-bit form besides; the
// EHLO reply decides which travels.
TEST(MessageContentDelivery, TheUserAgentEncodesEightBitTextForAServerWithout8BitMime)
{
    for (const bool oldServer : {false, true}) {
        SCOPED_TRACE(oldServer ? "old server" : "modern server");
        world::WorldSpec spec = aliceToBob();
        spec.servers[0].settings.eightBitMime = !oldServer; // Alice's own server
        world::SendSpec s;
        s.from = QStringLiteral("alice@example.org");
        s.to = QStringList{QStringLiteral("bob@example.net")};
        s.subject = QStringLiteral("Grüße");
        s.body = QStringLiteral("Viele Grüße aus Köln!\n");
        spec.sends.push_back(s);
        world::World w(spec);
        w.runToEnd();

        const auto composed = eventsOf(w, EventKind::Compose);
        ASSERT_EQ(composed.size(), 1u);
        EXPECT_TRUE(composed[0]->data.contains("Content-Transfer-Encoding: 8bit\r\n"))
            << "composed before the server is known";
        const auto data = eventsOf(w, EventKind::SmtpData);
        ASSERT_EQ(data.size(), 2u); // submission, relay
        EXPECT_EQ(data[0]->data.contains("Content-Transfer-Encoding: quoted-printable\r\n"),
                  oldServer);
        EXPECT_EQ(data[0]->data.contains("Viele Gr=C3=BC=C3=9Fe aus K=C3=B6ln!\r\n"), oldServer);
        const std::vector<QByteArray> texts = notes(w);
        ASSERT_EQ(texts.size(), oldServer ? 1u : 0u);
        if (oldServer) {
            EXPECT_TRUE(texts[0].contains("sends it with those parts encoded")) << texts[0].data();
        }

        ASSERT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
        const message::MimeEntity stored =
            message::parseMessage(
                w.mailboxOf(QStringLiteral("bob@example.net"))->messages()[0].content)
                .root;
        EXPECT_EQ(stored.text(), QStringLiteral("Viele Grüße aus Köln!\r\n"))
            << "the same text either way";
    }
}

// A relay has no composer's second form: it re-encodes the 8-bit parts of what it received
// for a next server without 8BITMIME, attachments and multiparts included.
TEST(MessageContentDelivery, ARelayEncodesEightBitPartsForAServerWithout8BitMime)
{
    world::WorldSpec spec = aliceToBob();
    spec.servers[1].settings.eightBitMime = false; // Bob's server, behind Alice's modern one
    world::SendSpec s;
    s.from = QStringLiteral("alice@example.org");
    s.to = QStringList{QStringLiteral("bob@example.net")};
    s.subject = QStringLiteral("Ünïcödé");
    s.body = QStringLiteral("Καλημέρα!\n");
    s.html = QStringLiteral("<p>Grüße</p>\n");
    s.attachments.push_back({QStringLiteral("a.bin"),
                             QStringLiteral("application/octet-stream"),
                             QByteArray("\x00\xff\x80", 3),
                             {}});
    spec.sends.push_back(s);
    world::World w(spec);
    w.runToEnd();

    const auto data = eventsOf(w, EventKind::SmtpData);
    ASSERT_EQ(data.size(), 2u);
    EXPECT_TRUE(data[0]->data.contains("Content-Transfer-Encoding: 8bit\r\n"))
        << "to Alice's server";
    const QByteArray relayed = data[1]->data;
    EXPECT_TRUE(std::none_of(relayed.begin(), relayed.end(),
                             [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
    const std::vector<QByteArray> texts = notes(w);
    ASSERT_EQ(texts.size(), 1u);
    EXPECT_TRUE(texts[0].startsWith("mail.example.net did not announce 8BITMIME"))
        << texts[0].data();

    const QByteArray content =
        w.mailboxOf(QStringLiteral("bob@example.net"))->messages()[0].content;
    const message::ParsedMessage p = message::parseMessage(content);
    EXPECT_TRUE(p.warnings.empty());
    ASSERT_EQ(p.root.parts.size(), 2u);
    ASSERT_EQ(p.root.parts[0].parts.size(), 2u);
    EXPECT_EQ(p.root.parts[0].parts[0].transferEncoding(), "base64") << "Greek: base64";
    EXPECT_EQ(p.root.parts[0].parts[0].text(), QStringLiteral("Καλημέρα!\r\n"));
    EXPECT_EQ(p.root.parts[0].parts[1].transferEncoding(), "quoted-printable");
    EXPECT_EQ(p.root.parts[0].parts[1].text(), QStringLiteral("<p>Grüße</p>\r\n"));
    EXPECT_EQ(p.root.parts[1].decodedBody(), QByteArray("\x00\xff\x80", 3));
    EXPECT_EQ(message::decodeHeaderText(p.root.header.value("Subject")), QStringLiteral("Ünïcödé"));
}
