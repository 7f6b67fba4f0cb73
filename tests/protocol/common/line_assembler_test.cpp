#include "protocol/common/line_assembler.h"

#include <gtest/gtest.h>

using mailsim::protocol::LineAssembler;

TEST(LineAssembler, SplitsCrLfLines)
{
    LineAssembler a(512);
    a.append("HELO x\r\nNOOP\r\n");
    auto r = a.next();
    ASSERT_EQ(r.status, LineAssembler::Status::Line);
    EXPECT_EQ(r.line, "HELO x");
    EXPECT_FALSE(r.bareLf);
    r = a.next();
    ASSERT_EQ(r.status, LineAssembler::Status::Line);
    EXPECT_EQ(r.line, "NOOP");
    EXPECT_EQ(a.next().status, LineAssembler::Status::NeedMore);
}
