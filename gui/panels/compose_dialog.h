// "Compose your own message…": the student writes a message (From, To, Cc, Bcc, Subject,
// body, an optional HTML version, attachments) and the open scenario is replayed from stage 1
// with it, so that the lecture's six stages follow their own mail.
//
// The dialog only describes the message, as a world::SendSpec: the same data a scenario
// file's `messages:` entry gives, so the message then travels exactly as one from a file
// would, and a scenario saved afterwards holds it. Addresses are checked with the scenario
// loader's own rule (scenario::isValidMailAddress); OK stays disabled, with a line saying
// why, until the message could be sent.
#pragma once

#include "scenario/scenario.h"
#include "world/world_spec.h"

#include <QDialog>

#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace mailsim::gui {

class ComposeDialog : public QDialog
{
    Q_OBJECT
public:
    // The users of `scenario` are the possible senders; From and To start as the scenario's
    // first message has them, so that a student who only changes the text still gets a
    // message that arrives.
    explicit ComposeDialog(const scenario::Scenario &scenario, QWidget *parent = nullptr);

    // The message as filled in, sent at time 0. Meaningful when problem() is empty.
    [[nodiscard]] world::SendSpec message() const;
    // Why the message cannot be sent yet ("" when it can): the text under the fields, and
    // the reason OK is disabled.
    [[nodiscard]] QString problem() const { return m_problem; }

    // Adds the file at `path` as an attachment, as "Add attachment…" does with the file the
    // student chose: any bytes, the media type guessed from the name and the content. False,
    // with *error set, when it cannot be read or is too large.
    bool addAttachmentFile(const QString &path, QString *error = nullptr);
    void addAttachment(const world::AttachmentSpec &attachment);
    void removeAttachment(int index);
    [[nodiscard]] const std::vector<world::AttachmentSpec> &attachments() const
    {
        return m_attachments;
    }

    // The largest file "Add attachment…" takes; the scenario loader's limit too.
    static constexpr qint64 kMaxAttachmentSize = qint64(64) * 1024 * 1024;

    // `scenario` with the student's `message` in place of all of its messages: sent at 0s, as
    // the only send of the timeline, so that stage 1 starts with it. The rest is kept (network,
    // users, lesson notes, the mailbox reads), and every recipient who is a user of the
    // scenario and does not read their mailbox yet gets a read at the time of the latest one
    // (at 2s at the earliest), so that stage 6 shows the message arriving. The teacher's
    // expectations are dropped: they were written about the teacher's messages. The title
    // says that it is the student's own message.
    static scenario::Scenario withOwnMessage(const scenario::Scenario &scenario,
                                             const world::SendSpec &message);

    // "12 bytes", "3.4 KB", "1.2 MB": the size shown next to an attachment.
    static QString sizeText(qint64 bytes);

private:
    void chooseAttachments();
    void refreshAttachments();
    void validate();

    std::vector<world::UserSpec> m_users;
    std::vector<world::AttachmentSpec> m_attachments;
    QString m_problem;

    QComboBox *m_from = nullptr;
    QLineEdit *m_to = nullptr;
    QLineEdit *m_cc = nullptr;
    QLineEdit *m_bcc = nullptr;
    QLineEdit *m_subject = nullptr;
    QPlainTextEdit *m_body = nullptr;
    QCheckBox *m_withHtml = nullptr;
    QPlainTextEdit *m_html = nullptr;
    QTreeWidget *m_attachmentList = nullptr;
    QPushButton *m_removeAttachment = nullptr;
    QLabel *m_problemLabel = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace mailsim::gui
