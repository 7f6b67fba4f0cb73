// The scripted browser against the web mail's HTTP server, back to back in memory, whole and
// in chunks of every size from 1 byte: the same exchanges, pages and bytes each time.
#include "protocol/webmail/browser.h"
#include "protocol/webmail/web_mail_app.h"

#include "message/codecs.h"
#include "message/mime.h"
#include "support/protocol/session_pair.h"
#include "support/random_bytes.h"

#include <gtest/gtest.h>

#include <random>

using namespace mailsim;
using webmail::Browser;
using webmail::BrowserAction;

namespace {

// Delivers to local accounts of the same store, refuses other domains; answers only when
// the test's server side completes the queued submissions, as a driver would after SMTP.
class LocalSubmitter : public webmail::MailSubmitter
{
public:
    explicit LocalSubmitter(store::MailStore &store) : m_store(store) {}
    void submit(const QByteArray &, const std::vector<QByteArray> &recipients, const QByteArray &message,
                std::function<void(Outcome)> done) override
    {
        m_queue.push_back([this, recipients, message, done] {
            for (const QByteArray &r : recipients) {
                if (!r.endsWith("@" + m_store.domain().toUtf8()) || !m_store.find(r)) {
                    done({false, "550 5.1.1 <" + r + ">: Recipient address rejected"});
                    return;
                }
            }
            for (const QByteArray &r : recipients) {
                store::StoredMessage m;
                m.content = message;
                m_store.find(r)->add(m);
            }
            done({true, "250 2.0.0 Ok"});
        });
    }
    void completeAll()
    {
        auto queue = std::move(m_queue);
        m_queue.clear();
        for (auto &job : queue)
            job();
    }

private:
    store::MailStore &m_store;
    std::vector<std::function<void()>> m_queue;
};

// The HTTP server with the web mail behind it; deferred answers are written after the input
// that caused them, once the submitter has been given its turn.
class WebServer
{
public:
    WebServer(webmail::WebMailApp &app, LocalSubmitter &submitter)
        : m_connection(app, [this](http::Response r) { m_late.append(m_session.respond(std::move(r))); }),
          m_session(http::ServerConfig{}, m_connection), m_submitter(submitter)
    {
    }
    protocol::EngineOutput receive(QByteArrayView bytes)
    {
        protocol::EngineOutput out = m_session.receive(bytes);
        m_submitter.completeAll();
        out.append(std::move(m_late));
        m_late = {};
        return out;
    }
    protocol::EngineOutput receiveEof() { return m_session.receiveEof(); }

private:
    webmail::WebMailConnection m_connection;
    http::HttpServerSession m_session;
    LocalSubmitter &m_submitter;
    protocol::EngineOutput m_late;
};

QByteArray pdfBytes()
{
    std::mt19937 rng(99);
    return test::randomBytes(rng, 5000);
}

void fillStore(store::MailStore &store)
{
    store.addUser("bob", "secret");
    store.addUser("carol", "pw");
    for (int i = 0; i < 3; ++i) {
        std::vector<message::MimeEntity> parts;
        parts.push_back(message::makeTextPart(QStringLiteral("Message %1 <b>text</b>").arg(i)));
        if (i == 1)
            parts.push_back(message::makeAttachment("report.pdf", "application/pdf", pdfBytes()));
        message::MimeEntity root = message::makeMultipart("mixed", std::move(parts));
        root.header.prepend("MIME-Version", "1.0");
        root.header.prepend("Subject", "Number " + QByteArray::number(i));
        root.header.prepend("From", "alice@example.org");
        store::StoredMessage m;
        m.content = message::serialize(root);
        store.find("bob")->add(m);
    }
}

struct Outcome
{
    webmail::BrowserResult result;
    std::string transcript;
    QByteArray carolInbox;
    std::size_t seen = 0;
};

Outcome visit(qsizetype chunkSize, webmail::BrowserConfig config)
{
    store::MailStore store("example.net");
    fillStore(store);
    LocalSubmitter submitter(store);
    webmail::WebMailApp app({}, store, &submitter);
    WebServer server(app, submitter);
    Browser browser(std::move(config));
    // The browser speaks first, so it takes the pair's "server" place, whose opening output
    // is delivered first; the HTTP server takes the other.
    test_support::SessionPair<WebServer, Browser> pair(server, browser, chunkSize);
    EXPECT_TRUE(pair.start(browser.start()));
    EXPECT_TRUE(browser.done());
    Outcome o;
    o.result = browser.result();
    o.transcript = pair.transcript();
    for (const auto &m : store.find("carol")->messages())
        o.carolInbox += m.content;
    for (const auto &m : store.find("bob")->messages())
        o.seen += m.hasFlag(store::kSeen) ? 1 : 0;
    return o;
}

webmail::BrowserConfig bobReadsAndSends()
{
    webmail::BrowserConfig c;
    c.user = "bob";
    c.password = "secret";
    c.alreadyRead = {3};
    c.actions = {BrowserAction::readInbox(), BrowserAction::send("carol@example.net", "Hi", "Lunch?"),
                 BrowserAction::send("someone@far.example", "x", "y")};
    return c;
}

std::string describe(const webmail::BrowserResult &r)
{
    std::string s;
    for (const auto &e : r.exchanges)
        s += (e.method + ' ' + e.target).toStdString() + " -> " + std::to_string(e.status) + '\n';
    for (const auto &m : r.messagesRead) {
        s += "read " + std::to_string(m.uid) + " page " + std::to_string(m.page.size()) + '\n';
        for (const auto &p : m.parts)
            s += "  part " + p.url.toStdString() + ' ' + p.contentType.toStdString() + ' ' +
                 std::to_string(qHash(p.bytes)) + '\n';
    }
    for (const QString &e : r.errors)
        s += "error " + e.toStdString() + '\n';
    return s;
}

} // namespace

TEST(WebMailBrowser, ReadsUnreadMessagesWithPartsSendsAndLogsOut)
{
    const Outcome o = visit(0, bobReadsAndSends());
    const webmail::BrowserResult &r = o.result;
    EXPECT_TRUE(r.loggedIn);
    EXPECT_TRUE(r.loggedOut);
    EXPECT_EQ(describe(r).substr(0, describe(r).find("read ")),
              "GET / -> 200\nPOST /login -> 303\nGET /inbox -> 200\nGET /message/1 -> 200\n"
              "GET /message/2 -> 200\nGET /message/2/part/2 -> 200\n"
              "POST /send -> 303\nPOST /send -> 502\nPOST /logout -> 303\n")
        << o.transcript;
    ASSERT_EQ(r.messagesRead.size(), 2u);
    EXPECT_EQ(r.messagesRead[1].uid, 2u);
    EXPECT_TRUE(r.messagesRead[0].page.contains("<pre>Message 0 &lt;b&gt;text&lt;/b&gt;</pre>"));
    EXPECT_TRUE(r.messagesRead[0].parts.empty()) << "the text is the page, not a part";
    ASSERT_EQ(r.messagesRead[1].parts.size(), 1u);
    EXPECT_EQ(r.messagesRead[1].parts[0].contentType, "application/pdf");
    EXPECT_EQ(r.messagesRead[1].parts[0].bytes, pdfBytes());
    EXPECT_EQ(r.sent, 1);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0], "POST /send: status 502");
    EXPECT_EQ(r.readUids, (std::set<quint32>{1, 2, 3}));
    EXPECT_TRUE(o.carolInbox.contains("Subject: Hi\r\n"));
    EXPECT_TRUE(o.carolInbox.contains("From: bob@example.net\r\n"));
    EXPECT_EQ(o.seen, 2u) << "the two pages viewed; 3 was read before and not fetched";
}

TEST(WebMailBrowser, SameDialogueInChunksOfEverySize)
{
    const Outcome whole = visit(0, bobReadsAndSends());
    for (qsizetype chunk : {1, 2, 3, 7, 13, 64, 512, 1460, 4096}) {
        const Outcome split = visit(chunk, bobReadsAndSends());
        EXPECT_EQ(describe(split.result), describe(whole.result)) << "chunk " << chunk;
        EXPECT_EQ(split.transcript, whole.transcript) << "chunk " << chunk;
        EXPECT_EQ(split.carolInbox, whole.carolInbox);
    }
}

TEST(WebMailBrowser, ARefusedLoginStopsTheScript)
{
    webmail::BrowserConfig c = bobReadsAndSends();
    c.password = "wrong";
    const Outcome o = visit(0, c);
    EXPECT_FALSE(o.result.loggedIn);
    EXPECT_EQ(describe(o.result), "GET / -> 200\nPOST /login -> 403\nerror POST /login: status 403\n"
                                  "error Login refused; the script stops.\n");
    EXPECT_TRUE(o.carolInbox.isEmpty());
}
