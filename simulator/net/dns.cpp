#include "net/dns.h"

#include <algorithm>

namespace mailsim::net {

Dns::Dns(VirtualNetwork &network, HostId serverHost) : m_network(network), m_server(serverHost)
{
}

void Dns::addA(const QString &name, const QString &address)
{
    m_a[key(name)].push_back(address);
}

void Dns::addMx(const QString &domain, int preference, const QString &exchange)
{
    auto &records = m_mx[key(domain)];
    records.push_back(MxRecord{preference, exchange});
    std::stable_sort(records.begin(), records.end(),
                     [](const MxRecord &a, const MxRecord &b) { return a.preference < b.preference; });
}

int Dns::removeMx(const QString &domain)
{
    const auto it = m_mx.find(key(domain));
    if (it == m_mx.end())
        return 0;
    const int n = static_cast<int>(it->size());
    // The name stays in DNS with no MX: senders then get "no records of this type" and fall
    // back to the domain's own address (RFC 5321 5.1), instead of NXDOMAIN.
    it->clear();
    return n;
}

DnsAnswer Dns::lookup(DnsType type, const QString &name) const
{
    DnsAnswer answer;
    const QString k = key(name);
    const bool nameExists = m_a.contains(k) || m_mx.contains(k);
    if (!nameExists) {
        answer.status = DnsAnswer::Status::NxDomain;
        return answer;
    }
    if (type == DnsType::A) {
        answer.addresses = m_a.value(k);
    } else {
        answer.mx = m_mx.value(k);
    }
    if (answer.addresses.empty() && answer.mx.empty())
        answer.status = DnsAnswer::Status::NoAnswer;
    return answer;
}

static QByteArray typeName(DnsType type)
{
    return type == DnsType::A ? QByteArrayLiteral("A") : QByteArrayLiteral("MX");
}

static QByteArray statusName(DnsAnswer::Status status)
{
    switch (status) {
    case DnsAnswer::Status::NoError: return "NOERROR";
    case DnsAnswer::Status::NxDomain: return "NXDOMAIN";
    case DnsAnswer::Status::NoAnswer: return "NOERROR (no records of this type)";
    case DnsAnswer::Status::Unreachable: return "no route to the DNS server";
    }
    return {};
}

void Dns::query(HostId from, DnsType type, const QString &name, int stage,
                std::function<void(const DnsAnswer &)> done)
{
    auto &sim = m_network.simulation();
    auto &log = m_network.trace();
    const QByteArray fqdn = name.toLower().toUtf8() + '.';
    const std::optional<core::SimTime> lat = m_network.latency(from, m_server);

    trace::TraceEvent q;
    q.time = sim.now();
    q.kind = trace::EventKind::DnsQuery;
    q.stage = static_cast<quint8>(stage);
    q.from = m_network.host(from).actor;
    q.to = m_network.host(m_server).actor;
    q.data = fqdn + ' ' + typeName(type) + " ?";
    q.arrival = lat ? sim.now() + *lat : -1;
    log.append(std::move(q));

    if (!lat) {
        DnsAnswer failed;
        failed.status = DnsAnswer::Status::Unreachable;
        sim.schedule(0, [done = std::move(done), failed] { done(failed); });
        return;
    }

    sim.schedule(*lat, [this, from, type, name, stage, fqdn, lat, done = std::move(done)] {
        auto &sim = m_network.simulation();
        const DnsAnswer answer = lookup(type, name);
        trace::TraceEvent a;
        a.time = sim.now();
        a.arrival = sim.now() + *lat;
        a.kind = trace::EventKind::DnsAnswer;
        a.stage = static_cast<quint8>(stage);
        a.from = m_network.host(m_server).actor;
        a.to = m_network.host(from).actor;
        a.detail = statusName(answer.status);
        QByteArray records;
        for (const MxRecord &mx : answer.mx)
            records += fqdn + " MX " + QByteArray::number(mx.preference) + ' '
                       + mx.exchange.toLower().toUtf8() + ".\n";
        for (const QString &address : answer.addresses)
            records += fqdn + " A " + address.toUtf8() + '\n';
        records.chop(1);
        a.data = records;
        m_network.trace().append(std::move(a));
        sim.schedule(*lat, [done, answer] { done(answer); });
    });
}

} // namespace mailsim::net
