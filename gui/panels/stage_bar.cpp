#include "panels/stage_bar.h"

#include "trace/stages.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mailsim::gui {

namespace {
// Short names for the strip; the full title is in the explanation below it.
const char *const kShortNames[] = {"Compose", "Submit", "Connect", "Transfer", "Deliver", "Read"};
} // namespace

StageBar::StageBar(QWidget *parent) : QWidget(parent)
{
    auto *column = new QVBoxLayout(this);
    auto *strip = new QHBoxLayout;
    strip->setSpacing(6);
    for (int i = 0; i < 6; ++i) {
        auto *label = new QLabel(this);
        label->setAlignment(Qt::AlignCenter);
        label->setMinimumHeight(44);
        label->setTextFormat(Qt::RichText);
        m_steps[i] = label;
        strip->addWidget(label, 1);
    }
    column->addLayout(strip);
    m_explanation = new QLabel(this);
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::PlainText);
    m_explanation->setMinimumHeight(72);
    m_explanation->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    QFont big = m_explanation->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_explanation->setFont(big);
    column->addWidget(m_explanation);
    setStage(0);
}

void StageBar::setLessonNotes(const std::map<int, QString> &notes)
{
    m_notes = notes;
    refresh();
}

void StageBar::setStage(int stage)
{
    if (stage == m_stage)
        return;
    m_stage = stage;
    refresh();
}

QString StageBar::explanationText() const
{
    if (m_stage < 1 || m_stage > trace::kStageCount)
        return tr("Press Step (→) or Play (Space) to start. Each step shows one thing that "
                  "happens on the way from the sender to the recipient.");
    const trace::StageInfo &info = trace::stageInfo(m_stage);
    const auto note = m_notes.find(m_stage);
    const QString text = note != m_notes.end() ? note->second : QString::fromUtf8(info.explanation);
    return QStringLiteral("%1 — %2").arg(QString::fromUtf8(info.title), text.simplified());
}

void StageBar::refresh()
{
    for (int i = 0; i < 6; ++i) {
        const int number = i + 1;
        const bool current = number == m_stage;
        const bool done = number < m_stage;
        const QString text = QStringLiteral("%1<b>%2</b>&nbsp;%3%4")
                                 .arg(current ? QStringLiteral("▶ ") : QString())
                                 .arg(number)
                                 .arg(QString::fromLatin1(kShortNames[i]))
                                 .arg(done ? QStringLiteral(" ✓") : QString());
        m_steps[i]->setText(current ? QStringLiteral("<b>%1</b>").arg(text) : text);
        m_steps[i]->setStyleSheet(current ? QStringLiteral("QLabel { background: #1f5fa8; color: white; border: 3px solid #0b2f57; border-radius: 6px; font-size: 16pt; }")
                                  : done  ? QStringLiteral("QLabel { background: #dfe8f3; color: #1b1b1b; border: 1px solid #9fb3cc; border-radius: 6px; font-size: 14pt; }")
                                          : QStringLiteral("QLabel { background: #f2f2f2; color: #555555; border: 1px solid #c8c8c8; border-radius: 6px; font-size: 14pt; }"));
        m_steps[i]->setAccessibleName(QStringLiteral("Stage %1 %2%3").arg(number).arg(QString::fromLatin1(kShortNames[i]),
                                                                          current ? QStringLiteral(" (current)") : QString()));
    }
    m_explanation->setText(explanationText());
}

} // namespace mailsim::gui
