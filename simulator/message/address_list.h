// Splitting an address-list header value (From, To, Cc, Reply-To...) into its mailboxes
// (RFC 5322 section 3.4), for readers that need the parts: IMAP's ENVELOPE wants each
// address as display name, local part and domain, with groups marked.
//
// The reader is lenient, like the rest of message/: comments are skipped, a display name
// may be unquoted words or a quoted string (unquoted here), a source route in angle
// brackets ("<@relay:bob@example.net>") is kept apart, an address without "@" keeps its
// whole text as the local part, and nothing malformed makes it fail: what cannot be read
// becomes a mailbox with what text there was. Encoded words (RFC 2047) are not decoded:
// the caller decides (ENVELOPE sends them as they are).
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <vector>

namespace mailsim::message {

struct AddressEntry
{
    enum class Kind { Mailbox, GroupStart, GroupEnd };
    Kind kind = Kind::Mailbox;
    QByteArray displayName; // Mailbox: the phrase before "<", unquoted; GroupStart: the group's name
    QByteArray route;       // the obsolete source route "@a,@b", without the final ':'
    QByteArray localPart;   // as written, quotes removed
    QByteArray domain;      // empty when the address had no "@"
    bool operator==(const AddressEntry &) const = default;
};

std::vector<AddressEntry> parseAddressList(QByteArrayView value);

} // namespace mailsim::message
