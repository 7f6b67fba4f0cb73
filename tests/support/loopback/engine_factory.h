// Which engine the loopback harness (engine_server.cpp) runs for a protocol name.
#pragma once

#include "protocol/common/server_engine.h"
#include "store/mail_store.h"

#include <QString>

#include <memory>

namespace mailsim::loopback {

[[nodiscard]] bool knowsProtocol(const QString &protocol);
// A server engine for one connection from `peer` over the shared store.
[[nodiscard]] std::unique_ptr<protocol::ServerEngine> makeEngine(const QString &protocol,
                                                                 store::MailStore &store,
                                                                 const QString &peer);

} // namespace mailsim::loopback
