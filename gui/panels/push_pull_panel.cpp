#include "panels/push_pull_panel.h"

#include "control/simulation_controller.h"

#include <QEvent>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace mailsim::gui {

namespace {

QPlainTextEdit *dialogueView(QWidget *parent)
{
    auto *view = new QPlainTextEdit(parent);
    view->setReadOnly(true);
    view->setLineWrapMode(QPlainTextEdit::NoWrap);
    return view;
}

QString sideTitle(const trace::DialogueSide &side, const QString &role)
{
    if (side.protocol.isEmpty())
        return role;
    return QStringLiteral("%1 · %2: %3 → %4 port %5")
        .arg(role, side.protocol, side.client, side.server)
        .arg(side.port);
}

} // namespace

PushPullPanel::PushPullPanel(const SimulationController &controller, QWidget *parent)
    : QWidget(parent), m_controller(controller), m_status(new QLabel(this)),
      m_pushTitle(new QLabel(this)), m_pullTitle(new QLabel(this)), m_push(dialogueView(this)),
      m_pull(dialogueView(this)), m_table(new QTextBrowser(this))
{
    m_status->setWordWrap(true);
    m_push->setObjectName(QStringLiteral("pushDialogue"));
    m_pull->setObjectName(QStringLiteral("pullDialogue"));
    m_table->setObjectName(QStringLiteral("comparison"));
    m_table->setOpenLinks(false);

    // Two tabs: the comparison (the lesson) gets the whole panel, the two dialogues (its
    // evidence) are one click away, side by side.
    auto *tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("pushPullTabs"));
    auto *sides = new QSplitter(Qt::Horizontal, tabs);
    for (auto [title, view] : {std::pair{m_pushTitle, m_push}, std::pair{m_pullTitle, m_pull}}) {
        auto *box = new QWidget(sides);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        title->setWordWrap(true);
        layout->addWidget(title);
        layout->addWidget(view);
        sides->addWidget(box);
    }
    auto *comparison = new QWidget(tabs);
    auto *comparisonLayout = new QVBoxLayout(comparison);
    comparisonLayout->setContentsMargins(0, 0, 0, 0);
    // The status goes in the same scrolling page as the table: at a large zoom in a small
    // panel, a label of its own would be cut off instead of scrolling.
    m_status->hide();
    comparisonLayout->addWidget(m_table, 1);
    tabs->addTab(comparison, tr("Comparison"));
    tabs->addTab(sides, tr("The two dialogues"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(tabs, 1);

    connect(&controller, &SimulationController::worldReplaced, this, &PushPullPanel::refresh);
    connect(&controller, &SimulationController::cursorChanged, this, &PushPullPanel::refresh);
    changeEvent(nullptr);
    refresh();
}

void PushPullPanel::changeEvent(QEvent *event)
{
    if (!event || event->type() == QEvent::FontChange) {
        // The dialogues in a fixed-width face of the panel's (zoomed) size: bytes line up.
        QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        fixed.setPointSizeF(font().pointSizeF());
        m_push->setFont(fixed);
        m_pull->setFont(fixed);
        QFont bold = font();
        bold.setBold(true);
        m_pushTitle->setFont(bold);
        m_pullTitle->setFont(bold);
    }
    if (event)
        QWidget::changeEvent(event);
}

void PushPullPanel::refresh()
{
    m_comparison = trace::comparePushPull(m_controller.trace(), m_controller.cursor());
    const trace::PushPullComparison &c = m_comparison;
    m_pushTitle->setText(sideTitle(c.push, tr("Push")));
    m_pullTitle->setText(sideTitle(c.pull, tr("Pull")));
    const QString pushText = c.push.lines.join(QLatin1Char('\n'));
    const QString pullText = c.pull.lines.join(QLatin1Char('\n'));
    if (m_push->toPlainText() != pushText)
        m_push->setPlainText(pushText);
    if (m_pull->toPlainText() != pullText)
        m_pull->setPlainText(pullText);
    m_status->setText(statusText());
    const QString html = comparisonHtml();
    if (m_table->toHtml() != html)
        m_table->setHtml(html);
}

QString PushPullPanel::comparisonHtml() const
{
    const trace::PushPullComparison &c = m_comparison;
    const QString status = QStringLiteral("<p>%1</p>").arg(statusText().toHtmlEscaped());
    if (c.rows.empty())
        return status;
    // Words in every cell, so that the table reads without colour and wraps at any zoom.
    QString html = status + QStringLiteral("<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
                                  "<tr><th></th><th align=\"left\">%1</th><th align=\"left\">%2</th></tr>")
                       .arg(tr("Push: SMTP"), tr("Pull: %1").arg(c.pull.protocol.toHtmlEscaped()));
    for (const trace::ComparisonRow &r : c.rows)
        html += QStringLiteral("<tr><td valign=\"top\"><b>%1</b></td><td valign=\"top\">%2</td><td valign=\"top\">%3</td></tr>")
                    .arg(r.question.toHtmlEscaped(), r.push.toHtmlEscaped(), r.pull.toHtmlEscaped());
    return html + QStringLiteral("</table>");
}

QString PushPullPanel::pushText() const { return m_push->toPlainText(); }
QString PushPullPanel::pullText() const { return m_pull->toPlainText(); }

QString PushPullPanel::statusText() const
{
    if (!m_comparison.missing.isEmpty())
        return m_comparison.missing;
    return tr("SMTP pushes: the sender's side opens and sends. %1 pulls: the reader's side "
              "opens and asks, the server answers.")
        .arg(m_comparison.pull.protocol);
}

} // namespace mailsim::gui
