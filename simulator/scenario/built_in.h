// The scenario MailSim plays when it is given none: scenarios/six-stages-basic.yaml,
// compiled into the program as a Qt resource. It is an ordinary scenario file, read by the
// same loader as any other; there is no second definition of it in code.
#pragma once

#include "scenario/scenario.h"

#include <QString>
#include <QStringList>

namespace mailsim::scenario {

// The resource path of the built-in scenario file.
QString builtInScenarioPath();
// The resource paths of every shipped example (scenarios/*.yaml), the built-in one first,
// the others in file-name order.
QStringList exampleScenarioPaths();
// The loaded built-in scenario. The file is checked by the test suite; should it ever fail
// to load, the program stops with the loader's messages, since nothing sensible can follow.
const Scenario &builtInScenario();

} // namespace mailsim::scenario
