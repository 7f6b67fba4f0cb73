// Writes a Scenario as a scenario file (docs/scenario-format.md), for the window's "save".
//
// For a scenario that loads without errors, loading what this writes gives the same
// scenario again, and writing that gives the same bytes. The output is in one fixed layout:
// sections in the documented order, optional server settings only when they differ from
// the defaults, the MX records of a domain under that domain unless they are the default
// one, multi-line texts as literal blocks. Comments of the original file are not kept.
//
// A scenario made in code is written too. Messages without an id in
// Scenario::messageIds get one ("message-1", ...); MX records come back grouped by domain,
// as the loader groups them.
#pragma once

#include "scenario/scenario.h"

#include <QByteArray>

namespace mailsim::scenario {

QByteArray writeScenario(const Scenario &scenario);

} // namespace mailsim::scenario
