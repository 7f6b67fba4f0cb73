#include "style/theme.h"

#include <QApplication>
#include <QStyle>

namespace mailsim::gui::style {

QString themeName(Theme theme)
{
    return theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light");
}

Theme themeFromName(const QString &name)
{
    return name.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0 ? Theme::Dark : Theme::Light;
}

QPalette paletteFor(Theme theme)
{
    if (theme == Theme::Light) {
        QPalette p(QColor(0xef, 0xef, 0xef)); // buttons; Qt derives the shades from it
        p.setColor(QPalette::Window, QColor(0xf4, 0xf4, 0xf4));
        p.setColor(QPalette::WindowText, QColor(0x1b, 0x1b, 0x1b));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::AlternateBase, QColor(0xf0, 0xf3, 0xf7));
        p.setColor(QPalette::Text, QColor(0x1b, 0x1b, 0x1b));
        p.setColor(QPalette::ButtonText, QColor(0x1b, 0x1b, 0x1b));
        p.setColor(QPalette::Highlight, QColor(0x1f, 0x5f, 0xa8));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xfb, 0xe6));
        p.setColor(QPalette::ToolTipText, QColor(0x1b, 0x1b, 0x1b));
        p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
        return p;
    }
    QPalette p(QColor(0x3a, 0x3d, 0x42));
    p.setColor(QPalette::Window, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::Base, QColor(0x1c, 0x1e, 0x21));
    p.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2d, 0x32));
    p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x4a, 0x8f, 0xe0));
    p.setColor(QPalette::HighlightedText, Qt::black);
    p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3b));
    p.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xe8));
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Link, QColor(0x7a, 0xb4, 0xff));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    return p;
}

void applyTheme(Theme theme)
{
    // Set once: a style change re-polishes every widget, and doing that at each theme
    // switch would be wasted work.
    if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStringLiteral("Fusion"));
    QApplication::setPalette(paletteFor(theme));
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor replyClassColor(int replyClass, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (replyClass) {
    case 2: return dark ? QColor(0x6f, 0xd0, 0x7f) : QColor(0x1b, 0x7a, 0x2e); // green
    case 3: return dark ? QColor(0x7a, 0xb4, 0xff) : QColor(0x1f, 0x5f, 0xbf); // blue
    case 4: return dark ? QColor(0xff, 0xb0, 0x4a) : QColor(0xb3, 0x5c, 0x00); // orange
    case 5: return dark ? QColor(0xff, 0x7a, 0x80) : QColor(0xc0, 0x1c, 0x28); // red
    default: return {};
    }
}

QColor quietColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x80, 0x80, 0x80);
}

QColor addedBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x1f, 0x4d, 0x2a) : QColor(0xcd, 0xf0, 0xd3);
}

QColor removedBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x5a, 0x24, 0x28) : QColor(0xf6, 0xd0, 0xd3);
}

QColor changedBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x57, 0x44, 0x1a) : QColor(0xfb, 0xe8, 0xc0);
}

QColor activeColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x4a, 0x8f, 0xe0) : QColor(0x1f, 0x5f, 0xa8);
}

// Purple: none of the reply classes (green, blue, orange, red) nor the active blue, so that a
// real client's arrow never passes for a reply's class.
QColor realClientColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xc9, 0x9b, 0xf5) : QColor(0x7a, 0x2e, 0xa6);
}

QColor realClientBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x3a, 0x2a, 0x4a) : QColor(0xf1, 0xe6, 0xf8);
}

} // namespace mailsim::gui::style
