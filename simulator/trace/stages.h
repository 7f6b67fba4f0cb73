// The six stages of sending an e-mail, as the lecture tells them, with the explanation a
// student sees while a stage runs. Scenario files may replace the explanations with the
// teacher's own notes.
#pragma once

namespace mailsim::trace {

struct StageInfo
{
    int number;
    const char *title;       // one line
    const char *explanation; // two to four sentences
};

inline constexpr int kStageCount = 6;
// number in 1..6; anything else gives a neutral entry with number 0.
const StageInfo &stageInfo(int number);

} // namespace mailsim::trace
