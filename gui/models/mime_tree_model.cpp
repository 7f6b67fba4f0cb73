#include "models/mime_tree_model.h"

#include "message/codecs.h"
#include "style/theme.h"

#include <QApplication>
#include <QFont>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mailsim::gui {

namespace {

bool isIdentityEncoding(const QByteArray &encoding)
{
    return encoding == "7bit" || encoding == "8bit" || encoding == "binary";
}

bool isKnownEncoding(const QByteArray &encoding)
{
    return isIdentityEncoding(encoding) || encoding == "base64" || encoding == "quoted-printable";
}

// A message/rfc822 part whose message was read: its bytes are in `embedded`, its body empty.
bool isReadMessagePart(const message::MimeEntity &entity)
{
    return !entity.embedded.empty() && entity.body.isEmpty();
}

QString charsetOf(const message::MimeEntity &entity)
{
    const QString charset = entity.contentType().parameter("charset");
    return charset.isEmpty() ? QStringLiteral("us-ascii") : charset;
}

QString plural(qint64 n, const QString &one, const QString &many)
{
    return (n == 1 ? one : many).arg(MimeTreeModel::number(n));
}

} // namespace

MimeTreeModel::MimeTreeModel(QObject *parent) : QAbstractItemModel(parent) {}

void MimeTreeModel::setMessage(const QByteArray &message)
{
    beginResetModel();
    m_message = message;
    m_nodes.clear();
    m_warnings.clear();
    m_parsed = {};
    if (!message.isEmpty()) {
        m_parsed = message::parseMessage(m_message);
        // The tree is built first and never grows afterwards: the nodes hold pointers into
        // m_parsed, which is not touched again until the next message.
        addNode(m_parsed.root, -1, 0, 0);

        // Each warning goes to the innermost entity that holds its offset: the nodes are in
        // depth-first order, so the last one that holds it is the innermost.
        const auto owner = [this](qsizetype offset) {
            int found = 0;
            if (offset < 0)
                return found;
            for (int i = 0; i < int(m_nodes.size()); ++i) {
                const Node &n = m_nodes[std::size_t(i)];
                if (offset >= n.begin && offset < n.end)
                    found = i;
            }
            return found;
        };
        for (const message::Warning &w : m_parsed.warnings) {
            Node &n = m_nodes[std::size_t(owner(w.offset))];
            ++n.warningCount;
            m_warnings.push_back({w, n.path});
        }
        // The decoders' warnings carry offsets in the message too.
        for (Node &n : m_nodes) {
            const message::MimeEntity &e = *n.entity;
            if (isContainer(e))
                continue;
            message::Warnings decoding;
            if (isReadMessagePart(e)) {
                // The reader keeps a message/rfc822's bytes in the message it read, not in
                // the body; the part's content is that message.
                n.decoded = message::serialize(e.embedded.front());
            } else {
                n.decoded = e.decodedBody(&decoding);
                if (e.mediaType().startsWith("text/"))
                    message::decodeCharset(n.decoded, charsetOf(e).toLatin1(), &decoding);
            }
            n.decodedSize = n.decoded.size();
            for (message::Warning &w : decoding) {
                // Charset warnings are tied to no byte; they concern the body as a whole.
                if (w.offset < 0)
                    w.offset = e.bodyOffset();
                ++n.warningCount;
                m_warnings.push_back({std::move(w), n.path});
            }
        }
        std::stable_sort(m_warnings.begin(), m_warnings.end(),
                         [](const EntityWarning &a, const EntityWarning &b) {
                             const auto key = [](qsizetype o) {
                                 return o < 0 ? std::numeric_limits<qsizetype>::max() : o;
                             };
                             return key(a.warning.offset) < key(b.warning.offset);
                         });
    }
    endResetModel();
}

int MimeTreeModel::addNode(const message::MimeEntity &entity, int parent, int row, int depth)
{
    const int number = int(m_nodes.size());
    Node n;
    n.entity = &entity;
    n.parent = parent;
    n.row = row;
    n.path = parent < 0
                 ? QStringLiteral("1")
                 : QStringLiteral("%1.%2").arg(m_nodes[std::size_t(parent)].path).arg(row + 1);
    m_nodes.push_back(std::move(n));
    // The reader limits the depth already; this guards the recursion against a tree made
    // some other way.
    const std::vector<message::MimeEntity> &below =
        entity.isMultipart() ? entity.parts : entity.embedded;
    std::vector<int> children;
    if (depth < message::kMaxDepthCeiling) {
        children.reserve(below.size());
        for (std::size_t i = 0; i < below.size(); ++i)
            children.push_back(addNode(below[i], number, int(i), depth + 1));
    }

    // How many bytes the entity has in the message: its header section, then its body, or
    // what the reader split the body into (the parts and the lines between them, or the
    // message inside), counted from the children, so that every size is found once.
    qsizetype size = entity.headerSize;
    if (isContainer(entity) && children.size() == below.size()) {
        size += entity.preamble.size() + entity.closeDelimiter.size() + entity.epilogue.size();
        for (std::size_t i = 0; i < children.size(); ++i) {
            if (i < entity.delimiters.size())
                size += entity.delimiters[i].size();
            size += m_nodes[std::size_t(children[i])].size;
        }
    } else if (isReadMessagePart(entity) && children.size() == 1) {
        size += m_nodes[std::size_t(children.front())].size;
    } else if (isContainer(entity) || isReadMessagePart(entity)) {
        size = message::serialize(entity).size(); // deeper than the tree shows
    } else {
        size += entity.body.size();
    }
    Node &added = m_nodes[std::size_t(number)];
    added.children = std::move(children);
    added.size = size;
    added.begin = entity.offset;
    added.end = entity.offset >= 0 ? entity.offset + size : -1;
    return number;
}

// A multipart that the reader could not split into parts (no boundary, too deep) keeps its
// bytes as a body and is shown like any other leaf.
bool MimeTreeModel::isContainer(const message::MimeEntity &entity)
{
    return entity.isMultipart() && !entity.parts.empty();
}

qsizetype MimeTreeModel::entitySize(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->size : 0;
}

const MimeTreeModel::Node *MimeTreeModel::node(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() >= m_nodes.size())
        return nullptr;
    return &m_nodes[index.internalId()];
}

const message::MimeEntity *MimeTreeModel::entity(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->entity : nullptr;
}

QByteArray MimeTreeModel::decodedBody(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->decoded : QByteArray();
}

QString MimeTreeModel::path(const QModelIndex &index) const
{
    const Node *n = node(index);
    return n ? n->path : QString();
}

QModelIndex MimeTreeModel::indexForPath(const QString &path) const
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].path == path)
            return createIndex(m_nodes[i].row, 0, quintptr(i));
    return {};
}

QModelIndex MimeTreeModel::indexForOffset(qsizetype offset) const
{
    if (offset < 0)
        return {};
    int found = -1;
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        if (offset >= m_nodes[i].begin && offset < m_nodes[i].end)
            found = int(i);
    return found < 0 ? QModelIndex()
                     : createIndex(m_nodes[std::size_t(found)].row, 0, quintptr(found));
}

QString MimeTreeModel::number(qint64 n)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(n);
}

int MimeTreeModel::overheadPercent(qint64 encoded, qint64 decoded)
{
    if (decoded <= 0)
        return 0;
    return int(std::lround(100.0 * double(encoded - decoded) / double(decoded)));
}

QString MimeTreeModel::describe(const message::MimeEntity &entity)
{
    const message::FieldWithParameters type = entity.contentType();
    QString text = QString::fromLatin1(type.value);
    if (text.isEmpty())
        text = QStringLiteral("text/plain");
    const QString charset = type.parameter("charset");
    if (text.startsWith(QLatin1String("text/")) && !charset.isEmpty())
        text += QStringLiteral("; charset=%1").arg(charset);
    // Without a Content-Type field the type is RFC 2045's default (or message/rfc822 in a
    // digest): say so, since nothing in the part's header shows it.
    if (!entity.header.has("Content-Type"))
        text += tr(" (default)");
    const QString filename = entity.filename();
    if (!filename.isEmpty())
        text += QStringLiteral(" — %1").arg(filename);
    return text;
}

QString MimeTreeModel::overheadText(const QModelIndex &index) const
{
    const Node *n = node(index);
    if (!n)
        return {};
    const message::MimeEntity &e = *n->entity;
    const QByteArray encoding = e.transferEncoding();
    const QString name = QString::fromLatin1(encoding);
    const qint64 encoded = n->size - e.headerSize;
    if (isContainer(e)) {
        return tr("A multipart is not encoded itself; its %1 are (%2 with the boundary "
                  "lines).")
            .arg(plural(qint64(n->children.size()), tr("%1 part"), tr("%1 parts")),
                 plural(encoded, tr("%1 byte"), tr("%1 bytes")));
    }
    const qint64 decoded = n->decodedSize;
    if (!isKnownEncoding(encoding)) {
        return tr("%1: an encoding this reader does not know, so the body is shown as it is "
                  "(%2).")
            .arg(name, plural(encoded, tr("%1 byte"), tr("%1 bytes")));
    }
    if (isIdentityEncoding(encoding)) {
        return tr("%1: sent as it is, %2 — no encoding, no overhead.")
            .arg(name, plural(encoded, tr("%1 byte"), tr("%1 bytes")));
    }
    QString text = tr("%1: %2 for %3")
                       .arg(name, plural(encoded, tr("%1 byte"), tr("%1 bytes")), number(decoded));
    const int percent = overheadPercent(encoded, decoded);
    if (decoded == 0)
        return text + QLatin1Char('.');
    if (percent > 0)
        return text + tr(" — %1 % more").arg(percent);
    if (percent < 0)
        return text + tr(" — %1 % less").arg(-percent);
    return text + tr(" — about the same size");
}

QModelIndex MimeTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid()) {
        if (row != 0 || m_nodes.empty())
            return {};
        return createIndex(0, column, quintptr(0));
    }
    const Node *p = node(parent);
    if (!p || parent.column() != 0 || row >= int(p->children.size()))
        return {};
    return createIndex(row, column, quintptr(p->children[std::size_t(row)]));
}

QModelIndex MimeTreeModel::parent(const QModelIndex &child) const
{
    const Node *n = node(child);
    if (!n || n->parent < 0)
        return {};
    const Node &p = m_nodes[std::size_t(n->parent)];
    return createIndex(p.row, 0, quintptr(n->parent));
}

int MimeTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return m_nodes.empty() ? 0 : 1;
    if (parent.column() != 0)
        return 0;
    const Node *p = node(parent);
    return p ? int(p->children.size()) : 0;
}

int MimeTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant MimeTreeModel::data(const QModelIndex &index, int role) const
{
    const Node *n = node(index);
    if (!n)
        return {};
    const message::MimeEntity &e = *n->entity;
    const qint64 encoded = n->size - e.headerSize;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case PartColumn:
            return describe(e);
        case EncodingColumn:
            return QString::fromLatin1(e.transferEncoding());
        case EncodedSizeColumn:
            return number(encoded);
        case DecodedSizeColumn: {
            if (n->decodedSize < 0)
                return QString();
            const QByteArray encoding = e.transferEncoding();
            if (isIdentityEncoding(encoding) || !isKnownEncoding(encoding))
                return number(n->decodedSize);
            const int percent = overheadPercent(encoded, n->decodedSize);
            if (n->decodedSize == 0 || percent == 0)
                return number(n->decodedSize);
            return QStringLiteral("%1 (%2%3 %)")
                .arg(number(n->decodedSize), percent > 0 ? QStringLiteral("+") : QString())
                .arg(percent);
        }
        case WarningsColumn:
            return n->warningCount > 0 ? QString::number(n->warningCount) : QString();
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case PartColumn: {
            QString tip = tr("Part %1").arg(n->path);
            if (e.header.has("Content-Type"))
                tip += QStringLiteral("\nContent-Type: %1")
                           .arg(QString::fromUtf8(e.header.value("Content-Type")));
            else
                tip += tr("\nNo Content-Type field: the default applies (RFC 2045).");
            if (e.header.has("Content-Disposition"))
                tip += QStringLiteral("\nContent-Disposition: %1")
                           .arg(QString::fromUtf8(e.header.value("Content-Disposition")));
            if (e.offset >= 0)
                tip += tr("\nStarts at byte %1 of the message.").arg(number(e.offset));
            return tip;
        }
        case EncodingColumn:
        case EncodedSizeColumn:
        case DecodedSizeColumn:
            return overheadText(index);
        case WarningsColumn:
            if (n->warningCount == 0)
                return {};
            return plural(n->warningCount, tr("%1 warning about this part"),
                          tr("%1 warnings about this part"));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == EncodedSizeColumn || index.column() == DecodedSizeColumn ||
            index.column() == WarningsColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ForegroundRole:
        // The count says it already; the colour only helps it stand out.
        if (index.column() == WarningsColumn && n->warningCount > 0)
            return style::replyClassColor(5, QApplication::palette());
        return {};
    case Qt::FontRole:
        if (index.column() == WarningsColumn && n->warningCount > 0) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case EntityRole:
        return QVariant::fromValue(n->entity);
    case PathRole:
        return n->path;
    case OffsetRole:
        return qlonglong(e.offset);
    case EncodedSizeRole:
        return qlonglong(encoded);
    case DecodedSizeRole:
        return qlonglong(n->decodedSize);
    case WarningCountRole:
        return n->warningCount;
    }
    return {};
}

QVariant MimeTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case PartColumn:
            return tr("Part");
        case EncodingColumn:
            return tr("Encoding");
        case EncodedSizeColumn:
            return tr("Encoded");
        case DecodedSizeColumn:
            return tr("Decoded");
        case WarningsColumn:
            return tr("Warnings");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case PartColumn:
            return tr("The media type (Content-Type) of each part, with its charset or file "
                      "name");
        case EncodingColumn:
            return tr("Content-Transfer-Encoding: how the body was made fit for 7-bit mail");
        case EncodedSizeColumn:
            return tr("Bytes of the body as it is in the message, line ends included");
        case DecodedSizeColumn:
            return tr("Bytes of the body once decoded, and how much bigger the encoding made "
                      "it");
        case WarningsColumn:
            return tr("What the reader had to overlook in this part");
        }
    }
    return {};
}

} // namespace mailsim::gui
