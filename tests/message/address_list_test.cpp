// The address-list splitter that IMAP's ENVELOPE is built from.
#include "message/address_list.h"

#include <gtest/gtest.h>

using mailsim::message::AddressEntry;
using mailsim::message::parseAddressList;
using K = AddressEntry::Kind;

namespace {

AddressEntry mailbox(QByteArray name, QByteArray local, QByteArray domain, QByteArray route = {})
{
    return AddressEntry{K::Mailbox, std::move(name), std::move(route), std::move(local), std::move(domain)};
}

TEST(AddressList, PlainAddressesAndDisplayNames)
{
    EXPECT_EQ(parseAddressList("bob@example.net"), (std::vector{mailbox({}, "bob", "example.net")}));
    EXPECT_EQ(parseAddressList("Alice Example <alice@example.org>, bob@example.net"),
              (std::vector{mailbox("Alice Example", "alice", "example.org"), mailbox({}, "bob", "example.net")}));
    EXPECT_EQ(parseAddressList("\"Doe, John\" <john@example.com>"),
              (std::vector{mailbox("Doe, John", "john", "example.com")}));
    EXPECT_EQ(parseAddressList("\"Say \\\"hi\\\"\"   <a@b>"), (std::vector{mailbox("Say \"hi\"", "a", "b")}));
    EXPECT_EQ(parseAddressList("=?UTF-8?B?w6k=?= <e@x.org>"), (std::vector{mailbox("=?UTF-8?B?w6k=?=", "e", "x.org")}));
}

TEST(AddressList, CommentsRoutesAndOddities)
{
    EXPECT_EQ(parseAddressList("bob@example.net (Bob (the) Builder)"), (std::vector{mailbox({}, "bob", "example.net")}));
    EXPECT_EQ(parseAddressList("<@relay.example:bob@example.net>"),
              (std::vector{mailbox({}, "bob", "example.net", "@relay.example")}));
    EXPECT_EQ(parseAddressList("\"john doe\"@example.net"), (std::vector{mailbox({}, "john doe", "example.net")}));
    EXPECT_EQ(parseAddressList("undisclosed"), (std::vector{mailbox({}, "undisclosed", {})}));
    EXPECT_EQ(parseAddressList(" , ,"), std::vector<AddressEntry>{});
    EXPECT_EQ(parseAddressList("bob @ example.net"), (std::vector{mailbox({}, "bob", "example.net")}));
    // Unterminated pieces end at the end of the text, and nothing is thrown away silently.
    EXPECT_EQ(parseAddressList("Bob <bob@example.net"), (std::vector{mailbox("Bob", "bob", "example.net")}));
    // An unterminated quoted string runs to the end: its text becomes the address as it is.
    EXPECT_EQ(parseAddressList("\"Bob <b@x>"), (std::vector{mailbox({}, "Bob <b", "x>")}));
}

TEST(AddressList, Groups)
{
    const std::vector<AddressEntry> list = parseAddressList("team: eve@example.net, Fred <f@x.org>;, zed@z.org");
    ASSERT_EQ(list.size(), 5u);
    EXPECT_EQ(list[0].kind, K::GroupStart);
    EXPECT_EQ(list[0].displayName, "team");
    EXPECT_EQ(list[1], mailbox({}, "eve", "example.net"));
    EXPECT_EQ(list[2], mailbox("Fred", "f", "x.org"));
    EXPECT_EQ(list[3].kind, K::GroupEnd);
    EXPECT_EQ(list[4], mailbox({}, "zed", "z.org"));
    const std::vector<AddressEntry> empty = parseAddressList("undisclosed-recipients:;");
    ASSERT_EQ(empty.size(), 2u);
    EXPECT_EQ(empty[0].displayName, "undisclosed-recipients");
    EXPECT_EQ(empty[1].kind, K::GroupEnd);
    // A group never closed is closed at the end.
    const std::vector<AddressEntry> open = parseAddressList("g: a@b");
    ASSERT_EQ(open.size(), 3u);
    EXPECT_EQ(open[2].kind, K::GroupEnd);
}

} // namespace
