#include "bridge/real_client_bridge.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <utility>

namespace mailsim::bridge {

namespace {
// Unsent answers above this and the bridge stops reading the client until they have gone:
// TCP's own flow control then slows the client down.
constexpr qint64 kMaxUnsent = 1024 * 1024;
constexpr qint64 kReadBuffer = 256 * 1024;
// The most handed to the gate at once: a long line goes in pieces of this size, and input that
// gets no answer (a message's lines after DATA) in pieces growing up to it.
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
    for (const auto &[socket, link] : sockets) {
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
        if (m_gate)
            m_gate->clientClosed(link.session);
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
                if (const auto link = m_sockets.find(guarded.data()); link != m_sockets.end())
                    link->second.written += static_cast<quint64>(bytes.size());
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
        m_sockets[socket] = Link{session, 0, 0};
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
            if (socket->bytesAvailable() > 0)
                readFrom(socket); // reading waited for the answers to go
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
            readFrom(socket);
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

// Input goes to the gate in pieces, checking what waits unsent after each: a few octets of
// pipelined commands ("RETR 1" a hundred times) may ask for far more answer than kMaxUnsent,
// and handed over at once they would all be answered into memory. So a piece is one line as
// long as lines get answers; while they get none (the lines of a message after DATA, an IMAP
// literal, a request's header fields) the next piece is twice as big, up to kMaxPiece, so
// that a message's hundred kilobytes do not cost a turn of the kernel per line. Whatever one
// piece asks for is bounded by what the input before it got no answer for. The answers come
// within catchUp(): the real clients' links have no latency.
void RealClientBridge::readFrom(QTcpSocket *socket)
{
    bool first = true;
    while (m_gate && socket->bytesToWrite() <= kMaxUnsent && socket->bytesAvailable() > 0) {
        const auto link = m_sockets.find(socket);
        if (link == m_sockets.end())
            return;
        QByteArray piece;
        if (link->second.piece == 0) {
            piece = socket->readLine(kMaxPiece);
        } else {
            // Whole lines up to the piece's size; a longer line, or the end of what has come,
            // goes as it is (the engines keep an unfinished line).
            const QByteArray ahead = socket->peek(link->second.piece);
            const qsizetype end = ahead.lastIndexOf('\n');
            piece = socket->read(end >= 0 ? end + 1 : ahead.size());
        }
        if (piece.isEmpty())
            return;
        if (first)
            m_runner.catchUp();
        first = false;
        const int session = link->second.session;
        const quint64 before = link->second.written;
        m_gate->receive(session, piece);
        m_runner.catchUp();
        const auto after = m_sockets.find(socket); // the answer may have closed it
        if (after == m_sockets.end())
            return;
        Link &l = after->second;
        l.piece = l.written != before ? 0 : std::min(kMaxPiece, std::max<qint64>(2 * piece.size(), l.piece * 2));
    }
}

} // namespace mailsim::bridge
