// mailsim-engine-server: serves one protocol engine over real loopback TCP, so that client
// libraries nobody here wrote (Python's poplib and imaplib, curl) can judge the engines.
//
//   mailsim-engine-server --protocol pop3|imap|http --domain example.net
//                         --user bob:secret [--user ...] [--message bob:FILE ...]
//                         [--max-seconds N]
//
// It listens on 127.0.0.1 on a port the system picks (port 0) and prints one line,
// "LISTENING <port>", once it is ready. Every connection gets its own engine over one shared
// store. It reads commands on standard input, one per line:
//   deliver USER FILE   append FILE's bytes (LF made CR LF) to USER's INBOX, as SMTP would
//   dump USER           print "FOLDER <name> <count>" and "MESSAGE <folder> <uid> <flags>"
//                       for every folder and message, then "END"
// and stops when standard input ends or after --max-seconds (60 by default), whichever is
// first, so that a test that goes wrong cannot leave it running.
#include "support/loopback/engine_factory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace mailsim;

namespace {

QByteArray crlf(QByteArray bytes)
{
    bytes.replace("\r\n", "\n");
    bytes.replace('\n', "\r\n");
    return bytes;
}

struct Session
{
    QPointer<QTcpSocket> socket;
    std::unique_ptr<protocol::ServerEngine> engine;
};

class Harness : public QObject
{
public:
    Harness(QString protocol, store::MailStore &store) : m_protocol(std::move(protocol)), m_store(store)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &Harness::accept);
        for (auto &[name, box] : m_store.accounts()) {
            box.addObserver([this](const store::Change &) {
                // Never from inside an engine call: tell every session on the next turn.
                QTimer::singleShot(0, this, &Harness::tellSessions);
            });
        }
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            auto session = std::make_shared<Session>();
            session->socket = socket;
            session->engine = loopback::makeEngine(m_protocol, m_store, socket->peerAddress().toString());
            m_sessions.push_back(session);
            connect(socket, &QTcpSocket::readyRead, this, [this, session] {
                if (session->socket)
                    write(*session, session->engine->receive(session->socket->readAll()));
            });
            connect(socket, &QTcpSocket::disconnected, this, [this, session] {
                if (session->engine)
                    (void)session->engine->receiveEof();
                session->engine.reset();
                std::erase(m_sessions, session);
                if (session->socket)
                    session->socket->deleteLater();
            });
            write(*session, session->engine->open());
        }
    }

    void write(Session &session, const protocol::EngineOutput &output)
    {
        if (!session.socket)
            return;
        session.socket->write(output.wire());
        if (output.close)
            session.socket->disconnectFromHost();
    }

    void tellSessions()
    {
        const auto sessions = m_sessions;
        for (const auto &s : sessions) {
            if (s->engine)
                write(*s, s->engine->storeChanged());
        }
    }

    QString m_protocol;
    store::MailStore &m_store;
    QTcpServer m_server;
    std::vector<std::shared_ptr<Session>> m_sessions;
};

void dump(const store::MailStore &store, const QByteArray &user)
{
    if (const store::Mailbox *box = store.find(user)) {
        for (const store::Folder &f : box->folders()) {
            std::printf("FOLDER %s %zu\n", f.name.toUtf8().constData(), f.messages.size());
            for (const store::StoredMessage &m : f.messages)
                std::printf("MESSAGE %s %u %s\n", f.name.toUtf8().constData(), m.uid,
                            m.flags.join(' ').constData());
        }
    }
    std::printf("END\n");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({"protocol", "pop3, imap or http", "name"});
    parser.addOption({"domain", "the mail domain of the store", "domain", "example.net"});
    parser.addOption({"user", "an account, NAME:PASSWORD", "user"});
    parser.addOption({"message", "a message for a user's INBOX, NAME:FILE", "message"});
    parser.addOption({"max-seconds", "stop after this long", "seconds", "60"});
    parser.process(app);

    store::MailStore store(parser.value("domain"));
    for (const QString &u : parser.values("user"))
        store.addUser(u.section(':', 0, 0), u.section(':', 1).toUtf8());
    qint64 clock = 0;
    auto deliver = [&](const QString &user, const QString &path) {
        store::Mailbox *box = store.find(user.toUtf8());
        QFile file(path);
        if (!box || !file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot deliver %s to %s\n", qPrintable(path), qPrintable(user));
            return false;
        }
        store::StoredMessage m;
        m.content = crlf(file.readAll());
        m.internalDate = QDateTime(QDate(2025, 3, 3), QTime(9, 0), Qt::UTC).addSecs(60 * ++clock);
        box->add(std::move(m));
        return true;
    };
    for (const QString &m : parser.values("message")) {
        if (!deliver(m.section(':', 0, 0), m.section(':', 1)))
            return 2;
    }
    if (!loopback::knowsProtocol(parser.value("protocol"))) {
        std::fprintf(stderr, "unknown protocol '%s'\n", qPrintable(parser.value("protocol")));
        return 2;
    }

    Harness harness(parser.value("protocol"), store);
    if (!harness.listen()) {
        std::fprintf(stderr, "cannot listen on 127.0.0.1\n");
        return 1;
    }
    std::printf("LISTENING %u\n", harness.port());
    std::fflush(stdout);

    QSocketNotifier input(STDIN_FILENO, QSocketNotifier::Read);
    QByteArray pending;
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&] {
        char buffer[4096];
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0) {
            app.quit();
            return;
        }
        pending.append(buffer, n);
        qsizetype eol;
        while ((eol = pending.indexOf('\n')) >= 0) {
            const QList<QByteArray> words = pending.left(eol).trimmed().split(' ');
            pending.remove(0, eol + 1);
            if (words.size() == 3 && words[0] == "deliver") {
                deliver(QString::fromUtf8(words[1]), QString::fromUtf8(words[2]));
                std::printf("DELIVERED\n");
                std::fflush(stdout);
            } else if (words.size() == 2 && words[0] == "dump") {
                dump(store, words[1]);
            }
        }
    });
    QTimer::singleShot(parser.value("max-seconds").toInt() * 1000, &app, &QCoreApplication::quit);
    return app.exec();
}
