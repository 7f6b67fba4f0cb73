#include "mail/delivery_status.h"

#include "message/header_section.h"
#include "message/mime.h"

namespace mailsim::mail {

QByteArray enhancedStatus(int code, const QByteArray &text, bool gaveUp)
{
    if (gaveUp)
        return "4.4.7"; // delivery time expired
    const QByteArray lower = text.toLower();
    const char cls = code >= 500 ? '5' : '4';
    QByteArray detail = "0.0"; // other or undefined
    if (lower.contains("no such user") || lower.contains("unknown user") || lower.contains("user unknown"))
        detail = "1.1"; // bad destination mailbox address
    else if (lower.contains("does not exist") || lower.contains("nxdomain"))
        detail = "1.2"; // bad destination system address
    else if (lower.contains("loops back"))
        detail = "4.6"; // routing loop detected
    else if (lower.contains("relay"))
        detail = "7.1"; // delivery not authorized
    else if (code == 552 || lower.contains("too large") || lower.contains("too big"))
        detail = "3.4"; // message too big for system
    else if (code == 452)
        detail = "5.3"; // too many recipients
    return cls + ('.' + detail);
}

QByteArray makeDeliveryStatusReport(const DeliveryStatusReport &r)
{
    // For the person: what failed and why, in words.
    QByteArray human = "This is the mail system at " + r.reportingMta + ".\r\n\r\n";
    human += r.gaveUp ? "Your message could not be delivered in time to the following recipients; the\r\n"
                        "mail system tried again and again and has now given up:\r\n\r\n"
                      : "Your message could not be delivered to the following recipients:\r\n\r\n";
    for (const FailedRecipient &f : r.failed) {
        // A reply code only where a server gave one; otherwise the words of what happened here.
        human += "  " + f.recipient.bracketed() + ": "
                 + (f.remoteMta.isEmpty() ? QByteArray() : QByteArray::number(f.code) + ' ')
                 + QByteArray(f.text).replace('\n', ' ').replace('\r', ' ') + "\r\n";
    }
    human += "\r\nThe header of your message is attached.\r\n";
    message::MimeEntity text = message::makeTextPart(QString::fromUtf8(human));

    // For programs: RFC 3464 section 2.2 (per message) and 2.3 (per recipient).
    QByteArray fields = "Reporting-MTA: dns; " + r.reportingMta + "\r\n";
    if (!r.queueId.isEmpty())
        fields += "X-MailSim-Queue-ID: " + r.queueId + "\r\n";
    if (!r.arrivalDate.isEmpty())
        fields += "Arrival-Date: " + r.arrivalDate + "\r\n";
    for (const FailedRecipient &f : r.failed) {
        fields += "\r\nFinal-Recipient: rfc822; " + f.recipient.address() + "\r\n"
                  "Action: failed\r\n"
                  "Status: " + enhancedStatus(f.code, f.text, r.gaveUp) + "\r\n";
        // RFC 3464 2.3.5 and 2.3.6: the server that refused, and its reply as it gave it. When
        // no server answered (no such domain, no way through before the queue gave up), there
        // is no reply to quote: the Status code says what happened.
        if (!f.remoteMta.isEmpty()) {
            fields += "Remote-MTA: dns; " + f.remoteMta + "\r\n";
            fields += message::foldField("Diagnostic-Code", "smtp; " + QByteArray::number(f.code) + ' '
                                                                + QByteArray(f.text).replace('\n', ' ').replace('\r', ' '));
        }
        if (!r.date.isEmpty())
            fields += "Last-Attempt-Date: " + r.date + "\r\n";
    }
    message::MimeEntity status;
    status.header.add("Content-Type", "message/delivery-status");
    status.body = fields;

    // The header of the message that failed, so that its sender knows which one it was.
    const qsizetype end = message::readHeaderSection(r.originalContent).end;
    message::MimeEntity headers;
    headers.header.add("Content-Type", "text/rfc822-headers");
    headers.body = r.originalContent.left(end < 0 ? r.originalContent.size() : end);

    std::vector<message::MimeEntity> parts;
    parts.push_back(std::move(text));
    parts.push_back(std::move(status));
    parts.push_back(std::move(headers));
    message::MimeEntity root = message::makeMultipart("report", std::move(parts));
    root.header.set("Content-Type", root.header.value("Content-Type") + "; report-type=delivery-status");
    root.header.prepend("MIME-Version", "1.0");
    root.header.prepend("Auto-Submitted", "auto-replied"); // RFC 3834: never answered by robots
    root.header.prepend("Message-ID", r.messageId);
    root.header.prepend("Subject", "Undelivered Mail Returned to Sender");
    root.header.prepend("To", r.sender);
    root.header.prepend("From", "Mail Delivery System <MAILER-DAEMON@" + r.reportingMta + '>');
    root.header.prepend("Date", r.date);
    return message::serialize(root);
}

} // namespace mailsim::mail
