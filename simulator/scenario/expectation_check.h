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

// What an expectation asks for, in words; the `description` of its result. Needs no world,
// so a view can list the expectations before the run has reached its end.
QString describeExpectation(const Expectation &expectation);

std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const world::World &world);

} // namespace mailsim::scenario
