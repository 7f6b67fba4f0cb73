// The expectations panel: what the teacher said should have happened at the end of the
// scenario (its `expect:` list), and whether it did.
//
// The check is scenario::checkExpectations, the code behind `mailsim-cli run FILE`, run on
// the controller's world once the scenario has run to the end (controller.atEnd()): the same
// world, in the same state, that the CLI checks after its last step, so the window and the
// CLI never disagree. Before the end the panel lists the expectations as "not checked yet",
// since the world may then be ahead of what the student has seen, and an expectation
// describes the end of a run anyway.
//
// Every row has a symbol and a word (✓ passed, ✗ failed), never colour alone, and a failed
// row says what was found instead.
#pragma once

#include "scenario/expectation_check.h"

#include <QWidget>

#include <vector>

class QAbstractItemModel;
class QLabel;
class QTreeWidget;

namespace mailsim::gui {

class SimulationController;

class ExpectationsPanel : public QWidget
{
    Q_OBJECT
public:
    enum Column { ResultColumn, ExpectationColumn, FoundColumn, ColumnCount };

    // `controller` must outlive the panel.
    explicit ExpectationsPanel(const SimulationController &controller, QWidget *parent = nullptr);

    // True when the expectations have been checked (the scenario is at its end).
    [[nodiscard]] bool checked() const { return m_checked; }
    // The results of the check; empty when not checked().
    [[nodiscard]] const std::vector<scenario::ExpectationResult> &results() const
    {
        return m_results;
    }
    [[nodiscard]] int failedCount() const;
    // The line above the list: how many passed, or when they will be checked.
    [[nodiscard]] QString statusText() const;
    // The table: one row per expectation, columns as in Column.
    [[nodiscard]] const QAbstractItemModel *resultsModel() const;

    static QString passedLabel(); // "✓ passed"
    static QString failedLabel(); // "✗ failed"
    static QString notYetLabel(); // "… not checked yet"

public Q_SLOTS:
    // Checks again if at the end, or lists the expectations as not checked yet. The
    // controller's signals call it; call it also after anything that may have brought the
    // run to its end without moving the cursor.
    void refresh();

protected:
    void changeEvent(QEvent *event) override;

private:
    void onCursorChanged();
    void fill();

    const SimulationController &m_controller;
    bool m_atEnd = false;   // controller.atEnd() when last refreshed
    bool m_checked = false;
    std::vector<scenario::ExpectationResult> m_results;
    QLabel *m_status = nullptr;
    QTreeWidget *m_list = nullptr;
};

} // namespace mailsim::gui
