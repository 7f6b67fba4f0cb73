// What the mail layer shares: the kernel, the network, DNS, the trace, the seeded
// generator, and the wall-clock date that virtual time 0 stands for.
#pragma once

#include "core/rng.h"
#include "core/simulation.h"
#include "net/dns.h"
#include "net/virtual_network.h"
#include "trace/trace_log.h"

#include <QByteArray>
#include <QDateTime>

namespace mailsim::mail {

class DeliveryLedger;

struct MailContext
{
    core::Simulation &simulation;
    net::VirtualNetwork &network;
    net::Dns &dns;
    trace::TraceLog &trace;
    core::Rng &rng;
    QDateTime epoch; // the date and time at virtual time 0, UTC
    DeliveryLedger *ledger = nullptr; // optional bookkeeping for conservation checks

    // Current virtual time as an RFC 5322 date-time, e.g. "Mon, 3 Mar 2025 09:00:00 +0000".
    [[nodiscard]] QByteArray dateHeader() const;
    // A fresh identifier of `digits` upper-case hex digits, like Postfix queue ids.
    [[nodiscard]] QByteArray newId(int digits = 10);

    // dateHeader()'s cache: the last second formatted. Not state: it changes no result.
    mutable qint64 cachedDateSecond = -1;
    mutable QByteArray cachedDate;
};

// RFC 5322 section 3.3 date-time in UTC, independent of the locale.
QByteArray formatRfc5322Date(const QDateTime &utc);

} // namespace mailsim::mail
