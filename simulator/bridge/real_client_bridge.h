// The real-client bridge: real TCP listeners (Qt Network) for a simulated mail server's
// submission, POP3, IMAP and web mail, so that Thunderbird, mutt, curl, swaks or Python's
// smtplib can talk to it. Each accepted socket is handed to the RealClientGate, which makes
// it a connection in the simulated world; while the bridge is open the kernel runs in real
// time (RealTimeRunner), so the simulated servers answer at once and relay as usual.
//
// It listens on 127.0.0.1 unless told otherwise: a simulated server with known passwords has
// no business on a network. It pushes back on a client that sends faster than it reads its
// answers (it hands the servers a line at a time, and reading waits while much is unsent), so
// no input makes its memory grow without bound, not even a few octets of pipelined commands
// that ask for megabytes; the engines bound their own buffers.
#pragma once

#include "bridge/real_client_gate.h"
#include "bridge/real_time_runner.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QString>

#include <map>
#include <memory>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace mailsim::bridge {

struct BridgeOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    std::map<Service, quint16> ports; // the services to open and their ports; 0: any free port
    GateLimits limits;
};

// Ports above 1024, so that no one needs to be root: 2525 and 8080 are the usual stand-ins
// for 25 (or 587) and 80; 2110 and 2143 follow the same pattern for 110 and 143.
quint16 defaultPort(Service service);

class RealClientBridge : public QObject
{
    Q_OBJECT

public:
    // The world must outlive the bridge, and must have real clients (WorldSpec::realClients).
    explicit RealClientBridge(world::World &world, QObject *parent = nullptr);
    ~RealClientBridge() override;

    // Opens every listener the options name and starts the real-time kernel. On failure
    // nothing is left open and errorString() says what went wrong.
    bool start(const BridgeOptions &options);
    // Closes the listeners and every real connection, and stops the real-time kernel.
    void stop();
    [[nodiscard]] bool isListening() const { return !m_servers.empty(); }
    [[nodiscard]] QString errorString() const { return m_error; }
    [[nodiscard]] QHostAddress address() const { return m_address; }
    // The real port of a service, 0 when it is not open.
    [[nodiscard]] quint16 port(Service service) const;
    [[nodiscard]] const RealClientGate *gate() const { return m_gate.get(); }
    [[nodiscard]] int openConnections() const;
    [[nodiscard]] RealTimeRunner &runner() { return m_runner; }

signals:
    void advanced();                 // the kernel ran events: the trace may have grown
    void connectionsChanged(int open); // a real client came or went

private:
    void accept(Service service, QTcpServer *server);
    void readFrom(QTcpSocket *socket);
    void flushWrites();

    world::World &m_world;
    RealTimeRunner m_runner;
    std::unique_ptr<RealClientGate> m_gate;
    std::map<Service, QTcpServer *> m_servers;
    // An open real connection: its gate session, and how much of its input goes in at once.
    struct Link
    {
        int session = 0;
        qint64 piece = 0;   // octets handed to the gate at once next time; 0: one line
        quint64 written = 0; // octets of answers written to it so far
    };
    std::map<QTcpSocket *, Link> m_sockets;
    std::vector<QPointer<QTcpSocket>> m_unflushed; // written to since the last flushWrites()
    QHostAddress m_address;
    QString m_error;
};

} // namespace mailsim::bridge
