// The POP3 server engine, one command at a time with the exact bytes of every reply, then
// the rules that span a session: deletions only at QUIT, the maildrop lock, the snapshot
// taken at login, and the same output for any chunking of the input.
#include "protocol/pop3/pop3_server_session.h"

#include "store/mail_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

using mailsim::pop3::Pop3ServerSession;
using mailsim::pop3::ServerConfig;
using mailsim::protocol::EngineOutput;
using mailsim::protocol::Transmission;
using mailsim::store::Change;
using mailsim::store::MailStore;
using mailsim::store::Mailbox;
using mailsim::store::StoredMessage;
using State = Pop3ServerSession::State;
namespace reply_status = mailsim::protocol::reply_status;

namespace {

// 53 octets.
const QByteArray kFirst = "From: alice@example.org\r\n"
                          "Subject: one\r\n"
                          "\r\n"
                          "Hello Bob.\r\n";
// 109 octets; lines that need dot-stuffing, and no line end at the end.
const QByteArray kSecond = "From: carol@example.org\r\n"
                           "Subject: two\r\n"
                           "\r\n"
                           ".starts with a dot\r\n"
                           "line 2\r\n"
                           ".\r\n"
                           "line 4\r\n"
                           "..two dots\r\n"
                           "no final line end";
const QByteArray kTimestamp = "<1896.697170952@mail.example.net>";
// MD5 of kTimestamp followed by "secret", as RFC 1939 section 7 computes it.
const QByteArray kGoodDigest = "daf7093d0fd9d44345d6e5d7d42333d4";

StoredMessage message(const QByteArray &content)
{
    StoredMessage m;
    m.content = content;
    return m;
}

class Pop3Server : public ::testing::Test
{
protected:
    Pop3Server() : store("example.net")
    {
        Mailbox &box = store.addUser("bob", "secret");
        box.add(message(kFirst));
        box.add(message(kSecond));
        store.addUser("carol", "pw");
        bob = store.find("bob");
        bob->addObserver([this](const Change &c) { changes.push_back(c); });
    }

    std::unique_ptr<Pop3ServerSession> newSession()
    {
        return std::make_unique<Pop3ServerSession>(config, store);
    }
    void start()
    {
        session = newSession();
        greeting = session->open().wire();
    }
    void login()
    {
        start();
        ASSERT_EQ(wire("USER bob\r\nPASS secret\r\n"),
                  "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
    }
    EngineOutput in(QByteArrayView bytes) { return session->receive(bytes); }
    QByteArray wire(QByteArrayView bytes) { return in(bytes).wire(); }
    int removedChanges() const
    {
        int n = 0;
        for (const Change &c : changes)
            n += c.kind == Change::Kind::Removed ? 1 : 0;
        return n;
    }

    ServerConfig config;
    MailStore store;
    Mailbox *bob = nullptr;
    std::vector<Change> changes;
    std::unique_ptr<Pop3ServerSession> session;
    QByteArray greeting;
};

// ---- greeting and AUTHORIZATION -----------------------------------------------------

TEST_F(Pop3Server, GreetingWithoutTimestamp)
{
    start();
    EXPECT_EQ(greeting, "+OK mail.example.net POP3 server ready\r\n");
    EXPECT_EQ(session->state(), State::Authorization);
    EXPECT_EQ(session->maildrop(), nullptr);
}

TEST_F(Pop3Server, GreetingWithApopTimestamp)
{
    config.apopTimestamp = kTimestamp;
    start();
    EXPECT_EQ(greeting, "+OK mail.example.net POP3 server ready " + kTimestamp + "\r\n");
}

TEST_F(Pop3Server, OpenTwiceGreetsOnce)
{
    start();
    EXPECT_TRUE(session->open().empty());
}

TEST_F(Pop3Server, BytesBeforeOpenAreAnsweredAfterTheGreeting)
{
    session = newSession();
    EXPECT_EQ(wire("NOOP\r\n"), "+OK mail.example.net POP3 server ready\r\n"
                                "-ERR NOOP is only valid after login\r\n");
    EXPECT_TRUE(session->open().empty());
}

TEST_F(Pop3Server, UserPassLogsInAndLocks)
{
    login();
    EXPECT_EQ(session->state(), State::Transaction);
    EXPECT_EQ(session->maildrop(), bob);
    EXPECT_EQ(session->user(), "bob");
    EXPECT_TRUE(bob->isLocked());
}

TEST_F(Pop3Server, LoginByFullAddressAnyCase)
{
    start();
    EXPECT_EQ(wire("USER Bob@Example.NET\r\nPASS secret\r\n"),
              "+OK send PASS\r\n+OK Bob@Example.NET's maildrop has 2 messages (162 octets)\r\n");
    EXPECT_EQ(session->maildrop(), bob);
}

TEST_F(Pop3Server, WrongPasswordAndUnknownUserGetTheSameReply)
{
    start();
    EXPECT_EQ(wire("USER bob\r\n"), "+OK send PASS\r\n");
    EXPECT_EQ(wire("PASS wrong\r\n"), "-ERR [AUTH] authentication failed\r\n");
    EXPECT_EQ(wire("USER nobody\r\n"), "+OK send PASS\r\n");
    EXPECT_EQ(wire("PASS secret\r\n"), "-ERR [AUTH] authentication failed\r\n");
    EXPECT_EQ(session->state(), State::Authorization);
    EXPECT_FALSE(bob->isLocked());
    // A failed PASS needs a new USER.
    EXPECT_EQ(wire("PASS secret\r\n"), "-ERR give USER first\r\n");
    EXPECT_EQ(wire("USER bob\r\nPASS secret\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
}

TEST_F(Pop3Server, PassWithoutUser)
{
    start();
    const EngineOutput out = in("PASS secret\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, "-ERR give USER first\r\n");
    EXPECT_EQ(out.sent[0].code, reply_status::Pop3Err);
    EXPECT_EQ(out.sent[0].kind, Transmission::Kind::Reply);
}

TEST_F(Pop3Server, PasswordMayContainSpaces)
{
    bob->setPassword("two words");
    start();
    EXPECT_EQ(wire("USER bob\r\nPASS two words\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
}

TEST_F(Pop3Server, ApopWithGoodDigest)
{
    config.apopTimestamp = kTimestamp;
    start();
    EXPECT_EQ(wire("APOP bob " + kGoodDigest + "\r\n"),
              "+OK bob's maildrop has 2 messages (162 octets)\r\n");
    EXPECT_EQ(session->state(), State::Transaction);
    EXPECT_TRUE(bob->isLocked());
}

TEST_F(Pop3Server, ApopDigestInCapitalsIsAccepted)
{
    config.apopTimestamp = kTimestamp;
    start();
    EXPECT_EQ(wire("APOP bob " + kGoodDigest.toUpper() + "\r\n"),
              "+OK bob's maildrop has 2 messages (162 octets)\r\n");
}

TEST_F(Pop3Server, ApopWithBadDigestOrUnknownUser)
{
    config.apopTimestamp = kTimestamp;
    start();
    EXPECT_EQ(wire("APOP bob 00000000000000000000000000000000\r\n"),
              "-ERR [AUTH] authentication failed\r\n");
    EXPECT_EQ(wire("APOP nobody " + kGoodDigest + "\r\n"), "-ERR [AUTH] authentication failed\r\n");
    EXPECT_EQ(session->state(), State::Authorization);
    EXPECT_FALSE(bob->isLocked());
}

TEST_F(Pop3Server, ApopWithoutTimestampIsRefused)
{
    start();
    EXPECT_EQ(wire("APOP bob " + kGoodDigest + "\r\n"), "-ERR APOP is not available on this server\r\n");
    EXPECT_EQ(session->state(), State::Authorization);
}

TEST_F(Pop3Server, ApopArgumentCount)
{
    config.apopTimestamp = kTimestamp;
    start();
    EXPECT_EQ(wire("APOP bob\r\n"), "-ERR usage: APOP name digest\r\n");
    EXPECT_EQ(wire("USER\r\n"), "-ERR usage: USER name\r\n");
    EXPECT_EQ(wire("USER a b\r\n"), "-ERR usage: USER name\r\n");
}

TEST_F(Pop3Server, TransactionCommandsBeforeLogin)
{
    start();
    for (const char *verb : {"STAT", "LIST", "UIDL", "RETR 1", "TOP 1 1", "DELE 1", "NOOP", "RSET"}) {
        const QByteArray keyword = QByteArray(verb).split(' ').front();
        EXPECT_EQ(wire(QByteArray(verb) + "\r\n"), "-ERR " + keyword + " is only valid after login\r\n")
            << verb;
    }
    EXPECT_EQ(session->state(), State::Authorization);
}

TEST_F(Pop3Server, AuthorizationCommandsAfterLogin)
{
    config.apopTimestamp = kTimestamp;
    login();
    EXPECT_EQ(wire("USER bob\r\n"), "-ERR USER is only valid before login\r\n");
    EXPECT_EQ(wire("PASS secret\r\n"), "-ERR PASS is only valid before login\r\n");
    EXPECT_EQ(wire("APOP bob " + kGoodDigest + "\r\n"), "-ERR APOP is only valid before login\r\n");
    EXPECT_EQ(session->state(), State::Transaction);
}

TEST_F(Pop3Server, LockedMaildropGivesInUse)
{
    login();
    std::unique_ptr<Pop3ServerSession> second = newSession();
    (void)second->open();
    EXPECT_EQ(second->receive("USER bob\r\nPASS secret\r\n").wire(),
              "+OK send PASS\r\n-ERR [IN-USE] maildrop is locked by another session\r\n");
    EXPECT_EQ(second->state(), State::Authorization);
    EXPECT_EQ(second->maildrop(), nullptr);

    EXPECT_EQ(wire("QUIT\r\n"), "+OK mail.example.net POP3 server signing off (2 messages left)\r\n");
    EXPECT_FALSE(bob->isLocked());
    EXPECT_EQ(second->receive("USER bob\r\nPASS secret\r\n").wire(),
              "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
    EXPECT_EQ(second->maildrop(), bob);
    second.reset(); // the destructor unlocks
    EXPECT_FALSE(bob->isLocked());
}

TEST_F(Pop3Server, InUseIsNotCountedAsAnError)
{
    config.maxErrors = 2;
    login();
    std::unique_ptr<Pop3ServerSession> second = newSession();
    (void)second->open();
    for (int i = 0; i < 3; ++i) {
        const EngineOutput out = second->receive("USER bob\r\nPASS secret\r\n");
        EXPECT_FALSE(out.close);
    }
}

// ---- TRANSACTION ------------------------------------------------------------------------

TEST_F(Pop3Server, Stat)
{
    login();
    EXPECT_EQ(wire("STAT\r\n"), "+OK 2 162\r\n");
}

TEST_F(Pop3Server, ListAll)
{
    login();
    const EngineOutput out = in("LIST\r\n");
    ASSERT_EQ(out.sent.size(), 1u); // one multi-line response, one unit
    EXPECT_EQ(out.sent[0].bytes, "+OK 2 messages (162 octets)\r\n1 53\r\n2 109\r\n.\r\n");
    EXPECT_EQ(out.sent[0].code, reply_status::Pop3Ok);
    ASSERT_EQ(out.received.size(), 1u);
    EXPECT_EQ(out.received[0].kind, Transmission::Kind::Command);
    EXPECT_EQ(out.received[0].bytes, "LIST\r\n");
}

TEST_F(Pop3Server, ListOne)
{
    login();
    EXPECT_EQ(wire("LIST 2\r\n"), "+OK 2 109\r\n");
    EXPECT_EQ(wire("LIST 3\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    EXPECT_EQ(wire("LIST 0\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    EXPECT_EQ(wire("LIST x\r\n"), "-ERR invalid message number\r\n");
    EXPECT_EQ(wire("LIST -1\r\n"), "-ERR invalid message number\r\n");
    EXPECT_EQ(wire("LIST 99999999999999999999\r\n"), "-ERR invalid message number\r\n");
    EXPECT_EQ(wire("LIST 1 2\r\n"), "-ERR usage: LIST [message-number]\r\n");
}

TEST_F(Pop3Server, ListOfDeletedMessage)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    EXPECT_EQ(wire("LIST 1\r\n"), "-ERR message 1 already deleted\r\n");
    EXPECT_EQ(wire("LIST\r\n"), "+OK 1 message (109 octets)\r\n2 109\r\n.\r\n");
    EXPECT_EQ(wire("STAT\r\n"), "+OK 1 109\r\n");
    EXPECT_EQ(wire("UIDL\r\n"), "+OK\r\n2 1.2\r\n.\r\n");
    EXPECT_EQ(wire("UIDL 1\r\n"), "-ERR message 1 already deleted\r\n");
    EXPECT_EQ(wire("RETR 1\r\n"), "-ERR message 1 already deleted\r\n");
    EXPECT_EQ(wire("TOP 1 0\r\n"), "-ERR message 1 already deleted\r\n");
}

TEST_F(Pop3Server, Uidl)
{
    login();
    EXPECT_EQ(wire("UIDL\r\n"), "+OK\r\n1 1.1\r\n2 1.2\r\n.\r\n");
    EXPECT_EQ(wire("UIDL 2\r\n"), "+OK 2 1.2\r\n");
    EXPECT_EQ(wire("UIDL 5\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
}

TEST_F(Pop3Server, RetrPlainMessage)
{
    login();
    const EngineOutput out = in("RETR 1\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, "+OK 53 octets\r\n" + kFirst + ".\r\n");
    EXPECT_EQ(out.sent[0].code, reply_status::Pop3Ok);
}

TEST_F(Pop3Server, RetrDotStuffsAndEndsTheLastLine)
{
    login();
    EXPECT_EQ(wire("RETR 2\r\n"), "+OK 109 octets\r\n"
                                  "From: carol@example.org\r\n"
                                  "Subject: two\r\n"
                                  "\r\n"
                                  "..starts with a dot\r\n"
                                  "line 2\r\n"
                                  "..\r\n"
                                  "line 4\r\n"
                                  "...two dots\r\n"
                                  "no final line end\r\n"
                                  ".\r\n");
}

TEST_F(Pop3Server, RetrErrors)
{
    login();
    EXPECT_EQ(wire("RETR\r\n"), "-ERR usage: RETR message-number\r\n");
    EXPECT_EQ(wire("RETR 3\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    EXPECT_EQ(wire("RETR one\r\n"), "-ERR invalid message number\r\n");
}

TEST_F(Pop3Server, TopWithNoBodyLines)
{
    login();
    EXPECT_EQ(wire("TOP 1 0\r\n"), "+OK top of message follows\r\n"
                                   "From: alice@example.org\r\n"
                                   "Subject: one\r\n"
                                   "\r\n"
                                   ".\r\n");
}

TEST_F(Pop3Server, TopWithThreeBodyLines)
{
    login();
    EXPECT_EQ(wire("TOP 2 3\r\n"), "+OK top of message follows\r\n"
                                   "From: carol@example.org\r\n"
                                   "Subject: two\r\n"
                                   "\r\n"
                                   "..starts with a dot\r\n"
                                   "line 2\r\n"
                                   "..\r\n"
                                   ".\r\n");
}

TEST_F(Pop3Server, TopBeyondTheBodyGivesTheWholeMessage)
{
    login();
    EXPECT_EQ(wire("TOP 1 100\r\n"), "+OK top of message follows\r\n" + kFirst + ".\r\n");
    // The unterminated last line counts as a line and gets its CR LF.
    EXPECT_EQ(wire("TOP 2 6\r\n"), "+OK top of message follows\r\n"
                                   "From: carol@example.org\r\n"
                                   "Subject: two\r\n"
                                   "\r\n"
                                   "..starts with a dot\r\n"
                                   "line 2\r\n"
                                   "..\r\n"
                                   "line 4\r\n"
                                   "...two dots\r\n"
                                   "no final line end\r\n"
                                   ".\r\n");
}

TEST_F(Pop3Server, TopOfMessageWithoutBody)
{
    bob->add(message("Subject: header only\r\n"));
    start();
    EXPECT_EQ(wire("USER bob\r\nPASS secret\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 3 messages (184 octets)\r\n");
    EXPECT_EQ(wire("TOP 3 5\r\n"), "+OK top of message follows\r\nSubject: header only\r\n.\r\n");
}

TEST_F(Pop3Server, TopErrors)
{
    login();
    EXPECT_EQ(wire("TOP 1\r\n"), "-ERR usage: TOP message-number lines\r\n");
    EXPECT_EQ(wire("TOP 1 x\r\n"), "-ERR invalid number of lines\r\n");
    EXPECT_EQ(wire("TOP 9 1\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
}

TEST_F(Pop3Server, DeleTwice)
{
    login();
    EXPECT_EQ(wire("DELE 2\r\n"), "+OK message 2 deleted\r\n");
    EXPECT_EQ(wire("DELE 2\r\n"), "-ERR message 2 already deleted\r\n");
    EXPECT_EQ(wire("DELE 3\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    EXPECT_EQ(bob->size(), 2u); // nothing leaves before QUIT
}

TEST_F(Pop3Server, RsetRestoresMarkedMessages)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\nDELE 2\r\nSTAT\r\n"),
              "+OK message 1 deleted\r\n+OK message 2 deleted\r\n+OK 0 0\r\n");
    EXPECT_EQ(wire("RSET\r\n"), "+OK maildrop has 2 messages (162 octets)\r\n");
    EXPECT_EQ(wire("STAT\r\nLIST 1\r\n"), "+OK 2 162\r\n+OK 1 53\r\n");
    EXPECT_EQ(wire("RSET 1\r\n"), "-ERR RSET takes no argument\r\n");
    EXPECT_EQ(wire("QUIT\r\n"), "+OK mail.example.net POP3 server signing off (2 messages left)\r\n");
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_EQ(removedChanges(), 0);
}

TEST_F(Pop3Server, Noop)
{
    login();
    EXPECT_EQ(wire("NOOP\r\n"), "+OK\r\n");
    EXPECT_EQ(wire("NOOP x\r\n"), "-ERR NOOP takes no argument\r\n");
}

TEST_F(Pop3Server, QuitInAuthorization)
{
    start();
    const EngineOutput out = in("QUIT\r\nNOOP\r\n");
    EXPECT_EQ(out.wire(), "+OK mail.example.net POP3 server signing off\r\n");
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Closed);
    EXPECT_TRUE(in("STAT\r\n").empty());
    EXPECT_TRUE(session->receiveEof().empty());
    EXPECT_TRUE(session->timeout().empty());
}

TEST_F(Pop3Server, QuitInTransactionRemovesMarkedMessages)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    EXPECT_EQ(removedChanges(), 0);
    const EngineOutput out = in("QUIT\r\n");
    EXPECT_EQ(out.wire(), "+OK mail.example.net POP3 server signing off (1 message left)\r\n");
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Closed);
    EXPECT_EQ(session->maildrop(), nullptr);
    EXPECT_FALSE(bob->isLocked());
    ASSERT_EQ(bob->size(), 1u);
    EXPECT_EQ(bob->messages()[0].content, kSecond);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].kind, Change::Kind::Removed);
    EXPECT_EQ(changes[0].uid, 1u);
    EXPECT_EQ(changes[0].folder, "INBOX");
    EXPECT_EQ(changes[0].cause, "POP3 QUIT");
}

TEST_F(Pop3Server, QuitTakesNoArgument)
{
    login();
    EXPECT_EQ(wire("QUIT now\r\n"), "-ERR QUIT takes no argument\r\n");
    EXPECT_EQ(session->state(), State::Transaction);
}

TEST_F(Pop3Server, CapaInBothStates)
{
    const QByteArray capabilities = "+OK Capability list follows\r\n"
                                    "USER\r\n"
                                    "TOP\r\n"
                                    "UIDL\r\n"
                                    "RESP-CODES\r\n"
                                    "PIPELINING\r\n"
                                    "IMPLEMENTATION MailSim\r\n"
                                    ".\r\n";
    start();
    EXPECT_EQ(wire("CAPA\r\n"), capabilities);
    EXPECT_EQ(wire("USER bob\r\nPASS secret\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
    const EngineOutput out = in("CAPA\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, capabilities);
}

TEST_F(Pop3Server, UnknownCommand)
{
    start();
    EXPECT_EQ(wire("HELO there\r\n"), "-ERR unknown command\r\n");
    EXPECT_EQ(wire("\r\n"), "-ERR unknown command\r\n");
    EXPECT_EQ(wire(" USER bob\r\n"), "-ERR unknown command\r\n");
    login();
    EXPECT_EQ(wire("XTND XMIT\r\n"), "-ERR unknown command\r\n");
}

TEST_F(Pop3Server, ArgumentsSeparatedBySingleSpaces)
{
    login();
    EXPECT_EQ(wire("LIST  1\r\n"), "-ERR syntax error: arguments are separated by single spaces\r\n");
    EXPECT_EQ(wire("LIST 1 \r\n"), "-ERR syntax error: arguments are separated by single spaces\r\n");
    EXPECT_EQ(wire("TOP 1  2\r\n"), "-ERR syntax error: arguments are separated by single spaces\r\n");
}

TEST_F(Pop3Server, ArgumentsUpToFortyCharacters)
{
    store.addUser(QByteArray(40, 'a'), "pw");
    start();
    EXPECT_EQ(wire("USER " + QByteArray(41, 'a') + "\r\n"),
              "-ERR argument too long (at most 40 characters)\r\n");
    EXPECT_EQ(wire("USER " + QByteArray(40, 'a') + "\r\nPASS pw\r\n"),
              "+OK send PASS\r\n+OK " + QByteArray(40, 'a') +
                  "'s maildrop has 0 messages (0 octets)\r\n");
}

TEST_F(Pop3Server, CommandLineLimit)
{
    start();
    // 255 octets with CR LF is accepted; 256 is not, and the session goes on.
    const QByteArray longest = "NOOP " + QByteArray(255 - 7, 'x') + "\r\n";
    ASSERT_EQ(longest.size(), 255);
    EXPECT_EQ(wire(longest), "-ERR NOOP is only valid after login\r\n");
    const QByteArray tooLong = "NOOP " + QByteArray(256 - 7, 'x') + "\r\n";
    const EngineOutput out = in(tooLong);
    EXPECT_EQ(out.wire(), "-ERR line too long\r\n");
    EXPECT_TRUE(out.received.empty()); // the line itself was not kept
    EXPECT_FALSE(out.close);
    EXPECT_EQ(wire("QUIT\r\n"), "+OK mail.example.net POP3 server signing off\r\n");
}

TEST_F(Pop3Server, EndlessLineStaysBounded)
{
    start();
    QByteArray replies;
    for (int i = 0; i < 1000; ++i) {
        replies += wire(QByteArray(1000, 'y'));
        EXPECT_LE(session->bytesHeld(), 1000);
    }
    EXPECT_EQ(replies, "-ERR line too long\r\n"); // said once, for the one line
    EXPECT_EQ(wire("\r\nQUIT\r\n"), "+OK mail.example.net POP3 server signing off\r\n");
}

TEST_F(Pop3Server, TooManyErrorsClose)
{
    config.maxErrors = 3;
    login();
    EXPECT_EQ(wire("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    EXPECT_EQ(wire("FOO\r\n"), "-ERR unknown command\r\n");
    EXPECT_EQ(wire("RETR 7\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    const EngineOutput out = in("BAR\r\nSTAT\r\n");
    EXPECT_EQ(out.wire(), "-ERR unknown command\r\n-ERR too many errors, closing connection\r\n");
    ASSERT_EQ(out.sent.size(), 2u);
    EXPECT_EQ(out.sent[1].code, reply_status::Pop3Err);
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Closed);
    // Like any end other than QUIT: unlocked, nothing deleted.
    EXPECT_FALSE(bob->isLocked());
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_EQ(removedChanges(), 0);
}

TEST_F(Pop3Server, FailedLoginsCountAsErrors)
{
    config.maxErrors = 2;
    start();
    EXPECT_EQ(wire("USER bob\r\nPASS a\r\n"), "+OK send PASS\r\n-ERR [AUTH] authentication failed\r\n");
    const EngineOutput out = in("USER bob\r\nPASS b\r\n");
    EXPECT_EQ(out.wire(), "+OK send PASS\r\n-ERR [AUTH] authentication failed\r\n"
                          "-ERR too many errors, closing connection\r\n");
    EXPECT_TRUE(out.close);
}

TEST_F(Pop3Server, CommandsAreCaseInsensitive)
{
    start();
    EXPECT_EQ(wire("user bob\r\npAsS secret\r\nstat\r\nList 1\r\nuidl 1\r\ndele 1\r\nrset\r\nnoop\r\nquit\r\n"),
              "+OK send PASS\r\n"
              "+OK bob's maildrop has 2 messages (162 octets)\r\n"
              "+OK 2 162\r\n"
              "+OK 1 53\r\n"
              "+OK 1 1.1\r\n"
              "+OK message 1 deleted\r\n"
              "+OK maildrop has 2 messages (162 octets)\r\n"
              "+OK\r\n"
              "+OK mail.example.net POP3 server signing off (2 messages left)\r\n");
}

TEST_F(Pop3Server, BareLfEndsACommand)
{
    start();
    const EngineOutput out = in("USER bob\nPASS secret\n");
    EXPECT_EQ(out.wire(), "+OK send PASS\r\n+OK bob's maildrop has 2 messages (162 octets)\r\n");
    ASSERT_EQ(out.received.size(), 2u);
    EXPECT_EQ(out.received[0].bytes, "USER bob\n");
}

TEST_F(Pop3Server, EmptyMaildrop)
{
    start();
    EXPECT_EQ(wire("USER carol\r\nPASS pw\r\n"),
              "+OK send PASS\r\n+OK carol's maildrop has 0 messages (0 octets)\r\n");
    EXPECT_EQ(wire("STAT\r\n"), "+OK 0 0\r\n");
    EXPECT_EQ(wire("LIST\r\n"), "+OK 0 messages (0 octets)\r\n.\r\n");
    EXPECT_EQ(wire("UIDL\r\n"), "+OK\r\n.\r\n");
    EXPECT_EQ(wire("RETR 1\r\n"), "-ERR no such message, only 0 messages in maildrop\r\n");
    EXPECT_EQ(wire("QUIT\r\n"), "+OK mail.example.net POP3 server signing off (0 messages left)\r\n");
}

TEST_F(Pop3Server, PipelinedCommandsAnsweredInOrderOneUnitEach)
{
    start();
    const EngineOutput out =
        in("USER bob\r\nPASS secret\r\nLIST\r\nRETR 1\r\nDELE 1\r\nFOO\r\nQUIT\r\n");
    std::vector<QByteArray> replies;
    std::vector<int> codes;
    for (const Transmission &t : out.sent) {
        EXPECT_EQ(t.kind, Transmission::Kind::Reply);
        replies.push_back(t.bytes);
        codes.push_back(t.code);
    }
    const std::vector<QByteArray> expected = {
        "+OK send PASS\r\n",
        "+OK bob's maildrop has 2 messages (162 octets)\r\n",
        "+OK 2 messages (162 octets)\r\n1 53\r\n2 109\r\n.\r\n",
        "+OK 53 octets\r\n" + kFirst + ".\r\n",
        "+OK message 1 deleted\r\n",
        "-ERR unknown command\r\n",
        "+OK mail.example.net POP3 server signing off (1 message left)\r\n",
    };
    EXPECT_EQ(replies, expected);
    EXPECT_EQ(codes, (std::vector<int>{1, 1, 1, 1, 1, 2, 1}));
    std::vector<QByteArray> commands;
    for (const Transmission &t : out.received) {
        EXPECT_EQ(t.kind, Transmission::Kind::Command);
        commands.push_back(t.bytes);
    }
    EXPECT_EQ(commands, (std::vector<QByteArray>{"USER bob\r\n", "PASS secret\r\n", "LIST\r\n",
                                                 "RETR 1\r\n", "DELE 1\r\n", "FOO\r\n", "QUIT\r\n"}));
    EXPECT_TRUE(out.close);
    EXPECT_EQ(bob->size(), 1u);
}

// Everything observable about one run, to compare runs with different chunking.
std::string runSummary(MailStore &store, const ServerConfig &config, QByteArrayView input,
                       const std::vector<qsizetype> &cuts)
{
    Pop3ServerSession session(config, store);
    std::string sent;
    std::string received;
    int closes = 0;
    auto collect = [&](const EngineOutput &out) {
        for (const Transmission &t : out.sent)
            sent += "S" + std::to_string(t.code) + ' ' + t.bytes.toStdString();
        for (const Transmission &t : out.received)
            received += "C " + t.bytes.toStdString();
        closes += out.close ? 1 : 0;
    };
    collect(session.open());
    qsizetype from = 0;
    for (qsizetype cut : cuts) {
        collect(session.receive(input.sliced(from, cut - from)));
        from = cut;
    }
    collect(session.receive(input.sliced(from)));
    collect(session.receiveEof());
    return sent + received + "closes: " + std::to_string(closes);
}

TEST_F(Pop3Server, SameOutputInAnyChunking)
{
    config.apopTimestamp = kTimestamp;
    // No QUIT, so that no run changes the store for the next one.
    const QByteArray input = "CAPA\r\nUSER bob\r\nPASS wrong\r\nAPOP bob " + kGoodDigest +
                             "\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 2\r\nTOP 2 2\r\nDELE 1\r\nLIST 1\r\n"
                             "RSET\r\nNOOP\r\nBAD\r\n";
    const std::string whole = runSummary(store, config, input, {});
    ASSERT_NE(whole.find("..starts with a dot"), std::string::npos);
    std::vector<qsizetype> everyByte;
    for (qsizetype i = 1; i < input.size(); ++i)
        everyByte.push_back(i);
    EXPECT_EQ(runSummary(store, config, input, everyByte), whole);
    for (qsizetype cut = 1; cut < input.size(); ++cut)
        ASSERT_EQ(runSummary(store, config, input, {cut}), whole) << "cut after " << cut;
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_FALSE(bob->isLocked());
}

// ---- ends other than QUIT ---------------------------------------------------------------

TEST_F(Pop3Server, DeleThenEofDeletesNothing)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\nDELE 2\r\n"), "+OK message 1 deleted\r\n+OK message 2 deleted\r\n");
    const EngineOutput out = session->receiveEof();
    EXPECT_TRUE(out.sent.empty());
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Closed);
    EXPECT_EQ(session->maildrop(), nullptr);
    EXPECT_FALSE(bob->isLocked());
    ASSERT_EQ(bob->size(), 2u);
    EXPECT_EQ(bob->messages()[0].content, kFirst);
    EXPECT_EQ(bob->messages()[1].content, kSecond);
    EXPECT_TRUE(changes.empty());
}

TEST_F(Pop3Server, TimeoutDeletesNothing)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    const EngineOutput out = session->timeout();
    EXPECT_EQ(out.wire(), "-ERR autologout; idle for too long\r\n");
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].code, reply_status::Pop3Err);
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Closed);
    EXPECT_FALSE(bob->isLocked());
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_TRUE(in("QUIT\r\n").empty());
    EXPECT_EQ(bob->size(), 2u);
}

TEST_F(Pop3Server, DestructorUnlocksAndDeletesNothing)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\n"), "+OK message 1 deleted\r\n");
    session.reset();
    EXPECT_FALSE(bob->isLocked());
    EXPECT_EQ(bob->size(), 2u);
    EXPECT_TRUE(changes.empty());
}

// ---- snapshot and unique ids across sessions ---------------------------------------------

TEST_F(Pop3Server, LaterDeliveryIsSeenOnlyByTheNextSession)
{
    login();
    bob->add(message("Subject: late\r\n\r\nlate\r\n"));
    EXPECT_EQ(wire("STAT\r\n"), "+OK 2 162\r\n");
    EXPECT_EQ(wire("LIST 3\r\n"), "-ERR no such message, only 2 messages in maildrop\r\n");
    EXPECT_EQ(wire("UIDL\r\n"), "+OK\r\n1 1.1\r\n2 1.2\r\n.\r\n");
    EXPECT_EQ(wire("QUIT\r\n"), "+OK mail.example.net POP3 server signing off (3 messages left)\r\n");

    session = newSession();
    (void)session->open();
    EXPECT_EQ(wire("USER bob\r\nPASS secret\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 3 messages (185 octets)\r\n");
    EXPECT_EQ(wire("LIST 3\r\nUIDL 3\r\n"), "+OK 3 23\r\n+OK 3 1.3\r\n");
}

TEST_F(Pop3Server, UniqueIdsStayWithTheirMessages)
{
    login();
    EXPECT_EQ(wire("DELE 1\r\nQUIT\r\n"),
              "+OK message 1 deleted\r\n"
              "+OK mail.example.net POP3 server signing off (1 message left)\r\n");
    bob->add(message("Subject: new\r\n\r\n"));
    session = newSession();
    (void)session->open();
    EXPECT_EQ(wire("USER bob\r\nPASS secret\r\nUIDL\r\n"),
              "+OK send PASS\r\n+OK bob's maildrop has 2 messages (125 octets)\r\n"
              "+OK\r\n1 1.2\r\n2 1.3\r\n.\r\n");
}

} // namespace
