// Web mail: the user agent is a web browser. It speaks HTTP to this application, which reads
// the user's mailbox in the server's store and, to send, hands the message to the mail
// server (which speaks SMTP onwards). The lecture's point: HTTP carries each object as it
// is (an attachment is served as its decoded bytes with its Content-Type), where SMTP needs
// 7-bit text and base64.
//
// Routes (HTML5 pages in UTF-8, every piece of message text HTML-escaped):
//   GET  /                         the login form
//   POST /login                    user, password -> 303 to /inbox with the session cookie,
//                                  or 403 with the form and an error (not 401: that
//                                  needs a WWW-Authenticate scheme, see below)
//   GET  /inbox                    the INBOX as a table (UID, From, Subject, Date, size, seen)
//   GET  /message/<uid>            the message: decoded header fields, its text, its parts;
//                                  sets \Seen in the store
//   GET  /message/<uid>/part/<id>  one part's decoded bytes with its type, as an attachment
//   GET  /compose                  the form for a new message
//   POST /send                     to, cc, subject, body -> 303 to /inbox?sent=1 once the
//                                  mail server accepted it, 502 with its answer if not
//   POST /logout                   ends the session, clears the cookie, 303 to /
// HEAD works wherever GET does. Other methods get 405 with Allow, unknown paths 404,
// malformed forms 400. Pages that need a session answer 303 to / without one (a browser
// then shows the login form; 401 would need a WWW-Authenticate scheme, which a cookie
// login does not have).
//
// The text of a message is its first text/plain part that is not an attachment; a message
// with only HTML shows the HTML part's source as escaped text (no sanitiser is trusted to
// render mail HTML here). Part ids number leaves as IMAP does: "1", "2.1".
// Session ids come from WebMailConfig::newSessionId (the world's RNG); the fallback counter
// is predictable and only for tests. The cookie also says SameSite=Strict, so that another
// site's page cannot make the browser post /send or /logout.
#pragma once

#include "protocol/http/http_message.h"
#include "protocol/http/http_server_session.h"
#include "store/mail_store.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace mailsim::webmail {

class MailSubmitter
{
public:
    virtual ~MailSubmitter() = default;
    struct Outcome
    {
        bool accepted = false;
        QByteArray text; // the mail server's answer, e.g. "250 2.0.0 Ok: queued as 1A2B"
    };
    // Submit a message for delivery (the driver speaks SMTP to the mail server); call done()
    // later, from outside any engine call. (Calling it at once is tolerated: the answer is
    // then given at once.)
    virtual void submit(const QByteArray &fromAddress, const std::vector<QByteArray> &recipients,
                        const QByteArray &message, std::function<void(Outcome)> done) = 0;
};

struct WebMailConfig
{
    QByteArray siteName = "MailSim Web Mail";
    std::function<QByteArray()> newSessionId;  // unguessable ids, e.g. 32 hex digits
    std::function<QByteArray()> dateHeader;     // RFC 5322 date for composed messages
    std::function<QByteArray()> newMessageId;   // "<id@host>" for composed messages
    std::size_t maxSessions = 1000;             // the oldest login is forgotten beyond this
};

// Delivers a response that was deferred; given per connection, since one application
// serves every connection and the answer must go back on the one that asked.
using RespondLater = std::function<void(http::Response)>;

class WebMailApp
{
public:
    WebMailApp(WebMailConfig config, store::MailStore &store, MailSubmitter *submitter);

    // The answer now, or nothing, and `later` is called once with it (from inside the
    // submitter's done()).
    [[nodiscard]] std::optional<http::Response> handle(const http::Request &request,
                                                       const RespondLater &later);

    [[nodiscard]] std::size_t sessionCount() const { return m_sessions.size(); }
    // The login a session id belongs to, "" if none.
    [[nodiscard]] QByteArray loginFor(const QByteArray &sessionId) const;

private:
    struct Impl;
    friend struct Impl;

    WebMailConfig m_config;
    store::MailStore &m_store;
    MailSubmitter *m_submitter;
    std::map<QByteArray, QByteArray> m_sessions; // id -> login
    std::vector<QByteArray> m_sessionOrder;      // oldest first, to bound the map
    quint64 m_sessionCounter = 0;
};

// One connection's handler: what an HttpServerSession is given. Deferred answers go to the
// `later` given here (the driver's: it calls session.respond() and writes the bytes); once
// this object is gone, a late answer is dropped instead of reaching a closed connection.
class WebMailConnection : public http::RequestHandler
{
public:
    WebMailConnection(WebMailApp &app, RespondLater later);
    WebMailConnection(const WebMailConnection &) = delete;
    WebMailConnection &operator=(const WebMailConnection &) = delete;

    std::optional<http::Response> handle(const http::Request &request) override;

private:
    WebMailApp &m_app;
    std::shared_ptr<RespondLater> m_later;
};

} // namespace mailsim::webmail
