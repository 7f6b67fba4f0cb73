// A scripted web browser for the web mail: the user agent of the lecture's web mail case,
// built on HttpClientSession, with the same receive shape as the other protocol clients so
// that a driver moves bytes for it.
//
// The script: GET / (the login form), POST /login, then the actions in order, then
// POST /logout (unless the last action already was Logout). ReadInbox fetches /inbox, then
// each message listed there that was not read before (alreadyRead, or earlier in this run),
// and every part linked from that message's page. Send posts the compose form. Redirects
// are recorded, not followed: the script says what to fetch next. A refused login ends the
// script (nothing else can work); other failures are recorded and the script goes on.
// When the script is done the browser closes the connection.
#pragma once

#include "protocol/common/engine_output.h"
#include "protocol/http/http_client_session.h"

#include <QByteArray>
#include <QString>

#include <deque>
#include <set>
#include <vector>

namespace mailsim::webmail {

struct BrowserAction
{
    enum class Kind { ReadInbox, Send, Logout };
    Kind kind = Kind::ReadInbox;
    QString to, cc, subject, body; // Send only

    static BrowserAction readInbox() { return {}; }
    static BrowserAction send(QString to, QString subject, QString body, QString cc = {})
    {
        return {Kind::Send, std::move(to), std::move(cc), std::move(subject), std::move(body)};
    }
    static BrowserAction logout() { return {Kind::Logout, {}, {}, {}, {}}; }
};

struct BrowserConfig
{
    QByteArray host = "webmail.example.net"; // the Host field
    QString user;
    QString password;
    std::vector<BrowserAction> actions;
    std::set<quint32> alreadyRead; // UIDs read in an earlier visit: not fetched again
};

struct BrowserExchange
{
    QByteArray method;
    QByteArray target;
    int status = 0; // 0: no answer came
};

struct ReadMessage
{
    quint32 uid = 0;
    QByteArray page; // the message page's HTML
    struct Part
    {
        QByteArray url;
        QByteArray contentType;
        QByteArray bytes;
    };
    std::vector<Part> parts;
};

struct BrowserResult
{
    bool loggedIn = false;        // the login was accepted (and stays true after logout)
    bool loggedOut = false;
    std::vector<BrowserExchange> exchanges; // every request, in order, with its status
    std::vector<ReadMessage> messagesRead;
    int sent = 0;                 // Send actions answered 303
    std::vector<QString> errors;  // what went wrong, for people
    std::set<quint32> readUids;   // alreadyRead plus what this visit read
};

class Browser
{
public:
    explicit Browser(BrowserConfig config);

    // The first request (GET /). Call once, when the connection is established.
    [[nodiscard]] protocol::EngineOutput start();
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes);
    [[nodiscard]] protocol::EngineOutput receiveEof();

    [[nodiscard]] bool done() const { return m_done; }
    [[nodiscard]] const BrowserResult &result() const { return m_result; }
    [[nodiscard]] const http::HttpClientSession &client() const { return m_client; }

private:
    enum class StepKind { LoginForm, Login, Inbox, Message, Part, Send, Logout };
    struct Step
    {
        StepKind kind;
        http::Request request;
        quint32 uid = 0;
    };

    void planActions();
    void sendNext(protocol::EngineOutput &out);
    void handleResponses(protocol::EngineOutput &out);
    void finish(protocol::EngineOutput &out);
    static http::Request getRequest(const QByteArray &target);
    http::Request postForm(const QByteArray &target, const std::vector<std::pair<QString, QString>> &fields) const;

    BrowserConfig m_config;
    http::HttpClientSession m_client;
    std::deque<Step> m_plan;
    std::optional<Step> m_current;
    BrowserResult m_result;
    bool m_started = false;
    bool m_done = false;
};

// Every href="..." in a page, with &amp; undone, in order.
std::vector<QByteArray> linksIn(const QByteArray &html);

} // namespace mailsim::webmail
