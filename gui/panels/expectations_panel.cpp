#include "panels/expectations_panel.h"

#include "control/simulation_controller.h"
#include "style/theme.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace mailsim::gui {

ExpectationsPanel::ExpectationsPanel(const SimulationController &controller, QWidget *parent)
    : QWidget(parent), m_controller(controller)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("expectationsStatus"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    QFont bold; // only the weight is set, so the size still follows the window's zoom
    bold.setBold(true);
    m_status->setFont(bold);
    layout->addWidget(m_status);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("expectationsList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Result"), tr("Expectation"), tr("Found at the end")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus); // the arrow keys step the simulation
    m_list->setWordWrap(false);
    // The result and what was found are short and must stay readable; the description takes
    // the rest, and its tooltip has it whole when a narrow dock cuts it.
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(ResultColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(ExpectationColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(FoundColumn, QHeaderView::ResizeToContents);
    layout->addWidget(m_list, 1);

    connect(&m_controller, &SimulationController::worldReplaced, this, &ExpectationsPanel::refresh);
    connect(&m_controller, &SimulationController::cursorChanged, this,
            &ExpectationsPanel::onCursorChanged);
    refresh();
}

QString ExpectationsPanel::passedLabel()
{
    return tr("✓ passed");
}

QString ExpectationsPanel::failedLabel()
{
    return tr("✗ failed");
}

QString ExpectationsPanel::notYetLabel()
{
    return tr("… not checked yet");
}

int ExpectationsPanel::failedCount() const
{
    return int(std::count_if(m_results.begin(), m_results.end(),
                             [](const scenario::ExpectationResult &r) { return !r.passed; }));
}

QString ExpectationsPanel::statusText() const
{
    return m_status->text();
}

const QAbstractItemModel *ExpectationsPanel::resultsModel() const
{
    return m_list->model();
}

void ExpectationsPanel::onCursorChanged()
{
    // Only reaching the end or leaving it changes what the panel shows; while a scenario
    // plays, the steps in between cost nothing here.
    if (m_controller.atEnd() != m_atEnd)
        refresh();
}

void ExpectationsPanel::refresh()
{
    m_atEnd = m_controller.atEnd();
    m_checked = m_atEnd && !m_controller.scenario().expectations.empty();
    // Checked on the controller's world only at the end: before it, the world may have been
    // simulated further than the cursor (after a step back), and it is what the student has
    // seen that counts. At the end, world, trace and cursor agree, as in the CLI after its
    // last step.
    m_results = m_checked ? scenario::checkExpectations(m_controller.scenario().expectations,
                                                        m_controller.world())
                          : std::vector<scenario::ExpectationResult>();
    fill();
}

void ExpectationsPanel::fill()
{
    const auto &expectations = m_controller.scenario().expectations;
    const auto total = int(expectations.size());
    if (total == 0) {
        m_status->setText(tr("This scenario sets no expectations: its file has no 'expect:' "
                             "list, so there is nothing to check at the end."));
    } else if (!m_checked) {
        m_status->setText(total == 1
                              ? tr("This scenario has 1 expectation. It is checked when the "
                                   "scenario has run to the end.")
                              : tr("This scenario has %1 expectations. They are checked when "
                                   "the scenario has run to the end.")
                                    .arg(total));
    } else if (const int failed = failedCount(); failed == 0) {
        m_status->setText(total == 1 ? tr("The expectation passed.")
                                     : tr("All %1 expectations passed.").arg(total));
    } else {
        m_status->setText(tr("%1 of %2 expectations failed.").arg(failed).arg(total));
    }

    m_list->clear();
    const QPalette &colours = palette();
    QList<QTreeWidgetItem *> rows;
    for (int i = 0; i < total; ++i) {
        auto *row = new QTreeWidgetItem;
        const scenario::Expectation &x = expectations[std::size_t(i)];
        if (m_checked) {
            const scenario::ExpectationResult &r = m_results[std::size_t(i)];
            row->setText(ResultColumn, r.passed ? passedLabel() : failedLabel());
            row->setForeground(ResultColumn, style::replyClassColor(r.passed ? 2 : 5, colours));
            if (!r.passed) {
                // Only the weight is set, so the size still follows the window's zoom.
                QFont bold;
                bold.setBold(true);
                row->setFont(ResultColumn, bold);
            }
            row->setText(ExpectationColumn, r.description);
            row->setText(FoundColumn, r.passed ? r.actual : tr("but %1").arg(r.actual));
        } else {
            row->setText(ResultColumn, notYetLabel());
            row->setForeground(ResultColumn, style::quietColor(colours));
            row->setText(ExpectationColumn, scenario::describeExpectation(x));
        }
        QString tip = row->text(ExpectationColumn);
        if (!row->text(FoundColumn).isEmpty())
            tip += QStringLiteral(" — ") + row->text(FoundColumn);
        if (x.where.line > 0)
            tip += QLatin1Char('\n') + tr("Line %1 of the scenario file").arg(x.where.line);
        for (int column = 0; column < ColumnCount; ++column)
            row->setToolTip(column, tip);
        rows.append(row);
    }
    m_list->addTopLevelItems(rows);
}

void ExpectationsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_list)
        fill(); // the colours of the results come from the palette
}

} // namespace mailsim::gui
