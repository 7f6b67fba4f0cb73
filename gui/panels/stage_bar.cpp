#include "panels/stage_bar.h"

#include "style/theme.h"
#include "trace/stages.h"

#include <QEvent>
#include <QResizeEvent>

#include <algorithm>
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
        label->setTextFormat(Qt::RichText);
        m_steps[i] = label;
        strip->addWidget(label, 1);
    }
    column->addLayout(strip);
    m_explanation = new QLabel(this);
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::PlainText);
    m_explanation->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    column->addWidget(m_explanation);
    applyFonts();
    setStage(0);
}

void StageBar::changeEvent(QEvent *event)
{
    // The window zooms by changing its font, and switches theme by changing the palette:
    // the strip's sizes and colours follow both.
    if (event->type() == QEvent::FontChange)
        applyFonts();
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        refresh();
    QWidget::changeEvent(event);
}

void StageBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitExplanation();
}

void StageBar::fitExplanation()
{
    // A dock does not ask its widget for height-for-width, so the wrapped explanation makes
    // room for itself: as many lines as it needs at the current width (at least three, so
    // that the strip does not jump between stages; the stage texts are two to four sentences).
    // Before the bar is laid out its width means nothing; after, up to six lines.
    const int line = QFontMetrics(m_explanation->font()).lineSpacing();
    const int wrapped = isVisible() && m_explanation->width() > 20 * line ? m_explanation->heightForWidth(m_explanation->width()) : 0;
    const int needed = std::clamp(wrapped, line * 3, line * 6);
    if (m_explanation->minimumHeight() != needed)
        m_explanation->setMinimumHeight(needed);
}

void StageBar::applyFonts()
{
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.25);
    m_explanation->setFont(big);
    const QFontMetrics metrics(big);
    fitExplanation();
    for (QLabel *step : m_steps) {
        QFont f = big;
        step->setFont(f);
        step->setMinimumHeight(metrics.height() * 2);
    }
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

void StageBar::setRealClient(bool realClient)
{
    if (realClient == m_realClient)
        return;
    m_realClient = realClient;
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
    const QString explanation = QStringLiteral("%1 — %2").arg(QString::fromUtf8(info.title), text.simplified());
    if (m_realClient)
        return tr("⚑ A real mail program on this computer, not the scenario · %1").arg(explanation);
    return explanation;
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
        // Colours from the palette (light or dark theme); the current stage also has a
        // thicker frame, the arrow and bold type, so it is not marked by colour alone.
        const QPalette &p = palette();
        const QColor active = style::activeColor(p);
        const QColor doneBackground = style::isDark(p) ? active.darker(250) : active.lighter(230);
        const QString css = current ? QStringLiteral("QLabel { background: %1; color: white; border: 3px solid %2; border-radius: 6px; }")
                                          .arg(active.name(), p.color(QPalette::WindowText).name())
                            : done  ? QStringLiteral("QLabel { background: %1; color: %2; border: 1px solid %3; border-radius: 6px; }")
                                          .arg(doneBackground.name(), p.color(QPalette::WindowText).name(), active.name())
                                    : QStringLiteral("QLabel { background: %1; color: %2; border: 1px solid %3; border-radius: 6px; }")
                                          .arg(p.color(QPalette::Base).name(), p.color(QPalette::PlaceholderText).name(),
                                               p.color(QPalette::Mid).name());
        m_steps[i]->setStyleSheet(css);
        m_steps[i]->setAccessibleName(QStringLiteral("Stage %1 %2%3").arg(number).arg(QString::fromLatin1(kShortNames[i]),
                                                                          current ? QStringLiteral(" (current)") : QString()));
    }
    m_explanation->setText(explanationText());
    fitExplanation();
}

} // namespace mailsim::gui
