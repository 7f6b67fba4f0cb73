#include "support/loopback/engine_factory.h"

// One line per protocol; each engine's own header says what its configuration means.

namespace mailsim::loopback {

bool knowsProtocol(const QString &protocol)
{
    Q_UNUSED(protocol);
    return false;
}

std::unique_ptr<protocol::ServerEngine> makeEngine(const QString &protocol, store::MailStore &store,
                                                   const QString &peer)
{
    Q_UNUSED(protocol);
    Q_UNUSED(store);
    Q_UNUSED(peer);
    return nullptr;
}

} // namespace mailsim::loopback
