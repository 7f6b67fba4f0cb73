#include "support/loopback/engine_factory.h"

#include "protocol/pop3/pop3_server_session.h"

// One line per protocol; each engine's own header says what its configuration means.

namespace mailsim::loopback {

bool knowsProtocol(const QString &protocol)
{
    return protocol == QLatin1String("pop3");
}

std::unique_ptr<protocol::ServerEngine> makeEngine(const QString &protocol, store::MailStore &store,
                                                   const QString &peer)
{
    Q_UNUSED(peer);
    if (protocol == QLatin1String("pop3")) {
        // A fixed APOP timestamp, so that a judge script can compute the digest itself.
        pop3::ServerConfig config;
        config.hostname = "mail." + store.domain().toUtf8();
        config.apopTimestamp = "<1896.697170952@" + config.hostname + '>';
        return std::make_unique<pop3::Pop3ServerSession>(std::move(config), store);
    }
    return nullptr;
}

} // namespace mailsim::loopback
