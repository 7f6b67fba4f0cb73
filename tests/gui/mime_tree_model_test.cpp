// The MIME tree of the message inspector: one row per entity in the shape of the message,
// the encodings and sizes in numbers and words, warnings with the part they belong to, and
// no byte lost from a broken message.
#include "models/mime_tree_model.h"
#include "support/mime_samples.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QImage>

#include <gtest/gtest.h>

using namespace mailsim;
using gui::MimeTreeModel;
using namespace mailsim::gui::test;

namespace {

struct MimeTreeFixture : ::testing::Test
{
    MimeTreeModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};

    QModelIndex at(const char *path) const { return model.indexForPath(QLatin1String(path)); }
    QString cell(const char *path, int column) const
    {
        return at(path).siblingAtColumn(column).data().toString();
    }
    qlonglong number(const char *path, int role) const { return at(path).data(role).toLongLong(); }
};

} // namespace

TEST_F(MimeTreeFixture, EmptyShowsNothing)
{
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_TRUE(model.isEmpty());
    model.setMessage({});
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_FALSE(model.index(0, 0).isValid());
    EXPECT_EQ(model.entity({}), nullptr);
}

TEST_F(MimeTreeFixture, AMultipartWithTextAndAnAttachment)
{
    model.setMessage(multipartMessage());
    ASSERT_EQ(model.rowCount(), 1) << "the message itself";
    const QModelIndex root = model.index(0, 0);
    ASSERT_EQ(model.rowCount(root), 2);
    EXPECT_EQ(model.partCount(), 3);
    EXPECT_EQ(model.rowCount(model.index(0, 0, root)), 0);
    EXPECT_EQ(model.index(1, 0, root), at("1.2"));
    EXPECT_EQ(model.parent(at("1.2")), root);

    EXPECT_EQ(cell("1", MimeTreeModel::PartColumn), QStringLiteral("multipart/mixed"));
    EXPECT_EQ(cell("1.1", MimeTreeModel::PartColumn), QStringLiteral("text/plain; charset=utf-8"));
    EXPECT_EQ(cell("1.2", MimeTreeModel::PartColumn),
              QStringLiteral("application/octet-stream — data.bin"));
    EXPECT_EQ(cell("1", MimeTreeModel::EncodingColumn), QStringLiteral("7bit")) << "the default";
    EXPECT_EQ(cell("1.1", MimeTreeModel::EncodingColumn), QStringLiteral("quoted-printable"));
    EXPECT_EQ(cell("1.2", MimeTreeModel::EncodingColumn), QStringLiteral("base64"));

    // The CR LF before a boundary line belongs to the boundary (RFC 2046 section 5.1.1), so
    // the last base64 line's line end is not part of the body.
    const qsizetype encoded = base64Lines(sampleAttachment()).size() - 2;
    EXPECT_EQ(number("1.2", MimeTreeModel::EncodedSizeRole), encoded);
    EXPECT_EQ(number("1.2", MimeTreeModel::DecodedSizeRole), 1000);
    EXPECT_EQ(model.decodedBody(at("1.2")), sampleAttachment());
    EXPECT_EQ(cell("1.2", MimeTreeModel::EncodedSizeColumn), QStringLiteral("1,370"));
    EXPECT_EQ(cell("1.2", MimeTreeModel::DecodedSizeColumn), QStringLiteral("1,000 (+37 %)"));
    EXPECT_EQ(model.overheadText(at("1.2")),
              QStringLiteral("base64: 1,370 bytes for 1,000 — 37 % more"));

    EXPECT_EQ(number("1.1", MimeTreeModel::EncodedSizeRole), kQuotedText.size() - 2);
    EXPECT_EQ(model.decodedBody(at("1.1")), QStringLiteral("Grüße aus Köln").toUtf8());
    EXPECT_EQ(model.overheadText(at("1.1")),
              QStringLiteral("quoted-printable: 29 bytes for 17 — 71 % more"));

    EXPECT_EQ(number("1", MimeTreeModel::DecodedSizeRole), -1) << "a multipart decodes to parts";
    EXPECT_TRUE(cell("1", MimeTreeModel::DecodedSizeColumn).isEmpty());
    EXPECT_TRUE(model.overheadText(at("1")).contains(QStringLiteral("2 parts")));

    const auto *attachment =
        at("1.2").data(MimeTreeModel::EntityRole).value<const message::MimeEntity *>();
    ASSERT_NE(attachment, nullptr);
    EXPECT_EQ(attachment, model.entity(at("1.2")));
    EXPECT_EQ(attachment->filename(), QStringLiteral("data.bin"));
    EXPECT_EQ(at("1.2").data(MimeTreeModel::PathRole).toString(), QStringLiteral("1.2"));
    // The entity's bytes are where the model says, in the message it holds.
    const QByteArray message = multipartMessage();
    EXPECT_EQ(model.message(), message);
    const qsizetype offset = number("1.2", MimeTreeModel::OffsetRole);
    EXPECT_EQ(message.indexOf("Content-Type: application/octet-stream"), offset);
    EXPECT_EQ(model.indexForOffset(offset + 200), at("1.2"));
    EXPECT_EQ(model.indexForOffset(0), at("1"));
    EXPECT_EQ(model.warnings().size(), 0u);
    EXPECT_TRUE(cell("1.2", MimeTreeModel::WarningsColumn).isEmpty());
}

TEST_F(MimeTreeFixture, AMessageMadeByTheLibraryReadsBackTheSame)
{
    QImage image(8, 6, QImage::Format_RGB32);
    image.fill(Qt::blue);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    ASSERT_TRUE(image.save(&buffer, "PNG"));
    std::vector<message::MimeEntity> parts;
    parts.push_back(message::makeTextPart(QStringLiteral("See the cat.")));
    parts.push_back(message::makeAttachment(QStringLiteral("cat.png"), "image/png", png));
    const message::MimeEntity made = message::makeMultipart("mixed", std::move(parts));

    model.setMessage(message::serialize(made));
    ASSERT_EQ(model.partCount(), 3);
    EXPECT_EQ(cell("1", MimeTreeModel::PartColumn), QStringLiteral("multipart/mixed"));
    EXPECT_TRUE(cell("1.1", MimeTreeModel::PartColumn).startsWith(QStringLiteral("text/plain")));
    EXPECT_EQ(cell("1.2", MimeTreeModel::PartColumn), QStringLiteral("image/png — cat.png"));
    EXPECT_EQ(model.decodedBody(at("1.2")), png);
    const int percent =
        MimeTreeModel::overheadPercent(number("1.2", MimeTreeModel::EncodedSizeRole), png.size());
    EXPECT_GE(percent, 33);
    EXPECT_LE(percent, 40);
    EXPECT_TRUE(model.overheadText(at("1.2")).endsWith(QStringLiteral("%1 % more").arg(percent)));
}

TEST_F(MimeTreeFixture, AMessageInsideAMessageIsTheOnlyChildOfItsPart)
{
    const QByteArray inner = "From: Carol <carol@example.com>\r\n"
                             "Subject: inner\r\n"
                             "\r\n"
                             "Forwarded text.\r\n";
    const QByteArray message = multipartHeader() + "--=-=b1=-=\r\n" + textPart() +
                               "--=-=b1=-=\r\n"
                               "Content-Type: message/rfc822\r\n"
                               "\r\n" +
                               inner + "--=-=b1=-=--\r\n";
    model.setMessage(message);
    ASSERT_TRUE(at("1.2.1").isValid());
    EXPECT_EQ(cell("1.2", MimeTreeModel::PartColumn), QStringLiteral("message/rfc822"));
    EXPECT_EQ(model.rowCount(at("1.2")), 1);
    EXPECT_EQ(cell("1.2.1", MimeTreeModel::PartColumn),
              QStringLiteral("text/plain; charset=us-ascii (default)"))
        << "no Content-Type: the default of RFC 2045, and it says so";
    EXPECT_EQ(model.entity(at("1.2.1"))->header.value("Subject"), QByteArray("inner"));
    EXPECT_EQ(model.parent(at("1.2.1")), at("1.2"));
}

TEST_F(MimeTreeFixture, ABrokenMessageHasWarningsAndLosesNoByte)
{
    // The attachment's base64 has a stray character, and the closing delimiter is missing.
    QByteArray message = multipartHeader() + "--=-=b1=-=\r\n" + textPart() + "--=-=b1=-=\r\n" +
                         attachmentPart("abcdef", "application/octet-stream", "x.bin");
    const qsizetype stray = message.indexOf("YWJj") + 2;
    message.insert(stray, '!');
    model.setMessage(message);

    ASSERT_EQ(model.partCount(), 3);
    EXPECT_EQ(model.message(), message);
    EXPECT_EQ(message::serialize(model.parsed().root), message) << "every byte is kept";
    EXPECT_EQ(model.decodedBody(at("1.2")), QByteArray("abcdef"));

    ASSERT_GE(model.warnings().size(), 2u);
    int total = 0;
    for (const char *path : {"1", "1.1", "1.2"})
        total += at(path).data(MimeTreeModel::WarningCountRole).toInt();
    EXPECT_EQ(total, int(model.warnings().size())) << "each warning belongs to one part";
    bool strayFound = false;
    for (const MimeTreeModel::EntityWarning &w : model.warnings()) {
        EXPECT_FALSE(w.warning.text.isEmpty());
        if (w.warning.offset == stray) {
            strayFound = true;
            EXPECT_EQ(w.path, QStringLiteral("1.2"));
        }
    }
    EXPECT_TRUE(strayFound) << "the decoder's offset counts from the start of the message";
    EXPECT_FALSE(cell("1.2", MimeTreeModel::WarningsColumn).isEmpty());
    EXPECT_TRUE(at("1.2")
                    .siblingAtColumn(MimeTreeModel::WarningsColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("warning")));
}

TEST_F(MimeTreeFixture, AnythingAtAllGivesOneRow)
{
    for (const QByteArray &bytes :
         {QByteArray("no header at all"), QByteArray("\0\xff\r\r\n", 5), QByteArray(100000, 'x')}) {
        model.setMessage(bytes);
        ASSERT_EQ(model.rowCount(), 1);
        EXPECT_EQ(message::serialize(model.parsed().root), bytes);
    }
}

TEST_F(MimeTreeFixture, NumbersAndPercentages)
{
    EXPECT_EQ(MimeTreeModel::number(0), QStringLiteral("0"));
    EXPECT_EQ(MimeTreeModel::number(1368), QStringLiteral("1,368"));
    EXPECT_EQ(MimeTreeModel::number(10485760), QStringLiteral("10,485,760"));
    EXPECT_EQ(MimeTreeModel::overheadPercent(1368, 1000), 37);
    EXPECT_EQ(MimeTreeModel::overheadPercent(1000, 1000), 0);
    EXPECT_EQ(MimeTreeModel::overheadPercent(5, 0), 0);
    EXPECT_EQ(MimeTreeModel::overheadPercent(3000, 1000), 200);
}
