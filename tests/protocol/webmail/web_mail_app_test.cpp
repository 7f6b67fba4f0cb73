// The web mail application: login, the inbox (escaped), a message page and its parts as
// decoded bytes, \Seen in the store, sending deferred and failing, and the HTTP errors.
#include "protocol/webmail/web_mail_app.h"
#include "protocol/webmail/web_forms.h"

#include "message/codecs.h"
#include "message/mime.h"
#include "support/random_bytes.h"

#include <gtest/gtest.h>

#include <random>

using namespace mailsim;
using http::Request;
using http::Response;
using webmail::WebMailApp;

namespace {

class FakeSubmitter : public webmail::MailSubmitter
{
public:
    void submit(const QByteArray &from, const std::vector<QByteArray> &recipients,
                const QByteArray &message, std::function<void(Outcome)> done) override
    {
        this->from = from;
        this->recipients = recipients;
        this->message = message;
        this->done = std::move(done);
    }
    QByteArray from;
    std::vector<QByteArray> recipients;
    QByteArray message;
    std::function<void(Outcome)> done;
};

QByteArray attachmentBytes()
{
    std::mt19937 rng(7);
    return test::randomBytes(rng, 3000);
}

QByteArray messageWithAttachment()
{
    std::vector<message::MimeEntity> parts;
    parts.push_back(message::makeTextPart(QStringLiteral("Hello Bob,\nsee the picture & <b>smile</b>.\n")));
    parts.push_back(message::makeAttachment(QStringLiteral("photo ä.png"), "image/png", attachmentBytes()));
    message::MimeEntity root = message::makeMultipart("mixed", std::move(parts));
    root.header.prepend("MIME-Version", "1.0");
    root.header.prepend("Subject", message::encodeHeaderText(QStringLiteral("Grüße aus Köln")));
    root.header.prepend("Date", "Mon, 3 Mar 2025 09:00:00 +0000");
    root.header.prepend("To", "bob@example.net");
    root.header.prepend("From", "Alice <alice@example.org>");
    return message::serialize(root);
}

struct Fixture
{
    Fixture()
    {
        store::Mailbox &bob = store.addUser("bob", "secret");
        store.addUser("carol", "pw");
        store::StoredMessage evil;
        evil.content = "From: \"Mallory\" <m@evil.example>\r\nSubject: <script>alert('x')</script> & more\r\n"
                       "Date: Sun, 2 Mar 2025 10:00:00 +0000\r\n\r\n<img src=x onerror=alert(1)>\r\n";
        bob.add(evil);
        store::StoredMessage nice;
        nice.content = messageWithAttachment();
        bob.add(nice);
        store::StoredMessage htmlOnly;
        htmlOnly.content = "From: a@b.example\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
                           "Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hi <script>x()</script></p>\r\n";
        bob.add(htmlOnly);
    }

    Response call(const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                  const QByteArray &cookie = {})
    {
        Request r;
        r.method = method;
        r.target = target;
        r.setHeader("Host", "web");
        if (!body.isEmpty() || method == "POST")
            r.setHeader("Content-Type", "application/x-www-form-urlencoded");
        if (!cookie.isEmpty())
            r.setHeader("Cookie", "session=" + cookie);
        r.body = body;
        auto answer = app.handle(r, [this](Response late) { deferred.push_back(std::move(late)); });
        if (!answer) {
            ++deferredCount;
            Response none;
            none.status = 0;
            return none;
        }
        return *answer;
    }

    QByteArray login()
    {
        const Response r = call("POST", "/login", "user=bob&password=secret");
        EXPECT_EQ(r.status, 303);
        const QByteArray setCookie = r.header("Set-Cookie");
        return setCookie.mid(8, setCookie.indexOf(';') - 8);
    }

    store::MailStore store{"example.net"};
    FakeSubmitter submitter;
    WebMailApp app{webmail::WebMailConfig{"Test Mail", {}, [] { return QByteArray("Mon, 3 Mar 2025 12:00:00 +0000"); },
                                          [] { return QByteArray("<1@web.example.net>"); }},
                   store, &submitter};
    std::vector<Response> deferred;
    int deferredCount = 0;
};

} // namespace

TEST(WebMailForms, ParseAndEncode)
{
    const auto form = webmail::parseForm("a=1&b=x+y%21&c=%C3%A4&&d");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->value("a"), "1");
    EXPECT_EQ(form->value("b"), "x y!");
    EXPECT_EQ(form->value("c"), QStringLiteral("ä"));
    EXPECT_TRUE(form->has("d"));
    EXPECT_FALSE(webmail::parseForm("a=%4"));
    EXPECT_FALSE(webmail::parseForm("a=%zz"));
    EXPECT_FALSE(webmail::parseForm("a=%FF")) << "not UTF-8";
    EXPECT_EQ(webmail::encodeForm({{"to", "a@b"}, {"s", QStringLiteral("ä &=")}}), "to=a%40b&s=%C3%A4%20%26%3D");
    EXPECT_EQ(webmail::htmlEscape(QStringLiteral("<a href='x'>&\"") + QChar(0) + QChar(0x85)),
              QByteArray("&lt;a href=&#39;x&#39;&gt;&amp;&quot;\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST(WebMail, LoginFormAndLogin)
{
    Fixture f;
    Response r = f.call("GET", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_TRUE(r.body.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
    EXPECT_TRUE(r.body.contains("<form method=\"post\" action=\"/login\">"));

    r = f.call("POST", "/login", "user=bob&password=wrong");
    EXPECT_EQ(r.status, 403);
    EXPECT_FALSE(r.hasHeader("Set-Cookie"));
    EXPECT_TRUE(r.body.contains("Unknown user or wrong password."));
    EXPECT_TRUE(r.body.contains("value=\"bob\""));

    r = f.call("POST", "/login", "user=%3Cb%3E&password=x");
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(r.body.contains("value=\"&lt;b&gt;\""));

    r = f.call("POST", "/login", "user=bob&password=secret");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("Location"), "/inbox");
    EXPECT_EQ(r.header("Set-Cookie"), "session=s1; Path=/; HttpOnly; SameSite=Strict");
    EXPECT_EQ(f.app.loginFor("s1"), "bob");
}

TEST(WebMail, InboxNeedsASessionAndEscapesEverything)
{
    Fixture f;
    Response r = f.call("GET", "/inbox");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("Location"), "/");
    r = f.call("GET", "/inbox", {}, "forged");
    EXPECT_EQ(r.status, 303);

    const QByteArray cookie = f.login();
    r = f.call("GET", "/inbox", {}, cookie);
    ASSERT_EQ(r.status, 200);
    EXPECT_FALSE(r.body.contains("<script>"));
    EXPECT_TRUE(r.body.contains("<a href=\"/message/1\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</a>"));
    EXPECT_TRUE(r.body.contains("&quot;Mallory&quot; &lt;m@evil.example&gt;"));
    EXPECT_TRUE(r.body.contains(QStringLiteral(">Grüße aus Köln</a>").toUtf8())) << "RFC 2047 decoded";
    EXPECT_TRUE(r.body.contains("<tr class=\"unseen\"><td>1</td><td>1</td>"));
    EXPECT_TRUE(r.hasHeader("Content-Security-Policy"));
}

TEST(WebMail, MessagePageSetsSeenAndListsDecodedParts)
{
    Fixture f;
    const QByteArray cookie = f.login();
    int changes = 0;
    f.store.find("bob")->addObserver([&](const store::Change &c) {
        EXPECT_EQ(c.kind, store::Change::Kind::FlagsChanged);
        EXPECT_EQ(c.cause, "web mail");
        ++changes;
    });
    Response r = f.call("GET", "/message/2", {}, cookie);
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.contains(QStringLiteral("<h2>Grüße aus Köln</h2>").toUtf8()));
    EXPECT_TRUE(r.body.contains("<pre>Hello Bob,\nsee the picture &amp; &lt;b&gt;smile&lt;/b&gt;.\n</pre>"));
    EXPECT_TRUE(r.body.contains(QStringLiteral("<li><a href=\"/message/2/part/2\">photo ä.png</a> (image/png, 3000 bytes)</li>").toUtf8()));
    EXPECT_TRUE(f.store.find("bob")->inbox().byUid(2)->hasFlag(store::kSeen));
    EXPECT_EQ(changes, 1);
    r = f.call("GET", "/message/2", {}, cookie);
    EXPECT_EQ(changes, 1) << "already seen: no second change";

    r = f.call("GET", "/inbox", {}, cookie);
    EXPECT_TRUE(r.body.contains("<tr><td>2</td><td>2</td>"));

    r = f.call("GET", "/message/1", {}, cookie);
    EXPECT_TRUE(r.body.contains("<pre>&lt;img src=x onerror=alert(1)&gt;\n</pre>"));
    r = f.call("GET", "/message/3", {}, cookie);
    EXPECT_TRUE(r.body.contains("only an HTML part"));
    EXPECT_TRUE(r.body.contains("<pre>&lt;p&gt;Hi &lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;\n</pre>"));
}

TEST(WebMail, PartIsServedAsItsDecodedBytes)
{
    Fixture f;
    const QByteArray cookie = f.login();
    Response r = f.call("GET", "/message/2/part/2", {}, cookie);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, attachmentBytes());
    EXPECT_EQ(r.header("Content-Type"), "image/png");
    EXPECT_EQ(r.header("Content-Disposition"),
              "attachment; filename=\"photo _.png\"; filename*=UTF-8''photo%20%C3%A4.png");
    EXPECT_EQ(r.header("Content-Security-Policy"), "sandbox");
    r = f.call("GET", "/message/2/part/1", {}, cookie);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=us-ascii");
    r = f.call("GET", "/message/2/part/9", {}, cookie);
    EXPECT_EQ(r.status, 404);
    r = f.call("GET", "/message/99", {}, cookie);
    EXPECT_EQ(r.status, 404);
    r = f.call("GET", "/message/2/part/2", {}, {});
    EXPECT_EQ(r.status, 303) << "parts need a session too";
}

TEST(WebMail, SendIsDeferredUntilTheMailServerAnswers)
{
    Fixture f;
    const QByteArray cookie = f.login();
    Response r = f.call("GET", "/compose", {}, cookie);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.contains("<form method=\"post\" action=\"/send\">"));

    r = f.call("POST", "/send",
               webmail::encodeForm({{"to", "carol@example.net, dave@example.org"}, {"cc", "eve@example.com"},
                                    {"subject", QStringLiteral("Café")}, {"body", "Hi\nthere"}}),
               cookie);
    EXPECT_EQ(f.deferredCount, 1);
    ASSERT_TRUE(f.submitter.done);
    EXPECT_EQ(f.submitter.from, "bob@example.net");
    EXPECT_EQ(f.submitter.recipients,
              (std::vector<QByteArray>{"carol@example.net", "dave@example.org", "eve@example.com"}));
    EXPECT_EQ(f.submitter.message,
              "From: bob@example.net\r\nTo: carol@example.net, dave@example.org\r\nCc: eve@example.com\r\n"
              "Subject: =?UTF-8?B?Q2Fmw6k=?=\r\nDate: Mon, 3 Mar 2025 12:00:00 +0000\r\n"
              "Message-ID: <1@web.example.net>\r\nMIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nHi\r\nthere");
    EXPECT_TRUE(f.deferred.empty());
    f.submitter.done({true, "250 Ok"});
    ASSERT_EQ(f.deferred.size(), 1u);
    EXPECT_EQ(f.deferred[0].status, 303);
    EXPECT_EQ(f.deferred[0].header("Location"), "/inbox?sent=1");
    r = f.call("GET", "/inbox?sent=1", {}, cookie);
    EXPECT_TRUE(r.body.contains("<p class=\"notice\">Message sent.</p>"));
}

TEST(WebMail, SendFailureIs502WithTheServersWords)
{
    Fixture f;
    const QByteArray cookie = f.login();
    (void)f.call("POST", "/send", "to=nobody%40far.example&subject=x&body=y", cookie);
    ASSERT_TRUE(f.submitter.done);
    f.submitter.done({false, "554 5.7.1 <nobody@far.example>: Relay access denied"});
    ASSERT_EQ(f.deferred.size(), 1u);
    EXPECT_EQ(f.deferred[0].status, 502);
    EXPECT_TRUE(f.deferred[0].body.contains("<pre>554 5.7.1 &lt;nobody@far.example&gt;: Relay access denied</pre>"));
}

TEST(WebMail, ASubmitterThatAnswersAtOnceIsAnsweredAtOnce)
{
    class Immediate : public webmail::MailSubmitter
    {
    public:
        void submit(const QByteArray &, const std::vector<QByteArray> &, const QByteArray &,
                    std::function<void(Outcome)> done) override
        {
            done({true, "250"});
        }
    } immediate;
    store::MailStore store("example.net");
    store.addUser("bob", "secret");
    WebMailApp app({}, store, &immediate);
    int lateCalls = 0;
    auto later = [&](Response) { ++lateCalls; };
    Request login;
    login.method = "POST";
    login.target = "/login";
    login.setHeader("Content-Type", "application/x-www-form-urlencoded");
    login.body = "user=bob&password=secret";
    ASSERT_EQ(app.handle(login, later)->status, 303);
    Request send = login;
    send.target = "/send";
    send.body = "to=a%40b.example&subject=&body=";
    send.setHeader("Cookie", "session=s1");
    const auto answer = app.handle(send, later);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 303);
    EXPECT_EQ(lateCalls, 0);
}

TEST(WebMail, HttpErrorsAndLogout)
{
    Fixture f;
    const QByteArray cookie = f.login();
    EXPECT_EQ(f.call("GET", "/nowhere", {}, cookie).status, 404);
    EXPECT_EQ(f.call("GET", "/message/abc", {}, cookie).status, 404);
    EXPECT_EQ(f.call("GET", "/message/1/x", {}, cookie).status, 404);
    Response r = f.call("DELETE", "/inbox", {}, cookie);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "GET, HEAD");
    r = f.call("GET", "/send", {}, cookie);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.header("Allow"), "POST");
    EXPECT_EQ(f.call("GET", "/login").header("Allow"), "POST");
    EXPECT_EQ(f.call("POST", "/login", "user=%zz&password=").status, 400);
    EXPECT_EQ(f.call("POST", "/login", "password=x").status, 400);
    r = f.call("POST", "/send", "to=not-an-address&body=x", cookie);
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(r.body.contains("value=\"not-an-address\""));
    EXPECT_EQ(f.call("POST", "/send", "to=&body=x", cookie).status, 400);
    EXPECT_EQ(f.deferredCount, 0);

    r = f.call("POST", "/logout", {}, cookie);
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("Location"), "/");
    EXPECT_EQ(r.header("Set-Cookie"), "session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    EXPECT_EQ(f.app.sessionCount(), 0u);
    EXPECT_EQ(f.call("GET", "/inbox", {}, cookie).status, 303);
}
