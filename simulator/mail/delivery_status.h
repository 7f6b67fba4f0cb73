// The bounce a mail server writes when it gives up on recipients: a delivery status
// notification (RFC 3464) in a multipart/report (RFC 6522), sent from the empty sender <>.
//
// Three parts, as real servers send them: words for the person who sent the message, the
// same facts for programs (message/delivery-status: which server reports, and for each
// recipient the action, an enhanced status code (RFC 3463), the server that refused and its
// reply), and the header of the message that failed (text/rfc822-headers).
#pragma once

#include "protocol/smtp/smtp_path.h"

#include <QByteArray>

#include <vector>

namespace mailsim::mail {

struct FailedRecipient
{
    smtp::Path recipient;
    int code = 0;         // the SMTP reply, e.g. 550; a code of the server's own for failures
                          // without one (no such domain, gave up)
    QByteArray text;      // its text
    QByteArray remoteMta; // the server that refused, "" when none answered
};

struct DeliveryStatusReport
{
    QByteArray reportingMta;   // this server's host name
    QByteArray date;           // RFC 5322 date of the report
    QByteArray messageId;      // the report's own Message-ID, "<...>"
    QByteArray sender;         // the original envelope sender: the report goes there
    QByteArray arrivalDate;    // when the original message was accepted
    QByteArray queueId;        // its queue id here
    bool gaveUp = false;       // the queue's time ran out (4.4.7) rather than a 5xx refusal
    std::vector<FailedRecipient> failed;
    QByteArray originalContent; // the message that failed; its header is returned
};

// RFC 3463 enhanced status code for a failure, e.g. "5.1.1" for an unknown user.
QByteArray enhancedStatus(int code, const QByteArray &text, bool gaveUp);

// The whole report message, CR LF line ends, MIME-Version and all.
QByteArray makeDeliveryStatusReport(const DeliveryStatusReport &report);

} // namespace mailsim::mail
