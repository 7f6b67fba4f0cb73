// The network as a picture: every host of the scenario as a box (user agents, mail
// servers, the network, the DNS server), the links between them, and what the trace has
// shown so far drawn on top: who acts in the event just shown, which TCP connections are
// open (a port label on their path), how many messages each mail server holds, and an
// envelope that travels along the path of the event that was just stepped onto.
//
// Like every view of the window it shows the trace events [0, cursor) and nothing else:
// the hosts and links are the scenario's (they exist before the first event), but all that
// changes comes from the trace, or from the ServerStateModel, which is itself made from the
// trace. The World is ahead of the cursor after a step back and is never asked.
//
// The real mail programs on this computer (the Real clients panel) are a host of the world,
// not of the scenario: their box sits beside the server they reach, with a dotted frame in
// their colour and a "⚑ real" badge, linked to that server.
//
// Sizes follow the widget's font (the window zooms by changing it). Rather than shrink the
// text to fit, the view picks the arrangement of the boxes that fits the widget (see
// ensureLayout in the .cpp); the colours come from style/theme, so a theme switch only
// repaints.
#pragma once

#include "trace/trace_event.h"

#include <QFont>
#include <QHash>
#include <QStringList>
#include <QTransform>
#include <QWidget>

#include <map>
#include <set>
#include <unordered_map>
#include <vector>

class QVariantAnimation;

namespace mailsim::gui {

class ServerStateModel;
class SimulationController;

class TopologyView : public QWidget
{
    Q_OBJECT
public:
    // Whether the cursor's faults have `actor` down (refusing connections) or busy (421), or
    // the link between two actors cut or slow; for tests and tooltips.
    [[nodiscard]] bool isServerDown(trace::ActorId actor) const { return m_downServers.count(actor) > 0; }
    [[nodiscard]] bool isServerBusy(trace::ActorId actor) const { return m_busyServers.count(actor) > 0; }
    [[nodiscard]] bool isLinkCut(trace::ActorId a, trace::ActorId b) const { return m_cutLinks.count(std::minmax(a, b)) > 0; }
    [[nodiscard]] bool isLinkSlow(trace::ActorId a, trace::ActorId b) const { return m_slowLinks.count(std::minmax(a, b)) > 0; }
    // Both must outlive the view.
    TopologyView(const SimulationController &controller, const ServerStateModel &servers,
                 QWidget *parent = nullptr);
    ~TopologyView() override;

    // How the boxes are arranged (ensureLayout in the .cpp chooses):
    //  Row: five columns left to right: user agents, servers, network, servers, user agents.
    //  Compact: three columns: each server with its user agents above (and below) it, the
    //           network in the middle with the DNS server above it.
    //  Column: the row turned by a quarter, for a tall, narrow dock.
    enum class Arrangement
    {
        Row,
        Compact,
        Column
    };
    [[nodiscard]] Arrangement arrangement() const;
    // The point size the box labels are drawn at, as seen on the screen: the widget's font,
    // unless nothing fitted and the whole drawing had to be scaled down.
    [[nodiscard]] qreal labelPointSize() const;
    // The same for the host names under the labels, which may be smaller than the labels.
    [[nodiscard]] qreal hostNamePointSize() const;

    // How long the envelope takes from sender to receiver after a single step forward; the
    // window derives it from the playback speed. 0: no envelope at all.
    void setAnimationDuration(int ms);
    [[nodiscard]] int animationDuration() const { return m_animationDuration; }

    // The box of an actor in widget coordinates; empty for an unknown actor.
    [[nodiscard]] QRectF nodeRect(trace::ActorId actor) const;
    // The `from` of the last shown event (-1 before the first), and its `to` when that is
    // another actor (-1 otherwise). Both are highlighted.
    [[nodiscard]] trace::ActorId activeActor() const;
    [[nodiscard]] trace::ActorId activePeer() const;
    // The lines a node shows: label, host name and, for mail servers, the counts at the
    // cursor, e.g. "queue 1 · mailboxes 0".
    [[nodiscard]] QString nodeText(trace::ActorId actor) const;
    // The port labels drawn on the paths of open connections, e.g. {":25"}; ":25 ×3" when
    // three connections to port 25 share the same path.
    [[nodiscard]] QStringList portLabels() const;
    // The words on the real mail programs' box (the Real clients panel), with the flag.
    [[nodiscard]] static QString realClientBadgeText();

    [[nodiscard]] bool isAnimating() const;
    // Centre of the envelope in widget coordinates: at the sender when the animation
    // starts, at the receiver when it is over. A null point when there is no envelope.
    [[nodiscard]] QPointF envelopePosition() const;
    // Jumps to the end of a running animation (the envelope arrives at once).
    void finishAnimation();

    [[nodiscard]] QSize sizeHint() const override;
    [[nodiscard]] QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    // Where each actor goes, decided once per world (see planLayout in the .cpp).
    struct Group
    {
        trace::ActorId server = -1;
        std::vector<trace::ActorId> outer; // user agents linked to the server: outside it
        std::vector<trace::ActorId> inner; // the others: beside the server, towards the middle
    };
    struct Plan
    {
        std::vector<Group> sending;            // the domain of the first message: left (or top)
        std::vector<Group> others;             // every other domain: right (or bottom)
        std::vector<trace::ActorId> beforeHub; // the DNS server: above (or left of) the network
        trace::ActorId hub = -1;               // the router with the most links
        std::vector<trace::ActorId> afterHub;  // other routers and any host left over
    };
    struct Geometry
    {
        std::vector<QRectF> rects; // by actor, in drawing coordinates
        QSizeF size;               // of the whole drawing, margins included
    };
    // The fonts and spacing of one way of drawing the boxes, all from the widget's font.
    struct Style
    {
        bool dense = false;   // smaller host names, less room around and between the boxes
        bool narrow = false;  // dense, and narrower, taller boxes: see textWidth
        double unit = 0;      // the line height of the widget's font
        double padding = 0;   // inside a box
        double glyph = 0;     // side of the role glyph
        double gapAlong = 0;  // between columns: room for a port label
        double gapRows = 0;   // between rows: room for a port label on a link that runs down
        double gapAcross = 0; // between boxes side by side in a column or a row
        double gapGroups = 0; // between two domains on the same side
        double margin = 0;
        QFont label; // bold
        QFont host;
        QFont counts;
    };
    // One TCP connection, from the trace events seen so far.
    struct Connection
    {
        trace::ActorId client = -1;
        trace::ActorId server = -1;
        int port = 0;
        qint64 openedAt = -1; // index of its SYN
        qint64 firstFin = -1; // index of the first FIN; -1 while unseen
        qint64 closedAt = -1; // index of the event that ends it (second FIN or refusal)
    };
    struct Counts
    {
        int queue = 0;
        int stored = 0;
        bool queueChanged = false;
        bool storedChanged = false;
    };
    struct PortLabel
    {
        trace::ActorId via = -1; // the last host on the path before the server
        trace::ActorId server = -1;
        QString text;
        int index = 0; // among the labels on the same segment
        int count = 1; // labels on the same segment
    };

    void rebuildForWorld();
    void onCursorChanged(std::size_t previous);
    void applyEvent(std::size_t index);
    void unapplyEvent(std::size_t index);
    void refreshPortLabels();
    void refreshCounts();
    void startAnimationFor(std::size_t eventIndex);
    void stopAnimation();

    void planLayout();
    void ensureLayout() const;
    [[nodiscard]] Style styleFor(int density) const; // 0 normal, 1 dense, 2 narrow
    [[nodiscard]] double textWidth(trace::ActorId actor, const Style &style) const;
    [[nodiscard]] QSizeF boxSize(trace::ActorId actor, const Style &style) const;
    [[nodiscard]] Geometry arrange(bool horizontal, const Style &style,
                                   const std::vector<QSizeF> &sizes) const;
    [[nodiscard]] Geometry arrangeCompact(const Style &style,
                                          const std::vector<QSizeF> &sizes) const;
    [[nodiscard]] const std::vector<trace::ActorId> &route(trace::ActorId from,
                                                           trace::ActorId to) const;
    [[nodiscard]] std::vector<QPointF> routePoints(const std::vector<trace::ActorId> &hops) const;
    [[nodiscard]] QPointF pointAlong(const std::vector<QPointF> &points, double fraction) const;
    [[nodiscard]] trace::ActorId actorAt(const QPointF &widgetPos) const;
    [[nodiscard]] QString toolTipFor(trace::ActorId actor) const;
    [[nodiscard]] QString countsText(trace::ActorId actor) const;
    [[nodiscard]] double unit() const;

    void paintLinks(QPainter &p) const;
    void paintNode(QPainter &p, trace::ActorId actor) const;
    void paintPortLabels(QPainter &p) const;
    void paintEnvelope(QPainter &p) const;

    const SimulationController &m_controller;
    const ServerStateModel &m_servers;

    // Per world.
    Plan m_plan;
    std::vector<std::pair<trace::ActorId, trace::ActorId>> m_links;
    std::vector<std::vector<std::pair<trace::ActorId, qint64>>> m_adjacent; // by actor
    // Cache of routes by (from, to); an unordered_map keeps references to its values valid.
    mutable std::unordered_map<quint32, std::vector<trace::ActorId>> m_routes;

    // Per cursor, kept incrementally: m_applied is the cursor they describe.
    std::size_t m_applied = 0;
    std::map<qint32, Connection> m_connections; // every connection seen up to the furthest scan
    std::map<qint32, Connection *> m_open;      // those open at m_applied, by id
    std::vector<PortLabel> m_portLabels;
    std::set<std::pair<trace::ActorId, trace::ActorId>> m_busyLinks; // on open connections' paths
    QHash<trace::ActorId, Counts> m_counts;
    // Scripted faults in effect at the cursor (from the fault events before it): servers down
    // or busy, links cut or slow. Faults are few, so they are replayed on every move.
    std::vector<std::size_t> m_faultEvents; // indexes of fault events, up to m_faultsScanned
    std::size_t m_faultsScanned = 0;
    std::set<trace::ActorId> m_downServers;
    std::set<trace::ActorId> m_busyServers;
    std::set<std::pair<trace::ActorId, trace::ActorId>> m_cutLinks;
    std::set<std::pair<trace::ActorId, trace::ActorId>> m_slowLinks;
    void refreshFaults();
    void paintServerState(QPainter &p, trace::ActorId actor, const QRectF &r) const;
    void paintRealClientBadge(QPainter &p, const QRectF &r) const;
    void paintBadge(QPainter &p, const QRectF &r, const QString &word, const QColor &colour) const;

    // Per font and size.
    mutable bool m_layoutDirty = true;
    mutable QSize m_layoutSize;
    mutable std::vector<QRectF> m_rects; // drawing coordinates
    mutable QTransform m_toWidget;       // drawing → widget coordinates
    mutable double m_scale = 1.0;        // of m_toWidget
    mutable Arrangement m_arrangement = Arrangement::Row;
    mutable Style m_style; // of the boxes in m_rects

    // The envelope.
    QVariantAnimation *m_animation = nullptr;
    int m_animationDuration = 0;
    std::vector<trace::ActorId> m_envelopeRoute; // empty: no envelope
    double m_envelopeProgress = 0.0;
    std::size_t m_envelopeEvent = 0;
};

} // namespace mailsim::gui
