// Virtual time for the simulation kernel.
//
// Time is an integer count of microseconds since the scenario's start. Integers, not
// doubles, so that two runs of the same scenario order their events identically.
#pragma once

#include <QtGlobal>

namespace mailsim::core {

using SimTime = qint64; // microseconds since the start of the scenario

constexpr SimTime microseconds(qint64 n) { return n; }
constexpr SimTime milliseconds(qint64 n) { return n * 1000; }
constexpr SimTime seconds(qint64 n) { return n * 1000 * 1000; }
constexpr SimTime minutes(qint64 n) { return seconds(n * 60); }
constexpr SimTime hours(qint64 n) { return minutes(n * 60); }

} // namespace mailsim::core
