// How quickly the classroom window follows a step when the trace is long, and how quickly
// it first shows.
//
// A world like the built-in one sends enough messages that the trace holds about 100,000
// events. The window is moved to just before the end; then each measured step is one
// controller step (forward or back) plus a synchronous repaint of the whole window, i.e.
// every model and view updating and painting what changed (at 1920x1080, where the event
// table is beside the diagram, so every panel that follows a step is on screen). Then the
// event table is scrolled from top to bottom in 300 jumps, each repainted. The start-up
// figure is the time from the start of main() to the window's first complete paint, with
// the built-in scenario.
//
// Usage: mailsim-window-benchmark [EVENTS]     (default 100000; offscreen unless
// QT_QPA_PLATFORM says otherwise). Figures and command are recorded in docs/benchmarks.md.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "scenario/built_in.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTableView>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace mailsim;

namespace {

scenario::Scenario scenarioWithEvents(std::size_t events)
{
    scenario::Scenario s = scenario::builtInScenario();
    const world::SendSpec templ = s.world.sends.front();
    s.world.sends.clear();
    s.world.reads.clear();
    s.expectations.clear();
    // About 45 events per message in this world; a few more messages than needed.
    const int messages = int(events / 40) + 1;
    for (int i = 0; i < messages; ++i) {
        world::SendSpec send = templ;
        send.at = core::milliseconds(i * 5);
        send.subject = QStringLiteral("Message %1").arg(i);
        s.world.sends.push_back(send);
    }
    return s;
}

struct Stats
{
    double median = 0;
    double p95 = 0;
    double worst = 0;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back()};
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QElapsedTimer startup;
    startup.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailSimBenchmark"));
    const std::size_t wanted = argc > 1 ? std::size_t(std::max(1000L, std::atol(argv[1]))) : 100000;

    {
        gui::MainWindow window(nullptr, /*persistent=*/false);
        window.resize(1280, 720);
        window.loadScenario(scenario::builtInScenario(), QString());
        window.show();
        window.repaint();
        QApplication::processEvents();
        std::printf("start-up: application and window shown and painted in %.0f ms\n", double(startup.nsecsElapsed()) / 1e6);
    }

    // Wide enough that the event table sits beside the diagram: every panel that follows
    // a step is on screen and repaints.
    gui::MainWindow window(nullptr, /*persistent=*/false);
    window.resize(1920, 1080);
    window.resetLayout();
    window.show();
    QElapsedTimer timer;
    timer.start();
    window.loadScenario(scenarioWithEvents(wanted), QString());
    gui::SimulationController &c = window.controller();
    c.seek(wanted);
    window.repaint();
    QApplication::processEvents();
    std::printf("loaded and simulated to event %zu in %.0f ms\n", c.cursor(), double(timer.nsecsElapsed()) / 1e6);
    if (c.cursor() < wanted) {
        std::fprintf(stderr, "the trace has only %zu events\n", c.cursor());
        return 1;
    }

    constexpr int kSteps = 200;
    std::vector<double> forward;
    std::vector<double> back;
    for (int i = 0; i < kSteps; ++i) {
        timer.restart();
        c.stepBack();
        window.repaint();
        back.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    for (int i = 0; i < kSteps; ++i) {
        timer.restart();
        c.stepForward();
        window.repaint();
        forward.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    const Stats f = stats(forward);
    const Stats b = stats(back);
    std::printf("trace of %zu events, %d steps each way, step + repaint of the whole window:\n", c.cursor(), kSteps);
    std::printf("  forward: median %6.2f ms   p95 %6.2f ms   worst %6.2f ms\n", f.median, f.p95, f.worst);
    std::printf("  back:    median %6.2f ms   p95 %6.2f ms   worst %6.2f ms\n", b.median, b.p95, b.worst);

    // Scrolling the event table through the whole trace, a page at a time.
    auto *table = window.findChild<QTableView *>(QStringLiteral("eventTable"));
    if (!table || !table->isVisible()) {
        std::fprintf(stderr, "the event table is not on screen\n");
        return 1;
    }
    QScrollBar *bar = table->verticalScrollBar();
    std::vector<double> pages;
    for (int value = 0; value <= bar->maximum(); value += std::max(1, bar->maximum() / 300)) {
        timer.restart();
        bar->setValue(value);
        table->viewport()->repaint();
        pages.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    const Stats p = stats(pages);
    std::printf("event table of %d rows, %zu jumps from top to bottom, scroll + repaint:\n", table->model()->rowCount(), pages.size());
    std::printf("  median %6.2f ms   p95 %6.2f ms   worst %6.2f ms\n", p.median, p.p95, p.worst);
    return 0;
}
