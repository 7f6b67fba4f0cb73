// Replays every dialogue in data/transcripts/smtp against the server engine: as written
// (each group of client lines in one piece), one byte at a time, and in odd-sized pieces.
// All three must reproduce the transcript exactly.
#include "support/protocol/smtp_transcript.h"

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

#include <cctype>

using mailsim::test_support::parseSmtpTranscript;
using mailsim::test_support::replaySmtpTranscript;

namespace {

QString transcriptDir()
{
    return QStringLiteral(MAILSIM_TEST_DATA_DIR "/transcripts/smtp");
}

std::vector<std::string> transcriptFiles()
{
    std::vector<std::string> names;
    const QStringList files = QDir(transcriptDir()).entryList({"*.txt"}, QDir::Files, QDir::Name);
    for (const QString &f : files)
        names.push_back(f.toStdString());
    return names;
}

class SmtpTranscriptReplay : public ::testing::TestWithParam<std::string>
{
};

TEST_P(SmtpTranscriptReplay, ServerSaysExactlyWhatTheTranscriptSays)
{
    QFile file(transcriptDir() + '/' + QString::fromStdString(GetParam()));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << GetParam();
    std::string error;
    const auto transcript = parseSmtpTranscript(file.readAll(), &error);
    ASSERT_TRUE(transcript.has_value()) << GetParam() << ", " << error;
    const std::string expected = transcript->expectedDialogue();
    ASSERT_FALSE(expected.empty());
    for (qsizetype chunk : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
        EXPECT_EQ(replaySmtpTranscript(*transcript, chunk), expected)
            << GetParam() << (chunk == 0 ? ", as written" : ", in pieces of ") << chunk;
    }
}

INSTANTIATE_TEST_SUITE_P(Files, SmtpTranscriptReplay, ::testing::ValuesIn(transcriptFiles()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                             std::string name;
                             for (char c : info.param.substr(0, info.param.rfind('.')))
                                 name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                             return name;
                         });

TEST(SmtpTranscriptFiles, ThereAreSome)
{
    EXPECT_GE(transcriptFiles().size(), 3u) << transcriptDir().toStdString();
}

TEST(SmtpTranscriptFormat, BadLinesAreReportedWithTheirNumber)
{
    std::string error;
    EXPECT_FALSE(parseSmtpTranscript("C: EHLO x\nX: what\n", &error).has_value());
    EXPECT_EQ(error, "line 2: expected C:, C~, S:, ! or #");
    EXPECT_FALSE(parseSmtpTranscript("C~ bad \\q escape\n", &error).has_value());
    EXPECT_EQ(error, "line 1: bad escape");
    EXPECT_FALSE(parseSmtpTranscript("! config max-recipients many\n", &error).has_value());
    EXPECT_FALSE(parseSmtpTranscript("! policy message abc\n", &error).has_value());
    EXPECT_TRUE(parseSmtpTranscript("# only a comment\n\n", &error).has_value());
}

} // namespace
