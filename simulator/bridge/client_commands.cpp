#include "bridge/client_commands.h"

namespace mailsim::bridge {

namespace {

// Single quotes for the shell: nothing inside is expanded.
QString quoted(const QString &text)
{
    QString q = text;
    q.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

QString hostPart(const QHostAddress &address)
{
    return address.protocol() == QAbstractSocket::IPv6Protocol ? '[' + address.toString() + ']' : address.toString();
}

} // namespace

std::vector<ClientCommand> clientCommands(const RealClientGate &gate, const QHostAddress &address,
                                          const std::map<Service, quint16> &ports)
{
    std::vector<ClientCommand> list;
    const std::vector<Account> accounts = gate.accounts();
    if (accounts.empty())
        return list;
    const Account &me = accounts.front();
    QString to = me.address;
    for (const Account &a : accounts) {
        if (a.address != me.address) {
            to = a.address;
            break;
        }
    }
    // Prefer someone elsewhere: then the message goes on through the simulated Internet.
    if (const std::vector<QString> elsewhere = gate.usersElsewhere(); !elsewhere.empty())
        to = elsewhere.front();
    const QString user = quoted(me.address + ':' + me.password);
    const QString host = hostPart(address);
    auto url = [&](const char *scheme, Service s) {
        return QStringLiteral("%1://%2:%3").arg(QLatin1String(scheme), host).arg(ports.at(s));
    };
    if (ports.count(Service::Smtp)) {
        list.push_back({QStringLiteral("Send a message (SMTP with AUTH, curl)"),
                        QStringLiteral("printf 'From: %1\\r\\nTo: %2\\r\\nSubject: Hello from a real client\\r\\n\\r\\n"
                                       "Sent with curl.\\r\\n' | curl %3 --mail-from %1 --mail-rcpt %2 --user %4 -T -")
                            .arg(me.address, to, url("smtp", Service::Smtp), user)});
    }
    if (ports.count(Service::Pop3)) {
        list.push_back({QStringLiteral("List the mailbox (POP3, curl)"),
                        QStringLiteral("curl %1 --user %2").arg(url("pop3", Service::Pop3), user)});
        list.push_back({QStringLiteral("Read message 1 (POP3 RETR, curl)"),
                        QStringLiteral("curl %1/1 --user %2").arg(url("pop3", Service::Pop3), user)});
    }
    if (ports.count(Service::Imap)) {
        list.push_back({QStringLiteral("Read message 1 of INBOX (IMAP, curl)"),
                        QStringLiteral("curl '%1/INBOX;UID=1' --user %2").arg(url("imap", Service::Imap), user)});
    }
    if (ports.count(Service::Http)) {
        list.push_back({QStringLiteral("Web mail (open in a browser; log in as %1)").arg(me.address),
                        url("http", Service::Http) + QLatin1Char('/')});
    }
    return list;
}

} // namespace mailsim::bridge
