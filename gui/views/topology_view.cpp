#include "views/topology_view.h"

#include "control/simulation_controller.h"
#include "models/server_state_model.h"
#include "style/theme.h"
#include "trace/access_explainer.h"

#include <QEvent>
#include <QFontInfo>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QVariantAnimation>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <queue>
#include <tuple>

namespace mailsim::gui {

namespace {

using trace::ActorId;
using trace::ActorRole;
using trace::EventKind;

// Sizes are multiples of the font's line height (see TopologyView::unit), so that the
// window's zoom, which changes the font, scales the whole drawing.
constexpr double kPadding = 0.45;    // inside a box
constexpr double kGlyph = 2.2;       // side of the role glyph
constexpr double kLabelWidth = 11.0; // labels wider than this wrap
constexpr double kGapAlong = 4.0;    // between columns, left to right: room for a port label
constexpr double kGapRows = 2.4;     // between rows: the same, on a link that runs down
constexpr double kGapAcross = 0.8;   // between boxes side by side in one column or row
constexpr double kGapGroups = 1.6;   // between two domains on the same side
constexpr double kMargin = 0.8;
// The dense and narrow styles (see ensureLayout): the gaps still hold a port label such as
// ":25" and the envelope, with little to spare.
constexpr double kDensePadding = 0.35;
constexpr double kDenseGlyph = 1.8;
constexpr double kDenseGapAlong = 3.0;
constexpr double kDenseGapRows = 1.8;
constexpr double kDenseGapAcross = 0.6;
constexpr double kDenseGapGroups = 1.2;
constexpr double kDenseMargin = 0.4;
constexpr double kHostNameScale = 0.85;    // of the widget's font, in the dense style
constexpr double kMinHostNamePoints = 8.0; // unless the widget's font is smaller still
constexpr double kSameScale = 0.01;        // candidate layouts whose scales differ less are equal
constexpr double kMaxStretch = 3.0;        // a big widget spreads the boxes, but not without limit

// The size of a font in points, also when it was set in pixels.
double pointSize(const QFont &font)
{
    return font.pointSizeF() > 0 ? font.pointSizeF() : QFontInfo(font).pointSizeF();
}

QString domainOf(const QString &address)
{
    return address.mid(address.lastIndexOf(QLatin1Char('@')) + 1).toLower();
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Where the segment from the centre of `rect` towards `toward` leaves the rectangle.
QPointF edgePoint(const QRectF &rect, const QPointF &toward)
{
    const QPointF c = rect.center();
    const QPointF d = toward - c;
    if (d.isNull())
        return c;
    double t = 1.0;
    if (d.x() != 0.0)
        t = std::min(t, rect.width() / 2 / std::abs(d.x()));
    if (d.y() != 0.0)
        t = std::min(t, rect.height() / 2 / std::abs(d.y()));
    return c + d * t;
}

bool travels(const trace::TraceEvent &e)
{
    if (e.arrival < 0 || e.from < 0 || e.to < 0 || e.from == e.to)
        return false;
    // "No route to host" is reported by the sending host itself at once: nothing travels.
    return !(e.kind == EventKind::TcpRefused && e.arrival <= e.time);
}

void drawEnvelopeShape(QPainter &p, const QRectF &r, const QColor &ink, const QColor &paper,
                       double lineWidth)
{
    p.setPen(QPen(ink, lineWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(paper);
    p.drawRect(r);
    const QPointF flap[] = {r.topLeft(), QPointF(r.center().x(), r.top() + r.height() * 0.58),
                            r.topRight()};
    p.drawPolyline(flap, 3);
}

// A drawn glyph per role rather than an emoji: it looks the same with any font (the
// classroom machines may have DejaVu only) and scales with the box.
void drawGlyph(QPainter &p, ActorRole role, const QRectF &r, const QColor &ink, const QColor &paper,
               double lineWidth)
{
    const double w = r.width();
    const double h = r.height();
    const double x = r.left();
    const double y = r.top();
    const QPen pen(ink, lineWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(paper);
    switch (role) {
    case ActorRole::UserAgent: { // a screen on a stand: the user's computer
        const QRectF screen(x + 0.06 * w, y + 0.1 * h, 0.88 * w, 0.6 * h);
        p.drawRoundedRect(screen, 0.06 * w, 0.06 * w);
        drawEnvelopeShape(p, QRectF(x + 0.3 * w, y + 0.25 * h, 0.4 * w, 0.28 * h), ink, paper,
                          lineWidth * 0.8);
        p.setPen(pen);
        p.drawLine(QPointF(x + 0.5 * w, screen.bottom()), QPointF(x + 0.5 * w, y + 0.86 * h));
        p.drawLine(QPointF(x + 0.25 * w, y + 0.88 * h), QPointF(x + 0.75 * w, y + 0.88 * h));
        break;
    }
    case ActorRole::MailServer: { // a server tower with an envelope in front of it
        const QRectF tower(x + 0.1 * w, y + 0.04 * h, 0.5 * w, 0.92 * h);
        p.drawRoundedRect(tower, 0.05 * w, 0.05 * w);
        for (double f : {0.18, 0.3, 0.42})
            p.drawLine(
                QPointF(tower.left() + 0.15 * tower.width(), tower.top() + f * tower.height()),
                QPointF(tower.right() - 0.15 * tower.width(), tower.top() + f * tower.height()));
        p.setBrush(ink);
        p.drawEllipse(
            QPointF(tower.left() + 0.25 * tower.width(), tower.top() + 0.86 * tower.height()),
            0.03 * w, 0.03 * w);
        drawEnvelopeShape(p, QRectF(x + 0.4 * w, y + 0.52 * h, 0.56 * w, 0.38 * h), ink, paper,
                          lineWidth);
        break;
    }
    case ActorRole::Router: { // a cloud: the network between the hosts
        QPainterPath cloud;
        cloud.setFillRule(Qt::WindingFill); // so that simplified() merges the overlaps
        cloud.addEllipse(QPointF(x + 0.3 * w, y + 0.58 * h), 0.2 * w, 0.18 * h);
        cloud.addEllipse(QPointF(x + 0.52 * w, y + 0.44 * h), 0.25 * w, 0.24 * h);
        cloud.addEllipse(QPointF(x + 0.74 * w, y + 0.6 * h), 0.19 * w, 0.17 * h);
        cloud.addRect(QRectF(x + 0.3 * w, y + 0.55 * h, 0.44 * w, 0.22 * h));
        p.drawPath(cloud.simplified());
        break;
    }
    case ActorRole::RealClient: { // a laptop: this very computer, outside the simulation
        const QRectF screen(x + 0.16 * w, y + 0.14 * h, 0.68 * w, 0.5 * h);
        p.drawRoundedRect(screen, 0.04 * w, 0.04 * w);
        QPainterPath base;
        base.moveTo(screen.left() - 0.08 * w, y + 0.8 * h);
        base.lineTo(screen.right() + 0.08 * w, y + 0.8 * h);
        base.lineTo(screen.right(), screen.bottom() + 0.04 * h);
        base.lineTo(screen.left(), screen.bottom() + 0.04 * h);
        base.closeSubpath();
        p.drawPath(base);
        for (double f : {0.3, 0.45, 0.6}) // lines of a terminal on the screen
            p.drawLine(QPointF(screen.left() + 0.12 * screen.width(), screen.top() + f * screen.height()),
                       QPointF(screen.left() + (0.45 + f / 2) * screen.width(), screen.top() + f * screen.height()));
        break;
    }
    case ActorRole::WebServer: { // a browser window: a title bar, a page of lines
        const QRectF window(x + 0.06 * w, y + 0.12 * h, 0.88 * w, 0.76 * h);
        p.drawRoundedRect(window, 0.05 * w, 0.05 * w);
        p.drawLine(QPointF(window.left(), window.top() + 0.2 * window.height()),
                   QPointF(window.right(), window.top() + 0.2 * window.height()));
        p.setBrush(ink);
        for (double f : {0.08, 0.16, 0.24}) // the window's buttons
            p.drawEllipse(QPointF(window.left() + f * window.width(), window.top() + 0.1 * window.height()),
                          0.025 * w, 0.025 * w);
        for (double f : {0.4, 0.58, 0.76})
            p.drawLine(QPointF(window.left() + 0.12 * window.width(), window.top() + f * window.height()),
                       QPointF(window.right() - 0.2 * window.width(), window.top() + f * window.height()));
        break;
    }
    case ActorRole::DnsServer: { // a directory: names in, addresses out
        const QRectF book(x + 0.16 * w, y + 0.06 * h, 0.62 * w, 0.88 * h);
        p.drawRoundedRect(book, 0.04 * w, 0.04 * w);
        p.drawLine(QPointF(book.left() + 0.16 * book.width(), book.top()),
                   QPointF(book.left() + 0.16 * book.width(), book.bottom()));
        for (double f : {0.3, 0.45, 0.6})
            p.drawLine(QPointF(book.left() + 0.3 * book.width(), book.top() + f * book.height()),
                       QPointF(book.right() - 0.15 * book.width(), book.top() + f * book.height()));
        p.setBrush(ink);
        for (double f : {0.12, 0.42, 0.72}) // index tabs
            p.drawRect(QRectF(book.right(), book.top() + f * book.height(), 0.08 * w, 0.12 * h));
        break;
    }
    }
}

// A word or two that tells what the envelope carries.
QString caption(const trace::TraceEvent &e)
{
    switch (e.kind) {
    case EventKind::SmtpCommand: {
        const QByteArray line = e.data.trimmed();
        const qsizetype space = line.indexOf(' ');
        return QString::fromUtf8(space < 0 ? line : line.left(space)).toUpper();
    }
    case EventKind::SmtpReply:
        return QString::number(e.code);
    case EventKind::SmtpData:
        return TopologyView::tr("message");
    case EventKind::Pop3Command:
    case EventKind::ImapCommand:
    case EventKind::HttpRequest: {
        // The verb: "RETR", "FETCH" (after the IMAP tag), "GET".
        const QList<QByteArray> words = e.data.left(e.data.indexOf('\n')).trimmed().split(' ');
        QByteArray verb = words.value(e.kind == EventKind::ImapCommand && words.size() > 1 ? 1 : 0);
        if (verb.compare("UID", Qt::CaseInsensitive) == 0)
            verb = words.value(2);
        return QString::fromUtf8(verb).toUpper();
    }
    case EventKind::Pop3Reply:
    case EventKind::ImapReply:
        return QString::fromUtf8(e.data.left(e.data.indexOf(' '))).replace(QLatin1Char('*'), QString());
    case EventKind::HttpResponse:
        return QString::number(e.code);
    case EventKind::TcpSyn:
        return QStringLiteral("SYN");
    case EventKind::TcpSynAck:
        return QStringLiteral("SYN-ACK");
    case EventKind::TcpAck:
        return QStringLiteral("ACK");
    case EventKind::TcpFin:
        return QStringLiteral("FIN");
    case EventKind::TcpRefused:
        return QStringLiteral("RST");
    case EventKind::DnsQuery:
        return TopologyView::tr("DNS query");
    case EventKind::DnsAnswer:
        return TopologyView::tr("DNS answer");
    default:
        return {};
    }
}

QColor captionColor(const trace::TraceEvent &e, const QPalette &palette)
{
    switch (e.kind) {
    case EventKind::SmtpReply:
    case EventKind::Pop3Reply:
    case EventKind::ImapReply:
    case EventKind::HttpResponse: {
        const QColor c = style::replyClassColor(trace::replyOutcome(e), palette);
        return c.isValid() ? c : palette.color(QPalette::Text);
    }
    case EventKind::TcpSyn:
    case EventKind::TcpSynAck:
    case EventKind::TcpAck:
    case EventKind::TcpFin:
    case EventKind::TcpRefused:
    case EventKind::DnsQuery:
    case EventKind::DnsAnswer:
        return style::quietColor(palette);
    default:
        return palette.color(QPalette::Text);
    }
}

} // namespace

TopologyView::TopologyView(const SimulationController &controller, const ServerStateModel &servers,
                           QWidget *parent)
    : QWidget(parent), m_controller(controller), m_servers(servers),
      m_animation(new QVariantAnimation(this))
{
    setAccessibleName(tr("Network topology"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);

    m_animation->setStartValue(0.0);
    m_animation->setEndValue(1.0);
    m_animation->setEasingCurve(QEasingCurve::InOutSine);
    connect(m_animation, &QVariantAnimation::valueChanged, this, [this](const QVariant &value) {
        m_envelopeProgress = value.toDouble();
        update();
    });
    connect(m_animation, &QVariantAnimation::finished, this, [this] {
        m_envelopeProgress = 1.0;
        update();
    });

    connect(&controller, &SimulationController::worldReplaced, this,
            &TopologyView::rebuildForWorld);
    connect(&controller, &SimulationController::cursorChanged, this,
            &TopologyView::onCursorChanged);
    // The model resets itself on every cursor move; whichever of us hears the controller
    // first, the counts are read once the model is up to date.
    connect(&servers, &QAbstractItemModel::modelReset, this, [this] {
        refreshCounts();
        update();
    });
    rebuildForWorld();
}

TopologyView::~TopologyView() = default;

double TopologyView::unit() const
{
    return QFontMetricsF(font()).height();
}

// ---------------------------------------------------------------------------------------
// Per world

void TopologyView::rebuildForWorld()
{
    stopAnimation();
    const trace::TraceLog &log = m_controller.trace();
    const std::size_t actors = log.actors().size();

    m_links.clear();
    m_adjacent.assign(actors, {});
    m_routes.clear();
    const auto addLink = [&](ActorId a, ActorId b, qint64 latency) {
        if (a < 0 || b < 0 || a == b)
            return; // the world reports such links as problems; nothing to draw
        m_links.emplace_back(a, b);
        m_adjacent[std::size_t(a)].emplace_back(b, latency);
        m_adjacent[std::size_t(b)].emplace_back(a, latency);
    };
    // The world's spec, not the scenario's: with real clients it has their host too.
    const world::WorldSpec &spec = m_controller.worldSpec();
    for (const world::LinkSpec &link : spec.links)
        addLink(log.findActor(link.a), log.findActor(link.b), link.latency);
    // The real clients' links are the world's own (World::build), not the spec's: to the
    // server they reach, and to its web mail host when that is another host.
    if (!spec.realClients.server.isEmpty()) {
        const ActorId real = log.findActor(QString::fromLatin1(world::kRealClientsHost));
        for (const world::ServerSpec &server : spec.servers) {
            if (server.settings.hostname.compare(spec.realClients.server, Qt::CaseInsensitive) != 0)
                continue;
            addLink(real, log.findActor(server.settings.hostname), 0);
            if (server.web.enabled && !server.web.host.isEmpty() &&
                server.web.host.compare(server.settings.hostname, Qt::CaseInsensitive) != 0)
                addLink(real, log.findActor(server.web.host), 0);
        }
    }

    m_connections.clear();
    m_open.clear();
    m_faultEvents.clear();
    m_faultsScanned = 0;
    m_applied = 0;
    const std::size_t cursor = std::min(m_controller.cursor(), log.size());
    for (std::size_t i = 0; i < cursor; ++i)
        applyEvent(i);
    m_applied = cursor;
    refreshFaults();

    planLayout();
    m_layoutDirty = true;
    refreshPortLabels();
    refreshCounts();
    updateGeometry();
    update();
}

// The layout rule, decided once per world so that nothing moves while the student steps:
//
//  - Each mail server forms a group with the user agents of its domain (by the users'
//    addresses). A user agent linked straight to that server sits on the outer side of it;
//    one linked elsewhere (say, straight to the Internet) sits beside the server, on the
//    inner side, so that its link does not run under the server's box.
//  - The sending side, the domain of the first message in the scenario's timeline (or of
//    the first user), is on the left; every other domain is on the right, stacked top to
//    bottom in the scenario's order.
//  - The middle column holds the network: the router with the most links (the Internet)
//    level with the middle of both sides, the DNS server above it, other routers and any
//    host not placed yet below it.
//
// That gives the row: five columns, user agents, servers, network, servers, user agents.
// The same plan can be drawn two other ways (arrange(), arrangeCompact()): turned by a
// quarter into a column for a tall, narrow widget (the sending side on top, the DNS server
// left of the network), or compact, in three columns with each user agent above or below
// its server, for a wide but short one. ensureLayout() picks the one that fits.
void TopologyView::planLayout()
{
    m_plan = Plan{};
    const trace::TraceLog &log = m_controller.trace();
    const world::WorldSpec &spec = m_controller.worldSpec();
    const std::size_t actors = log.actors().size();
    std::vector<bool> placed(actors, false);

    const auto linked = [this](ActorId a, ActorId b) {
        const auto &next = m_adjacent[std::size_t(a)];
        return std::any_of(next.begin(), next.end(), [b](const auto &n) { return n.first == b; });
    };

    std::vector<std::pair<QString, Group>> domains; // in the spec's order
    for (const world::ServerSpec &server : spec.servers) {
        const ActorId id = log.findActor(server.settings.hostname);
        if (id < 0 || placed[std::size_t(id)])
            continue;
        placed[std::size_t(id)] = true;
        Group group;
        group.server = id;
        domains.emplace_back(server.settings.domain.toLower(), group);
    }
    const auto domainIndex = [&domains](const QString &domain) {
        for (std::size_t i = 0; i < domains.size(); ++i)
            if (domains[i].first == domain)
                return int(i);
        return -1;
    };
    for (const world::UserSpec &user : spec.users) {
        const ActorId ua = log.findActor(user.uaHost);
        const int d = domainIndex(domainOf(user.address));
        if (ua < 0 || d < 0 || placed[std::size_t(ua)])
            continue;
        placed[std::size_t(ua)] = true;
        Group &group = domains[std::size_t(d)].second;
        (linked(ua, group.server) ? group.outer : group.inner).push_back(ua);
    }
    // The real mail programs on this computer sit where a user agent of their server would:
    // outside it, after the scenario's own.
    if (const ActorId real = log.findActor(QString::fromLatin1(world::kRealClientsHost));
        real >= 0 && !placed[std::size_t(real)] && log.actor(real).role == ActorRole::RealClient) {
        const ActorId server = log.findActor(spec.realClients.server);
        for (auto &[domain, group] : domains) {
            if (group.server == server && server >= 0) {
                group.outer.push_back(real);
                placed[std::size_t(real)] = true;
            }
        }
    }

    QString sendingDomain;
    const world::SendSpec *first = nullptr;
    for (const world::SendSpec &send : spec.sends)
        if (!first || send.at < first->at)
            first = &send;
    if (first)
        sendingDomain = domainOf(first->from);
    else if (!spec.users.empty())
        sendingDomain = domainOf(spec.users.front().address);
    const int sending = std::max(domainIndex(sendingDomain), 0);
    for (std::size_t i = 0; i < domains.size(); ++i)
        (int(i) == sending ? m_plan.sending : m_plan.others).push_back(domains[i].second);

    std::size_t mostLinks = 0;
    for (std::size_t a = 0; a < actors; ++a) {
        if (placed[a])
            continue;
        const ActorRole role = log.actors()[a].role;
        if (role == ActorRole::DnsServer) {
            m_plan.beforeHub.push_back(ActorId(a));
            placed[a] = true;
        } else if (role == ActorRole::Router &&
                   (m_plan.hub < 0 || m_adjacent[a].size() > mostLinks)) {
            m_plan.hub = ActorId(a);
            mostLinks = m_adjacent[a].size();
        }
    }
    if (m_plan.hub >= 0)
        placed[std::size_t(m_plan.hub)] = true;
    for (std::size_t a = 0; a < actors; ++a)
        if (!placed[a])
            m_plan.afterHub.push_back(ActorId(a));
}

// The fastest route by the links' latencies, as the network routes; from and to included.
// Without a route (no links in the scenario), the straight line from one to the other.
const std::vector<ActorId> &TopologyView::route(ActorId from, ActorId to) const
{
    const quint32 key = (quint32(quint16(from)) << 16) | quint16(to);
    if (const auto found = m_routes.find(key); found != m_routes.end())
        return found->second;

    std::vector<ActorId> hops{from, to};
    const std::size_t n = m_adjacent.size();
    if (from >= 0 && to >= 0 && std::size_t(from) < n && std::size_t(to) < n) {
        std::vector<qint64> distance(n, std::numeric_limits<qint64>::max());
        std::vector<ActorId> previous(n, -1);
        using Item = std::pair<qint64, ActorId>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
        distance[std::size_t(from)] = 0;
        open.emplace(0, from);
        while (!open.empty()) {
            const auto [d, a] = open.top();
            open.pop();
            if (d > distance[std::size_t(a)])
                continue;
            for (const auto &[b, latency] : m_adjacent[std::size_t(a)]) {
                if (d + latency < distance[std::size_t(b)]) {
                    distance[std::size_t(b)] = d + latency;
                    previous[std::size_t(b)] = a;
                    open.emplace(d + latency, b);
                }
            }
        }
        if (previous[std::size_t(to)] >= 0) {
            hops.clear();
            for (ActorId a = to; a >= 0; a = previous[std::size_t(a)])
                hops.push_back(a);
            std::reverse(hops.begin(), hops.end());
        }
    }
    return m_routes.emplace(key, std::move(hops)).first->second;
}

// ---------------------------------------------------------------------------------------
// Per cursor

// Open connections are kept incrementally: each event in [old cursor, new cursor) is
// applied, or taken back when the cursor moves back. Taking back needs no replay, because
// every connection ever seen stays in m_connections with the indexes of its SYN and of the
// event that closed it. A jump back over more events than there are connections rebuilds
// the open set from that table instead. Either way a step costs a few map operations,
// whatever the length of the trace.
void TopologyView::applyEvent(std::size_t index)
{
    const trace::TraceEvent &e = m_controller.trace().at(index);
    const qint64 i = qint64(index);
    switch (e.kind) {
    case EventKind::TcpSyn: {
        auto [it, added] = m_connections.try_emplace(e.connection);
        if (added)
            it->second = Connection{e.from, e.to, int(e.code), i, -1, -1};
        m_open[e.connection] = &it->second;
        break;
    }
    case EventKind::TcpFin:
    case EventKind::TcpRefused: {
        const auto it = m_connections.find(e.connection);
        if (it == m_connections.end())
            break; // a refusal without SYN ("no route to host"): never open
        Connection &c = it->second;
        if (e.kind == EventKind::TcpFin && (c.firstFin < 0 || c.firstFin == i)) {
            c.firstFin = i; // one direction closed: the other may still send
            break;
        }
        if (c.closedAt < 0)
            c.closedAt = i;
        if (c.closedAt == i)
            m_open.erase(e.connection);
        break;
    }
    default:
        break;
    }
}

void TopologyView::unapplyEvent(std::size_t index)
{
    const trace::TraceEvent &e = m_controller.trace().at(index);
    if (e.kind == EventKind::TcpSyn) {
        m_open.erase(e.connection);
    } else if (e.kind == EventKind::TcpFin || e.kind == EventKind::TcpRefused) {
        const auto it = m_connections.find(e.connection);
        if (it != m_connections.end() && it->second.closedAt == qint64(index))
            m_open[e.connection] = &it->second;
    }
}

void TopologyView::onCursorChanged(std::size_t previous)
{
    const std::size_t cursor = std::min(m_controller.cursor(), m_controller.trace().size());
    if (cursor >= m_applied) {
        for (std::size_t i = m_applied; i < cursor; ++i)
            applyEvent(i);
    } else if (m_applied - cursor > m_connections.size()) {
        m_open.clear();
        for (auto &[id, c] : m_connections)
            if (c.openedAt < qint64(cursor) && (c.closedAt < 0 || c.closedAt >= qint64(cursor)))
                m_open[id] = &c;
    } else {
        for (std::size_t i = m_applied; i > cursor; --i)
            unapplyEvent(i - 1);
    }
    m_applied = cursor;
    refreshPortLabels();
    refreshFaults();

    // Any move ends the envelope of the step before; only a single step forward starts one,
    // once the event it carries is shown.
    stopAnimation();
    if (cursor == previous + 1)
        startAnimationFor(cursor - 1);
    update();
}

void TopologyView::refreshFaults()
{
    const trace::TraceLog &log = m_controller.trace();
    for (; m_faultsScanned < log.size(); ++m_faultsScanned) {
        if (log.at(m_faultsScanned).kind == EventKind::Fault)
            m_faultEvents.push_back(m_faultsScanned);
    }
    m_downServers.clear();
    m_busyServers.clear();
    m_cutLinks.clear();
    m_slowLinks.clear();
    for (std::size_t i : m_faultEvents) {
        if (i >= m_applied)
            break;
        const trace::TraceEvent &e = log.at(i);
        const auto link = std::minmax(e.from, e.to);
        if (e.detail == "server-down")
            m_downServers.insert(e.from);
        else if (e.detail == "server-up")
            m_downServers.erase(e.from);
        else if (e.detail == "server-busy")
            m_busyServers.insert(e.from);
        else if (e.detail == "server-ready")
            m_busyServers.erase(e.from);
        else if (e.detail == "link-down")
            m_cutLinks.insert(link);
        else if (e.detail == "link-up")
            m_cutLinks.erase(link);
        else if (e.detail == "link-slow")
            m_slowLinks.insert(link);
    }
}

void TopologyView::refreshPortLabels()
{
    // Connections between the same two hosts to the same port share one label ("×2").
    std::map<std::tuple<ActorId, ActorId, int>, int> same;
    for (const auto &[id, c] : m_open)
        ++same[{c->client, c->server, c->port}];

    std::map<std::pair<ActorId, ActorId>, std::map<int, int>> bySegment;
    m_busyLinks.clear();
    for (const auto &[key, count] : same) {
        const auto &[client, server, port] = key;
        const std::vector<ActorId> &hops = route(client, server);
        for (std::size_t h = 0; h + 1 < hops.size(); ++h)
            m_busyLinks.insert(std::minmax(hops[h], hops[h + 1]));
        // On the last hop, in front of the server: the port is the server's.
        const ActorId via = hops.size() >= 2 ? hops[hops.size() - 2] : client;
        bySegment[{via, server}][port] += count;
    }
    m_portLabels.clear();
    for (const auto &[segment, ports] : bySegment) {
        int index = 0;
        for (const auto &[port, count] : ports) {
            const QString text = count > 1 ? QStringLiteral(":%1 ×%2").arg(port).arg(count)
                                           : QStringLiteral(":%1").arg(port);
            m_portLabels.push_back(
                {segment.first, segment.second, text, index++, int(ports.size())});
        }
    }
}

void TopologyView::refreshCounts()
{
    m_counts.clear();
    const QAbstractItemModel &model = m_servers;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex server = model.index(row, 0);
        const auto actor = ActorId(server.data(ServerStateModel::ActorRole).toInt());
        Counts &counts = m_counts[actor];
        for (int child = 0; child < model.rowCount(server); ++child) {
            const QModelIndex index = model.index(child, 0, server);
            const auto type =
                ServerStateModel::NodeType(index.data(ServerStateModel::NodeTypeRole).toInt());
            if (type == ServerStateModel::NodeType::Queue)
                counts.queue = model.rowCount(index);
            else if (type == ServerStateModel::NodeType::Mailbox)
                counts.stored += model.rowCount(index);
        }
    }
    // Only the last event's rows are marked, so this walks a handful of rows, not the
    // whole queue. An entry removed by that event is still listed (for one step), but is
    // no longer in the queue.
    for (const QModelIndex &index : m_servers.changedIndexes()) {
        const auto type =
            ServerStateModel::NodeType(index.data(ServerStateModel::NodeTypeRole).toInt());
        const auto actor = ActorId(index.data(ServerStateModel::ActorRole).toInt());
        const auto change =
            ServerStateModel::Change(index.data(ServerStateModel::ChangeRole).toInt());
        if (!m_counts.contains(actor))
            continue;
        Counts &counts = m_counts[actor];
        if (type == ServerStateModel::NodeType::QueueEntry) {
            counts.queueChanged = true;
            if (change == ServerStateModel::Change::Removed)
                --counts.queue;
        } else if (type == ServerStateModel::NodeType::Message) {
            counts.storedChanged = true;
        }
    }
}

trace::ActorId TopologyView::activeActor() const
{
    const std::size_t cursor = m_controller.cursor();
    return cursor == 0 ? ActorId(-1) : m_controller.trace().at(cursor - 1).from;
}

trace::ActorId TopologyView::activePeer() const
{
    const std::size_t cursor = m_controller.cursor();
    if (cursor == 0)
        return -1;
    const trace::TraceEvent &e = m_controller.trace().at(cursor - 1);
    return e.to != e.from ? e.to : ActorId(-1);
}

QString TopologyView::countsText(ActorId actor) const
{
    const Counts counts = m_counts.value(actor);
    return tr("queue %1 · stored %2").arg(counts.queue).arg(counts.stored);
}

QString TopologyView::nodeText(ActorId actor) const
{
    const trace::TraceLog &log = m_controller.trace();
    if (actor < 0 || std::size_t(actor) >= log.actors().size())
        return {};
    const trace::Actor &a = log.actor(actor);
    QString text = QStringLiteral("%1\n%2").arg(a.label.isEmpty() ? a.name : a.label, a.name);
    if (a.role == ActorRole::MailServer)
        text += QLatin1Char('\n') + countsText(actor);
    return text;
}

QStringList TopologyView::portLabels() const
{
    QStringList labels;
    for (const PortLabel &label : m_portLabels)
        labels << label.text;
    return labels;
}

// ---------------------------------------------------------------------------------------
// The envelope

void TopologyView::setAnimationDuration(int ms)
{
    m_animationDuration = std::max(ms, 0);
    if (m_animationDuration == 0)
        stopAnimation();
}

void TopologyView::startAnimationFor(std::size_t eventIndex)
{
    if (m_animationDuration <= 0)
        return;
    const trace::TraceEvent &e = m_controller.trace().at(eventIndex);
    if (!travels(e))
        return;
    m_envelopeRoute = route(e.from, e.to);
    m_envelopeEvent = eventIndex;
    m_envelopeProgress = 0.0;
    m_animation->setDuration(m_animationDuration);
    m_animation->start();
}

void TopologyView::stopAnimation()
{
    m_animation->stop();
    m_envelopeRoute.clear();
    m_envelopeProgress = 0.0;
}

void TopologyView::finishAnimation()
{
    if (!isAnimating())
        return;
    m_animation->stop();
    m_envelopeProgress = 1.0;
    update();
}

bool TopologyView::isAnimating() const
{
    return m_animation->state() == QAbstractAnimation::Running;
}

QPointF TopologyView::envelopePosition() const
{
    if (m_envelopeRoute.empty())
        return {};
    ensureLayout();
    return m_toWidget.map(pointAlong(routePoints(m_envelopeRoute), m_envelopeProgress));
}

// The route as points in drawing coordinates: from the sender's border, through the
// centres of the hosts on the way, to the receiver's border.
std::vector<QPointF> TopologyView::routePoints(const std::vector<ActorId> &hops) const
{
    std::vector<QPointF> points;
    for (const ActorId a : hops)
        points.push_back(m_rects[std::size_t(a)].center());
    if (points.size() >= 2) {
        points.front() = edgePoint(m_rects[std::size_t(hops.front())], points[1]);
        points.back() = edgePoint(m_rects[std::size_t(hops.back())], points[points.size() - 2]);
    }
    return points;
}

QPointF TopologyView::pointAlong(const std::vector<QPointF> &points, double fraction) const
{
    if (points.empty())
        return {};
    double total = 0;
    for (std::size_t i = 1; i < points.size(); ++i)
        total += QLineF(points[i - 1], points[i]).length();
    double left = std::clamp(fraction, 0.0, 1.0) * total;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const double length = QLineF(points[i - 1], points[i]).length();
        if (left <= length && length > 0)
            return points[i - 1] + (points[i] - points[i - 1]) * (left / length);
        left -= length;
    }
    return points.back();
}

// ---------------------------------------------------------------------------------------
// Geometry

TopologyView::Style TopologyView::styleFor(int density) const
{
    Style style;
    style.dense = density >= 1;
    style.narrow = density >= 2;
    const bool dense = style.dense;
    style.unit = unit();
    const double u = style.unit;
    style.padding = (dense ? kDensePadding : kPadding) * u;
    style.glyph = (dense ? kDenseGlyph : kGlyph) * u;
    style.gapAlong = (dense ? kDenseGapAlong : kGapAlong) * u;
    style.gapRows = (dense ? kDenseGapRows : kGapRows) * u;
    style.gapAcross = (dense ? kDenseGapAcross : kGapAcross) * u;
    style.gapGroups = (dense ? kDenseGapGroups : kGapGroups) * u;
    style.margin = (dense ? kDenseMargin : kMargin) * u;
    style.counts = font();
    style.label = font();
    style.label.setBold(true);
    style.host = font();
    if (dense) {
        // The host name says again, more technically, what the label says: it is the first
        // text to give up size, but not below what is still readable.
        const double points = pointSize(font());
        style.host.setPointSizeF(
            std::min(points, std::max(points * kHostNameScale, kMinHostNamePoints)));
    }
    return style;
}

// The width of the text beside the glyph: the host name, the counts of a mail server, and
// the label, wrapped. In the narrow style the counts take two lines and the label wraps to
// the width the other lines need anyway (but never inside a word): a box is taller but
// narrower, which suits a wide, short widget.
double TopologyView::textWidth(ActorId actor, const Style &style) const
{
    const trace::Actor &a = m_controller.trace().actor(actor);
    const QFontMetricsF labelMetrics(style.label);
    const QFontMetricsF countsMetrics(style.counts);
    const QString label = a.label.isEmpty() ? a.name : a.label;
    double width = QFontMetricsF(style.host).horizontalAdvance(a.name);
    if (a.role == ActorRole::MailServer) {
        // Wide enough for large counts, so that the box does not grow while stepping.
        if (style.narrow)
            width = std::max({width, countsMetrics.horizontalAdvance(tr("queue %1").arg(888)),
                              countsMetrics.horizontalAdvance(tr("stored %1").arg(888))});
        else
            width =
                std::max(width, countsMetrics.horizontalAdvance(tr("queue 888 · mailboxes 888")));
    }
    double wrap = kLabelWidth * style.unit;
    if (style.narrow) {
        wrap = width;
        for (const QString &word : label.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            wrap = std::max(wrap, labelMetrics.horizontalAdvance(word));
    }
    width = std::max(
        width, labelMetrics.boundingRect(QRectF(0, 0, wrap, 1e6), Qt::TextWordWrap, label).width());
    return std::ceil(width);
}

QSizeF TopologyView::boxSize(ActorId actor, const Style &style) const
{
    const trace::Actor &a = m_controller.trace().actor(actor);
    const QString label = a.label.isEmpty() ? a.name : a.label;
    const double width = textWidth(actor, style);
    double textHeight = QFontMetricsF(style.label)
                            .boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, label)
                            .height() +
                        QFontMetricsF(style.host).lineSpacing();
    if (a.role == ActorRole::MailServer)
        textHeight += (style.narrow ? 2 : 1) * QFontMetricsF(style.counts).lineSpacing();
    const double pad = style.padding;
    return {pad + style.glyph + pad + width + pad, std::max(style.glyph, textHeight) + 2 * pad};
}

// The row (horizontal) and the column (not horizontal): five lines of boxes from the
// sending side to the others, see planLayout.
TopologyView::Geometry TopologyView::arrange(bool horizontal, const Style &style,
                                             const std::vector<QSizeF> &sizes) const
{
    const std::size_t actors = sizes.size();
    const double gapAlong = horizontal ? style.gapAlong : style.gapRows;
    const double gapAcross = style.gapAcross;
    const double gapGroups = style.gapGroups;
    const double margin = style.margin;

    // "Along" runs from the sending side to the others; "across" is the other direction.
    const auto along = [&](ActorId a) {
        return horizontal ? sizes[std::size_t(a)].width() : sizes[std::size_t(a)].height();
    };
    const auto across = [&](ActorId a) {
        return horizontal ? sizes[std::size_t(a)].height() : sizes[std::size_t(a)].width();
    };
    const auto stackLength = [&](const std::vector<ActorId> &stack) {
        double length = 0;
        for (const ActorId a : stack)
            length += across(a);
        return stack.empty() ? 0.0 : length + gapAcross * double(stack.size() - 1);
    };
    const auto innerStack = [](const Group &g) {
        std::vector<ActorId> stack{g.server};
        stack.insert(stack.end(), g.inner.begin(), g.inner.end());
        return stack;
    };
    const auto groupLength = [&](const Group &g) {
        return std::max(stackLength(g.outer), stackLength(innerStack(g)));
    };
    const auto sideLength = [&](const std::vector<Group> &groups) {
        double length = 0;
        for (const Group &g : groups)
            length += groupLength(g);
        return groups.empty() ? 0.0 : length + gapGroups * double(groups.size() - 1);
    };

    // Columns along: sending user agents, sending server, network, servers, user agents.
    enum Column
    {
        SendingOuter,
        SendingInner,
        Middle,
        OthersInner,
        OthersOuter,
        ColumnCount
    };
    std::array<std::vector<ActorId>, ColumnCount> columns;
    for (const Group &g : m_plan.sending) {
        columns[SendingOuter].insert(columns[SendingOuter].end(), g.outer.begin(), g.outer.end());
        for (const ActorId a : innerStack(g))
            columns[SendingInner].push_back(a);
    }
    for (const Group &g : m_plan.others) {
        columns[OthersOuter].insert(columns[OthersOuter].end(), g.outer.begin(), g.outer.end());
        for (const ActorId a : innerStack(g))
            columns[OthersInner].push_back(a);
    }
    std::vector<ActorId> middle = m_plan.beforeHub;
    if (m_plan.hub >= 0)
        middle.push_back(m_plan.hub);
    middle.insert(middle.end(), m_plan.afterHub.begin(), m_plan.afterHub.end());
    columns[Middle] = middle;

    std::array<double, ColumnCount> centreAlong{};
    double position = margin;
    bool any = false;
    for (int c = 0; c < ColumnCount; ++c) {
        double width = 0;
        for (const ActorId a : columns[std::size_t(c)])
            width = std::max(width, along(a));
        if (width <= 0)
            continue;
        if (any)
            position += gapAlong;
        centreAlong[std::size_t(c)] = position + width / 2;
        position += width;
        any = true;
    }
    const double totalAlong = position + margin;

    // Across, everything lines up on one line: the middle of each side and the centre of the
    // network. The DNS server goes before it and other hosts after it, so the drawing
    // reaches further on one side of that line than on the other.
    double before = std::max(sideLength(m_plan.sending), sideLength(m_plan.others)) / 2;
    double after = before;
    if (m_plan.hub >= 0) {
        const double hub = across(m_plan.hub);
        const double beforeHub = stackLength(m_plan.beforeHub);
        const double afterHub = stackLength(m_plan.afterHub);
        before = std::max(before, hub / 2 + (beforeHub > 0 ? gapAcross + beforeHub : 0.0));
        after = std::max(after, hub / 2 + (afterHub > 0 ? gapAcross + afterHub : 0.0));
    } else {
        before = after = std::max(before, stackLength(middle) / 2);
    }
    const double totalAcross = before + after;
    const double mid = margin + before;

    Geometry geometry;
    geometry.rects.assign(actors, QRectF());
    const auto place = [&](ActorId a, double centreAlongValue, double start) {
        const QSizeF s = sizes[std::size_t(a)];
        const double centreAcross = start + across(a) / 2;
        const QPointF centre = horizontal ? QPointF(centreAlongValue, centreAcross)
                                          : QPointF(centreAcross, centreAlongValue);
        geometry.rects[std::size_t(a)] = QRectF(centre - QPointF(s.width() / 2, s.height() / 2), s);
    };
    const auto placeStack = [&](const std::vector<ActorId> &stack, double centreAlongValue,
                                double start) {
        for (const ActorId a : stack) {
            place(a, centreAlongValue, start);
            start += across(a) + gapAcross;
        }
    };
    const auto placeSide = [&](const std::vector<Group> &groups, Column outer, Column inner) {
        double start = mid - sideLength(groups) / 2;
        for (const Group &g : groups) {
            const double length = groupLength(g);
            placeStack(g.outer, centreAlong[outer], start + (length - stackLength(g.outer)) / 2);
            const std::vector<ActorId> stack = innerStack(g);
            placeStack(stack, centreAlong[inner], start + (length - stackLength(stack)) / 2);
            start += length + gapGroups;
        }
    };
    placeSide(m_plan.sending, SendingOuter, SendingInner);
    placeSide(m_plan.others, OthersOuter, OthersInner);
    if (m_plan.hub >= 0) {
        const double hub = across(m_plan.hub);
        place(m_plan.hub, centreAlong[Middle], mid - hub / 2);
        placeStack(m_plan.beforeHub, centreAlong[Middle],
                   mid - hub / 2 - gapAcross - stackLength(m_plan.beforeHub));
        placeStack(m_plan.afterHub, centreAlong[Middle], mid + hub / 2 + gapAcross);
    } else {
        placeStack(middle, centreAlong[Middle], mid - stackLength(middle) / 2);
    }

    const double acrossWithMargins = totalAcross + 2 * margin;
    geometry.size =
        horizontal ? QSizeF(totalAlong, acrossWithMargins) : QSizeF(acrossWithMargins, totalAlong);
    return geometry;
}

// The compact arrangement: three columns, the sending side, the network, the others. Each
// mail server is on the middle line, level with the network, and its user agents are above
// it (the second one below it, and so on, so that every link runs straight to the server
// without passing another box); a user agent linked elsewhere (inner) goes on the other
// side. Several domains on one side are stacked, the lower ones turned over so that their
// servers, not their user agents, face the network. The DNS server is above the network,
// in the row of the user agents; other routers and hosts below it.
TopologyView::Geometry TopologyView::arrangeCompact(const Style &style,
                                                    const std::vector<QSizeF> &sizes) const
{
    struct Row
    {
        std::vector<ActorId> boxes; // side by side
        double top = 0;             // relative to the middle line
    };
    const auto rowWidth = [&](const std::vector<ActorId> &row) {
        double width = 0;
        for (const ActorId a : row)
            width += sizes[std::size_t(a)].width();
        return row.empty() ? 0.0 : width + style.gapAcross * double(row.size() - 1);
    };
    const auto rowHeight = [&](const std::vector<ActorId> &row) {
        double height = 0;
        for (const ActorId a : row)
            height = std::max(height, sizes[std::size_t(a)].height());
        return height;
    };

    enum Column
    {
        Sending,
        Middle,
        Others,
        ColumnCount
    };
    std::array<std::vector<Row>, ColumnCount> columns;
    const auto placeSide = [&](const std::vector<Group> &groups, std::vector<Row> &column) {
        double y = 0;
        double firstServer = 0;
        double lastServer = 0;
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const Group &g = groups[i];
            std::vector<ActorId> above;
            std::vector<ActorId> below;
            for (std::size_t k = 0; k < g.outer.size(); ++k)
                (k % 2 == 0 ? above : below).push_back(g.outer[k]);
            below.insert(below.end(), g.inner.begin(), g.inner.end());
            if (2 * i > groups.size() - 1) // in the lower half of the side
                std::swap(above, below);
            if (i > 0)
                y += style.gapGroups;
            if (!above.empty()) {
                column.push_back({above, y});
                y += rowHeight(above) + style.gapRows;
            }
            column.push_back({{g.server}, y});
            const double server = y + sizes[std::size_t(g.server)].height() / 2;
            if (i == 0)
                firstServer = server;
            lastServer = server;
            y += sizes[std::size_t(g.server)].height();
            if (!below.empty()) {
                y += style.gapRows;
                column.push_back({below, y});
                y += rowHeight(below);
            }
        }
        for (Row &row : column)
            row.top -= (firstServer + lastServer) / 2;
    };
    placeSide(m_plan.sending, columns[Sending]);
    placeSide(m_plan.others, columns[Others]);
    std::vector<Row> &middle = columns[Middle];
    if (m_plan.hub >= 0) {
        const double hub = sizes[std::size_t(m_plan.hub)].height();
        middle.push_back({{m_plan.hub}, -hub / 2});
        if (!m_plan.beforeHub.empty())
            middle.push_back(
                {m_plan.beforeHub, -hub / 2 - style.gapRows - rowHeight(m_plan.beforeHub)});
        if (!m_plan.afterHub.empty())
            middle.push_back({m_plan.afterHub, hub / 2 + style.gapRows});
    } else {
        std::vector<ActorId> all = m_plan.beforeHub;
        all.insert(all.end(), m_plan.afterHub.begin(), m_plan.afterHub.end());
        if (!all.empty())
            middle.push_back({all, -rowHeight(all) / 2});
    }

    std::array<double, ColumnCount> centreX{};
    double x = style.margin;
    bool any = false;
    for (std::size_t c = 0; c < ColumnCount; ++c) {
        double width = 0;
        for (const Row &row : columns[c])
            width = std::max(width, rowWidth(row.boxes));
        if (width <= 0)
            continue;
        if (any)
            x += style.gapAlong;
        centreX[c] = x + width / 2;
        x += width;
        any = true;
    }
    double top = 0;
    double bottom = 0;
    for (const auto &column : columns)
        for (const Row &row : column) {
            top = std::min(top, row.top);
            bottom = std::max(bottom, row.top + rowHeight(row.boxes));
        }

    Geometry geometry;
    geometry.rects.assign(sizes.size(), QRectF());
    for (std::size_t c = 0; c < ColumnCount; ++c)
        for (const Row &row : columns[c]) {
            double left = centreX[c] - rowWidth(row.boxes) / 2;
            const double centreY = style.margin - top + row.top + rowHeight(row.boxes) / 2;
            for (const ActorId a : row.boxes) {
                const QSizeF s = sizes[std::size_t(a)];
                geometry.rects[std::size_t(a)] = QRectF(QPointF(left, centreY - s.height() / 2), s);
                left += s.width() + style.gapAcross;
            }
        }
    geometry.size = QSizeF(x + style.margin, bottom - top + 2 * style.margin);
    return geometry;
}

// The layout planner: the boxes are drawn at the widget's font, so that the text stays
// readable on a projector, and the arrangement is chosen to fit the widget rather than the
// text shrunk to fit the arrangement. Each arrangement (Row, Compact, Column, in this order
// of preference: the row is the picture of the lessons, mail going left to right) is
// measured in three styles, again in order of preference:
//
//   normal: as the font gives it;
//   dense:  host names in a smaller font (0.85 of the widget's, not below 8 pt; the box
//           labels keep the widget's font), less room inside and between the boxes;
//   narrow: dense, and the labels wrap to the width of the host name and a mail server's
//           counts take two lines: narrower, taller boxes.
//
// Each of these nine candidates gets the scale at which its natural size fits the widget
// (at most 1). The largest scale wins; candidates within 1% of it count as equal, and of
// those the first in the order wins. So the row is kept as long as it fits in some style,
// host names shrink before the drawing does, and only when no candidate fits at scale 1 is
// the whole drawing scaled down, the least possible (it is always whole, without
// scrolling). In the room that is left, the boxes keep their size and their centres spread
// apart, up to kMaxStretch, to use the space. Nothing else goes in: the same world, font
// and widget size always give the same picture.
void TopologyView::ensureLayout() const
{
    // The size is compared as well: a hidden widget gets its resize event only when shown.
    if (!m_layoutDirty && m_layoutSize == size())
        return;
    m_layoutDirty = false;
    m_layoutSize = size();
    const double width = std::max(1, this->width());
    const double height = std::max(1, this->height());
    const auto fit = [&](const Geometry &g) {
        if (g.size.isEmpty())
            return 1.0;
        return std::min({1.0, width / g.size.width(), height / g.size.height()});
    };

    struct Candidate
    {
        Arrangement arrangement;
        Style style;
        Geometry geometry;
        double scale;
    };
    std::vector<Candidate> candidates;
    const std::size_t actors = m_controller.trace().actors().size();
    std::array<Style, 3> styles;
    std::array<std::vector<QSizeF>, 3> sizes;
    for (std::size_t density = 0; density < styles.size(); ++density) {
        styles[density] = styleFor(int(density));
        sizes[density].resize(actors);
        for (std::size_t a = 0; a < actors; ++a)
            sizes[density][a] = boxSize(ActorId(a), styles[density]);
    }
    for (const Arrangement arrangement :
         {Arrangement::Row, Arrangement::Compact, Arrangement::Column}) {
        for (std::size_t density = 0; density < styles.size(); ++density) {
            Geometry g =
                arrangement == Arrangement::Compact
                    ? arrangeCompact(styles[density], sizes[density])
                    : arrange(arrangement == Arrangement::Row, styles[density], sizes[density]);
            const double scale = fit(g);
            candidates.push_back({arrangement, styles[density], std::move(g), scale});
        }
    }
    double best = 0;
    for (const Candidate &c : candidates)
        best = std::max(best, c.scale);
    const Candidate &chosen =
        *std::find_if(candidates.begin(), candidates.end(),
                      [best](const Candidate &c) { return c.scale >= best * (1 - kSameScale); });
    const double scale = chosen.scale;
    m_arrangement = chosen.arrangement;
    m_style = chosen.style;
    m_scale = scale;
    m_rects = chosen.geometry.rects;

    // Spread the centres away from the drawing's centre by a factor per direction, in the
    // room the widget has at this scale. Every box keeps its size, so boxes that did not
    // overlap still do not.
    const QSizeF room(width / scale, height / scale);
    const double margin = m_style.margin;
    const QPointF centre(chosen.geometry.size.width() / 2, chosen.geometry.size.height() / 2);
    double stretchX = kMaxStretch;
    double stretchY = kMaxStretch;
    for (const QRectF &r : m_rects) {
        if (r.isEmpty())
            continue;
        const QPointF offset = r.center() - centre;
        if (std::abs(offset.x()) > 1e-6)
            stretchX = std::min(stretchX,
                                (room.width() / 2 - margin - r.width() / 2) / std::abs(offset.x()));
        if (std::abs(offset.y()) > 1e-6)
            stretchY = std::min(stretchY, (room.height() / 2 - margin - r.height() / 2) /
                                              std::abs(offset.y()));
    }
    stretchX = std::max(stretchX, 1.0);
    stretchY = std::max(stretchY, 1.0);
    for (QRectF &r : m_rects) {
        if (r.isEmpty())
            continue;
        const QPointF offset = r.center() - centre;
        r.moveCenter(QPointF(room.width() / 2 + offset.x() * stretchX,
                             room.height() / 2 + offset.y() * stretchY));
    }
    m_toWidget = QTransform::fromScale(scale, scale);
}

TopologyView::Arrangement TopologyView::arrangement() const
{
    ensureLayout();
    return m_arrangement;
}

qreal TopologyView::labelPointSize() const
{
    ensureLayout();
    return pointSize(m_style.label) * m_scale;
}

qreal TopologyView::hostNamePointSize() const
{
    ensureLayout();
    return pointSize(m_style.host) * m_scale;
}

QRectF TopologyView::nodeRect(ActorId actor) const
{
    ensureLayout();
    if (actor < 0 || std::size_t(actor) >= m_rects.size())
        return {};
    return m_toWidget.mapRect(m_rects[std::size_t(actor)]);
}

trace::ActorId TopologyView::actorAt(const QPointF &widgetPos) const
{
    ensureLayout();
    for (std::size_t a = 0; a < m_rects.size(); ++a)
        if (m_toWidget.mapRect(m_rects[a]).contains(widgetPos))
            return ActorId(a);
    return -1;
}

QSize TopologyView::sizeHint() const
{
    // About a third of a 1280×720 window at the default font; the drawing fits any size.
    const double u = unit();
    return {int(30 * u), int(22 * u)};
}

QSize TopologyView::minimumSizeHint() const
{
    const double u = unit();
    return {int(10 * u), int(6 * u)}; // the drawing shrinks below its natural size if it must
}

// ---------------------------------------------------------------------------------------
// Events and painting

void TopologyView::resizeEvent(QResizeEvent *event)
{
    m_layoutDirty = true;
    QWidget::resizeEvent(event);
}

void TopologyView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange) {
        m_layoutDirty = true;
        updateGeometry();
        update();
    } else if (event->type() == QEvent::PaletteChange ||
               event->type() == QEvent::ApplicationPaletteChange ||
               event->type() == QEvent::StyleChange) {
        update();
    }
    QWidget::changeEvent(event);
}

QString TopologyView::toolTipFor(ActorId actor) const
{
    const trace::Actor &a = m_controller.trace().actor(actor);
    QString text =
        QStringLiteral("%1\n%2 %3").arg(a.label.isEmpty() ? a.name : a.label, a.name, a.address);
    if (a.role == ActorRole::MailServer) {
        const Counts counts = m_counts.value(actor);
        text +=
            QLatin1Char('\n') + tr("%n message(s) in the outgoing queue", nullptr, counts.queue) +
            QLatin1Char('\n') + tr("%n message(s) in its users' mailboxes", nullptr, counts.stored);
    }
    if (a.role == ActorRole::RealClient)
        text += QLatin1Char('\n') +
                tr("⚑ Mail programs on this computer (curl, Thunderbird, Python) connected through "
                   "the Real clients panel: what they send is real input, not the scenario's.");
    return text;
}

bool TopologyView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const ActorId actor = actorAt(help->pos());
        if (actor >= 0)
            QToolTip::showText(help->globalPos(), toolTipFor(actor), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

void TopologyView::paintEvent(QPaintEvent *)
{
    ensureLayout();
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setTransform(m_toWidget);
    p.setFont(font());
    paintLinks(p);
    for (std::size_t a = 0; a < m_rects.size(); ++a)
        paintNode(p, ActorId(a));
    paintPortLabels(p);
    paintEnvelope(p);
}

void TopologyView::paintLinks(QPainter &p) const
{
    const QPalette &pal = palette();
    const double line = std::max(1.0, unit() / 12);
    std::set<std::pair<ActorId, ActorId>> active;
    if (m_applied > 0) {
        const trace::TraceEvent &e = m_controller.trace().at(m_applied - 1);
        if (travels(e)) {
            const std::vector<ActorId> &hops = route(e.from, e.to);
            for (std::size_t h = 0; h + 1 < hops.size(); ++h)
                active.insert(std::minmax(hops[h], hops[h + 1]));
            if (hops.size() == 2 &&
                !std::any_of(m_links.begin(), m_links.end(), [&](const auto &l) {
                    return std::minmax(l.first, l.second) == std::minmax(e.from, e.to);
                })) {
                // No link between them in the scenario: show the way it went as a dashed line.
                p.setPen(QPen(style::activeColor(pal), line * 2.5, Qt::DashLine, Qt::RoundCap));
                p.drawLine(m_rects[std::size_t(e.from)].center(),
                           m_rects[std::size_t(e.to)].center());
            }
        }
    }
    // Idle links are quiet; links carrying an open connection are darker and thicker; the
    // links the last event travelled are in the active colour and thicker still.
    for (const auto &[a, b] : m_links) {
        const auto key = std::minmax(a, b);
        QPen pen(style::quietColor(pal), line, Qt::SolidLine, Qt::RoundCap);
        if (active.count(key))
            pen = QPen(style::activeColor(pal), line * 3, Qt::SolidLine, Qt::RoundCap);
        else if (m_busyLinks.count(key))
            pen = QPen(pal.color(QPalette::Text), line * 2, Qt::SolidLine, Qt::RoundCap);
        const bool cut = m_cutLinks.count(key) > 0;
        const bool slow = !cut && m_slowLinks.count(key) > 0;
        if (cut)
            pen = QPen(style::replyClassColor(5, pal), line * 2.5, Qt::DashLine, Qt::FlatCap);
        else if (slow)
            pen = QPen(style::replyClassColor(4, pal), line * 2.5, Qt::DotLine, Qt::RoundCap);
        p.setPen(pen);
        const QPointF from = m_rects[std::size_t(a)].center();
        const QPointF to = m_rects[std::size_t(b)].center();
        p.drawLine(from, to);
        if (cut || slow) {
            // Words at the middle of the link, so that the state reads without its colour.
            const QString word = cut ? tr("✗ cut") : tr("slow");
            const QFontMetricsF fm(font());
            const QPointF mid = (from + to) / 2;
            const QRectF box(mid.x() - fm.horizontalAdvance(word) / 2 - unit() / 4, mid.y() - fm.height() / 2,
                             fm.horizontalAdvance(word) + unit() / 2, fm.height());
            p.setPen(QPen(pen.color(), line));
            p.setBrush(pal.color(QPalette::Base));
            p.drawRoundedRect(box, unit() / 4, unit() / 4);
            p.setPen(pen.color());
            p.drawText(box, Qt::AlignCenter, word);
        }
    }
}

void TopologyView::paintNode(QPainter &p, ActorId actor) const
{
    const QRectF r = m_rects[std::size_t(actor)];
    if (r.isEmpty())
        return;
    const trace::Actor &a = m_controller.trace().actor(actor);
    const QPalette &pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    const QColor activeColor = style::activeColor(pal);
    const Style &look = m_style; // the one boxSize measured these boxes with
    const double u = look.unit;
    const double line = std::max(1.0, u / 12);
    const double pad = look.padding;
    const bool active = actor == activeActor();
    const bool peer = actor == activePeer();

    // The active actor: tinted fill and a thick frame; the receiver: a dashed frame. The
    // frame tells them apart without the colour.
    QPen frame(mix(text, base, 0.45), line);
    QColor fill = base;
    const bool real = a.role == ActorRole::RealClient;
    if (active) {
        frame = QPen(activeColor, line * 4);
        fill = mix(base, activeColor, 0.16);
    } else if (peer) {
        frame = QPen(activeColor, line * 2.5, Qt::DashLine);
    } else if (real) {
        // Not a host of the scenario: a dotted frame in the real clients' colour, and the
        // badge below says it in words.
        frame = QPen(style::realClientColor(pal), line * 2.5, Qt::DotLine);
        fill = style::realClientBackground(pal);
    }
    frame.setJoinStyle(Qt::RoundJoin);
    p.setPen(frame);
    p.setBrush(fill);
    p.drawRoundedRect(r, 0.35 * u, 0.35 * u);

    const double glyph = look.glyph;
    drawGlyph(p, a.role, QRectF(r.left() + pad, r.center().y() - glyph / 2, glyph, glyph),
              active || peer ? activeColor : text, fill, line * 1.4);

    const double left = r.left() + pad + glyph + pad;
    // The width textWidth() gave, give or take rounding: a hair more, so that the label
    // wraps exactly as it was measured.
    const double width = r.right() - pad - left + 0.01;
    const QFontMetricsF hostMetrics(look.host);
    const QFontMetricsF countsMetrics(look.counts);
    const QString label = a.label.isEmpty() ? a.name : a.label;
    const double labelHeight = QFontMetricsF(look.label)
                                   .boundingRect(QRectF(0, 0, width, 1e6), Qt::TextWordWrap, label)
                                   .height();
    const int countLines = a.role != ActorRole::MailServer ? 0 : look.narrow ? 2 : 1;
    double y =
        r.center().y() -
        (labelHeight + hostMetrics.lineSpacing() + countLines * countsMetrics.lineSpacing()) / 2;

    p.setPen(text);
    p.setFont(look.label);
    p.drawText(QRectF(left, y, width, labelHeight), Qt::AlignLeft | Qt::TextWordWrap, label);
    y += labelHeight;
    p.setFont(look.host);
    p.setPen(mix(text, base, 0.25));
    p.drawText(QRectF(left, y, width, hostMetrics.lineSpacing()), Qt::AlignLeft | Qt::AlignVCenter,
               hostMetrics.elidedText(a.name, Qt::ElideMiddle, width));
    y += hostMetrics.lineSpacing();
    p.setFont(font());
    if (real)
        paintRealClientBadge(p, r);
    if (countLines == 0)
        return;

    // The counts: the one the last event changed is bold on a tinted background. The narrow
    // style puts them on two lines.
    const Counts counts = m_counts.value(actor);
    const double lineHeight = countsMetrics.lineSpacing();
    double x = left;
    const auto part = [&](const QString &s, bool changed, const QColor &background) {
        QFont f = look.counts;
        f.setBold(changed);
        const double w = QFontMetricsF(f).horizontalAdvance(s);
        const QRectF box(x, y, w, lineHeight);
        if (changed) {
            p.setPen(Qt::NoPen);
            p.setBrush(background);
            p.drawRoundedRect(box.adjusted(-0.15 * u, 0, 0.15 * u, 0), 0.2 * u, 0.2 * u);
        }
        p.setFont(f);
        p.setPen(text);
        p.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, s);
        x += w;
    };
    part(tr("queue %1").arg(counts.queue), counts.queueChanged, style::changedBackground(pal));
    if (look.narrow) {
        x = left;
        y += lineHeight;
    } else {
        part(QStringLiteral(" · "), false, {});
    }
    part(tr("stored %1").arg(counts.stored), counts.storedChanged, style::addedBackground(pal));
    p.setFont(font());
    paintServerState(p, actor, r);
}

// A badge on the top edge of a host's box, towards the right but never past its left: words
// in a colour, on the base colour (a fault on a server, the real mail programs' flag).
void TopologyView::paintBadge(QPainter &p, const QRectF &r, const QString &word, const QColor &colour) const
{
    const QPalette &pal = palette();
    QFont f = m_style.counts;
    f.setBold(true);
    const QFontMetricsF fm(f);
    const double u = m_style.unit;
    const double width = fm.horizontalAdvance(word) + u / 2;
    const QRectF badge(std::max(r.left() + u / 4, r.right() - width - u / 2), r.top() - fm.height() / 2, width,
                       fm.height());
    p.setPen(QPen(colour, std::max(1.0, u / 10)));
    p.setBrush(pal.color(QPalette::Base));
    p.drawRoundedRect(badge, u / 4, u / 4);
    p.setFont(f);
    p.setPen(colour);
    p.drawText(badge, Qt::AlignCenter, word);
    p.setFont(font());
}

// The real mail programs' box: the flag and words, as the other views mark their events.
void TopologyView::paintRealClientBadge(QPainter &p, const QRectF &r) const
{
    paintBadge(p, r, realClientBadgeText(), style::realClientColor(palette()));
}

QString TopologyView::realClientBadgeText()
{
    return tr("⚑ real");
}

// A scripted fault on a server, in words.
void TopologyView::paintServerState(QPainter &p, ActorId actor, const QRectF &r) const
{
    const bool down = m_downServers.count(actor) > 0;
    const bool busy = !down && m_busyServers.count(actor) > 0;
    if (!down && !busy)
        return;
    paintBadge(p, r, down ? tr("✗ down") : tr("421 busy"), style::replyClassColor(down ? 5 : 4, palette()));
}

void TopologyView::paintPortLabels(QPainter &p) const
{
    const QPalette &pal = palette();
    const double u = unit();
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF metrics(bold);
    p.setFont(bold);
    for (const PortLabel &label : m_portLabels) {
        const QRectF viaRect = m_rects[std::size_t(label.via)];
        const QRectF serverRect = m_rects[std::size_t(label.server)];
        // In the middle of the visible part of the segment in front of the server.
        const QPointF a = edgePoint(viaRect, serverRect.center());
        const QPointF b = edgePoint(serverRect, viaRect.center());
        QPointF centre = (a + b) / 2;
        const QSizeF size(metrics.horizontalAdvance(label.text) + 0.8 * u,
                          metrics.height() + 0.2 * u);
        if (label.count > 1) {
            const QLineF direction(a, b);
            const QPointF normal =
                direction.length() > 0
                    ? QPointF(-direction.dy(), direction.dx()) / direction.length()
                    : QPointF(0, 1);
            centre += normal * (label.index - (label.count - 1) / 2.0) * (size.height() + 0.2 * u);
        }
        const QRectF pill(centre - QPointF(size.width() / 2, size.height() / 2), size);
        p.setPen(QPen(pal.color(QPalette::Text), std::max(1.0, u / 10)));
        p.setBrush(pal.color(QPalette::Base));
        p.drawRoundedRect(pill, size.height() / 2, size.height() / 2);
        p.drawText(pill, Qt::AlignCenter, label.text);
    }
    p.setFont(font());
}

void TopologyView::paintEnvelope(QPainter &p) const
{
    if (!isAnimating() || m_envelopeRoute.empty())
        return;
    const QPalette &pal = palette();
    const double u = unit();
    const std::vector<QPointF> points = routePoints(m_envelopeRoute);
    const QPointF at = pointAlong(points, m_envelopeProgress);
    const QRectF envelope(at - QPointF(1.2 * u, 0.8 * u), QSizeF(2.4 * u, 1.6 * u));
    drawEnvelopeShape(p, envelope, style::activeColor(pal), pal.color(QPalette::Base),
                      std::max(1.5, u / 7));

    const trace::TraceEvent &e = m_controller.trace().at(m_envelopeEvent);
    const QString text = caption(e);
    if (text.isEmpty())
        return;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF metrics(bold);
    const QSizeF size(metrics.horizontalAdvance(text) + 0.5 * u, metrics.height());
    // Below the envelope; but where it travels up or down (a user agent above its server in
    // the compact arrangement) the caption would cover the box ahead, so it goes beside it.
    const QPointF direction = pointAlong(points, std::min(m_envelopeProgress + 0.01, 1.0)) -
                              pointAlong(points, std::max(m_envelopeProgress - 0.01, 0.0));
    const bool vertical = std::abs(direction.y()) > std::abs(direction.x());
    const QRectF box =
        vertical ? QRectF(QPointF(envelope.right() + 0.2 * u, at.y() - size.height() / 2), size)
                 : QRectF(QPointF(at.x() - size.width() / 2, envelope.bottom() + 0.1 * u), size);
    p.setPen(Qt::NoPen);
    p.setBrush(pal.color(QPalette::Base));
    p.drawRoundedRect(box, 0.2 * u, 0.2 * u);
    p.setFont(bold);
    p.setPen(captionColor(e, pal));
    p.drawText(box, Qt::AlignCenter, text);
    p.setFont(font());
}

} // namespace mailsim::gui
