// The header fields of one message, in order, as a table for the message inspector:
//
//   Name        Value (unfolded)                                      Lines
//   Received    from mail.example.org (...) by mail.example.net ...   3
//   Subject     Lunch on Friday?                                      1
//
// The fields come from mail::readHeaderSection, the reader the servers use, so the table
// shows exactly the fields a server would find. Nothing is dropped: a line that is no field
// gets a row of its own, named "(not a header field)", and the tooltip of every row holds
// its lines as they were sent, line ends written <CR><LF>. Encoded words (RFC 2047,
// "=?UTF-8?B?...?=") are shown as sent: the simulator can write them but has no decoder yet.
//
// Also here: visibleText(), which turns message bytes into text without hiding any byte;
// the inspector's text view and this table both use it.
#pragma once

#include "mail/header_fields.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace mailsim::gui {

// A stretch of visibleText()'s result that stands for an unusual byte or character, so that
// a view can set it apart from the same characters sent literally.
struct MarkedRange
{
    qsizetype start = 0;
    qsizetype length = 0;
};

// Message bytes as text that shows every byte:
//  - valid UTF-8 is decoded (an 8bit body in UTF-8 reads as written);
//  - a byte that is not part of valid UTF-8 becomes the four characters \xNN (hex, upper
//    case). U+FFFD was the other choice, but it would hide which byte was sent;
//  - control characters other than TAB become their names in angle brackets: <CR> for a
//    CR that ends no line, <NUL>, <ESC>, <DEL>... They are otherwise invisible or move the
//    text about. Names rather than the Unicode control pictures (␍, ␀), which few fonts
//    have (none on a plain Debian), and in the notation of the 354 reply ("End data with
//    <CR><LF>.<CR><LF>"), which the students see in the trace;
//  - C1 controls and the Unicode line and paragraph separators, which are valid UTF-8 but
//    invisible or would break the line, are shown as \xNN of their bytes.
// `marked`, when given, receives the stretches of the result that stand for such bytes.
QString visibleText(QByteArrayView bytes, QList<MarkedRange> *marked = nullptr);

class HeaderFieldModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, LinesColumn, ColumnCount };

    enum Role {
        RawRole = Qt::UserRole + 1, // QByteArray: the entry's lines as sent, line ends included
        IsFieldRole,                // bool: false for a line that is not a header field
        OffsetRole,                 // qlonglong: where the entry starts in the message
    };

    explicit HeaderFieldModel(QObject *parent = nullptr);

    // Reads the header section of `message` (the whole message, or just its header).
    void setMessage(const QByteArray &message);
    void clear() { setMessage({}); }
    [[nodiscard]] const QByteArray &message() const { return m_message; }
    // True when an empty line ends the header (false for a message that is all header).
    [[nodiscard]] bool hasEmptyLine() const { return m_section.hasEmptyLine(); }
    // The section as read, its views pointing into message().
    [[nodiscard]] const mail::HeaderSection &section() const { return m_section; }
    // Number of rows that are not header fields.
    [[nodiscard]] int nonFieldCount() const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

    // The name shown for a line that is not a header field.
    static QString notAFieldLabel();

    // Longest text a cell shows; the rest is replaced by a note that says how much is left
    // out (a table cell cannot show a megabyte of folded garbage; the text view can).
    static constexpr qsizetype kMaxCellText = 2000;

private:
    QByteArray m_message;         // owns the bytes m_section's views point into
    mail::HeaderSection m_section;
};

} // namespace mailsim::gui
