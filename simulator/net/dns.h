// DNS as the mail servers need it: A records (name -> address) and MX records (mail domain
// -> mail exchangers with preferences, RFC 5321 section 5.1), served by one DNS server host.
//
// Queries and answers travel over the virtual network and are traced, so a student sees
// the sending server ask "who receives mail for example.net?" before it connects. They are
// shown in zone-file notation rather than as DNS's binary messages: DNS is the background
// here, not a protocol the course takes apart. There is no caching, no recursion chain and
// no UDP loss.
#pragma once

#include "core/simulation.h"
#include "net/virtual_network.h"

#include <QHash>
#include <QString>

#include <functional>
#include <vector>

namespace mailsim::net {

struct MxRecord
{
    int preference = 10;
    QString exchange; // host name of the mail exchanger
};

enum class DnsType { A, MX };

struct DnsAnswer
{
    enum class Status { NoError, NxDomain, NoAnswer, Unreachable };
    Status status = Status::NoError;
    std::vector<MxRecord> mx;   // sorted by preference, then in zone order
    std::vector<QString> addresses;
};

class Dns
{
public:
    Dns(VirtualNetwork &network, HostId serverHost);

    void addA(const QString &name, const QString &address);
    void addMx(const QString &domain, int preference, const QString &exchange);
    // Forgets every MX record of a domain (a fault a scenario scripts); returns how many.
    int removeMx(const QString &domain);

    // Looks a name up without any traffic (for tests and for validation).
    [[nodiscard]] DnsAnswer lookup(DnsType type, const QString &name) const;

    // Sends a query from `from` to the DNS server and calls done with the answer when it
    // arrives back. Both directions are traced with the given stage.
    void query(HostId from, DnsType type, const QString &name, int stage,
               std::function<void(const DnsAnswer &)> done);

    [[nodiscard]] HostId serverHost() const { return m_server; }

private:
    static QString key(const QString &name) { return name.toLower(); }

    VirtualNetwork &m_network;
    HostId m_server;
    QHash<QString, std::vector<QString>> m_a;
    QHash<QString, std::vector<MxRecord>> m_mx;
};

} // namespace mailsim::net
