#include "protocol/webmail/browser.h"

#include "protocol/webmail/web_forms.h"

namespace mailsim::webmail {

using protocol::EngineOutput;

std::vector<QByteArray> linksIn(const QByteArray &html)
{
    std::vector<QByteArray> links;
    qsizetype from = 0;
    while ((from = html.indexOf("href=\"", from)) >= 0) {
        from += 6;
        const qsizetype end = html.indexOf('"', from);
        if (end < 0)
            break;
        QByteArray link = html.mid(from, end - from);
        link.replace("&amp;", "&");
        links.push_back(link);
        from = end + 1;
    }
    return links;
}

Browser::Browser(BrowserConfig config)
    : m_config(std::move(config)), m_client(http::ClientConfig{m_config.host, "MailSim-Browser"})
{
    m_result.readUids = m_config.alreadyRead;
}

http::Request Browser::getRequest(const QByteArray &target)
{
    http::Request r;
    r.method = "GET";
    r.target = target;
    return r;
}

http::Request Browser::postForm(const QByteArray &target,
                                const std::vector<std::pair<QString, QString>> &fields) const
{
    http::Request r;
    r.method = "POST";
    r.target = target;
    r.setHeader("Content-Type", "application/x-www-form-urlencoded");
    r.body = encodeForm(fields);
    return r;
}

void Browser::planActions()
{
    m_plan.push_back({StepKind::LoginForm, getRequest("/"), 0});
    m_plan.push_back({StepKind::Login,
                      postForm("/login", {{"user", m_config.user}, {"password", m_config.password}}), 0});
    bool loggedOutLast = false;
    for (const BrowserAction &a : m_config.actions) {
        loggedOutLast = false;
        switch (a.kind) {
        case BrowserAction::Kind::ReadInbox:
            m_plan.push_back({StepKind::Inbox, getRequest("/inbox"), 0});
            break;
        case BrowserAction::Kind::Send:
            m_plan.push_back({StepKind::Send,
                              postForm("/send", {{"to", a.to}, {"cc", a.cc}, {"subject", a.subject}, {"body", a.body}}),
                              0});
            break;
        case BrowserAction::Kind::Logout:
            m_plan.push_back({StepKind::Logout, postForm("/logout", {}), 0});
            loggedOutLast = true;
            break;
        }
    }
    if (!loggedOutLast)
        m_plan.push_back({StepKind::Logout, postForm("/logout", {}), 0});
}

EngineOutput Browser::start()
{
    EngineOutput out;
    if (m_started)
        return out;
    m_started = true;
    planActions();
    sendNext(out);
    return out;
}

void Browser::sendNext(EngineOutput &out)
{
    if (m_plan.empty()) {
        finish(out);
        return;
    }
    m_current = std::move(m_plan.front());
    m_plan.pop_front();
    m_result.exchanges.push_back({m_current->request.method, m_current->request.target, 0});
    out.append(m_client.send(m_current->request));
    if (m_client.connectionClosed()) {
        m_result.errors.push_back(QStringLiteral("Cannot send: ") + QString::fromUtf8(m_client.error()));
        finish(out);
    }
}

void Browser::finish(EngineOutput &out)
{
    if (m_done)
        return;
    m_done = true;
    m_plan.clear();
    m_current.reset();
    out.close = true; // the browser hangs up once its script is through
}

EngineOutput Browser::receive(QByteArrayView bytes)
{
    EngineOutput out;
    if (m_done)
        return out;
    out.append(m_client.receive(bytes));
    handleResponses(out);
    return out;
}

EngineOutput Browser::receiveEof()
{
    EngineOutput out;
    if (m_done)
        return out;
    out.append(m_client.receiveEof());
    handleResponses(out);
    if (!m_done) {
        m_result.errors.push_back(QStringLiteral("The server closed the connection before the script was done."));
        finish(out);
    }
    return out;
}

void Browser::handleResponses(EngineOutput &out)
{
    while (!m_done && m_current && m_client.hasResponse()) {
        const http::Response r = *m_client.takeResponse();
        const Step step = std::move(*m_current);
        m_current.reset();
        m_result.exchanges.back().status = r.status;
        const QString what = QString::fromUtf8(step.request.method + ' ' + step.request.target);
        auto unexpected = [&] {
            m_result.errors.push_back(what + QStringLiteral(": status ") + QString::number(r.status));
        };
        switch (step.kind) {
        case StepKind::LoginForm:
            if (r.status != 200)
                unexpected();
            break;
        case StepKind::Login:
            if (r.status != 303 || !m_client.cookies().find("session")) {
                unexpected();
                m_result.errors.push_back(QStringLiteral("Login refused; the script stops."));
                finish(out);
                return;
            }
            m_result.loggedIn = true;
            break;
        case StepKind::Inbox: {
            if (r.status != 200) {
                unexpected();
                break;
            }
            std::vector<Step> reads;
            for (const QByteArray &link : linksIn(r.body)) {
                if (!link.startsWith("/message/"))
                    continue;
                bool ok = false;
                const quint32 uid = link.mid(9).toUInt(&ok);
                if (!ok || m_result.readUids.count(uid))
                    continue;
                m_result.readUids.insert(uid);
                reads.push_back({StepKind::Message, getRequest(link), uid});
            }
            m_plan.insert(m_plan.begin(), reads.begin(), reads.end());
            break;
        }
        case StepKind::Message: {
            if (r.status != 200) {
                unexpected();
                break;
            }
            m_result.messagesRead.push_back({step.uid, r.body, {}});
            const QByteArray prefix = "/message/" + QByteArray::number(step.uid) + "/part/";
            std::vector<Step> parts;
            for (const QByteArray &link : linksIn(r.body)) {
                if (link.startsWith(prefix))
                    parts.push_back({StepKind::Part, getRequest(link), step.uid});
            }
            m_plan.insert(m_plan.begin(), parts.begin(), parts.end());
            break;
        }
        case StepKind::Part:
            if (r.status != 200) {
                unexpected();
                break;
            }
            for (auto it = m_result.messagesRead.rbegin(); it != m_result.messagesRead.rend(); ++it) {
                if (it->uid == step.uid) {
                    it->parts.push_back({step.request.target, r.header("Content-Type"), r.body});
                    break;
                }
            }
            break;
        case StepKind::Send:
            if (r.status == 303)
                ++m_result.sent;
            else
                unexpected();
            break;
        case StepKind::Logout:
            if (r.status == 303)
                m_result.loggedOut = true;
            else
                unexpected();
            break;
        }
        sendNext(out);
    }
    if (!m_done && m_client.connectionClosed()) {
        if (m_client.failed())
            m_result.errors.push_back(QString::fromUtf8(m_client.error()));
        if (m_current || !m_plan.empty())
            m_result.errors.push_back(QStringLiteral("The connection closed before the script was done."));
        finish(out);
    }
}

} // namespace mailsim::webmail
