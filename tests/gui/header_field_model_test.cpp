// The header table of the message inspector: every field in order, unfolded, with its line
// count, and nothing dropped from a message that is not well formed.
#include "models/header_field_model.h"

#include <QAbstractItemModelTester>

#include <gtest/gtest.h>

using mailsim::gui::HeaderFieldModel;
using mailsim::gui::MarkedRange;
using mailsim::gui::visibleText;

namespace {

struct HeaderFieldFixture : ::testing::Test
{
    HeaderFieldModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};

    QString cell(int row, int column) const { return model.index(row, column).data().toString(); }
    bool isField(int row) const
    {
        return model.index(row, 0).data(HeaderFieldModel::IsFieldRole).toBool();
    }
    // The rows' raw bytes end to end: the header section, byte for byte.
    QByteArray allRaw() const
    {
        QByteArray all;
        for (int row = 0; row < model.rowCount(); ++row)
            all += model.index(row, 0).data(HeaderFieldModel::RawRole).toByteArray();
        return all;
    }
};

const QByteArray kStored = "Received: from mail.example.org (mail.example.org [192.0.2.25])\r\n"
                           "\tby mail.example.net (MailSim) with ESMTP id E55523BFEE\r\n"
                           "\tfor <bob@example.net>; Mon, 3 Mar 2025 09:00:00 +0000\r\n"
                           "From: Alice <alice@example.org>\r\n"
                           "To: Bob <bob@example.net>\r\n"
                           "Subject: Lunch on Friday?\r\n"
                           "\r\n"
                           "Hi Bob,\r\n"
                           "\r\n"
                           "Subject: not a field, this is the body\r\n";

} // namespace

TEST_F(HeaderFieldFixture, StartsEmpty)
{
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(model.columnCount(), HeaderFieldModel::ColumnCount);
    EXPECT_EQ(model.headerData(HeaderFieldModel::NameColumn, Qt::Horizontal).toString(),
              QStringLiteral("Name"));
    EXPECT_EQ(model.headerData(HeaderFieldModel::ValueColumn, Qt::Horizontal).toString(),
              QStringLiteral("Value"));
    EXPECT_EQ(model.headerData(HeaderFieldModel::LinesColumn, Qt::Horizontal).toString(),
              QStringLiteral("Lines"));
}

TEST_F(HeaderFieldFixture, AWholeMessageGivesItsHeaderFieldsInOrder)
{
    model.setMessage(kStored);
    ASSERT_EQ(model.rowCount(), 4) << "the body's \"Subject:\" line is no header field";
    EXPECT_EQ(cell(0, HeaderFieldModel::NameColumn), QStringLiteral("Received"));
    EXPECT_EQ(cell(1, HeaderFieldModel::NameColumn), QStringLiteral("From"));
    EXPECT_EQ(cell(2, HeaderFieldModel::NameColumn), QStringLiteral("To"));
    EXPECT_EQ(cell(3, HeaderFieldModel::NameColumn), QStringLiteral("Subject"));
    EXPECT_EQ(cell(3, HeaderFieldModel::ValueColumn), QStringLiteral("Lunch on Friday?"));
    EXPECT_EQ(cell(1, HeaderFieldModel::ValueColumn), QStringLiteral("Alice <alice@example.org>"));
    EXPECT_EQ(model.index(3, HeaderFieldModel::LinesColumn).data().toInt(), 1);
    EXPECT_TRUE(model.hasEmptyLine());
    EXPECT_EQ(model.nonFieldCount(), 0);
    EXPECT_EQ(model.index(1, 0).data(HeaderFieldModel::OffsetRole).toLongLong(),
              kStored.indexOf("From:"));
    EXPECT_EQ(allRaw(), kStored.first(kStored.indexOf("\r\n\r\n") + 2));
}

TEST_F(HeaderFieldFixture, AFoldedFieldIsUnfoldedAndCountsItsLines)
{
    model.setMessage(kStored);
    EXPECT_EQ(model.index(0, HeaderFieldModel::LinesColumn).data().toInt(), 3);
    // RFC 5322 2.2.3: the CR LF before each continuation line goes, its tab stays.
    EXPECT_EQ(cell(0, HeaderFieldModel::ValueColumn),
              QStringLiteral("from mail.example.org (mail.example.org [192.0.2.25])"
                             "\tby mail.example.net (MailSim) with ESMTP id E55523BFEE"
                             "\tfor <bob@example.net>; Mon, 3 Mar 2025 09:00:00 +0000"));
    const QString tip =
        model.index(0, HeaderFieldModel::ValueColumn).data(Qt::ToolTipRole).toString();
    EXPECT_TRUE(tip.contains(QStringLiteral("3 lines")));
    EXPECT_TRUE(tip.contains(QStringLiteral("[192.0.2.25])&lt;CR&gt;&lt;LF&gt;")))
        << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("&lt;bob@example.net&gt;")))
        << "escaped, not read as markup";
}

TEST_F(HeaderFieldFixture, AMessageWithoutBodyOrEmptyLine)
{
    model.setMessage("From: a@example.org\r\nSubject: no body\r\n\r\n");
    EXPECT_EQ(model.rowCount(), 2);
    EXPECT_TRUE(model.hasEmptyLine());

    model.setMessage("From: a@example.org\r\nSubject: no empty line");
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_FALSE(model.hasEmptyLine());
    EXPECT_EQ(cell(1, HeaderFieldModel::ValueColumn), QStringLiteral("no empty line"));

    model.setMessage({});
    EXPECT_EQ(model.rowCount(), 0);
    model.setMessage("\r\nbody only");
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_TRUE(model.hasEmptyLine());
}

TEST_F(HeaderFieldFixture, GarbageIsShownNotDropped)
{
    const QByteArray garbage = "this line has no colon\n" // bare LF
                               "Bad Name: spaces\r\n"
                               "X-8bit: caf\xc3\xa9 and \xff\xfe raw\r\n"
                               "Gr\xfc\xdf: latin-1 name\r\n"
                               "X-Ctl: a\x01"
                               "b\rc\r\n"
                               " \r\n" // a continuation of nothing much
                               "\r\n";
    model.setMessage(garbage);
    ASSERT_EQ(model.rowCount(), 5);
    EXPECT_FALSE(isField(0));
    EXPECT_EQ(cell(0, HeaderFieldModel::NameColumn), HeaderFieldModel::notAFieldLabel());
    EXPECT_EQ(cell(0, HeaderFieldModel::ValueColumn), QStringLiteral("this line has no colon"));
    EXPECT_TRUE(
        model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("no colon")));
    EXPECT_TRUE(
        model.index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("bare LF")));
    EXPECT_FALSE(isField(1));
    EXPECT_TRUE(isField(2));
    EXPECT_EQ(cell(2, HeaderFieldModel::ValueColumn), QStringLiteral("café and \\xFF\\xFE raw"));
    EXPECT_FALSE(isField(3));
    EXPECT_EQ(cell(3, HeaderFieldModel::ValueColumn), QStringLiteral("Gr\\xFC\\xDF: latin-1 name"));
    EXPECT_TRUE(isField(4));
    EXPECT_EQ(model.index(4, HeaderFieldModel::LinesColumn).data().toInt(), 2);
    EXPECT_EQ(cell(4, HeaderFieldModel::ValueColumn), QStringLiteral("a<SOH>b<CR>c"));
    EXPECT_EQ(model.nonFieldCount(), 3);
    EXPECT_EQ(allRaw(), garbage.first(garbage.size() - 2));
}

TEST_F(HeaderFieldFixture, AHugeFieldIsCutInTheCellButSaysSo)
{
    QByteArray message = "X-Long: ";
    message += QByteArray(100000, 'a');
    model.setMessage(message);
    ASSERT_EQ(model.rowCount(), 1);
    const QString value = cell(0, HeaderFieldModel::ValueColumn);
    EXPECT_LT(value.size(), 2100);
    EXPECT_TRUE(value.endsWith(QStringLiteral("and 98000 more characters")))
        << value.right(60).toStdString();
    EXPECT_EQ(model.index(0, 0).data(HeaderFieldModel::RawRole).toByteArray(), message);
}

TEST(HeaderFieldVisibleText, ShowsEveryByte)
{
    QList<MarkedRange> marked;
    EXPECT_EQ(visibleText("plain\ttext"), QStringLiteral("plain\ttext"));
    EXPECT_EQ(visibleText("\xe2\x82\xac 5"), QStringLiteral("€ 5"));
    EXPECT_EQ(visibleText("\xf0\x9f\x93\xa7"),
              QString::fromUtf8("\xf0\x9f\x93\xa7")); // outside the BMP
    EXPECT_EQ(visibleText("a\xc3(b", &marked), QStringLiteral("a\\xC3(b"));
    ASSERT_EQ(marked.size(), 1);
    EXPECT_EQ(marked[0].start, 1);
    EXPECT_EQ(marked[0].length, 4);
    marked.clear();
    EXPECT_EQ(visibleText(QByteArray("\0\r\x1b\x7f", 4), &marked),
              QStringLiteral("<NUL><CR><ESC><DEL>"));
    ASSERT_EQ(marked.size(), 4);
    EXPECT_EQ(marked[1].start, 5);
    EXPECT_EQ(marked[1].length, 4);
    // Overlong forms and surrogates are not UTF-8.
    EXPECT_EQ(visibleText("\xc0\xaf"), QStringLiteral("\\xC0\\xAF"));
    EXPECT_EQ(visibleText("\xed\xa0\x80"), QStringLiteral("\\xED\\xA0\\x80"));
    // Valid, but invisible or a line break of its own.
    EXPECT_EQ(visibleText("a\xc2\x85"
                          "b\xe2\x80\xa8"),
              QStringLiteral("a\\xC2\\x85b\\xE2\\x80\\xA8"));
    EXPECT_EQ(visibleText("\xc2\xa0"), QString(QChar(0xA0)));
}
