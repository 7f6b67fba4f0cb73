#include "scenario/scenario_writer.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

#include <set>

namespace mailsim::scenario {

namespace {

using core::SimTime;

// Whether `s` can be written without quotes and read back as the same text, in block and in
// flow context alike, and without an editor taking it for a number, a boolean or a null.
bool isPlainSafe(const QString &s)
{
    if (s.isEmpty() || s.front().isSpace() || s.back().isSpace())
        return false;
    if (QStringLiteral("-?:,[]{}#&*!|>'\"%@`~=<").contains(s.front()))
        return false;
    // ": " ends a key. Inside [ ] and { } yaml-cpp ends a plain text at any '?', not only at
    // "? " (an address such as ca?ol@example.net in a list of recipients), so '?' is below.
    if (s.contains(QLatin1String(": ")) || s.endsWith(QLatin1Char(':')))
        return false;
    for (const char32_t u : s.toUcs4()) {
        if (u < 0x20 || u == 0x7f)
            return false;
        if (u < 0x80) {
            if (u == ',' || u == '[' || u == ']' || u == '{' || u == '}' || u == '#' || u == '?')
                return false;
            continue;
        }
        switch (QChar::category(u)) {
        case QChar::Letter_Uppercase:
        case QChar::Letter_Lowercase:
        case QChar::Letter_Titlecase:
        case QChar::Letter_Modifier:
        case QChar::Letter_Other:
        case QChar::Number_DecimalDigit:
        case QChar::Number_Letter:
        case QChar::Number_Other:
        case QChar::Punctuation_Connector:
        case QChar::Punctuation_Dash:
        case QChar::Punctuation_Open:
        case QChar::Punctuation_Close:
        case QChar::Punctuation_InitialQuote:
        case QChar::Punctuation_FinalQuote:
        case QChar::Punctuation_Other:
        case QChar::Symbol_Math:
        case QChar::Symbol_Currency:
        case QChar::Symbol_Modifier:
        case QChar::Symbol_Other:
            break;
        default:
            return false; // spaces other than ' ', marks, controls, unassigned...
        }
    }
    // What YAML 1.1 or 1.2 would read as something other than text.
    static const QRegularExpression special(
        QStringLiteral(R"(^(null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|)"
                       R"(on|On|ON|off|Off|OFF|y|Y|n|N)$)"
                       R"(|^[-+]?[0-9][0-9_]*$)"
                       R"(|^[-+]?0[xXoObB][0-9a-fA-F_]+$)"
                       R"(|^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$)"
                       R"(|^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$)"
                       R"(|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)"
                       R"(|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$)"
                       R"(|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"));
    return !special.match(s).hasMatch();
}

QByteArray doubleQuoted(const QString &s)
{
    QByteArray out = "\"";
    for (const char32_t u : s.toUcs4()) {
        switch (u) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\t':
            out += "\\t";
            continue;
        case '\r':
            out += "\\r";
            continue;
        case 0:
            out += "\\0";
            continue;
        default:
            break;
        }
        if (u < 0x20 || u == 0x7f)
            out += "\\x" + QByteArray::number(static_cast<uint>(u), 16).rightJustified(2, '0');
        else if ((u >= 0x80 && u < 0xA0) || u == 0x2028 || u == 0x2029 || u == 0xFEFF ||
                 (u >= 0xD800 && u < 0xE000))
            out += "\\u" + QByteArray::number(static_cast<uint>(u), 16).rightJustified(4, '0');
        else
            out += QString::fromUcs4(&u, 1).toUtf8();
    }
    return out + '"';
}

QByteArray scalar(const QString &s)
{
    return isPlainSafe(s) ? s.toUtf8() : doubleQuoted(s);
}

// A text of several lines that a literal block ('|') keeps exactly: no tabs or other
// control characters, no line of spaces only, no leading space on the first line (it would
// be taken for indentation), and at most one line break at the end.
bool fitsLiteralBlock(const QString &s)
{
    if (!s.contains(QLatin1Char('\n')) || s.endsWith(QLatin1String("\n\n")) ||
        s.trimmed().isEmpty() || s.front() == QLatin1Char(' '))
        return false;
    for (const char32_t u : s.toUcs4()) {
        if ((u < 0x20 && u != '\n') || u == 0x7f || (u >= 0x80 && u < 0xA0) || u == 0x2028 ||
            u == 0x2029 || u == 0xFEFF || (u >= 0xD800 && u < 0xE000))
            return false;
    }
    const QStringList lines = s.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (!line.isEmpty() && line.trimmed().isEmpty())
            return false;
    }
    return true;
}

// A long text of one line, written folded ('>-'): its single spaces may become line breaks
// in the file, which a folded block reads back as spaces. It must not hold two spaces in a
// row, nor start or end with one, and no control characters.
bool fitsFoldedBlock(const QString &s, int width)
{
    if (s.size() <= width || s.contains(QLatin1String("  ")) || s.front().isSpace() ||
        s.back().isSpace())
        return false;
    for (const char32_t u : s.toUcs4()) {
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xA0) || u == 0x2028 || u == 0x2029 ||
            u == 0xFEFF || (u >= 0xD800 && u < 0xE000))
            return false;
    }
    return true;
}

QByteArray duration(SimTime value)
{
    if (value == 0)
        return "0s";
    struct Unit
    {
        SimTime micros;
        const char *name;
    };
    static const Unit units[] = {{core::minutes(60 * 24), "d"}, {core::minutes(60), "h"},
                                 {core::minutes(1), "m"},       {core::seconds(1), "s"},
                                 {core::milliseconds(1), "ms"}, {1, "us"}};
    for (const Unit &unit : units) {
        if (value % unit.micros == 0)
            return QByteArray::number(value / unit.micros) + unit.name;
    }
    return QByteArray::number(value) + "us";
}

QByteArray size(qint64 bytes)
{
    static const std::pair<qint64, const char *> units[] = {
        {qint64(1024) * 1024 * 1024, "GB"}, {1024 * 1024, "MB"}, {1024, "KB"}};
    for (const auto &[factor, name] : units) {
        if (bytes != 0 && bytes % factor == 0)
            return QByteArray::number(bytes / factor) + name;
    }
    return QByteArray::number(bytes);
}

QByteArray isoTime(const QDateTime &dt)
{
    const QDateTime utc = dt.toUTC();
    return utc.toString(utc.time().msec() != 0 ? Qt::ISODateWithMs : Qt::ISODate).toUtf8();
}

QByteArray relayName(mail::RelayPolicy policy)
{
    switch (policy) {
    case mail::RelayPolicy::Open:
        return "open";
    case mail::RelayPolicy::None:
        return "none";
    case mail::RelayPolicy::LocalClients:
        break;
    }
    return "local-clients";
}

// "{ key: value, key: value }"
class Flow
{
public:
    Flow &add(const char *key, const QByteArray &value)
    {
        m_parts << QByteArray(key) + ": " + value;
        return *this;
    }
    Flow &text(const char *key, const QString &value) { return add(key, scalar(value)); }
    Flow &optionalText(const char *key, const QString &value)
    {
        return value.isEmpty() ? *this : text(key, value);
    }
    [[nodiscard]] QByteArray str() const { return "{ " + m_parts.join(", ") + " }"; }

private:
    QByteArrayList m_parts;
};

// The name an action has in the file.
const char *actionName(world::MailboxActionSpec::Kind kind)
{
    using Kind = world::MailboxActionSpec::Kind;
    switch (kind) {
    case Kind::MarkRead: return "mark-read";
    case Kind::MarkUnread: return "mark-unread";
    case Kind::Flag: return "flag";
    case Kind::Unflag: return "unflag";
    case Kind::Delete: return "delete";
    case Kind::Move: return "move";
    case Kind::Copy: return "copy";
    case Kind::CreateFolder: return "create-folder";
    case Kind::Idle: return "idle";
    }
    return "mark-read";
}

QByteArray list(const QStringList &items)
{
    QByteArrayList parts;
    for (const QString &item : items)
        parts << scalar(item);
    return "[" + parts.join(", ") + "]";
}

// "{ mark-read: { subject: Lunch } }", "{ delete: all }", "{ idle: 30s }"...
QByteArray action(const world::MailboxActionSpec &a)
{
    using Kind = world::MailboxActionSpec::Kind;
    QByteArray value;
    switch (a.kind) {
    case Kind::CreateFolder:
        value = scalar(a.folder);
        break;
    case Kind::Idle:
        value = duration(a.duration);
        break;
    case Kind::Move:
    case Kind::Copy:
        value = Flow().optionalText("subject", a.subject).optionalText("from", a.from)
                    .text("to", a.folder).str();
        break;
    case Kind::MarkRead:
    case Kind::MarkUnread:
    case Kind::Flag:
    case Kind::Unflag:
    case Kind::Delete:
        value = a.subject.isEmpty() && a.from.isEmpty()
                    ? QByteArray("all")
                    : Flow().optionalText("subject", a.subject).optionalText("from", a.from).str();
        break;
    }
    return Flow().add(actionName(a.kind), value).str();
}

// "{ at: 0s, fault: link-slow, between: [internet, mail.example.net], latency: 2s }"
QByteArray fault(const world::FaultSpec &f)
{
    using Kind = world::FaultSpec::Kind;
    Flow entry;
    entry.add("at", duration(f.at)).add("fault", faultKindName(f.kind));
    switch (f.kind) {
    case Kind::ServerDown:
    case Kind::ServerUp:
    case Kind::ServerBusy:
    case Kind::ServerReady:
        entry.text("host", f.host);
        break;
    case Kind::LinkDown:
    case Kind::LinkUp:
        entry.add("between", list({f.host, f.other}));
        break;
    case Kind::LinkSlow:
        entry.add("between", list({f.host, f.other})).add("latency", duration(f.latency));
        break;
    case Kind::NoMx:
        entry.text("domain", f.domain);
        break;
    }
    return entry.str();
}

bool sameContent(const world::SendSpec &a, const world::SendSpec &b)
{
    return a.from == b.from && a.to == b.to && a.cc == b.cc && a.bcc == b.bcc &&
           a.subject == b.subject && a.body == b.body && a.charset == b.charset &&
           a.html == b.html && a.attachments == b.attachments && a.raw == b.raw;
}

const QString kDefaultMediaType = QStringLiteral("application/octet-stream");

bool isMessageId(const QString &id)
{
    static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z0-9][A-Za-z0-9._-]*$)"));
    return id.size() <= 100 && re.match(id).hasMatch();
}

constexpr int kLineWidth = 92; // where long one-line texts are folded

class Writer
{
public:
    QByteArray write(const Scenario &scenario);

private:
    void line(int indent, const QByteArray &text)
    {
        m_out += QByteArray(indent, ' ') + text + '\n';
    }
    void section(const char *key)
    {
        m_out += '\n';
        line(0, QByteArray(key) + ":");
    }
    // "key: value", or "key: |" and the lines of a literal block
    void textField(int indent, const QByteArray &prefix, const QString &value);

    void writeServers(const world::WorldSpec &w);
    void writeWebmail(const world::WorldSpec &w, const world::ServerSpec &server);
    void writeMessagesAndTimeline(const Scenario &scenario);
    void writeAttachments(const world::SendSpec &message);
    void writeExpectations(const Scenario &scenario);

    QByteArray m_out;
};

void Writer::textField(int indent, const QByteArray &prefix, const QString &value)
{
    const int blockIndent = indent + 2;
    const int width = kLineWidth - blockIndent;
    if (fitsFoldedBlock(value, width)) {
        line(indent, prefix + ": >-");
        QString current;
        for (const QString &word : value.split(QLatin1Char(' '))) {
            if (!current.isEmpty() && current.size() + 1 + word.size() > width) {
                line(blockIndent, current.toUtf8());
                current.clear();
            }
            current += (current.isEmpty() ? QString() : QStringLiteral(" ")) + word;
        }
        line(blockIndent, current.toUtf8());
        return;
    }
    if (!fitsLiteralBlock(value)) {
        line(indent, prefix + ": " + scalar(value));
        return;
    }
    QString body = value;
    QByteArray indicator = "|-";
    if (body.endsWith(QLatin1Char('\n'))) {
        indicator = "|";
        body.chop(1);
    }
    line(indent, prefix + ": " + indicator);
    for (const QString &l : body.split(QLatin1Char('\n'))) {
        if (l.isEmpty())
            m_out += '\n';
        else
            line(blockIndent, l.toUtf8());
    }
}

void Writer::writeServers(const world::WorldSpec &w)
{
    const mail::MailServerSettings defaults;
    section("domains");
    for (const world::ServerSpec &server : w.servers) {
        const mail::MailServerSettings &s = server.settings;
        line(2, "- name: " + scalar(s.domain));
        line(4, "server:");
        line(6, "host: " + scalar(s.hostname));
        line(6, "address: " + scalar(server.address));
        if (!server.label.isEmpty())
            line(6, "label: " + scalar(server.label));
        if (s.smtpPort != defaults.smtpPort || s.submissionPort != defaults.submissionPort)
            line(6, "ports: " + Flow()
                                    .add("smtp", QByteArray::number(s.smtpPort))
                                    .add("submission", QByteArray::number(s.submissionPort))
                                    .str());
        if (s.maxMessageSize != defaults.maxMessageSize)
            line(6, "max-message-size: " + size(s.maxMessageSize));
        if (s.maxRecipients != defaults.maxRecipients)
            line(6, "max-recipients: " + QByteArray::number(s.maxRecipients));
        if (s.relay != defaults.relay)
            line(6, "relay: " + relayName(s.relay));
        if (s.retryInterval != defaults.retryInterval || s.maxQueueLifetime != defaults.maxQueueLifetime
            || s.retryBackoff != defaults.retryBackoff || s.maxRetryInterval != defaults.maxRetryInterval) {
            Flow retry;
            retry.add("interval", duration(s.retryInterval));
            if (s.retryBackoff != defaults.retryBackoff)
                retry.add("backoff", QByteArray::number(s.retryBackoff));
            if (s.maxRetryInterval != defaults.maxRetryInterval)
                retry.add("max-interval", duration(s.maxRetryInterval));
            retry.add("give-up-after", duration(s.maxQueueLifetime));
            line(6, "retry: " + retry.str());
        }
        if (s.queuePickupDelay != defaults.queuePickupDelay)
            line(6, "queue-pickup-delay: " + duration(s.queuePickupDelay));
        if (s.eightBitMime != defaults.eightBitMime)
            line(6, QByteArray("eight-bit-mime: ") + (s.eightBitMime ? "true" : "false"));
        writeWebmail(w, server);

        std::vector<const world::MxSpec *> mx;
        for (const world::MxSpec &record : w.mx) {
            if (record.domain == s.domain)
                mx.push_back(&record);
        }
        const bool isDefault =
            mx.size() == 1 && mx[0]->preference == 10 && mx[0]->exchange == s.hostname;
        if (mx.empty()) {
            line(4, "mx: []");
        } else if (!isDefault) {
            line(4, "mx:");
            for (const world::MxSpec *record : mx)
                line(6, "- " + Flow()
                                   .add("preference", QByteArray::number(record->preference))
                                   .text("host", record->exchange)
                                   .str());
        }
    }
}

// Left out when a web mail user of the domain makes the loader assume it anyway: what is
// written is what the teacher had to write.
void Writer::writeWebmail(const world::WorldSpec &w, const world::ServerSpec &server)
{
    const world::WebServerSpec &web = server.web;
    if (!web.enabled)
        return;
    const world::WebServerSpec plain{true, {}, {}, {}, 80};
    if (web == plain) {
        const bool implied = std::any_of(w.users.begin(), w.users.end(), [&](const auto &u) {
            const QString domain = u.address.mid(u.address.lastIndexOf(QLatin1Char('@')) + 1);
            return u.access == mail::AccessRoute::WebMail &&
                   domain.compare(server.settings.domain, Qt::CaseInsensitive) == 0;
        });
        if (!implied)
            line(6, "webmail: same-host");
        return;
    }
    Flow f;
    if (!web.host.isEmpty())
        f.text("host", web.host).text("address", web.address);
    f.optionalText("label", web.label);
    if (web.port != 80 || (web.host.isEmpty() && web.label.isEmpty()))
        f.add("port", QByteArray::number(web.port));
    line(6, "webmail: " + f.str());
}

void Writer::writeMessagesAndTimeline(const Scenario &scenario)
{
    const world::WorldSpec &w = scenario.world;
    // Which id each send gets, and the messages in the order they are first sent.
    std::set<QString> taken;
    for (std::size_t i = 0; i < w.sends.size() && i < scenario.messageIds.size(); ++i) {
        if (isMessageId(scenario.messageIds[i]))
            taken.insert(scenario.messageIds[i]);
    }
    std::vector<std::pair<QString, const world::SendSpec *>> messages;
    std::vector<QString> ids;
    int generated = 0;
    for (std::size_t i = 0; i < w.sends.size(); ++i) {
        QString id = i < scenario.messageIds.size() ? scenario.messageIds[i] : QString();
        if (!isMessageId(id))
            id.clear();
        if (!id.isEmpty()) {
            const auto it = std::find_if(messages.begin(), messages.end(),
                                         [&](const auto &m) { return m.first == id; });
            if (it != messages.end() && !sameContent(*it->second, w.sends[i]))
                id.clear(); // the same id for two different messages: make up a new one
            else if (it == messages.end())
                messages.emplace_back(id, &w.sends[i]);
        }
        if (id.isEmpty()) {
            do {
                id = QStringLiteral("message-%1").arg(++generated);
            } while (taken.count(id));
            taken.insert(id);
            messages.emplace_back(id, &w.sends[i]);
        }
        ids.push_back(id);
    }

    if (!messages.empty()) {
        section("messages");
        for (const auto &[id, m] : messages) {
            line(2, "- id: " + scalar(id));
            line(4, "from: " + scalar(m->from));
            if (!m->to.isEmpty())
                line(4, "to: " + list(m->to));
            if (!m->cc.isEmpty())
                line(4, "cc: " + list(m->cc));
            if (!m->bcc.isEmpty())
                line(4, "bcc: " + list(m->bcc));
            if (!m->raw.isEmpty()) {
                textField(4, "raw", m->raw);
                continue; // a raw message has no other content
            }
            if (!m->subject.isEmpty())
                textField(4, "subject", m->subject);
            if (!m->charset.isEmpty())
                line(4, "charset: " + scalar(m->charset));
            if (!m->body.isEmpty())
                textField(4, "body", m->body);
            if (!m->html.isEmpty())
                textField(4, "html", m->html);
            writeAttachments(*m);
        }
    }

    if (w.sends.empty() && w.reads.empty() && w.faults.empty())
        return;
    section("timeline");
    // A world made in code may list its faults in any order; the file is read in time order.
    std::vector<world::FaultSpec> faults = w.faults;
    std::stable_sort(faults.begin(), faults.end(),
                     [](const world::FaultSpec &a, const world::FaultSpec &b) {
                         return a.at < b.at;
                     });
    // Faults, sends and reads merged by time, each in its own order. At the same moment a
    // fault comes first: it reads as the state the send or read meets.
    std::size_t f = 0;
    std::size_t s = 0;
    std::size_t r = 0;
    while (f < faults.size() || s < w.sends.size() || r < w.reads.size()) {
        const bool faultFirst =
            f < faults.size() && (s == w.sends.size() || faults[f].at <= w.sends[s].at) &&
            (r == w.reads.size() || faults[f].at <= w.reads[r].at);
        if (faultFirst) {
            line(2, "- " + fault(faults[f]));
            ++f;
        } else if (r == w.reads.size() ||
                   (s < w.sends.size() && w.sends[s].at <= w.reads[r].at)) {
            Flow entry;
            entry.add("at", duration(w.sends[s].at)).text("send", ids[s]);
            if (w.sends[s].mistake != world::SendSpec::Mistake::None)
                entry.add("mistake", mistakeName(w.sends[s].mistake));
            line(2, "- " + entry.str());
            ++s;
        } else if (w.reads[r].actions.empty()) {
            line(2,
                 "- " +
                     Flow().add("at", duration(w.reads[r].at)).text("read", w.reads[r].user).str());
            ++r;
        } else {
            line(2, "- at: " + duration(w.reads[r].at));
            line(4, "read: " + scalar(w.reads[r].user));
            line(4, "actions:");
            for (const world::MailboxActionSpec &a : w.reads[r].actions)
                line(6, "- " + action(a));
            ++r;
        }
    }
}

void Writer::writeAttachments(const world::SendSpec &message)
{
    if (message.attachments.empty())
        return;
    line(4, "attachments:");
    for (const world::AttachmentSpec &a : message.attachments) {
        // The name is left out when the file's own name says it, the type when it is the
        // default: what is left is what the teacher had to write.
        Flow f;
        if (!a.sourceFile.isEmpty()) {
            f.text("file", a.sourceFile);
            if (a.name != QFileInfo(a.sourceFile).fileName())
                f.text("name", a.name);
        } else {
            f.text("name", a.name);
        }
        if (a.mediaType != kDefaultMediaType && !a.mediaType.isEmpty())
            f.text("type", a.mediaType);
        if (!a.sourceFile.isEmpty()) {
            line(6, "- " + f.str());
            continue;
        }
        // Inline bytes: short ones on the line, longer ones as a block of 76-character lines,
        // as base64 is written in mail.
        const QByteArray encoded = a.content.toBase64();
        if (encoded.size() <= 60) {
            line(6, "- " + f.add("base64", encoded.isEmpty() ? QByteArray("\"\"")
                                                             : scalar(QString::fromLatin1(encoded)))
                               .str());
            continue;
        }
        line(6, "- name: " + scalar(a.name));
        if (a.mediaType != kDefaultMediaType && !a.mediaType.isEmpty())
            line(8, "type: " + scalar(a.mediaType));
        line(8, "base64: |-");
        for (qsizetype i = 0; i < encoded.size(); i += 76)
            line(10, encoded.mid(i, 76));
    }
}

void Writer::writeExpectations(const Scenario &scenario)
{
    if (scenario.expectations.empty())
        return;
    section("expect");
    for (const Expectation &e : scenario.expectations) {
        Flow f;
        switch (e.kind) {
        case Expectation::Kind::MailboxCount:
            f.text("mailbox", e.user);
            f.optionalText("folder", e.folder);
            f.add("count", QByteArray::number(e.count));
            f.optionalText("subject", e.subject);
            f.optionalText("attachment", e.attachment);
            break;
        case Expectation::Kind::AccessReplySeen:
        case Expectation::Kind::AccessReplyNotSeen: {
            const bool seen = e.kind == Expectation::Kind::AccessReplySeen;
            const bool http = e.protocol == QLatin1String("http");
            const QByteArray key = e.protocol.toUtf8() + (http ? "-status" : "-reply") +
                                   (seen ? "" : "-not-seen");
            f.add(key.constData(), http ? QByteArray::number(e.code) : scalar(e.status));
            break;
        }
        case Expectation::Kind::Flags:
            f.text("flags", e.user);
            f.optionalText("folder", e.folder);
            f.optionalText("subject", e.subject);
            if (!e.flags.isEmpty())
                f.add("has", list(e.flags));
            if (!e.withoutFlags.isEmpty())
                f.add("lacks", list(e.withoutFlags));
            break;
        case Expectation::Kind::Fetched:
            f.text("fetched", e.user).add("count", QByteArray::number(e.count));
            break;
        case Expectation::Kind::Hops:
            f.text("hops", e.user).add("servers", QByteArray::number(e.count));
            f.optionalText("subject", e.subject);
            break;
        case Expectation::Kind::ReplySeen:
            f.add("reply-seen", QByteArray::number(e.code));
            break;
        case Expectation::Kind::ReplyNotSeen:
            f.add("reply-not-seen", QByteArray::number(e.code));
            break;
        case Expectation::Kind::QueueEmpty:
            f.text("queue-empty", e.server);
            break;
        }
        line(2, "- " + f.str());
    }
}

QByteArray Writer::write(const Scenario &scenario)
{
    const world::WorldSpec &w = scenario.world;
    m_out.clear();
    textField(0, "title", w.title);
    if (!w.description.isEmpty())
        textField(0, "description", w.description);
    line(0, "seed: " + QByteArray::number(w.seed));
    line(0, "start: " + isoTime(w.epoch));

    if (!scenario.lessonNotes.empty()) {
        section("lesson-notes");
        for (const auto &[stage, note] : scenario.lessonNotes)
            textField(2, QByteArray::number(stage), note);
    }

    m_out += '\n';
    line(0, "dns: " + Flow()
                          .text("host", w.dns.name)
                          .text("address", w.dns.address)
                          .optionalText("label", w.dns.label)
                          .str());
    if (!w.routers.empty()) {
        section("routers");
        for (const world::HostSpec &r : w.routers)
            line(2, "- " + Flow()
                               .text("host", r.name)
                               .text("address", r.address)
                               .optionalText("label", r.label)
                               .str());
    }

    writeServers(w);

    section("users");
    for (const world::UserSpec &u : w.users) {
        line(2, "- address: " + scalar(u.address));
        if (!u.displayName.isEmpty())
            line(4, "name: " + scalar(u.displayName));
        if (!u.password.isEmpty())
            line(4, "password: " + scalar(u.password));
        if (!u.typedPassword.isEmpty())
            line(4, "typed-password: " + scalar(u.typedPassword));
        line(4, "computer: " + Flow()
                                   .text("host", u.uaHost)
                                   .text("address", u.uaAddress)
                                   .optionalText("label", u.label)
                                   .str());
        if (!u.submitTo.isEmpty())
            line(4, "submit-to: " + scalar(u.submitTo));
        if (u.access != mail::AccessRoute::Pop3Keep)
            line(4, QByteArray("access: ") + mail::toString(u.access));
    }

    if (!w.links.empty()) {
        section("links");
        for (const world::LinkSpec &l : w.links)
            line(2, "- " + Flow()
                               .add("between", list({l.a, l.b}))
                               .add("latency", duration(l.latency))
                               .str());
    }

    // Records the domains do not hold: A records, and MX records of other domains.
    QStringList serverDomains;
    for (const world::ServerSpec &s : w.servers)
        serverDomains << s.settings.domain;
    std::vector<QByteArray> records;
    for (const world::AddressRecordSpec &a : w.addressRecords)
        records.push_back(
            Flow().add("type", "A").text("name", a.name).text("address", a.address).str());
    for (const world::MxSpec &mx : w.mx) {
        if (!serverDomains.contains(mx.domain))
            records.push_back(Flow()
                                  .add("type", "MX")
                                  .text("domain", mx.domain)
                                  .add("preference", QByteArray::number(mx.preference))
                                  .text("host", mx.exchange)
                                  .str());
    }
    if (!records.empty()) {
        section("dns-records");
        for (const QByteArray &r : records)
            line(2, "- " + r);
    }

    writeMessagesAndTimeline(scenario);
    writeExpectations(scenario);
    return m_out;
}

} // namespace

QByteArray writeScenario(const Scenario &scenario)
{
    return Writer().write(scenario);
}

} // namespace mailsim::scenario
