#include "support/loopback/engine_factory.h"

#include "protocol/http/http_server_session.h"
#include "protocol/imap/imap_server_session.h"
#include "protocol/pop3/pop3_server_session.h"
#include "protocol/webmail/web_mail_app.h"
#include "protocol/webmail/web_mail_session.h"

#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>

#include <map>

// One line per protocol; each engine's own header says what its configuration means.

namespace mailsim::loopback {

namespace {

// ---- http: the web mail behind an HTTP server session.

// Delivers to local accounts of the store and refuses anything else, as a mail server that
// is no relay would. It answers on the connection's next turn (see WebMailEngine), never from
// inside the engine call that submitted.
class LocalDeliverySubmitter : public webmail::MailSubmitter
{
public:
    explicit LocalDeliverySubmitter(store::MailStore &store) : m_store(store) {}

    void submit(const QByteArray &, const std::vector<QByteArray> &recipients, const QByteArray &message,
                std::function<void(Outcome)> done) override
    {
        m_jobs.push_back([this, recipients, message, done] {
            for (const QByteArray &r : recipients) {
                const bool local = r.toLower().endsWith('@' + m_store.domain().toUtf8()) && m_store.find(r);
                if (!local) {
                    done({false, "554 5.7.1 <" + r + ">: Relay access denied"});
                    return;
                }
            }
            for (const QByteArray &r : recipients) {
                store::StoredMessage m;
                m.content = message;
                m.envelopeTo = r;
                m.internalDate = QDateTime::currentDateTimeUtc();
                m_store.find(r)->add(std::move(m));
            }
            done({true, "250 2.0.0 Ok: queued"});
        });
    }

    void runJobs()
    {
        auto jobs = std::move(m_jobs);
        m_jobs.clear();
        for (auto &job : jobs)
            job();
    }

private:
    store::MailStore &m_store;
    std::vector<std::function<void()>> m_jobs;
};

QByteArray httpDate()
{
    return QLocale::c().toString(QDateTime::currentDateTimeUtc(), "ddd, dd MMM yyyy hh:mm:ss 'GMT'").toLatin1();
}

// One application and one submitter per store, shared by every connection, so that a
// login made on one connection holds on the next.
struct WebMailSite
{
    explicit WebMailSite(store::MailStore &store)
        : submitter(store),
          app(webmail::WebMailConfig{"MailSim Web Mail",
                                     [] {
                                         return QByteArray::number(QRandomGenerator::system()->generate64(), 16) +
                                                QByteArray::number(QRandomGenerator::system()->generate64(), 16);
                                     },
                                     [] {
                                         return QLocale::c()
                                             .toString(QDateTime::currentDateTimeUtc(), "ddd, d MMM yyyy hh:mm:ss '+0000'")
                                             .toLatin1();
                                     },
                                     [] {
                                         return '<' + QByteArray::number(QRandomGenerator::system()->generate64(), 16) +
                                                "@webmail.loopback>";
                                     }},
              store, &submitter)
    {
    }
    LocalDeliverySubmitter submitter;
    webmail::WebMailApp app;
};

// The web mail session, with the site's submissions run right after each receive(), outside
// the session's call, as a real submitter would answer later.
class WebMailEngine : public protocol::ServerEngine
{
public:
    explicit WebMailEngine(WebMailSite &site) : m_site(site), m_session(site.app, config()) {}
    protocol::EngineOutput open() override { return m_session.open(); }
    protocol::EngineOutput receive(QByteArrayView bytes) override
    {
        protocol::EngineOutput out = m_session.receive(bytes);
        m_session.setLateOutput([&out](const protocol::EngineOutput &late) {
            protocol::EngineOutput copy = late;
            out.append(std::move(copy));
        });
        m_site.submitter.runJobs();
        m_session.setLateOutput({});
        return out;
    }
    protocol::EngineOutput receiveEof() override { return m_session.receiveEof(); }
    protocol::EngineOutput timeout() override { return m_session.timeout(); }

private:
    static http::ServerConfig config()
    {
        http::ServerConfig c;
        c.date = httpDate;
        return c;
    }
    WebMailSite &m_site;
    webmail::WebMailSession m_session;
};

WebMailSite &siteFor(store::MailStore &store)
{
    static std::map<store::MailStore *, std::unique_ptr<WebMailSite>> sites;
    auto &site = sites[&store];
    if (!site)
        site = std::make_unique<WebMailSite>(store);
    return *site;
}

} // namespace

bool knowsProtocol(const QString &protocol)
{
    return protocol == QLatin1String("pop3") || protocol == QLatin1String("imap")
           || protocol == QLatin1String("http");
}

std::unique_ptr<protocol::ServerEngine> makeEngine(const QString &protocol, store::MailStore &store,
                                                   const QString &peer)
{
    Q_UNUSED(peer);
    if (protocol == QLatin1String("pop3")) {
        // A fixed APOP timestamp, so that a judge script can compute the digest itself.
        pop3::ServerConfig config;
        config.hostname = "mail." + store.domain().toUtf8();
        config.apopTimestamp = "<1896.697170952@" + config.hostname + '>';
        return std::make_unique<pop3::Pop3ServerSession>(std::move(config), store);
    }
    if (protocol == QLatin1String("imap"))
        return std::make_unique<imap::ImapServerSession>(imap::ServerConfig{}, store);
    if (protocol == QLatin1String("http"))
        return std::make_unique<WebMailEngine>(siteFor(store));
    return nullptr;
}

} // namespace mailsim::loopback
