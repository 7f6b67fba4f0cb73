// The scripted IMAP client against the server engine, back to back in memory: a mail
// program's session (fetch what is new, mark read, move, append, wait in IDLE) whole and
// split into chunks of every size, with the store checked afterwards.
#include "imap_test_support.h"
#include "protocol/imap/imap_client_session.h"
#include "support/protocol/session_pair.h"

#include <gtest/gtest.h>

using namespace mailsim;
using namespace mailsim::imap;
using namespace mailsim::imap::test;
using Pair = mailsim::test_support::SessionPair<ImapClientSession, ImapServerSession>;
using Kind = ClientAction::Kind;
namespace status = mailsim::protocol::reply_status;

namespace {

ClientAction act(Kind kind, QString folder = {}, QByteArray criteria = {})
{
    ClientAction a;
    a.kind = kind;
    a.folder = std::move(folder);
    a.criteria = std::move(criteria);
    return a;
}

const QByteArray kDraft = "Subject: Draft reply\r\nFrom: bob@example.net\r\n\r\nNot sent yet.\r\n";

ClientConfig mailProgram()
{
    ClientConfig config;
    config.user = "bob";
    config.password = "secret";
    config.actions.push_back(act(Kind::FetchNew));
    config.actions.push_back(act(Kind::MarkRead, {}, "SUBJECT \"Lunch\""));
    config.actions.push_back(act(Kind::Create, "Archive"));
    ClientAction move = act(Kind::MoveTo, "INBOX", "FROM carol");
    move.target = "Archive";
    config.actions.push_back(move);
    ClientAction append = act(Kind::Append, "INBOX");
    append.flags = {"\\Draft", "\\Seen"};
    append.message = kDraft;
    config.actions.push_back(append);
    config.actions.push_back(act(Kind::Idle));
    config.actions.push_back(act(Kind::Search, {}, "UNSEEN"));
    return config;
}

struct Outcome
{
    ClientResult result;
    QByteArray clientBytes;
    QByteArray serverBytes;
    QStringList inbox; // "uid flags" per INBOX message
    int archived = 0;
};

Outcome runMailProgram(qsizetype chunk)
{
    Fixture f;
    ImapServerSession server({}, f.store);
    ImapClientSession client(mailProgram());
    Pair pair(client, server, chunk);
    Outcome o;
    if (!pair.start(server.open()) || !client.idling()) {
        ADD_FAILURE() << "the client did not reach IDLE\n" << pair.transcript();
        return o;
    }
    // New mail while the client waits: the server pushes EXISTS, the client says DONE.
    deliver(f.bob, kLunch, day(10));
    if (!pair.start(server.storeChanged()) || !client.done()) {
        ADD_FAILURE() << "the client did not finish\n" << pair.transcript();
        return o;
    }
    o.result = client.result();
    o.clientBytes = pair.sentBy(true);
    o.serverBytes = pair.sentBy(false);
    for (const store::StoredMessage &m : f.bob.inbox().messages)
        o.inbox << QString::number(m.uid) + QLatin1Char(' ') + QString::fromUtf8(m.flags.join(' '));
    o.archived = static_cast<int>(f.bob.folder("Archive")->messages.size());
    return o;
}

TEST(ImapSessionPair, MailProgramScript)
{
    const Outcome o = runMailProgram(0);
    const ClientResult &r = o.result;
    EXPECT_TRUE(r.authenticated);
    EXPECT_TRUE(r.finished) << r.error.constData();
    EXPECT_EQ(r.uidValidity, 1u);
    ASSERT_EQ(r.fetched.size(), 3u);
    EXPECT_EQ(r.fetched[0].content, kLunch);
    EXPECT_EQ(r.fetched[1].content, kReport);
    EXPECT_EQ(r.fetched[2].content, kForward);
    EXPECT_EQ(r.fetched[1].uid, 2u);
    EXPECT_EQ(r.fetched[1].flags, QByteArrayList{"\\Flagged"});
    EXPECT_EQ(r.fetched[1].size, kReport.size());
    EXPECT_EQ(r.fetched[0].folder, "INBOX");
    ASSERT_EQ(r.actions.size(), 7u);
    for (const ActionResult &a : r.actions)
        EXPECT_EQ(a.status, status::ImapOk) << a.text.constData();
    EXPECT_EQ(r.actions[0].uids, (std::vector<quint32>{1, 2, 3}));
    EXPECT_EQ(r.actions[1].uids, (std::vector<quint32>{1, 3}));
    EXPECT_EQ(r.actions[3].uids, (std::vector<quint32>{2}));
    EXPECT_EQ(r.actions[5].kind, Kind::Idle);
    EXPECT_EQ(r.pushedExists, 4);
    EXPECT_EQ(r.actions[6].uids, (std::vector<quint32>{5}));
    EXPECT_EQ(o.inbox, (QStringList{"1 \\Seen", "3 \\Seen", "4 \\Draft \\Seen", "5 "}));
    EXPECT_EQ(o.archived, 1);
    EXPECT_EQ(o.clientBytes,
              "A1 LOGIN bob secret\r\n"
              "A2 SELECT INBOX\r\n"
              "A3 UID SEARCH ALL\r\n"
              "A4 UID FETCH 1:3 (UID FLAGS RFC822.SIZE BODY.PEEK[])\r\n"
              "A5 UID SEARCH SUBJECT \"Lunch\"\r\n"
              "A6 UID STORE 1,3 +FLAGS (\\Seen)\r\n"
              "A7 CREATE Archive\r\n"
              "A8 UID SEARCH FROM carol\r\n"
              "A9 UID COPY 2 Archive\r\n"
              "A10 UID STORE 2 +FLAGS.SILENT (\\Deleted)\r\n"
              "A11 EXPUNGE\r\n"
              "A12 APPEND INBOX (\\Draft \\Seen) {" + QByteArray::number(kDraft.size()) + "}\r\n" + kDraft + "\r\n"
              "A13 IDLE\r\n"
              "DONE\r\n"
              "A14 UID SEARCH UNSEEN\r\n"
              "A15 LOGOUT\r\n");
}

TEST(ImapSessionPair, SameDialogueAtEveryChunkSize)
{
    const Outcome whole = runMailProgram(0);
    ASSERT_TRUE(whole.result.finished);
    const qsizetype longest = std::max(whole.clientBytes.size(), whole.serverBytes.size());
    for (qsizetype chunk = 1; chunk <= longest; ++chunk) {
        const Outcome o = runMailProgram(chunk);
        ASSERT_EQ(o.clientBytes, whole.clientBytes) << "chunk " << chunk;
        ASSERT_EQ(o.serverBytes, whole.serverBytes) << "chunk " << chunk;
        ASSERT_EQ(o.result.fetched.size(), 3u);
        ASSERT_EQ(o.result.fetched[2].content, kForward);
        ASSERT_EQ(o.inbox, whole.inbox);
    }
}

TEST(ImapSessionPair, AlreadyFetchedMessagesAreSkipped)
{
    Fixture f;
    ImapServerSession server({}, f.store);
    ClientConfig config;
    config.user = "bob";
    config.password = "secret";
    config.alreadyFetched = {1, 3};
    ClientAction fetch = act(Kind::FetchNew);
    fetch.peek = false;
    config.actions.push_back(fetch);
    config.actions.push_back(act(Kind::FetchNew)); // the skip list is fixed: message 2 again
    ImapClientSession client(config);
    Pair pair(client, server);
    ASSERT_TRUE(pair.start(server.open()));
    ASSERT_TRUE(client.done());
    const ClientResult &r = client.result();
    ASSERT_EQ(r.fetched.size(), 2u);
    EXPECT_EQ(r.fetched[0].uid, 2u);
    EXPECT_EQ(r.fetched[0].flags, (QByteArrayList{"\\Flagged", "\\Seen"}));
    EXPECT_TRUE(f.bob.inbox().messages[1].hasFlag("\\Seen")); // BODY[] without PEEK
    EXPECT_EQ(r.fetched[1].uid, 2u);
    EXPECT_TRUE(pair.sentBy(true).contains("A4 UID FETCH 2 (UID FLAGS RFC822.SIZE BODY[])\r\n"));
}

TEST(ImapSessionPair, FailedLoginLogsOutAndReports)
{
    Fixture f;
    ImapServerSession server({}, f.store);
    ClientConfig config;
    config.user = "bob";
    config.password = "wrong";
    config.actions.push_back(act(Kind::FetchNew));
    ImapClientSession client(config);
    Pair pair(client, server);
    ASSERT_TRUE(pair.start(server.open()));
    EXPECT_TRUE(client.done());
    EXPECT_FALSE(client.result().authenticated);
    EXPECT_FALSE(client.result().finished);
    EXPECT_EQ(client.result().error, "LOGIN failed: [AUTHENTICATIONFAILED] Invalid user name or password");
    EXPECT_EQ(pair.sentBy(true), "A1 LOGIN bob wrong\r\nA2 LOGOUT\r\n");
    EXPECT_TRUE(client.result().actions.empty());
}

TEST(ImapSessionPair, FailedActionsAreRecordedAndTheScriptGoesOn)
{
    Fixture f;
    ImapServerSession server({}, f.store);
    ClientConfig config;
    config.user = "bob@example.net";
    config.password = "secret";
    config.actions.push_back(act(Kind::Select, "Nowhere"));
    ClientAction copy = act(Kind::CopyTo, "INBOX", "ALL");
    copy.target = "Missing";
    config.actions.push_back(copy);
    config.actions.push_back(act(Kind::Search, {}, "FROB"));
    config.actions.push_back(act(Kind::Status, "INBOX"));
    config.actions.push_back(act(Kind::Examine, "INBOX"));
    config.actions.push_back(act(Kind::MarkRead, "INBOX", "UNSEEN"));
    config.actions.push_back(act(Kind::List));
    config.actions.push_back(act(Kind::Delete, "Nowhere"));
    ImapClientSession client(config);
    Pair pair(client, server, 3);
    ASSERT_TRUE(pair.start(server.open()));
    ASSERT_TRUE(client.done());
    const ClientResult &r = client.result();
    EXPECT_TRUE(r.finished);
    ASSERT_EQ(r.actions.size(), 8u);
    EXPECT_EQ(r.actions[0].status, status::ImapNo);
    // COPY to a missing folder: the server says TRYCREATE, the client creates it and copies.
    EXPECT_EQ(r.actions[1].status, status::ImapOk);
    EXPECT_NE(server.account()->folder(QStringLiteral("Missing")), nullptr);
    EXPECT_EQ(server.account()->folder(QStringLiteral("Missing"))->messages.size(), 3u);
    EXPECT_TRUE(pair.transcript().find("CREATE Missing") != std::string::npos) << pair.transcript();
    EXPECT_EQ(r.actions[2].status, status::ImapBad);
    EXPECT_EQ(r.actions[3].status, status::ImapOk);
    EXPECT_EQ(r.actions[4].status, status::ImapOk);
    // MarkRead names INBOX, which is then selected again read-write.
    EXPECT_EQ(r.actions[5].status, status::ImapOk);
    EXPECT_EQ(r.actions[5].uids, (std::vector<quint32>{2, 3}));
    EXPECT_EQ(r.actions[6].status, status::ImapOk);
    EXPECT_EQ(r.actions[7].status, status::ImapNo);
}

TEST(ImapSessionPair, IdleEndsOnTimeoutWithoutNewMail)
{
    Fixture f;
    ImapServerSession server({}, f.store);
    ClientConfig config;
    config.user = "bob";
    config.password = "secret";
    config.actions.push_back(act(Kind::Select, "INBOX"));
    config.actions.push_back(act(Kind::Idle));
    config.actions.push_back(act(Kind::Noop));
    ImapClientSession client(config);
    Pair pair(client, server);
    ASSERT_TRUE(pair.start(server.open()));
    ASSERT_TRUE(client.idling());
    EXPECT_EQ(server.state(), ImapServerSession::State::Idle);
    protocol::EngineOutput done = client.timeout();
    EXPECT_EQ(done.wire(), "DONE\r\n");
    EXPECT_FALSE(client.idling());
    ASSERT_TRUE(pair.start(server.receive(done.wire())));
    EXPECT_TRUE(client.done());
    EXPECT_TRUE(client.result().finished);
    EXPECT_EQ(client.result().pushedExists, 0);
    EXPECT_EQ(client.result().exists, 3);
}

TEST(ImapSessionPair, LiteralPasswordWaitsForContinuation)
{
    Fixture f;
    f.bob.setPassword("s\xc3\xa9" "cret");
    ImapServerSession server({}, f.store);
    ClientConfig config;
    config.user = "bob";
    config.password = "s\xc3\xa9" "cret";
    ImapClientSession client(config);
    Pair pair(client, server, 1);
    ASSERT_TRUE(pair.start(server.open()));
    EXPECT_TRUE(client.result().finished);
    EXPECT_EQ(pair.sentBy(true), "A1 LOGIN bob {7}\r\ns\xc3\xa9" "cret\r\nA2 LOGOUT\r\n");
}

TEST(ImapClient, ServerGoingAwayIsReported)
{
    ClientConfig config;
    config.user = "bob";
    config.password = "secret";
    ImapClientSession client(config);
    EXPECT_EQ(client.receive("* OK hi\r\n").wire(), "A1 LOGIN bob secret\r\n");
    const protocol::EngineOutput out = client.receiveEof();
    EXPECT_TRUE(client.done());
    EXPECT_EQ(client.result().error, "The server closed the connection");
    EXPECT_TRUE(out.sent.empty());
    ImapClientSession refused(config);
    EXPECT_TRUE(refused.receive("* BYE go away\r\n").close);
    EXPECT_EQ(refused.result().error, "The server refused the connection: * BYE go away");
    ImapClientSession confused(config);
    (void)confused.receive("* OK hi\r\n");
    EXPECT_TRUE(confused.receive("Z9 OK what\r\n").close);
    EXPECT_EQ(confused.result().error, "Unexpected response from the server: Z9 OK what");
}

TEST(ImapClient, OverlongResponseIsRefused)
{
    ClientConfig config;
    config.maxResponse = 100;
    ImapClientSession client(config);
    (void)client.receive("* OK hi\r\n");
    EXPECT_TRUE(client.receive("* 1 FETCH (BODY[] {5000}\r\n" + QByteArray(200, 'x')).close);
    EXPECT_EQ(client.result().error, "The server sent a response over 100 octets");
}

} // namespace

// RFC 3501 6.3.11: APPEND to a folder that does not exist is refused with [TRYCREATE]; the
// client creates it and sends the same APPEND again, once. Split at every chunk size, the
// dialogue is the same.
TEST(ImapSessionPair, AppendToAMissingFolderCreatesItAndTriesAgain)
{
    std::string first;
    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(2), qsizetype(7)}) {
        Fixture f;
        ImapServerSession server({}, f.store);
        ClientConfig config;
        config.user = "bob";
        config.password = "secret";
        ClientAction append = act(Kind::Append, "Sent");
        append.flags = {"\\Seen"};
        append.message = kDraft;
        config.actions.push_back(append);
        ImapClientSession client(config);
        Pair pair(client, server, chunk);
        ASSERT_TRUE(pair.start(server.open()));
        ASSERT_TRUE(client.done());
        const ClientResult &r = client.result();
        ASSERT_EQ(r.actions.size(), 1u);
        EXPECT_EQ(r.actions[0].status, status::ImapOk);
        const QByteArray sent = pair.sentBy(true);
        EXPECT_TRUE(sent.contains("A2 APPEND Sent (\\Seen) {" + QByteArray::number(kDraft.size()) + "}\r\n"));
        EXPECT_TRUE(sent.contains("A3 CREATE Sent\r\n"));
        EXPECT_TRUE(sent.contains("A4 APPEND Sent (\\Seen) {"));
        EXPECT_TRUE(pair.sentBy(false).contains("A2 NO [TRYCREATE]"));
        const store::Folder *folder = f.bob.folder(QStringLiteral("Sent"));
        ASSERT_NE(folder, nullptr);
        ASSERT_EQ(folder->messages.size(), 1u);
        EXPECT_EQ(folder->messages[0].content, kDraft);
        EXPECT_EQ(folder->messages[0].flags, QByteArrayList{"\\Seen"});
        if (chunk == 0)
            first = pair.transcript();
        else
            EXPECT_EQ(pair.transcript(), first) << "chunk " << chunk;
    }
}
