#include "mail/user_agent.h"

#include "mail/access_client_connection.h"
#include "mail/smtp_client_connection.h"
#include "message/codecs.h"
#include "protocol/imap/imap_client_session.h"
#include "protocol/pop3/pop3_client_session.h"

#include <deque>
#include <memory>

namespace mailsim::mail {

namespace {
constexpr int kStageCompose = 1;
constexpr int kStageSubmit = 2;
constexpr int kStageRead = 6;
} // namespace

const char *toString(AccessRoute route)
{
    switch (route) {
    case AccessRoute::Pop3Delete: return "pop3-delete";
    case AccessRoute::Pop3Keep: return "pop3-keep";
    case AccessRoute::Imap: return "imap";
    case AccessRoute::WebMail: return "web";
    }
    return "unknown";
}

std::optional<AccessRoute> accessRouteFromString(QStringView text)
{
    for (AccessRoute r : {AccessRoute::Pop3Delete, AccessRoute::Pop3Keep, AccessRoute::Imap,
                          AccessRoute::WebMail}) {
        if (text.compare(QLatin1String(toString(r)), Qt::CaseInsensitive) == 0)
            return r;
    }
    return std::nullopt;
}

UserAgent::UserAgent(MailContext &context, UserAgentSettings settings, net::HostId host)
    : m_context(context), m_settings(std::move(settings)), m_host(host)
{
}

void UserAgent::send(const Draft &draft)
{
    if (m_settings.access == AccessRoute::WebMail) {
        // A scripted SMTP mistake needs the user's own SMTP client: a browser speaks no SMTP.
        const bool plainText = draft.raw.isEmpty() && draft.html.isEmpty() && draft.attachments.empty()
                               && draft.bcc.isEmpty() && draft.charset.isEmpty()
                               && draft.mistake == smtp::ClientConfig::Mistake::None;
        if (plainText) {
            sendByWeb(draft);
            return;
        }
        // The web mail form here has To, Cc, Subject and a text: the rest cannot go through
        // it. Rather than drop part of the message, the user's mail program sends it.
        traceProblem("web mail here sends plain text only (To, Cc, Subject, text) and makes no SMTP "
                     "mistakes; this message asks for more, so the user agent submits it with SMTP instead",
                     kStageCompose);
    }
    const QString address = m_settings.user.address;
    const QByteArray domain = address.mid(address.lastIndexOf('@') + 1).toUtf8();
    const ComposedMessage message =
        draft.raw.isEmpty() ? composeMessage(draft, m_context.dateHeader(),
                                             '<' + m_context.newId(16) + '@' + domain + '>')
                            : verbatimMessage(draft);

    smtp::Submission submission;
    submission.reversePath = smtp::Path::fromAddress(address.toUtf8()).value_or(smtp::Path{});
    submission.content = message.content;
    submission.sevenBitContent = message.sevenBitContent;
    QByteArray envelope = "MAIL FROM:" + submission.reversePath.bracketed() + " RCPT TO:";
    for (const QByteArray &r : message.recipients) {
        if (std::optional<smtp::Path> p = smtp::Path::fromAddress(r)) {
            submission.recipients.push_back(*p);
            envelope += ' ' + p->bracketed();
        }
    }

    trace::TraceEvent e;
    e.time = m_context.simulation.now();
    e.kind = trace::EventKind::Compose;
    e.stage = kStageCompose;
    e.from = m_context.network.host(m_host).actor;
    e.data = message.content;
    e.detail = envelope;
    m_context.trace.append(std::move(e));

    smtp::ClientConfig config;
    config.heloName = m_context.network.host(m_host).name.toUtf8();
    config.mistake = draft.mistake;
    auto done = [this, content = message.content](const SmtpClientConnection::Outcome &o) {
        QByteArray problem;
        if (!o.connected)
            problem = "could not reach the mail server: " + o.connectError;
        else if (!o.result.error.isEmpty())
            problem = o.result.error;
        for (const smtp::RecipientOutcome &r : o.result.recipients) {
            if (r.status != smtp::RecipientOutcome::Status::Delivered)
                problem += (problem.isEmpty() ? "" : "; ") + r.recipient.bracketed() + " refused: "
                           + QByteArray::number(r.reply.code) + ' ' + r.reply.text;
        }
        if (problem.isEmpty()) {
            // An IMAP user's mail program keeps what it sent on the server, where every
            // program of the user finds it (RFC 3501 APPEND).
            if (m_settings.access == AccessRoute::Imap)
                saveToSent(content);
            return;
        }
        ++m_failed;
        traceProblem(problem, kStageSubmit);
    };
    m_context.network.connect(m_host, m_settings.server, m_settings.submissionPort,
                              std::make_unique<SmtpClientConnection>(
                                  m_context.trace, config, std::move(submission), 0, done),
                              kStageSubmit);
}

namespace {
// The text as the form's lines, ended by CR LF as everything else in the trace.
QByteArray crlfBody(const QString &body)
{
    QByteArray b = body.toUtf8();
    b.replace("\r\n", "\n");
    b.replace('\n', "\r\n");
    return b;
}
} // namespace

// A web mail user writes in a form; the web server makes the message and submits it with
// SMTP. The compose event shows what the user typed, as the fields of that form.
void UserAgent::sendByWeb(const Draft &draft)
{
    auto list = [](const QList<Mailbox822> &people) {
        QStringList addresses;
        for (const Mailbox822 &p : people)
            addresses << p.address;
        return addresses.join(QStringLiteral(", "));
    };
    const QString to = list(draft.to);
    const QString cc = list(draft.cc);
    trace::TraceEvent e;
    e.time = m_context.simulation.now();
    e.kind = trace::EventKind::Compose;
    e.stage = kStageCompose;
    e.from = m_context.network.host(m_host).actor;
    const Mailbox822 &me = m_settings.user;
    const QByteArray from = me.displayName.isEmpty() ? me.address.toUtf8()
                                                     : message::encodeHeaderText(me.displayName) + " <" + me.address.toUtf8() + '>';
    e.data = "From: " + from + "\r\nTo: " + to.toUtf8() + "\r\n" + (cc.isEmpty() ? QByteArray() : "Cc: " + cc.toUtf8() + "\r\n")
             + "Subject: " + message::encodeHeaderText(draft.subject) + "\r\n\r\n" + crlfBody(draft.body);
    // The envelope the web server will use: the logged-in user, and the form's To and Cc.
    e.detail = "MAIL FROM:<" + m_settings.user.address.toUtf8() + "> RCPT TO:";
    for (const QList<Mailbox822> *people : {&draft.to, &draft.cc}) {
        for (const Mailbox822 &p : *people)
            e.detail += " <" + p.address.toUtf8() + '>';
    }
    m_context.trace.append(std::move(e));
    browse({webmail::BrowserAction::send(to, draft.subject, draft.body, cc), webmail::BrowserAction::logout()},
           kStageSubmit);
}

void UserAgent::traceRead(int number, const QByteArray &content)
{
    trace::TraceEvent r;
    r.time = m_context.simulation.now();
    r.stage = kStageRead;
    r.kind = trace::EventKind::MailboxRead;
    r.from = m_context.network.host(m_host).actor;
    r.to = m_context.network.host(m_settings.mailbox).actor;
    r.detail = m_settings.user.address.toUtf8();
    r.code = number;
    r.data = content;
    m_context.trace.append(std::move(r));
}

void UserAgent::traceProblem(const QByteArray &problem, int stage)
{
    trace::TraceEvent n;
    n.time = m_context.simulation.now();
    n.kind = trace::EventKind::Note;
    n.stage = static_cast<quint8>(stage);
    n.from = m_context.network.host(m_host).actor;
    n.data = "The user agent reports a problem to its user: " + problem;
    m_context.trace.append(std::move(n));
}

void UserAgent::read(const std::vector<MailboxAction> &actions)
{
    switch (m_settings.access) {
    case AccessRoute::Pop3Delete:
    case AccessRoute::Pop3Keep:
        readPop3();
        return;
    case AccessRoute::Imap:
        readImap(actions);
        return;
    case AccessRoute::WebMail:
        readWeb();
        return;
    }
}

void UserAgent::readPop3()
{
    pop3::ClientConfig config;
    config.user = m_settings.login;
    config.password = m_settings.password;
    config.deleteAfterRetrieve = m_settings.access == AccessRoute::Pop3Delete;
    config.alreadyRetrieved = m_pop3Seen;
    using Connection = AccessClientConnection<pop3::Pop3ClientSession>;
    // Each message is reported as soon as it has arrived, before the client's next command.
    auto reported = std::make_shared<std::size_t>(0);
    auto report = [this, reported](const pop3::ClientResult &r) {
        for (; *reported < r.retrieved.size(); ++*reported) {
            const pop3::RetrievedMessage &m = r.retrieved[*reported];
            if (!m.uidl.isEmpty())
                m_pop3Seen.insert(m.uidl);
            traceRead(m.number, m.content);
        }
    };
    auto progress = [report](Connection &c) { report(c.session().result()); };
    auto done = [this, report](const pop3::Pop3ClientSession &session, const QByteArray &connectError) {
        if (!connectError.isEmpty()) {
            traceProblem("could not reach the mail server for POP3: " + connectError, kStageRead);
            return;
        }
        const pop3::ClientResult &r = session.result();
        report(r);
        if (!r.error.isEmpty())
            traceProblem("POP3: " + r.error, kStageRead);
        else if (r.retrieved.empty())
            traceNoNewMail();
    };
    m_context.network.connect(m_host, m_settings.mailbox, m_settings.pop3Port,
                              std::make_unique<Connection>(m_context.trace,
                                                           pop3::Pop3ClientSession(config),
                                                           WireProtocol::Pop3, done, progress),
                              kStageRead);
}

namespace {

// An IMAP quoted string (RFC 3501 4.3) for a search key. Words with 8-bit bytes stay quoted
// too (the server here reads them so): a literal would need the continuation round trip,
// which the scripted client makes for APPEND only.
QByteArray quoted(const QString &text)
{
    QByteArray q = text.toUtf8();
    q.replace('\\', "\\\\");
    q.replace('"', "\\\"");
    return '"' + q + '"';
}

// The SEARCH keys that pick the messages an action means: Subject and From contain the
// given words; nothing given means every message.
QByteArray criteriaFor(const MailboxAction &a)
{
    QByteArrayList keys;
    if (!a.subject.isEmpty())
        keys << "SUBJECT " + quoted(a.subject);
    if (!a.from.isEmpty())
        keys << "FROM " + quoted(a.from);
    return keys.join(' ');
}

std::vector<imap::ClientAction> imapScript(const std::vector<MailboxAction> &actions)
{
    using K = imap::ClientAction::Kind;
    std::vector<imap::ClientAction> script;
    auto add = [&script](K kind) -> imap::ClientAction & {
        script.push_back({});
        script.back().kind = kind;
        return script.back();
    };
    add(K::Select).folder = QStringLiteral("INBOX");
    // Reading shows the message to the user, so it is fetched with BODY[], which sets \Seen
    // on the server: every other program of the user will show it as read.
    add(K::FetchNew).peek = false;
    for (const MailboxAction &a : actions) {
        const QByteArray criteria = criteriaFor(a);
        switch (a.kind) {
        case MailboxAction::Kind::MarkRead: add(K::MarkRead).criteria = criteria; break;
        case MailboxAction::Kind::MarkUnread: {
            imap::ClientAction &c = add(K::RemoveFlags);
            c.criteria = criteria;
            c.flags = {"\\Seen"};
            break;
        }
        case MailboxAction::Kind::Flag:
        case MailboxAction::Kind::Unflag: {
            imap::ClientAction &c = add(a.kind == MailboxAction::Kind::Flag ? K::AddFlags : K::RemoveFlags);
            c.criteria = criteria;
            c.flags = {"\\Flagged"};
            break;
        }
        case MailboxAction::Kind::Delete: {
            imap::ClientAction &c = add(K::AddFlags);
            c.criteria = criteria;
            c.flags = {"\\Deleted"};
            add(K::Expunge);
            break;
        }
        case MailboxAction::Kind::Move:
        case MailboxAction::Kind::Copy: {
            imap::ClientAction &c = add(a.kind == MailboxAction::Kind::Move ? K::MoveTo : K::CopyTo);
            c.criteria = criteria;
            c.target = a.folder;
            break;
        }
        case MailboxAction::Kind::CreateFolder: add(K::Create).folder = a.folder; break;
        case MailboxAction::Kind::Idle:
            add(K::Idle);
            // What IDLE announced is fetched like any new mail.
            add(K::FetchNew).peek = false;
            break;
        }
    }
    return script;
}

} // namespace

void UserAgent::readImap(const std::vector<MailboxAction> &actions)
{
    imap::ClientConfig config;
    config.user = m_settings.login;
    config.password = m_settings.password;
    config.actions = imapScript(actions);
    config.alreadyFetched = m_imapSeen;
    // How long each IDLE lasts before the client ends it, in the order they come.
    auto idleLimits = std::make_shared<std::deque<core::SimTime>>();
    for (const MailboxAction &a : actions) {
        if (a.kind == MailboxAction::Kind::Idle)
            idleLimits->push_back(a.duration);
    }
    using Connection = AccessClientConnection<imap::ImapClientSession>;
    auto reported = std::make_shared<std::size_t>(0);
    auto report = [this, reported](const imap::ClientResult &r) {
        for (; *reported < r.fetched.size(); ++*reported) {
            const imap::FetchedMessage &m = r.fetched[*reported];
            if (m.folder.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0)
                m_imapSeen.insert(m.uid);
            traceRead(static_cast<int>(m.uid), m.content);
        }
    };
    auto wasIdling = std::make_shared<bool>(false);
    auto progress = [this, idleLimits, wasIdling, report](Connection &c) {
        report(c.session().result());
        const bool idling = c.session().idling();
        if (idling && !*wasIdling && !idleLimits->empty()) {
            const core::SimTime limit = idleLimits->front();
            idleLimits->pop_front();
            std::weak_ptr<net::StreamConnection> stream = c.connection()->shared_from_this();
            Connection *handler = &c; // owned by the connection: alive while it is
            m_context.simulation.schedule(limit, [stream, handler] {
                if (const auto s = stream.lock(); s && s->isOpen(net::StreamConnection::Side::Client)
                                                    && handler->session().idling())
                    handler->timeout();
            });
        }
        *wasIdling = idling;
    };
    auto done = [this, report](const imap::ImapClientSession &session, const QByteArray &connectError) {
        if (!connectError.isEmpty()) {
            traceProblem("could not reach the mail server for IMAP: " + connectError, kStageRead);
            return;
        }
        const imap::ClientResult &r = session.result();
        report(r);
        for (const imap::ActionResult &a : r.actions) {
            if (a.status != protocol::reply_status::ImapOk)
                traceProblem("IMAP: " + a.text, kStageRead);
        }
        if (!r.error.isEmpty())
            traceProblem("IMAP: " + r.error, kStageRead);
        else if (r.fetched.empty())
            traceNoNewMail();
    };
    m_context.network.connect(m_host, m_settings.mailbox, m_settings.imapPort,
                              std::make_unique<Connection>(m_context.trace,
                                                           imap::ImapClientSession(config),
                                                           WireProtocol::Imap, done, progress),
                              kStageRead);
}

void UserAgent::saveToSent(const QByteArray &content)
{
    imap::ClientConfig config;
    config.user = m_settings.login;
    config.password = m_settings.password;
    imap::ClientAction append;
    append.kind = imap::ClientAction::Kind::Append;
    append.folder = QStringLiteral("Sent");
    append.flags = {"\\Seen"};
    append.message = content;
    config.actions.push_back(append);
    using Connection = AccessClientConnection<imap::ImapClientSession>;
    auto done = [this](const imap::ImapClientSession &session, const QByteArray &connectError) {
        if (!connectError.isEmpty()) {
            traceProblem("could not keep a copy in Sent: " + connectError, kStageSubmit);
            return;
        }
        const imap::ClientResult &r = session.result();
        if (!r.error.isEmpty())
            traceProblem("could not keep a copy in Sent: " + r.error, kStageSubmit);
        for (const imap::ActionResult &a : r.actions) {
            if (a.status != protocol::reply_status::ImapOk)
                traceProblem("could not keep a copy in Sent: " + a.text, kStageSubmit);
        }
    };
    m_context.network.connect(m_host, m_settings.mailbox, m_settings.imapPort,
                              std::make_unique<Connection>(m_context.trace, imap::ImapClientSession(config),
                                                           WireProtocol::Imap, done),
                              kStageSubmit);
}

void UserAgent::browse(std::vector<webmail::BrowserAction> actions, int stage)
{
    webmail::BrowserConfig config;
    config.host = m_context.network.host(m_settings.web).name.toUtf8();
    config.user = QString::fromUtf8(m_settings.login);
    config.password = QString::fromUtf8(m_settings.password);
    config.actions = std::move(actions);
    config.alreadyRead = m_webSeen;
    using Connection = AccessClientConnection<webmail::Browser>;
    auto done = [this, stage](const webmail::Browser &browser, const QByteArray &connectError) {
        if (!connectError.isEmpty()) {
            traceProblem("could not reach the web mail server: " + connectError, stage);
            return;
        }
        const webmail::BrowserResult &r = browser.result();
        m_webSeen.insert(r.readUids.begin(), r.readUids.end());
        for (const webmail::ReadMessage &m : r.messagesRead)
            traceWebRead(m);
        for (const QString &e : r.errors)
            traceProblem("web mail: " + e.toUtf8(), stage);
        if (stage == kStageRead && r.errors.empty() && r.messagesRead.empty())
            traceNoNewMail();
    };
    if (m_settings.web < 0) {
        traceProblem("there is no web mail server for this user", stage);
        return;
    }
    m_context.network.connect(m_host, m_settings.web, m_settings.webPort,
                              std::make_unique<Connection>(m_context.trace, webmail::Browser(std::move(config)),
                                                           WireProtocol::Http, done),
                              stage);
}

void UserAgent::readWeb()
{
    browse({webmail::BrowserAction::readInbox(), webmail::BrowserAction::logout()}, kStageRead);
}

// What the browser showed: the message as a page. The page is HTML made by the web server,
// not the message itself, and the mailbox-read event carries exactly those bytes: what this
// user agent (a browser) has of the message.
void UserAgent::traceWebRead(const webmail::ReadMessage &m)
{
    trace::TraceEvent r;
    r.time = m_context.simulation.now();
    r.stage = kStageRead;
    r.kind = trace::EventKind::MailboxRead;
    r.from = m_context.network.host(m_host).actor;
    r.to = m_context.network.host(m_settings.web).actor;
    r.detail = m_settings.user.address.toUtf8();
    r.code = static_cast<qint32>(m.uid);
    r.data = m.page;
    m_context.trace.append(std::move(r));
}

void UserAgent::traceNoNewMail()
{
    trace::TraceEvent n;
    n.time = m_context.simulation.now();
    n.kind = trace::EventKind::Note;
    n.stage = kStageRead;
    n.from = m_context.network.host(m_host).actor;
    n.data = "No new mail for " + m_settings.user.address.toUtf8() + '.';
    m_context.trace.append(std::move(n));
}

} // namespace mailsim::mail
