// mailsim: the classroom window. Plays a scenario (by default the built-in one) step by
// step; --screenshot renders the window at a chosen point to a PNG and exits, so that the
// pictures in the documentation can be made again after a change.
#include "app/main_window.h"
#include "control/simulation_controller.h"
#include "scenario/built_in.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <algorithm>
#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailSim"));
    QApplication::setApplicationName(QStringLiteral("MailSim"));
    // Large enough to read on a projector from the back of a room.
    QFont font = QApplication::font();
    font.setPointSizeF(std::max(font.pointSizeF(), 12.0));
    QApplication::setFont(font);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A miniature mail system for teaching how e-mail travels."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A scenario file (optional)."), QStringLiteral("[FILE]"));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Render the window to PNG file PATH and exit."), QStringLiteral("PATH"));
    QCommandLineOption steps(QStringLiteral("steps"), QStringLiteral("Before the screenshot, take N steps."),
                             QStringLiteral("N"), QStringLiteral("0"));
    QCommandLineOption stage(QStringLiteral("stage"), QStringLiteral("Before the screenshot, go to the start of stage N."),
                             QStringLiteral("N"));
    QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window size for the screenshot, WxH."),
                            QStringLiteral("WxH"), QStringLiteral("1600x1000"));
    parser.addOptions({screenshot, steps, stage, size});
    parser.process(app);

    mailsim::gui::MainWindow window;
    const QString file = parser.positionalArguments().value(0);
    if (file.isEmpty()) {
        window.loadScenario(mailsim::scenario::builtInScenario(), QString());
    } else {
        QStringList errors;
        if (!window.openFile(file, &errors)) {
            for (const QString &e : errors)
                std::fprintf(stderr, "%s\n", qPrintable(e));
            return 1;
        }
    }

    if (parser.isSet(screenshot)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        window.resize(wh.value(0).toInt() > 0 ? wh.value(0).toInt() : 1600, wh.value(1).toInt() > 0 ? wh.value(1).toInt() : 1000);
        auto &controller = window.controller();
        if (parser.isSet(stage)) {
            const int target = parser.value(stage).toInt();
            while (controller.currentStage() < target && controller.nextStage()) {
            }
        }
        for (int i = parser.value(steps).toInt(); i > 0 && controller.stepForward(); --i) {
        }
        window.show();
        QTimer::singleShot(200, &app, [&] {
            const bool saved = window.grab().save(parser.value(screenshot), "PNG");
            if (!saved)
                std::fprintf(stderr, "mailsim: could not write %s\n", qPrintable(parser.value(screenshot)));
            app.exit(saved ? 0 : 1);
        });
        return app.exec();
    }
    window.show();
    return app.exec();
}
