// Seeded random bytes for the message tests, the cross-check tool and the MIME benchmark:
// attachments of any content, reproducible from the seed.
#pragma once

#include <QByteArray>

#include <random>

namespace mailsim::test {

inline QByteArray randomBytes(std::mt19937 &rng, qsizetype size)
{
    std::uniform_int_distribution<int> byte(0, 255);
    QByteArray out(size, Qt::Uninitialized);
    for (char &c : out)
        c = char(byte(rng));
    return out;
}

} // namespace mailsim::test
