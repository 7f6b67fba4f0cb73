// The message inspector, a dock panel: one message as it is on the wire, so that students
// see what a mail really is. In the first tab, "Wire", the header, the empty line that ends
// it, and the body, in a monospace read-only view; a line says where the message was taken from
// (sent after DATA, queued, stored, composed), since each place shows it a little differently
// (dot-stuffing, Received: fields). Below, the header fields as a table (HeaderFieldModel).
//
// The view adds nothing to the bytes but what is needed to see them: the header lines have
// a quiet background and the empty line carries a painted note "end of the header" that is
// not part of the text; "Show CR LF" writes out every line end, <CR><LF> in a quiet colour
// and a bare <LF> in the warning colour; a CR that ends no line is always shown as <CR>,
// and bytes that are not UTF-8 as \xNN, set apart from literal text (visibleText() in
// models/header_field_model.h says why these notations). No byte is left out, whatever the
// size: a megabyte of body is shown whole.
//
// A second tab, "MIME parts", shows the same message as the reader (message::parseMessage)
// understands it: the tree of its MIME entities (MimeTreeModel), and for the part selected
// there its bytes as they are in the message (its header lines, the empty line, the body
// still encoded, e.g. base64 lines) beside its decoded form: text in its charset, an image
// previewed, other bytes as a hex dump. A sentence gives the overhead of the encoding, and
// "Save attachment..." writes a part's decoded bytes to a file. These two views show at most
// kPartViewLimit bytes of a part and say how much more there is: the Wire tab has the whole
// message, the saved file the whole part. A third tab lists the reader's warnings with
// their offsets.
//
// Tabs, because the dock is often a low strip; for the same reason the MIME tab puts the
// tree beside the part instead of above it when it is less than about ten lines high.
#pragma once

#include "models/header_field_model.h"
#include "models/mime_tree_model.h"

#include <QByteArray>
#include <QImage>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QWidget>

#include <cstddef>
#include <vector>

class QCheckBox;
class QLabel;
class QListWidget;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;
class QTreeView;

namespace mailsim::trace {
class TraceLog;
}

namespace mailsim::gui {

namespace detail {
class WireView;
class WireHighlighter;
class PartView;
class ImagePreview;
} // namespace detail

class MessageInspector : public QWidget
{
    Q_OBJECT
public:
    // Where the bytes come from; the panel explains what that means for what is shown.
    enum class Kind
    {
        SentInData, // after 354 (an smtp-data event): dot-stuffed, ended by a line "."
        Queued,     // as a server put it in its outgoing queue (queue-add)
        Stored,     // as stored in a mailbox (mailbox-add)
        Read,       // as a user agent read it from a mailbox (mailbox-read)
        Composed,   // as the user agent wrote it, before anything was sent (compose)
        File,       // opened from a file (showMessageFile): no server has handled it
    };

    // How the MIME tab shows the decoded form of the selected part.
    enum class DecodedForm
    {
        None,  // no part selected
        Text,  // text/* and message/rfc822: as text
        Image, // image/* that Qt can read: previewed
        Hex,   // anything else: offset, bytes in hex, the same bytes as ASCII
        Parts, // a multipart: nothing of its own to decode
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
    // Reads the file (any bytes: a message saved by a mail program, an .eml) and shows it as
    // Kind::File, titled with the file name. False with the reason in *error (and nothing
    // changes) when it cannot be read or is larger than kMaxFileSize.
    bool showMessageFile(const QString &path, QString *error = nullptr);
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
    // For a message shown from the trace: the SMTP envelope it travels by (MAIL FROM, RCPT
    // TO) beside the header fields people read (From, To, Cc); "" otherwise. They differ for
    // Bcc recipients, lists and bounces, which is the point of showing both.
    [[nodiscard]] QString envelopeText() const;
    // The line with sizes and oddities ("9 header fields · empty line · body: 5 lines ...").
    [[nodiscard]] QString summaryText() const;
    [[nodiscard]] const HeaderFieldModel &headerModel() const { return m_headerModel; }
    [[nodiscard]] bool hasMessage() const { return m_hasMessage; }
    [[nodiscard]] Kind kind() const { return m_kind; }

    // The MIME tab.
    [[nodiscard]] const MimeTreeModel &mimeModel() const { return m_mimeModel; }
    void showMimeTab(bool mime = true); // false: the Wire tab
    [[nodiscard]] bool mimeTabShown() const;
    // True when the MIME tab has the tree beside the part rather than above it (a low dock).
    [[nodiscard]] bool mimeTabSideBySide() const;
    // Selects a part by its path ("1.2", see MimeTreeModel::path()); false if there is none.
    bool selectPart(const QString &path);
    [[nodiscard]] QString selectedPartPath() const;
    // What the two views show for the selected part, lines separated by '\n'; a last line
    // says how much is not shown when the part is larger than kPartViewLimit.
    [[nodiscard]] QString encodedText() const;
    [[nodiscard]] QString decodedText() const; // "" when an image is previewed
    [[nodiscard]] DecodedForm decodedForm() const { return m_decodedForm; }
    [[nodiscard]] QImage previewImage() const; // null unless DecodedForm::Image
    // The sentence with the size overhead of the selected part's encoding.
    [[nodiscard]] QString overheadText() const;
    // The reader's warnings as the third tab lists them, "byte 120, part 1.2: <text>". The
    // tab says "2 warnings" (disabled, "No warnings", when there are none); clicking a
    // warning selects its part in the MIME tab.
    [[nodiscard]] QStringList warningTexts() const;
    // Writes the decoded bytes of the selected part to `path` (atomically, QSaveFile). False
    // with the reason in *error when no part or a multipart is selected or writing fails.
    bool saveDecodedPart(const QString &path, QString *error = nullptr) const;
    // The file name Save attachment... proposes for the selected part.
    [[nodiscard]] QString suggestedFileName() const;

    static QString originText(Kind kind);
    static QString placeholderText();
    // Bytes of a part the MIME tab's views show (and the hex dump dumps) at most.
    static constexpr qsizetype kPartViewLimit = 64 * 1024;
    // Largest file showMessageFile reads: the Wire tab shows every byte, which is slow for
    // much more.
    static constexpr qint64 kMaxFileSize = 64 * 1024 * 1024;
    // The first `limit` bytes at most as the lines of `hexdump -C`: offset, 16 bytes in hex,
    // the same bytes as ASCII between bars (a dot for each byte that is no printable ASCII).
    static QString hexDump(QByteArrayView bytes, qsizetype limit);
    // How "Show CR LF" writes a line end: CR LF, and a bare LF.
    static constexpr QStringView kCrLfText = u"<CR><LF>";
    static constexpr QStringView kBareLfText = u"<LF>";

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

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
    void showPart(const QModelIndex &index);
    void showWarnings();
    void saveAttachment();
    void updateMimeTabText();
    void updateMimeLayout();
    void applyMonospaceFont();
    void applyColours();

    HeaderFieldModel m_headerModel;
    MimeTreeModel m_mimeModel;
    DecodedForm m_decodedForm = DecodedForm::None;
    QString m_lastPartPath;  // selected again in the next message, when it has that part
    QString m_fileDirectory; // where the last file came from, for the save dialog
    QByteArray m_bytes;
    Kind m_kind = Kind::Composed;
    bool m_hasMessage = false;
    std::vector<Line> m_lines; // one per block of the view

    QLabel *m_title = nullptr;
    QLabel *m_origin = nullptr;
    QLabel *m_envelope = nullptr; // envelope beside header, for messages from the trace
    QCheckBox *m_showCrlf = nullptr;
    QLabel *m_summary = nullptr;
    detail::WireView *m_view = nullptr;
    detail::WireHighlighter *m_highlighter = nullptr;
    QTableView *m_fields = nullptr;

    QTabWidget *m_tabs = nullptr;
    QSplitter *m_mime = nullptr;
    QTreeView *m_tree = nullptr;
    QLabel *m_overhead = nullptr;
    QToolButton *m_save = nullptr;
    QLabel *m_encodedCaption = nullptr;
    QLabel *m_decodedCaption = nullptr;
    detail::PartView *m_encoded = nullptr;
    detail::PartView *m_decoded = nullptr;
    detail::ImagePreview *m_image = nullptr;
    QStackedWidget *m_decodedStack = nullptr;
    QListWidget *m_warnings = nullptr;
};

} // namespace mailsim::gui
