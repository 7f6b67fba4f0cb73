// Light and dark themes, and the few colours that carry meaning in the window.
//
// Every view asks here for the colour of a reply class, of a quiet (DNS, TCP) item or of a
// highlighted change, passing its own palette, so that a theme switch needs nothing more
// than a new application palette: the views repaint with the colours that read on it.
// Colour never carries meaning alone; the views put a label or icon beside it.
#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace mailsim::gui::style {

enum class Theme { Light, Dark };

[[nodiscard]] QString themeName(Theme theme);           // "light", "dark" (for QSettings)
[[nodiscard]] Theme themeFromName(const QString &name); // anything unknown is Light
[[nodiscard]] QPalette paletteFor(Theme theme);
// Sets the application palette (Fusion style, so that the palette is honoured everywhere).
void applyTheme(Theme theme);

[[nodiscard]] bool isDark(const QPalette &palette);

// Colour of reply class 2..5 that reads on the palette's base colour; invalid otherwise.
[[nodiscard]] QColor replyClassColor(int replyClass, const QPalette &palette);
// For DNS and TCP items, which should step back behind the SMTP dialogue.
[[nodiscard]] QColor quietColor(const QPalette &palette);
// Backgrounds of rows and items that the last step added or removed.
[[nodiscard]] QColor addedBackground(const QPalette &palette);
[[nodiscard]] QColor removedBackground(const QPalette &palette);
[[nodiscard]] QColor changedBackground(const QPalette &palette);
// The active actor or the current stage.
[[nodiscard]] QColor activeColor(const QPalette &palette);
// What real mail programs on this computer sent or received (the real-client bridge): ink for
// lines and frames, and a tint for rows. Always beside the flag "⚑" and words, since what
// it marks (not the scenario's doing) must read on a black-and-white projector too.
[[nodiscard]] QColor realClientColor(const QPalette &palette);
[[nodiscard]] QColor realClientBackground(const QPalette &palette);

} // namespace mailsim::gui::style
