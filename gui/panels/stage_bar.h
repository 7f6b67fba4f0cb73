// The six stages of the lecture as a numbered strip, the current one highlighted, with the
// explanation of what is happening now underneath (the teacher's lesson note when the
// scenario has one). Readable from the back of a classroom: large type, and the current
// stage is marked by a frame and bold text as well as by colour.
#pragma once

#include <QWidget>

#include <array>
#include <map>

class QLabel;

namespace mailsim::gui {

class StageBar : public QWidget
{
    Q_OBJECT
public:
    explicit StageBar(QWidget *parent = nullptr);

    void setLessonNotes(const std::map<int, QString> &notes);
    void setStage(int stage); // 0 before the first event
    // Whether the event shown is a real mail program's (the Real clients panel): the
    // explanation then starts with the flag and says so, since the stage's words speak of
    // the scenario's user agents.
    void setRealClient(bool realClient);
    [[nodiscard]] int stage() const { return m_stage; }
    [[nodiscard]] QString explanationText() const;

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void refresh();
    void applyFonts();
    void fitExplanation();

    std::array<QLabel *, 6> m_steps{};
    QLabel *m_explanation = nullptr;
    std::map<int, QString> m_notes;
    int m_stage = -1;
    bool m_realClient = false;
};

} // namespace mailsim::gui
