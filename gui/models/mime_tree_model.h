// The MIME structure of one message, as a tree for the message inspector:
//
//   Part                              Encoding          Encoded   Decoded          Warnings
//   multipart/mixed                   7bit              1,612
//   ├ text/plain; charset=utf-8       quoted-printable    213       201  +6 %
//   └ image/png — cat.png             base64            1,372     1,000  +37 %
//
// One row per MIME entity: the message itself at the top, the parts of a multipart below
// it, and the message inside a message/rfc822 part below that part. The message is read by
// message::parseMessage, the reader the servers and the CLI use, so the tree is what they
// see. Each leaf's body is decoded once, when the message is set, so that the sizes (and
// the views that show a part) need not decode again.
//
// Warnings are the reader's and the decoders', each given to the innermost entity whose
// bytes hold its offset; offsets count from the first byte of the message.
#pragma once

#include "message/mime.h"

#include <QAbstractItemModel>
#include <QByteArray>
#include <QString>

#include <vector>

namespace mailsim::gui {

class MimeTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        PartColumn,        // media type with its charset or file name
        EncodingColumn,    // Content-Transfer-Encoding, lower case
        EncodedSizeColumn, // bytes of the body as in the message
        DecodedSizeColumn, // bytes once decoded, with the overhead of the encoding
        WarningsColumn,    // how many warnings belong to this entity
        ColumnCount
    };

    enum Role
    {
        EntityRole = Qt::UserRole + 1, // const message::MimeEntity *
        PathRole,                      // QString: "1", "1.2", "1.2.1" (see path())
        OffsetRole,                    // qlonglong: where the entity starts in the message
        EncodedSizeRole,               // qlonglong
        DecodedSizeRole,               // qlonglong; -1 for a multipart
        WarningCountRole,              // int
    };

    explicit MimeTreeModel(QObject *parent = nullptr);

    // Reads `message` (any bytes) and shows its tree; an empty array shows nothing.
    void setMessage(const QByteArray &message);
    void clear() { setMessage({}); }
    [[nodiscard]] bool isEmpty() const { return m_nodes.empty(); }
    [[nodiscard]] const QByteArray &message() const { return m_message; }
    [[nodiscard]] const message::ParsedMessage &parsed() const { return m_parsed; }

    // Every warning of the reader and of the decoders, ordered by offset (those tied to no
    // offset last).
    struct EntityWarning
    {
        message::Warning warning;
        QString path; // of the entity it belongs to
    };
    [[nodiscard]] const std::vector<EntityWarning> &warnings() const { return m_warnings; }

    // The entity of a row; nullptr for an invalid index.
    [[nodiscard]] const message::MimeEntity *entity(const QModelIndex &index) const;
    // Its body with the transfer encoding undone; for a message/rfc822 part, the message in
    // it. Empty for a multipart.
    [[nodiscard]] QByteArray decodedBody(const QModelIndex &index) const;
    // Bytes of the entity in the message, its header included.
    [[nodiscard]] qsizetype entitySize(const QModelIndex &index) const;
    // A multipart read into parts: nothing of its own to decode.
    static bool isContainer(const message::MimeEntity &entity);
    // A part's path: "1" for the message, "1.2" for the second part of the message, and so
    // on, one number per level, the message inside a message/rfc822 part counting as its
    // only child. Unlike IMAP's section numbers, every row has one, the message included.
    [[nodiscard]] QString path(const QModelIndex &index) const;
    [[nodiscard]] QModelIndex indexForPath(const QString &path) const;
    // The innermost entity whose bytes hold `offset`; invalid when none does.
    [[nodiscard]] QModelIndex indexForOffset(qsizetype offset) const;
    [[nodiscard]] int partCount() const { return int(m_nodes.size()); }

    // "base64: 1,372 bytes for 1,000 — 37 % more", in words, for the row's entity.
    [[nodiscard]] QString overheadText(const QModelIndex &index) const;
    // What the Part column says for an entity.
    static QString describe(const message::MimeEntity &entity);
    // 1234567 as "1,234,567", the same in every locale, since the texts around it are
    // English.
    static QString number(qint64 n);
    // The overhead of the encoding in per cent, rounded; 0 when nothing was decoded.
    static int overheadPercent(qint64 encoded, qint64 decoded);

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index,
                                int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role = Qt::DisplayRole) const override;

private:
    // One per entity, in depth-first order (the message is node 0). The internal id of an
    // index is its node's number: no pointers into the tree leave the model.
    struct Node
    {
        const message::MimeEntity *entity = nullptr;
        int parent = -1; // node number, -1 for the message
        int row = 0;     // among its parent's children
        std::vector<int> children;
        QString path;
        qsizetype size = 0;   // bytes of the entity, header included
        qsizetype begin = -1; // the entity's bytes in the message: [begin, end); -1 when
        qsizetype end = -1;   // it was made in code
        QByteArray decoded;   // leaves only
        qint64 decodedSize = -1;
        int warningCount = 0;
    };

    int addNode(const message::MimeEntity &entity, int parent, int row, int depth);
    [[nodiscard]] const Node *node(const QModelIndex &index) const;

    QByteArray m_message;
    message::ParsedMessage m_parsed;
    std::vector<Node> m_nodes;
    std::vector<EntityWarning> m_warnings;
};

} // namespace mailsim::gui

Q_DECLARE_METATYPE(const mailsim::message::MimeEntity *)
