// What the commands of mailsim-cli share: the output streams, how a usage error is reported,
// loading a scenario (or the built-in one), and the summary of the world's state.
#pragma once

#include "scenario/scenario.h"
#include "world/world.h"

#include <QCommandLineParser>
#include <QString>
#include <QTextStream>

#include <optional>

namespace mailsim::cli {

QTextStream &out();
QTextStream &err();
// Prints "mailsim-cli: MESSAGE" and a hint to standard error; returns the exit status 2.
int usageError(const QString &message);
// Parses ARGS for a command ("run", "serve") that takes options and at most one scenario
// file, which goes to *file (empty when none). Returns the exit status when the command is
// already over: 0 after printing --help, 2 after a usage error; nothing to go on.
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &args, QString *file);
// Prints the world's inconsistencies (an unknown host in a link...) and returns true when it
// has any: then the command cannot go on.
bool reportProblems(const world::World &world);
// Every server's queue and mailboxes, as printed after a run.
QString stateSummary(const world::World &world);
// Loads FILE, or the built-in scenario when FILE is empty. Prints the errors and returns
// nothing when the file is bad.
std::optional<scenario::Scenario> loadOrReport(const QString &file);
// Whether standard output gets colour: "always", "never", or "auto" (a terminal, no NO_COLOR).
// Nothing when `when` is none of these.
std::optional<bool> colourWanted(const QString &when);

// mailsim-cli serve (cli/serve.cpp).
int serve(const QStringList &args);

} // namespace mailsim::cli
