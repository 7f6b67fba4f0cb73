// main() for the GUI tests: a QApplication on the offscreen platform unless the caller
// chose another one, so the tests (and gtest_discover_tests, which runs the binary while
// building) work without a display.
#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MailSimTests")); // own QSettings
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
