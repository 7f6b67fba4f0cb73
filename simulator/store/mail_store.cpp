#include "store/mail_store.h"

// Flags are IMAP's notion, so a keyword is spelt by IMAP's rule for atoms.
#include "protocol/imap/imap_syntax.h"

#include <algorithm>

namespace mailsim::store {

namespace {

const char *const kSystemFlags[] = {kSeen, kAnswered, kFlagged, kDeleted, kDraft};

bool isInbox(const QString &name) { return name.compare(QLatin1String("INBOX"), Qt::CaseInsensitive) == 0; }

} // namespace

QByteArray canonicalFlag(QByteArrayView flag)
{
    if (flag.isEmpty())
        return {};
    if (flag.front() == '\\') {
        for (const char *f : kSystemFlags) {
            if (flag.compare(QByteArrayView(f), Qt::CaseInsensitive) == 0)
                return QByteArray(f);
        }
        return {}; // \Recent and unknown system flags cannot be set
    }
    for (char c : flag) {
        if (!imap::isAtomChar(c))
            return {};
    }
    return flag.toByteArray();
}

bool StoredMessage::hasFlag(QByteArrayView flag) const
{
    return std::any_of(flags.cbegin(), flags.cend(), [&](const QByteArray &f) {
        return f.compare(flag, Qt::CaseInsensitive) == 0;
    });
}

qsizetype Folder::indexOfUid(quint32 uid) const
{
    auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                               [](const StoredMessage &m, quint32 u) { return m.uid < u; });
    return it != messages.end() && it->uid == uid ? it - messages.begin() : -1;
}

const StoredMessage *Folder::byUid(quint32 uid) const
{
    const qsizetype i = indexOfUid(uid);
    return i < 0 ? nullptr : &messages[static_cast<std::size_t>(i)];
}

qsizetype Folder::unseenCount() const
{
    return std::count_if(messages.begin(), messages.end(),
                         [](const StoredMessage &m) { return !m.hasFlag(kSeen); });
}

qsizetype Folder::recentCount() const
{
    return std::count_if(messages.begin(), messages.end(),
                         [](const StoredMessage &m) { return m.recent; });
}

Mailbox::Mailbox(QString owner, QByteArray password)
    : m_owner(std::move(owner)), m_password(std::move(password))
{
    Folder inbox;
    inbox.name = QStringLiteral("INBOX");
    inbox.uidValidity = m_nextUidValidity++;
    inbox.subscribed = true;
    m_folders.push_back(std::move(inbox));
}

Folder *Mailbox::findFolder(const QString &name)
{
    if (isInbox(name))
        return &m_folders.front();
    for (Folder &f : m_folders) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

const Folder *Mailbox::folder(const QString &name) const
{
    return const_cast<Mailbox *>(this)->findFolder(name);
}

QStringList Mailbox::folderNames() const
{
    QStringList names;
    for (const Folder &f : m_folders)
        names << f.name;
    return names;
}

QString Mailbox::canonicalName(const QString &name) const
{
    const Folder *f = folder(name);
    return f ? f->name : QString();
}

std::optional<QString> Mailbox::createFolder(const QString &rawName, QByteArray cause)
{
    QString name = rawName;
    while (name.endsWith(QLatin1Char('/')))
        name.chop(1); // RFC 3501 6.3.3: a trailing separator only announces sub-folders
    if (name.isEmpty() || name.contains(QLatin1String("//")) || name.startsWith(QLatin1Char('/')))
        return QStringLiteral("\"%1\" is not a folder name").arg(rawName);
    if (findFolder(name))
        return QStringLiteral("a folder called \"%1\" exists already").arg(name);
    if (isInbox(name.section(QLatin1Char('/'), 0, 0)) && name.contains(QLatin1Char('/')))
        return QStringLiteral("folders under INBOX are not supported here");
    // Superior levels come into being with it (RFC 3501 6.3.3), each a folder of its own.
    const QStringList parts = name.split(QLatin1Char('/'));
    QString path;
    for (const QString &part : parts) {
        path = path.isEmpty() ? part : path + QLatin1Char('/') + part;
        if (findFolder(path))
            continue;
        Folder f;
        f.name = path;
        f.uidValidity = m_nextUidValidity++;
        m_folders.push_back(std::move(f));
        notify({Change::Kind::FolderCreated, path, 0, {}, {}, cause});
    }
    return std::nullopt;
}

std::optional<QString> Mailbox::deleteFolder(const QString &name, QByteArray cause)
{
    if (isInbox(name))
        return QStringLiteral("INBOX cannot be deleted");
    Folder *f = findFolder(name);
    if (!f)
        return QStringLiteral("there is no folder called \"%1\"").arg(name);
    const QString prefix = f->name + QLatin1Char('/');
    for (const Folder &other : m_folders) {
        if (other.name.startsWith(prefix))
            return QStringLiteral("\"%1\" has sub-folders; delete those first").arg(f->name);
    }
    const QString deleted = f->name;
    m_folders.erase(m_folders.begin() + (f - m_folders.data()));
    notify({Change::Kind::FolderDeleted, deleted, 0, {}, {}, cause});
    return std::nullopt;
}

std::optional<QString> Mailbox::renameFolder(const QString &from, const QString &rawTo,
                                             QByteArray cause)
{
    Folder *source = findFolder(from);
    if (!source)
        return QStringLiteral("there is no folder called \"%1\"").arg(from);
    QString to = rawTo;
    while (to.endsWith(QLatin1Char('/')))
        to.chop(1);
    if (to.isEmpty() || to.contains(QLatin1String("//")) || to.startsWith(QLatin1Char('/')))
        return QStringLiteral("\"%1\" is not a folder name").arg(rawTo);
    if (findFolder(to))
        return QStringLiteral("a folder called \"%1\" exists already").arg(to);
    if (isInbox(to.section(QLatin1Char('/'), 0, 0)))
        return QStringLiteral("a folder cannot be renamed into INBOX");

    if (source == &m_folders.front()) {
        // RFC 3501 6.3.5: renaming INBOX moves its messages to a new folder; INBOX stays.
        if (std::optional<QString> error = createFolder(to, cause))
            return error;
        Folder *target = findFolder(to);
        Folder &inbox = m_folders.front();
        std::vector<StoredMessage> moved = std::move(inbox.messages);
        inbox.messages.clear();
        for (StoredMessage &m : moved) {
            notify({Change::Kind::Removed, inbox.name, m.uid, m.flags, {}, cause, &m});
            m.uid = target->uidNext++;
            target->messages.push_back(std::move(m));
            const StoredMessage &added = target->messages.back();
            notify({Change::Kind::Added, target->name, added.uid, added.flags, {}, cause, &added});
        }
        return std::nullopt;
    }

    // The folder and its sub-folders move; each keeps its messages and UIDVALIDITY.
    const QString oldName = source->name;
    const QString prefix = oldName + QLatin1Char('/');
    // Superior levels of the new name come into being first.
    const qsizetype slash = to.lastIndexOf(QLatin1Char('/'));
    if (slash > 0 && !findFolder(to.left(slash))) {
        if (std::optional<QString> error = createFolder(to.left(slash), cause))
            return error;
    }
    for (Folder &f : m_folders) {
        if (f.name == oldName || f.name.startsWith(prefix)) {
            const QString before = f.name;
            f.name = to + f.name.mid(oldName.size());
            notify({Change::Kind::FolderRenamed, before, 0, {}, f.name, cause});
        }
    }
    return std::nullopt;
}

bool Mailbox::setSubscribed(const QString &name, bool subscribed)
{
    Folder *f = findFolder(name);
    if (!f)
        return false;
    f->subscribed = subscribed;
    return true;
}

quint32 Mailbox::append(const QString &folderName, StoredMessage message, QByteArray cause)
{
    Folder *f = findFolder(folderName);
    if (!f)
        return 0;
    QByteArrayList flags;
    for (const QByteArray &flag : message.flags) {
        const QByteArray c = canonicalFlag(flag);
        if (!c.isEmpty() && !flags.contains(c))
            flags << c;
    }
    std::sort(flags.begin(), flags.end());
    message.flags = flags;
    message.uid = f->uidNext++;
    const quint32 uid = message.uid;
    f->messages.push_back(std::move(message));
    notify({Change::Kind::Added, f->name, uid, flags, {}, std::move(cause), &f->messages.back()});
    return uid;
}

quint32 Mailbox::copy(const QString &from, quint32 uid, const QString &to, QByteArray cause)
{
    const Folder *source = findFolder(from);
    const StoredMessage *original = source ? source->byUid(uid) : nullptr;
    if (!original || !findFolder(to))
        return 0;
    StoredMessage copied;
    copied.content = original->content;
    copied.messageId = original->messageId;
    copied.arrived = original->arrived;
    copied.internalDate = original->internalDate;
    copied.flags = original->flags;
    return append(to, std::move(copied), std::move(cause));
}

bool Mailbox::setFlags(const QString &folderName, quint32 uid, QByteArrayList flags, QByteArray cause)
{
    Folder *f = findFolder(folderName);
    if (!f)
        return false;
    const qsizetype i = f->indexOfUid(uid);
    if (i < 0)
        return false;
    QByteArrayList canonical;
    for (const QByteArray &flag : flags) {
        const QByteArray c = canonicalFlag(flag);
        if (!c.isEmpty() && !canonical.contains(c))
            canonical << c;
    }
    std::sort(canonical.begin(), canonical.end());
    StoredMessage &m = f->messages[static_cast<std::size_t>(i)];
    if (m.flags == canonical)
        return true;
    m.flags = canonical;
    notify({Change::Kind::FlagsChanged, f->name, uid, canonical, {}, std::move(cause), &m});
    return true;
}

std::vector<quint32> Mailbox::remove(const QString &folderName, const std::vector<quint32> &uids,
                                     QByteArray cause)
{
    std::vector<quint32> removedUids;
    Folder *f = findFolder(folderName);
    if (!f)
        return removedUids;
    std::vector<StoredMessage> kept;
    std::vector<StoredMessage> removed;
    kept.reserve(f->messages.size());
    for (StoredMessage &m : f->messages) {
        if (std::find(uids.begin(), uids.end(), m.uid) != uids.end())
            removed.push_back(std::move(m));
        else
            kept.push_back(std::move(m));
    }
    f->messages = std::move(kept);
    const QString name = f->name;
    for (const StoredMessage &m : removed) {
        removedUids.push_back(m.uid);
        notify({Change::Kind::Removed, name, m.uid, m.flags, {}, cause, &m});
    }
    return removedUids;
}

void Mailbox::clearRecent(const QString &folderName)
{
    if (Folder *f = findFolder(folderName)) {
        for (StoredMessage &m : f->messages)
            m.recent = false;
    }
}

std::size_t Mailbox::totalMessages() const
{
    std::size_t n = 0;
    for (const Folder &f : m_folders)
        n += f.messages.size();
    return n;
}

int Mailbox::addObserver(Observer observer)
{
    const int id = m_nextObserver++;
    m_observers.emplace(id, std::move(observer));
    return id;
}

void Mailbox::removeObserver(int id) { m_observers.erase(id); }

void Mailbox::notify(const Change &change)
{
    // A copy: an observer may remove itself (a session that ends) while being told.
    const auto observers = m_observers;
    for (const auto &[id, observer] : observers) {
        if (m_observers.count(id))
            observer(change);
    }
}

Mailbox &MailStore::addUser(const QString &user, QByteArray password)
{
    const QString key = user.toLower();
    auto it = m_accounts.find(key);
    if (it != m_accounts.end())
        return it->second;
    const QString owner = m_domain.isEmpty() ? key : key + QLatin1Char('@') + m_domain;
    return m_accounts.try_emplace(key, owner, std::move(password)).first->second;
}

Mailbox *MailStore::find(QByteArrayView login)
{
    QString name = QString::fromUtf8(login).toLower();
    const qsizetype at = name.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        if (name.mid(at + 1) != m_domain)
            return nullptr;
        name.truncate(at);
    }
    auto it = m_accounts.find(name);
    return it == m_accounts.end() ? nullptr : &it->second;
}

const Mailbox *MailStore::find(QByteArrayView login) const
{
    return const_cast<MailStore *>(this)->find(login);
}

Mailbox *MailStore::authenticate(QByteArrayView login, QByteArrayView password)
{
    Mailbox *box = find(login);
    if (!box || box->password().isEmpty() || box->password() != password)
        return nullptr;
    return box;
}

} // namespace mailsim::store
