#include "scenario/access_override.h"

namespace mailsim::scenario {

Scenario withAccessRoute(const Scenario &original, mail::AccessRoute route)
{
    Scenario s = original;
    for (world::UserSpec &u : s.world.users)
        u.access = route;
    if (route == mail::AccessRoute::WebMail) {
        for (world::ServerSpec &server : s.world.servers)
            server.web.enabled = true; // where the file put it, or on the mail server's machine
    }
    if (route != mail::AccessRoute::Imap) {
        for (world::ReadSpec &r : s.world.reads)
            r.actions.clear();
    }
    return s;
}

} // namespace mailsim::scenario
