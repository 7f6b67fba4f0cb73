// "Push and pull": the SMTP dialogue that pushed a message to the reader's server beside the
// access dialogue (POP3, IMAP or HTTP) that pulled it, and below them the lecture's
// comparison, answered with figures from those very bytes (trace::comparePushPull).
//
// Like every panel it renders the trace up to the cursor: before stage 6 it says what is
// still missing, and after a step back it shows no more than the student has seen.
#pragma once

#include "trace/push_pull.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTextBrowser;

namespace mailsim::gui {

class SimulationController;

class PushPullPanel : public QWidget
{
    Q_OBJECT
public:
    // `controller` must outlive the panel.
    explicit PushPullPanel(const SimulationController &controller, QWidget *parent = nullptr);

    [[nodiscard]] const trace::PushPullComparison &comparison() const { return m_comparison; }
    [[nodiscard]] QString pushText() const;
    [[nodiscard]] QString pullText() const;
    [[nodiscard]] QString statusText() const;
    // The comparison as the panel shows it: the status line, then an HTML table with one row
    // per question (no table before both dialogues are in the trace).
    [[nodiscard]] QString comparisonHtml() const;

public Q_SLOTS:
    void refresh();

protected:
    void changeEvent(QEvent *event) override;

private:
    const SimulationController &m_controller;
    trace::PushPullComparison m_comparison;
    QLabel *m_status;
    QLabel *m_pushTitle;
    QLabel *m_pullTitle;
    QPlainTextEdit *m_push;
    QPlainTextEdit *m_pull;
    QTextBrowser *m_table;
};

} // namespace mailsim::gui
