// A running simulated world, built from a WorldSpec: the kernel, the trace, the virtual
// network, DNS, the mail servers and the user agents, with the spec's timeline scheduled.
//
// Same spec, same trace: nothing here reads the wall clock or an unseeded random source.
// reset() rebuilds everything from the spec, which is how "step back" works (replay up to
// the wanted event).
#pragma once

#include "core/rng.h"
#include "core/simulation.h"
#include "mail/delivery_ledger.h"
#include "mail/mail_server.h"
#include "mail/user_agent.h"
#include "mail/web_mail_server.h"
#include "net/dns.h"
#include "net/virtual_network.h"
#include "trace/trace_log.h"
#include "world/world_spec.h"

#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mailsim::world {

class World
{
public:
    struct Options
    {
        // Keep the DeliveryLedger that conservationViolations() needs. On by default; the
        // throughput benchmark turns it off, since it measures the mail system itself.
        bool trackDeliveries = true;
    };

    explicit World(WorldSpec spec, Options options = Options{true});
    ~World();
    World(const World &) = delete;
    World &operator=(const World &) = delete;

    [[nodiscard]] const WorldSpec &spec() const { return m_spec; }
    // Inconsistencies found while building (an unknown host in a link, a user whose domain has
    // no server...). The scenario loader reports these with file positions before building.
    [[nodiscard]] const QStringList &problems() const;

    // Runs one kernel event; false when nothing is left to happen.
    bool step();
    void runToEnd();
    void reset();

    [[nodiscard]] core::Simulation &simulation();
    [[nodiscard]] const trace::TraceLog &trace() const;
    // Listeners stay attached across reset().
    void addTraceListener(trace::TraceLog::Listener listener);

    [[nodiscard]] const std::vector<std::unique_ptr<mail::MailServer>> &servers() const;
    // The mail server on host `hostname`, or null. Not const: the real-client bridge connects
    // to it.
    [[nodiscard]] mail::MailServer *serverOnHost(const QString &hostname);
    // The web mail server of a mail server, or null when it has none.
    [[nodiscard]] const mail::WebMailServer *webServerOf(const mail::MailServer &server) const;
    [[nodiscard]] net::VirtualNetwork &network();
    // The host of the real clients (WorldSpec::realClients), or nothing.
    [[nodiscard]] std::optional<net::HostId> realClientsHost() const;
    [[nodiscard]] const mail::MailServer *serverForDomain(const QString &domain) const;
    [[nodiscard]] const mail::Mailbox *mailboxOf(const QString &address) const;
    [[nodiscard]] const mail::DeliveryLedger &ledger() const;
    [[nodiscard]] std::size_t openConnections() const;

    // Checks the promise that accepted mail is never lost: every (message, recipient) a
    // server accepted is in exactly one queue or mailbox, or was bounced. The one allowed
    // overlap is RFC 1047's window: the receiving server has stored the message while the
    // sending server still waits for the reply to the final ".". Empty when all is well.
    // Without Options::trackDeliveries only the "never in two places" half is checked.
    [[nodiscard]] QStringList conservationViolations() const;

private:
    struct State;
    void build();
    // What a scripted fault does when its time comes; nothing (and a problem) when it names
    // something the world does not have.
    std::function<void()> faultAction(const FaultSpec &fault, QStringList &problems);

    WorldSpec m_spec;
    Options m_options;
    std::unique_ptr<State> m_state;
    std::vector<trace::TraceLog::Listener> m_listeners;
};

} // namespace mailsim::world
