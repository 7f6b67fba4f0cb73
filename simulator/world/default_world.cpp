#include "world/world_spec.h"

namespace mailsim::world {

WorldSpec defaultWorldSpec()
{
    using core::milliseconds;
    using core::seconds;
    WorldSpec w;
    w.title = "Alice sends a message to Bob";
    w.description = "The six stages of the lecture: Alice at example.org writes to Bob at "
                    "example.net, her server relays the message to his, and Bob reads it.";
    w.seed = 1;
    // Documentation address ranges (RFC 5737), so nothing looks like a real network.
    w.dns = {"dns.example", "198.51.100.53", "DNS server"};
    w.routers.push_back({"internet", "198.51.100.1", "The Internet"});

    ServerSpec alpha;
    alpha.settings.domain = "example.org";
    alpha.settings.hostname = "mail.example.org";
    alpha.address = "192.0.2.25";
    alpha.label = "Alice's mail server";
    w.servers.push_back(alpha);

    ServerSpec beta;
    beta.settings.domain = "example.net";
    beta.settings.hostname = "mail.example.net";
    beta.address = "203.0.113.25";
    beta.label = "Bob's mail server";
    w.servers.push_back(beta);

    w.users.push_back({"alice@example.org", "Alice", "wonderland", "alice-pc.example.org",
                       "192.0.2.10", "Alice's user agent"});
    w.users.push_back({"bob@example.net", "Bob", "builder", "bob-pc.example.net",
                       "203.0.113.10", "Bob's user agent"});

    w.links = {
        {"alice-pc.example.org", "mail.example.org", milliseconds(1)},
        {"mail.example.org", "internet", milliseconds(10)},
        {"internet", "mail.example.net", milliseconds(10)},
        {"mail.example.net", "bob-pc.example.net", milliseconds(1)},
        {"internet", "dns.example", milliseconds(5)},
    };
    w.mx = {{"example.org", 10, "mail.example.org"}, {"example.net", 10, "mail.example.net"}};

    SendSpec hello;
    hello.at = 0;
    hello.from = "alice@example.org";
    hello.to = QStringList{"bob@example.net"};
    hello.subject = "Lunch on Friday?";
    hello.body = "Hi Bob,\n\nshall we have lunch on Friday at noon?\n\nAlice\n";
    w.sends.push_back(hello);
    w.reads.push_back({seconds(2), "bob@example.net"});
    return w;
}

} // namespace mailsim::world
