// Throughput and memory of full deliveries, with the trace recorded.
//
// Each delivery is the whole six-stage path: Alice's user agent composes a message and
// submits it over SMTP to her server, which queues it, asks DNS for Bob's MX and its
// address, opens a TCP connection, relays the message over SMTP to Bob's server, which
// stores it in Bob's mailbox. N messages are sent one virtual millisecond apart in one
// world, so many deliveries overlap, as on a busy server.
//
// Usage: mailsim-delivery-benchmark [N ...]      (default: 1000 10000 100000)
// Each N runs in a child process of its own, so that its peak memory is its own.
// Results and the command line used are recorded in docs/benchmarks.md.
#include "scenario/built_in.h"
#include "world/world.h"

#include <QCoreApplication>
#include <QFile>

#include <chrono>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

using namespace mailsim;

namespace {

// Kibibytes from a "Name:   1234 kB" line of /proc/self/status.
qint64 procStatusKiB(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray wanted = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(wanted))
            return line.mid(wanted.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

int runOne(int n)
{
    world::WorldSpec spec = scenario::builtInScenario().world;
    const world::SendSpec templ = spec.sends.front();
    spec.sends.clear();
    spec.reads.clear();
    for (int i = 0; i < n; ++i) {
        world::SendSpec s = templ;
        s.at = core::milliseconds(i);
        s.subject = QStringLiteral("Message %1").arg(i);
        spec.sends.push_back(s);
    }

    const qint64 baselineKiB = procStatusKiB("VmRSS");
    const auto start = std::chrono::steady_clock::now();
    // The conservation ledger is test bookkeeping, not part of the mail system: left out.
    world::World w(spec, world::World::Options{false});
    w.runToEnd();
    const auto end = std::chrono::steady_clock::now();
    const qint64 peakKiB = procStatusKiB("VmHWM");

    const double seconds = std::chrono::duration<double>(end - start).count();
    const std::size_t events = w.trace().size();
    const std::size_t delivered = w.mailboxOf(QStringLiteral("bob@example.net"))->size();
    const double bytesPerEvent = double(peakKiB - baselineKiB) * 1024.0 / double(events);
    std::printf("N=%-7d  delivered=%-7zu  events=%-9zu  wall=%8.3f s  deliveries/s=%10.0f  "
                "events/s=%11.0f  peak RSS=%8.1f MiB  memory/event=%6.0f B\n",
                n, delivered, events, seconds, n / seconds, events / seconds,
                peakKiB / 1024.0, bytesPerEvent);
    std::fflush(stdout);
    return delivered == std::size_t(n) ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QList<int> sizes;
    for (int i = 1; i < argc; ++i)
        sizes << QByteArray(argv[i]).toInt();
    if (sizes.isEmpty())
        sizes = {1000, 10000, 100000};

    int failures = 0;
    for (int n : sizes) {
        if (n <= 0) {
            std::fprintf(stderr, "not a positive count: %d\n", n);
            return 2;
        }
        const pid_t child = fork();
        if (child == 0)
            _exit(runOne(n));
        int status = 0;
        waitpid(child, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::fprintf(stderr, "N=%d: not every message was delivered, or the run failed\n", n);
            ++failures;
        }
    }
    return failures ? 1 : 0;
}
