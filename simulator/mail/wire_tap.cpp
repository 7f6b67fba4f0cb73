#include "mail/wire_tap.h"

namespace mailsim::mail {

void transmitSmtp(net::StreamHandler &handler, trace::TraceLog &log,
                  const protocol::EngineOutput &output)
{
    using Side = net::StreamConnection::Side;
    net::StreamConnection &c = *handler.connection();
    const Side from = handler.isServerSide() ? Side::Server : Side::Client;
    const Side to = handler.isServerSide() ? Side::Client : Side::Server;
    for (const protocol::Transmission &t : output.sent) {
        trace::TraceEvent e;
        switch (t.kind) {
        case protocol::Transmission::Kind::Command: e.kind = trace::EventKind::SmtpCommand; break;
        case protocol::Transmission::Kind::Reply: e.kind = trace::EventKind::SmtpReply; break;
        case protocol::Transmission::Kind::Data: e.kind = trace::EventKind::SmtpData; break;
        }
        e.time = c.now();
        e.stage = static_cast<quint8>(c.stage());
        e.from = c.actor(from);
        e.to = c.actor(to);
        e.connection = c.id();
        e.code = t.code;
        e.data = t.bytes;
        e.arrival = c.send(from, t.bytes);
        log.append(std::move(e));
    }
    if (output.close)
        c.close(from);
}

} // namespace mailsim::mail
