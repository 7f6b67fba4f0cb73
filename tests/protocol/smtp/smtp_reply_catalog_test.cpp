#include "protocol/smtp/smtp_reply_catalog.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

using mailsim::smtp::catalogReply;
using mailsim::smtp::findReply;
using mailsim::smtp::Reply;
using mailsim::smtp::ReplyClass;
using mailsim::smtp::replyCatalog;
using mailsim::smtp::replyClassMeaning;
using mailsim::smtp::ReplyId;
using mailsim::smtp::ReplyInfo;
using mailsim::smtp::replyInfo;

namespace {

TEST(ReplyCatalog, EveryRowIsAWellFormedReplyWithAnExplanation)
{
    std::size_t index = 0;
    for (const ReplyInfo &row : replyCatalog()) {
        SCOPED_TRACE(row.text);
        EXPECT_EQ(static_cast<std::size_t>(row.id), index++);
        EXPECT_GE(row.code, 200);
        EXPECT_LE(row.code, 599);
        // Only the PLAIN challenge is empty: "334 " and nothing (RFC 4954 section 4).
        if (row.id != ReplyId::AuthReadyForPlain) {
            EXPECT_GT(std::strlen(row.text), 0u);
        }
        EXPECT_GT(std::strlen(row.meaning), 20u);
        EXPECT_EQ(&replyInfo(row.id), &row);
        // Wire text must be printable ASCII; '\n' only separates lines.
        for (const char *p = row.text; *p; ++p)
            EXPECT_TRUE(*p == '\n' || (*p >= 32 && *p <= 126)) << int(*p);
    }
}

TEST(ReplyCatalog, TheTableIsGroupedByCode)
{
    int previous = 0;
    for (const ReplyInfo &row : replyCatalog()) {
        EXPECT_GE(row.code, previous) << row.text;
        previous = row.code;
    }
}

TEST(ReplyCatalog, EveryCodeTheServerSendsIsThere)
{
    for (int code : {214, 220, 221, 235, 250, 252, 334, 354, 421, 451, 452, 500, 501, 502, 503,
                     504, 530, 535, 550, 552, 553, 554, 555}) {
        const ReplyInfo *row = findReply(code);
        ASSERT_NE(row, nullptr) << code;
        EXPECT_EQ(row->code, code);
    }
}

TEST(ReplyCatalog, FindReplyGivesTheGeneralRowOfACode)
{
    EXPECT_EQ(findReply(250)->id, ReplyId::Ok);
    EXPECT_EQ(findReply(500)->id, ReplyId::CommandUnrecognized);
    EXPECT_EQ(findReply(501)->id, ReplyId::SyntaxError);
    EXPECT_EQ(findReply(999), nullptr);
    EXPECT_EQ(findReply(0), nullptr);
}

TEST(ReplyCatalog, FindReplyWithTheTextGivesTheRowThatSentIt)
{
    EXPECT_EQ(findReply(421, "4.7.0 mx.example.net Too many errors, closing transmission channel")->id,
              ReplyId::TooManyErrors);
    EXPECT_EQ(findReply(421, "mx.example.net Service not available, closing transmission channel")->id,
              ReplyId::ServiceNotAvailable);
    EXPECT_EQ(findReply(334, "")->id, ReplyId::AuthReadyForPlain);
    EXPECT_EQ(findReply(334, "UGFzc3dvcmQ6")->id, ReplyId::AuthAskPassword);
    EXPECT_EQ(findReply(500, "Line too long")->id, ReplyId::LineTooLong);
    EXPECT_EQ(findReply(501, "5.7.0 Authentication cancelled")->id, ReplyId::AuthCancelled);
    // A text of the policy's own, or a host name with a space, falls back to the code's row.
    EXPECT_EQ(findReply(550, "<x@example.net>: relay access denied")->id,
              ReplyId::MailboxUnavailable);
    EXPECT_EQ(findReply(421, "4.7.0 two words Too many errors, closing transmission channel")->id,
              ReplyId::ServiceNotAvailable);
    EXPECT_EQ(findReply(299, "OK"), nullptr);
}

TEST(ReplyCatalog, CatalogReplyFillsInTheHostname)
{
    EXPECT_EQ(catalogReply(ReplyId::Greeting, "mx.example.net"),
              (Reply{220, "mx.example.net ESMTP MailSim ready"}));
    EXPECT_EQ(catalogReply(ReplyId::ServiceNotAvailable, "h").toWire(),
              "421 h Service not available, closing transmission channel\r\n");
    EXPECT_EQ(catalogReply(ReplyId::TooManyRecipients), (Reply{452, "Too many recipients"}));
    EXPECT_EQ(catalogReply(ReplyId::Help).toWire().count("\r\n"), 2) << "a two-line reply";
}

TEST(ReplyCatalog, EachReplyClassHasItsOwnMeaning)
{
    std::set<std::string> meanings;
    for (ReplyClass c : {ReplyClass::Invalid, ReplyClass::PositiveCompletion,
                         ReplyClass::PositiveIntermediate, ReplyClass::TransientNegative,
                         ReplyClass::PermanentNegative}) {
        const char *meaning = replyClassMeaning(c);
        ASSERT_NE(meaning, nullptr);
        EXPECT_GT(std::strlen(meaning), 20u);
        meanings.insert(meaning);
    }
    EXPECT_EQ(meanings.size(), 5u);
    EXPECT_NE(std::string(replyClassMeaning(ReplyClass::TransientNegative)).find("later"),
              std::string::npos);
}

} // namespace
