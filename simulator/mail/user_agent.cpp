#include "mail/user_agent.h"

#include "mail/access_client_connection.h"
#include "mail/smtp_client_connection.h"
#include "protocol/pop3/pop3_client_session.h"

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
    auto done = [this](const SmtpClientConnection::Outcome &o) {
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
        if (problem.isEmpty())
            return;
        ++m_failed;
        trace::TraceEvent n;
        n.time = m_context.simulation.now();
        n.kind = trace::EventKind::Note;
        n.stage = kStageSubmit;
        n.from = m_context.network.host(m_host).actor;
        n.data = "The user agent reports a problem to its user: " + problem;
        m_context.trace.append(std::move(n));
    };
    m_context.network.connect(m_host, m_settings.server, m_settings.submissionPort,
                              std::make_unique<SmtpClientConnection>(
                                  m_context.trace, config, std::move(submission), 0, done),
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
    auto done = [this](const pop3::Pop3ClientSession &session, const QByteArray &connectError) {
        if (!connectError.isEmpty()) {
            traceProblem("could not reach the mail server for POP3: " + connectError, kStageRead);
            return;
        }
        const pop3::ClientResult &r = session.result();
        for (const pop3::RetrievedMessage &m : r.retrieved) {
            if (!m.uidl.isEmpty())
                m_pop3Seen.insert(m.uidl);
            traceRead(m.number, m.content);
        }
        if (!r.error.isEmpty())
            traceProblem("POP3: " + r.error, kStageRead);
        else if (r.retrieved.empty())
            traceNoNewMail();
    };
    m_context.network.connect(m_host, m_settings.mailbox, m_settings.pop3Port,
                              std::make_unique<Connection>(m_context.trace,
                                                           pop3::Pop3ClientSession(config),
                                                           WireProtocol::Pop3, done),
                              kStageRead);
}

void UserAgent::readImap(const std::vector<MailboxAction> &)
{
    traceProblem("IMAP is not available yet", kStageRead);
}

void UserAgent::readWeb()
{
    traceProblem("web mail is not available yet", kStageRead);
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
