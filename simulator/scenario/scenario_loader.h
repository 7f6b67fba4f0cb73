// Reads a scenario file (YAML, described in docs/scenario-format.md) into a Scenario.
//
// All or nothing: a file with any error gives no Scenario, only the list of errors, each
// with the line and column where it was found. The loader goes on after an error to report
// as many as it can in one go; only a YAML syntax error stops it, since nothing after it can
// be read reliably. Everything the world would complain about when built (an unknown host
// in a link, a user whose domain has no server...) is reported here first, with a position.
#pragma once

#include "scenario/scenario.h"

#include <QByteArrayView>
#include <QString>

#include <optional>
#include <vector>

namespace mailsim::scenario {

struct ScenarioError
{
    QString fileName;
    int line = 0;   // 1-based; 0 when the error is about the file as a whole (cannot open it)
    int column = 0; // 1-based, counted in characters; 0 with line 0
    QString message;

    // "file:line:column: message", or "file: message" when there is no line.
    [[nodiscard]] QString toString() const;
    bool operator==(const ScenarioError &) const = default;
};

struct LoadResult
{
    std::optional<Scenario> scenario;  // set exactly when errors is empty
    std::vector<ScenarioError> errors; // in the order of their position in the file

    [[nodiscard]] bool ok() const { return scenario.has_value(); }
};

// Whether `address` is a mail address as scenario files accept it: the RFC 5321 form SMTP
// carries in MAIL FROM and RCPT TO (local-part@domain, US-ASCII). The one rule for every
// place a user types an address (the compose dialog uses it too).
[[nodiscard]] bool isValidMailAddress(const QString &address);

// `fileName` names the file in the errors. Attachments given as `file:` are read from paths
// relative to `baseDirectory`; when it is empty, to the folder of `fileName`.
LoadResult loadScenario(QByteArrayView yamlText, const QString &fileName,
                        const QString &baseDirectory = {});
// Reads the file at `path`; errors name it as `path` was given.
LoadResult loadScenarioFile(const QString &path);

} // namespace mailsim::scenario
