// The mail store's rules, which every access protocol relies on: UIDs and UIDVALIDITY,
// flags, folder names and hierarchy, INBOX's special cases, observers, and logins.
#include "store/mail_store.h"

#include <gtest/gtest.h>

#include <vector>

using mailsim::store::canonicalFlag;
using mailsim::store::Change;
using mailsim::store::MailStore;
using mailsim::store::Mailbox;
using mailsim::store::StoredMessage;

namespace {

StoredMessage message(const QByteArray &content, QByteArrayList flags = {})
{
    StoredMessage m;
    m.content = content;
    m.flags = std::move(flags);
    return m;
}

TEST(MailStore, UidsAscendAndAreNeverReused)
{
    Mailbox box("bob@example.net", "pw");
    EXPECT_EQ(box.add(message("a")), 1u);
    EXPECT_EQ(box.add(message("b")), 2u);
    EXPECT_EQ(box.add(message("c")), 3u);
    EXPECT_EQ(box.remove("INBOX", {3, 2, 99}), (std::vector<quint32>{2, 3}));
    EXPECT_EQ(box.add(message("d")), 4u);
    EXPECT_EQ(box.inbox().uidNext, 5u);
    ASSERT_EQ(box.size(), 2u);
    EXPECT_EQ(box.messages()[0].uid, 1u);
    EXPECT_EQ(box.messages()[1].uid, 4u);
    EXPECT_EQ(box.inbox().indexOfUid(4), 1);
    EXPECT_EQ(box.inbox().indexOfUid(2), -1);
    EXPECT_EQ(box.inbox().byUid(2), nullptr);
    EXPECT_EQ(box.append("NoSuchFolder", message("x")), 0u);
}

TEST(MailStore, UidValidityDiffersForARecreatedFolder)
{
    Mailbox box;
    ASSERT_FALSE(box.createFolder("Archive"));
    const quint32 first = box.folder("Archive")->uidValidity;
    EXPECT_NE(first, box.inbox().uidValidity);
    EXPECT_EQ(box.append("Archive", message("a")), 1u);
    ASSERT_FALSE(box.deleteFolder("Archive"));
    EXPECT_EQ(box.folder("Archive"), nullptr);
    ASSERT_FALSE(box.createFolder("Archive"));
    EXPECT_NE(box.folder("Archive")->uidValidity, first);
    EXPECT_EQ(box.folder("Archive")->uidNext, 1u);
    EXPECT_TRUE(box.createFolder("Archive").has_value()); // exists already
}

TEST(MailStore, FlagsAreCanonicalised)
{
    EXPECT_EQ(canonicalFlag("\\seen"), "\\Seen");
    EXPECT_EQ(canonicalFlag("\\DELETED"), "\\Deleted");
    EXPECT_EQ(canonicalFlag("\\Recent"), "");   // only the server sets it
    EXPECT_EQ(canonicalFlag("\\Bogus"), "");
    EXPECT_EQ(canonicalFlag("$Junk"), "$Junk"); // keywords as given
    EXPECT_EQ(canonicalFlag("bad word"), "");
    EXPECT_EQ(canonicalFlag("a]b"), "");
    EXPECT_EQ(canonicalFlag(""), "");

    Mailbox box;
    const quint32 uid = box.add(message("a", {"\\flagged", "\\Seen", "\\SEEN", "\\Recent", "Work"}));
    EXPECT_EQ(box.messages()[0].flags, (QByteArrayList{"Work", "\\Flagged", "\\Seen"}));
    EXPECT_TRUE(box.messages()[0].hasFlag("\\seen"));
    EXPECT_TRUE(box.messages()[0].recent);
    ASSERT_TRUE(box.setFlags("inbox", uid, {"\\answered", "\\recent"}));
    EXPECT_EQ(box.messages()[0].flags, QByteArrayList{"\\Answered"});
    EXPECT_FALSE(box.setFlags("INBOX", 42, {}));
    EXPECT_EQ(box.inbox().unseenCount(), 1);
    box.clearRecent("INBOX");
    EXPECT_EQ(box.inbox().recentCount(), 0);
}

TEST(MailStore, InboxIsCaseInsensitiveAndUndeletable)
{
    Mailbox box;
    EXPECT_EQ(box.folder("inbox"), &box.inbox());
    EXPECT_EQ(box.folder("InBoX"), &box.inbox());
    EXPECT_EQ(box.canonicalName("iNbOx"), "INBOX");
    EXPECT_EQ(box.canonicalName("nothing"), "");
    EXPECT_EQ(box.deleteFolder("inbox"), QStringLiteral("INBOX cannot be deleted"));
    EXPECT_TRUE(box.createFolder("Inbox").has_value());
    EXPECT_TRUE(box.createFolder("INBOX/sub").has_value());
    EXPECT_EQ(box.folderNames(), QStringList{"INBOX"});
    // Other names are case-sensitive.
    ASSERT_FALSE(box.createFolder("Work"));
    EXPECT_EQ(box.folder("work"), nullptr);
}

TEST(MailStore, RenamingInboxMovesItsMessages)
{
    Mailbox box;
    box.add(message("one"));
    box.add(message("two"));
    ASSERT_FALSE(box.renameFolder("inbox", "Old"));
    EXPECT_EQ(box.size(), 0u);
    ASSERT_NE(box.folder("Old"), nullptr);
    ASSERT_EQ(box.folder("Old")->messages.size(), 2u);
    EXPECT_EQ(box.folder("Old")->messages[1].content, "two");
    EXPECT_EQ(box.folder("Old")->messages[1].uid, 2u);
    EXPECT_EQ(box.add(message("three")), 3u); // INBOX's UIDs go on
    EXPECT_EQ(box.folderNames(), (QStringList{"INBOX", "Old"}));
}

TEST(MailStore, RenameCarriesSubFolders)
{
    Mailbox box;
    ASSERT_FALSE(box.createFolder("Work/2024/Q1"));
    EXPECT_EQ(box.folderNames(), (QStringList{"INBOX", "Work", "Work/2024", "Work/2024/Q1"}));
    const quint32 validity = box.folder("Work/2024")->uidValidity;
    ASSERT_FALSE(box.renameFolder("Work", "Jobs/Old"));
    EXPECT_EQ(box.folderNames(),
              (QStringList{"INBOX", "Jobs/Old", "Jobs/Old/2024", "Jobs/Old/2024/Q1", "Jobs"}));
    EXPECT_EQ(box.folder("Jobs/Old/2024")->uidValidity, validity);
    EXPECT_TRUE(box.renameFolder("Missing", "X").has_value());
    EXPECT_TRUE(box.renameFolder("Jobs", "INBOX").has_value());
    EXPECT_TRUE(box.renameFolder("Jobs", "Jobs/Old").has_value());
}

TEST(MailStore, DeleteWithSubFoldersIsRefused)
{
    Mailbox box;
    ASSERT_FALSE(box.createFolder("A/B"));
    EXPECT_EQ(box.deleteFolder("A"), QStringLiteral("\"A\" has sub-folders; delete those first"));
    ASSERT_FALSE(box.deleteFolder("A/B"));
    EXPECT_FALSE(box.deleteFolder("A"));
    EXPECT_TRUE(box.deleteFolder("A").has_value());
}

TEST(MailStore, CreateMakesSuperiorLevels)
{
    Mailbox box;
    ASSERT_FALSE(box.createFolder("x/y/z/"));
    EXPECT_EQ(box.folderNames(), (QStringList{"INBOX", "x", "x/y", "x/y/z"}));
    EXPECT_TRUE(box.createFolder("").has_value());
    EXPECT_TRUE(box.createFolder("/abs").has_value());
    EXPECT_TRUE(box.createFolder("a//b").has_value());
}

TEST(MailStore, ObserversAreToldOfEveryChange)
{
    Mailbox box;
    std::vector<Change> seen;
    box.addObserver([&](const Change &c) { seen.push_back(c); });
    const quint32 uid = box.add(message("m", {"\\Seen"}));
    box.setFlags("INBOX", uid, {"\\Flagged"}, "IMAP STORE");
    box.setFlags("INBOX", uid, {"\\Flagged"}); // no change: not reported
    ASSERT_FALSE(box.createFolder("F"));
    ASSERT_FALSE(box.renameFolder("F", "G"));
    ASSERT_FALSE(box.deleteFolder("G"));
    box.remove("INBOX", {uid}, "POP3 QUIT");
    using K = Change::Kind;
    ASSERT_EQ(seen.size(), 6u);
    EXPECT_EQ(seen[0].kind, K::Added);
    EXPECT_EQ(seen[0].cause, "delivery");
    EXPECT_EQ(seen[0].flags, QByteArrayList{"\\Seen"});
    EXPECT_EQ(seen[1].kind, K::FlagsChanged);
    EXPECT_EQ(seen[1].flags, QByteArrayList{"\\Flagged"});
    EXPECT_EQ(seen[1].cause, "IMAP STORE");
    EXPECT_EQ(seen[2].kind, K::FolderCreated);
    EXPECT_EQ(seen[2].folder, "F");
    EXPECT_EQ(seen[3].kind, K::FolderRenamed);
    EXPECT_EQ(seen[3].newName, "G");
    EXPECT_EQ(seen[4].kind, K::FolderDeleted);
    EXPECT_EQ(seen[5].kind, K::Removed);
    EXPECT_EQ(seen[5].uid, uid);
    EXPECT_EQ(seen[5].cause, "POP3 QUIT");
}

TEST(MailStore, ObserverMayRemoveItself)
{
    Mailbox box;
    int first = 0;
    int second = 0;
    int firstId = 0;
    firstId = box.addObserver([&](const Change &) {
        ++first;
        box.removeObserver(firstId);
    });
    box.addObserver([&](const Change &) { ++second; });
    box.add(message("a"));
    box.add(message("b"));
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 2);
}

TEST(MailStore, ObserverRemovedByAnotherIsNotCalled)
{
    Mailbox box;
    int later = 0;
    int laterId = 0;
    box.addObserver([&](const Change &) { box.removeObserver(laterId); });
    laterId = box.addObserver([&](const Change &) { ++later; });
    box.add(message("a"));
    EXPECT_EQ(later, 0);
}

TEST(MailStore, FindByLocalPartOrFullAddress)
{
    MailStore store("Example.NET");
    Mailbox &bob = store.addUser("Bob", "secret");
    EXPECT_EQ(bob.owner(), "bob@example.net");
    EXPECT_EQ(&store.addUser("bob"), &bob); // the existing one
    EXPECT_EQ(store.find("bob"), &bob);
    EXPECT_EQ(store.find("BOB"), &bob);
    EXPECT_EQ(store.find("bob@example.net"), &bob);
    EXPECT_EQ(store.find("Bob@EXAMPLE.net"), &bob);
    EXPECT_EQ(store.find("bob@example.org"), nullptr);
    EXPECT_EQ(store.find("alice"), nullptr);
    EXPECT_EQ(store.accounts().size(), 1u);
}

TEST(MailStore, Authenticate)
{
    MailStore store("example.net");
    Mailbox &bob = store.addUser("bob", "secret");
    store.addUser("nopass");
    EXPECT_EQ(store.authenticate("bob", "secret"), &bob);
    EXPECT_EQ(store.authenticate("bob@example.net", "secret"), &bob);
    EXPECT_EQ(store.authenticate("bob", "Secret"), nullptr);
    EXPECT_EQ(store.authenticate("bob", ""), nullptr);
    EXPECT_EQ(store.authenticate("nobody", "secret"), nullptr);
    EXPECT_EQ(store.authenticate("nopass", ""), nullptr); // an empty password never logs in
}

TEST(MailStore, PopLock)
{
    Mailbox box;
    EXPECT_FALSE(box.isLocked());
    EXPECT_TRUE(box.tryLock());
    EXPECT_FALSE(box.tryLock());
    box.unlock();
    EXPECT_TRUE(box.tryLock());
}

} // namespace
