// Checks a scenario's expectations against a world that has run: the "did it go as the
// teacher said it would?" at the end of `mailsim-cli run FILE` and in the window.
#pragma once

#include "scenario/scenario.h"
#include "world/world.h"

#include <QString>

#include <vector>

namespace mailsim::scenario {

struct ExpectationResult
{
    bool passed = false;
    QString description; // what was expected, e.g. "bob@example.net's mailbox holds 1 message"
    QString actual;      // what was found, e.g. "it holds 0"
    SourceLocation where;
};

std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const world::World &world);

} // namespace mailsim::scenario
