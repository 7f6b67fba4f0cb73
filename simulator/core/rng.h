// A small seeded random number generator (SplitMix64).
//
// Everything that looks random in a run (queue ids, Message-ID values) comes from one of
// these, seeded from the scenario, so the same seed always gives the same trace. The
// algorithm is fixed here rather than taken from <random>, whose distributions are allowed
// to differ between standard libraries.
#pragma once

#include <QtGlobal>

namespace mailsim::core {

class Rng
{
public:
    explicit Rng(quint64 seed = 0) : m_state(seed) {}

    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound); bound > 0.
    quint64 below(quint64 bound) { return next() % bound; }

private:
    quint64 m_state;
};

} // namespace mailsim::core
