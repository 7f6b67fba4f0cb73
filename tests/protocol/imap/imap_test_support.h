// Shared pieces of the IMAP engine tests: an account with known messages, and a session
// driven one command at a time.
#pragma once

#include "protocol/imap/imap_server_session.h"
#include "store/mail_store.h"

#include <QDateTime>
#include <QTimeZone>

#include <memory>
#include <ostream>

// Byte arrays compared as std::string, which gtest shows as readable text on a mismatch.
#define EXPECT_BYTES(actual, expected) \
    EXPECT_EQ(QByteArray(actual).toStdString(), QByteArray(expected).toStdString())
#define ASSERT_BYTES(actual, expected) \
    ASSERT_EQ(QByteArray(actual).toStdString(), QByteArray(expected).toStdString())

namespace mailsim::imap::test {

inline const QByteArray kLunch = "From: Alice Example <alice@example.org>\r\n"
                                 "To: bob@example.net\r\n"
                                 "Subject: Lunch on Friday\r\n"
                                 "Date: Mon, 03 Mar 2025 09:00:00 +0000\r\n"
                                 "Message-ID: <lunch@example.org>\r\n"
                                 "\r\n"
                                 "Shall we meet at noon?\r\n";

inline const QByteArray kReport = "From: \"Carol Q\" <carol@example.com>\r\n"
                                  "To: bob@example.net, Dave <dave@example.net>\r\n"
                                  "Cc: team: eve@example.net;\r\n"
                                  "Subject: =?UTF-8?B?UmVwb3J0IMOpdMOp?=\r\n"
                                  "Date: Tue, 04 Mar 2025 10:30:00 +0100\r\n"
                                  "MIME-Version: 1.0\r\n"
                                  "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
                                  "\r\n"
                                  "--XX\r\n"
                                  "Content-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Transfer-Encoding: quoted-printable\r\n"
                                  "\r\n"
                                  "The numbers are in the caf=C3=A9 sheet.\r\n"
                                  "--XX\r\n"
                                  "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                                  "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                                  "Content-Transfer-Encoding: base64\r\n"
                                  "\r\n"
                                  "AAECAw==\r\n"
                                  "--XX--\r\n";

inline const QByteArray kForward = "From: dave@example.net\r\n"
                                   "To: bob@example.net\r\n"
                                   "Subject: Fwd: Lunch on Friday\r\n"
                                   "Date: Wed, 05 Mar 2025 12:00:00 +0000\r\n"
                                   "MIME-Version: 1.0\r\n"
                                   "Content-Type: multipart/mixed; boundary=\"F\"\r\n"
                                   "\r\n"
                                   "--F\r\n"
                                   "Content-Type: text/plain\r\n"
                                   "\r\n"
                                   "See below.\r\n"
                                   "--F\r\n"
                                   "Content-Type: message/rfc822\r\n"
                                   "\r\n"
                                   "Subject: Inner\r\n"
                                   "From: alice@example.org\r\n"
                                   "\r\n"
                                   "Inner body\r\n"
                                   "--F--\r\n";

inline QDateTime day(int d, int hour = 9)
{
    return QDateTime(QDate(2025, 3, d), QTime(hour, 0), QTimeZone::utc());
}

inline quint32 deliver(store::Mailbox &box, const QByteArray &content, const QDateTime &when,
                       QByteArrayList flags = {}, const QString &folder = QStringLiteral("INBOX"))
{
    store::StoredMessage m;
    m.content = content;
    m.internalDate = when;
    m.flags = std::move(flags);
    return box.append(folder, std::move(m), "test");
}

// A store with bob (password "secret") and three INBOX messages: the lunch note (seen,
// 3 March), the report with an attachment (unseen, flagged, 4 March), the forward (5 March).
struct Fixture
{
    store::MailStore store{QStringLiteral("example.net")};
    store::Mailbox &bob = store.addUser(QStringLiteral("bob"), "secret");

    Fixture()
    {
        deliver(bob, kLunch, day(3), {"\\Seen"});
        deliver(bob, kReport, day(4), {"\\Flagged"});
        deliver(bob, kForward, day(5));
    }

    std::unique_ptr<ImapServerSession> session(ServerConfig config = {})
    {
        auto s = std::make_unique<ImapServerSession>(std::move(config), store);
        (void)s->open();
        return s;
    }
};

// Everything the session wrote in answer to `input`.
inline QByteArray talk(ImapServerSession &s, const QByteArray &input) { return s.receive(input).wire(); }

} // namespace mailsim::imap::test
