#include "support/loopback/engine_factory.h"

#include "protocol/imap/imap_server_session.h"

// One line per protocol; each engine's own header says what its configuration means.

namespace mailsim::loopback {

bool knowsProtocol(const QString &protocol)
{
    return protocol == QLatin1String("imap");
}

std::unique_ptr<protocol::ServerEngine> makeEngine(const QString &protocol, store::MailStore &store,
                                                   const QString &peer)
{
    Q_UNUSED(peer);
    if (protocol == QLatin1String("imap"))
        return std::make_unique<imap::ImapServerSession>(imap::ServerConfig{}, store);
    return nullptr;
}

} // namespace mailsim::loopback
