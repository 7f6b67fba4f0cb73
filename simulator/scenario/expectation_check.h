// Checks a scenario's expectations against a world that has run: the "did it go as the
// teacher said it would?" at the end of `mailsim-cli run FILE` and in the window.
#pragma once

#include "scenario/scenario.h"
#include "store/mail_store.h"
#include "trace/trace_log.h"
#include "world/world.h"

#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace mailsim::scenario {

struct ExpectationResult
{
    bool passed = false;
    QString description; // what was expected, e.g. "bob@example.net's mailbox holds 1 message"
    QString actual;      // what was found, e.g. "it holds 0"
    SourceLocation where;
};

// What the checks look at after a run: the trace, the users' mailboxes and the servers'
// queues. A World provides all three; tests can provide them by hand, e.g. a trace with
// POP3 replies in it before any engine produces them.
struct RunFacts
{
    const trace::TraceLog *trace = nullptr;
    // The mailbox of a user's address, or nullptr.
    std::function<const store::Mailbox *(const QString &address)> mailboxOf;
    // How many messages wait in the outgoing queue of a server (host name or domain);
    // nothing when no server has that name.
    std::function<std::optional<std::size_t>(const QString &server)> queueSize;
};

// What an expectation asks for, in words; the `description` of its result. Needs no world,
// so a view can list the expectations before the run has reached its end.
QString describeExpectation(const Expectation &expectation);

std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const world::World &world);
std::vector<ExpectationResult> checkExpectations(const std::vector<Expectation> &expectations,
                                                 const RunFacts &facts);

} // namespace mailsim::scenario
