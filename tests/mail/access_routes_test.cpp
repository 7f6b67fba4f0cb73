// Stage 6 in the simulated world: the built-in scenario (Alice writes to Bob) played with each
// of the lecture's access routes, over the virtual network, and what each leaves behind:
// the dialogue on the right port, the message in Bob's hands, and the server's state.
#include "protocol/common/engine_output.h"
#include "scenario/built_in.h"
#include "world/world.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mailsim;
using trace::EventKind;
namespace status = protocol::reply_status;

namespace {

world::WorldSpec withBobReadingBy(mail::AccessRoute route)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    for (world::UserSpec &u : spec.users) {
        if (u.address == QLatin1String("bob@example.net"))
            u.access = route;
    }
    if (route == mail::AccessRoute::WebMail) {
        for (world::ServerSpec &s : spec.servers) {
            if (s.settings.domain == QLatin1String("example.net"))
                s.web.enabled = true; // on the mail server's own machine
        }
    }
    return spec;
}

std::vector<const trace::TraceEvent *> eventsOf(const world::World &w, EventKind kind)
{
    std::vector<const trace::TraceEvent *> found;
    for (const trace::TraceEvent &e : w.trace().events()) {
        if (e.kind == kind)
            found.push_back(&e);
    }
    return found;
}

// The first line of each unit of a kind, without CR LF: "USER bob@example.net", "+OK ...".
std::vector<QByteArray> linesOf(const world::World &w, EventKind kind)
{
    std::vector<QByteArray> lines;
    for (const trace::TraceEvent *e : eventsOf(w, kind))
        lines.push_back(e->data.left(e->data.indexOf("\r\n")));
    return lines;
}

int firstStage6Port(const world::World &w)
{
    for (const trace::TraceEvent &e : w.trace().events()) {
        if (e.stage == 6)
            return e.kind == EventKind::TcpSyn ? e.code : -1;
    }
    return 0;
}

void expectStagesInOrder(const world::World &w)
{
    int stage = 0;
    for (const trace::TraceEvent &e : w.trace().events()) {
        EXPECT_GE(e.stage, stage) << trace::toString(e.kind) << ' ' << e.data.left(60).toStdString();
        stage = std::max<int>(stage, e.stage);
    }
    EXPECT_EQ(stage, 6);
}

} // namespace

TEST(AccessRoutes, Pop3KeepDownloadsAndLeavesTheMessage)
{
    world::World w(withBobReadingBy(mail::AccessRoute::Pop3Keep));
    ASSERT_TRUE(w.problems().isEmpty());
    w.runToEnd();
    expectStagesInOrder(w);
    EXPECT_EQ(firstStage6Port(w), 110);
    EXPECT_EQ(linesOf(w, EventKind::Pop3Command),
              (std::vector<QByteArray>{"USER bob@example.net", "PASS builder", "STAT", "UIDL", "LIST",
                                       "RETR 1", "QUIT"}));
    const auto reads = eventsOf(w, EventKind::MailboxRead);
    ASSERT_EQ(reads.size(), 1u);
    EXPECT_EQ(reads[0]->stage, 6);
    EXPECT_EQ(reads[0]->data, w.mailboxOf(QStringLiteral("bob@example.net"))->messages().at(0).content)
        << "the agent has exactly the bytes the server stored";
    EXPECT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
    EXPECT_TRUE(eventsOf(w, EventKind::MailboxRemove).empty());
    EXPECT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

TEST(AccessRoutes, Pop3DeleteRemovesTheMessageOnlyAtQuit)
{
    world::World w(withBobReadingBy(mail::AccessRoute::Pop3Delete));
    w.runToEnd();
    expectStagesInOrder(w);
    EXPECT_EQ(linesOf(w, EventKind::Pop3Command),
              (std::vector<QByteArray>{"USER bob@example.net", "PASS builder", "STAT", "UIDL", "LIST",
                                       "RETR 1", "DELE 1", "QUIT"}));
    EXPECT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 0u);
    // The removal is traced after QUIT arrived and before the server's goodbye: the UPDATE state.
    const auto &events = w.trace().events();
    const auto quit = std::find_if(events.begin(), events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::Pop3Command && e.data == "QUIT\r\n";
    });
    const auto removal = std::find_if(events.begin(), events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::MailboxRemove;
    });
    ASSERT_NE(quit, events.end());
    ASSERT_NE(removal, events.end());
    EXPECT_GT(removal - events.begin(), quit - events.begin());
    EXPECT_EQ(removal->data, "POP3 QUIT");
    EXPECT_EQ(removal->detail, "bob@example.net");
    const auto goodbye = std::next(removal);
    ASSERT_NE(goodbye, events.end());
    EXPECT_EQ(goodbye->kind, EventKind::Pop3Reply);
    EXPECT_TRUE(goodbye->data.contains("(0 messages left)")) << goodbye->data.toStdString();
    // The message reached its owner, who deleted it: not a loss.
    EXPECT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

TEST(AccessRoutes, ImapFetchesAndMarksTheMessageReadOnTheServer)
{
    world::World w(withBobReadingBy(mail::AccessRoute::Imap));
    w.runToEnd();
    expectStagesInOrder(w);
    EXPECT_EQ(firstStage6Port(w), 143);
    const std::vector<QByteArray> commands = linesOf(w, EventKind::ImapCommand);
    ASSERT_GE(commands.size(), 4u);
    EXPECT_EQ(commands.front(), "A1 LOGIN bob@example.net builder");
    EXPECT_EQ(commands.back().split(' ').value(1), "LOGOUT");
    EXPECT_TRUE(std::any_of(commands.begin(), commands.end(),
                            [](const QByteArray &c) { return c.contains("UID FETCH 1 (UID FLAGS RFC822.SIZE BODY[])"); }));
    for (const trace::TraceEvent *r : eventsOf(w, EventKind::ImapReply)) {
        if (!r->data.startsWith("* ") && !r->data.startsWith("+ ")) {
            EXPECT_EQ(r->code, status::ImapOk) << r->data.toStdString();
        }
    }
    ASSERT_EQ(eventsOf(w, EventKind::MailboxRead).size(), 1u);
    const mail::Mailbox *box = w.mailboxOf(QStringLiteral("bob@example.net"));
    ASSERT_EQ(box->size(), 1u) << "IMAP leaves the mail on the server";
    EXPECT_EQ(box->messages()[0].flags, QByteArrayList{"\\Seen"});
    const auto flags = eventsOf(w, EventKind::MailboxFlags);
    ASSERT_EQ(flags.size(), 1u);
    EXPECT_EQ(flags[0]->data, "\\Seen");
    EXPECT_EQ(flags[0]->stage, 6);
}

TEST(AccessRoutes, WebMailShowsTheInboxInABrowser)
{
    world::World w(withBobReadingBy(mail::AccessRoute::WebMail));
    ASSERT_TRUE(w.problems().isEmpty()) << w.problems().join('\n').toStdString();
    w.runToEnd();
    expectStagesInOrder(w);
    EXPECT_EQ(firstStage6Port(w), 80);
    const std::vector<QByteArray> requests = linesOf(w, EventKind::HttpRequest);
    EXPECT_EQ(requests, (std::vector<QByteArray>{"GET / HTTP/1.1", "POST /login HTTP/1.1", "GET /inbox HTTP/1.1",
                                                  "GET /message/1 HTTP/1.1", "POST /logout HTTP/1.1"}));
    std::vector<int> statuses;
    for (const trace::TraceEvent *e : eventsOf(w, EventKind::HttpResponse))
        statuses.push_back(e->code);
    EXPECT_EQ(statuses, (std::vector<int>{200, 303, 200, 200, 303}));
    // The login's answer sets the session cookie; later requests carry it.
    const auto responses = eventsOf(w, EventKind::HttpResponse);
    EXPECT_TRUE(responses[1]->data.contains("Set-Cookie: session=")) << responses[1]->data.toStdString();
    EXPECT_TRUE(eventsOf(w, EventKind::HttpRequest)[2]->data.contains("Cookie: session="));
    // The message page is HTML with the subject in it; opening it marked the message read.
    EXPECT_TRUE(responses[3]->data.contains("Content-Type: text/html"));
    EXPECT_TRUE(responses[3]->data.contains("Lunch on Friday?"));
    const mail::Mailbox *box = w.mailboxOf(QStringLiteral("bob@example.net"));
    ASSERT_EQ(box->size(), 1u);
    EXPECT_EQ(box->messages()[0].flags, QByteArrayList{"\\Seen"});
}

TEST(AccessRoutes, AWebMailUserSendsThroughTheWebServerWithSmtp)
{
    world::WorldSpec spec = withBobReadingBy(mail::AccessRoute::WebMail);
    spec.sends.clear();
    spec.reads.clear();
    world::SendSpec answer;
    answer.at = 0;
    answer.from = QStringLiteral("bob@example.net");
    answer.to = QStringList{QStringLiteral("alice@example.org")};
    answer.subject = QStringLiteral("Hello from the web");
    answer.body = QStringLiteral("Written in a browser.\n");
    spec.sends.push_back(answer);
    world::World w(spec);
    w.runToEnd();

    // The browser posts the form; the web server (on mail.example.net) speaks SMTP to the
    // submission port of its own machine, and the 303 comes only after the 250.
    const auto &events = w.trace().events();
    const auto post = std::find_if(events.begin(), events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::HttpRequest && e.data.startsWith("POST /send ");
    });
    ASSERT_NE(post, events.end());
    EXPECT_EQ(post->stage, 2);
    const auto mailFrom = std::find_if(post, events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpCommand && e.data.startsWith("MAIL FROM:<bob@example.net>");
    });
    ASSERT_NE(mailFrom, events.end());
    EXPECT_EQ(w.trace().actorName(mailFrom->from), QStringLiteral("mail.example.net"));
    EXPECT_EQ(w.trace().actorName(mailFrom->to), QStringLiteral("mail.example.net"));
    const auto accepted = std::find_if(mailFrom, events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::SmtpReply && e.data.startsWith("250 OK: queued as");
    });
    const auto sent = std::find_if(post, events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::HttpResponse && e.code == 303 && e.data.contains("Location: /inbox");
    });
    ASSERT_NE(accepted, events.end());
    ASSERT_NE(sent, events.end());
    EXPECT_GT(sent - events.begin(), accepted - events.begin());

    const mail::Mailbox *alice = w.mailboxOf(QStringLiteral("alice@example.org"));
    ASSERT_EQ(alice->size(), 1u);
    EXPECT_TRUE(alice->messages()[0].content.contains("Subject: Hello from the web\r\n"));
    EXPECT_TRUE(alice->messages()[0].content.contains("Written in a browser."));
    EXPECT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

TEST(AccessRoutes, AWrongPasswordIsRefusedByEachRoute)
{
    for (mail::AccessRoute route : {mail::AccessRoute::Pop3Keep, mail::AccessRoute::Imap, mail::AccessRoute::WebMail}) {
        SCOPED_TRACE(mail::toString(route));
        world::WorldSpec spec = withBobReadingBy(route);
        for (world::UserSpec &u : spec.users) {
            if (u.address == QLatin1String("bob@example.net"))
                u.typedPassword = QStringLiteral("bulider");
        }
        world::World w(spec);
        w.runToEnd();
        EXPECT_TRUE(eventsOf(w, EventKind::MailboxRead).empty()) << "no access without the password";
        bool refused = false;
        for (const trace::TraceEvent &e : w.trace().events()) {
            refused = refused || (e.kind == EventKind::Pop3Reply && e.code == status::Pop3Err)
                      || (e.kind == EventKind::ImapReply && e.code == status::ImapNo)
                      || (e.kind == EventKind::HttpResponse && e.code == 403);
        }
        EXPECT_TRUE(refused);
        const auto notes = eventsOf(w, EventKind::Note);
        EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const trace::TraceEvent *n) {
            return n->data.startsWith("The user agent reports a problem to its user");
        }));
        // Nothing changed on the server.
        const mail::Mailbox *box = w.mailboxOf(QStringLiteral("bob@example.net"));
        ASSERT_EQ(box->size(), 1u);
        EXPECT_TRUE(box->messages()[0].flags.isEmpty());
        EXPECT_FALSE(box->isLocked()) << "the POP3 maildrop is not left locked";
    }
}

TEST(AccessRoutes, ImapFlagsAndFoldersOutliveTheSession)
{
    world::WorldSpec spec = withBobReadingBy(mail::AccessRoute::Imap);
    world::ReadSpec first = spec.reads.at(0);
    first.actions.push_back({mail::MailboxAction::Kind::Flag, QStringLiteral("Lunch"), {}, {}, 0});
    first.actions.push_back({mail::MailboxAction::Kind::Copy, {}, QStringLiteral("alice"), QStringLiteral("Kept"), 0});
    spec.reads = {first};
    world::ReadSpec second;
    second.at = core::seconds(10);
    second.user = QStringLiteral("bob@example.net");
    second.actions.push_back({mail::MailboxAction::Kind::MarkUnread, QStringLiteral("Lunch"), {}, {}, 0});
    spec.reads.push_back(second);
    world::World w(spec);
    w.runToEnd();

    const mail::Mailbox *box = w.mailboxOf(QStringLiteral("bob@example.net"));
    ASSERT_NE(box->folder(QStringLiteral("Kept")), nullptr) << "COPY's TRYCREATE made the folder";
    ASSERT_EQ(box->folder(QStringLiteral("Kept"))->messages.size(), 1u);
    EXPECT_EQ(box->folder(QStringLiteral("Kept"))->messages[0].flags, (QByteArrayList{"\\Flagged", "\\Seen"}))
        << "a copy keeps the flags it had";
    // The second session (a new connection, ten seconds later) fetches nothing new; its
    // STORE answer shows that \Flagged, set by the first session, is still on the server.
    EXPECT_EQ(eventsOf(w, EventKind::MailboxRead).size(), 1u);
    int logins = 0;
    bool flaggedSeenAgain = false;
    for (const trace::TraceEvent &e : w.trace().events()) {
        if (e.kind == EventKind::ImapCommand && e.data.contains(" LOGIN "))
            ++logins;
        if (logins == 2 && e.kind == EventKind::ImapReply && e.data.contains("FLAGS (\\Flagged)"))
            flaggedSeenAgain = true;
    }
    EXPECT_EQ(logins, 2);
    EXPECT_TRUE(flaggedSeenAgain);
    EXPECT_EQ(box->messages().at(0).flags, QByteArrayList{"\\Flagged"});
    EXPECT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

TEST(AccessRoutes, AnImapUserKeepsACopyOfSentMailOnTheServer)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    for (world::UserSpec &u : spec.users) {
        if (u.address == QLatin1String("alice@example.org"))
            u.access = mail::AccessRoute::Imap;
    }
    world::World w(spec);
    w.runToEnd();
    // The first APPEND finds no folder Sent: NO [TRYCREATE], CREATE, and APPEND again.
    const std::vector<QByteArray> commands = linesOf(w, EventKind::ImapCommand);
    std::vector<QByteArray> verbs; // of tagged lines: a literal's bytes follow the "+" as a unit of their own
    for (const QByteArray &c : commands) {
        if (c.startsWith('A'))
            verbs.push_back(c.split(' ').value(1));
    }
    EXPECT_EQ(verbs, (std::vector<QByteArray>{"LOGIN", "APPEND", "CREATE", "APPEND", "LOGOUT"}));
    EXPECT_TRUE(commands[1].startsWith("A2 APPEND Sent (\\Seen) {")) << commands[1].toStdString();
    const mail::Mailbox *alice = w.mailboxOf(QStringLiteral("alice@example.org"));
    const store::Folder *sent = alice->folder(QStringLiteral("Sent"));
    ASSERT_NE(sent, nullptr);
    ASSERT_EQ(sent->messages.size(), 1u);
    EXPECT_TRUE(sent->messages[0].content.contains("Subject: Lunch on Friday?\r\n"));
    EXPECT_EQ(sent->messages[0].flags, QByteArrayList{"\\Seen"});
    EXPECT_TRUE(sent->messages[0].envelopeTo.isEmpty()) << "a copy of one's own mail, not a delivery";
    // Bob still gets his message, and nothing is lost or doubled.
    EXPECT_EQ(w.mailboxOf(QStringLiteral("bob@example.net"))->size(), 1u);
    EXPECT_TRUE(w.conservationViolations().isEmpty()) << w.conservationViolations().join('\n').toStdString();
}

// IDLE (RFC 2177): the reader's agent waits; the moment the message is stored, the server
// tells it, unasked, at the same virtual time, and only then does the client say DONE.
TEST(AccessRoutes, ImapIdleHearsOfNewMailTheMomentItIsStored)
{
    world::WorldSpec spec = withBobReadingBy(mail::AccessRoute::Imap);
    spec.reads.at(0).at = 0; // before Alice sends
    spec.reads.at(0).actions.push_back({mail::MailboxAction::Kind::Idle, {}, {}, {}, core::seconds(60)});
    world::World w(spec);
    w.runToEnd();
    const auto &events = w.trace().events();
    const auto stored = std::find_if(events.begin(), events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::MailboxAdd && e.stage == 5;
    });
    ASSERT_NE(stored, events.end());
    const auto pushed = std::find_if(stored, events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::ImapReply && e.data == "* 1 EXISTS\r\n";
    });
    ASSERT_NE(pushed, events.end());
    EXPECT_EQ(pushed->time, stored->time) << "no polling delay";
    const auto idle = std::find_if(events.begin(), stored, [](const trace::TraceEvent &e) {
        return e.kind == EventKind::ImapCommand && e.data.endsWith(" IDLE\r\n");
    });
    ASSERT_NE(idle, stored) << "the client was idling before the mail came";
    const auto done = std::find_if(pushed, events.end(), [](const trace::TraceEvent &e) {
        return e.kind == EventKind::ImapCommand && e.data == "DONE\r\n";
    });
    ASSERT_NE(done, events.end());
    ASSERT_EQ(eventsOf(w, EventKind::MailboxRead).size(), 1u);
    EXPECT_GT(eventsOf(w, EventKind::MailboxRead)[0]->time, pushed->time);
    EXPECT_LT(eventsOf(w, EventKind::MailboxRead)[0]->time, core::seconds(60)) << "not at the IDLE time limit";
}

// Web mail here sends plain text. A web user's message with more (an attachment) is not cut
// down to fit: the user agent submits it with SMTP itself, and says so in the trace.
TEST(AccessRoutes, AWebUsersRicherMessageGoesBySmtpAndTheTraceSaysWhy)
{
    world::WorldSpec spec = withBobReadingBy(mail::AccessRoute::WebMail);
    spec.sends.clear();
    spec.reads.clear();
    world::SendSpec send;
    send.from = QStringLiteral("bob@example.net");
    send.to = QStringList{QStringLiteral("alice@example.org")};
    send.subject = QStringLiteral("The photo");
    send.body = QStringLiteral("Attached.\n");
    send.attachments.push_back({QStringLiteral("photo.bin"), QStringLiteral("application/octet-stream"),
                                QByteArray("\x00\x01\xfe\xff", 4), {}});
    spec.sends.push_back(send);
    world::World w(spec);
    w.runToEnd();
    EXPECT_TRUE(eventsOf(w, EventKind::HttpRequest).empty()) << "no browser involved";
    const auto notes = eventsOf(w, EventKind::Note);
    EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const trace::TraceEvent *n) {
        return n->data.contains("web mail here sends plain text only");
    }));
    int submissionPort = 0;
    for (const trace::TraceEvent *syn : eventsOf(w, EventKind::TcpSyn)) {
        if (w.trace().actorName(syn->from) == QLatin1String("bob-pc.example.net"))
            submissionPort = syn->code;
    }
    EXPECT_EQ(submissionPort, 587);
    const mail::Mailbox *alice = w.mailboxOf(QStringLiteral("alice@example.org"));
    ASSERT_EQ(alice->size(), 1u);
    EXPECT_TRUE(alice->messages()[0].content.contains("photo.bin")) << "the attachment arrived whole";
}
