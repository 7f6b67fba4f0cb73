// Two sans-I/O engines wired back to back in memory, with no network and no clock.
//
// Each side's output bytes become the other side's input, until neither has anything left
// to say. A side whose output asks to close stops receiving; once everything it wrote has
// been delivered, the other side gets receiveEof(). With a chunk size, bytes are handed over
// at most that many per call, so the same dialogue can be replayed one byte at a time to
// show that the engines do not depend on how the network splits the stream.
//
// Works with any pair of engines that have receive(QByteArrayView) and receiveEof(), both
// returning protocol::EngineOutput.
#pragma once

#include "protocol/common/engine_output.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <string>
#include <utility>
#include <vector>

namespace mailsim::test_support {

template <typename Client, typename Server> class SessionPair
{
public:
    struct Unit
    {
        bool fromClient = false;
        protocol::Transmission transmission;
    };

    // chunkSize 0 hands over each side's output in one piece.
    SessionPair(Client &client, Server &server, qsizetype chunkSize = 0)
        : m_client(client), m_server(server), m_chunkSize(chunkSize)
    {
    }

    // Feeds the server's first output (typically its open() greeting) to the client and
    // runs until quiet. Returns false if the engines were still talking after a very large
    // number of steps, which means one of them loops.
    [[nodiscard]] bool start(protocol::EngineOutput serverOpening)
    {
        take(std::move(serverOpening), false);
        return run();
    }

    // Moves bytes both ways until nothing is left in flight and every close was seen.
    [[nodiscard]] bool run()
    {
        constexpr long kMaxSteps = 50'000'000;
        for (long step = 0; step < kMaxSteps; ++step) {
            if (!m_toServer.isEmpty()) {
                take(m_server.receive(next(m_toServer)), false);
            } else if (!m_toClient.isEmpty()) {
                take(m_client.receive(next(m_toClient)), true);
            } else if (m_serverClosed && !m_clientClosed && !m_clientSawEof) {
                m_clientSawEof = true;
                take(m_client.receiveEof(), true);
            } else if (m_clientClosed && !m_serverClosed && !m_serverSawEof) {
                m_serverSawEof = true;
                take(m_server.receiveEof(), false);
            } else {
                return true;
            }
        }
        return false;
    }

    [[nodiscard]] bool clientClosed() const { return m_clientClosed; }
    [[nodiscard]] bool serverClosed() const { return m_serverClosed; }
    // Every protocol unit each side sent, in the order they were produced.
    [[nodiscard]] const std::vector<Unit> &log() const { return m_log; }
    // All bytes one side sent, joined.
    [[nodiscard]] QByteArray sentBy(bool client) const
    {
        QByteArray all;
        for (const Unit &u : m_log) {
            if (u.fromClient == client)
                all += u.transmission.bytes;
        }
        return all;
    }
    // "C: EHLO ...\nS: 250 ..." for failure messages.
    [[nodiscard]] std::string transcript() const
    {
        std::string text;
        for (const Unit &u : m_log) {
            const QByteArray bytes = u.transmission.bytes;
            for (const QByteArray &line : bytes.split('\n')) {
                if (line.isEmpty())
                    continue;
                text += u.fromClient ? "C: " : "S: ";
                text += line.endsWith('\r') ? line.chopped(1).toStdString() : line.toStdString();
                text += '\n';
            }
        }
        return text;
    }

private:
    QByteArray next(QByteArray &queue) const
    {
        const qsizetype n =
            m_chunkSize > 0 && m_chunkSize < queue.size() ? m_chunkSize : queue.size();
        QByteArray chunk = queue.left(n);
        queue.remove(0, n);
        return chunk;
    }

    void take(protocol::EngineOutput out, bool fromClient)
    {
        bool &closed = fromClient ? m_clientClosed : m_serverClosed;
        if (closed)
            return; // a closed side's later output goes nowhere
        const bool peerClosed = fromClient ? m_serverClosed : m_clientClosed;
        QByteArray &queue = fromClient ? m_toServer : m_toClient;
        for (protocol::Transmission &t : out.sent) {
            if (!peerClosed)
                queue += t.bytes;
            m_log.push_back(Unit{fromClient, std::move(t)});
        }
        if (out.close) {
            closed = true;
            // Whatever was still on its way to this side is lost with the connection.
            (fromClient ? m_toClient : m_toServer).clear();
        }
    }

    Client &m_client;
    Server &m_server;
    qsizetype m_chunkSize;
    QByteArray m_toServer;
    QByteArray m_toClient;
    bool m_clientClosed = false;
    bool m_serverClosed = false;
    bool m_clientSawEof = false;
    bool m_serverSawEof = false;
    std::vector<Unit> m_log;
};

} // namespace mailsim::test_support
