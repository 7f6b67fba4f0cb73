// The compose dialog: what the student types becomes a SendSpec, addresses are checked with
// the loader's rule before OK can be pressed, attachments of any bytes are listed with their
// size, and the scenario made with the student's message plays to the end with the message
// in the recipient's mailbox.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "message/mime.h"
#include "panels/compose_dialog.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::ComposeDialog;

namespace {

template <typename T> T *child(const QWidget &parent, const char *name)
{
    T *widget = parent.findChild<T *>(QString::fromLatin1(name));
    EXPECT_NE(widget, nullptr) << name;
    return widget;
}

bool okEnabled(const ComposeDialog &dialog)
{
    return child<QDialogButtonBox>(dialog, "")->button(QDialogButtonBox::Ok)->isEnabled();
}

// The built-in scenario (Alice writes to Bob at another domain) with Carol added next to
// Bob, so that Cc and Bcc reach real mailboxes too.
scenario::Scenario classroom()
{
    scenario::Scenario s = scenario::builtInScenario();
    s.world.users.push_back({QStringLiteral("carol@example.net"),
                             QStringLiteral("Carol"),
                             {},
                             QStringLiteral("carol-pc.example.net"),
                             QStringLiteral("203.0.113.11"),
                             {},
                             {},
                             mail::AccessRoute::Pop3Keep,
                             {}});
    s.world.links.push_back({QStringLiteral("carol-pc.example.net"),
                             QStringLiteral("mail.example.net"), core::milliseconds(1)});
    return s;
}

} // namespace

TEST(ComposeDialog, StartsFromTheScenariosFirstMessage)
{
    ComposeDialog dialog(classroom());
    auto *from = child<QComboBox>(dialog, "from");
    ASSERT_EQ(from->count(), 3);
    EXPECT_EQ(from->currentData().toString(), QStringLiteral("alice@example.org"));
    EXPECT_EQ(from->currentText(), QStringLiteral("Alice <alice@example.org>"));
    EXPECT_EQ(child<QLineEdit>(dialog, "to")->text(), QStringLiteral("bob@example.net"));
    EXPECT_TRUE(child<QLineEdit>(dialog, "subject")->text().isEmpty());
    EXPECT_TRUE(dialog.problem().isEmpty());
    EXPECT_TRUE(okEnabled(dialog));
}

TEST(ComposeDialog, TheFieldsBecomeASendSpec)
{
    ComposeDialog dialog(classroom());
    child<QComboBox>(dialog, "from")->setCurrentIndex(1); // Bob
    child<QLineEdit>(dialog, "to")->setText(QStringLiteral(" alice@example.org ,"));
    child<QLineEdit>(dialog, "cc")->setText(QStringLiteral("carol@example.net, dave@example.org"));
    child<QLineEdit>(dialog, "bcc")->setText(QStringLiteral("bob@example.net"));
    child<QLineEdit>(dialog, "subject")->setText(QStringLiteral("Grüße aus Köln"));
    child<QPlainTextEdit>(dialog, "body")->setPlainText(QStringLiteral("Line one\nLine two\n"));
    child<QPlainTextEdit>(dialog, "html")
        ->setPlainText(QStringLiteral("<p>ignored unless ticked</p>"));

    world::SendSpec m = dialog.message();
    EXPECT_EQ(m.at, 0);
    EXPECT_EQ(m.from, QStringLiteral("bob@example.net"));
    EXPECT_EQ(m.to, QStringList{QStringLiteral("alice@example.org")});
    EXPECT_EQ(m.cc, (QStringList{QStringLiteral("carol@example.net"),
                                 QStringLiteral("dave@example.org")}));
    EXPECT_EQ(m.bcc, QStringList{QStringLiteral("bob@example.net")});
    EXPECT_EQ(m.subject, QStringLiteral("Grüße aus Köln"));
    EXPECT_EQ(m.body, QStringLiteral("Line one\nLine two\n"));
    EXPECT_TRUE(m.html.isEmpty());
    EXPECT_TRUE(m.charset.isEmpty()) << "the user agent chooses";
    EXPECT_TRUE(m.raw.isEmpty());
    EXPECT_TRUE(okEnabled(dialog));

    child<QCheckBox>(dialog, "withHtml")->setChecked(true);
    EXPECT_EQ(dialog.message().html, QStringLiteral("<p>ignored unless ticked</p>"));
}

TEST(ComposeDialog, AnInvalidAddressKeepsOkDisabledAndSaysWhich)
{
    ComposeDialog dialog(classroom());
    auto *cc = child<QLineEdit>(dialog, "cc");
    auto *problem = child<QLabel>(dialog, "problem");
    cc->setText(QStringLiteral("carol@example.net, Bob Smith"));
    EXPECT_FALSE(okEnabled(dialog));
    EXPECT_EQ(dialog.problem(), problem->text());
    EXPECT_TRUE(
        dialog.problem().startsWith(QStringLiteral("Cc: 'Bob Smith' is not a mail address")))
        << dialog.problem().toStdString();

    // The loader's rule: no two dots in a row, nothing outside US-ASCII.
    for (const char *bad :
         {"bob..smith@example.net", "jürgen@example.net", "bob@", "@example.net"}) {
        cc->setText(QString::fromUtf8(bad));
        EXPECT_FALSE(okEnabled(dialog)) << bad;
    }
    cc->setText(QStringLiteral("\"bob smith\"@example.net, o'brien+news@example.org"));
    EXPECT_TRUE(okEnabled(dialog)) << dialog.problem().toStdString();
    EXPECT_TRUE(dialog.problem().isEmpty());
}

TEST(ComposeDialog, AMessageNeedsARecipientAndATickedHtmlVersionNeedsText)
{
    ComposeDialog dialog(classroom());
    child<QLineEdit>(dialog, "to")->clear();
    EXPECT_FALSE(okEnabled(dialog));
    EXPECT_EQ(dialog.problem(), QStringLiteral("Give at least one recipient in To, Cc or Bcc."));
    child<QLineEdit>(dialog, "bcc")->setText(QStringLiteral("carol@example.net"));
    EXPECT_TRUE(okEnabled(dialog)) << "a Bcc alone is a recipient";

    child<QCheckBox>(dialog, "withHtml")->setChecked(true);
    EXPECT_FALSE(okEnabled(dialog));
    EXPECT_TRUE(dialog.problem().startsWith(QStringLiteral("The HTML version is empty")));
    child<QPlainTextEdit>(dialog, "html")->setPlainText(QStringLiteral("<p>Hi</p>"));
    EXPECT_TRUE(okEnabled(dialog));
}

TEST(ComposeDialog, AttachmentsOfAnyBytesAreListedWithTheirSize)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QByteArray bytes;
    for (int i = 0; i < 3000; ++i)
        bytes += static_cast<char>((i * 7) % 256);
    const QString binary = dir.filePath(QStringLiteral("data.bin"));
    const QString text = dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(binary);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        QFile t(text);
        ASSERT_TRUE(t.open(QIODevice::WriteOnly));
        t.write("Bring the slides.\n");
    }
    ComposeDialog dialog(classroom());
    QString error;
    ASSERT_TRUE(dialog.addAttachmentFile(binary, &error)) << error.toStdString();
    ASSERT_TRUE(dialog.addAttachmentFile(text, &error)) << error.toStdString();
    EXPECT_FALSE(dialog.addAttachmentFile(dir.filePath(QStringLiteral("missing.pdf")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("missing.pdf"))) << error.toStdString();
    EXPECT_FALSE(dialog.addAttachmentFile(dir.path(), &error));

    auto *list = child<QTreeWidget>(dialog, "attachments");
    ASSERT_EQ(list->topLevelItemCount(), 2);
    EXPECT_EQ(list->topLevelItem(0)->text(0), QStringLiteral("data.bin"));
    EXPECT_EQ(list->topLevelItem(0)->text(2), QStringLiteral("2.9 KB"));
    EXPECT_EQ(list->topLevelItem(1)->text(0), QStringLiteral("notes.txt"));
    EXPECT_EQ(list->topLevelItem(1)->text(1), QStringLiteral("text/plain"));
    EXPECT_EQ(list->topLevelItem(1)->text(2), QStringLiteral("18 bytes"));

    world::SendSpec m = dialog.message();
    ASSERT_EQ(m.attachments.size(), 2u);
    EXPECT_EQ(m.attachments[0].content, bytes);
    EXPECT_EQ(m.attachments[0].mediaType, QStringLiteral("application/octet-stream"));
    EXPECT_TRUE(m.attachments[0].sourceFile.isEmpty()) << "the bytes travel in the scenario";

    auto *remove = child<QPushButton>(dialog, "removeAttachment");
    EXPECT_FALSE(remove->isEnabled());
    list->setCurrentItem(list->topLevelItem(0));
    ASSERT_TRUE(remove->isEnabled());
    remove->click();
    ASSERT_EQ(dialog.attachments().size(), 1u);
    EXPECT_EQ(dialog.attachments()[0].name, QStringLiteral("notes.txt"));
    EXPECT_EQ(list->topLevelItemCount(), 1);
}

TEST(ComposeDialog, SizesAreShownAsPeopleReadThem)
{
    EXPECT_EQ(ComposeDialog::sizeText(0), QStringLiteral("0 bytes"));
    EXPECT_EQ(ComposeDialog::sizeText(1), QStringLiteral("1 byte"));
    EXPECT_EQ(ComposeDialog::sizeText(1023), QStringLiteral("1023 bytes"));
    EXPECT_EQ(ComposeDialog::sizeText(1024), QStringLiteral("1.0 KB"));
    EXPECT_EQ(ComposeDialog::sizeText(5 * 1024 * 1024 + 512 * 1024), QStringLiteral("5.5 MB"));
}

TEST(ComposeDialog, TheOwnMessageReplacesTheScenariosMessages)
{
    scenario::Scenario base = classroom();
    world::SendSpec second = base.world.sends.front();
    second.at = core::seconds(30);
    base.world.sends.push_back(second);
    base.messageIds.push_back(base.messageIds.front());

    world::SendSpec mine;
    mine.at = core::seconds(9); // ignored: the student's message starts the run
    mine.from = QStringLiteral("bob@example.net");
    mine.to = QStringList{QStringLiteral("alice@example.org")};
    mine.bcc = QStringList{QStringLiteral("Carol@example.net"), QStringLiteral("bob@example.net")};
    mine.subject = QStringLiteral("Mine");
    const scenario::Scenario s = ComposeDialog::withOwnMessage(base, mine);

    ASSERT_EQ(s.world.sends.size(), 1u);
    EXPECT_EQ(s.world.sends[0].at, 0);
    EXPECT_EQ(s.world.sends[0].subject, QStringLiteral("Mine"));
    EXPECT_EQ(s.messageIds, std::vector<QString>{QStringLiteral("own-message")});
    EXPECT_TRUE(s.expectations.empty());
    EXPECT_EQ(s.world.title, base.world.title + QStringLiteral(" (your own message)"));
    EXPECT_EQ(ComposeDialog::withOwnMessage(s, mine).world.title, s.world.title);
    EXPECT_EQ(s.lessonNotes, base.lessonNotes);
    EXPECT_EQ(s.world.users.size(), base.world.users.size());
    // Bob already read his mailbox at 2s; Alice and Carol now read theirs then too.
    ASSERT_EQ(s.world.reads.size(), 3u);
    EXPECT_EQ(s.world.reads[0].user, QStringLiteral("bob@example.net"));
    EXPECT_EQ(s.world.reads[1].user, QStringLiteral("alice@example.org"));
    EXPECT_EQ(s.world.reads[2].user, QStringLiteral("carol@example.net"));
    for (const world::ReadSpec &r : s.world.reads)
        EXPECT_EQ(r.at, core::seconds(2));
}

TEST(ComposeDialog, TheStudentsMessageTravelsToTheEnd)
{
    scenario::Scenario base = classroom();
    ComposeDialog dialog(base);
    child<QLineEdit>(dialog, "cc")->setText(QStringLiteral("carol@example.net"));
    child<QLineEdit>(dialog, "subject")->setText(QStringLiteral("My own message"));
    child<QPlainTextEdit>(dialog, "body")->setPlainText(QStringLiteral("Written by a student.\n"));
    world::AttachmentSpec photo;
    photo.name = QStringLiteral("photo.bin");
    photo.mediaType = QStringLiteral("application/octet-stream");
    photo.content = QByteArray("\x00\x01\x02\xff binary", 11);
    dialog.addAttachment(photo);
    ASSERT_TRUE(okEnabled(dialog)) << dialog.problem().toStdString();

    gui::SimulationController controller;
    controller.load(ComposeDialog::withOwnMessage(base, dialog.message()));
    ASSERT_TRUE(controller.nextStage());
    EXPECT_EQ(controller.currentStage(), 1) << "the run starts with the student's message";
    EXPECT_EQ(controller.trace().at(0).kind, trace::EventKind::Compose);
    EXPECT_TRUE(controller.trace().at(0).data.contains("Subject: My own message\r\n"));
    controller.runToEnd();
    ASSERT_TRUE(controller.atEnd());
    for (const char *who : {"bob@example.net", "carol@example.net"}) {
        const mail::Mailbox *box = controller.world().mailboxOf(QString::fromLatin1(who));
        ASSERT_NE(box, nullptr) << who;
        ASSERT_EQ(box->size(), 1u) << who;
        const QByteArray &content = box->messages()[0].content;
        EXPECT_TRUE(content.contains("Subject: My own message\r\n")) << who;
        const message::ParsedMessage p = message::parseMessage(content);
        EXPECT_TRUE(p.warnings.empty()) << who;
        EXPECT_EQ(p.root.mediaType(), "multipart/mixed") << who;
        ASSERT_EQ(p.root.parts.size(), 2u) << who;
        EXPECT_EQ(p.root.parts[0].text(), QStringLiteral("Written by a student.\r\n")) << who;
        EXPECT_TRUE(p.root.parts[1].isAttachment()) << who;
        EXPECT_EQ(p.root.parts[1].filename(), QStringLiteral("photo.bin")) << who;
        EXPECT_EQ(p.root.parts[1].decodedBody(), photo.content) << who;
    }
    int reads = 0;
    for (const trace::TraceEvent &e : controller.trace().events())
        reads += e.kind == trace::EventKind::MailboxRead;
    EXPECT_EQ(reads, 2) << "Bob and Carol both see it in stage 6";
}

// What the window does with the dialog's result (its "Compose your own message…" action):
// load the scenario as one made in code. It plays, and Save As writes it with the student's
// attachment inline, so that the saved file loads again on its own.
TEST(ComposeDialog, TheWindowPlaysAndSavesTheOwnMessage)
{
    gui::MainWindow window(nullptr, false);
    window.loadScenario(scenario::builtInScenario(), QString());
    ComposeDialog dialog(window.controller().scenario());
    child<QLineEdit>(dialog, "subject")->setText(QStringLiteral("Saved with the scenario"));
    world::AttachmentSpec a;
    a.name = QStringLiteral("bytes.bin");
    a.mediaType = QStringLiteral("application/octet-stream");
    a.content = QByteArray("\x01\x02\x03\xfe", 4);
    dialog.addAttachment(a);
    window.loadScenario(
        ComposeDialog::withOwnMessage(window.controller().scenario(), dialog.message()), QString());
    EXPECT_TRUE(window.windowTitle().contains(QStringLiteral("(your own message)")));
    window.controller().runToEnd();
    ASSERT_EQ(window.controller().world().mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);

    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("own.yaml"));
    QString error;
    ASSERT_TRUE(window.saveScenarioAs(path, &error)) << error.toStdString();
    const scenario::LoadResult saved = scenario::loadScenarioFile(path);
    ASSERT_TRUE(saved.ok()) << saved.errors.front().toString().toStdString();
    ASSERT_EQ(saved.scenario->world.sends.size(), 1u);
    ASSERT_EQ(saved.scenario->world.sends[0].attachments.size(), 1u);
    EXPECT_EQ(saved.scenario->world.sends[0].attachments[0].content, a.content);
    EXPECT_EQ(saved.scenario->world.sends[0].subject, QStringLiteral("Saved with the scenario"));
}
