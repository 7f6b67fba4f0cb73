// One HTTP connection to the web mail site, as a server engine: an HttpServerSession whose
// requests the shared WebMailApp answers.
//
// Most answers come back at once, inside receive(). Sending mail is different: the web
// server must first hand the message to the mail server over SMTP, so the answer to
// "POST /send" comes later, when the submitter calls back. That output leaves through the
// driver's late-output callback (set with setLateOutput), never from inside a call into
// this engine.
#pragma once

#include "protocol/common/server_engine.h"
#include "protocol/http/http_server_session.h"
#include "protocol/webmail/web_mail_app.h"

#include <functional>

namespace mailsim::webmail {

class WebMailSession : public protocol::ServerEngine
{
public:
    using LateOutput = std::function<void(const protocol::EngineOutput &)>;

    WebMailSession(WebMailApp &app, http::ServerConfig config);
    WebMailSession(const WebMailSession &) = delete;
    WebMailSession &operator=(const WebMailSession &) = delete;

    // Where a deferred answer goes (the driver writes it to the connection). An answer that
    // arrives while no callback is set is kept and added to the next receive()'s output.
    void setLateOutput(LateOutput late) { m_late = std::move(late); }

    [[nodiscard]] protocol::EngineOutput open() override { return m_session.open(); }
    [[nodiscard]] protocol::EngineOutput receive(QByteArrayView bytes) override;
    [[nodiscard]] protocol::EngineOutput receiveEof() override { return m_session.receiveEof(); }
    [[nodiscard]] protocol::EngineOutput timeout() override { return m_session.timeout(); }

    [[nodiscard]] const http::HttpServerSession &http() const { return m_session; }
    // The HTTP session is the one that reads requests.
    void setInputObserver(Observer observer) override { m_session.setInputObserver(std::move(observer)); }

private:
    void answerLater(http::Response response);

    WebMailConnection m_connection;
    http::HttpServerSession m_session;
    LateOutput m_late;
    protocol::EngineOutput m_pending; // a late answer no callback took yet
    bool m_inside = false;            // inside receive(): a late answer joins its output
};

} // namespace mailsim::webmail
