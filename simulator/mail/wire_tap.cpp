#include "mail/wire_tap.h"

namespace mailsim::mail {

trace::EventKind traceKind(WireProtocol protocol, protocol::Transmission::Kind kind)
{
    using K = protocol::Transmission::Kind;
    using E = trace::EventKind;
    // Only SMTP's DATA is a phase of its own; a literal of IMAP or a body of HTTP travels as
    // part of the command or request it belongs to.
    switch (protocol) {
    case WireProtocol::Smtp:
        return kind == K::Command ? E::SmtpCommand : kind == K::Reply ? E::SmtpReply : E::SmtpData;
    case WireProtocol::Pop3: return kind == K::Reply ? E::Pop3Reply : E::Pop3Command;
    case WireProtocol::Imap: return kind == K::Reply ? E::ImapReply : E::ImapCommand;
    case WireProtocol::Http: return kind == K::Reply ? E::HttpResponse : E::HttpRequest;
    }
    return E::Note;
}

void transmit(net::StreamHandler &handler, trace::TraceLog &log,
              const protocol::EngineOutput &output, WireProtocol protocol)
{
    using Side = net::StreamConnection::Side;
    net::StreamConnection &c = *handler.connection();
    const Side from = handler.isServerSide() ? Side::Server : Side::Client;
    const Side to = handler.isServerSide() ? Side::Client : Side::Server;
    for (const protocol::Transmission &t : output.sent) {
        trace::TraceEvent e;
        e.kind = traceKind(protocol, t.kind);
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

RealClientCause::RealClientCause(const net::StreamHandler &serverSide, trace::TraceLog &log)
{
    const net::StreamConnection *c = serverSide.connection();
    if (c && log.actor(c->actor(net::StreamConnection::Side::Client)).role == trace::ActorRole::RealClient) {
        m_log = &log;
        log.beginRealClientCause();
    }
}

RealClientCause::~RealClientCause()
{
    if (m_log)
        m_log->endRealClientCause();
}

void traceRealClientInput(net::StreamHandler &serverSide, trace::TraceLog &log,
                          protocol::InputNotifier &engine, WireProtocol protocol)
{
    using Side = net::StreamConnection::Side;
    net::StreamConnection *c = serverSide.connection();
    if (!c || log.actor(c->actor(Side::Client)).role != trace::ActorRole::RealClient)
        return;
    engine.setInputObserver([&log, c, protocol](const protocol::Transmission &unit) {
        trace::TraceEvent e;
        e.kind = traceKind(protocol, unit.kind);
        e.time = c->now();
        e.arrival = c->now(); // it has just arrived: that is how the engine has it
        e.stage = static_cast<quint8>(c->stage());
        e.from = c->actor(Side::Client);
        e.to = c->actor(Side::Server);
        e.connection = c->id();
        e.data = unit.bytes;
        log.append(std::move(e));
    });
}

} // namespace mailsim::mail
