#include "views/sequence_view.h"

#include "control/simulation_controller.h"
#include "models/trace_model.h"
#include "style/theme.h"
#include "trace/access_explainer.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mailsim::gui {

namespace {

using trace::EventKind;

constexpr std::size_t kNotSeen = std::numeric_limits<std::size_t>::max();

// DNS and TCP carry the SMTP dialogue; the diagram lets them step back behind it.
bool isQuietKind(EventKind kind)
{
    switch (kind) {
    case EventKind::TcpSyn:
    case EventKind::TcpSynAck:
    case EventKind::TcpAck:
    case EventKind::TcpRefused:
    case EventKind::TcpFin:
    case EventKind::DnsQuery:
    case EventKind::DnsAnswer:
        return true;
    default:
        return false;
    }
}

// Kinds that travel from one host to another and so are drawn as arrows.
bool travels(EventKind kind)
{
    return isQuietKind(kind) || trace::isProtocolUnit(kind);
}

// Rows that open their message in the Message panel when clicked: the message as SMTP sent it
// after DATA, and as the reader's user agent got it (POP3 RETR, IMAP FETCH, a browser's page).
bool opensMessage(EventKind kind)
{
    return kind == EventKind::SmtpData || kind == EventKind::MailboxRead;
}

// The bytes up to the first line end.
QByteArray firstLine(const QByteArray &bytes)
{
    qsizetype end = 0;
    while (end < bytes.size() && bytes[end] != '\r' && bytes[end] != '\n')
        ++end;
    return bytes.left(end);
}

// Whether anything but line ends follows the first line.
bool hasMoreLines(const QByteArray &bytes)
{
    const qsizetype nl = bytes.indexOf('\n');
    if (nl < 0)
        return false;
    for (qsizetype i = nl + 1; i < bytes.size(); ++i) {
        if (bytes[i] != '\r' && bytes[i] != '\n')
            return true;
    }
    return false;
}

// A symbol per reply class, so that the class reads without its colour.
QString replyClassSymbol(int replyClass)
{
    switch (replyClass) {
    case 2:
        return QStringLiteral("✓");
    case 3:
        return QStringLiteral("→");
    case 4:
        return QStringLiteral("↻");
    case 5:
        return QStringLiteral("✗");
    default:
        return QStringLiteral("?");
    }
}

// "example.net. MX ?" becomes "DNS MX? example.net": the question first, as one would ask it.
QString dnsQueryLabel(const QByteArray &data)
{
    const QList<QByteArray> parts = firstLine(data).simplified().split(' ');
    if (parts.size() >= 2) {
        QByteArray name = parts[0];
        if (name.size() > 1 && name.endsWith('.'))
            name.chop(1);
        return QStringLiteral("DNS %1? %2")
            .arg(QString::fromUtf8(parts[1]), QString::fromUtf8(name));
    }
    return QStringLiteral("DNS %1").arg(QString::fromUtf8(firstLine(data)));
}

QString dnsAnswerLabel(const trace::TraceEvent &e)
{
    if (e.data.isEmpty()) // no record: the response code says why
        return QStringLiteral("DNS %1").arg(QString::fromUtf8(e.detail));
    QString label = QStringLiteral("DNS %1").arg(QString::fromUtf8(firstLine(e.data)));
    if (hasMoreLines(e.data))
        label += QStringLiteral(" …");
    return label;
}

QString portSuffix(int port)
{
    return port > 0 ? QStringLiteral(" :%1").arg(port) : QString();
}

QFont scaledFont(QFont font, double factor)
{
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * factor);
    else if (font.pixelSize() > 0)
        font.setPixelSize(std::max(1, int(std::lround(font.pixelSize() * factor))));
    return font;
}

// "alice-pc.example.org" -> "example.org".
QString domainOf(const QString &host)
{
    const qsizetype dot = host.indexOf(QLatin1Char('.'));
    return dot < 0 ? QString() : host.mid(dot + 1).toLower();
}

// The ways of putting an actor's label on two lines, between words.
std::vector<QStringList> twoLineSplits(const QString &text)
{
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<QStringList> splits;
    for (qsizetype cut = 1; cut < words.size(); ++cut)
        splits.push_back(
            {words.mid(0, cut).join(QLatin1Char(' ')), words.mid(cut).join(QLatin1Char(' '))});
    return splits;
}

int widestLine(const QStringList &lines, const QFontMetrics &fm)
{
    int widest = 0;
    for (const QString &line : lines)
        widest = std::max(widest, fm.horizontalAdvance(line));
    return widest;
}

// The narrowest an actor's label can be on at most two lines.
int narrowestTitle(const QString &text, const QFontMetrics &fm)
{
    int narrowest = fm.horizontalAdvance(text);
    for (const QStringList &split : twoLineSplits(text))
        narrowest = std::min(narrowest, widestLine(split, fm));
    return narrowest;
}

// An actor's label on at most two lines of `width`: one when it fits, else the first break
// between words after which the rest fits, so that the role stays together ("Alice's" /
// "user agent"), else the break that keeps the wider line narrowest, elided.
QStringList wrapTitle(const QString &text, const QFontMetrics &fm, int width)
{
    if (fm.horizontalAdvance(text) <= width)
        return {text};
    const std::vector<QStringList> splits = twoLineSplits(text);
    if (splits.empty()) // one word
        return {fm.elidedText(text, Qt::ElideRight, width)};
    for (const QStringList &split : splits) {
        if (widestLine(split, fm) <= width)
            return split;
    }
    QStringList best = *std::min_element(splits.begin(), splits.end(),
                                         [&](const QStringList &a, const QStringList &b) {
                                             return widestLine(a, fm) < widestLine(b, fm);
                                         });
    for (QString &line : best)
        line = fm.elidedText(line, Qt::ElideRight, width);
    return best;
}

// A host name on one line of `width`, or else broken before its domain, the way long
// addresses are broken in print: "alice-pc" / ".example.org".
QStringList hostParts(const QString &host)
{
    const qsizetype dot = host.indexOf(QLatin1Char('.'));
    if (dot <= 0 || dot + 1 >= host.size())
        return {host};
    return {host.left(dot), host.mid(dot)};
}

QStringList wrapHost(const QString &host, const QFontMetrics &fm, int width)
{
    if (fm.horizontalAdvance(host) <= width)
        return {host};
    QStringList lines = hostParts(host);
    for (QString &line : lines)
        line = fm.elidedText(line, Qt::ElideMiddle, width);
    return lines;
}

QColor blend(const QColor &under, const QColor &over)
{
    const double a = over.alphaF();
    auto mix = [a](int u, int o) { return int(std::lround(u + (o - u) * a)); };
    return QColor(mix(under.red(), over.red()), mix(under.green(), over.green()),
                  mix(under.blue(), over.blue()));
}

QString roleWords(trace::ActorRole role)
{
    switch (role) {
    case trace::ActorRole::UserAgent:
        return SequenceView::tr("user agent");
    case trace::ActorRole::MailServer:
        return SequenceView::tr("mail server");
    case trace::ActorRole::DnsServer:
        return SequenceView::tr("DNS server");
    case trace::ActorRole::Router:
        return SequenceView::tr("router");
    case trace::ActorRole::WebServer:
        return SequenceView::tr("web mail server");
    case trace::ActorRole::RealClient:
        return SequenceView::tr("real mail programs");
    }
    return {};
}

bool isRealClient(const trace::TraceLog &log, trace::ActorId actor)
{
    return actor >= 0 && static_cast<std::size_t>(actor) < log.actors().size() &&
           log.actor(actor).role == trace::ActorRole::RealClient;
}

// A lane's title: the actor's label, or its host name; the real mail programs' with the flag
// every view marks them with, since they are not the scenario's.
QString laneTitle(const trace::Actor &a)
{
    const QString title = a.label.isEmpty() ? a.name : a.label;
    return a.role == trace::ActorRole::RealClient ? TraceModel::realClientMark() + QLatin1Char(' ') + title
                                                  : title;
}

} // namespace

SequenceView::SequenceView(const SimulationController &controller, QWidget *parent)
    : QAbstractScrollArea(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("sequenceView"));
    setAccessibleName(tr("Sequence diagram"));
    viewport()->setMouseTracking(true); // for the hand cursor over message rows
    updateMetrics();
    connect(&controller, &SimulationController::worldReplaced, this,
            &SequenceView::onWorldReplaced);
    connect(&controller, &SimulationController::cursorChanged, this,
            &SequenceView::onCursorChanged);
    onWorldReplaced();
}

SequenceView::~SequenceView() = default;

// ---- following the controller --------------------------------------------------------

void SequenceView::onWorldReplaced()
{
    m_scanned = 0;
    m_firstSeen.assign(m_controller.trace().actors().size(), kNotSeen);
    m_appearanceOrder.clear();
    m_lanes.clear();
    m_laneOfActor.assign(m_firstSeen.size(), -1);
    m_selected.reset();
    updateLayout(); // no lanes: the headers of the last world go
    followCursor();
}

void SequenceView::onCursorChanged()
{
    // The cursor itself, not the signal's `previous`, says what to show.
    followCursor();
}

void SequenceView::followCursor()
{
    m_rows = m_controller.cursor();
    scanUpTo(m_rows);
    if (m_selected && *m_selected >= m_rows)
        m_selected.reset();
    if (updateLanes())
        updateLayout();
    else
        updateScrollBars();
    if (m_rows > 0)
        ensureEventVisible(m_rows - 1);
    viewport()->update();
}

void SequenceView::scanUpTo(std::size_t cursor)
{
    const trace::TraceLog &log = m_controller.trace();
    const std::size_t end = std::min(cursor, log.size());
    if (log.actors().size() > m_firstSeen.size()) { // the world met a host after it was built
        m_firstSeen.resize(log.actors().size(), kNotSeen);
        m_laneOfActor.resize(log.actors().size(), -1);
    }
    auto note = [&](trace::ActorId actor, std::size_t index) {
        if (actor < 0 || static_cast<std::size_t>(actor) >= m_firstSeen.size())
            return;
        if (m_firstSeen[actor] == kNotSeen) {
            m_firstSeen[actor] = index;
            m_appearanceOrder.push_back(actor);
        }
    };
    // Each event is looked at once per world, and not at all once every actor has been seen:
    // over a whole session this is O(events), and a step costs O(1) of it.
    while (m_scanned < end && m_appearanceOrder.size() < m_firstSeen.size()) {
        const trace::TraceEvent &e = log.at(m_scanned);
        note(e.from, m_scanned);
        note(e.to, m_scanned);
        ++m_scanned;
    }
    m_scanned = std::max(m_scanned, end);
}

// Lane order. Lanes appear as their actor first takes part in an event up to the cursor,
// and are added on the right, so the diagram reads left to right in the order the story
// unfolds: the user agent that composes, the server it submits to, DNS when that server
// looks up the recipient's domain, the server it then connects to, and so on. A lane
// never moves left of a lane that appeared before it, except for one rule that keeps user
// agents beside their own mail server: a user agent whose server already has a lane (the
// server it first talks to, or else the server of its own domain) is put next to that
// server, on the side where that server's other user agents are, or, when it has none
// yet, on the side away from the middle of the diagram. So a reader of the sender's domain
// lands beside the sender, and the recipient's user agent to the right of the last server.
// The order depends on the events [0, cursor) only, hence it is the same every time the
// cursor passes the same point, and a step back removes exactly the lanes it added.
bool SequenceView::updateLanes()
{
    std::size_t shown = 0;
    while (shown < m_appearanceOrder.size() && m_firstSeen[m_appearanceOrder[shown]] < m_rows)
        ++shown;
    if (shown == m_lanes.size())
        return false; // lanes come from a prefix of m_appearanceOrder: same length, same lanes

    const trace::TraceLog &log = m_controller.trace();
    auto isRole = [&](trace::ActorId a, trace::ActorRole role) {
        return a >= 0 && static_cast<std::size_t>(a) < log.actors().size() &&
               log.actor(a).role == role;
    };
    auto laneIndex = [&](trace::ActorId a) {
        const auto it = std::find(m_lanes.begin(), m_lanes.end(), a);
        return it == m_lanes.end() ? -1 : int(it - m_lanes.begin());
    };
    auto homeServerLane = [&](trace::ActorId agent) {
        const trace::TraceEvent &first = log.at(m_firstSeen[agent]);
        trace::ActorId peer = first.from == agent ? first.to : first.from;
        // The real mail programs first appear in a note of their own: their server is the one
        // the world opened to them.
        if (isRole(agent, trace::ActorRole::RealClient))
            peer = log.findActor(m_controller.worldSpec().realClients.server);
        if (peer != agent && isRole(peer, trace::ActorRole::MailServer) && laneIndex(peer) >= 0)
            return laneIndex(peer);
        const QString domain = domainOf(log.actor(agent).name);
        for (std::size_t lane = 0; lane < m_lanes.size() && !domain.isEmpty(); ++lane) {
            if (isRole(m_lanes[lane], trace::ActorRole::MailServer) &&
                domainOf(log.actor(m_lanes[lane]).name) == domain)
                return int(lane);
        }
        return -1;
    };

    m_lanes.clear();
    for (std::size_t k = 0; k < shown; ++k) {
        const trace::ActorId actor = m_appearanceOrder[k];
        // The real mail programs act as user agents do: beside the server they talk to.
        const bool agent = isRole(actor, trace::ActorRole::UserAgent) || isRole(actor, trace::ActorRole::RealClient);
        const int server = agent ? homeServerLane(actor) : -1;
        if (server < 0) {
            m_lanes.push_back(actor);
            continue;
        }
        const int n = int(m_lanes.size());
        int left = 0; // the server's user agents directly left of it, and right of it
        auto agentLane = [&](int lane) {
            return isRole(m_lanes[lane], trace::ActorRole::UserAgent) ||
                   isRole(m_lanes[lane], trace::ActorRole::RealClient);
        };
        while (server - left - 1 >= 0 && agentLane(server - left - 1))
            ++left;
        int right = 0;
        while (server + right + 1 < n && agentLane(server + right + 1))
            ++right;
        const bool toTheLeft = left > 0 || (right == 0 && 2 * server < n - 1);
        const int at = toTheLeft ? server : server + right + 1;
        m_lanes.insert(m_lanes.begin() + at, actor);
    }
    m_laneOfActor.assign(m_firstSeen.size(), -1);
    for (std::size_t lane = 0; lane < m_lanes.size(); ++lane)
        m_laneOfActor[m_lanes[lane]] = int(lane);
    return true;
}

// ---- geometry --------------------------------------------------------------------------

void SequenceView::updateMetrics()
{
    const QFontMetrics fm(font());
    Metrics m;
    m.lineSpacing = fm.lineSpacing();
    m.pad = std::max(2, fm.height() / 5);
    // A line of label above the arrow, then room for the arrow and its head.
    m.rowHeight = m.lineSpacing + fm.height() / 2 + m.pad * 2;
    // At least two lines, the actor's label and, smaller, its host name; updateLayout adds
    // the lines that narrow lanes need.
    m.headerHeight = 2 * m.lineSpacing + 3 * m.pad;
    m.arrowHead = std::max(6, fm.height() / 2);
    m.lineWidth = std::max(1, fm.height() / 14);
    m.markerSize = std::max(6, fm.height() * 2 / 3);
    // Room for an arrow with its head, and for a marker with a few words beside it.
    m.minLaneWidth = std::max(fm.averageCharWidth() * 6, 4 * m.arrowHead);
    // About the length of "MAIL FROM:<alice@example.org>".
    m.comfortableLaneWidth = fm.averageCharWidth() * 22;
    m_metrics = m;
}

QFont SequenceView::titleFont() const
{
    QFont f = font();
    f.setBold(true);
    return f;
}

QFont SequenceView::hostFont() const
{
    return scaledFont(font(), 0.9);
}

void SequenceView::updateLayout()
{
    const trace::TraceLog &log = m_controller.trace();
    const QFontMetrics titleMetrics(titleFont());
    const QFontMetrics hostMetrics(hostFont());
    Metrics &m = m_metrics;
    auto titleOf = [](const trace::Actor &a) { return laneTitle(a); };

    // A lane is as wide as its header on the fewest lines, at least: the actor's label on
    // two lines, its host name broken before the domain.
    m_minLaneWidth = m.minLaneWidth;
    for (const trace::ActorId actor : m_lanes) {
        const trace::Actor &a = log.actor(actor);
        const int widest = std::max(narrowestTitle(titleOf(a), titleMetrics),
                                    widestLine(hostParts(a.name), hostMetrics));
        m_minLaneWidth = std::max(m_minLaneWidth, widest + 2 * m.pad);
    }

    // Each header wrapped to the lane width; the header is as tall as the tallest.
    const int room = std::max(1, int(laneWidth()) - 2 * m.pad);
    m_headers.assign(m_lanes.size(), {});
    int titleLines = 1;
    int hostLines = 1;
    for (std::size_t lane = 0; lane < m_lanes.size(); ++lane) {
        const trace::Actor &a = log.actor(m_lanes[lane]);
        LaneHeader &h = m_headers[lane];
        h.title = wrapTitle(titleOf(a), titleMetrics, room);
        h.host = wrapHost(a.name, hostMetrics, room);
        h.titleWidth = widestLine(h.title, titleMetrics);
        titleLines = std::max(titleLines, int(h.title.size()));
        hostLines = std::max(hostLines, int(h.host.size()));
    }
    m.headerHeight =
        titleLines * titleMetrics.lineSpacing() + hostLines * hostMetrics.lineSpacing() + 3 * m.pad;
    updateScrollBars();
}

QStringList SequenceView::headerLines(int lane) const
{
    if (lane < 0 || lane >= int(m_headers.size()))
        return {};
    return m_headers[lane].title + m_headers[lane].host;
}

int SequenceView::contentWidth() const
{
    return std::max(viewport()->width(), int(std::lround(laneCount() * laneWidth())));
}

// The lanes share the viewport when they fit in it. When they do not, and at least three fit
// whole, they grow until a whole number of them fills the viewport, so that the view can
// stop with no lane cut at either edge; with fewer, they keep their minimum width, which
// keeps the two ends of an arrow over one lane closest together.
double SequenceView::laneWidth() const
{
    const int width = viewport()->width();
    if (m_lanes.empty())
        return double(width);
    const int n = laneCount();
    if (n * m_minLaneWidth <= width)
        return double(width) / n;
    const int whole = width / m_minLaneWidth;
    return whole >= 3 ? double(width) / whole : double(m_minLaneWidth);
}

int SequenceView::laneOf(trace::ActorId actor) const
{
    if (actor < 0 || static_cast<std::size_t>(actor) >= m_laneOfActor.size())
        return -1;
    return m_laneOfActor[actor];
}

int SequenceView::laneCenterX(int lane) const
{
    return int(std::lround((lane + 0.5) * laneWidth())) - horizontalScrollBar()->value();
}

int SequenceView::laneAtX(int viewportX) const
{
    if (m_lanes.empty())
        return -1;
    const double x = viewportX + horizontalScrollBar()->value();
    const int lane = int(std::floor(x / laneWidth()));
    return lane >= 0 && lane < laneCount() ? lane : -1;
}

QRect SequenceView::rowRect(std::size_t eventIndex) const
{
    const qint64 y = m_metrics.headerHeight + qint64(eventIndex) * m_metrics.rowHeight -
                     verticalScrollBar()->value();
    const qint64 limit = std::numeric_limits<int>::max() / 2;
    return {0, int(std::clamp(y, -limit, limit)), viewport()->width(), m_metrics.rowHeight};
}

std::optional<std::size_t> SequenceView::eventAt(QPoint viewportPos) const
{
    if (viewportPos.y() < m_metrics.headerHeight || !viewport()->rect().contains(viewportPos))
        return std::nullopt;
    const qint64 y =
        qint64(viewportPos.y()) - m_metrics.headerHeight + verticalScrollBar()->value();
    const auto row = static_cast<std::size_t>(y / m_metrics.rowHeight);
    if (row >= m_rows)
        return std::nullopt;
    return row;
}

void SequenceView::updateScrollBars()
{
    const int body = std::max(0, viewport()->height() - m_metrics.headerHeight);
    const qint64 total = qint64(m_rows) * m_metrics.rowHeight;
    QScrollBar *v = verticalScrollBar();
    v->setRange(0, int(std::clamp<qint64>(total - body, 0, std::numeric_limits<int>::max())));
    v->setPageStep(std::max(1, body));
    v->setSingleStep(m_metrics.rowHeight);
    QScrollBar *h = horizontalScrollBar();
    h->setRange(0, std::max(0, contentWidth() - viewport()->width()));
    h->setPageStep(std::max(1, viewport()->width()));
    h->setSingleStep(std::max(1, m_minLaneWidth / 4));
}

void SequenceView::ensureEventVisible(std::size_t eventIndex)
{
    const int body = std::max(0, viewport()->height() - m_metrics.headerHeight);
    const qint64 top = qint64(eventIndex) * m_metrics.rowHeight;
    qint64 value = verticalScrollBar()->value();
    if (top + m_metrics.rowHeight > value + body)
        value = top + m_metrics.rowHeight - body;
    if (top < value) // when the body is lower than a row, its top wins
        value = top;
    verticalScrollBar()->setValue(
        int(std::clamp<qint64>(value, 0, std::numeric_limits<int>::max())));

    ensureLanesVisible(eventIndex);
}

// Sideways, when the lanes do not all fit: the two lanes of the event whole, or when they are
// too far apart for that, their lifelines with room for an arrow head.
void SequenceView::ensureLanesVisible(std::size_t eventIndex)
{
    QScrollBar *h = horizontalScrollBar();
    if (h->maximum() <= 0 || eventIndex >= m_rows)
        return;
    const trace::TraceEvent &e = m_controller.trace().at(eventIndex);
    const int a = laneOf(e.from) >= 0 ? laneOf(e.from) : laneOf(e.to);
    const int b = laneOf(e.to) >= 0 ? laneOf(e.to) : a;
    if (a < 0)
        return;
    const double lw = laneWidth();
    auto edge = [lw](double lanes) { return int(std::lround(lanes * lw)); };
    const int width = viewport()->width();
    const int lo = std::min(a, b);
    const int hi = std::max(a, b);
    int left = edge(lo);
    int right = edge(hi + 1);
    if (right - left > width) {
        left = edge(lo + 0.5) - 2 * m_metrics.arrowHead;
        right = edge(hi + 0.5) + 2 * m_metrics.arrowHead;
    }
    // Any x in [from, to] shows them.
    const int last = h->maximum();
    const int from = std::max(0, right - width);
    const int to = std::min(last, left);
    const int x = h->value();
    if (from > to) { // wider than the viewport even so: its left end wins
        h->setValue(left);
        return;
    }
    // Rather where a lane's edge meets the viewport's left edge, or else where the last
    // lane's edge meets its right edge, so that no lane is left half cut when whole lanes can
    // be shown; of those places the nearest, so that the view moves as little as it can.
    int best = -1;
    bool aligned = x == last;
    for (int lane = 0; lane <= laneCount(); ++lane) {
        const int at = edge(lane);
        aligned = aligned || at == x;
        if (at >= from && at <= to && (best < 0 || std::abs(at - x) < std::abs(best - x)))
            best = at;
    }
    if (aligned && x >= from && x <= to)
        return; // in sight, and cut no lane that need not be cut: no need to move
    if (best < 0 && last >= from && last <= to)
        best = last;
    if (best < 0) // no such place: as little as needed
        best = std::clamp(x, from, to);
    h->setValue(best);
}

QSize SequenceView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    return {std::max(4, laneCount()) * m_metrics.comfortableLaneWidth + frame,
            m_metrics.headerHeight + 14 * m_metrics.rowHeight + frame};
}

QSize SequenceView::minimumSizeHint() const
{
    const int frame = 2 * frameWidth();
    return {2 * m_metrics.comfortableLaneWidth + frame,
            m_metrics.headerHeight + 2 * m_metrics.rowHeight + frame};
}

// ---- words -----------------------------------------------------------------------------

SequenceView::Shape SequenceView::shapeOf(const trace::TraceEvent &event) const
{
    const bool arrow = travels(event.kind) && event.from != event.to && laneOf(event.from) >= 0 &&
                       laneOf(event.to) >= 0;
    return arrow ? Shape::Arrow : Shape::Marker;
}

bool SequenceView::isQuiet(std::size_t eventIndex) const
{
    return eventIndex < m_rows && isQuietKind(m_controller.trace().at(eventIndex).kind);
}

QString SequenceView::labelFor(std::size_t eventIndex) const
{
    if (eventIndex >= m_rows)
        return {};
    const trace::TraceLog &log = m_controller.trace();
    const QString label = plainLabel(eventIndex);
    // A real mail program's doing carries the flag: no scenario scripted it.
    return log.involvesRealClient(log.at(eventIndex)) ? TraceModel::realClientMark() + QLatin1Char(' ') + label
                                                      : label;
}

QString SequenceView::plainLabel(std::size_t eventIndex) const
{
    const trace::TraceLog &log = m_controller.trace();
    const trace::TraceEvent &e = log.at(eventIndex);
    switch (e.kind) {
    case EventKind::SmtpCommand:
        return QString::fromUtf8(firstLine(e.data)); // exactly as sent, without CR LF
    case EventKind::SmtpReply: {
        QString text = QString::fromUtf8(firstLine(e.data));
        // On the wire "250-" says that more lines follow; the label says it with "…".
        if (text.size() > 3 && text[3] == QLatin1Char('-'))
            text[3] = QLatin1Char(' ');
        if (hasMoreLines(e.data))
            text += QStringLiteral(" …");
        const int cls = TraceModel::replyClass(e.code);
        if (cls == 0)
            return text;
        return QStringLiteral("%1 %2 · %3")
            .arg(replyClassSymbol(cls), QStringLiteral("%1xx").arg(cls), text);
    }
    case EventKind::SmtpData:
        return tr("message (%1 bytes) … .").arg(e.data.size());
    case EventKind::Pop3Command:
    case EventKind::ImapCommand:
    case EventKind::HttpRequest: {
        QString text = QString::fromUtf8(firstLine(e.data));
        if (text.size() > 120)
            text = text.left(120) + QStringLiteral(" …");
        if (e.kind == EventKind::HttpRequest && e.data.size() > firstLine(e.data).size() + 2)
            text += tr(" (%1 bytes)").arg(e.data.size());
        return text;
    }
    case EventKind::Pop3Reply:
    case EventKind::ImapReply:
    case EventKind::HttpResponse: {
        QString text = QString::fromUtf8(firstLine(e.data));
        if (text.size() > 120)
            text = text.left(120) + QStringLiteral(" …");
        if (hasMoreLines(e.data))
            text += tr(" … (%1 bytes)").arg(e.data.size());
        const int cls = trace::replyOutcome(e);
        return cls == 0 ? text : QStringLiteral("%1 %2").arg(replyClassSymbol(cls), text);
    }
    case EventKind::TcpSyn:
        return QStringLiteral("SYN") + portSuffix(e.code);
    case EventKind::TcpSynAck:
        return QStringLiteral("SYN-ACK") + portSuffix(e.code);
    case EventKind::TcpAck:
        return QStringLiteral("ACK") + portSuffix(e.code);
    case EventKind::TcpRefused:
        return QStringLiteral("RST") + portSuffix(e.code);
    case EventKind::TcpFin:
        return QStringLiteral("FIN") + portSuffix(e.code);
    case EventKind::DnsQuery:
        return dnsQueryLabel(e.data);
    case EventKind::DnsAnswer:
        return dnsAnswerLabel(e);
    default:
        return trace::summarize(log, eventIndex);
    }
}

QFont SequenceView::labelFont(std::size_t eventIndex) const
{
    const trace::TraceEvent &e = m_controller.trace().at(eventIndex);
    QFont f = font();
    if (isQuietKind(e.kind)) {
        f = scaledFont(f, 0.9);
        f.setItalic(true);
    }
    if (eventIndex + 1 == m_rows)
        f.setBold(true); // the current event
    if (opensMessage(e.kind))
        f.setUnderline(true); // it can be clicked: it looks like a link
    return f;
}

// An arrow's label is centred on the arrow, a marker's beside it (on the side with room),
// and either may use the viewport's width, less a margin, as far as the diagram reaches.
SequenceView::LabelLayout SequenceView::layoutLabel(std::size_t index) const
{
    LabelLayout l;
    if (index >= m_rows)
        return l;
    const trace::TraceEvent &e = m_controller.trace().at(index);
    const Metrics &m = m_metrics;
    l.font = labelFont(index);
    const QFontMetrics fm(l.font);
    const QString whole = labelFor(index);
    const int top = rowRect(index).top();
    const int boxPad = std::max(1, m.pad / 2);
    const int scroll = horizontalScrollBar()->value();
    const int minX = std::max(0, -scroll) + m.pad + boxPad;
    const int maxX = std::min(viewport()->width(), contentWidth() - scroll) - m.pad - boxPad;
    auto fitInto = [&](int room) {
        l.text = fm.elidedText(whole, Qt::ElideRight, std::max(0, room));
        return l.text.isEmpty() ? 0 : fm.horizontalAdvance(l.text);
    };

    if (shapeOf(e) == Shape::Arrow) {
        const int x1 = laneCenterX(laneOf(e.from));
        const int x2 = laneCenterX(laneOf(e.to));
        const int w = fitInto(maxX - minX);
        const int left = std::max(minX, std::min((x1 + x2) / 2 - w / 2, maxX - w));
        l.textRect = QRect(left, top + m.pad / 2, w, m.lineSpacing);
        l.alignment = Qt::AlignHCenter | Qt::AlignBottom;
    } else {
        const int textTop = top + m.rowHeight / 2 - m.lineSpacing / 2;
        int lane = laneOf(e.from);
        if (lane < 0)
            lane = laneOf(e.to);
        if (lane < 0) {
            const int left = std::max(minX, m.pad + boxPad - scroll);
            l.textRect = QRect(left, textTop, fitInto(maxX - left), m.lineSpacing);
            l.alignment = Qt::AlignLeft | Qt::AlignVCenter;
        } else {
            // Beside the marker, or as near as the viewport allows when it is scrolled away.
            const int x = laneCenterX(lane);
            const int gap = m.markerSize / 2 + m.pad + boxPad;
            const int rightStart = std::max(minX, x + gap);
            const int leftEnd = std::min(maxX, x - gap);
            const int rightRoom = maxX - rightStart;
            const int leftRoom = leftEnd - minX;
            const int needed = fm.horizontalAdvance(whole);
            const bool right = needed <= rightRoom || (needed > leftRoom && rightRoom >= leftRoom);
            const int w = fitInto(right ? rightRoom : leftRoom);
            l.textRect = right ? QRect(rightStart, textTop, w, m.lineSpacing)
                               : QRect(leftEnd - w, textTop, w, m.lineSpacing);
            l.alignment = (right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter;
        }
    }
    if (!l.text.isEmpty())
        l.box = l.textRect.adjusted(-boxPad, 0, boxPad, 0);
    return l;
}

QColor SequenceView::rowBackground(std::size_t eventIndex) const
{
    const QPalette &pal = palette();
    const QColor base = pal.color(QPalette::Base);
    if (eventIndex + 1 != m_rows)
        return base;
    QColor band = style::activeColor(pal);
    band.setAlpha(style::isDark(pal) ? 80 : 48);
    return blend(base, band);
}

QString SequenceView::drawnLabel(std::size_t eventIndex) const
{
    return layoutLabel(eventIndex).text;
}

QRect SequenceView::labelRect(std::size_t eventIndex) const
{
    return layoutLabel(eventIndex).box;
}

QString SequenceView::explanationFor(std::size_t eventIndex) const
{
    if (eventIndex >= m_rows)
        return {};
    const QString why = trace::explainInFull(m_controller.trace(), eventIndex);
    const QString text = why.isEmpty() ? trace::summarize(m_controller.trace(), eventIndex) : why;
    const QString note = TraceModel::realClientNote(m_controller.trace(), eventIndex);
    return note.isEmpty() ? text : note + QLatin1Char(' ') + text;
}

QString SequenceView::toolTipAt(QPoint viewportPos) const
{
    const trace::TraceLog &log = m_controller.trace();
    if (viewportPos.y() < m_metrics.headerHeight) {
        const int lane = laneAtX(viewportPos.x());
        if (lane < 0)
            return {};
        const trace::Actor &a = log.actor(m_lanes[lane]);
        QString tip = QStringLiteral("<p><b>%1</b></p><p>%2 · %3 · %4</p>")
                          .arg(laneTitle(a).toHtmlEscaped(), a.name.toHtmlEscaped(), a.address.toHtmlEscaped(),
                               roleWords(a.role));
        if (a.role == trace::ActorRole::RealClient)
            tip += QStringLiteral("<p>%1</p>")
                       .arg(tr("Mail programs on this computer (curl, Thunderbird, Python) connected "
                               "through the Real clients panel. What they send is real input, not the "
                               "scenario's."));
        return tip;
    }
    const std::optional<std::size_t> row = eventAt(viewportPos);
    if (!row)
        return {};
    const trace::TraceEvent &e = log.at(*row);
    QString where = log.actorName(e.from);
    if (e.to >= 0 && e.to != e.from)
        where += QStringLiteral(" → ") + log.actorName(e.to);
    QString tip = QStringLiteral("<p><b>%1</b></p><p>%2 · %3 · %4</p><p>%5</p>")
                      .arg(labelFor(*row).toHtmlEscaped(), trace::TextFormatter::formatTime(e.time),
                           tr("stage %1").arg(e.stage), where.toHtmlEscaped(),
                           explanationFor(*row).toHtmlEscaped());
    if (opensMessage(e.kind))
        tip += QStringLiteral("<p><i>%1</i></p>").arg(tr("Click to open the message."));
    return tip;
}

// ---- painting --------------------------------------------------------------------------

void SequenceView::paintEvent(QPaintEvent *event)
{
    QPainter p(viewport());
    const QPalette &pal = palette();
    const Metrics &m = m_metrics;
    const QRect clip = event->rect();
    p.fillRect(clip, pal.color(QPalette::Base));

    const int top = m.headerHeight;
    const int width = viewport()->width();
    const int body = viewport()->height() - top;
    if (body > 0) {
        p.save();
        p.setClipRect(QRect(0, top, width, body) & clip);

        // Only the rows that cross the area to paint.
        std::size_t first = 0;
        std::size_t last = 0;
        const qint64 scroll = verticalScrollBar()->value();
        const qint64 y0 = scroll + std::max(clip.top(), top) - top;
        const qint64 y1 = scroll + clip.bottom() - top;
        if (m_rows > 0 && y1 >= 0) {
            first = static_cast<std::size_t>(std::max<qint64>(0, y0) / m.rowHeight);
            last = std::min(m_rows, static_cast<std::size_t>(y1 / m.rowHeight) + 1);
        }

        if (m_rows > 0 && m_rows - 1 >= first && m_rows - 1 < last) {
            QColor band = style::activeColor(pal);
            band.setAlpha(style::isDark(pal) ? 80 : 48);
            p.fillRect(rowRect(m_rows - 1), band);
        }

        // Lifelines: there, but fainter than anything drawn across them.
        QColor lifeline = style::quietColor(pal);
        lifeline.setAlpha(110);
        p.setPen(QPen(lifeline, m.lineWidth));
        const trace::TraceLog &log = m_controller.trace();
        for (int lane = 0; lane < laneCount(); ++lane) {
            const int x = laneCenterX(lane);
            if (isRealClient(log, m_lanes[lane])) {
                // Outside the simulation: dashed, in the real clients' colour (the header
                // says it in words, with the flag).
                QColor real = style::realClientColor(pal);
                real.setAlpha(160);
                p.setPen(QPen(real, m.lineWidth * 2, Qt::DashLine));
                p.drawLine(x, top, x, top + body);
                p.setPen(QPen(lifeline, m.lineWidth));
                continue;
            }
            p.drawLine(x, top, x, top + body);
        }

        for (std::size_t i = first; i < last; ++i)
            paintRow(p, i, rowRect(i).top());
        if (m_selected && *m_selected >= first && *m_selected < last) {
            p.setPen(QPen(style::activeColor(pal), m.lineWidth));
            p.setBrush(Qt::NoBrush);
            p.drawRect(rowRect(*m_selected).adjusted(0, 0, -1, -1));
        }
        p.restore();
    }
    paintHeader(p);
}

void SequenceView::paintRow(QPainter &p, std::size_t index, int top) const
{
    const trace::TraceEvent &e = m_controller.trace().at(index);
    const QPalette &pal = palette();
    const Metrics &m = m_metrics;
    const bool quiet = isQuietKind(e.kind);

    QColor colour = quiet ? style::quietColor(pal) : pal.color(QPalette::Text);
    QColor textColour = colour;
    if (const int outcome = trace::replyOutcome(e)) {
        const QColor cls = style::replyClassColor(outcome, pal);
        if (cls.isValid())
            colour = textColour = cls;
    } else if (opensMessage(e.kind)) {
        textColour = pal.color(QPalette::Link); // it can be clicked: it looks like a link
        if (!quiet && isRealClient(m_controller.trace(), e.from))
            colour = style::realClientColor(pal);
    } else if (!quiet && isRealClient(m_controller.trace(), e.from)) {
        // What a real mail program sent: its colour, with the flag in the label.
        colour = textColour = style::realClientColor(pal);
    }
    const LabelLayout label = layoutLabel(index);
    p.setRenderHint(QPainter::Antialiasing, false); // crisp one-pixel lines in the exact colour
    auto drawLabel = [&] {
        if (label.box.isEmpty())
            return;
        // On a box of the row's own background, so that no lifeline runs through the words.
        p.fillRect(label.box, rowBackground(index));
        p.setFont(label.font);
        p.setPen(textColour);
        p.drawText(label.textRect, label.alignment | Qt::TextSingleLine, label.text);
    };

    if (shapeOf(e) == Shape::Arrow) {
        const int x1 = laneCenterX(laneOf(e.from));
        const int x2 = laneCenterX(laneOf(e.to));
        const int dir = x2 > x1 ? 1 : -1;
        const int y = top + m.pad + m.lineSpacing + (m.rowHeight - m.pad - m.lineSpacing) / 2;
        int penWidth = m.lineWidth;
        if (e.kind == EventKind::SmtpData)
            penWidth = m.lineWidth * 2; // the message itself: the heaviest arrow
        p.setPen(QPen(colour, penWidth, quiet ? Qt::DashLine : Qt::SolidLine, Qt::FlatCap));
        p.drawLine(x1, y, x2 - dir * m.arrowHead, y);

        const int h = quiet ? m.arrowHead * 3 / 4 : m.arrowHead;
        const QPolygon head(
            {QPoint(x2, y), QPoint(x2 - dir * h, y - h / 2), QPoint(x2 - dir * h, y + h / 2)});
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(Qt::NoPen);
        p.setBrush(colour);
        p.drawPolygon(head);
        p.setRenderHint(QPainter::Antialiasing, false);
        drawLabel();
        return;
    }

    // Something that happens inside one host: a marker on its lane, the label beside it.
    int lane = laneOf(e.from);
    if (lane >= 0 || (lane = laneOf(e.to)) >= 0) {
        QColor markerColour = colour;
        if (e.kind == EventKind::Bounce)
            markerColour = style::replyClassColor(5, pal); // the words say "bounce" beside it
        else if (e.kind == EventKind::QueueDefer)
            markerColour = style::replyClassColor(4, pal);
        const int x = laneCenterX(lane);
        const int cy = top + m.rowHeight / 2;
        const int s = m.markerSize;
        p.setPen(QPen(markerColour, m.lineWidth, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        p.setBrush(pal.color(QPalette::Base));
        p.drawRect(QRect(x - s / 2, cy - s / 2, s, s));
    }
    drawLabel(); // an event of nobody in particular has only its words, at the left edge
}

void SequenceView::paintHeader(QPainter &p) const
{
    const QPalette &pal = palette();
    const Metrics &m = m_metrics;
    const int width = viewport()->width();
    p.fillRect(QRect(0, 0, width, m.headerHeight), pal.color(QPalette::Window));
    p.setPen(QPen(pal.color(QPalette::Mid), m.lineWidth));
    p.drawLine(0, m.headerHeight - 1, width, m.headerHeight - 1);

    // The hosts of the current event get a bar under their name.
    trace::ActorId activeFrom = -1;
    trace::ActorId activeTo = -1;
    if (m_rows > 0) {
        const trace::TraceEvent &current = m_controller.trace().at(m_rows - 1);
        activeFrom = current.from;
        activeTo = current.to;
    }

    // Titles end on one line and host names start on the next, whatever their lines.
    const QFont title = titleFont();
    const QFont host = hostFont();
    const QFontMetrics titleMetrics(title);
    const QFontMetrics hostMetrics(host);
    int titleLines = 1;
    for (const LaneHeader &h : m_headers)
        titleLines = std::max(titleLines, int(h.title.size()));
    const int titleBottom = m.pad + titleLines * titleMetrics.lineSpacing();
    const int lw = int(laneWidth());
    for (int lane = 0; lane < laneCount() && lane < int(m_headers.size()); ++lane) {
        const trace::ActorId actor = m_lanes[lane];
        const LaneHeader &h = m_headers[lane];
        const int x = laneCenterX(lane);
        const int left = x - lw / 2 + m.pad;
        const int room = lw - 2 * m.pad;
        if (x + lw / 2 < 0 || x - lw / 2 > width)
            continue; // scrolled away
        if (isRealClient(m_controller.trace(), actor)) {
            // A dashed frame: this lane is not a host of the scenario (the title has the flag).
            p.setPen(QPen(style::realClientColor(pal), std::max(1, m.lineWidth * 2), Qt::DashLine));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(QRect(x - lw / 2 + m.pad / 2, m.pad / 2, lw - m.pad, m.headerHeight - m.pad),
                              m.pad, m.pad);
        }
        p.setFont(title);
        p.setPen(pal.color(QPalette::WindowText));
        int y = titleBottom - int(h.title.size()) * titleMetrics.lineSpacing();
        for (const QString &line : h.title) {
            p.drawText(QRect(left, y, room, titleMetrics.lineSpacing()),
                       Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextSingleLine, line);
            y += titleMetrics.lineSpacing();
        }
        p.setFont(host);
        p.setPen(style::quietColor(pal));
        y = titleBottom + m.pad / 2;
        for (const QString &line : h.host) {
            p.drawText(QRect(left, y, room, hostMetrics.lineSpacing()),
                       Qt::AlignHCenter | Qt::AlignVCenter | Qt::TextSingleLine, line);
            y += hostMetrics.lineSpacing();
        }
        if (actor == activeFrom || actor == activeTo) {
            const int barWidth = std::min(room, h.titleWidth);
            p.fillRect(
                QRect(x - barWidth / 2, m.headerHeight - m.pad, barWidth, std::max(2, m.pad / 2)),
                style::activeColor(pal));
        }
    }
}

// ---- events ----------------------------------------------------------------------------

void SequenceView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateLayout(); // the lanes' width, and so the headers' lines, follow the viewport
    // The lanes moved under the viewport: bring those of the event in view back in sight.
    if (m_rows > 0)
        ensureLanesVisible(m_selected.value_or(m_rows - 1));
}

void SequenceView::scrollContentsBy(int, int)
{
    // The header is pinned and lanes span the width: everything moves, so repaint it all.
    viewport()->update();
}

void SequenceView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    switch (event->type()) {
    case QEvent::FontChange:
        updateMetrics();
        updateLayout();
        if (m_rows > 0)
            ensureEventVisible(m_rows - 1);
        updateGeometry();
        viewport()->update();
        break;
    case QEvent::PaletteChange:
    case QEvent::StyleChange:
        viewport()->update();
        break;
    default:
        break;
    }
}

bool SequenceView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QString tip = toolTipAt(help->pos());
        if (tip.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), tip, viewport());
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void SequenceView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const std::optional<std::size_t> row = eventAt(event->position().toPoint());
    if (!row) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    m_selected = row;
    viewport()->update();
    Q_EMIT eventSelected(*row);
    // The whole row answers, not only the arrow: a bigger target for a class at a projector.
    if (opensMessage(m_controller.trace().at(*row).kind))
        Q_EMIT messageRequested(*row);
    event->accept();
}

void SequenceView::mouseMoveEvent(QMouseEvent *event)
{
    const std::optional<std::size_t> row = eventAt(event->position().toPoint());
    if (row && opensMessage(m_controller.trace().at(*row).kind))
        viewport()->setCursor(Qt::PointingHandCursor);
    else
        viewport()->unsetCursor();
    QAbstractScrollArea::mouseMoveEvent(event);
}

void SequenceView::selectEvent(std::size_t eventIndex)
{
    if (eventIndex >= m_rows)
        return;
    m_selected = eventIndex;
    ensureEventVisible(eventIndex);
    viewport()->update();
}

} // namespace mailsim::gui
