#include "panels/message_inspector.h"

#include "style/theme.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"
#include "trace/trace_log.h"

#include <QCheckBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QSyntaxHighlighter>
#include <QTableView>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextLayout>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace mailsim::gui {

namespace detail {

// The text view. It paints short notes after the text of some lines (the empty line that
// ends the header, the final dot of DATA): painted, not inserted, so that the text (and a
// copy of it) holds the message and nothing else.
class WireView : public QPlainTextEdit
{
public:
    explicit WireView(QWidget *parent) : QPlainTextEdit(parent) {}

    std::map<int, QString> notes; // block number -> note
    QColor noteColor;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QPlainTextEdit::paintEvent(event);
        if (notes.empty())
            return;
        QPainter painter(viewport());
        QFont italic = font();
        italic.setItalic(true);
        painter.setFont(italic);
        painter.setPen(noteColor);
        const QFontMetrics metrics(italic);
        const qreal gap = metrics.horizontalAdvance(QLatin1Char(' ')) * 2;
        const QPointF offset = contentOffset();
        for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
            const QRectF box = blockBoundingGeometry(block).translated(offset);
            if (box.top() > viewport()->height())
                break;
            const auto note = notes.find(block.blockNumber());
            if (note == notes.end() || !block.layout() || block.layout()->lineCount() == 0)
                continue;
            const QTextLine line = block.layout()->lineAt(0);
            const qreal x = box.left() + line.naturalTextWidth() + gap;
            const qreal baseline = box.top() + line.y() + line.ascent();
            painter.drawText(QPointF(x, baseline), note->second);
        }
    }
};

// Sets apart what the inspector wrote into the text to show bytes: the line ends (<CR><LF>
// quiet; a bare <LF> in the warning colour, bold) and the \xNN and <CR>-style names that
// stand for unusual bytes (warning colour, bold, on a background). It reads the inspector's
// per-line record instead of searching the text, so that a "<CR>" or "\x0D" typed literally
// in a message is left alone.
class WireHighlighter : public QSyntaxHighlighter
{
public:
    WireHighlighter(const MessageInspector &inspector, QTextDocument *document)
        : QSyntaxHighlighter(document), m_inspector(inspector)
    {
    }

    void setColours(const QPalette &palette)
    {
        m_glyph = QTextCharFormat();
        m_glyph.setForeground(style::quietColor(palette));
        m_warning = QTextCharFormat();
        m_warning.setForeground(style::replyClassColor(5, palette));
        m_warning.setFontWeight(QFont::Bold);
        m_byte = m_warning;
        m_byte.setBackground(style::removedBackground(palette));
    }

protected:
    void highlightBlock(const QString &text) override
    {
        const int number = currentBlock().blockNumber();
        if (number < 0 || std::size_t(number) >= m_inspector.m_lines.size())
            return;
        const MessageInspector::Line &line = m_inspector.m_lines[std::size_t(number)];
        for (const MarkedRange &range : line.marked)
            setFormat(int(range.start), int(range.length), m_byte);
        if (!m_inspector.crlfVisible())
            return;
        const auto size = int(text.size());
        const auto crlf = int(MessageInspector::kCrLfText.size());
        const auto lf = int(MessageInspector::kBareLfText.size());
        if (line.end == MessageInspector::LineEnd::CrLf && size >= crlf)
            setFormat(size - crlf, crlf, m_glyph);
        else if (line.end == MessageInspector::LineEnd::BareLf && size >= lf)
            setFormat(size - lf, lf, m_warning);
    }

private:
    const MessageInspector &m_inspector;
    QTextCharFormat m_glyph;
    QTextCharFormat m_warning;
    QTextCharFormat m_byte;
};

} // namespace detail

namespace {

// The message carried by DATA without the transparency of RFC 5321 section 4.5.2: the line
// "." that ends it taken off, and the dot the sender put before every line that starts with
// a dot taken away again. The inverse of smtp::dotStuff; the SMTP server session does the
// same while it receives, but keeps no function for it.
QByteArray unstuffed(QByteArrayView wire)
{
    if (wire == ".\r\n")
        return {};
    if (wire.endsWith("\r\n.\r\n"))
        wire.chop(3);
    QByteArray content;
    content.reserve(wire.size());
    qsizetype pos = 0;
    while (pos < wire.size()) {
        const qsizetype eol = wire.indexOf('\n', pos);
        const qsizetype next = eol < 0 ? wire.size() : eol + 1;
        const qsizetype from = wire[pos] == '.' ? pos + 1 : pos;
        content += wire.sliced(from, next - from);
        pos = next;
    }
    return content;
}

// The final ".\r\n" of DATA: three bytes, or none when the bytes do not end that way.
qsizetype finalDotSize(QByteArrayView wire)
{
    return wire == ".\r\n" || wire.endsWith("\r\n.\r\n") ? 3 : 0;
}

QString plural(qsizetype n, const QString &one, const QString &many)
{
    return (n == 1 ? one : many).arg(n);
}

} // namespace

MessageInspector::MessageInspector(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("inspectorTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont bold; // only the weight is set, so the size still follows the window's zoom
    bold.setBold(true);
    m_title->setFont(bold);
    layout->addWidget(m_title);

    m_origin = new QLabel(this);
    m_origin->setObjectName(QStringLiteral("inspectorOrigin"));
    m_origin->setTextFormat(Qt::PlainText);
    m_origin->setWordWrap(true);
    layout->addWidget(m_origin);

    auto *row = new QHBoxLayout;
    m_showCrlf = new QCheckBox(tr("Show CR LF"), this);
    m_showCrlf->setToolTip(tr("Write out the end of every line: <CR><LF> is the line end of "
                              "Internet mail. A <LF> alone is a bare line feed, which SMTP "
                              "does not allow (a CR alone is always shown, as <CR>)."));
    m_showCrlf->setFocusPolicy(Qt::TabFocus); // a click must not take the arrow keys away
    row->addWidget(m_showCrlf);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("inspectorSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    row->addWidget(m_summary, 1);
    layout->addLayout(row);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    m_view = new detail::WireView(splitter);
    m_view->setObjectName(QStringLiteral("inspectorWire"));
    m_view->setReadOnly(true);
    m_view->setUndoRedoEnabled(false);
    // No wrapping: a wrapped line would look like two lines, and where lines end is much of
    // what this view is for.
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    // Read-only with mouse selection only: the view may take focus for copying (Ctrl+C), but
    // claims no arrow keys, which step the simulation.
    m_view->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_view->setFocusPolicy(Qt::ClickFocus);
    m_highlighter = new detail::WireHighlighter(*this, m_view->document());
    splitter->addWidget(m_view);

    m_fields = new QTableView(splitter);
    m_fields->setObjectName(QStringLiteral("inspectorFields"));
    m_fields->setModel(&m_headerModel);
    m_fields->setFocusPolicy(Qt::NoFocus);
    m_fields->setSelectionMode(QAbstractItemView::NoSelection);
    m_fields->setWordWrap(false);
    m_fields->verticalHeader()->hide();
    m_fields->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_fields->horizontalHeader()->setSectionResizeMode(HeaderFieldModel::NameColumn,
                                                       QHeaderView::ResizeToContents);
    m_fields->horizontalHeader()->setSectionResizeMode(HeaderFieldModel::ValueColumn,
                                                       QHeaderView::Stretch);
    m_fields->horizontalHeader()->setSectionResizeMode(HeaderFieldModel::LinesColumn,
                                                       QHeaderView::ResizeToContents);
    splitter->addWidget(m_fields);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    connect(m_showCrlf, &QCheckBox::toggled, this, [this] { render(); });

    applyMonospaceFont();
    applyColours();
    clear();
}

MessageInspector::~MessageInspector()
{
    // The child widgets outlive the members (QWidget deletes them after this destructor):
    // let go of the model and of this object before they do.
    m_fields->setModel(nullptr);
    m_highlighter->setDocument(nullptr);
}

QString MessageInspector::placeholderText()
{
    return tr("Select a message in a queue, a mailbox or a DATA arrow to see it here.");
}

QString MessageInspector::originText(Kind kind)
{
    switch (kind) {
    case Kind::SentInData:
        return tr("As sent after DATA: lines starting with a dot carry an extra dot, and the "
                  "line with a single dot ends the message (RFC 5321, section 4.5.2).");
    case Kind::Queued:
        return tr("As queued: the server has accepted the message and put its Received: field "
                  "on top (a submission server also adds a Date: or Message-ID: the user agent "
                  "left out). It keeps the message until the next server takes it.");
    case Kind::Stored:
        return tr("As stored in the mailbox: each server on the way has put a Received: field "
                  "on top, so the newest comes first.");
    case Kind::Read:
        return tr("As the recipient's user agent read it from the mailbox: the message as "
                  "stored there.");
    case Kind::Composed:
        return tr("As composed by the user agent, before sending: no server has handled it "
                  "yet, so it has no Received: fields.");
    }
    return {};
}

void MessageInspector::showMessage(const QByteArray &bytes, const QString &title, Kind kind)
{
    m_bytes = bytes;
    m_kind = kind;
    m_hasMessage = true;
    m_title->setText(title);
    m_title->setVisible(!title.isEmpty());
    m_origin->setText(originText(kind));
    m_origin->show();
    m_headerModel.setMessage(kind == Kind::SentInData ? unstuffed(bytes) : bytes);
    render();
}

bool MessageInspector::showTraceEvent(const trace::TraceLog &log, std::size_t eventIndex)
{
    if (eventIndex >= log.size())
        return false;
    const trace::TraceEvent *event = &log.at(eventIndex);
    if (event->kind == trace::EventKind::QueueDefer
        || event->kind == trace::EventKind::QueueRemove) {
        // The entry's message is in the queue-add of the same server and queue id.
        const QByteArray id = trace::queueId(*event);
        const trace::ActorId server = event->from;
        const trace::TraceEvent *added = nullptr;
        for (std::size_t i = eventIndex; i-- > 0 && !added;) {
            const trace::TraceEvent &candidate = log.at(i);
            if (candidate.kind == trace::EventKind::QueueAdd && candidate.from == server
                && trace::queueId(candidate) == id)
                added = &candidate;
        }
        if (!added)
            return false;
        event = added;
    }
    const trace::TraceEvent &e = *event;
    const QString from = trace::actorLabel(log, e.from);
    const QString when = trace::TextFormatter::formatTime(e.time);
    Kind kind = Kind::Composed;
    QString title;
    switch (e.kind) {
    case trace::EventKind::Compose:
        kind = Kind::Composed;
        title = tr("Composed by %1").arg(from);
        break;
    case trace::EventKind::SmtpData:
        kind = Kind::SentInData;
        title = tr("Sent by %1 to %2 after DATA").arg(from, trace::actorLabel(log, e.to));
        break;
    case trace::EventKind::QueueAdd:
        kind = Kind::Queued;
        title = tr("In the outgoing queue of %1 as %2")
                    .arg(from, QString::fromUtf8(trace::queueId(e)));
        break;
    case trace::EventKind::MailboxAdd:
        kind = Kind::Stored;
        title = tr("Message %1 in %2's mailbox on %3")
                    .arg(e.code)
                    .arg(QString::fromUtf8(e.detail), log.actorName(e.from));
        break;
    case trace::EventKind::MailboxRead:
        kind = Kind::Read;
        title = tr("Message %1 of %2's mailbox, read by %3")
                    .arg(e.code)
                    .arg(QString::fromUtf8(e.detail), from);
        break;
    default:
        return false;
    }
    showMessage(e.data, QStringLiteral("%1   %2").arg(when, title), kind);
    return true;
}

void MessageInspector::clear()
{
    m_bytes.clear();
    m_hasMessage = false;
    m_title->clear();
    m_title->hide();
    m_origin->clear();
    m_origin->hide();
    m_headerModel.clear();
    render();
}

QString MessageInspector::wireText() const
{
    // The document's own text, so that what is checked is what the view holds. toPlainText()
    // would turn no-break spaces into spaces; the raw text keeps them, and its block
    // separators are the line ends (visibleText() leaves no other U+2029 in it).
    QString text = m_view->document()->toRawText();
    text.replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    return text;
}

bool MessageInspector::crlfVisible() const
{
    return m_showCrlf->isChecked();
}

void MessageInspector::setCrlfVisible(bool visible)
{
    m_showCrlf->setChecked(visible); // toggled() renders again
}

QString MessageInspector::title() const
{
    return m_title->text();
}

QString MessageInspector::originText() const
{
    return m_origin->text();
}

QString MessageInspector::summaryText() const
{
    return m_summary->text();
}

void MessageInspector::render()
{
    m_lines.clear();
    m_view->notes.clear();
    if (!m_hasMessage || m_bytes.isEmpty()) {
        m_view->setPlainText(QString());
        m_view->setPlaceholderText(m_hasMessage
                                       ? tr("(This message is empty: it has no bytes at all.)")
                                       : placeholderText());
        m_summary->setText(m_hasMessage ? tr("0 bytes") : QString());
        return;
    }

    const bool crlf = crlfVisible();
    const QByteArrayView bytes = m_bytes;
    // Where the header ends is read from the bytes as shown; for DATA without its final dot
    // line, which is no part of the message.
    const qsizetype dotSize = m_kind == Kind::SentInData ? finalDotSize(bytes) : 0;
    const mail::HeaderSection section =
        mail::readHeaderSection(bytes.first(bytes.size() - dotSize));

    QString text;
    text.reserve(bytes.size() + bytes.size() / 8);
    int headerLines = 0;
    qsizetype bodyLines = 0;
    qsizetype bareLf = 0;
    qsizetype markedBytes = 0;
    qsizetype stuffedLines = 0;
    int lastHeaderBlock = -1;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        const int block = int(m_lines.size());
        qsizetype eol = bytes.indexOf('\n', pos);
        Line line;
        QByteArrayView content;
        if (eol < 0) {
            content = bytes.sliced(pos);
            line.end = LineEnd::None;
            eol = bytes.size();
        } else {
            content = bytes.sliced(pos, eol - pos);
            line.end = content.endsWith('\r') ? LineEnd::CrLf : LineEnd::BareLf;
            if (line.end == LineEnd::CrLf)
                content.chop(1);
        }
        if (block > 0)
            text += QLatin1Char('\n');
        text += visibleText(content, &line.marked);
        markedBytes += line.marked.size();
        if (crlf && line.end == LineEnd::CrLf)
            text += kCrLfText;
        else if (crlf && line.end == LineEnd::BareLf)
            text += kBareLfText;
        bareLf += line.end == LineEnd::BareLf;

        const bool isFinalDot = dotSize > 0 && pos == bytes.size() - dotSize;
        if (pos < section.end) {
            ++headerLines;
            lastHeaderBlock = block;
        } else if (section.hasEmptyLine() && pos == section.end) {
            m_view->notes[block] = tr("— empty line: end of the header —");
        } else if (!isFinalDot) {
            ++bodyLines;
        }
        if (isFinalDot) {
            m_view->notes[block] = tr("← a single dot: the end of the message");
        } else if (m_kind == Kind::SentInData && content.startsWith('.')) {
            m_view->notes[block] = tr("← the first dot was added for sending");
            ++stuffedLines;
        }
        m_lines.push_back(std::move(line));
        pos = eol + 1;
    }
    if (!section.hasEmptyLine() && lastHeaderBlock >= 0 && !m_view->notes.count(lastHeaderBlock))
        m_view->notes[lastHeaderBlock] = tr("← no empty line follows: there is no body");

    m_view->setPlainText(text);
    // The header lines get a quiet background of their own, across the whole width.
    if (headerLines > 0) {
        QTextDocument *document = m_view->document();
        QTextCursor cursor(document);
        cursor.setPosition(document->findBlockByNumber(headerLines - 1).position(),
                           QTextCursor::KeepAnchor);
        QTextBlockFormat header;
        header.setBackground(palette().color(QPalette::AlternateBase));
        cursor.mergeBlockFormat(header);
    }

    QStringList parts;
    const int fields = int(section.fields.size());
    const int nonFields =
        int(std::count_if(section.fields.begin(), section.fields.end(),
                          [](const mail::RawHeaderField &f) { return !f.isField; }));
    parts << tr("Header: %1 in %2")
                 .arg(plural(fields - nonFields, tr("%1 field"), tr("%1 fields")),
                      plural(headerLines, tr("%1 line"), tr("%1 lines")));
    if (nonFields > 0)
        parts << plural(nonFields, tr("%1 line that is no field"),
                        tr("%1 lines that are no fields"));
    parts << (section.hasEmptyLine()
                  ? tr("body: %1").arg(plural(bodyLines, tr("%1 line"), tr("%1 lines")))
                  : tr("no empty line, so no body"));
    if (stuffedLines > 0)
        parts << plural(stuffedLines, tr("%1 dot-stuffed line"), tr("%1 dot-stuffed lines"));
    parts << plural(bytes.size(), tr("%1 byte"), tr("%1 bytes"));
    if (bareLf > 0)
        parts << plural(bareLf, tr("%1 bare LF"), tr("%1 bare LFs"))
                     + (crlf ? QString() : tr(" (Show CR LF marks them)"));
    if (markedBytes > 0)
        parts << plural(markedBytes, tr("%1 unusual byte or character, set apart"),
                        tr("%1 unusual bytes or characters, set apart"));
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void MessageInspector::applyMonospaceFont()
{
    if (!m_view)
        return;
    // The window zooms by changing its font; the text view's font is set here, so it would
    // not follow on its own: take the family from the system and the size from this widget.
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setStyleHint(QFont::TypeWriter);
    if (font().pointSizeF() > 0)
        mono.setPointSizeF(font().pointSizeF());
    else
        mono.setPixelSize(font().pixelSize());
    m_view->setFont(mono);
    m_view->setTabStopDistance(QFontMetricsF(mono).horizontalAdvance(QLatin1Char(' ')) * 8);
    m_fields->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
}

void MessageInspector::applyColours()
{
    if (!m_view)
        return;
    m_view->noteColor = style::quietColor(palette());
    m_highlighter->setColours(palette());
    render(); // the header background is in the document
}

void MessageInspector::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        applyMonospaceFont();
    else if (event->type() == QEvent::PaletteChange)
        applyColours();
}

} // namespace mailsim::gui
