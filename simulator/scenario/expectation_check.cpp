#include "scenario/expectation_check.h"

#include "message/codecs.h"
#include "message/header_section.h"
#include "message/mime.h"

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

} // namespace

QString describeExpectation(const Expectation &x)
{
    switch (x.kind) {
    case Expectation::Kind::MailboxCount:
        return QStringLiteral("%1's mailbox holds %2 message%3%4%5")
            .arg(x.user)
            .arg(x.count)
            .arg(x.count == 1 ? "" : "s", withSubject(x.subject), withAttachment(x.attachment));
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

ExpectationResult check(const Expectation &x, const world::World &world)
{
    ExpectationResult r;
    r.where = x.where;
    r.description = describeExpectation(x);
    switch (x.kind) {
    case Expectation::Kind::MailboxCount: {
        const mail::Mailbox *box = world.mailboxOf(x.user);
        if (!box) {
            r.actual = QStringLiteral("there is no such mailbox");
            break;
        }
        int n = 0;
        for (const mail::StoredMessage &m : box->messages())
            n += subjectMatches(m.content, x.subject) && attachmentMatches(m.content, x.attachment);
        r.passed = n == x.count;
        r.actual = QStringLiteral("it holds %1").arg(n);
        break;
    }
    case Expectation::Kind::ReplySeen:
    case Expectation::Kind::ReplyNotSeen: {
        int times = 0;
        for (const trace::TraceEvent &e : world.trace().events())
            times += e.kind == trace::EventKind::SmtpReply && e.code == x.code;
        const bool wanted = x.kind == Expectation::Kind::ReplySeen;
        r.passed = wanted ? times > 0 : times == 0;
        r.actual = times == 0 ? QStringLiteral("none was sent")
                              : QStringLiteral("it was sent %1 time%2").arg(times).arg(times == 1 ? "" : "s");
        break;
    }
    case Expectation::Kind::QueueEmpty: {
        const mail::MailServer *server = findServer(world, x.server);
        if (!server) {
            r.actual = QStringLiteral("there is no such server");
            break;
        }
        const std::size_t n = server->queue().size();
        r.passed = n == 0;
        r.actual = n == 0 ? QStringLiteral("it is empty")
                          : QStringLiteral("%1 message%2 still waiting").arg(n).arg(n == 1 ? "" : "s");
        break;
    }
    case Expectation::Kind::Hops: {
        const mail::Mailbox *box = world.mailboxOf(x.user);
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
                                                 const world::World &world)
{
    std::vector<ExpectationResult> results;
    for (const Expectation &x : expectations)
        results.push_back(check(x, world));
    return results;
}

} // namespace mailsim::scenario
