// The message inspector, a dock panel: one message as it is on the wire, so that students
// see what a mail really is. The header, the empty line that ends it, and the body, in a
// monospace read-only view; a line says where the message was taken from (sent after DATA,
// queued, stored, composed), since each place shows it a little differently (dot-stuffing,
// Received: fields). Below, the header fields as a table (HeaderFieldModel).
//
// The view adds nothing to the bytes but what is needed to see them: the header lines have
// a quiet background and the empty line carries a painted note "end of the header" that is
// not part of the text; "Show CR LF" writes out every line end, <CR><LF> in a quiet colour
// and a bare <LF> in the warning colour; a CR that ends no line is always shown as <CR>,
// and bytes that are not UTF-8 as \xNN, set apart from literal text (visibleText() in
// models/header_field_model.h says why these notations). No byte is left out, whatever the
// size: a megabyte of body is shown whole.
#pragma once

#include "models/header_field_model.h"

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <QWidget>

#include <cstddef>
#include <vector>

class QCheckBox;
class QLabel;
class QTableView;

namespace mailsim::trace {
class TraceLog;
}

namespace mailsim::gui {

namespace detail {
class WireView;
class WireHighlighter;
} // namespace detail

class MessageInspector : public QWidget
{
    Q_OBJECT
public:
    // Where the bytes come from; the panel explains what that means for what is shown.
    enum class Kind {
        SentInData, // after 354 (an smtp-data event): dot-stuffed, ended by a line "."
        Queued,     // as a server put it in its outgoing queue (queue-add)
        Stored,     // as stored in a mailbox (mailbox-add)
        Read,       // as a user agent read it from a mailbox (mailbox-read)
        Composed,   // as the user agent wrote it, before anything was sent (compose)
    };

    explicit MessageInspector(QWidget *parent = nullptr);
    ~MessageInspector() override;

    void showMessage(const QByteArray &bytes, const QString &title, Kind kind);
    // Shows the message of a compose, smtp-data, queue-add, mailbox-add or mailbox-read
    // event, with a title made from the event. A queue-defer or queue-remove event shows the
    // message of its queue entry (from the queue-add before it), since a queue row of
    // ServerStateModel points at the event that last changed it. False (and nothing changes)
    // for any other event or an index out of range.
    bool showTraceEvent(const trace::TraceLog &log, std::size_t eventIndex);
    // Nothing shown; the view tells how to pick a message.
    void clear();

    // What the text view shows, lines separated by '\n' (and ended by <CR><LF> or <LF> when
    // "Show CR LF" is on).
    [[nodiscard]] QString wireText() const;
    [[nodiscard]] bool crlfVisible() const;
    void setCrlfVisible(bool visible);
    [[nodiscard]] QString title() const;
    // The sentence that says where the message was taken from; "" when nothing is shown.
    [[nodiscard]] QString originText() const;
    // The line with sizes and oddities ("9 header fields · empty line · body: 5 lines ...").
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] const HeaderFieldModel &headerModel() const { return m_headerModel; }
    [[nodiscard]] bool hasMessage() const { return m_hasMessage; }
    [[nodiscard]] Kind kind() const { return m_kind; }

    static QString originText(Kind kind);
    static QString placeholderText();
    // How "Show CR LF" writes a line end: CR LF, and a bare LF.
    static constexpr QStringView kCrLfText = u"<CR><LF>";
    static constexpr QStringView kBareLfText = u"<LF>";

protected:
    void changeEvent(QEvent *event) override;

private:
    // How a line of the message ends on the wire.
    enum class LineEnd : quint8 { CrLf, BareLf, None };
    struct Line
    {
        LineEnd end = LineEnd::None;
        QList<MarkedRange> marked; // in the line's text, for the highlighter
    };
    friend class detail::WireHighlighter;

    void render();
    void applyMonospaceFont();
    void applyColours();

    HeaderFieldModel m_headerModel;
    QByteArray m_bytes;
    Kind m_kind = Kind::Composed;
    bool m_hasMessage = false;
    std::vector<Line> m_lines; // one per block of the view

    QLabel *m_title = nullptr;
    QLabel *m_origin = nullptr;
    QCheckBox *m_showCrlf = nullptr;
    QLabel *m_summary = nullptr;
    detail::WireView *m_view = nullptr;
    detail::WireHighlighter *m_highlighter = nullptr;
    QTableView *m_fields = nullptr;
};

} // namespace mailsim::gui
