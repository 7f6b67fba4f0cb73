// Theory of operation: handle() finds the route (path shape and allowed methods), checks the
// session where one is needed, and builds the page. Pages are assembled from escaped pieces
// only: every string that comes from a message, a form or the store goes through
// htmlEscape() before it meets markup, and URLs are built from numbers and part ids this
// file made itself.
#include "protocol/webmail/web_mail_app.h"

#include "message/codecs.h"
#include "message/header_section.h"
#include "message/mime.h"
#include "protocol/webmail/web_forms.h"

#include <algorithm>

namespace mailsim::webmail {

using http::Request;
using http::Response;

namespace {

const QByteArray kCookieName = "session";

// Every page shares these: no caching of mail, no sniffing, and a policy that allows no
// script at all, so that even an escaping mistake could not run one.
void addPageHeaders(Response &r)
{
    r.setHeader("Content-Type", "text/html; charset=utf-8");
    r.setHeader("Cache-Control", "no-store");
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                "frame-ancestors 'none'");
    r.setHeader("Referrer-Policy", "no-referrer");
}

QString decodedField(QByteArrayView message, QByteArrayView name)
{
    return message::decodeHeaderText(message::headerField(message, name));
}

Response redirect(const QByteArray &location)
{
    Response r;
    r.status = 303;
    r.setHeader("Location", location);
    r.setHeader("Content-Type", "text/plain; charset=utf-8");
    r.setHeader("Cache-Control", "no-store");
    r.body = "See " + location + "\n";
    return r;
}

// A leaf of the MIME tree with the id IMAP would give it.
struct Leaf
{
    QByteArray id;
    const message::MimeEntity *entity = nullptr;
};

void collectLeaves(const message::MimeEntity &e, const QByteArray &id, std::vector<Leaf> &out)
{
    if (e.isMultipart() && !e.parts.empty()) {
        for (std::size_t i = 0; i < e.parts.size(); ++i) {
            const QByteArray number = QByteArray::number(qulonglong(i + 1));
            collectLeaves(e.parts[i], id.isEmpty() ? number : id + '.' + number, out);
        }
        return;
    }
    out.push_back({id.isEmpty() ? QByteArray("1") : id, &e});
}

bool isTokenish(QByteArrayView text)
{
    return http::isToken(text);
}

// A media type fit for a Content-Type field: "type/subtype" of tokens, else octet-stream.
QByteArray safeMediaType(const message::MimeEntity &e)
{
    const QByteArray type = e.mediaType();
    const qsizetype slash = type.indexOf('/');
    if (slash <= 0 || !isTokenish(QByteArrayView(type).first(slash)) ||
        !isTokenish(QByteArrayView(type).sliced(slash + 1)))
        return "application/octet-stream";
    QByteArray value = type;
    if (type.startsWith("text/")) {
        const QByteArray charset = e.contentType().parameter("charset").toLatin1();
        if (!charset.isEmpty() && isTokenish(charset))
            value += "; charset=" + charset;
    }
    return value;
}

// RFC 6266: an ASCII filename for old clients and filename* (RFC 8187) with the real one.
QByteArray contentDisposition(const QString &filename)
{
    QByteArray fallback;
    for (QChar c : filename) {
        const char16_t u = c.unicode();
        fallback += (u >= 0x20 && u < 0x7f && u != '"' && u != '\\' && u != '%') ? char(u) : '_';
    }
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" +
           filename.toUtf8().toPercentEncoding();
}

// addr-spec, as far as a form field needs checking: local@domain of printable ASCII
// without the characters that would break a header or an SMTP path.
bool plausibleAddress(const QString &address)
{
    const qsizetype at = address.lastIndexOf('@');
    if (at <= 0 || at == address.size() - 1 || address.count('@') != 1)
        return false;
    for (QChar c : address) {
        const char16_t u = c.unicode();
        if (u <= 0x20 || u >= 0x7f || QStringView(u"<>()[],;:\"\\").contains(c))
            return false;
    }
    return true;
}

std::optional<std::vector<QString>> addressList(const QString &field)
{
    std::vector<QString> list;
    for (const QString &part : field.split(',')) {
        const QString address = part.trimmed();
        if (address.isEmpty())
            continue;
        if (!plausibleAddress(address))
            return std::nullopt;
        list.push_back(address);
    }
    return list;
}

} // namespace

struct WebMailApp::Impl
{
    WebMailApp &app;
    const Request &request;

    QByteArray site() const { return htmlEscape(QString::fromUtf8(app.m_config.siteName)); }

    Response page(int status, const QString &title, const QByteArray &content, bool loggedIn) const
    {
        Response r;
        r.status = status;
        addPageHeaders(r);
        QByteArray html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<title>" + htmlEscape(title) + " - " + site() + "</title>\n"
                          "<style>body{font-family:sans-serif;margin:2em}"
                          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
                          "tr.unseen td{font-weight:bold}pre{white-space:pre-wrap}"
                          ".error{color:#a00}.notice{color:#070}</style>\n</head>\n<body>\n"
                          "<h1>" + site() + "</h1>\n";
        if (loggedIn) {
            html += "<nav><a href=\"/inbox\">Inbox</a> | <a href=\"/compose\">Compose</a>\n"
                    "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Log out</button></form></nav>\n";
        }
        html += content;
        html += "</body>\n</html>\n";
        r.body = html;
        return r;
    }

    Response loginPage(int status, const QString &error, const QString &user) const
    {
        QByteArray content = "<h2>Log in</h2>\n";
        if (!error.isEmpty())
            content += "<p class=\"error\">" + htmlEscape(error) + "</p>\n";
        content += "<form method=\"post\" action=\"/login\">\n"
                   "<p><label>User <input name=\"user\" value=\"" + htmlEscape(user) + "\"></label></p>\n"
                   "<p><label>Password <input name=\"password\" type=\"password\"></label></p>\n"
                   "<p><button type=\"submit\">Log in</button></p>\n</form>\n";
        return page(status, "Log in", content, false);
    }

    Response errorPage(int status, const QString &text, bool loggedIn) const
    {
        const QString title = QString::number(status) + ' ' + QString::fromLatin1(http::reasonPhrase(status));
        return page(status, title, "<h2>" + htmlEscape(title) + "</h2>\n<p>" + htmlEscape(text) + "</p>\n",
                    loggedIn);
    }

    // The account of the request's session, or nullptr.
    store::Mailbox *account(QByteArray *login = nullptr) const
    {
        const QByteArray id = request.cookie(kCookieName);
        const auto it = app.m_sessions.find(id);
        if (id.isEmpty() || it == app.m_sessions.end())
            return nullptr;
        if (login)
            *login = it->second;
        return app.m_store.find(it->second);
    }

    std::optional<Form> form() const
    {
        const QByteArray type = request.header("Content-Type").toLower();
        if (!type.startsWith("application/x-www-form-urlencoded"))
            return std::nullopt;
        return parseForm(request.body);
    }

    Response login()
    {
        const auto f = form();
        if (!f || !f->has("user") || !f->has("password"))
            return errorPage(400, "The login form was not filled in as expected.", false);
        const QString user = f->value("user");
        store::Mailbox *box = app.m_store.authenticate(user.toUtf8(), f->value("password").toUtf8());
        if (!box)
            return loginPage(403, "Unknown user or wrong password.", user);
        QByteArray id = app.m_config.newSessionId ? app.m_config.newSessionId()
                                                  : "s" + QByteArray::number(++app.m_sessionCounter);
        while (app.m_sessions.size() >= app.m_config.maxSessions && !app.m_sessionOrder.empty()) {
            app.m_sessions.erase(app.m_sessionOrder.front());
            app.m_sessionOrder.erase(app.m_sessionOrder.begin());
        }
        app.m_sessions[id] = user.toUtf8().toLower();
        app.m_sessionOrder.push_back(id);
        Response r = redirect("/inbox");
        r.addHeader("Set-Cookie", kCookieName + '=' + id + "; Path=/; HttpOnly; SameSite=Strict");
        return r;
    }

    Response logout()
    {
        const QByteArray id = request.cookie(kCookieName);
        app.m_sessions.erase(id);
        std::erase(app.m_sessionOrder, id);
        Response r = redirect("/");
        r.addHeader("Set-Cookie", kCookieName + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        return r;
    }

    Response inbox(const store::Mailbox &box) const
    {
        QByteArray content;
        if (request.query().split('&').contains("sent=1"))
            content += "<p class=\"notice\">Message sent.</p>\n";
        const auto &messages = box.inbox().messages;
        content += "<h2>Inbox (" + QByteArray::number(qulonglong(messages.size())) + ")</h2>\n";
        content += "<table>\n<tr><th>#</th><th>UID</th><th>From</th><th>Subject</th><th>Date</th>"
                   "<th>Size</th><th>Seen</th></tr>\n";
        int number = 0;
        for (const store::StoredMessage &m : messages) {
            ++number;
            const bool seen = m.hasFlag(store::kSeen);
            QString subject = decodedField(m.content, "Subject");
            if (subject.trimmed().isEmpty())
                subject = QStringLiteral("(no subject)");
            const QByteArray uid = QByteArray::number(m.uid);
            content += QByteArray(seen ? "<tr>" : "<tr class=\"unseen\">") +
                       "<td>" + QByteArray::number(number) + "</td><td>" + uid + "</td><td>" +
                       htmlEscape(decodedField(m.content, "From")) + "</td><td><a href=\"/message/" +
                       uid + "\">" + htmlEscape(subject) + "</a></td><td>" +
                       htmlEscape(decodedField(m.content, "Date")) + "</td><td>" +
                       QByteArray::number(m.size()) + "</td><td>" + (seen ? "yes" : "no") +
                       "</td></tr>\n";
        }
        content += "</table>\n";
        return page(200, "Inbox", content, true);
    }

    Response compose(int status, const Form &filled, const QString &error) const
    {
        QByteArray content = "<h2>New message</h2>\n";
        if (!error.isEmpty())
            content += "<p class=\"error\">" + htmlEscape(error) + "</p>\n";
        content += "<form method=\"post\" action=\"/send\">\n"
                   "<p><label>To <input name=\"to\" value=\"" + htmlEscape(filled.value("to")) + "\"></label></p>\n"
                   "<p><label>Cc <input name=\"cc\" value=\"" + htmlEscape(filled.value("cc")) + "\"></label></p>\n"
                   "<p><label>Subject <input name=\"subject\" value=\"" + htmlEscape(filled.value("subject")) +
                   "\"></label></p>\n"
                   "<p><textarea name=\"body\" rows=\"12\" cols=\"72\">" + htmlEscape(filled.value("body")) +
                   "</textarea></p>\n"
                   "<p><button type=\"submit\">Send</button></p>\n</form>\n";
        return page(status, "Compose", content, true);
    }

    std::optional<quint32> uidFrom(QByteArrayView digits) const
    {
        if (digits.isEmpty() || digits.size() > 10)
            return std::nullopt;
        for (char c : digits) {
            if (c < '0' || c > '9')
                return std::nullopt;
        }
        const qulonglong value = digits.toULongLong();
        if (value == 0 || value > 0xffffffffULL)
            return std::nullopt;
        return quint32(value);
    }

    Response messagePage(store::Mailbox &box, quint32 uid) const
    {
        const store::StoredMessage *m = box.inbox().byUid(uid);
        if (!m)
            return errorPage(404, "There is no message with UID " + QString::number(uid) + ".", true);
        const QByteArray content = m->content; // copied: setFlags below may move the messages
        if (!m->hasFlag(store::kSeen) && request.method != "HEAD") { // HEAD changes nothing
            QByteArrayList flags = m->flags;
            flags.append(store::kSeen);
            box.setFlags(QStringLiteral("INBOX"), uid, flags, "web mail");
        }
        const message::ParsedMessage parsed = message::parseMessage(content);
        std::vector<Leaf> leaves;
        collectLeaves(parsed.root, {}, leaves);

        const Leaf *text = nullptr;
        for (const Leaf &l : leaves) {
            if (l.entity->mediaType() == "text/plain" && !l.entity->isAttachment()) {
                text = &l;
                break;
            }
        }
        bool htmlSource = false;
        if (!text) {
            for (const Leaf &l : leaves) {
                if (l.entity->mediaType() == "text/html" && !l.entity->isAttachment()) {
                    text = &l;
                    htmlSource = true;
                    break;
                }
            }
        }

        QString subject = decodedField(content, "Subject");
        QByteArray html = "<h2>" + htmlEscape(subject.isEmpty() ? QStringLiteral("(no subject)") : subject) +
                          "</h2>\n<table>\n";
        for (const char *name : {"From", "To", "Cc", "Date", "Subject"}) {
            const auto value = message::findHeaderField(content, name);
            if (!value)
                continue;
            html += "<tr><th>" + QByteArray(name) + "</th><td>" +
                    htmlEscape(message::decodeHeaderText(*value)) + "</td></tr>\n";
        }
        html += "</table>\n";
        if (text) {
            if (htmlSource)
                html += "<p>This message has only an HTML part; its source is shown as text.</p>\n";
            QString body = text->entity->text();
            body.replace(QStringLiteral("\r\n"), QStringLiteral("\n")); // HTML's own line ends
            html += "<pre>" + htmlEscape(body) + "</pre>\n";
        } else {
            html += "<p>This message has no text part.</p>\n";
        }
        QByteArray parts;
        for (const Leaf &l : leaves) {
            if (text && l.entity == text->entity)
                continue;
            QString name = l.entity->filename();
            if (name.isEmpty())
                name = QStringLiteral("part ") + QString::fromLatin1(l.id);
            const QByteArray url = "/message/" + QByteArray::number(uid) + "/part/" + l.id;
            parts += "<li><a href=\"" + url + "\">" + htmlEscape(name) + "</a> (" +
                     htmlEscape(QString::fromLatin1(safeMediaType(*l.entity))) + ", " +
                     QByteArray::number(l.entity->decodedBody().size()) + " bytes)</li>\n";
        }
        if (!parts.isEmpty())
            html += "<h3>Attachments</h3>\n<ul>\n" + parts + "</ul>\n";
        return page(200, subject.isEmpty() ? QStringLiteral("Message") : subject, html, true);
    }

    Response part(const store::Mailbox &box, quint32 uid, const QByteArray &id) const
    {
        const store::StoredMessage *m = box.inbox().byUid(uid);
        if (!m)
            return errorPage(404, "There is no message with UID " + QString::number(uid) + ".", true);
        const message::ParsedMessage parsed = message::parseMessage(m->content);
        std::vector<Leaf> leaves;
        collectLeaves(parsed.root, {}, leaves);
        for (const Leaf &l : leaves) {
            if (l.id != id)
                continue;
            Response r;
            r.body = l.entity->decodedBody();
            r.setHeader("Content-Type", safeMediaType(*l.entity));
            QString name = l.entity->filename();
            if (name.isEmpty())
                name = QStringLiteral("part-") + QString::fromLatin1(id);
            r.setHeader("Content-Disposition", contentDisposition(name));
            r.setHeader("X-Content-Type-Options", "nosniff");
            // Even opened in place, a part is not a page of this site: no script, no forms.
            r.setHeader("Content-Security-Policy", "sandbox");
            r.setHeader("Cache-Control", "no-store");
            return r;
        }
        return errorPage(404, "Message " + QString::number(uid) + " has no part " +
                                  QString::fromLatin1(id) + ".", true);
    }

    std::optional<Response> send(store::Mailbox &box, const QByteArray &login, const RespondLater &later)
    {
        const auto f = form();
        if (!f)
            return errorPage(400, "The message form was not filled in as expected.", true);
        const auto to = addressList(f->value("to"));
        const auto cc = addressList(f->value("cc"));
        if (!to || !cc)
            return compose(400, *f, "An address is not of the form name@domain.");
        if (to->empty())
            return compose(400, *f, "The message needs at least one recipient in To.");
        if (!app.m_submitter)
            return errorPage(503, "No mail server is configured to send with.", true);

        QString from = box.owner();
        if (from.isEmpty())
            from = QString::fromUtf8(login) + '@' + app.m_store.domain();
        message::MimeEntity root = message::makeTextPart(f->value("body"));
        root.header.prepend("MIME-Version", "1.0");
        if (app.m_config.newMessageId)
            root.header.prepend("Message-ID", app.m_config.newMessageId());
        if (app.m_config.dateHeader)
            root.header.prepend("Date", app.m_config.dateHeader());
        root.header.prepend("Subject", message::encodeHeaderText(f->value("subject")));
        if (!cc->empty())
            root.header.prepend("Cc", QStringList(cc->begin(), cc->end()).join(", ").toUtf8());
        root.header.prepend("To", QStringList(to->begin(), to->end()).join(", ").toUtf8());
        root.header.prepend("From", from.toUtf8());
        const QByteArray wire = message::serialize(root);

        std::vector<QByteArray> recipients;
        for (const QString &a : *to)
            recipients.push_back(a.toUtf8());
        for (const QString &a : *cc)
            recipients.push_back(a.toUtf8());

        // The submitter should answer later; if it answers at once, the answer is returned
        // from here instead, since the session is not waiting for it yet.
        struct Completion
        {
            bool handled = false;
            std::optional<Response> early;
        };
        auto completion = std::make_shared<Completion>();
        const QByteArray site = app.m_config.siteName;
        auto done = [completion, later, site](MailSubmitter::Outcome outcome) {
            Response r;
            if (outcome.accepted) {
                r = redirect("/inbox?sent=1");
            } else {
                r.status = 502;
                addPageHeaders(r);
                r.body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<title>Not sent - " + htmlEscape(QString::fromUtf8(site)) + "</title>\n</head>\n<body>\n"
                         "<h1>" + htmlEscape(QString::fromUtf8(site)) + "</h1>\n"
                         "<h2>502 Bad Gateway: the mail server did not accept the message</h2>\n"
                         "<pre>" + htmlEscape(QString::fromUtf8(outcome.text)) + "</pre>\n"
                         "<p><a href=\"/compose\">Compose again</a> | <a href=\"/inbox\">Inbox</a></p>\n"
                         "</body>\n</html>\n";
            }
            if (!completion->handled) {
                completion->early = std::move(r);
                return;
            }
            if (later)
                later(std::move(r));
        };
        app.m_submitter->submit(from.toUtf8(), recipients, wire, done);
        completion->handled = true;
        if (completion->early)
            return std::move(completion->early);
        return std::nullopt;
    }

    std::optional<Response> dispatch(const RespondLater &later)
    {
        const QByteArray path = request.path();
        const QByteArray &method = request.method;
        const bool isGet = method == "GET" || method == "HEAD";
        const std::vector<QByteArray> getOnly{"GET", "HEAD"};
        const std::vector<QByteArray> postOnly{"POST"};

        std::optional<quint32> uid;
        QByteArray partId;
        if (path.startsWith("/message/")) {
            const QList<QByteArray> pieces = path.mid(9).split('/');
            uid = uidFrom(pieces[0]);
            if (!uid)
                return errorPage(404, "No such page.", account() != nullptr);
            if (pieces.size() == 3 && pieces[1] == "part" && !pieces[2].isEmpty()) {
                partId = pieces[2];
            } else if (pieces.size() != 1) {
                return errorPage(404, "No such page.", account() != nullptr);
            }
        }

        if (path == "/") {
            if (!isGet)
                return http::methodNotAllowed(getOnly);
            return loginPage(200, {}, {});
        }
        if (path == "/login") {
            if (method != "POST")
                return http::methodNotAllowed(postOnly);
            return login();
        }
        if (path == "/logout") {
            if (method != "POST")
                return http::methodNotAllowed(postOnly);
            return logout();
        }
        const bool known = path == "/inbox" || path == "/compose" || path == "/send" || uid;
        if (!known)
            return errorPage(404, "No such page.", account() != nullptr);
        const bool wantsPost = path == "/send";
        if (wantsPost ? method != "POST" : !isGet)
            return http::methodNotAllowed(wantsPost ? postOnly : getOnly);

        QByteArray login;
        store::Mailbox *box = account(&login);
        if (!box)
            return redirect("/");
        if (path == "/inbox")
            return inbox(*box);
        if (path == "/compose")
            return compose(200, Form{}, {});
        if (path == "/send")
            return send(*box, login, later);
        if (!partId.isEmpty())
            return part(*box, *uid, partId);
        return messagePage(*box, *uid);
    }
};

WebMailApp::WebMailApp(WebMailConfig config, store::MailStore &store, MailSubmitter *submitter)
    : m_config(std::move(config)), m_store(store), m_submitter(submitter)
{
}

std::optional<Response> WebMailApp::handle(const Request &request, const RespondLater &later)
{
    Impl impl{*this, request};
    return impl.dispatch(later);
}

QByteArray WebMailApp::loginFor(const QByteArray &sessionId) const
{
    const auto it = m_sessions.find(sessionId);
    return it == m_sessions.end() ? QByteArray() : it->second;
}

WebMailConnection::WebMailConnection(WebMailApp &app, RespondLater later)
    : m_app(app), m_later(std::make_shared<RespondLater>(std::move(later)))
{
}

std::optional<Response> WebMailConnection::handle(const Request &request)
{
    std::weak_ptr<RespondLater> target = m_later;
    return m_app.handle(request, [target](Response r) {
        if (const auto later = target.lock(); later && *later)
            (*later)(std::move(r));
    });
}

} // namespace mailsim::webmail
