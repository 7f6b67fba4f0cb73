// The messages the simulated world produces (composed, queued with a Received: field,
// stored, bounced) read as clean MIME and come back byte for byte, in the built-in scenario
// and in every example.
#include "message/codecs.h"
#include "message/header_section.h"
#include "message/mime.h"
#include "scenario/built_in.h"
#include "scenario/scenario_loader.h"
#include "world/world.h"

#include <QDir>

#include <gtest/gtest.h>

using namespace mailsim;

namespace {

struct Seen
{
    int messages = 0;
    int withReceived = 0;
};

void checkMessagesOf(world::World &w, Seen &seen)
{
    w.runToEnd();
    for (const trace::TraceEvent &e : w.trace().events()) {
        if (e.kind != trace::EventKind::Compose && e.kind != trace::EventKind::QueueAdd &&
            e.kind != trace::EventKind::MailboxAdd && e.kind != trace::EventKind::MailboxRead)
            continue;
        if (trace::isWebPage(e)) // a browser has the page that shows the message, not the message
            continue;
        const message::ParsedMessage p = message::parseMessage(e.data);
        ASSERT_EQ(message::serialize(p.root), e.data);
        for (const message::Warning &warning : p.warnings)
            ADD_FAILURE() << trace::toString(e.kind) << " at " << warning.offset << ": "
                          << warning.text.toStdString() << "\n"
                          << e.data.toStdString();
        EXPECT_TRUE(p.root.header.has("From")) << e.data.toStdString();
        EXPECT_TRUE(p.root.header.has("Date") || e.kind == trace::EventKind::Compose);
        // The header reader the servers use and the MIME tree agree on every field.
        for (const message::HeaderField &f : p.root.header.fields)
            EXPECT_TRUE(message::findHeaderField(e.data, f.name).has_value());
        EXPECT_FALSE(message::decodeHeaderText(p.root.header.value("Subject"))
                         .contains(QLatin1String("=?")));
        ++seen.messages;
        seen.withReceived += p.root.header.has("Received");
    }
}

} // namespace

TEST(WorldMessages, TheBuiltInScenarioWritesCleanMime)
{
    world::World w(scenario::builtInScenario().world);
    Seen seen;
    checkMessagesOf(w, seen);
    EXPECT_GE(seen.messages, 4);
    EXPECT_GE(seen.withReceived, 2);
}

TEST(WorldMessages, EveryExampleScenarioWritesCleanMime)
{
    const QDir dir(QStringLiteral(MAILSIM_SOURCE_DIR "/scenarios"));
    const QStringList files = dir.entryList({QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty());
    Seen seen;
    for (const QString &file : files) {
        SCOPED_TRACE(file.toStdString());
        const scenario::LoadResult loaded = scenario::loadScenarioFile(dir.filePath(file));
        ASSERT_TRUE(loaded.ok());
        world::World w(loaded.scenario->world);
        checkMessagesOf(w, seen);
    }
    EXPECT_GT(seen.messages, 10);
}
