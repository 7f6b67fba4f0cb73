// A user's mailbox on their mail server. The mailbox is the store's account
// (simulator/store/mail_store.h): folders, UIDs and flags, shared with the access protocols.
#pragma once

#include "store/mail_store.h"

namespace mailsim::mail {

using Mailbox = store::Mailbox;
using StoredMessage = store::StoredMessage;

} // namespace mailsim::mail
