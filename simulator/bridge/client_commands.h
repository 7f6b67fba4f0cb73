// Ready-to-copy commands for real mail programs, made from what a bridge has open: the same
// suggestions in `mailsim-cli serve`'s banner and in the window's Real clients panel.
#pragma once

#include "bridge/real_client_gate.h"

#include <QHostAddress>
#include <QString>

#include <map>
#include <vector>

namespace mailsim::bridge {

struct ClientCommand
{
    QString title;   // e.g. "Send a message (SMTP, curl)"
    QString command; // one shell line
};

// `ports`: the services open and their real ports. The sender is the first user of the gate's
// server; the recipient a user of another domain when there is one (so that the message is
// relayed through the simulated world), else the sender.
std::vector<ClientCommand> clientCommands(const RealClientGate &gate, const QHostAddress &address,
                                          const std::map<Service, quint16> &ports);

} // namespace mailsim::bridge
