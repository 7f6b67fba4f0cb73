#include "panels/message_inspector.h"

#include "message/codecs.h"
#include "models/trace_model.h"
#include "mail/header_fields.h"
#include "message/mime.h"
#include "style/theme.h"
#include "trace/explainer.h"
#include "trace/text_formatter.h"
#include "trace/trace_log.h"

#include <QBuffer>
#include <QCheckBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeDatabase>
#include <QPainter>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QSyntaxHighlighter>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextLayout>
#include <QToolButton>
#include <QTreeView>
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

class PartHighlighter;

// A read-only view of a part's bytes or of text made from them (the MIME tab's encoded and
// decoded views). Like the wire view, it shows each line of the bytes as a line of text,
// unusual bytes as visibleText() writes them and set apart; the part's header lines get the
// header background. A note that is not part of the bytes ("… 3,000 more bytes") goes in a
// last line of its own, in italics and the quiet colour.
class PartView : public QPlainTextEdit
{
public:
    explicit PartView(QWidget *parent);

    // `headerSize` bytes of `bytes` are header lines.
    void showBytes(QByteArrayView bytes, qsizetype headerSize, const QString &note,
                   const QPalette &palette);
    // Text that marks nothing (a hex dump).
    void showPlain(const QString &text, const QString &note);
    void showNothing(const QString &placeholder)
    {
        marked.clear();
        noteBlock = -1;
        setPlainText(QString());
        setPlaceholderText(placeholder);
    }

    void setColours(const QPalette &palette);

    std::vector<QList<MarkedRange>> marked; // per block
    int noteBlock = -1;

private:
    PartHighlighter *m_highlighter = nullptr; // a child of the document

    void appendNote(QString &text, const QString &note)
    {
        noteBlock = -1;
        if (note.isEmpty())
            return;
        if (!text.isEmpty())
            text += QLatin1Char('\n');
        noteBlock = int(text.count(QLatin1Char('\n')));
        text += note;
    }
};

// Sets apart the unusual bytes and the note of a PartView (as WireHighlighter does for the
// wire view).
class PartHighlighter : public QSyntaxHighlighter
{
public:
    explicit PartHighlighter(PartView &view) : QSyntaxHighlighter(view.document()), m_view(view) {}

    void setColours(const QPalette &palette)
    {
        m_byte = QTextCharFormat();
        m_byte.setForeground(style::replyClassColor(5, palette));
        m_byte.setFontWeight(QFont::Bold);
        m_byte.setBackground(style::removedBackground(palette));
        m_note = QTextCharFormat();
        m_note.setForeground(style::quietColor(palette));
        m_note.setFontItalic(true);
        rehighlight();
    }

protected:
    void highlightBlock(const QString &text) override
    {
        const int number = currentBlock().blockNumber();
        if (number == m_view.noteBlock) {
            setFormat(0, int(text.size()), m_note);
            return;
        }
        if (number < 0 || std::size_t(number) >= m_view.marked.size())
            return;
        for (const MarkedRange &range : m_view.marked[std::size_t(number)])
            setFormat(int(range.start), int(range.length), m_byte);
    }

private:
    PartView &m_view;
    QTextCharFormat m_byte;
    QTextCharFormat m_note;
};

// The tree of parts. It keeps the selected part in sight when the splitter or the dock
// gives it less room: the selection is what the views beside it show.
class PartTree : public QTreeView
{
public:
    using QTreeView::QTreeView;

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QTreeView::resizeEvent(event);
        if (currentIndex().isValid())
            scrollTo(currentIndex());
    }
};

PartView::PartView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    // Where lines end matters (base64 lines of 76 characters): no wrapping.
    setLineWrapMode(QPlainTextEdit::NoWrap);
    // As the wire view: selectable for copying, but no arrow keys taken from the window.
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setFocusPolicy(Qt::ClickFocus);
    m_highlighter = new PartHighlighter(*this);
}

void PartView::setColours(const QPalette &palette)
{
    m_highlighter->setColours(palette);
}

// An image, scaled down to fit when it is larger than the space it has (never up: a small
// image is shown pixel for pixel), on a thin frame so that a transparent one shows its
// extent.
class ImagePreview : public QWidget
{
public:
    explicit ImagePreview(QWidget *parent) : QWidget(parent) { setFocusPolicy(Qt::NoFocus); }

    void setImage(const QImage &image)
    {
        m_image = image;
        update();
    }
    [[nodiscard]] const QImage &image() const { return m_image; }
    [[nodiscard]] QSize sizeHint() const override { return {160, 80}; }
    [[nodiscard]] QSize minimumSizeHint() const override { return {16, 16}; }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.fillRect(rect(), palette().color(QPalette::Base));
        if (m_image.isNull())
            return;
        const QRect space = rect().adjusted(2, 2, -2, -2);
        QSize size = m_image.size();
        if (size.width() > space.width() || size.height() > space.height())
            size.scale(space.size(), Qt::KeepAspectRatio);
        QRect target(QPoint(0, 0), size);
        target.moveCenter(space.center());
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(target, m_image);
        painter.setPen(style::quietColor(palette()));
        painter.drawRect(target.adjusted(-1, -1, 0, 0));
    }

private:
    QImage m_image;
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

// The same with the digits grouped ("1,368 bytes"), for the MIME tab, whose sizes run to
// millions.
QString groupedPlural(qsizetype n, const QString &one, const QString &many)
{
    return (n == 1 ? one : many).arg(MimeTreeModel::number(n));
}

// The lines of `bytes` as the views show them: one line of text per line of bytes, its line
// end (CR LF or LF) left out, every other byte as visibleText() writes it. `marked` gets,
// per line, the stretches that stand for unusual bytes. A final line end starts no line.
QString linesText(QByteArrayView bytes, std::vector<QList<MarkedRange>> *marked)
{
    QString text;
    text.reserve(bytes.size() + bytes.size() / 16);
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        qsizetype eol = bytes.indexOf('\n', pos);
        QByteArrayView content;
        if (eol < 0) {
            content = bytes.sliced(pos);
            eol = bytes.size();
        } else {
            content = bytes.sliced(pos, eol - pos);
            if (content.endsWith('\r'))
                content.chop(1);
        }
        if (pos > 0)
            text += QLatin1Char('\n');
        QList<MarkedRange> ranges;
        text += visibleText(content, &ranges);
        if (marked)
            marked->push_back(std::move(ranges));
        pos = eol + 1;
    }
    return text;
}

} // namespace

namespace detail {

void PartView::showBytes(QByteArrayView bytes, qsizetype headerSize, const QString &note,
                         const QPalette &palette)
{
    marked.clear();
    QString text = linesText(bytes, &marked);
    appendNote(text, note);
    setPlainText(text);
    if (headerSize <= 0)
        return;
    // The blocks that hold header lines get the header background, as in the wire view; the
    // empty line that ends the header does not.
    const QByteArrayView header = bytes.first(std::min(headerSize, bytes.size()));
    qsizetype headerLines = header.count('\n');
    if (header == "\n" || header == "\r\n" || header.endsWith("\n\n") || header.endsWith("\n\r\n"))
        --headerLines;
    if (headerLines <= 0)
        return;
    QTextCursor cursor(document());
    cursor.setPosition(document()->findBlockByNumber(int(headerLines) - 1).position(),
                       QTextCursor::KeepAnchor);
    QTextBlockFormat background;
    background.setBackground(palette.color(QPalette::AlternateBase));
    cursor.mergeBlockFormat(background);
}

void PartView::showPlain(const QString &text, const QString &note)
{
    marked.clear();
    QString all = text;
    appendNote(all, note);
    setPlainText(all);
}

} // namespace detail

namespace {

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

    // Two tabs rather than one long panel: the dock is often a strip of 250 pixels.
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("inspectorTabs"));
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs, 1);

    // The Wire tab: the message as on the wire, and its header fields.
    auto *wire = new QWidget(m_tabs);
    auto *wireLayout = new QVBoxLayout(wire);
    wireLayout->setContentsMargins(0, 4, 0, 0);
    m_origin = new QLabel(wire);
    m_origin->setObjectName(QStringLiteral("inspectorOrigin"));
    m_origin->setTextFormat(Qt::PlainText);
    m_origin->setWordWrap(true);
    wireLayout->addWidget(m_origin);
    m_envelope = new QLabel(wire);
    m_envelope->setObjectName(QStringLiteral("inspectorEnvelope"));
    m_envelope->setTextFormat(Qt::PlainText);
    m_envelope->setWordWrap(true);
    m_envelope->hide();
    wireLayout->addWidget(m_envelope);

    auto *row = new QHBoxLayout;
    m_showCrlf = new QCheckBox(tr("Show CR LF"), wire);
    m_showCrlf->setToolTip(tr("Write out the end of every line: <CR><LF> is the line end of "
                              "Internet mail. A <LF> alone is a bare line feed, which SMTP "
                              "does not allow (a CR alone is always shown, as <CR>)."));
    m_showCrlf->setFocusPolicy(Qt::TabFocus); // a click must not take the arrow keys away
    row->addWidget(m_showCrlf);
    m_summary = new QLabel(wire);
    m_summary->setObjectName(QStringLiteral("inspectorSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    row->addWidget(m_summary, 1);
    wireLayout->addLayout(row);

    auto *splitter = new QSplitter(Qt::Vertical, wire);
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
    wireLayout->addWidget(splitter, 1);
    m_tabs->addTab(wire, tr("Wire"));
    m_tabs->setTabToolTip(0, tr("The message byte for byte, as it travels"));

    // The MIME tab: the tree of parts above; the selected part, encoded and decoded side by
    // side, below; the reader's warnings at the bottom.
    auto *mime = new QSplitter(Qt::Vertical, m_tabs);
    mime->setObjectName(QStringLiteral("inspectorMime"));
    mime->setChildrenCollapsible(false);
    m_tree = new detail::PartTree(mime);
    m_tree->setObjectName(QStringLiteral("inspectorMimeTree"));
    m_tree->setModel(&m_mimeModel);
    m_tree->setFocusPolicy(Qt::NoFocus); // the arrow keys step the simulation
    m_tree->setUniformRowHeights(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    // The numbers as wide as they need; the part's type and name get the rest, shortened in
    // the middle (keeping the type and the file name's end) when a large zoom leaves too
    // little. The tooltip has them whole.
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(MimeTreeModel::PartColumn, QHeaderView::Stretch);
    m_tree->setTextElideMode(Qt::ElideMiddle);
    mime->addWidget(m_tree);

    auto *part = new QWidget(mime);
    auto *partLayout = new QVBoxLayout(part);
    partLayout->setContentsMargins(0, 0, 0, 0);
    partLayout->setSpacing(2);
    m_overhead = new QLabel(part);
    m_overhead->setObjectName(QStringLiteral("inspectorOverhead"));
    m_overhead->setTextFormat(Qt::PlainText);
    m_overhead->setWordWrap(true);
    m_overhead->setToolTip(
        tr("base64 writes 4 characters for every 3 bytes, and ends a line (2 more bytes) "
           "after 76 of them: about 37 % more. Quoted-printable writes 3 characters (=XX) "
           "for each byte that is not printable ASCII: little more for mostly English "
           "text, about three times as much for binary data."));
    partLayout->addWidget(m_overhead);

    auto *sides = new QSplitter(Qt::Horizontal, part);
    sides->setChildrenCollapsible(false);
    const auto captioned = [sides](QLabel *&caption, const QString &name) {
        auto *box = new QWidget(sides);
        auto *boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(1);
        caption = new QLabel(box);
        caption->setObjectName(name);
        caption->setTextFormat(Qt::PlainText);
        // One line that may be cut short: the tooltip has it whole.
        caption->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        boxLayout->addWidget(caption);
        sides->addWidget(box);
        return boxLayout;
    };
    QVBoxLayout *encodedBox =
        captioned(m_encodedCaption, QStringLiteral("inspectorEncodedCaption"));
    m_encoded = new detail::PartView(encodedBox->parentWidget());
    m_encoded->setObjectName(QStringLiteral("inspectorEncoded"));
    encodedBox->addWidget(m_encoded, 1);
    QVBoxLayout *decodedBox =
        captioned(m_decodedCaption, QStringLiteral("inspectorDecodedCaption"));
    m_decodedStack = new QStackedWidget(decodedBox->parentWidget());
    m_decoded = new detail::PartView(m_decodedStack);
    m_decoded->setObjectName(QStringLiteral("inspectorDecoded"));
    m_decodedStack->addWidget(m_decoded);
    m_image = new detail::ImagePreview(m_decodedStack);
    m_image->setObjectName(QStringLiteral("inspectorImage"));
    m_decodedStack->addWidget(m_image);
    decodedBox->addWidget(m_decodedStack, 1);
    partLayout->addWidget(sides, 1);
    mime->addWidget(part);
    // The parts get more room than the tree; updateMimeLayout() turns the splitter on its
    // side when the dock is a low strip.
    mime->setStretchFactor(0, 2);
    mime->setStretchFactor(1, 3);
    mime->setSizes({200, 300});
    mime->installEventFilter(this);
    m_mime = mime;
    // Scroll areas ask for some 70 pixels each, which would cut the tab off below in a low
    // dock; a line or two is enough to be seen and dragged larger.
    for (QWidget *squeezable : std::initializer_list<QWidget *>{m_tree, m_encoded, m_decodedStack})
        squeezable->setMinimumHeight(24);
    m_tabs->addTab(mime, QString());
    m_tabs->setTabToolTip(1, tr("The parts of the message (MIME), each encoded and decoded"));

    // The reader's warnings in a tab of their own: the strip the dock often is has no room
    // for a list below the parts, and the tree counts them per part already.
    m_warnings = new QListWidget(m_tabs);
    m_warnings->setObjectName(QStringLiteral("inspectorWarnings"));
    m_warnings->setFocusPolicy(Qt::NoFocus);
    m_warnings->setToolTip(tr("What the reader had to overlook; click one to see its part"));
    m_tabs->addTab(m_warnings, QString());
    m_tabs->setTabToolTip(2, tr("What the reader had to overlook in this message, with the "
                                "offset of the byte where it saw it"));

    // Save sits in the corner of the tab bar, where there is room, and only with the parts.
    m_save = new QToolButton(m_tabs);
    m_save->setObjectName(QStringLiteral("inspectorSave"));
    m_save->setText(tr("Save attachment…"));
    m_save->setToolTip(tr("Write the selected part's decoded bytes to a file"));
    m_save->setFocusPolicy(Qt::TabFocus); // a click must not take the arrow keys away
    m_tabs->setCornerWidget(m_save, Qt::TopRightCorner);
    m_save->setVisible(false);

    connect(m_showCrlf, &QCheckBox::toggled, this, [this] { render(); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { showPart(current); });
    connect(m_save, &QToolButton::clicked, this, [this] { saveAttachment(); });
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [this](int tab) { m_save->setVisible(tab == 1); });
    connect(m_warnings, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        const QModelIndex index = m_mimeModel.indexForPath(item->data(Qt::UserRole).toString());
        if (!index.isValid())
            return;
        m_tree->setCurrentIndex(index);
        showMimeTab();
    });

    applyMonospaceFont();
    applyColours();
    clear();
}

MessageInspector::~MessageInspector()
{
    // The child widgets outlive the members (QWidget deletes them after this destructor):
    // let go of the model and of this object before they do.
    m_fields->setModel(nullptr);
    m_tree->selectionModel()->disconnect(this);
    m_tree->setModel(nullptr);
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
    case Kind::File:
        return tr("Opened from a file: its bytes exactly, which no server of the simulation "
                  "has handled. A mail program that saves a message often ends its lines with "
                  "LF alone, where the wire has CR LF.");
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
    m_title->setToolTip(QString());
    m_origin->setText(originText(kind));
    m_origin->show();
    m_envelope->clear(); // showTraceEvent sets it again for a message from the trace
    m_envelope->hide();
    const QByteArray message = kind == Kind::SentInData ? unstuffed(bytes) : bytes;
    m_headerModel.setMessage(message);
    render();

    // The part that was selected stays selected when this message has it too, so that a
    // student going from message to message keeps looking at the same attachment.
    const QString keep = m_lastPartPath;
    m_mimeModel.setMessage(message);
    m_tree->expandAll();
    updateMimeTabText();
    showWarnings();
    QModelIndex select = m_mimeModel.indexForPath(keep);
    if (!select.isValid())
        select = m_mimeModel.index(0, 0);
    if (select.isValid())
        m_tree->setCurrentIndex(select); // showPart() follows from currentChanged
    else
        showPart({});
}

bool MessageInspector::showMessageFile(const QString &path, QString *error)
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    const QFileInfo info(path);
    if (info.isDir())
        return fail(tr("%1 is a folder, not a message file.").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(tr("Cannot open %1: %2").arg(path, file.errorString()));
    if (file.size() > kMaxFileSize)
        return fail(tr("%1 has %2 bytes; the inspector opens messages of up to %3 bytes.")
                        .arg(path, MimeTreeModel::number(file.size()),
                             MimeTreeModel::number(kMaxFileSize)));
    // Read one byte more than allowed, for a file that grew or whose size the system does
    // not know (a pipe).
    const QByteArray bytes = file.read(kMaxFileSize + 1);
    if (file.error() != QFileDevice::NoError)
        return fail(tr("Cannot read %1: %2").arg(path, file.errorString()));
    if (bytes.size() > kMaxFileSize)
        return fail(tr("%1 has more than %2 bytes; the inspector opens messages of up to %2 "
                       "bytes.")
                        .arg(path, MimeTreeModel::number(kMaxFileSize)));
    m_fileDirectory = info.absolutePath();
    showMessage(bytes, tr("Opened from the file %1").arg(info.fileName()), Kind::File);
    m_title->setToolTip(info.absoluteFilePath());
    return true;
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
        title = trace::isWebPage(e) ? tr("Message %1 of %2's mailbox as the web page %3 shows (HTML, not the message)")
                                          .arg(e.code)
                                          .arg(QString::fromUtf8(e.detail), from)
                                    : tr("Message %1 of %2's mailbox, read by %3")
                                          .arg(e.code)
                                          .arg(QString::fromUtf8(e.detail), from);
        break;
    default:
        return false;
    }
    // A real mail program's message (the Real clients panel) carries the flag and says so.
    if (log.involvesRealClient(e))
        title = tr("%1 %2 (a real mail program on this computer, not the scenario)")
                    .arg(TraceModel::realClientMark(), title);
    showMessage(e.data, QStringLiteral("%1   %2").arg(when, title), kind);

    // The envelope, from the trace: what the SMTP commands said, or what the server knew.
    QString envelope;
    switch (e.kind) {
    case trace::EventKind::Compose:
        envelope = QString::fromUtf8(e.detail);
        break;
    case trace::EventKind::SmtpData: {
        // The MAIL FROM and RCPT TO commands of this transaction, on the same connection.
        QStringList commands;
        for (std::size_t i = std::size_t(&e - log.events().data()); i-- > 0;) {
            const trace::TraceEvent &c = log.at(i);
            if (c.connection != e.connection || c.kind != trace::EventKind::SmtpCommand)
                continue;
            const QString line = QString::fromUtf8(c.data).trimmed();
            if (line.startsWith(QLatin1String("RCPT TO:"), Qt::CaseInsensitive))
                commands.prepend(line);
            if (line.startsWith(QLatin1String("MAIL FROM:"), Qt::CaseInsensitive)) {
                commands.prepend(line);
                break;
            }
        }
        envelope = commands.join(QStringLiteral("  ·  "));
        break;
    }
    case trace::EventKind::QueueAdd:
        envelope = tr("RCPT TO: %1").arg(QString::fromUtf8(trace::queueRecipients(e)));
        break;
    default:
        envelope = tr("delivered to the mailbox of %1").arg(QString::fromUtf8(e.detail));
        break;
    }
    QStringList header;
    for (const char *name : {"From", "To", "Cc", "Bcc"}) {
        const std::optional<QByteArray> value = mail::findHeaderField(e.data, name);
        if (value)
            header << QStringLiteral("%1: %2").arg(QLatin1String(name), message::decodeHeaderText(*value));
    }
    m_envelope->setText(tr("Envelope (what SMTP delivers by): %1\nHeader (what the reader sees): %2")
                            .arg(envelope.isEmpty() ? tr("(not in the trace)") : envelope,
                                 header.isEmpty() ? tr("(no From, To or Cc)") : header.join(QStringLiteral("  ·  "))));
    m_envelope->show();
    return true;
}

QString MessageInspector::envelopeText() const
{
    return m_envelope->text();
}

void MessageInspector::clear()
{
    m_bytes.clear();
    m_hasMessage = false;
    m_title->clear();
    m_title->setToolTip(QString());
    m_title->hide();
    m_origin->clear();
    m_origin->hide();
    m_envelope->clear();
    m_envelope->hide();
    m_headerModel.clear();
    render();
    m_mimeModel.clear();
    updateMimeTabText();
    showWarnings();
    showPart({});
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

// The MIME tab

bool MessageInspector::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_mime && event->type() == QEvent::Resize)
        updateMimeLayout();
    return QWidget::eventFilter(watched, event);
}

void MessageInspector::updateMimeLayout()
{
    // Tree above parts needs some ten lines of text: the tree's header and three rows, the
    // overhead sentence, the captions and a few lines of each view. A lower tab (the
    // Message dock of a 1280x720 window is about 150 pixels high) puts the tree to the
    // left of the part instead, where it has room for its rows; its columns then keep their
    // width and it scrolls sideways, so that the part's type and name are not cut short.
    if (!m_mime)
        return; // a font change while the constructor runs
    const bool low = m_mime->height() < 10 * fontMetrics().lineSpacing();
    const Qt::Orientation wanted = low ? Qt::Horizontal : Qt::Vertical;
    if (m_mime->orientation() == wanted)
        return;
    m_mime->setOrientation(wanted);
    m_tree->header()->setSectionResizeMode(
        MimeTreeModel::PartColumn, low ? QHeaderView::ResizeToContents : QHeaderView::Stretch);
    const int length = low ? m_mime->width() : m_mime->height();
    m_mime->setSizes({length * 2 / 5, length * 3 / 5});
}

bool MessageInspector::mimeTabSideBySide() const
{
    return m_mime->orientation() == Qt::Horizontal;
}

void MessageInspector::showMimeTab(bool mime)
{
    m_tabs->setCurrentIndex(mime ? 1 : 0);
}

bool MessageInspector::mimeTabShown() const
{
    return m_tabs->currentIndex() == 1;
}

bool MessageInspector::selectPart(const QString &path)
{
    const QModelIndex index = m_mimeModel.indexForPath(path);
    if (!index.isValid())
        return false;
    m_tree->setCurrentIndex(index);
    return true;
}

QString MessageInspector::selectedPartPath() const
{
    return m_mimeModel.path(m_tree->currentIndex());
}

QString MessageInspector::encodedText() const
{
    return m_encoded->toPlainText();
}

QString MessageInspector::decodedText() const
{
    return m_decodedForm == DecodedForm::Image ? QString() : m_decoded->toPlainText();
}

QImage MessageInspector::previewImage() const
{
    return m_decodedForm == DecodedForm::Image ? m_image->image() : QImage();
}

QString MessageInspector::overheadText() const
{
    return m_overhead->text();
}

QStringList MessageInspector::warningTexts() const
{
    QStringList texts;
    for (int row = 0; row < m_warnings->count(); ++row)
        texts << m_warnings->item(row)->text();
    return texts;
}

QString MessageInspector::hexDump(QByteArrayView bytes, qsizetype limit)
{
    static const char hex[] = "0123456789abcdef";
    const qsizetype size = std::min(bytes.size(), std::max<qsizetype>(limit, 0));
    QString text;
    text.reserve((size / 16 + 1) * 80);
    for (qsizetype line = 0; line < size; line += 16) {
        if (line > 0)
            text += QLatin1Char('\n');
        text += QStringLiteral("%1 ").arg(line, 8, 16, QLatin1Char('0'));
        const qsizetype count = std::min<qsizetype>(16, size - line);
        for (qsizetype i = 0; i < 16; ++i) {
            if (i == 8)
                text += QLatin1Char(' ');
            if (i < count) {
                const auto u = static_cast<unsigned char>(bytes[line + i]);
                text += QLatin1Char(' ');
                text += QLatin1Char(hex[u >> 4]);
                text += QLatin1Char(hex[u & 0xF]);
            } else {
                text += QLatin1String("   ");
            }
        }
        text += QLatin1String("  |");
        for (qsizetype i = 0; i < count; ++i) {
            const char c = bytes[line + i];
            text += QLatin1Char(c >= 0x20 && c < 0x7F ? c : '.');
        }
        text += QLatin1Char('|');
    }
    return text;
}

void MessageInspector::updateMimeTabText()
{
    const int parts = m_mimeModel.partCount();
    m_tabs->setTabText(1, parts == 0 ? tr("MIME parts") : tr("MIME parts (%1)").arg(parts));
    // The count in words, so that the tab says it without any colour; a tab with nothing in
    // it is disabled.
    const auto warnings = qsizetype(m_mimeModel.warnings().size());
    m_tabs->setTabText(2, warnings == 0 ? tr("No warnings")
                                        : plural(warnings, tr("%1 warning"), tr("%1 warnings")));
    m_tabs->setTabEnabled(2, warnings > 0);
}

void MessageInspector::showWarnings()
{
    m_warnings->clear();
    for (const MimeTreeModel::EntityWarning &w : m_mimeModel.warnings()) {
        const QString where =
            w.warning.offset >= 0
                ? tr("byte %1, part %2").arg(MimeTreeModel::number(w.warning.offset), w.path)
                : tr("part %1").arg(w.path);
        auto *item =
            new QListWidgetItem(QStringLiteral("%1: %2").arg(where, w.warning.text), m_warnings);
        item->setData(Qt::UserRole, w.path);
        item->setToolTip(item->text());
    }
}

void MessageInspector::showPart(const QModelIndex &index)
{
    const message::MimeEntity *entity = m_mimeModel.entity(index);
    if (!entity) {
        m_decodedForm = DecodedForm::None;
        m_overhead->setText(QString());
        m_save->setEnabled(false);
        m_encodedCaption->setText(tr("Encoded"));
        m_decodedCaption->setText(tr("Decoded"));
        const QString none = m_hasMessage ? tr("(The message has no parts.)")
                                          : tr("Select a message to see its MIME parts here.");
        m_encoded->showNothing(none);
        m_decoded->showNothing(QString());
        m_image->setImage({});
        m_decodedStack->setCurrentWidget(m_decoded);
        return;
    }
    const QModelIndex row = index.siblingAtColumn(0);
    m_lastPartPath = m_mimeModel.path(row);
    m_tree->scrollTo(row);
    m_overhead->setText(m_mimeModel.overheadText(row));
    const bool container = MimeTreeModel::isContainer(*entity);
    m_save->setEnabled(!container);

    // Encoded: the part's bytes as they are in the message. The reader's offsets point into
    // the message, so these are the very bytes (the serializer gives the same bytes for a
    // parsed entity, but would copy them).
    const QByteArray &message = m_mimeModel.message();
    const qsizetype length = m_mimeModel.entitySize(row);
    QByteArray serialized;
    QByteArrayView bytes;
    if (entity->offset >= 0 && entity->offset + length <= message.size()) {
        bytes = QByteArrayView(message).sliced(entity->offset, length);
    } else {
        serialized = message::serialize(*entity);
        bytes = serialized;
    }
    // At most kPartViewLimit bytes of the body (and of a huge header), ending at a line end
    // when there is one not too far back, so that no base64 line is cut in two.
    const qsizetype headerShown = std::min(entity->headerSize, kPartViewLimit);
    qsizetype shown = std::min(bytes.size(), headerShown + kPartViewLimit);
    if (shown < bytes.size()) {
        const qsizetype eol = bytes.first(shown).lastIndexOf('\n');
        if (eol >= headerShown && eol + 1 > shown - 1024)
            shown = eol + 1;
    }
    QString note;
    if (shown < bytes.size())
        note = tr("… and %1 more bytes of this part, not shown here (it has %2 in all; the "
                  "Wire tab shows the whole message).")
                   .arg(MimeTreeModel::number(bytes.size() - shown),
                        MimeTreeModel::number(bytes.size()));
    m_encoded->showBytes(bytes.first(shown), std::min(entity->headerSize, shown), note, palette());
    m_encoded->setPlaceholderText(QString());
    const QString encoding = QString::fromLatin1(entity->transferEncoding());
    m_encodedCaption->setText(
        container ? tr("In the message: header, then parts between boundaries")
                  : tr("In the message: header, then the body in %1").arg(encoding));
    m_encodedCaption->setToolTip(m_encodedCaption->text());

    // Decoded.
    const QByteArray decoded = m_mimeModel.decodedBody(row);
    const QByteArray type = entity->mediaType();
    QString caption;
    m_image->setImage({});
    m_decoded->setPlaceholderText(QString());
    const auto showHex = [&](const QString &why) {
        m_decodedForm = DecodedForm::Hex;
        QString more;
        if (decoded.size() > kPartViewLimit)
            more = tr("… and %1 more bytes, not shown here (%2 in all); Save attachment… "
                      "writes them all.")
                       .arg(MimeTreeModel::number(decoded.size() - kPartViewLimit),
                            MimeTreeModel::number(decoded.size()));
        m_decoded->showPlain(hexDump(decoded, kPartViewLimit), more);
        caption = tr("Decoded: %1, in hex and as ASCII%2")
                      .arg(groupedPlural(decoded.size(), tr("%1 byte"), tr("%1 bytes")), why);
    };
    if (container) {
        m_decodedForm = DecodedForm::Parts;
        m_decoded->showNothing(tr("A multipart has nothing of its own to decode: select one "
                                  "of its parts in the tree."));
        caption = tr("Decoded: see the parts");
    } else if (decoded.isEmpty()) {
        m_decodedForm = DecodedForm::Text;
        m_decoded->showNothing(tr("(The body is empty.)"));
        caption = tr("Decoded: nothing");
    } else if (type.startsWith("text/")) {
        m_decodedForm = DecodedForm::Text;
        QString charset = entity->contentType().parameter("charset");
        QString text = message::decodeCharset(
            decoded, charset.isEmpty() ? QByteArrayView("us-ascii") : charset.toLatin1());
        QString more;
        if (text.size() > kPartViewLimit) {
            qsizetype cut = kPartViewLimit;
            if (text.at(cut).isLowSurrogate())
                --cut; // keep a character outside the BMP whole
            more = tr("… and %1 more characters, not shown here (%2 in all); Save attachment… "
                      "writes the whole part.")
                       .arg(MimeTreeModel::number(text.size() - cut),
                            MimeTreeModel::number(text.size()));
            text.truncate(cut);
        }
        m_decoded->showBytes(text.toUtf8(), 0, more, palette());
        caption = charset.isEmpty() ? tr("Decoded: text in us-ascii (no charset given)")
                                    : tr("Decoded: text in %1").arg(charset);
    } else if (type.startsWith("message/") || type.startsWith("multipart/")) {
        m_decodedForm = DecodedForm::Text;
        QString more;
        if (decoded.size() > kPartViewLimit)
            more = tr("… and %1 more bytes, not shown here (%2 in all); Save attachment… "
                      "writes them all.")
                       .arg(MimeTreeModel::number(decoded.size() - kPartViewLimit),
                            MimeTreeModel::number(decoded.size()));
        m_decoded->showBytes(
            QByteArrayView(decoded).first(std::min(decoded.size(), kPartViewLimit)), 0, more,
            palette());
        caption = type.startsWith("multipart/")
                      ? tr("Decoded: the body as text (the reader could not split it into parts)")
                      : tr("Decoded: a message of its own, its parts below it in the tree");
    } else if (type.startsWith("image/")) {
        QBuffer buffer;
        buffer.setData(decoded);
        QImageReader reader(&buffer);
        const QByteArray format = reader.format();
        const QImage image = reader.read();
        if (!image.isNull()) {
            m_decodedForm = DecodedForm::Image;
            m_image->setImage(image);
            caption = tr("Decoded: %1, %2 × %3 pixels, %4")
                          .arg(QString::fromLatin1(format.toUpper()))
                          .arg(image.width())
                          .arg(image.height())
                          .arg(groupedPlural(decoded.size(), tr("%1 byte"), tr("%1 bytes")));
        } else {
            showHex(tr(" — not an image Qt can read"));
        }
    } else {
        showHex(QString());
    }
    m_decodedStack->setCurrentWidget(
        m_decodedForm == DecodedForm::Image ? static_cast<QWidget *>(m_image) : m_decoded);
    m_decodedCaption->setText(caption);
    m_decodedCaption->setToolTip(caption);
}

QString MessageInspector::suggestedFileName() const
{
    const QModelIndex index = m_tree->currentIndex();
    const message::MimeEntity *entity = m_mimeModel.entity(index);
    if (!entity)
        return {};
    // Only the last path component, and no leading dots: a name in a message must not pick
    // the folder or hide the file.
    QString name = entity->filename();
    name.replace(QLatin1Char('\\'), QLatin1Char('/'));
    name = name.section(QLatin1Char('/'), -1);
    while (name.startsWith(QLatin1Char('.')))
        name.remove(0, 1);
    name.remove(QChar(0));
    if (!name.trimmed().isEmpty())
        return name;
    const QByteArray type = entity->mediaType();
    QString suffix =
        type == "message/rfc822"
            ? QStringLiteral("eml")
            : QMimeDatabase().mimeTypeForName(QString::fromLatin1(type)).preferredSuffix();
    if (suffix.isEmpty())
        suffix = QStringLiteral("bin");
    return QStringLiteral("part-%1.%2").arg(m_mimeModel.path(index), suffix);
}

bool MessageInspector::saveDecodedPart(const QString &path, QString *error) const
{
    const auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    const QModelIndex index = m_tree->currentIndex();
    const message::MimeEntity *entity = m_mimeModel.entity(index);
    if (!entity)
        return fail(tr("No part is selected."));
    if (MimeTreeModel::isContainer(*entity))
        return fail(tr("A multipart has no body of its own to save: select one of its parts."));
    // QSaveFile writes a temporary file and renames it at the end: a failed save leaves an
    // existing file as it was.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(tr("Cannot write %1: %2").arg(path, file.errorString()));
    const QByteArray bytes = m_mimeModel.decodedBody(index);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return fail(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

void MessageInspector::saveAttachment()
{
    QString start = suggestedFileName();
    if (start.isEmpty())
        return;
    if (!m_fileDirectory.isEmpty())
        start = QDir(m_fileDirectory).filePath(start);
    const QString path = QFileDialog::getSaveFileName(this, tr("Save attachment"), start);
    if (path.isEmpty())
        return;
    QString error;
    if (!saveDecodedPart(path, &error))
        QMessageBox::warning(this, tr("Save attachment"), error);
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
    for (QPlainTextEdit *view :
         {static_cast<QPlainTextEdit *>(m_encoded), static_cast<QPlainTextEdit *>(m_decoded)}) {
        view->setFont(mono);
        view->setTabStopDistance(m_view->tabStopDistance());
    }
}

void MessageInspector::applyColours()
{
    if (!m_view)
        return;
    m_view->noteColor = style::quietColor(palette());
    m_highlighter->setColours(palette());
    render(); // the header background is in the document
    m_encoded->setColours(palette());
    m_decoded->setColours(palette());
    showPart(m_tree->currentIndex()); // so is the part's
}

void MessageInspector::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        applyMonospaceFont();
        updateMimeLayout(); // "ten lines" is a different height now
    } else if (event->type() == QEvent::PaletteChange)
        applyColours();
}

} // namespace mailsim::gui
