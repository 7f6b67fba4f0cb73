#include "scenario/expectation_check.h"

#include "message/codecs.h"
#include "message/header_section.h"
#include "message/mime.h"
#include "protocol/common/engine_output.h"

#include <algorithm>

namespace mailsim::scenario {

namespace {

bool subjectMatches(const QByteArray &message, const QString &subject)
{
    if (subject.isEmpty())
        return true;
    // The header holds the encoded form when the subject is not ASCII (RFC 2047).
    return message::decodeHeaderText(message::headerField(message, "Subject")) == subject;
}

// Whether some part of the message, at any depth of its multiparts, is a file called `name`
// (its Content-Disposition filename, else its Content-Type name, as mail programs show it).
// The parts of a forwarded message (message/rfc822) are that message's, not this one's.
bool carriesFile(const message::MimeEntity &entity, const QString &name)
{
    if (entity.isMultipart())
        return std::any_of(entity.parts.begin(), entity.parts.end(),
                           [&](const message::MimeEntity &p) { return carriesFile(p, name); });
    return entity.filename() == name;
}

bool attachmentMatches(const QByteArray &message, const QString &name)
{
    return name.isEmpty() || carriesFile(message::parseMessage(message).root, name);
}

QString withSubject(const QString &subject)
{
    return subject.isEmpty() ? QString() : QStringLiteral(" with Subject \"%1\"").arg(subject);
}

QString withAttachment(const QString &name)
{
    return name.isEmpty() ? QString()
                          : QStringLiteral(" with an attachment named \"%1\"").arg(name);
}

const mail::MailServer *findServer(const world::World &world, const QString &name)
{
    for (const auto &server : world.servers()) {
        if (server->settings().hostname.compare(name, Qt::CaseInsensitive) == 0
            || server->settings().domain.compare(name, Qt::CaseInsensitive) == 0)
            return server.get();
    }
    return nullptr;
}

QString plural(qsizetype n, const char *word)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(word)).arg(n == 1 ? "" : "s");
}

QString folderOf(const Expectation &x)
{
    return x.folder.isEmpty() ? QStringLiteral("INBOX") : x.folder;
}

// "\Seen and \Flagged"
QString flagWords(const QStringList &flags)
{
    if (flags.size() <= 1)
        return flags.join(QString());
    return flags.mid(0, flags.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           flags.last();
}

const char *protocolName(const QString &protocol)
{
    return protocol == QLatin1String("pop3")   ? "POP3"
           : protocol == QLatin1String("imap") ? "IMAP"
                                               : "HTTP";
}

trace::EventKind replyKind(const QString &protocol)
{
    return protocol == QLatin1String("pop3")   ? trace::EventKind::Pop3Reply
           : protocol == QLatin1String("imap") ? trace::EventKind::ImapReply
                                               : trace::EventKind::HttpResponse;
}

// The reply_status code of a status text; 0 for one that has none.
int statusCode(const QString &protocol, const QString &status)
{
    namespace rs = protocol::reply_status;
    if (protocol == QLatin1String("pop3"))
        return status == QLatin1String("+OK") ? rs::Pop3Ok
               : status == QLatin1String("-ERR") ? rs::Pop3Err
                                                 : 0;
    return status == QLatin1String("OK")    ? rs::ImapOk
           : status == QLatin1String("NO")  ? rs::ImapNo
           : status == QLatin1String("BAD") ? rs::ImapBad
                                            : 0;
}

// Whether a trace event is the reply an access expectation looks for. Of IMAP, only the
// tagged responses count: they end a command, which is what OK, NO and BAD are about; an
// untagged "* OK" greeting or "* BAD" would make "no NO was sent" mean something else.
bool isAccessReply(const trace::TraceEvent &e, const Expectation &x)
{
    if (e.kind != replyKind(x.protocol))
        return false;
    if (x.protocol == QLatin1String("http"))
        return e.code == x.code;
    if (x.protocol == QLatin1String("imap") && (e.data.startsWith("* ") || e.data.startsWith("+")))
        return false;
    return e.code == statusCode(x.protocol, x.status);
}

} // namespace

QString describeExpectation(const Expectation &x)
{
    switch (x.kind) {
    case Expectation::Kind::MailboxCount:
        if (!x.folder.isEmpty())
            return QStringLiteral("the folder %1 of %2's mailbox holds %3 message%4%5%6")
                .arg(x.folder, x.user)
                .arg(x.count)
                .arg(x.count == 1 ? "" : "s", withSubject(x.subject), withAttachment(x.attachment));
        return QStringLiteral("%1's mailbox holds %2 message%3%4%5")
            .arg(x.user)
            .arg(x.count)
            .arg(x.count == 1 ? "" : "s", withSubject(x.subject), withAttachment(x.attachment));
    case Expectation::Kind::AccessReplySeen:
    case Expectation::Kind::AccessReplyNotSeen: {
        const bool seen = x.kind == Expectation::Kind::AccessReplySeen;
        const QString what = x.protocol == QLatin1String("http")
                                 ? QStringLiteral("an HTTP %1 response").arg(x.code)
                                 : QStringLiteral("%1 %2 %3 reply")
                                       .arg(x.protocol == QLatin1String("imap") ? "an" : "a")
                                       .arg(QLatin1String(protocolName(x.protocol)), x.status);
        return seen ? what + QStringLiteral(" is sent")
                    : QStringLiteral("no ") + what.section(QLatin1Char(' '), 1) +
                          QStringLiteral(" is sent");
    }
    case Expectation::Kind::Flags: {
        QStringList parts;
        if (!x.flags.isEmpty())
            parts << QStringLiteral("carry %1").arg(flagWords(x.flags));
        if (!x.withoutFlags.isEmpty())
            parts << QStringLiteral("do not carry %1").arg(flagWords(x.withoutFlags));
        return QStringLiteral("the messages%1 in %2 of %3's mailbox %4")
            .arg(withSubject(x.subject), folderOf(x), x.user,
                 parts.join(QStringLiteral(" and ")));
    }
    case Expectation::Kind::Fetched:
        return QStringLiteral("%1's user agent fetches %2 message%3 in all")
            .arg(x.user)
            .arg(x.count)
            .arg(x.count == 1 ? "" : "s");
    case Expectation::Kind::ReplySeen:
        return QStringLiteral("a %1 reply is sent").arg(x.code);
    case Expectation::Kind::ReplyNotSeen:
        return QStringLiteral("no %1 reply is sent").arg(x.code);
    case Expectation::Kind::QueueEmpty:
        return QStringLiteral("the outgoing queue of %1 is empty").arg(x.server);
    case Expectation::Kind::Hops:
        return QStringLiteral("the message%1 in %2's mailbox passed through %3 server%4")
            .arg(withSubject(x.subject), x.user).arg(x.count).arg(x.count == 1 ? "" : "s");
    }
    return {};
}

namespace {

ExpectationResult check(const Expectation &x, const RunFacts &facts)
{
    static const trace::TraceLog kNoTrace;
    const trace::TraceLog &traceLog = facts.trace ? *facts.trace : kNoTrace;
    auto mailboxOf = [&](const QString &user) -> const store::Mailbox * {
        return facts.mailboxOf ? facts.mailboxOf(user) : nullptr;
    };
    ExpectationResult r;
    r.where = x.where;
    r.description = describeExpectation(x);
    switch (x.kind) {
    case Expectation::Kind::MailboxCount: {
        const mail::Mailbox *box = mailboxOf(x.user);
        if (!box) {
            r.actual = QStringLiteral("there is no such mailbox");
            break;
        }
        const store::Folder *folder = box->folder(folderOf(x));
        if (!folder) {
            // An expected count of 0 holds for a folder that was never made.
            r.passed = x.count == 0;
            r.actual = QStringLiteral("there is no folder %1 (the folders are %2)")
                           .arg(x.folder, box->folderNames().join(QStringLiteral(", ")));
            break;
        }
        int n = 0;
        for (const mail::StoredMessage &m : folder->messages)
            n += subjectMatches(m.content, x.subject) && attachmentMatches(m.content, x.attachment);
        r.passed = n == x.count;
        r.actual = QStringLiteral("it holds %1").arg(n);
        break;
    }
    case Expectation::Kind::AccessReplySeen:
    case Expectation::Kind::AccessReplyNotSeen: {
        int times = 0;
        for (const trace::TraceEvent &e : traceLog.events())
            times += isAccessReply(e, x);
        const bool wanted = x.kind == Expectation::Kind::AccessReplySeen;
        r.passed = wanted ? times > 0 : times == 0;
        r.actual = times == 0 ? QStringLiteral("none was sent")
                              : QStringLiteral("it was sent %1 time%2").arg(times).arg(times == 1 ? "" : "s");
        break;
    }
    case Expectation::Kind::Flags: {
        const mail::Mailbox *box = mailboxOf(x.user);
        if (!box) {
            r.actual = QStringLiteral("there is no such mailbox");
            break;
        }
        const store::Folder *folder = box->folder(folderOf(x));
        if (!folder) {
            r.actual = QStringLiteral("there is no folder %1 (the folders are %2)")
                           .arg(folderOf(x), box->folderNames().join(QStringLiteral(", ")));
            break;
        }
        QStringList found; // each matching message's flags, as the student would see them
        bool all = true;
        for (const mail::StoredMessage &m : folder->messages) {
            if (!subjectMatches(m.content, x.subject))
                continue;
            bool ok = true;
            for (const QString &flag : x.flags)
                ok = ok && m.hasFlag(flag.toUtf8());
            for (const QString &flag : x.withoutFlags)
                ok = ok && !m.hasFlag(flag.toUtf8());
            all = all && ok;
            found << (m.flags.isEmpty() ? QStringLiteral("no flags")
                                        : QString::fromUtf8(m.flags.join(' ')));
        }
        if (found.isEmpty()) {
            r.actual = QStringLiteral("there is no message%1 in %2")
                           .arg(withSubject(x.subject), folderOf(x));
            break;
        }
        r.passed = all;
        r.actual = found.size() == 1
                       ? QStringLiteral("its flags: %1").arg(found.front())
                       : QStringLiteral("%1, with the flags: %2")
                             .arg(plural(found.size(), "message"),
                                  found.join(QStringLiteral("; ")));
        break;
    }
    case Expectation::Kind::Fetched: {
        int n = 0;
        for (const trace::TraceEvent &e : traceLog.events())
            n += e.kind == trace::EventKind::MailboxRead &&
                 QString::fromUtf8(e.detail).compare(x.user, Qt::CaseInsensitive) == 0;
        r.passed = n == x.count;
        r.actual = QStringLiteral("it fetched %1").arg(n);
        break;
    }
    case Expectation::Kind::ReplySeen:
    case Expectation::Kind::ReplyNotSeen: {
        int times = 0;
        for (const trace::TraceEvent &e : traceLog.events())
            times += e.kind == trace::EventKind::SmtpReply && e.code == x.code;
        const bool wanted = x.kind == Expectation::Kind::ReplySeen;
        r.passed = wanted ? times > 0 : times == 0;
        r.actual = times == 0 ? QStringLiteral("none was sent")
                              : QStringLiteral("it was sent %1 time%2").arg(times).arg(times == 1 ? "" : "s");
        break;
    }
    case Expectation::Kind::QueueEmpty: {
        const std::optional<std::size_t> size =
            facts.queueSize ? facts.queueSize(x.server) : std::nullopt;
        if (!size) {
            r.actual = QStringLiteral("there is no such server");
            break;
        }
        const std::size_t n = *size;
        r.passed = n == 0;
        r.actual = n == 0 ? QStringLiteral("it is empty")
                          : QStringLiteral("%1 message%2 still waiting").arg(n).arg(n == 1 ? "" : "s");
        break;
    }
    case Expectation::Kind::Hops: {
        const mail::Mailbox *box = mailboxOf(x.user);
        const mail::StoredMessage *found = nullptr;
        if (box) {
            for (const mail::StoredMessage &m : box->messages()) {
                if (subjectMatches(m.content, x.subject)) {
                    found = &m;
                    break;
                }
            }
        }
        if (!found) {
            r.actual = QStringLiteral("no such message arrived");
            break;
        }
        // Count the Received: fields of the header section only.
        int hops = 0;
        for (const message::RawHeaderField &f : message::readHeaderSection(found->content).fields)
            hops += f.isField && f.name.compare("Received", Qt::CaseInsensitive) == 0;
        r.passed = hops == x.count;
        r.actual = QStringLiteral("it has %1 Received: field%2").arg(hops).arg(hops == 1 ? "" : "s");
        break;
    }
    }
    return r;
}

} // namespace

std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const RunFacts &facts)
{
    std::vector<ExpectationResult> results;
    for (const Expectation &x : expectations)
        results.push_back(check(x, facts));
    return results;
}

std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const world::World &world)
{
    RunFacts facts;
    facts.trace = &world.trace();
    facts.mailboxOf = [&world](const QString &address) { return world.mailboxOf(address); };
    facts.queueSize = [&world](const QString &name) -> std::optional<std::size_t> {
        const mail::MailServer *server = findServer(world, name);
        return server ? std::optional(server->queue().size()) : std::nullopt;
    };
    return checkExpectations(expectations, facts);
}

} // namespace mailsim::scenario
