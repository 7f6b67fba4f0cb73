// main() for the GUI tests: a QApplication on the offscreen platform unless the caller
// chose another one, so the tests (and gtest_discover_tests, which runs the binary while
// building) work without a display.
// Settings (QSettings: layout, zoom, theme, recent files) go to a fresh temporary folder, so
// that a run neither reads nor changes the settings of the person running it, and no test
// sees what an earlier run left behind.
#include <QApplication>
#include <QTemporaryDir>

#include <gtest/gtest.h>

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const QTemporaryDir config;
    if (!config.isValid())
        return 2;
    qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailSimTests")); // own QSettings
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
