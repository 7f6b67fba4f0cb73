// The bounce as RFC 3464 and RFC 3463 want it: the enhanced status code for each kind of
// failure, and a report whose three parts our own MIME reader finds where they belong.
#include "mail/delivery_status.h"
#include "message/mime.h"

#include <gtest/gtest.h>

using namespace mailsim;

TEST(DeliveryStatus, EnhancedStatusCodesFollowTheFailure)
{
    EXPECT_EQ(mail::enhancedStatus(550, "<bbo@example.net>: no such user here", false), "5.1.1");
    EXPECT_EQ(mail::enhancedStatus(550, "domain example.invalid does not exist (DNS NXDOMAIN)", false), "5.1.2");
    EXPECT_EQ(mail::enhancedStatus(554, "<x@y>: relay access denied", false), "5.7.1");
    EXPECT_EQ(mail::enhancedStatus(552, "message too large", false), "5.3.4");
    EXPECT_EQ(mail::enhancedStatus(452, "too many recipients", false), "4.5.3");
    EXPECT_EQ(mail::enhancedStatus(550, "mailbox unavailable", false), "5.0.0");
    EXPECT_EQ(mail::enhancedStatus(421, "gave up after 4 attempts", true), "4.4.7") << "delivery time expired";
}

TEST(DeliveryStatus, TheReportHasItsThreePartsAndEveryRecipient)
{
    mail::DeliveryStatusReport r;
    r.reportingMta = "mail.example.org";
    r.date = "Mon, 3 Mar 2025 09:05:00 +0000";
    r.messageId = "<ABC@mail.example.org>";
    r.sender = "alice@example.org";
    r.arrivalDate = "Mon, 3 Mar 2025 09:00:00 +0000";
    r.queueId = "76CEE8561A";
    r.originalContent = "From: Alice <alice@example.org>\r\nSubject: Plans\r\n\r\nThe body stays home.\r\n";
    r.failed.push_back({*smtp::Path::fromAddress("bob@example.net"), 550, "no such user here", "mail.example.net"});
    r.failed.push_back({*smtp::Path::fromAddress("carol@example.net"), 552, "message too large", "mail.example.net"});
    const QByteArray bytes = mail::makeDeliveryStatusReport(r);

    const message::ParsedMessage p = message::parseMessage(bytes);
    EXPECT_TRUE(p.warnings.empty());
    EXPECT_EQ(message::serialize(p.root), bytes);
    EXPECT_EQ(p.root.mediaType(), "multipart/report");
    EXPECT_EQ(p.root.contentType().parameter("report-type"), QStringLiteral("delivery-status"));
    EXPECT_EQ(p.root.header.value("To"), "alice@example.org");
    EXPECT_EQ(p.root.header.value("From"), "Mail Delivery System <MAILER-DAEMON@mail.example.org>");
    EXPECT_EQ(p.root.header.value("Auto-Submitted"), "auto-replied");
    ASSERT_EQ(p.root.parts.size(), 3u);
    EXPECT_TRUE(p.root.parts[0].text().contains(QStringLiteral("<bob@example.net>: 550 no such user here")));
    EXPECT_EQ(p.root.parts[1].mediaType(), "message/delivery-status");
    const QByteArray status = p.root.parts[1].body;
    EXPECT_TRUE(status.startsWith("Reporting-MTA: dns; mail.example.org\r\n"));
    EXPECT_TRUE(status.contains("Arrival-Date: Mon, 3 Mar 2025 09:00:00 +0000\r\n"));
    EXPECT_TRUE(status.contains("\r\n\r\nFinal-Recipient: rfc822; bob@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
                                "Remote-MTA: dns; mail.example.net\r\nDiagnostic-Code: smtp; 550 no such user here\r\n"));
    EXPECT_TRUE(status.contains("Final-Recipient: rfc822; carol@example.net\r\nAction: failed\r\nStatus: 5.3.4\r\n"));
    EXPECT_EQ(p.root.parts[2].mediaType(), "text/rfc822-headers");
    EXPECT_EQ(p.root.parts[2].body, "From: Alice <alice@example.org>\r\nSubject: Plans\r\n")
        << "the header is returned, the body is not";
}
