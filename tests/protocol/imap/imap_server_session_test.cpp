// The IMAP server engine, command by command: every success and failure path with the
// exact bytes it answers (RFC 3501), and the state it leaves behind.
#include "imap_test_support.h"

#include <gtest/gtest.h>

using namespace mailsim;
using namespace mailsim::imap;
using namespace mailsim::imap::test;
using State = ImapServerSession::State;
namespace status = mailsim::protocol::reply_status;

namespace {

const QByteArray kSelectInbox = "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
                                "* 3 EXISTS\r\n"
                                "* 3 RECENT\r\n"
                                "* OK [UNSEEN 2] Message 2 is the first unseen\r\n"
                                "* OK [UIDVALIDITY 1] UIDs valid\r\n"
                                "* OK [UIDNEXT 4] Predicted next UID\r\n"
                                "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] "
                                "Flags permitted\r\n";

class ImapServer : public ::testing::Test
{
protected:
    Fixture f;
    std::unique_ptr<ImapServerSession> s = f.session();

    void login() { ASSERT_BYTES(talk(*s, "L1 LOGIN bob secret\r\n"), "L1 OK LOGIN completed\r\n"); }
    void selectInbox()
    {
        login();
        ASSERT_BYTES(talk(*s, "S1 SELECT INBOX\r\n"), kSelectInbox + "S1 OK [READ-WRITE] SELECT completed\r\n");
    }
    const store::StoredMessage &inbox(int i) const { return f.bob.inbox().messages[static_cast<std::size_t>(i)]; }
};

TEST_F(ImapServer, GreetsWithCapabilities)
{
    ImapServerSession fresh({}, f.store);
    const protocol::EngineOutput out = fresh.open();
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].bytes, "* OK [CAPABILITY IMAP4rev1 IDLE] mail.example.net IMAP4rev1 server ready\r\n");
    EXPECT_EQ(out.sent[0].code, status::ImapOk);
    EXPECT_EQ(fresh.state(), State::NotAuthenticated);
}

TEST_F(ImapServer, CapabilityNoopAndUnknownCommands)
{
    EXPECT_BYTES(talk(*s, "a CAPABILITY\r\n"), "* CAPABILITY IMAP4rev1 IDLE\r\na OK CAPABILITY completed\r\n");
    EXPECT_BYTES(talk(*s, "b NOOP\r\n"), "b OK NOOP completed\r\n");
    EXPECT_BYTES(talk(*s, "c FROB\r\n"), "c BAD Unknown command FROB\r\n");
    EXPECT_BYTES(talk(*s, "d CAPABILITY extra\r\n"), "d BAD CAPABILITY takes no arguments\r\n");
    EXPECT_BYTES(talk(*s, "\r\n"), "* BAD Missing command tag\r\n");
    // A tag with a character no tag may have is no tag: the answer is untagged.
    EXPECT_BYTES(talk(*s, "a{b NOOP\r\n"), "* BAD Invalid characters in the tag\r\n");
    EXPECT_BYTES(talk(*s, "a1\r\n"), "a1 BAD Missing command\r\n");
    EXPECT_BYTES(talk(*s, "e\r\n"), "e BAD Missing command\r\n");
    EXPECT_BYTES(talk(*s, "f SELECT INBOX\r\n"), "f BAD SELECT is not valid now: Log in first\r\n");
    EXPECT_BYTES(talk(*s, "g AUTHENTICATE PLAIN\r\n"), "g NO AUTHENTICATE is not supported here; use LOGIN\r\n");
}

TEST_F(ImapServer, LoginGoodBadQuotedAndLiteral)
{
    EXPECT_BYTES(talk(*s, "a LOGIN bob wrong\r\n"), "a NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
    EXPECT_BYTES(talk(*s, "b LOGIN nobody secret\r\n"), "b NO [AUTHENTICATIONFAILED] Invalid user name or password\r\n");
    EXPECT_BYTES(talk(*s, "c LOGIN bob\r\n"), "c BAD LOGIN wants a user name and a password\r\n");
    EXPECT_EQ(s->state(), State::NotAuthenticated);
    EXPECT_BYTES(talk(*s, "d LOGIN \"bob@example.net\" {6}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, "secret\r\n"), "d OK LOGIN completed\r\n");
    EXPECT_EQ(s->state(), State::Authenticated);
    EXPECT_EQ(s->account(), &f.bob);
    EXPECT_BYTES(talk(*s, "e LOGIN bob secret\r\n"), "e BAD LOGIN is not valid now: Already logged in\r\n");
}

TEST_F(ImapServer, LoginQuotedWithEscapes)
{
    f.bob.setPassword("se\"c\\ret");
    EXPECT_BYTES(talk(*s, "a LOGIN BOB \"se\\\"c\\\\ret\"\r\n"), "a OK LOGIN completed\r\n");
}

TEST_F(ImapServer, LogoutSaysByeThenOkAndCloses)
{
    const protocol::EngineOutput out = s->receive("z LOGOUT\r\n");
    EXPECT_EQ(out.wire(), "* BYE mail.example.net IMAP4rev1 server logging out\r\nz OK LOGOUT completed\r\n");
    ASSERT_EQ(out.sent.size(), 2u);
    EXPECT_EQ(out.sent[0].code, status::ImapBye);
    EXPECT_EQ(out.sent[1].code, status::ImapOk);
    EXPECT_TRUE(out.close);
    EXPECT_EQ(s->state(), State::Logout);
    EXPECT_TRUE(s->receive("y NOOP\r\n").empty());
}

TEST_F(ImapServer, SelectAnnouncesTheFolderAndClearsRecent)
{
    selectInbox();
    EXPECT_EQ(s->state(), State::Selected);
    EXPECT_EQ(s->selectedFolder(), "INBOX");
    EXPECT_FALSE(s->readOnly());
    EXPECT_EQ(f.bob.inbox().recentCount(), 0);
    // The session still sees them as \Recent.
    EXPECT_BYTES(talk(*s, "a FETCH 1 FLAGS\r\n"), "* 1 FETCH (FLAGS (\\Seen \\Recent))\r\na OK FETCH completed\r\n");
}

TEST_F(ImapServer, ExamineIsReadOnlyAndKeepsRecent)
{
    login();
    EXPECT_BYTES(talk(*s, "a EXAMINE inbox\r\n"),
              "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 3 EXISTS\r\n* 3 RECENT\r\n"
              "* OK [UNSEEN 2] Message 2 is the first unseen\r\n* OK [UIDVALIDITY 1] UIDs valid\r\n"
              "* OK [UIDNEXT 4] Predicted next UID\r\n* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
              "a OK [READ-ONLY] EXAMINE completed\r\n");
    EXPECT_TRUE(s->readOnly());
    EXPECT_EQ(f.bob.inbox().recentCount(), 3);
    EXPECT_BYTES(talk(*s, "b STORE 1 +FLAGS (\\Deleted)\r\n"), "b NO [READ-ONLY] The folder was opened with EXAMINE\r\n");
    EXPECT_BYTES(talk(*s, "c EXPUNGE\r\n"), "c NO [READ-ONLY] The folder was opened with EXAMINE\r\n");
    // A body fetch does not set \Seen in a read-only folder.
    const QByteArray out = talk(*s, "d FETCH 2 BODY[1]\r\n");
    EXPECT_EQ(out, "* 2 FETCH (BODY[1] {39}\r\nThe numbers are in the caf=C3=A9 sheet.)\r\nd OK FETCH completed\r\n");
    EXPECT_FALSE(inbox(1).hasFlag("\\Seen"));
}

TEST_F(ImapServer, SelectOfAMissingFolderLeavesNothingSelected)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a SELECT Nowhere\r\n"), "a NO No folder called \"Nowhere\"\r\n");
    EXPECT_EQ(s->state(), State::Authenticated);
    EXPECT_EQ(s->selectedFolder(), "");
    EXPECT_BYTES(talk(*s, "b FETCH 1 FLAGS\r\n"), "b BAD FETCH is not valid now: No folder selected\r\n");
    EXPECT_BYTES(talk(*s, "c SELECT\r\n"), "c BAD SELECT and EXAMINE want a folder name\r\n");
}

TEST_F(ImapServer, FetchSimpleItems)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a FETCH 1 (UID RFC822.SIZE INTERNALDATE)\r\n"),
              "* 1 FETCH (UID 1 RFC822.SIZE " + QByteArray::number(kLunch.size())
                  + " INTERNALDATE \"03-Mar-2025 09:00:00 +0000\")\r\na OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH 2:3 FAST\r\n"),
              "* 2 FETCH (FLAGS (\\Flagged \\Recent) INTERNALDATE \"04-Mar-2025 09:00:00 +0000\" RFC822.SIZE "
                  + QByteArray::number(kReport.size()) + ")\r\n"
                  + "* 3 FETCH (FLAGS (\\Recent) INTERNALDATE \"05-Mar-2025 09:00:00 +0000\" RFC822.SIZE "
                  + QByteArray::number(kForward.size()) + ")\r\nb OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "c FETCH * UID\r\n"), "* 3 FETCH (UID 3)\r\nc OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 3,1 uid\r\n"), "* 1 FETCH (UID 1)\r\n* 3 FETCH (UID 3)\r\nd OK FETCH completed\r\n");
}

TEST_F(ImapServer, FetchEnvelope)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a FETCH 1 ENVELOPE\r\n"),
              "* 1 FETCH (ENVELOPE (\"Mon, 03 Mar 2025 09:00:00 +0000\" \"Lunch on Friday\" "
              "((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Alice Example\" NIL \"alice\" \"example.org\")) "
              "((\"Alice Example\" NIL \"alice\" \"example.org\")) ((NIL NIL \"bob\" \"example.net\")) NIL NIL NIL "
              "\"<lunch@example.org>\"))\r\na OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH 2 ENVELOPE\r\n"),
              "* 2 FETCH (ENVELOPE (\"Tue, 04 Mar 2025 10:30:00 +0100\" \"=?UTF-8?B?UmVwb3J0IMOpdMOp?=\" "
              "((\"Carol Q\" NIL \"carol\" \"example.com\")) ((\"Carol Q\" NIL \"carol\" \"example.com\")) "
              "((\"Carol Q\" NIL \"carol\" \"example.com\")) "
              "((NIL NIL \"bob\" \"example.net\")(\"Dave\" NIL \"dave\" \"example.net\")) "
              "((NIL NIL \"team\" NIL)(NIL NIL \"eve\" \"example.net\")(NIL NIL NIL NIL)) NIL NIL NIL))\r\n"
              "b OK FETCH completed\r\n");
}

TEST_F(ImapServer, FetchBodyStructureAndBody)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a FETCH 1 BODYSTRUCTURE\r\n"),
              "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 24 1 "
              "NIL NIL NIL NIL))\r\na OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH 2 BODYSTRUCTURE\r\n"),
              "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 39 1 "
              "NIL NIL NIL NIL)(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"data.bin\") NIL NIL \"BASE64\" 8 NIL "
              "(\"ATTACHMENT\" (\"FILENAME\" \"data.bin\")) NIL NIL) \"MIXED\" (\"BOUNDARY\" \"XX\") NIL NIL NIL))\r\n"
              "b OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "c FETCH 2 BODY\r\n"),
              "* 2 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 39 1)"
              "(\"APPLICATION\" \"OCTET-STREAM\" (\"NAME\" \"data.bin\") NIL NIL \"BASE64\" 8) \"MIXED\"))\r\n"
              "c OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 3 BODY\r\n"),
              "* 3 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1)"
              "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 53 (NIL \"Inner\" ((NIL NIL \"alice\" \"example.org\")) "
              "((NIL NIL \"alice\" \"example.org\")) ((NIL NIL \"alice\" \"example.org\")) NIL NIL NIL NIL NIL) "
              "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 10 1) 4) \"MIXED\"))\r\n"
              "d OK FETCH completed\r\n");
}

TEST_F(ImapServer, FetchBodySections)
{
    selectInbox();
    const QByteArray header = kLunch.left(kLunch.indexOf("\r\n\r\n") + 4);
    EXPECT_BYTES(talk(*s, "a FETCH 1 BODY.PEEK[HEADER]\r\n"),
              "* 1 FETCH (BODY[HEADER] {" + QByteArray::number(header.size()) + "}\r\n" + header
                  + ")\r\na OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH 1 BODY.PEEK[TEXT]\r\n"),
              "* 1 FETCH (BODY[TEXT] {24}\r\nShall we meet at noon?\r\n)\r\nb OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "c FETCH 1 BODY.PEEK[HEADER.FIELDS (subject FROM)]\r\n"),
              "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] {69}\r\nFrom: Alice Example <alice@example.org>\r\n"
              "Subject: Lunch on Friday\r\n\r\n)\r\nc OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (From To Subject Date)]\r\n"),
              "* 1 FETCH (BODY[HEADER.FIELDS.NOT (FROM TO SUBJECT DATE)] {35}\r\n"
              "Message-ID: <lunch@example.org>\r\n\r\n)\r\nd OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "e FETCH 2 BODY.PEEK[2]\r\n"), "* 2 FETCH (BODY[2] {8}\r\nAAECAw==)\r\ne OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "f FETCH 2 BODY.PEEK[2.MIME]\r\n"),
              "* 2 FETCH (BODY[2.MIME] {148}\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n"
              "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
              "Content-Transfer-Encoding: base64\r\n\r\n)\r\nf OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "g FETCH 3 BODY.PEEK[2.HEADER]\r\n"),
              "* 3 FETCH (BODY[2.HEADER] {43}\r\nSubject: Inner\r\nFrom: alice@example.org\r\n\r\n)\r\n"
              "g OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "h FETCH 3 BODY.PEEK[2.TEXT]\r\n"),
              "* 3 FETCH (BODY[2.TEXT] {10}\r\nInner body)\r\nh OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "i FETCH 3 BODY.PEEK[2.1]\r\n"),
              "* 3 FETCH (BODY[2.1] {10}\r\nInner body)\r\ni OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "j FETCH 1 BODY.PEEK[1]\r\n"),
              "* 1 FETCH (BODY[1] {24}\r\nShall we meet at noon?\r\n)\r\nj OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "k FETCH 1 BODY.PEEK[7]\r\n"), "* 1 FETCH (BODY[7] NIL)\r\nk OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "l FETCH 1 BODY.PEEK[]<6.5>\r\n"),
              "* 1 FETCH (BODY[]<6> {5}\r\nAlice)\r\nl OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "m FETCH 1 BODY.PEEK[]<9999.5>\r\n"), "* 1 FETCH (BODY[]<9999> {0}\r\n)\r\nm OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "n FETCH 1 RFC822.HEADER\r\n"),
              "* 1 FETCH (RFC822.HEADER {" + QByteArray::number(header.size()) + "}\r\n" + header
                  + ")\r\nn OK FETCH completed\r\n");
    // None of these set \Seen on the unseen message 2 or 3.
    EXPECT_FALSE(inbox(1).hasFlag("\\Seen"));
    EXPECT_FALSE(inbox(2).hasFlag("\\Seen"));
}

TEST_F(ImapServer, FetchWithoutPeekSetsSeenAndReportsFlags)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a FETCH 3 BODY.PEEK[]\r\n"),
              "* 3 FETCH (BODY[] {" + QByteArray::number(kForward.size()) + "}\r\n" + kForward
                  + ")\r\na OK FETCH completed\r\n");
    EXPECT_FALSE(inbox(2).hasFlag("\\Seen"));
    EXPECT_BYTES(talk(*s, "b FETCH 3 BODY[]\r\n"),
              "* 3 FETCH (BODY[] {" + QByteArray::number(kForward.size()) + "}\r\n" + kForward
                  + " FLAGS (\\Seen \\Recent))\r\nb OK FETCH completed\r\n");
    EXPECT_TRUE(inbox(2).hasFlag("\\Seen"));
    // Already seen: no FLAGS added.
    const QByteArray text = kForward.mid(kForward.indexOf("\r\n\r\n") + 4);
    EXPECT_BYTES(talk(*s, "c FETCH 3 RFC822.TEXT\r\n"), "* 3 FETCH (RFC822.TEXT {" + QByteArray::number(text.size())
                                                         + "}\r\n" + text + ")\r\nc OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 2 (FLAGS RFC822)\r\n"),
              "* 2 FETCH (FLAGS (\\Flagged \\Seen \\Recent) RFC822 {" + QByteArray::number(kReport.size()) + "}\r\n"
                  + kReport + ")\r\nd OK FETCH completed\r\n");
}

TEST_F(ImapServer, FetchAllAndFullMacros)
{
    selectInbox();
    const QByteArray all = talk(*s, "a FETCH 1 ALL\r\n");
    EXPECT_TRUE(all.startsWith("* 1 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE \"03-Mar-2025 09:00:00 +0000\" "
                               "RFC822.SIZE 186 ENVELOPE (\"Mon,"))
        << all.constData();
    const QByteArray full = talk(*s, "b FETCH 1 FULL\r\n");
    EXPECT_TRUE(full.contains(" BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 24 1))\r\nb OK"))
        << full.constData();
}

TEST_F(ImapServer, FetchErrors)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a FETCH 4 FLAGS\r\n"), "a BAD Invalid message sequence number 4 (there are 3 messages)\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH 0 FLAGS\r\n"), "b BAD FETCH wants a message set and data items\r\n");
    EXPECT_BYTES(talk(*s, "c FETCH 1 (FLAGS\r\n"), "c BAD Invalid FETCH data item\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 1 BODY[HEADER.FIELDS]\r\n"), "d BAD Invalid FETCH data item\r\n");
    EXPECT_BYTES(talk(*s, "e FETCH 1 FROB\r\n"), "e BAD Invalid FETCH data item\r\n");
    EXPECT_BYTES(talk(*s, "f FETCH 99999999999 FLAGS\r\n"), "f BAD FETCH wants a message set and data items\r\n");
    EXPECT_BYTES(talk(*s, "g FETCH 1 FLAGS)\r\n"), "g BAD Unexpected characters after the FETCH data items\r\n");
    EXPECT_BYTES(talk(*s, "h FETCH 1 BODY[]<1.0>\r\n"), "h BAD Invalid FETCH data item\r\n");
    EXPECT_BYTES(talk(*s, "i FETCH 1:x FLAGS\r\n"), "i BAD FETCH wants a message set and data items\r\n");
}

TEST_F(ImapServer, UidFetchAlwaysIncludesUid)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a UID FETCH 2:* FLAGS\r\n"),
              "* 2 FETCH (UID 2 FLAGS (\\Flagged \\Recent))\r\n* 3 FETCH (UID 3 FLAGS (\\Recent))\r\n"
              "a OK UID FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "b UID FETCH 7:9 FLAGS\r\n"), "b OK UID FETCH completed\r\n");
    // "n:*" with n above the highest UID still names the highest one (RFC 3501 6.4.8).
    EXPECT_BYTES(talk(*s, "c UID FETCH 50:* (FLAGS UID)\r\n"),
              "* 3 FETCH (FLAGS (\\Recent) UID 3)\r\nc OK UID FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "d UID FROB 1\r\n"), "d BAD UID wants FETCH, STORE, SEARCH or COPY\r\n");
}

TEST_F(ImapServer, StoreVariants)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a STORE 1 +FLAGS (\\Answered)\r\n"),
              "* 1 FETCH (FLAGS (\\Answered \\Seen \\Recent))\r\na OK STORE completed\r\n");
    EXPECT_BYTES(talk(*s, "b STORE 1 -FLAGS \\Seen\r\n"), "* 1 FETCH (FLAGS (\\Answered \\Recent))\r\nb OK STORE completed\r\n");
    EXPECT_BYTES(talk(*s, "c STORE 1:2 FLAGS (\\deleted $Work)\r\n"),
              "* 1 FETCH (FLAGS ($Work \\Deleted \\Recent))\r\n* 2 FETCH (FLAGS ($Work \\Deleted \\Recent))\r\n"
              "c OK STORE completed\r\n");
    EXPECT_EQ(inbox(0).flags, (QByteArrayList{"$Work", "\\Deleted"}));
    EXPECT_BYTES(talk(*s, "d STORE 2 +FLAGS.SILENT (\\Seen)\r\n"), "d OK STORE completed\r\n");
    EXPECT_TRUE(inbox(1).hasFlag("\\Seen"));
    EXPECT_BYTES(talk(*s, "e STORE 2 -FLAGS.SILENT (\\Seen \\Deleted $Work)\r\n"), "e OK STORE completed\r\n");
    EXPECT_TRUE(inbox(1).flags.isEmpty());
    EXPECT_BYTES(talk(*s, "f UID STORE 3 +FLAGS (\\Flagged)\r\n"),
              "* 3 FETCH (UID 3 FLAGS (\\Flagged \\Recent))\r\nf OK UID STORE completed\r\n");
    EXPECT_BYTES(talk(*s, "g STORE 1 FLAGS ()\r\n"), "* 1 FETCH (FLAGS (\\Recent))\r\ng OK STORE completed\r\n");
}

TEST_F(ImapServer, StoreErrors)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a STORE 1 +FLAGS (\\Recent)\r\n"), "a BAD Flag \\Recent cannot be stored\r\n");
    EXPECT_BYTES(talk(*s, "b STORE 1 +FLAGS (\\Bogus)\r\n"), "b BAD Flag \\Bogus cannot be stored\r\n");
    EXPECT_BYTES(talk(*s, "c STORE 1 FLAGZ (\\Seen)\r\n"), "c BAD STORE wants FLAGS, +FLAGS or -FLAGS (optionally .SILENT)\r\n");
    EXPECT_BYTES(talk(*s, "d STORE 1 +FLAGS (\\Seen\r\n"), "d BAD Invalid flag list\r\n");
    EXPECT_BYTES(talk(*s, "e STORE 9 +FLAGS (\\Seen)\r\n"), "e BAD Invalid message sequence number 9 (there are 3 messages)\r\n");
}

TEST_F(ImapServer, SearchKeys)
{
    selectInbox();
    f.bob.setFlags("INBOX", 1, {"\\Seen", "\\Answered"});
    f.bob.setFlags("INBOX", 3, {"\\Deleted"});
    (void)talk(*s, "x NOOP\r\n"); // take in the flag changes
    const std::vector<std::pair<QByteArray, QByteArray>> cases = {
        {"ALL", "1 2 3"},
        {"UNSEEN", "2 3"},
        {"SEEN", "1"},
        {"DELETED", "3"},
        {"UNDELETED", "1 2"},
        {"FLAGGED", "2"},
        {"UNFLAGGED", "1 3"},
        {"ANSWERED", "1"},
        {"UNANSWERED", "2 3"},
        {"NEW", "2 3"},
        {"OLD", ""},
        {"RECENT", "1 2 3"},
        {"FROM alice", "1"},
        {"FROM \"CAROL Q\"", "2"},
        {"TO dave", "2"},
        {"CC eve", "2"},
        {"BCC bob", ""},
        {"SUBJECT lunch", "1 3"},
        {"SUBJECT \"rapport\"", ""},
        {"SUBJECT \"report \xc3\xa9t\xc3\xa9\"", "2"},
        {"BODY noon", "1"},
        {"BODY \"caf\xc3\xa9\"", "2"},
        {"BODY \"inner BODY\"", "3"},
        {"TEXT carol", "2"},
        {"TEXT noon", "1"},
        {"HEADER Message-ID lunch@", "1"},
        {"HEADER MIME-Version \"\"", "2 3"},
        {"SINCE 4-Mar-2025", "2 3"},
        {"BEFORE 4-Mar-2025", "1"},
        {"ON \"5-Mar-2025\"", "3"},
        {"SENTSINCE 5-Mar-2025", "3"},
        {"SENTBEFORE 4-Mar-2025", "1"},
        {"SENTON 4-Mar-2025", "2"},
        {"LARGER 300", "2 3"},
        {"SMALLER 300", "1"},
        {"UID 2:*", "2 3"},
        {"2,3", "2 3"},
        {"*", "3"},
        {"NOT SEEN", "2 3"},
        {"OR SEEN FLAGGED", "1 2"},
        {"OR (SEEN DELETED) FLAGGED", "2"},
        {"(UNSEEN UNDELETED)", "2"},
        {"UNSEEN NOT FROM dave", "2"},
        {"NOT (OR FROM alice FROM dave)", "2"},
        {"KEYWORD $Work", ""},
        {"UNKEYWORD $Work", "1 2 3"},
        {"CHARSET UTF-8 SUBJECT \"\xc3\xa9t\xc3\xa9\"", "2"},
        {"CHARSET us-ascii ALL", "1 2 3"},
        {"SUBJECT {5}\r\nlunch", "1 3"},
    };
    for (const auto &[criteria, expected] : cases) {
        const QByteArray answer = expected.isEmpty() ? QByteArray("* SEARCH\r\n") : "* SEARCH " + expected + "\r\n";
        if (criteria.contains("{5}")) {
            EXPECT_BYTES(talk(*s, "s SEARCH SUBJECT {5}\r\n"), "+ Ready for literal data\r\n");
            EXPECT_BYTES(talk(*s, "lunch\r\n"), answer + "s OK SEARCH completed\r\n");
            continue;
        }
        EXPECT_BYTES(talk(*s, "s SEARCH " + criteria + "\r\n"), answer + "s OK SEARCH completed\r\n") << criteria.constData();
    }
    EXPECT_BYTES(talk(*s, "u UID SEARCH UNSEEN\r\n"), "* SEARCH 2 3\r\nu OK UID SEARCH completed\r\n");
}

TEST_F(ImapServer, SearchErrors)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a SEARCH\r\n"), "a BAD SEARCH wants search criteria\r\n");
    EXPECT_BYTES(talk(*s, "b SEARCH FROB\r\n"), "b BAD Unknown search key\r\n");
    EXPECT_BYTES(talk(*s, "c SEARCH (SEEN\r\n"), "c BAD Missing ')' in search criteria\r\n");
    EXPECT_BYTES(talk(*s, "d SEARCH SEEN)\r\n"), "d BAD Unexpected characters after the search criteria\r\n");
    EXPECT_BYTES(talk(*s, "e SEARCH OR SEEN\r\n"), "e BAD OR wants two search keys\r\n");
    EXPECT_BYTES(talk(*s, "f SEARCH SINCE 31-Feb-2025\r\n"), "f BAD Search key wants a date like 1-Feb-2025\r\n");
    EXPECT_BYTES(talk(*s, "g SEARCH LARGER 99999999999\r\n"), "g BAD LARGER and SMALLER want a number\r\n");
    EXPECT_BYTES(talk(*s, "h SEARCH CHARSET KOI8-R ALL\r\n"), "h NO [BADCHARSET (US-ASCII UTF-8)] Unsupported character set\r\n");
    EXPECT_BYTES(talk(*s, "i SEARCH FROM\r\n"), "i BAD Search key wants a string argument\r\n");
    QByteArray deep = "j SEARCH ";
    for (int i = 0; i < 100; ++i)
        deep += "NOT ";
    EXPECT_BYTES(talk(*s, deep + "ALL\r\n"), "j BAD Search criteria nested too deeply\r\n");
}

TEST_F(ImapServer, CopyAndTryCreate)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "a COPY 1:2 Archive\r\n"), "a NO [TRYCREATE] No folder called \"Archive\"\r\n");
    EXPECT_BYTES(talk(*s, "b CREATE Archive\r\n"), "b OK CREATE completed\r\n");
    EXPECT_BYTES(talk(*s, "c COPY 1:2 Archive\r\n"), "c OK COPY completed\r\n");
    const store::Folder *archive = f.bob.folder("Archive");
    ASSERT_EQ(archive->messages.size(), 2u);
    EXPECT_EQ(archive->messages[0].content, kLunch);
    EXPECT_EQ(archive->messages[0].flags, QByteArrayList{"\\Seen"});
    EXPECT_EQ(archive->messages[1].internalDate, day(4));
    EXPECT_BYTES(talk(*s, "d UID COPY 3 Archive\r\n"), "d OK UID COPY completed\r\n");
    EXPECT_EQ(archive->messages.size(), 3u);
    EXPECT_EQ(f.bob.inbox().messages.size(), 3u);
    // A copy into the selected folder shows up as new mail.
    EXPECT_BYTES(talk(*s, "e COPY 1 INBOX\r\n"), "* 4 EXISTS\r\n* 4 RECENT\r\ne OK COPY completed\r\n");
    EXPECT_BYTES(talk(*s, "f COPY 1\r\n"), "f BAD COPY wants a message set and a folder name\r\n");
}

TEST_F(ImapServer, AppendWithFlagsDateAndLiteral)
{
    login();
    const QByteArray message = "Subject: note\r\n\r\nhello\r\n";
    EXPECT_BYTES(talk(*s, "a APPEND INBOX (\\Seen $Note) \"07-Mar-2025 10:00:00 +0100\" {24}\r\n"),
              "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, message + "\r\n"), "a OK APPEND completed\r\n");
    const store::StoredMessage &m = f.bob.inbox().messages.back();
    EXPECT_EQ(m.content, message);
    EXPECT_EQ(m.uid, 4u);
    EXPECT_EQ(m.flags, (QByteArrayList{"$Note", "\\Seen"}));
    EXPECT_EQ(m.internalDate, QDateTime(QDate(2025, 3, 7), QTime(9, 0), QTimeZone::utc()));
    // Without flags and date: the configured clock.
    EXPECT_BYTES(talk(*s, "b APPEND INBOX {24}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, message + "\r\n"), "b OK APPEND completed\r\n");
    EXPECT_EQ(f.bob.inbox().messages.back().internalDate, QDateTime(QDate(2025, 1, 1), QTime(0, 0), QTimeZone::utc()));
    EXPECT_TRUE(f.bob.inbox().messages.back().flags.isEmpty());
    // Failures.
    EXPECT_BYTES(talk(*s, "c APPEND Nowhere {24}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, message + "\r\n"), "c NO [TRYCREATE] No folder called \"Nowhere\"\r\n");
    EXPECT_BYTES(talk(*s, "d APPEND INBOX (\\Recent) {24}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, message + "\r\n"), "d BAD Flag \\Recent cannot be set\r\n");
    EXPECT_BYTES(talk(*s, "e APPEND INBOX \"32-Mar-2025 10:00:00 +0100\" {24}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, message + "\r\n"),
              "e BAD Invalid date-time in APPEND (like \"05-Mar-2025 10:00:00 +0100\")\r\n");
    EXPECT_BYTES(talk(*s, "f APPEND INBOX hello\r\n"), "f BAD APPEND wants the message as a literal\r\n");
    EXPECT_EQ(f.bob.inbox().messages.size(), 5u);
}

TEST_F(ImapServer, AppendTimeComesFromTheConfiguredClock)
{
    ServerConfig config;
    config.now = [] { return QDateTime(QDate(2025, 6, 1), QTime(12, 0), QTimeZone::utc()); };
    auto session = f.session(config);
    (void)talk(*session, "a LOGIN bob secret\r\n");
    (void)talk(*session, "b APPEND INBOX {3}\r\n");
    EXPECT_BYTES(talk(*session, "x\r\n\r\n"), "b OK APPEND completed\r\n");
    EXPECT_EQ(f.bob.inbox().messages.back().internalDate, config.now());
    EXPECT_EQ(f.bob.inbox().messages.back().content, "x\r\n");
}

TEST_F(ImapServer, OversizedLiteralIsRefusedBeforeItIsRead)
{
    ServerConfig config;
    config.maxLiteral = 100;
    auto session = f.session(config);
    (void)talk(*session, "a LOGIN bob secret\r\n");
    EXPECT_BYTES(talk(*session, "b APPEND INBOX {101}\r\n"), "b NO [TOOBIG] Literal of 101 octets is over the limit of 100\r\n");
    EXPECT_BYTES(talk(*session, "c LOGIN {999999999999}\r\n"),
              "c BAD Literal of 999999999999 octets is over the limit of 100\r\n");
    EXPECT_BYTES(talk(*session, "d APPEND INBOX {5+}\r\n"),
              "d BAD Non-synchronizing literals are not supported (no LITERAL+)\r\n");
    EXPECT_BYTES(talk(*session, "e APPEND INBOX {100}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*session, QByteArray(100, 'x') + "\r\n"), "e OK APPEND completed\r\n");
    EXPECT_LE(session->bytesHeld(), 0);
}

TEST_F(ImapServer, ExpungeNumbersAreRelativeToEachOther)
{
    deliver(f.bob, kLunch, day(6));
    deliver(f.bob, kLunch, day(7));
    login();
    (void)talk(*s, "a SELECT INBOX\r\n");
    EXPECT_BYTES(talk(*s, "b STORE 2,3,5 +FLAGS.SILENT (\\Deleted)\r\n"), "b OK STORE completed\r\n");
    EXPECT_BYTES(talk(*s, "c EXPUNGE\r\n"), "* 2 EXPUNGE\r\n* 2 EXPUNGE\r\n* 3 EXPUNGE\r\nc OK EXPUNGE completed\r\n");
    EXPECT_BYTES(talk(*s, "d FETCH 1:* UID\r\n"), "* 1 FETCH (UID 1)\r\n* 2 FETCH (UID 4)\r\nd OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "e EXPUNGE\r\n"), "e OK EXPUNGE completed\r\n");
}

TEST_F(ImapServer, CloseExpungesSilentlyWhenReadWrite)
{
    selectInbox();
    (void)talk(*s, "a STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    EXPECT_BYTES(talk(*s, "b CLOSE\r\n"), "b OK CLOSE completed\r\n");
    EXPECT_EQ(s->state(), State::Authenticated);
    EXPECT_EQ(f.bob.inbox().messages.size(), 2u);
    EXPECT_BYTES(talk(*s, "c CLOSE\r\n"), "c BAD CLOSE is not valid now: No folder selected\r\n");
    // After EXAMINE, CLOSE removes nothing.
    f.bob.setFlags("INBOX", 2, {"\\Deleted"});
    (void)talk(*s, "d EXAMINE INBOX\r\n");
    EXPECT_BYTES(talk(*s, "e CLOSE\r\n"), "e OK CLOSE completed\r\n");
    EXPECT_EQ(f.bob.inbox().messages.size(), 2u);
}

TEST_F(ImapServer, IdlePushesNewMailAtOnce)
{
    selectInbox();
    EXPECT_BYTES(talk(*s, "i IDLE\r\n"), "+ idling\r\n");
    EXPECT_EQ(s->state(), State::Idle);
    EXPECT_TRUE(s->storeChanged().empty());
    deliver(f.bob, kLunch, day(8));
    const protocol::EngineOutput pushed = s->storeChanged();
    EXPECT_EQ(pushed.wire(), "* 4 EXISTS\r\n* 4 RECENT\r\n");
    EXPECT_EQ(pushed.sent.size(), 2u);
    f.bob.remove("INBOX", {1});
    EXPECT_EQ(s->storeChanged().wire(), "* 1 EXPUNGE\r\n");
    f.bob.setFlags("INBOX", 2, {"\\Answered"});
    EXPECT_EQ(s->storeChanged().wire(), "* 1 FETCH (FLAGS (\\Answered \\Recent))\r\n");
    EXPECT_BYTES(talk(*s, "done\r\n"), "i OK IDLE terminated\r\n");
    EXPECT_EQ(s->state(), State::Selected);
    // Outside IDLE, changes wait for the next command.
    deliver(f.bob, kLunch, day(9));
    EXPECT_TRUE(s->storeChanged().empty());
    EXPECT_BYTES(talk(*s, "n NOOP\r\n"), "* 4 EXISTS\r\n* 4 RECENT\r\nn OK NOOP completed\r\n");
    EXPECT_BYTES(talk(*s, "j IDLE\r\n"), "+ idling\r\n");
    EXPECT_BYTES(talk(*s, "NOOP\r\n"), "j BAD Expected DONE\r\n");
    EXPECT_EQ(s->state(), State::Selected);
}

TEST_F(ImapServer, IdleWithoutAFolderSelected)
{
    login();
    EXPECT_BYTES(talk(*s, "i IDLE\r\n"), "+ idling\r\n");
    deliver(f.bob, kLunch, day(8));
    EXPECT_TRUE(s->storeChanged().empty());
    EXPECT_BYTES(talk(*s, "DONE\r\n"), "i OK IDLE terminated\r\n");
    EXPECT_EQ(s->state(), State::Authenticated);
}

TEST_F(ImapServer, ListAndLsubPatterns)
{
    login();
    ASSERT_FALSE(f.bob.createFolder("Archive/2024"));
    ASSERT_FALSE(f.bob.createFolder("Archive/2025"));
    ASSERT_FALSE(f.bob.createFolder("Sent"));
    EXPECT_BYTES(talk(*s, "a LIST \"\" *\r\n"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasChildren) \"/\" Archive\r\n"
              "* LIST (\\HasNoChildren) \"/\" Archive/2024\r\n* LIST (\\HasNoChildren) \"/\" Archive/2025\r\n"
              "* LIST (\\HasNoChildren) \"/\" Sent\r\na OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "b LIST \"\" %\r\n"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\r\n* LIST (\\HasChildren) \"/\" Archive\r\n"
              "* LIST (\\HasNoChildren) \"/\" Sent\r\nb OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "c LIST Archive/ %\r\n"),
              "* LIST (\\HasNoChildren) \"/\" Archive/2024\r\n* LIST (\\HasNoChildren) \"/\" Archive/2025\r\n"
              "c OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "d LIST \"\" inbox\r\n"), "* LIST (\\HasNoChildren) \"/\" INBOX\r\nd OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "e LIST \"\" *5\r\n"), "* LIST (\\HasNoChildren) \"/\" Archive/2025\r\ne OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "f LIST \"\" \"\"\r\n"), "* LIST (\\Noselect) \"/\" \"\"\r\nf OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "g LIST \"\" Nothing*\r\n"), "g OK LIST completed\r\n");
    EXPECT_BYTES(talk(*s, "h LIST \"\"\r\n"), "h BAD LIST wants a reference and a folder pattern\r\n");
    EXPECT_BYTES(talk(*s, "i LSUB \"\" *\r\n"), "* LSUB (\\HasNoChildren) \"/\" INBOX\r\ni OK LSUB completed\r\n");
    EXPECT_BYTES(talk(*s, "j SUBSCRIBE Sent\r\n"), "j OK SUBSCRIBE completed\r\n");
    EXPECT_BYTES(talk(*s, "k LSUB \"\" S*\r\n"), "* LSUB (\\HasNoChildren) \"/\" Sent\r\nk OK LSUB completed\r\n");
    EXPECT_BYTES(talk(*s, "l UNSUBSCRIBE Sent\r\n"), "l OK UNSUBSCRIBE completed\r\n");
    EXPECT_BYTES(talk(*s, "m LSUB \"\" S*\r\n"), "m OK LSUB completed\r\n");
    EXPECT_BYTES(talk(*s, "n SUBSCRIBE Nowhere\r\n"), "n NO No folder called \"Nowhere\"\r\n");
}

TEST_F(ImapServer, StatusItems)
{
    login();
    EXPECT_BYTES(talk(*s, "a STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)\r\n"),
              "* STATUS INBOX (MESSAGES 3 RECENT 3 UIDNEXT 4 UIDVALIDITY 1 UNSEEN 2)\r\na OK STATUS completed\r\n");
    EXPECT_BYTES(talk(*s, "b STATUS inbox (unseen)\r\n"), "* STATUS INBOX (UNSEEN 2)\r\nb OK STATUS completed\r\n");
    EXPECT_BYTES(talk(*s, "c STATUS Nowhere (MESSAGES)\r\n"), "c NO No folder called \"Nowhere\"\r\n");
    EXPECT_BYTES(talk(*s, "d STATUS INBOX (SIZE)\r\n"), "d BAD Unknown STATUS item SIZE\r\n");
    EXPECT_BYTES(talk(*s, "e STATUS INBOX MESSAGES\r\n"), "e BAD STATUS wants a folder name and a list of items\r\n");
    (void)f.bob.createFolder("My Stuff");
    EXPECT_BYTES(talk(*s, "f STATUS \"My Stuff\" (MESSAGES UIDVALIDITY)\r\n"),
              "* STATUS \"My Stuff\" (MESSAGES 0 UIDVALIDITY 2)\r\nf OK STATUS completed\r\n");
}

TEST_F(ImapServer, CreateDeleteRename)
{
    login();
    EXPECT_BYTES(talk(*s, "a CREATE Work/Projects\r\n"), "a OK CREATE completed\r\n");
    EXPECT_EQ(f.bob.folderNames(), (QStringList{"INBOX", "Work", "Work/Projects"}));
    EXPECT_BYTES(talk(*s, "b CREATE Work\r\n"), "b NO a folder called \"Work\" exists already\r\n");
    EXPECT_BYTES(talk(*s, "c CREATE inbox\r\n"), "c NO INBOX exists already\r\n");
    EXPECT_BYTES(talk(*s, "d DELETE Work\r\n"), "d NO \"Work\" has sub-folders; delete those first\r\n");
    EXPECT_BYTES(talk(*s, "e RENAME Work Play\r\n"), "e OK RENAME completed\r\n");
    EXPECT_EQ(f.bob.folderNames(), (QStringList{"INBOX", "Play", "Play/Projects"}));
    EXPECT_BYTES(talk(*s, "f RENAME Nowhere Else\r\n"), "f NO there is no folder called \"Nowhere\"\r\n");
    EXPECT_BYTES(talk(*s, "g DELETE Play/Projects\r\n"), "g OK DELETE completed\r\n");
    EXPECT_BYTES(talk(*s, "h DELETE INBOX\r\n"), "h NO INBOX cannot be deleted\r\n");
    EXPECT_BYTES(talk(*s, "i DELETE\r\n"), "i BAD DELETE wants a folder name\r\n");
    EXPECT_BYTES(talk(*s, "j RENAME INBOX Old\r\n"), "j OK RENAME completed\r\n");
    EXPECT_EQ(f.bob.folder("Old")->messages.size(), 3u);
    EXPECT_TRUE(f.bob.inbox().messages.empty());
    EXPECT_BYTES(talk(*s, "k CREATE {5}\r\n"), "+ Ready for literal data\r\n");
    EXPECT_BYTES(talk(*s, "Lit\xc3\xa9\r\n"), "k OK CREATE completed\r\n");
    EXPECT_NE(f.bob.folder(QStringLiteral("Lit\u00e9")), nullptr);
}

TEST_F(ImapServer, RenamingTheSelectedFolderKeepsItSelected)
{
    login();
    (void)f.bob.createFolder("Work");
    deliver(f.bob, kLunch, day(3), {}, "Work");
    (void)talk(*s, "a SELECT Work\r\n");
    EXPECT_BYTES(talk(*s, "b RENAME Work Done\r\n"), "b OK RENAME completed\r\n");
    EXPECT_EQ(s->selectedFolder(), "Done");
    EXPECT_BYTES(talk(*s, "c FETCH 1 UID\r\n"), "* 1 FETCH (UID 1)\r\nc OK FETCH completed\r\n");
}

TEST_F(ImapServer, FlagsAreKeptAcrossSessions)
{
    selectInbox();
    auto other = f.session();
    (void)talk(*other, "a LOGIN bob secret\r\n");
    (void)talk(*other, "b SELECT INBOX\r\n");
    EXPECT_BYTES(talk(*s, "c STORE 3 +FLAGS (\\Seen)\r\n"), "* 3 FETCH (FLAGS (\\Seen \\Recent))\r\nc OK STORE completed\r\n");
    // The other session hears of it at its next command ...
    EXPECT_BYTES(talk(*other, "d NOOP\r\n"), "* 3 FETCH (FLAGS (\\Seen))\r\nd OK NOOP completed\r\n");
    // ... and a third one sees it after selecting.
    auto third = f.session();
    (void)talk(*third, "a LOGIN bob secret\r\n");
    (void)talk(*third, "b SELECT INBOX\r\n");
    EXPECT_BYTES(talk(*third, "c FETCH 3 FLAGS\r\n"), "* 3 FETCH (FLAGS (\\Seen))\r\nc OK FETCH completed\r\n");
}

TEST_F(ImapServer, ExpungeByAnotherSessionWaitsForAnAllowedMoment)
{
    selectInbox();
    auto other = f.session();
    (void)talk(*other, "a LOGIN bob secret\r\n");
    (void)talk(*other, "b SELECT INBOX\r\n");
    (void)talk(*other, "c STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
    EXPECT_BYTES(talk(*other, "d EXPUNGE\r\n"), "* 1 EXPUNGE\r\nd OK EXPUNGE completed\r\n");
    // FETCH, STORE and SEARCH must not report it (RFC 3501 7.4.1): numbers stay as they were.
    EXPECT_BYTES(talk(*s, "e FETCH 2 UID\r\n"), "* 2 FETCH (UID 2)\r\ne OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "f SEARCH ALL\r\n"), "* SEARCH 2 3\r\nf OK SEARCH completed\r\n");
    EXPECT_BYTES(talk(*s, "g FETCH 1 UID\r\n"), "g OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "h NOOP\r\n"), "* 1 EXPUNGE\r\nh OK NOOP completed\r\n");
    EXPECT_BYTES(talk(*s, "i FETCH 1 UID\r\n"), "* 1 FETCH (UID 2)\r\ni OK FETCH completed\r\n");
    // UID commands may report it.
    f.bob.remove("INBOX", {2});
    EXPECT_BYTES(talk(*s, "j UID FETCH 3 UID\r\n"), "* 2 FETCH (UID 3)\r\n* 1 EXPUNGE\r\nj OK UID FETCH completed\r\n");
}

TEST_F(ImapServer, EmptyFolderAndStar)
{
    login();
    (void)f.bob.createFolder("Empty");
    EXPECT_BYTES(talk(*s, "a SELECT Empty\r\n"),
              "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 0 EXISTS\r\n* 0 RECENT\r\n"
              "* OK [UIDVALIDITY 2] UIDs valid\r\n* OK [UIDNEXT 1] Predicted next UID\r\n"
              "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted\r\n"
              "a OK [READ-WRITE] SELECT completed\r\n");
    EXPECT_BYTES(talk(*s, "b FETCH * FLAGS\r\n"), "b OK FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "c FETCH 1:* FLAGS\r\n"), "c BAD Invalid message sequence number 1 (there are 0 messages)\r\n");
    EXPECT_BYTES(talk(*s, "d UID FETCH 1:* FLAGS\r\n"), "d OK UID FETCH completed\r\n");
    EXPECT_BYTES(talk(*s, "e SEARCH ALL\r\n"), "* SEARCH\r\ne OK SEARCH completed\r\n");
}

TEST_F(ImapServer, LineTooLongAndTooManyErrors)
{
    ServerConfig config;
    config.maxLine = 64;
    config.maxErrors = 3;
    auto session = f.session(config);
    EXPECT_BYTES(talk(*session, "a NOOP " + QByteArray(100, 'x') + "\r\n"), "* BAD Command line too long (at most 64 octets)\r\n");
    EXPECT_BYTES(talk(*session, "b NOOP\r\n"), "b OK NOOP completed\r\n");
    EXPECT_BYTES(talk(*session, "c FROB\r\n"), "c BAD Unknown command FROB\r\n");
    EXPECT_BYTES(talk(*session, "d FROB\r\n"), "d BAD Unknown command FROB\r\n");
    const protocol::EngineOutput out = session->receive("e FROB\r\nf NOOP\r\n");
    EXPECT_EQ(out.wire(), "e BAD Unknown command FROB\r\n* BYE Too many invalid commands\r\n");
    EXPECT_TRUE(out.close);
    EXPECT_EQ(session->state(), State::Logout);
}

TEST_F(ImapServer, TimeoutSaysBye)
{
    const protocol::EngineOutput out = s->timeout();
    EXPECT_EQ(out.wire(), "* BYE Autologout; idle for too long\r\n");
    EXPECT_TRUE(out.close);
    EXPECT_EQ(out.sent[0].code, status::ImapBye);
}

TEST_F(ImapServer, ReceivedUnitsAreWholeCommandsWithTheirLiterals)
{
    protocol::EngineOutput out = s->receive("a LOGIN bob {6}\r\n");
    EXPECT_TRUE(out.received.empty());
    ASSERT_EQ(out.sent.size(), 1u);
    EXPECT_EQ(out.sent[0].code, status::ImapContinue);
    out = s->receive("secret\r\nb NOOP\r\n");
    ASSERT_EQ(out.received.size(), 2u);
    EXPECT_EQ(out.received[0].bytes, "a LOGIN bob {6}\r\nsecret\r\n");
    EXPECT_EQ(out.received[0].kind, protocol::Transmission::Kind::Command);
    EXPECT_EQ(out.received[1].bytes, "b NOOP\r\n");
    ASSERT_EQ(out.sent.size(), 2u);
    EXPECT_EQ(out.sent[0].code, status::ImapOk);
}

// One dialogue, fed whole and then split at every offset: the answers are the same bytes.
TEST_F(ImapServer, SplittingTheInputAnywhereChangesNothing)
{
    const QByteArray script = "a LOGIN bob {6}\r\nsecret\r\n"
                              "b SELECT INBOX\r\n"
                              "c FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n"
                              "d SEARCH OR SUBJECT {5}\r\nlunch FROM carol\r\n"
                              "e STORE 2 +FLAGS (\\Seen)\r\n"
                              "f APPEND INBOX (\\Draft) {12}\r\nSubject: x\r\n\r\n"
                              "g NOOP\r\n"
                              "h LOGOUT\r\n";
    auto run = [&](qsizetype first, qsizetype second) {
        Fixture fresh;
        auto session = fresh.session();
        QByteArray answers;
        answers += session->receive(script.left(first)).wire();
        answers += session->receive(script.mid(first, second - first)).wire();
        answers += session->receive(script.mid(second)).wire();
        return answers;
    };
    const QByteArray whole = run(script.size(), script.size());
    EXPECT_TRUE(whole.endsWith("h OK LOGOUT completed\r\n")) << whole.constData();
    EXPECT_TRUE(whole.contains("* 4 EXISTS\r\n"));
    for (qsizetype i = 0; i <= script.size(); ++i)
        ASSERT_EQ(run(i, std::min(script.size(), i + 7)), whole) << "split at " << i;
    // And one byte at a time.
    Fixture fresh;
    auto session = fresh.session();
    QByteArray answers;
    for (char c : script)
        answers += session->receive(QByteArray(1, c)).wire();
    EXPECT_EQ(answers, whole);
}

} // namespace
