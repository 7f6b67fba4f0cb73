// The trace as text for a terminal and for golden-file tests: stage headers, one line per
// event with time, actors and summary, the exact protocol lines (C: client, S: server),
// message contents, and the explanation for students.
#pragma once

#include "trace/trace_log.h"

#include <QString>

#include <map>

namespace mailsim::trace {

struct TextFormatOptions
{
    bool color = false;        // ANSI colours, for a terminal
    bool explanations = true;  // the "why" lines and the stage paragraphs
    std::map<int, QString> stageNotes; // a teacher's text per stage, replacing the default
};

class TextFormatter
{
public:
    TextFormatter(const TraceLog &log, TextFormatOptions options);

    QString title(const QString &title, const QString &description) const;
    // Event `index` as one or more lines, each ending in '\n'; starts with a stage header
    // when the event's stage differs from the previous event's.
    QString format(std::size_t index);

    // "00:02.013": virtual time as minutes, seconds and milliseconds (hours when needed).
    static QString formatTime(qint64 microseconds);

private:
    QString paint(const char *code, const QString &text) const;
    QString actorColumn(ActorId id) const;

    const TraceLog &m_log;
    TextFormatOptions m_options;
    int m_stage = -1;
    int m_nameWidth = 0;
};

} // namespace mailsim::trace
