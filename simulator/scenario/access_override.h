// The same scenario with every user reading mail by one access route: what the window's
// "Read mail with" menu and `mailsim-cli run --access` do, so that a class can compare
// POP3, IMAP and web mail on one and the same story.
#pragma once

#include "scenario/scenario.h"

namespace mailsim::scenario {

// Every user reads by `route`. For web mail, each domain with users gets a web server on its
// mail server's machine unless the scenario placed one. IMAP actions are kept only for IMAP
// (they mean nothing to POP3 or a browser), and expectations that name another route's
// replies or flags are kept as they are: a teacher sees them fail and can say why.
[[nodiscard]] Scenario withAccessRoute(const Scenario &scenario, mail::AccessRoute route);

} // namespace mailsim::scenario
