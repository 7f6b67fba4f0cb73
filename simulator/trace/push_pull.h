// The lecture's comparison of push (SMTP) and pull (POP3, IMAP, web mail over HTTP), stated
// against what a run actually put on the wire.
//
// From the trace up to a point, it picks the SMTP session that pushed a message towards the
// reader's server and the reader's first access session after it, and answers the lecture's
// questions with figures from those bytes: who opened each connection, who sent the
// message's bytes, how many objects travelled, and how binary data was carried (base64 text
// in SMTP, raw bytes in an HTTP response). The window's "Push and pull" panel shows it.
#pragma once

#include "trace/trace_log.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace mailsim::trace {

struct DialogueSide
{
    QString protocol;     // "SMTP", "POP3", "IMAP" or "HTTP"; empty: not in the trace yet
    int connection = -1;
    QString client;       // host names
    QString server;
    int port = 0;
    QStringList lines;    // "C: ..." and "S: ..." lines, long bodies shortened
};

struct ComparisonRow
{
    QString question;
    QString push; // what SMTP did
    QString pull; // what the access protocol did
};

struct PushPullComparison
{
    DialogueSide push;
    DialogueSide pull;
    std::vector<ComparisonRow> rows; // empty until both dialogues are in the trace
    QString missing; // what is not in the trace yet, for people; empty when complete
};

// Looks at events [0, end) of the log.
PushPullComparison comparePushPull(const TraceLog &log, std::size_t end);

} // namespace mailsim::trace
