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
// always also by a symbol and words ("✓ 2xx", "✗ 5xx").
//
// Every size (rows, lanes, arrow heads, margins, line widths) comes from the widget's font,
// so zooming the window by changing its font zooms the diagram too.
#pragma once

#include "trace/trace_event.h"

#include <QAbstractScrollArea>

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
    // Height of the lane headers pinned at the top of the viewport.
    [[nodiscard]] int headerHeight() const { return m_metrics.headerHeight; }

    // Lanes, left to right (see the .cpp for how their order is chosen).
    [[nodiscard]] int laneCount() const { return static_cast<int>(m_lanes.size()); }
    // The lane of an actor, or -1 when it has none (yet).
    [[nodiscard]] int laneOf(trace::ActorId actor) const;
    // x of a lane's lifeline in viewport coordinates (scrolling included).
    [[nodiscard]] int laneCenterX(int lane) const;

    // The band of a row across the viewport, in viewport coordinates; it may lie outside
    // the viewport, or under the header, when the row is scrolled away.
    [[nodiscard]] QRect rowRect(std::size_t eventIndex) const;
    // The event whose row is at `viewportPos`; none over the header or below the last row.
    [[nodiscard]] std::optional<std::size_t> eventAt(QPoint viewportPos) const;

    // The whole label of a row, as drawn before eliding: e.g. the exact command line,
    // "✓ 2xx · 250 OK", "message (383 bytes) … .", "SYN :25", "DNS MX? example.net".
    [[nodiscard]] QString labelFor(std::size_t eventIndex) const;
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
    // The student clicked a message (SMTP data) row: the window opens the message inspector.
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
        int headerHeight = 0;
        int minLaneWidth = 1;
        int arrowHead = 0;
        int lineWidth = 1;
        int markerSize = 0;
    };
    enum class Shape
    {
        Arrow,
        Marker
    };

    void onWorldReplaced();
    void onCursorChanged();
    void followCursor();
    void scanUpTo(std::size_t cursor);
    void updateLanes();
    void updateMetrics();
    void updateScrollBars();
    // Scrolls so that the row, and the lanes it touches, are in sight.
    void ensureEventVisible(std::size_t eventIndex);

    [[nodiscard]] int contentWidth() const;
    [[nodiscard]] double laneWidth() const;
    [[nodiscard]] int laneAtX(int viewportX) const;
    [[nodiscard]] Shape shapeOf(const trace::TraceEvent &event) const;
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
    std::optional<std::size_t> m_selected;
};

} // namespace mailsim::gui
