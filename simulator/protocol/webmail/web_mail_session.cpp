#include "protocol/webmail/web_mail_session.h"

namespace mailsim::webmail {

WebMailSession::WebMailSession(WebMailApp &app, http::ServerConfig config)
    : m_connection(app, [this](http::Response r) { answerLater(std::move(r)); }),
      m_session(std::move(config), m_connection)
{
}

protocol::EngineOutput WebMailSession::receive(QByteArrayView bytes)
{
    m_inside = true;
    protocol::EngineOutput out = std::move(m_pending);
    m_pending = {};
    out.append(m_session.receive(bytes));
    // A submitter that answered at once did so inside this call: its answer goes out now.
    out.append(std::move(m_pending));
    m_pending = {};
    m_inside = false;
    return out;
}

void WebMailSession::answerLater(http::Response response)
{
    protocol::EngineOutput out = m_session.respond(std::move(response));
    if (m_inside || !m_late) {
        m_pending.append(std::move(out));
        return;
    }
    m_late(out);
}

} // namespace mailsim::webmail
