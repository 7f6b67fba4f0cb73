// Paths as they appear after MAIL FROM: and RCPT TO:, one row per case, valid and not.
#include "protocol/smtp/smtp_path.h"

#include "support/protocol/recording_policy.h"

#include <gtest/gtest.h>

using mailsim::smtp::parsePath;
using mailsim::smtp::Path;
using mailsim::test_support::visible;

namespace {

struct PathCase
{
    const char *name;
    QByteArray text;
    bool valid;
    QByteArray localPart = {}; // expected when valid
    QByteArray domain = {};
    qsizetype consumed = -1; // expected when valid; -1 for the whole text
};

void PrintTo(const PathCase &c, std::ostream *os) { *os << c.name << ": " << visible(c.text); }

const QByteArray k64(64, 'l');
const QByteArray k63Label(63, 'd');
// Domains of exactly 255 and 256 octets made of valid labels, so only the total is at stake.
const QByteArray k255Domain = k63Label + '.' + k63Label + '.' + k63Label + '.' + k63Label;
const QByteArray k256Domain =
    k63Label + '.' + k63Label + '.' + k63Label + '.' + QByteArray(61, 'e') + ".ab";

const PathCase kCases[] = {
    // Valid mailboxes
    {"simple", "<alice@example.org>", true, "alice", "example.org"},
    {"dotted_local", "<alice.b.c@example.org>", true, "alice.b.c", "example.org"},
    {"atext_symbols", "<a!#$%&'*+-/=?^_`{|}~@example.org>", true, "a!#$%&'*+-/=?^_`{|}~",
     "example.org"},
    {"single_label_domain", "<root@localhost>", true, "root", "localhost"},
    {"digits_and_hyphens", "<x@1-2.example-3.org>", true, "x", "1-2.example-3.org"},
    {"case_kept", "<Alice@Example.ORG>", true, "Alice", "Example.ORG"},
    {"quoted_local", "<\"john doe\"@example.org>", true, "\"john doe\"", "example.org"},
    {"quoted_with_escapes", "<\"a\\\"b\\\\c\"@example.org>", true, "\"a\\\"b\\\\c\"",
     "example.org"},
    {"quoted_with_at_and_gt", "<\"a@b>c\"@example.org>", true, "\"a@b>c\"", "example.org"},
    {"ipv4_literal", "<postmaster@[192.0.2.1]>", true, "postmaster", "[192.0.2.1]"},
    {"ipv4_literal_edges", "<p@[0.0.0.255]>", true, "p", "[0.0.0.255]"},
    {"ipv6_literal", "<p@[IPv6:2001:db8::1]>", true, "p", "[IPv6:2001:db8::1]"},
    {"ipv6_full", "<p@[IPv6:2001:db8:0:0:0:0:0:1]>", true, "p", "[IPv6:2001:db8:0:0:0:0:0:1]"},
    {"ipv6_any", "<p@[IPv6:::]>", true, "p", "[IPv6:::]"},
    {"ipv6_v4_tail", "<p@[IPv6:::ffff:192.0.2.1]>", true, "p", "[IPv6:::ffff:192.0.2.1]"},
    {"general_literal", "<p@[x-tag:anything]>", true, "p", "[x-tag:anything]"},
    {"source_route_ignored", "<@a.example,@b.example:joe@c.example>", true, "joe", "c.example"},
    {"followed_by_parameters", "<a@example.org> SIZE=10", true, "a", "example.org", 15},
    {"local_64", "<" + k64 + "@example.org>", true, k64, "example.org"},
    {"label_63", "<a@" + k63Label + ".org>", true, "a", k63Label + ".org"},
    {"domain_255", "<a@" + k255Domain + ">", true, "a", k255Domain},

    // Not mailboxes
    {"empty", "", false},
    {"no_brackets", "alice@example.org", false},
    {"null_not_allowed_here", "<>", false},
    {"no_closing_bracket", "<alice@example.org", false},
    {"no_at", "<alice>", false},
    {"empty_local", "<@example.org>", false},
    {"empty_domain", "<alice@>", false},
    {"two_ats", "<a@b@example.org>", false},
    {"space_in_local", "<al ice@example.org>", false},
    {"space_before_bracket", "< alice@example.org>", false},
    {"space_before_close", "<alice@example.org >", false},
    {"leading_dot", "<.alice@example.org>", false},
    {"trailing_dot_local", "<alice.@example.org>", false},
    {"double_dot_local", "<al..ice@example.org>", false},
    {"trailing_dot_domain", "<alice@example.org.>", false},
    {"double_dot_domain", "<alice@example..org>", false},
    {"hyphen_first_label", "<alice@-example.org>", false},
    {"hyphen_last_label", "<alice@example-.org>", false},
    {"underscore_domain", "<alice@ex_ample.org>", false},
    {"eight_bit_local", "<j\xc3\xb6rg@example.org>", false},
    {"eight_bit_domain", "<a@b\xc3\xbc\x63her.example>", false},
    {"control_char", "<al\x01ice@example.org>", false},
    {"nul", QByteArray("<a\0b@example.org>", 17), false},
    {"parentheses", "<a(b)@example.org>", false},
    {"comma_local", "<a,b@example.org>", false},
    {"unclosed_quote", "<\"abc@example.org>", false},
    {"empty_quoted", "<\"\"@example.org>", false},
    {"quoted_control", "<\"a\tb\"@example.org>", false},
    {"local_65", "<" + k64 + "l@example.org>", false},
    {"label_64", "<a@" + k63Label + "d.org>", false},
    {"domain_256", "<a@" + k256Domain + ">", false},
    {"ipv4_300", "<p@[192.0.2.300]>", false},
    {"ipv4_three_parts", "<p@[192.0.2]>", false},
    {"ipv4_five_parts", "<p@[192.0.2.1.5]>", false},
    {"ipv4_four_digits", "<p@[0192.0.2.1]>", false},
    {"ipv4_empty_part", "<p@[192..2.1]>", false},
    {"literal_unclosed", "<p@[192.0.2.1>", false},
    {"literal_empty", "<p@[]>", false},
    {"ipv6_two_compressions", "<p@[IPv6:1::2::3]>", false},
    {"ipv6_too_many_groups", "<p@[IPv6:1:2:3:4:5:6:7:8:9]>", false},
    {"ipv6_too_few_groups", "<p@[IPv6:1:2:3]>", false},
    {"ipv6_long_group", "<p@[IPv6:12345::1]>", false},
    {"ipv6_not_hex", "<p@[IPv6:g::1]>", false},
    {"ipv6_trailing_colon", "<p@[IPv6:1:2:3:4:5:6:7:]>", false},
    {"ipv6_compressed_full", "<p@[IPv6:1:2:3:4::5:6:7:8]>", false},
    {"general_empty_content", "<p@[tag:]>", false},
    {"general_bad_tag", "<p@[ta g:x]>", false},
    {"source_route_without_colon", "<@a.example joe@c.example>", false},
    {"source_route_bad_domain", "<@-a.example:joe@c.example>", false},
    {"source_route_only", "<@a.example:>", false},
};

class PathSyntax : public ::testing::TestWithParam<PathCase>
{
};

TEST_P(PathSyntax, ParsesExactlyTheValidPaths)
{
    const PathCase &c = GetParam();
    qsizetype consumed = -7;
    const std::optional<Path> path = parsePath(c.text, false, &consumed);
    ASSERT_EQ(path.has_value(), c.valid);
    if (!c.valid)
        return;
    EXPECT_EQ(path->localPart, c.localPart);
    EXPECT_EQ(path->domain, c.domain);
    EXPECT_EQ(consumed, c.consumed < 0 ? c.text.size() : c.consumed);
    EXPECT_FALSE(path->isNull());

    // Without the source route, the address alone parses to the same path.
    const std::optional<Path> again = Path::fromAddress(path->address());
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, *path);
}

INSTANTIATE_TEST_SUITE_P(Rfc5321, PathSyntax, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<PathCase> &info) {
                             return std::string(info.param.name);
                         });

TEST(Path, NullPathOnlyWhenAllowed)
{
    qsizetype consumed = 0;
    const std::optional<Path> path = parsePath("<> SIZE=10", true, &consumed);
    ASSERT_TRUE(path.has_value());
    EXPECT_TRUE(path->isNull());
    EXPECT_EQ(consumed, 2);
    EXPECT_EQ(path->address(), "");
    EXPECT_EQ(path->bracketed(), "<>");
    EXPECT_FALSE(parsePath("<>", false, &consumed).has_value());
    EXPECT_FALSE(parsePath("< >", true, &consumed).has_value());
}

TEST(Path, ConsumedMayBeOmitted)
{
    EXPECT_TRUE(parsePath("<a@example.org>", false, nullptr).has_value());
}

TEST(Path, AddressAndBracketed)
{
    const Path p{"alice", "example.org"};
    EXPECT_EQ(p.address(), "alice@example.org");
    EXPECT_EQ(p.bracketed(), "<alice@example.org>");
}

TEST(Path, FromAddressWantsTheWholeTextToBeOneMailbox)
{
    EXPECT_EQ(Path::fromAddress("bob@example.net"), (Path{"bob", "example.net"}));
    EXPECT_EQ(Path::fromAddress("\"b b\"@[192.0.2.7]"), (Path{"\"b b\"", "[192.0.2.7]"}));
    EXPECT_FALSE(Path::fromAddress("<bob@example.net>").has_value());
    EXPECT_FALSE(Path::fromAddress("bob@example.net ").has_value());
    EXPECT_FALSE(Path::fromAddress(" bob@example.net").has_value());
    EXPECT_FALSE(Path::fromAddress("bob").has_value());
    EXPECT_FALSE(Path::fromAddress("").has_value());
    EXPECT_FALSE(Path::fromAddress("@a.example:bob@example.net").has_value());
}

} // namespace
