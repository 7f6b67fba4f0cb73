// The POP3 client engine: first against scripted server responses (exact commands, the
// paths a real server rarely takes), then against the server engine back to back, whole
// and cut into chunks of every size, in both download modes.
#include "protocol/pop3/pop3_client_session.h"
#include "protocol/pop3/pop3_server_session.h"
#include "support/protocol/session_pair.h"

#include "store/mail_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using mailsim::pop3::ClientConfig;
using mailsim::pop3::ClientResult;
using mailsim::pop3::Pop3ClientSession;
using mailsim::pop3::Pop3ServerSession;
using mailsim::pop3::ServerConfig;
using mailsim::protocol::EngineOutput;
using mailsim::protocol::Transmission;
using mailsim::store::Change;
using mailsim::store::MailStore;
using mailsim::store::Mailbox;
using mailsim::store::StoredMessage;
using mailsim::test_support::SessionPair;
using State = Pop3ClientSession::State;
namespace reply_status = mailsim::protocol::reply_status;

namespace {

const QByteArray kFirst = "From: alice@example.org\r\n"
                          "Subject: one\r\n"
                          "\r\n"
                          "Hello Bob.\r\n";
const QByteArray kSecond = "From: carol@example.org\r\n"
                           "Subject: dots\r\n"
                           "\r\n"
                           ".starts with a dot\r\n"
                           ".\r\n"
                           "..\r\n"
                           "last\r\n";
const QByteArray kTimestamp = "<1896.697170952@mail.example.net>";
const QByteArray kGoodDigest = "daf7093d0fd9d44345d6e5d7d42333d4"; // MD5(timestamp + "secret")

ClientConfig bobConfig()
{
    ClientConfig c;
    c.user = "bob";
    c.password = "secret";
    return c;
}

// ---- against scripted responses -----------------------------------------------------------

TEST(Pop3Client, UserPassDialogueWithExactCommands)
{
    Pop3ClientSession client(bobConfig());
    EXPECT_EQ(client.state(), State::Greeting);
    EXPECT_EQ(client.receive("+OK ready\r\n").wire(), "USER bob\r\n");
    EXPECT_EQ(client.state(), State::User);
    EXPECT_EQ(client.receive("+OK\r\n").wire(), "PASS secret\r\n");
    EXPECT_EQ(client.receive("+OK logged in\r\n").wire(), "STAT\r\n");
    EXPECT_TRUE(client.result().authenticated);
    EXPECT_EQ(client.receive("+OK 2 30\r\n").wire(), "UIDL\r\n");
    EXPECT_EQ(client.result().messagesOnServer, 2);
    EXPECT_EQ(client.result().octetsOnServer, 30);
    EXPECT_EQ(client.receive("+OK\r\n1 a\r\n2 b\r\n.\r\n").wire(), "LIST\r\n");
    EXPECT_EQ(client.receive("+OK\r\n1 12\r\n2 18\r\n.\r\n").wire(), "RETR 1\r\n");
    const EngineOutput retr = client.receive("+OK\r\nSubject: x\r\n.\r\n");
    EXPECT_EQ(retr.wire(), "RETR 2\r\n");
    ASSERT_EQ(retr.received.size(), 1u);
    EXPECT_EQ(retr.received[0].kind, Transmission::Kind::Reply);
    EXPECT_EQ(retr.received[0].code, reply_status::Pop3Ok);
    EXPECT_EQ(retr.received[0].bytes, "+OK\r\nSubject: x\r\n.\r\n");
    ASSERT_EQ(retr.sent.size(), 1u);
    EXPECT_EQ(retr.sent[0].kind, Transmission::Kind::Command);
    EXPECT_EQ(client.receive("+OK\r\n..dot\r\nSubject: y\r\n.\r\n").wire(), "QUIT\r\n");
    const EngineOutput bye = client.receive("+OK bye\r\n");
    EXPECT_TRUE(bye.sent.empty());
    EXPECT_TRUE(bye.close);
    EXPECT_TRUE(client.done());
    const ClientResult &r = client.result();
    EXPECT_TRUE(r.finished);
    EXPECT_EQ(r.error, "");
    ASSERT_EQ(r.retrieved.size(), 2u);
    EXPECT_EQ(r.retrieved[0].number, 1);
    EXPECT_EQ(r.retrieved[0].uidl, "a");
    EXPECT_EQ(r.retrieved[0].size, 12);
    EXPECT_EQ(r.retrieved[0].content, "Subject: x\r\n");
    EXPECT_EQ(r.retrieved[1].content, ".dot\r\nSubject: y\r\n");
    EXPECT_TRUE(r.deleted.empty());
    EXPECT_TRUE(client.receive("+OK late\r\n").empty()); // done: nothing more
}

TEST(Pop3Client, ApopWhenOffered)
{
    ClientConfig config = bobConfig();
    config.useApop = true;
    Pop3ClientSession client(config);
    EXPECT_EQ(client.receive("+OK POP3 ready " + kTimestamp + "\r\n").wire(),
              "APOP bob " + kGoodDigest + "\r\n");
    EXPECT_EQ(client.state(), State::Apop);
    EXPECT_EQ(client.receive("+OK\r\n").wire(), "STAT\r\n");
}

TEST(Pop3Client, ApopNotOfferedFallsBackToUserPass)
{
    ClientConfig config = bobConfig();
    config.useApop = true;
    Pop3ClientSession client(config);
    EXPECT_EQ(client.receive("+OK POP3 ready\r\n").wire(), "USER bob\r\n");
}

TEST(Pop3Client, RefusedLoginQuits)
{
    Pop3ClientSession client(bobConfig());
    EXPECT_EQ(client.receive("+OK\r\n+OK\r\n").wire(), "USER bob\r\nPASS secret\r\n");
    EXPECT_EQ(client.receive("-ERR [AUTH] no\r\n").wire(), "QUIT\r\n");
    EXPECT_EQ(client.state(), State::Quit);
    EXPECT_TRUE(client.receive("+OK bye\r\n").close);
    EXPECT_FALSE(client.result().authenticated);
    EXPECT_TRUE(client.result().finished);
    EXPECT_EQ(client.result().error, "the server refused the login: -ERR [AUTH] no");
}

TEST(Pop3Client, RefusedUserQuits)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n");
    EXPECT_EQ(client.receive("-ERR who?\r\n").wire(), "QUIT\r\n");
    EXPECT_EQ(client.result().error, "the server refused the user name: -ERR who?");
}

TEST(Pop3Client, RefusedGreetingCloses)
{
    Pop3ClientSession client(bobConfig());
    const EngineOutput out = client.receive("-ERR go away\r\n");
    EXPECT_TRUE(out.sent.empty());
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(client.done());
    EXPECT_EQ(client.result().error, "the server refused the connection: -ERR go away");
}

TEST(Pop3Client, UidlRefusedFallsBackToListWithoutIds)
{
    ClientConfig config = bobConfig();
    config.alreadyRetrieved = {"a"}; // cannot apply without ids: everything is fetched
    Pop3ClientSession client(config);
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n");
    EXPECT_EQ(client.receive("+OK 1 3\r\n").wire(), "UIDL\r\n");
    const EngineOutput out = client.receive("-ERR no UIDL here\r\n");
    EXPECT_EQ(out.wire(), "LIST\r\n");
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].code, reply_status::Pop3Err);
    EXPECT_EQ(client.receive("+OK\r\n1 3\r\n.\r\n").wire(), "RETR 1\r\n");
    EXPECT_EQ(client.receive("+OK\r\nx\r\n.\r\n").wire(), "QUIT\r\n");
    (void)client.receive("+OK\r\n");
    EXPECT_EQ(client.result().error, ""); // a server without UIDL is no error
    ASSERT_EQ(client.result().retrieved.size(), 1u);
    EXPECT_EQ(client.result().retrieved[0].uidl, "");
}

TEST(Pop3Client, AlreadyRetrievedAreSkipped)
{
    ClientConfig config = bobConfig();
    config.alreadyRetrieved = {"a", "c"};
    Pop3ClientSession client(config);
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n+OK 3 9\r\n+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n");
    EXPECT_EQ(client.receive("+OK\r\n1 3\r\n2 3\r\n3 3\r\n.\r\n").wire(), "RETR 2\r\n");
    EXPECT_EQ(client.receive("+OK\r\nx\r\n.\r\n").wire(), "QUIT\r\n");
}

TEST(Pop3Client, DeleteAfterRetrieve)
{
    ClientConfig config = bobConfig();
    config.deleteAfterRetrieve = true;
    Pop3ClientSession client(config);
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n+OK 2 6\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n");
    EXPECT_EQ(client.receive("+OK\r\n1 3\r\n2 3\r\n.\r\n").wire(), "RETR 1\r\n");
    EXPECT_EQ(client.receive("+OK\r\nx\r\n.\r\n").wire(), "DELE 1\r\n");
    EXPECT_EQ(client.state(), State::Dele);
    EXPECT_EQ(client.receive("+OK\r\n").wire(), "RETR 2\r\n");
    EXPECT_EQ(client.receive("+OK\r\ny\r\n.\r\n").wire(), "DELE 2\r\n");
    EXPECT_EQ(client.receive("-ERR cannot\r\n").wire(), "QUIT\r\n");
    (void)client.receive("+OK\r\n");
    EXPECT_EQ(client.result().deleted, std::vector<int>{1});
    EXPECT_EQ(client.result().error, "the server refused to delete message 2: -ERR cannot");
}

TEST(Pop3Client, SizeMismatchIsReportedAndTheMessageKept)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n+OK 1 7\r\n+OK\r\n1 a\r\n.\r\n+OK\r\n1 7\r\n.\r\n");
    EXPECT_EQ(client.receive("+OK\r\nabc\r\n.\r\n").wire(), "QUIT\r\n");
    ASSERT_EQ(client.result().retrieved.size(), 1u);
    EXPECT_EQ(client.result().retrieved[0].content, "abc\r\n");
    EXPECT_EQ(client.result().error, "message 1: LIST said 7 octets, RETR gave 5");
}

TEST(Pop3Client, RetrRefusedGoesOn)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n+OK 2 6\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n");
    EXPECT_EQ(client.receive("+OK\r\n1 3\r\n2 3\r\n.\r\n").wire(), "RETR 1\r\n");
    EXPECT_EQ(client.receive("-ERR gone\r\n").wire(), "RETR 2\r\n");
    EXPECT_EQ(client.result().error, "the server refused to send message 1: -ERR gone");
}

TEST(Pop3Client, BadStatQuits)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n");
    EXPECT_EQ(client.receive("+OK many\r\n").wire(), "QUIT\r\n");
    EXPECT_EQ(client.result().error, "the server's STAT response cannot be read: +OK many");
}

TEST(Pop3Client, GarbageResponseCloses)
{
    Pop3ClientSession client(bobConfig());
    const EngineOutput out = client.receive("220 smtp.example.org ESMTP\r\n");
    EXPECT_TRUE(out.sent.empty());
    EXPECT_TRUE(out.close);
    EXPECT_EQ(client.result().error,
              "the server sent something that is not a POP3 response: 220 smtp.example.org ESMTP");
}

TEST(Pop3Client, OverlongResponseLineCloses)
{
    Pop3ClientSession client(bobConfig());
    EngineOutput out;
    for (int i = 0; i < 70 && !out.close; ++i)
        out = client.receive(QByteArray(1024, '+'));
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(client.done());
    EXPECT_EQ(client.result().error, "the server sent a response line longer than 65536 octets");
}

TEST(Pop3Client, OverlongContentLineIsReported)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n+OK\r\n+OK\r\n+OK 1 5\r\n+OK\r\n1 a\r\n.\r\n+OK\r\n1 5\r\n.\r\n");
    EXPECT_TRUE(client.receive("+OK\r\n" + QByteArray(100000, 'z') + "\r\n").sent.empty());
    EXPECT_EQ(client.receive("ok\r\n.\r\n").wire(), "QUIT\r\n");
    ASSERT_EQ(client.result().retrieved.size(), 1u);
    EXPECT_EQ(client.result().retrieved[0].content, "ok\r\n");
    EXPECT_EQ(client.result().error, "message 1 arrived incomplete (a line or the whole message "
                                     "was too long to keep)");
}

TEST(Pop3Client, BareLfResponses)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\n+OK\n+OK\n+OK 1 3\n+OK\n1 a\n.\n+OK\n1 3\n.\n");
    const EngineOutput out = client.receive("+OK\nab\n.\n");
    EXPECT_EQ(out.wire(), "QUIT\r\n");
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].bytes, "+OK\nab\n.\n");
    EXPECT_EQ(client.result().retrieved[0].content, "ab\r\n");
    EXPECT_EQ(client.result().error, "message 1: LIST said 3 octets, RETR gave 4");
}

TEST(Pop3Client, EofBeforeTheEnd)
{
    Pop3ClientSession client(bobConfig());
    (void)client.receive("+OK\r\n");
    const EngineOutput out = client.receiveEof();
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(client.done());
    EXPECT_FALSE(client.result().finished);
    EXPECT_EQ(client.result().error, "the server closed the connection before the session ended");
    EXPECT_TRUE(client.receiveEof().empty());
}

TEST(Pop3Client, Timeout)
{
    Pop3ClientSession client(bobConfig());
    const EngineOutput out = client.timeout();
    EXPECT_TRUE(out.close);
    EXPECT_TRUE(out.sent.empty());
    EXPECT_EQ(client.result().error, "no response from the server in time");
    EXPECT_TRUE(client.timeout().empty());
}

// The same scripted server transcript fed in two pieces cut at every offset gives the same
// commands and result.
TEST(Pop3Client, ScriptSplitAtEveryOffset)
{
    const QByteArray script = "+OK hi\r\n+OK\r\n+OK\r\n+OK 2 16\r\n+OK\r\n1 u1\r\n2 u2\r\n.\r\n"
                              "+OK\r\n1 3\r\n2 13\r\n.\r\n+OK\r\n..\r\n.\r\n"
                              "+OK\r\n...x\r\n\r\n.y\r\nz\r\n.\r\n+OK bye\r\n";
    auto run = [&](qsizetype cut) {
        Pop3ClientSession client(bobConfig());
        QByteArray sent = client.receive(QByteArrayView(script).first(cut)).wire();
        sent += client.receive(QByteArrayView(script).sliced(cut)).wire();
        std::string text = sent.toStdString() + "|" + client.result().error.toStdString();
        for (const auto &m : client.result().retrieved)
            text += "|" + m.uidl.toStdString() + ":" + m.content.toStdString();
        text += client.result().finished ? "|finished" : "|unfinished";
        return text;
    };
    const std::string whole = run(0);
    EXPECT_EQ(whole, "USER bob\r\nPASS secret\r\nSTAT\r\nUIDL\r\nLIST\r\nRETR 1\r\nRETR 2\r\n"
                     "QUIT\r\n||u1:.\r\n|u2:..x\r\n\r\ny\r\nz\r\n|finished");
    for (qsizetype cut = 1; cut < script.size(); ++cut)
        ASSERT_EQ(run(cut), whole) << "cut after " << cut;
}

// ---- against the server engine -------------------------------------------------------------

class Pop3SessionPair : public ::testing::Test
{
protected:
    Pop3SessionPair() : store("example.net")
    {
        Mailbox &box = store.addUser("bob", "secret");
        box.add(stored(kFirst));
        box.add(stored(kSecond));
        bob = &box;
        bob->addObserver([this](const Change &c) { changes.push_back(c); });
    }

    static StoredMessage stored(const QByteArray &content)
    {
        StoredMessage m;
        m.content = content;
        return m;
    }

    // One whole session; returns the client's result and keeps the transcript for messages.
    ClientResult fetch(const ClientConfig &clientConfig, qsizetype chunkSize = 0)
    {
        Pop3ServerSession server(serverConfig, store);
        Pop3ClientSession client(clientConfig);
        SessionPair<Pop3ClientSession, Pop3ServerSession> pair(client, server, chunkSize);
        EXPECT_TRUE(pair.start(server.open()));
        transcript = pair.transcript();
        serverBytes = pair.sentBy(false).size();
        EXPECT_TRUE(client.done()) << transcript;
        EXPECT_TRUE(pair.clientClosed() || pair.serverClosed()) << transcript;
        EXPECT_FALSE(bob->isLocked()) << transcript;
        return client.result();
    }

    ServerConfig serverConfig;
    MailStore store;
    Mailbox *bob = nullptr;
    std::vector<Change> changes;
    std::string transcript;
    qsizetype serverBytes = 0;
};

TEST_F(Pop3SessionPair, DownloadAndKeep)
{
    const ClientResult r = fetch(bobConfig());
    EXPECT_TRUE(r.authenticated);
    EXPECT_TRUE(r.finished);
    EXPECT_EQ(r.error, "") << transcript;
    EXPECT_EQ(r.messagesOnServer, 2);
    EXPECT_EQ(r.octetsOnServer, kFirst.size() + kSecond.size());
    ASSERT_EQ(r.retrieved.size(), 2u);
    EXPECT_EQ(r.retrieved[0].content, kFirst);
    EXPECT_EQ(r.retrieved[0].uidl, "1.1");
    EXPECT_EQ(r.retrieved[0].size, kFirst.size());
    EXPECT_EQ(r.retrieved[1].content, kSecond);
    EXPECT_EQ(r.retrieved[1].uidl, "1.2");
    EXPECT_TRUE(r.deleted.empty());
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_TRUE(changes.empty());

    // The next session, told what was fetched, fetches nothing...
    ClientConfig again = bobConfig();
    for (const auto &m : r.retrieved)
        again.alreadyRetrieved.insert(m.uidl);
    const ClientResult second = fetch(again);
    EXPECT_EQ(second.error, "");
    EXPECT_TRUE(second.retrieved.empty()) << transcript;
    EXPECT_EQ(transcript, "S: +OK mail.example.net POP3 server ready\n"
                          "C: USER bob\n"
                          "S: +OK send PASS\n"
                          "C: PASS secret\n"
                          "S: +OK bob's maildrop has 2 messages (128 octets)\n"
                          "C: STAT\n"
                          "S: +OK 2 128\n"
                          "C: UIDL\n"
                          "S: +OK\n"
                          "S: 1 1.1\n"
                          "S: 2 1.2\n"
                          "S: .\n"
                          "C: LIST\n"
                          "S: +OK 2 messages (128 octets)\n"
                          "S: 1 53\n"
                          "S: 2 75\n"
                          "S: .\n"
                          "C: QUIT\n"
                          "S: +OK mail.example.net POP3 server signing off (2 messages left)\n");

    // ... until new mail arrives, which alone is fetched.
    const QByteArray late = "Subject: late\r\n\r\nnew\r\n";
    bob->add(stored(late));
    const ClientResult third = fetch(again);
    ASSERT_EQ(third.retrieved.size(), 1u);
    EXPECT_EQ(third.retrieved[0].content, late);
    EXPECT_EQ(third.retrieved[0].number, 3);
    EXPECT_EQ(third.retrieved[0].uidl, "1.3");
}

TEST_F(Pop3SessionPair, DownloadAndDelete)
{
    ClientConfig config = bobConfig();
    config.deleteAfterRetrieve = true;
    const ClientResult r = fetch(config);
    EXPECT_EQ(r.error, "") << transcript;
    ASSERT_EQ(r.retrieved.size(), 2u);
    EXPECT_EQ(r.retrieved[1].content, kSecond);
    EXPECT_EQ(r.deleted, (std::vector<int>{1, 2}));
    EXPECT_NE(transcript.find("(0 messages left)"), std::string::npos) << transcript;
    EXPECT_EQ(bob->size(), 0u);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].kind, Change::Kind::Removed);
    EXPECT_EQ(changes[0].cause, "POP3 QUIT");

    const ClientResult empty = fetch(config);
    EXPECT_EQ(empty.messagesOnServer, 0);
    EXPECT_TRUE(empty.retrieved.empty());
    EXPECT_TRUE(empty.finished);
}

TEST_F(Pop3SessionPair, WrongPassword)
{
    ClientConfig config = bobConfig();
    config.password = "guess";
    const ClientResult r = fetch(config);
    EXPECT_FALSE(r.authenticated);
    EXPECT_TRUE(r.finished);
    EXPECT_TRUE(r.retrieved.empty());
    EXPECT_EQ(r.error, "the server refused the login: -ERR [AUTH] authentication failed");
    EXPECT_EQ(bob->size(), 2u);
}

TEST_F(Pop3SessionPair, Apop)
{
    serverConfig.apopTimestamp = kTimestamp;
    ClientConfig config = bobConfig();
    config.useApop = true;
    const ClientResult r = fetch(config);
    EXPECT_TRUE(r.authenticated);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.retrieved.size(), 2u);
    EXPECT_NE(transcript.find("C: APOP bob " + kGoodDigest.toStdString() + "\n"), std::string::npos)
        << transcript;
    EXPECT_EQ(transcript.find("C: USER"), std::string::npos);

    config.password = "wrong";
    const ClientResult refused = fetch(config);
    EXPECT_FALSE(refused.authenticated);
    EXPECT_EQ(refused.error, "the server refused the login: -ERR [AUTH] authentication failed");
}

TEST_F(Pop3SessionPair, MaildropInUse)
{
    ASSERT_TRUE(bob->tryLock()); // as if another session had it
    Pop3ServerSession server(serverConfig, store);
    Pop3ClientSession client(bobConfig());
    SessionPair<Pop3ClientSession, Pop3ServerSession> pair(client, server);
    ASSERT_TRUE(pair.start(server.open()));
    EXPECT_EQ(client.result().error,
              "the server refused the login: -ERR [IN-USE] maildrop is locked by another session");
    EXPECT_TRUE(client.result().finished);
    EXPECT_TRUE(bob->isLocked()); // still the other session's lock
    bob->unlock();
}

TEST_F(Pop3SessionPair, SameResultAtEveryChunkSize)
{
    ClientConfig config = bobConfig();
    config.deleteAfterRetrieve = true;
    // Each run deletes; the store is refilled before each so every run sees the same.
    auto refill = [&] {
        std::vector<quint32> all;
        for (const StoredMessage &m : bob->messages())
            all.push_back(m.uid);
        (void)bob->remove("INBOX", all);
        bob->add(stored(kFirst));
        bob->add(stored(kSecond));
        changes.clear();
    };
    const ClientResult whole = fetch(config);
    const std::string wholeTranscript = transcript;
    const qsizetype longest = serverBytes;
    ASSERT_GT(longest, 100);
    for (qsizetype chunk = 1; chunk <= longest; ++chunk) {
        refill();
        const ClientResult r = fetch(config, chunk);
        // The UIDs differ per refill; everything else is the same.
        ASSERT_EQ(r.error, "") << "chunk " << chunk;
        ASSERT_EQ(r.retrieved.size(), 2u) << "chunk " << chunk;
        ASSERT_EQ(r.retrieved[0].content, kFirst) << "chunk " << chunk;
        ASSERT_EQ(r.retrieved[1].content, kSecond) << "chunk " << chunk;
        ASSERT_EQ(r.deleted, whole.deleted) << "chunk " << chunk;
        ASSERT_TRUE(r.finished) << "chunk " << chunk;
        ASSERT_EQ(bob->size(), 0u) << "chunk " << chunk;
        ASSERT_EQ(changes.size(), 2u) << "chunk " << chunk;
    }
    EXPECT_NE(wholeTranscript.find("S: ..starts with a dot\n"), std::string::npos) << wholeTranscript;
}

TEST_F(Pop3SessionPair, KeepModeTranscriptIdenticalAtEveryChunkSize)
{
    const ClientResult whole = fetch(bobConfig());
    const std::string wholeTranscript = transcript;
    for (qsizetype chunk = 1; chunk <= serverBytes; ++chunk) {
        const ClientResult r = fetch(bobConfig(), chunk);
        ASSERT_EQ(transcript, wholeTranscript) << "chunk " << chunk;
        ASSERT_EQ(r.retrieved.size(), whole.retrieved.size());
        ASSERT_EQ(r.retrieved[1].content, kSecond);
    }
}

} // namespace
