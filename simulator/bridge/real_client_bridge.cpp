#include "bridge/real_client_bridge.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <utility>

namespace mailsim::bridge {

namespace {
// Unsent answers above this and the bridge stops reading the client until they have gone:
// TCP's own flow control then slows the client down.
constexpr qint64 kMaxUnsent = 1024 * 1024;
constexpr qint64 kReadBuffer = 256 * 1024;
// The most handed to the gate at once when a line is longer (SMTP DATA without line ends).
constexpr qint64 kMaxPiece = 64 * 1024;
} // namespace

quint16 defaultPort(Service service)
{
    switch (service) {
    case Service::Smtp: return 2525;
    case Service::Pop3: return 2110;
    case Service::Imap: return 2143;
    case Service::Http: return 8080;
    }
    return 0;
}

RealClientBridge::RealClientBridge(world::World &world, QObject *parent)
    : QObject(parent), m_world(world), m_runner(world.simulation())
{
    // The answers first, then whoever follows the trace.
    connect(&m_runner, &RealTimeRunner::advanced, this, &RealClientBridge::flushWrites);
    connect(&m_runner, &RealTimeRunner::advanced, this, &RealClientBridge::advanced);
}

RealClientBridge::~RealClientBridge()
{
    stop();
}

bool RealClientBridge::start(const BridgeOptions &options)
{
    stop();
    m_error.clear();
    m_gate = RealClientGate::create(m_world, options.limits, &m_error);
    if (!m_gate)
        return false;
    for (const auto &[service, port] : options.ports) {
        if (!m_gate->target(service)) {
            m_error = QStringLiteral("%1 has no %2 service to open")
                          .arg(m_gate->server().settings().hostname, QString::fromLatin1(toString(service)));
            stop();
            return false;
        }
        auto *server = new QTcpServer(this);
        if (!server->listen(options.address, port)) {
            m_error = QStringLiteral("cannot listen for %1 on %2 port %3: %4")
                          .arg(QString::fromLatin1(toString(service)), options.address.toString())
                          .arg(port)
                          .arg(server->errorString());
            delete server;
            stop();
            return false;
        }
        // A classroom's worth of clients connecting at once must not be dropped by the kernel.
        server->setMaxPendingConnections(options.limits.maxConnections + 16);
        connect(server, &QTcpServer::newConnection, this, [this, service, server] { accept(service, server); });
        m_servers[service] = server;
    }
    m_address = options.address;
    m_runner.start();
    return true;
}

void RealClientBridge::stop()
{
    for (auto &[service, server] : m_servers) {
        server->close();
        server->deleteLater();
    }
    m_servers.clear();
    const auto sockets = m_sockets;
    m_sockets.clear();
    for (const auto &[socket, session] : sockets) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        if (m_gate)
            m_gate->clientClosed(session);
    }
    if (m_runner.running())
        m_runner.catchUp(); // let the servers see the clients go
    m_runner.stop();
    m_gate.reset();
    if (!sockets.empty())
        emit connectionsChanged(0);
}

quint16 RealClientBridge::port(Service service) const
{
    const auto it = m_servers.find(service);
    return it == m_servers.end() ? 0 : it->second->serverPort();
}

int RealClientBridge::openConnections() const
{
    return static_cast<int>(m_sockets.size());
}

void RealClientBridge::accept(Service service, QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        socket->setReadBufferSize(kReadBuffer);
        QPointer<QTcpSocket> guarded(socket);
        RealClientGate::Peer peer;
        peer.write = [this, guarded](const QByteArray &bytes) {
            if (guarded && guarded->state() == QAbstractSocket::ConnectedState) {
                guarded->write(bytes);
                m_unflushed.push_back(guarded);
            }
        };
        peer.close = [guarded] {
            if (guarded)
                guarded->disconnectFromHost(); // after what is still unsent
        };
        peer.abort = [guarded] {
            if (guarded)
                guarded->abort();
        };
        const QString peerName = QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
        m_runner.catchUp();
        const int session = m_gate->open(service, peerName, std::move(peer));
        m_runner.catchUp();
        if (session == 0) { // turned away; its answer is on its way
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        m_sockets[socket] = session;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, session] { readFrom(socket, session); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket, session] {
            if (socket->bytesAvailable() > 0)
                readFrom(socket, session); // reading waited for the answers to go
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket, session] {
            if (!m_sockets.erase(socket))
                return;
            m_runner.catchUp();
            if (socket->bytesAvailable() > 0 && m_gate)
                m_gate->receive(session, socket->readAll());
            if (m_gate)
                m_gate->clientClosed(session);
            m_runner.catchUp();
            socket->deleteLater();
            emit connectionsChanged(openConnections());
        });
        emit connectionsChanged(openConnections());
        if (socket->bytesAvailable() > 0)
            readFrom(socket, session);
    }
    flushWrites(); // a refusal written outside the kernel's events
}

// QTcpSocket::write() only buffers: left alone, the bytes would go out when the event loop
// next finds the socket writable, one more round of polling for every answer. A client
// waiting for each reply (SMTP without pipelining) waits for that round too, so the answers
// of a run of the kernel go out as soon as it ends, each socket's in one write().
void RealClientBridge::flushWrites()
{
    const std::vector<QPointer<QTcpSocket>> sockets = std::exchange(m_unflushed, {});
    for (const QPointer<QTcpSocket> &socket : sockets) {
        if (socket)
            socket->flush(); // nothing to do when an earlier entry flushed it already
    }
}

// A line at a time (or kMaxPiece octets of a longer one), checking what waits unsent after
// each: a few octets of pipelined commands ("RETR 1" a hundred times) may ask for far more
// answer than kMaxUnsent, and handed over at once they would all be answered into memory.
// The answers come within catchUp(): the real clients' links have no latency.
void RealClientBridge::readFrom(QTcpSocket *socket, int session)
{
    bool first = true;
    while (m_gate && socket->bytesToWrite() <= kMaxUnsent && socket->bytesAvailable() > 0) {
        const QByteArray piece = socket->readLine(kMaxPiece);
        if (piece.isEmpty())
            return;
        if (first)
            m_runner.catchUp();
        first = false;
        m_gate->receive(session, piece);
        m_runner.catchUp();
    }
}

} // namespace mailsim::bridge
