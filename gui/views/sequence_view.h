// The protocol sequence diagram: one vertical lane per host, one row per trace event, an
// arrow for everything that travels from one host to another and a small marker for what
// happens inside one host (compose, queue, mailbox, bounce).
//
// Like every view of the window it shows the trace events [0, cursor) of the controller and
// nothing else: no world state, and no event beyond the cursor, not even to place a lane.
// Rows have one fixed height derived from the font, so row i starts at i * rowHeight() and
// a paint touches only the rows in sight; a step costs the same at event 40 as at event
// 100,000. The SMTP dialogue stands out; DNS and TCP are drawn quieter, in the quiet colour
// with thin dashed lines and a smaller italic font. A reply's class is shown by colour and
// always also by a symbol and words ("✓ 2xx", "✗ 5xx"). The real mail programs' lane (the
// Real clients panel) has the flag "⚑" in its title, a dashed frame and a dashed lifeline, and
// every row it takes part in starts with the flag.
//
// A row's label is centred on its arrow but is not confined to the span between the arrow's
// two lanes: it may use the whole width of the viewport (less a margin), drawn on a box of
// the row's background so that lifelines do not cut through it, and is elided only when
// even the viewport is too narrow; the tooltip always has the whole text.
//
// Lanes share the viewport's width. When a lane is narrow its header grows a line or two
// instead of the diagram growing sideways: the actor's label wraps onto two lines and the
// host name breaks before its domain; a lane is at least as wide as the widest of those
// lines can be. Only when even that does not fit (a large zoom, a narrow dock) does the
// view scroll sideways; the lanes then widen so that a whole number of them fills the
// viewport (when three or more fit), and following the cursor keeps both lanes of the
// current event in sight with a lane's edge at the viewport's left edge where it can, so
// that no lane is left half cut for nothing.
//
// Every size (rows, lanes, arrow heads, margins, line widths) comes from the widget's font,
// so zooming the window by changing its font zooms the diagram too.
#pragma once

#include "trace/trace_event.h"

#include <QAbstractScrollArea>
#include <QStringList>

#include <optional>
#include <vector>

class QPainter;

namespace mailsim::gui {

class SimulationController;

class SequenceView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    // `controller` must outlive the view.
    explicit SequenceView(const SimulationController &controller, QWidget *parent = nullptr);
    ~SequenceView() override;

    // Rows shown: controller.cursor(), as last signalled.
    [[nodiscard]] std::size_t rowCount() const { return m_rows; }
    [[nodiscard]] int rowHeight() const { return m_metrics.rowHeight; }
    // Height of the lane headers pinned at the top of the viewport: more lines when the
    // lanes are too narrow for a header's label or host name on one line.
    [[nodiscard]] int headerHeight() const { return m_metrics.headerHeight; }

    // Lanes, left to right (see the .cpp for how their order is chosen).
    [[nodiscard]] int laneCount() const { return static_cast<int>(m_lanes.size()); }
    // The lane of an actor, or -1 when it has none (yet).
    [[nodiscard]] int laneOf(trace::ActorId actor) const;
    // x of a lane's lifeline in viewport coordinates (scrolling included).
    [[nodiscard]] int laneCenterX(int lane) const;
    // The narrowest a lane may be: its header's widest word (or host name part) fits.
    [[nodiscard]] int minimumLaneWidth() const { return m_minLaneWidth; }
    // The lines drawn in a lane's header: the actor's label (one or two lines), then its
    // host name (one line, or two broken before the domain). Empty for no such lane.
    [[nodiscard]] QStringList headerLines(int lane) const;

    // The band of a row across the viewport, in viewport coordinates; it may lie outside
    // the viewport, or under the header, when the row is scrolled away.
    [[nodiscard]] QRect rowRect(std::size_t eventIndex) const;
    // The event whose row is at `viewportPos`; none over the header or below the last row.
    [[nodiscard]] std::optional<std::size_t> eventAt(QPoint viewportPos) const;

    // The whole label of a row, as drawn before eliding: e.g. the exact command line,
    // "✓ 2xx · 250 OK", "message (383 bytes) … .", "SYN :25", "DNS MX? example.net"; with
    // "⚑ " in front when a real mail program sent or got it.
    [[nodiscard]] QString labelFor(std::size_t eventIndex) const;
    // The label as drawn at the view's present width: labelFor, elided only when the
    // viewport is too narrow for it. Empty for rows not shown.
    [[nodiscard]] QString drawnLabel(std::size_t eventIndex) const;
    // The box the label is drawn on, in viewport coordinates (as rowRect, it may lie outside
    // the viewport); empty for rows not shown.
    [[nodiscard]] QRect labelRect(std::size_t eventIndex) const;
    // What the row means for a student (trace::explainInFull): for a reply, what its class
    // digit means and then what this reply means and what the client does next. Plain text;
    // the same words as the tooltip, for the window's explanation panel.
    [[nodiscard]] QString explanationFor(std::size_t eventIndex) const;
    // DNS and TCP rows, drawn quieter than the SMTP dialogue.
    [[nodiscard]] bool isQuiet(std::size_t eventIndex) const;

    // The row last clicked (or chosen with selectEvent), if it is still shown.
    [[nodiscard]] std::optional<std::size_t> selectedEvent() const { return m_selected; }

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

public Q_SLOTS:
    // Marks a row as selected and scrolls to it, e.g. when the student picks the event in
    // another view. Emits nothing, so two views can follow each other without a loop.
    // Indices at or beyond the cursor are ignored.
    void selectEvent(std::size_t eventIndex);

Q_SIGNALS:
    // The student clicked a row.
    void eventSelected(std::size_t eventIndex);
    // The student clicked a message row (SMTP data, or a message the reader's user agent got):
    // the window opens the message inspector.
    void messageRequested(std::size_t eventIndex);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    // Sizes in pixels, all derived from the font (see computeMetrics).
    struct Metrics
    {
        int lineSpacing = 0;
        int pad = 0;
        int rowHeight = 1;
        int headerHeight = 0;         // set by updateLayout: it depends on the lanes and the width
        int minLaneWidth = 1;         // the floor, whatever the headers
        int comfortableLaneWidth = 1; // for the size hint: a command fits between two lanes
        int arrowHead = 0;
        int lineWidth = 1;
        int markerSize = 0;
    };
    enum class Shape
    {
        Arrow,
        Marker
    };
    // Where and how a row's label is drawn.
    struct LabelLayout
    {
        QString text; // as drawn: elided when the viewport is too narrow
        QRect textRect;
        QRect box; // textRect with a little room, filled with the row's background
        QFont font;
        int alignment = 0;
    };
    // The lines of a lane's header at the present lane width.
    struct LaneHeader
    {
        QStringList title;
        QStringList host;
        int titleWidth = 0; // of the widest title line, for the bar under it
    };

    void onWorldReplaced();
    void onCursorChanged();
    void followCursor();
    void scanUpTo(std::size_t cursor);
    // Whether the lanes changed.
    bool updateLanes();
    void updateMetrics();
    // Minimum lane width, header lines and height, and scroll bars: after a change of the
    // lanes, the font or the viewport's width.
    void updateLayout();
    void updateScrollBars();
    // Scrolls so that the row, and the lanes it touches, are in sight.
    void ensureEventVisible(std::size_t eventIndex);
    // Only sideways: the lanes the row touches.
    void ensureLanesVisible(std::size_t eventIndex);

    [[nodiscard]] int contentWidth() const;
    [[nodiscard]] double laneWidth() const;
    [[nodiscard]] int laneAtX(int viewportX) const;
    [[nodiscard]] Shape shapeOf(const trace::TraceEvent &event) const;
    [[nodiscard]] QFont labelFont(std::size_t eventIndex) const;
    // labelFor without the real-client flag.
    [[nodiscard]] QString plainLabel(std::size_t eventIndex) const;
    [[nodiscard]] LabelLayout layoutLabel(std::size_t eventIndex) const;
    // The colour under a row's label: the base, or the band of the current row.
    [[nodiscard]] QColor rowBackground(std::size_t eventIndex) const;
    [[nodiscard]] QFont titleFont() const;
    [[nodiscard]] QFont hostFont() const;
    [[nodiscard]] QString toolTipAt(QPoint viewportPos) const;
    void paintRow(QPainter &painter, std::size_t eventIndex, int top) const;
    void paintHeader(QPainter &painter) const;

    const SimulationController &m_controller;
    std::size_t m_rows = 0;
    Metrics m_metrics;

    // First appearances, found by scanning the events up to the furthest cursor seen since
    // the world was last replaced. The trace is append-only and deterministic, so what was
    // found stays true; a step back only shows fewer of them.
    std::size_t m_scanned = 0;
    std::vector<std::size_t> m_firstSeen;          // per actor; npos when not seen yet
    std::vector<trace::ActorId> m_appearanceOrder; // actors by first appearance

    std::vector<trace::ActorId> m_lanes; // actor of each lane, left to right
    std::vector<int> m_laneOfActor;      // per actor; -1 for none
    std::vector<LaneHeader> m_headers;   // per lane
    int m_minLaneWidth = 1;
    std::optional<std::size_t> m_selected;
};

} // namespace mailsim::gui
