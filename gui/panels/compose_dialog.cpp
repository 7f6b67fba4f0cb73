#include "panels/compose_dialog.h"

#include "scenario/scenario_loader.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace mailsim::gui {

namespace {

// The addresses of a comma-separated field, trimmed; empty entries (a trailing comma) are
// skipped. The first one that is not a mail address goes to *bad.
QStringList addresses(const QString &text, QString *bad)
{
    QStringList result;
    for (const QString &part : text.split(QLatin1Char(','))) {
        const QString address = part.trimmed();
        if (address.isEmpty())
            continue;
        if (!scenario::isValidMailAddress(address) && bad->isEmpty())
            *bad = address;
        result << address;
    }
    return result;
}

QString userText(const world::UserSpec &user)
{
    return user.displayName.isEmpty()
               ? user.address
               : QStringLiteral("%1 <%2>").arg(user.displayName, user.address);
}

} // namespace

ComposeDialog::ComposeDialog(const scenario::Scenario &scenario, QWidget *parent)
    : QDialog(parent), m_users(scenario.world.users)
{
    setWindowTitle(tr("Compose your own message"));
    setObjectName(QStringLiteral("composeDialog"));

    m_from = new QComboBox(this);
    m_from->setObjectName(QStringLiteral("from"));
    for (const world::UserSpec &user : m_users)
        m_from->addItem(userText(user), user.address);
    auto lineEdit = [this](const QString &name, const QString &placeholder) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholder);
        connect(edit, &QLineEdit::textChanged, this, &ComposeDialog::validate);
        return edit;
    };
    const QString several = tr("addresses separated by commas");
    m_to = lineEdit(QStringLiteral("to"), tr("bob@example.net, carol@example.net"));
    m_cc = lineEdit(QStringLiteral("cc"), several);
    m_bcc = lineEdit(QStringLiteral("bcc"),
                     tr("%1: they get the message, no one sees them").arg(several));
    m_subject = lineEdit(QStringLiteral("subject"), tr("what the message is about"));
    m_body = new QPlainTextEdit(this);
    m_body->setObjectName(QStringLiteral("body"));
    m_body->setPlaceholderText(tr("The text of the message. Any language: characters beyond "
                                  "ASCII are encoded for the journey."));
    m_withHtml = new QCheckBox(tr("Also send an &HTML version"), this);
    m_withHtml->setObjectName(QStringLiteral("withHtml"));
    m_html = new QPlainTextEdit(this);
    m_html->setObjectName(QStringLiteral("html"));
    m_html->setPlaceholderText(
        tr("<p>The same text as a web page: <b>bold</b>, <i>italic</i>…</p>"));
    m_html->setEnabled(false);
    connect(m_withHtml, &QCheckBox::toggled, m_html, &QWidget::setEnabled);
    connect(m_withHtml, &QCheckBox::toggled, this, &ComposeDialog::validate);
    connect(m_html, &QPlainTextEdit::textChanged, this, &ComposeDialog::validate);

    m_attachmentList = new QTreeWidget(this);
    m_attachmentList->setObjectName(QStringLiteral("attachments"));
    m_attachmentList->setHeaderLabels({tr("Attachment"), tr("Type"), tr("Size")});
    m_attachmentList->setRootIsDecorated(false);
    m_attachmentList->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_attachmentList->setMaximumHeight(m_attachmentList->sizeHint().height() / 2);
    auto *add = new QPushButton(tr("&Add attachment…"), this);
    add->setObjectName(QStringLiteral("addAttachment"));
    connect(add, &QPushButton::clicked, this, &ComposeDialog::chooseAttachments);
    m_removeAttachment = new QPushButton(tr("&Remove"), this);
    m_removeAttachment->setObjectName(QStringLiteral("removeAttachment"));
    m_removeAttachment->setEnabled(false);
    connect(m_removeAttachment, &QPushButton::clicked, this, [this] {
        removeAttachment(m_attachmentList->indexOfTopLevelItem(m_attachmentList->currentItem()));
    });
    connect(
        m_attachmentList, &QTreeWidget::currentItemChanged, this,
        [this](QTreeWidgetItem *current) { m_removeAttachment->setEnabled(current != nullptr); });

    m_problemLabel = new QLabel(this);
    m_problemLabel->setObjectName(QStringLiteral("problem"));
    m_problemLabel->setWordWrap(true);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Send from stage 1"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&From:"), m_from);
    form->addRow(tr("&To:"), m_to);
    form->addRow(tr("&Cc:"), m_cc);
    form->addRow(tr("&Bcc:"), m_bcc);
    form->addRow(tr("&Subject:"), m_subject);
    auto *attachmentButtons = new QHBoxLayout;
    attachmentButtons->addWidget(add);
    attachmentButtons->addWidget(m_removeAttachment);
    attachmentButtons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_body, 3);
    layout->addWidget(m_withHtml);
    layout->addWidget(m_html, 2);
    layout->addWidget(m_attachmentList, 1);
    layout->addLayout(attachmentButtons);
    layout->addWidget(m_problemLabel);
    layout->addWidget(m_buttons);

    if (!scenario.world.sends.empty()) {
        const world::SendSpec &first = scenario.world.sends.front();
        const auto sender = std::find_if(m_users.begin(), m_users.end(), [&](const auto &u) {
            return u.address.compare(first.from, Qt::CaseInsensitive) == 0;
        });
        if (sender != m_users.end())
            m_from->setCurrentIndex(static_cast<int>(sender - m_users.begin()));
        m_to->setText(first.to.join(QStringLiteral(", ")));
    }
    resize(640, 640);
    validate();
}

world::SendSpec ComposeDialog::message() const
{
    world::SendSpec m;
    m.at = 0;
    m.from = m_from->currentData().toString();
    QString ignored;
    m.to = addresses(m_to->text(), &ignored);
    m.cc = addresses(m_cc->text(), &ignored);
    m.bcc = addresses(m_bcc->text(), &ignored);
    m.subject = m_subject->text();
    m.body = m_body->toPlainText();
    if (m_withHtml->isChecked())
        m.html = m_html->toPlainText();
    m.attachments = m_attachments;
    return m;
}

void ComposeDialog::validate()
{
    QString problem;
    bool any = false;
    const std::pair<const QLineEdit *, QString> fields[] = {
        {m_to, tr("To")}, {m_cc, tr("Cc")}, {m_bcc, tr("Bcc")}};
    for (const auto &[edit, name] : fields) {
        QString bad;
        any = !addresses(edit->text(), &bad).isEmpty() || any;
        if (!bad.isEmpty() && problem.isEmpty())
            problem = tr("%1: '%2' is not a mail address; write addresses such as "
                         "bob@example.net, separated by commas.")
                          .arg(name, bad);
    }
    if (problem.isEmpty() && m_users.empty())
        problem = tr("The scenario has no users, so nobody can send a message.");
    if (problem.isEmpty() && !any)
        problem = tr("Give at least one recipient in To, Cc or Bcc.");
    if (problem.isEmpty() && m_withHtml->isChecked() && m_html->toPlainText().trimmed().isEmpty())
        problem = tr("The HTML version is empty: write it, or untick \"Also send an HTML "
                     "version\".");
    m_problem = problem;
    m_problemLabel->setText(problem);
    m_problemLabel->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

bool ComposeDialog::addAttachmentFile(const QString &path, QString *error)
{
    const QFileInfo info(path);
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (info.isDir())
        return fail(tr("%1 is a folder, not a file.").arg(info.fileName()));
    if (info.size() > kMaxAttachmentSize)
        return fail(tr("%1 is %2; an attachment may have at most %3.")
                        .arg(info.fileName(), sizeText(info.size()), sizeText(kMaxAttachmentSize)));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(tr("%1 cannot be read: %2").arg(info.fileName(), file.errorString()));
    world::AttachmentSpec a;
    a.name = info.fileName();
    a.content = file.readAll();
    // The name first, then the bytes: what a mail program does to label a file it attaches.
    a.mediaType = QMimeDatabase().mimeTypeForFileNameAndData(a.name, a.content).name();
    if (a.mediaType.isEmpty())
        a.mediaType = QStringLiteral("application/octet-stream");
    addAttachment(a);
    return true;
}

void ComposeDialog::addAttachment(const world::AttachmentSpec &attachment)
{
    m_attachments.push_back(attachment);
    // Bytes the student picked go into the scenario itself: a `file:` path from this machine
    // would mean nothing next to a saved scenario elsewhere.
    m_attachments.back().sourceFile.clear();
    refreshAttachments();
}

void ComposeDialog::removeAttachment(int index)
{
    if (index < 0 || index >= static_cast<int>(m_attachments.size()))
        return;
    m_attachments.erase(m_attachments.begin() + index);
    refreshAttachments();
}

void ComposeDialog::refreshAttachments()
{
    m_attachmentList->clear();
    for (const world::AttachmentSpec &a : m_attachments) {
        auto *item = new QTreeWidgetItem(m_attachmentList,
                                         {a.name, a.mediaType, sizeText(a.content.size())});
        item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_removeAttachment->setEnabled(m_attachmentList->currentItem() != nullptr);
}

void ComposeDialog::chooseAttachments()
{
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Add attachment"));
    QStringList problems;
    for (const QString &path : paths) {
        QString error;
        if (!addAttachmentFile(path, &error))
            problems << error;
    }
    if (!problems.isEmpty())
        QMessageBox::warning(this, tr("Not attached"), problems.join(QLatin1Char('\n')));
}

QString ComposeDialog::sizeText(qint64 bytes)
{
    if (bytes < 1024)
        return bytes == 1 ? tr("1 byte") : tr("%1 bytes").arg(bytes);
    if (bytes < 1024 * 1024)
        return tr("%1 KB").arg(static_cast<double>(bytes) / 1024, 0, 'f', 1);
    return tr("%1 MB").arg(static_cast<double>(bytes) / (1024 * 1024), 0, 'f', 1);
}

scenario::Scenario ComposeDialog::withOwnMessage(const scenario::Scenario &scenario,
                                                 const world::SendSpec &message)
{
    scenario::Scenario result = scenario;
    world::WorldSpec &w = result.world;
    world::SendSpec own = message;
    own.at = 0;
    w.sends = {own};
    result.messageIds = {QStringLiteral("own-message")};
    result.expectations.clear();
    const QString suffix = tr(" (your own message)");
    if (!w.title.endsWith(suffix)) // a second message of one's own is still one's own
        w.title += suffix;

    core::SimTime readAt = core::seconds(2);
    for (const world::ReadSpec &r : w.reads)
        readAt = std::max(readAt, r.at);
    for (const QStringList *list : {&own.to, &own.cc, &own.bcc}) {
        for (const QString &address : *list) {
            const auto isUser = [&](const world::UserSpec &u) {
                return u.address.compare(address, Qt::CaseInsensitive) == 0;
            };
            const auto reads = [&](const world::ReadSpec &r) {
                return r.user.compare(address, Qt::CaseInsensitive) == 0;
            };
            const auto user = std::find_if(w.users.begin(), w.users.end(), isUser);
            if (user != w.users.end() && std::none_of(w.reads.begin(), w.reads.end(), reads))
                w.reads.push_back({readAt, user->address, {}});
        }
    }
    // The timeline is kept in time order, as the loader keeps it.
    std::stable_sort(
        w.reads.begin(), w.reads.end(),
        [](const world::ReadSpec &a, const world::ReadSpec &b) { return a.at < b.at; });
    return result;
}

} // namespace mailsim::gui
