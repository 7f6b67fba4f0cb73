// The messages a mail server keeps for its users: one account per user, each with folders
// (INBOX first), each message with a UID, flags and the date it arrived.
//
// This is the server-side state that the access protocols read and change: SMTP delivery
// appends to INBOX, POP3 lists, retrieves and (at QUIT) removes, IMAP selects folders,
// fetches, sets flags, copies, appends and expunges. It lives beside the protocol engines
// (QtCore only, no clock, no trace) so that the same store serves the simulated world, the
// engines' unit tests and the loopback harness Python's poplib and imaplib talk to.
//
// The rules of RFC 3501 that concern storage are kept here, once, for every protocol:
// UIDs strictly ascend within a folder and are never reused (UIDNEXT only grows); each folder
// has a UIDVALIDITY, new for every newly created folder name; flags are a set, system flags
// (\Seen, \Answered, \Flagged, \Deleted, \Draft) matched without regard to case; INBOX is
// named without regard to case and cannot be deleted; "/" separates levels of folder names.
//
// Every change is reported to the account's observers after it is made, so that a driver
// can trace it and wake an IMAP session waiting in IDLE. Observers must not change the
// account from inside the callback (schedule that instead).
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace mailsim::store {

// IMAP system flags (RFC 3501 2.3.2), spelt as servers send them.
inline constexpr char kSeen[] = "\\Seen";
inline constexpr char kAnswered[] = "\\Answered";
inline constexpr char kFlagged[] = "\\Flagged";
inline constexpr char kDeleted[] = "\\Deleted";
inline constexpr char kDraft[] = "\\Draft";

// The canonical spelling of a flag: a system flag in the case above, a keyword as given.
// Returns an empty array for something that cannot be a flag here (\Recent, which only the
// server sets, an unknown system flag, or a keyword with characters IMAP does not allow).
QByteArray canonicalFlag(QByteArrayView flag);

struct StoredMessage
{
    QByteArray content;       // the message as stored, CR LF line ends
    QByteArray messageId;     // the Message-ID field's value, for tracking; may be empty
    QByteArray envelopeFrom;  // MAIL FROM address; empty for bounces and for APPENDed mail
    QByteArray envelopeTo;    // the RCPT TO address it was delivered for
    QByteArray queueId;       // the id the server gave it when it accepted it
    qint64 arrived = 0;       // virtual time of arrival, in microseconds (the world's clock)
    QDateTime internalDate;   // IMAP INTERNALDATE: the date and time it arrived, UTC
    quint32 uid = 0;          // set by the folder when the message is added
    QByteArrayList flags;     // canonical spellings, sorted, no duplicates; never \Recent
    bool recent = true;       // IMAP \Recent: no session has seen it in a SELECT yet

    [[nodiscard]] bool hasFlag(QByteArrayView flag) const;
    [[nodiscard]] qsizetype size() const { return content.size(); } // octets, CR LF counted
};

struct Folder
{
    QString name;              // "INBOX", "Archive", "Archive/2025"
    quint32 uidValidity = 1;   // new value whenever a folder of this name is made again
    quint32 uidNext = 1;       // the UID the next message will get
    bool subscribed = false;   // IMAP SUBSCRIBE / LSUB
    std::vector<StoredMessage> messages; // ascending UID

    // Index of the message with this UID, or -1.
    [[nodiscard]] qsizetype indexOfUid(quint32 uid) const;
    [[nodiscard]] const StoredMessage *byUid(quint32 uid) const;
    [[nodiscard]] qsizetype unseenCount() const;
    [[nodiscard]] qsizetype recentCount() const;
};

// What changed in an account, for observers.
struct Change
{
    enum class Kind {
        Added,         // a message was added to `folder` (delivery, APPEND, COPY); `uid`
        Removed,       // a message left `folder` for good (POP3 at QUIT, IMAP EXPUNGE); `uid`
        FlagsChanged,  // `uid`'s flags in `folder` are now `flags`
        FolderCreated, // `folder`
        FolderDeleted, // `folder`
        FolderRenamed, // `folder` is now called `newName`
    };
    Kind kind = Kind::Added;
    QString folder;
    quint32 uid = 0;
    QByteArrayList flags;
    QString newName;
    // Who made the change, as the caller said (for the trace: "POP3 QUIT", "IMAP EXPUNGE",
    // "delivery"); may be empty.
    QByteArray cause;
    // The message concerned (Added, Removed, FlagsChanged), valid only during the callback:
    // a removed message is still readable here although it has left the folder.
    const StoredMessage *message = nullptr;
};

class Mailbox
{
public:
    using Observer = std::function<void(const Change &)>;

    // owner: the full address, e.g. "bob@example.net"; password: for LOGIN, PASS and APOP.
    explicit Mailbox(QString owner = {}, QByteArray password = {});
    Mailbox(const Mailbox &) = delete;
    Mailbox &operator=(const Mailbox &) = delete;
    Mailbox(Mailbox &&) = default;
    Mailbox &operator=(Mailbox &&) = default;

    [[nodiscard]] const QString &owner() const { return m_owner; }
    [[nodiscard]] const QByteArray &password() const { return m_password; }
    void setPassword(QByteArray password) { m_password = std::move(password); }

    // ---- folders
    // The folder of this name (INBOX in any case), or nullptr.
    [[nodiscard]] const Folder *folder(const QString &name) const;
    [[nodiscard]] const Folder &inbox() const { return m_folders.front(); }
    // Folder names in creation order, INBOX first.
    [[nodiscard]] QStringList folderNames() const;
    [[nodiscard]] const std::vector<Folder> &folders() const { return m_folders; }
    // The name as the store spells it ("INBOX" for any case of it); empty if unknown.
    [[nodiscard]] QString canonicalName(const QString &name) const;
    // Each returns an error text for people, or nothing on success.
    std::optional<QString> createFolder(const QString &name, QByteArray cause = {});
    std::optional<QString> deleteFolder(const QString &name, QByteArray cause = {});
    // Renaming INBOX moves its messages to the new folder and leaves INBOX empty (RFC 3501).
    std::optional<QString> renameFolder(const QString &from, const QString &to,
                                        QByteArray cause = {});
    bool setSubscribed(const QString &name, bool subscribed);

    // ---- messages
    // Adds a message to the folder (it must exist) and returns its new UID, 0 on failure.
    quint32 append(const QString &folder, StoredMessage message, QByteArray cause = {});
    // Replaces the flags of one message; returns false if there is no such message.
    bool setFlags(const QString &folder, quint32 uid, QByteArrayList flags, QByteArray cause = {});
    // Copies a message into another folder as a new message (IMAP COPY, a move's first half).
    // The copy keeps content, flags and date but not the delivery facts (envelope, queue id):
    // those belong to the delivery, which happened once. Returns the new UID, 0 on failure.
    quint32 copy(const QString &from, quint32 uid, const QString &to, QByteArray cause = {});
    // Removes the listed messages from the folder for good (POP3 UPDATE, IMAP EXPUNGE).
    // Returns the UIDs really removed, ascending.
    std::vector<quint32> remove(const QString &folder, const std::vector<quint32> &uids,
                                QByteArray cause = {});
    // Clears \Recent on every message of the folder (a SELECT has shown them).
    void clearRecent(const QString &folder);

    // The INBOX's messages (what SMTP delivered and POP3 sees).
    [[nodiscard]] const std::vector<StoredMessage> &messages() const { return inbox().messages; }
    [[nodiscard]] std::size_t size() const { return inbox().messages.size(); }
    // Messages in every folder.
    [[nodiscard]] std::size_t totalMessages() const;
    // The INBOX delivery path used by mail servers.
    quint32 add(StoredMessage message) { return append(QStringLiteral("INBOX"), std::move(message), "delivery"); }

    // ---- the POP3 maildrop lock (RFC 1939 section 8: one session at a time)
    [[nodiscard]] bool tryLock() { if (m_locked) return false; m_locked = true; return true; }
    void unlock() { m_locked = false; }
    [[nodiscard]] bool isLocked() const { return m_locked; }

    // ---- observers
    int addObserver(Observer observer);
    void removeObserver(int id);

private:
    Folder *findFolder(const QString &name);
    void notify(const Change &change);

    QString m_owner;
    QByteArray m_password;
    std::vector<Folder> m_folders; // INBOX first, then in creation order
    quint32 m_nextUidValidity = 1;
    bool m_locked = false;
    std::map<int, Observer> m_observers;
    int m_nextObserver = 1;
};

// Every account of one mail server.
class MailStore
{
public:
    explicit MailStore(QString domain = {}) : m_domain(std::move(domain).toLower()) {}

    [[nodiscard]] const QString &domain() const { return m_domain; }
    // Adds an account for local part `user` (lower-cased); returns the existing one if present.
    Mailbox &addUser(const QString &user, QByteArray password = {});
    // The account for a login name: the local part ("bob") or the full address
    // ("bob@example.net") under this store's domain, in any case; nullptr if unknown.
    [[nodiscard]] Mailbox *find(QByteArrayView login);
    [[nodiscard]] const Mailbox *find(QByteArrayView login) const;
    // Checks a login and password; nullptr when either is wrong.
    [[nodiscard]] Mailbox *authenticate(QByteArrayView login, QByteArrayView password);
    [[nodiscard]] const std::map<QString, Mailbox> &accounts() const { return m_accounts; }
    [[nodiscard]] std::map<QString, Mailbox> &accounts() { return m_accounts; }

private:
    QString m_domain;
    std::map<QString, Mailbox> m_accounts; // by lower-case local part
};

} // namespace mailsim::store
