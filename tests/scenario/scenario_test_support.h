// Shared by the scenario tests: field-by-field comparison of worlds and scenarios (with a
// message naming the field that differs), and paths to the example and test files.
#pragma once

#include "scenario/scenario.h"
#include "scenario/scenario_loader.h"

#include <QDir>
#include <QFile>
#include <QString>

#include <gtest/gtest.h>

#include <ostream>

inline void PrintTo(const QString &s, std::ostream *os)
{
    *os << '"' << s.toStdString() << '"';
}

namespace mailsim::scenario::test {

inline QString sourcePath(const QString &relative)
{
    return QDir(QStringLiteral(MAILSIM_SOURCE_DIR)).filePath(relative);
}

inline QString testDataPath(const QString &relative)
{
    return QDir(QStringLiteral(MAILSIM_TEST_DATA_DIR)).filePath(relative);
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    return file.readAll();
}

inline QString errorsText(const LoadResult &result)
{
    QStringList lines;
    for (const ScenarioError &e : result.errors)
        lines << e.toString();
    return lines.join(QLatin1Char('\n'));
}

inline void expectSameHost(const world::HostSpec &a, const world::HostSpec &b,
                           const std::string &what)
{
    SCOPED_TRACE(what);
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.address, b.address);
    EXPECT_EQ(a.label, b.label);
}

inline void expectSameSettings(const mail::MailServerSettings &a, const mail::MailServerSettings &b)
{
    EXPECT_EQ(a.domain, b.domain);
    EXPECT_EQ(a.hostname, b.hostname);
    EXPECT_EQ(a.smtpPort, b.smtpPort);
    EXPECT_EQ(a.submissionPort, b.submissionPort);
    EXPECT_EQ(a.maxMessageSize, b.maxMessageSize);
    EXPECT_EQ(a.maxRecipients, b.maxRecipients);
    EXPECT_EQ(a.relay, b.relay);
    EXPECT_EQ(a.queuePickupDelay, b.queuePickupDelay);
    EXPECT_EQ(a.retryInterval, b.retryInterval);
    EXPECT_EQ(a.retryBackoff, b.retryBackoff);
    EXPECT_EQ(a.maxRetryInterval, b.maxRetryInterval);
    EXPECT_EQ(a.maxQueueLifetime, b.maxQueueLifetime);
    EXPECT_EQ(a.eightBitMime, b.eightBitMime);
}

// Every field of two worlds, one by one.
inline void expectSameWorld(const world::WorldSpec &a, const world::WorldSpec &b)
{
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.seed, b.seed);
    EXPECT_EQ(a.epoch.toMSecsSinceEpoch(), b.epoch.toMSecsSinceEpoch());
    EXPECT_EQ(a.epoch.timeSpec(), b.epoch.timeSpec());
    expectSameHost(a.dns, b.dns, "dns");

    ASSERT_EQ(a.routers.size(), b.routers.size());
    for (std::size_t i = 0; i < a.routers.size(); ++i)
        expectSameHost(a.routers[i], b.routers[i], "router " + std::to_string(i));

    ASSERT_EQ(a.servers.size(), b.servers.size());
    for (std::size_t i = 0; i < a.servers.size(); ++i) {
        SCOPED_TRACE("server " + std::to_string(i));
        expectSameSettings(a.servers[i].settings, b.servers[i].settings);
        EXPECT_EQ(a.servers[i].address, b.servers[i].address);
        EXPECT_EQ(a.servers[i].label, b.servers[i].label);
        EXPECT_EQ(a.servers[i].web, b.servers[i].web);
    }

    ASSERT_EQ(a.users.size(), b.users.size());
    for (std::size_t i = 0; i < a.users.size(); ++i) {
        SCOPED_TRACE("user " + std::to_string(i));
        EXPECT_EQ(a.users[i].address, b.users[i].address);
        EXPECT_EQ(a.users[i].displayName, b.users[i].displayName);
        EXPECT_EQ(a.users[i].password, b.users[i].password);
        EXPECT_EQ(a.users[i].typedPassword, b.users[i].typedPassword);
        EXPECT_EQ(a.users[i].uaHost, b.users[i].uaHost);
        EXPECT_EQ(a.users[i].uaAddress, b.users[i].uaAddress);
        EXPECT_EQ(a.users[i].label, b.users[i].label);
        EXPECT_EQ(a.users[i].submitTo, b.users[i].submitTo);
        EXPECT_EQ(a.users[i].access, b.users[i].access);
    }

    ASSERT_EQ(a.links.size(), b.links.size());
    for (std::size_t i = 0; i < a.links.size(); ++i) {
        SCOPED_TRACE("link " + std::to_string(i));
        EXPECT_EQ(a.links[i].a, b.links[i].a);
        EXPECT_EQ(a.links[i].b, b.links[i].b);
        EXPECT_EQ(a.links[i].latency, b.links[i].latency);
    }

    ASSERT_EQ(a.mx.size(), b.mx.size());
    for (std::size_t i = 0; i < a.mx.size(); ++i) {
        SCOPED_TRACE("mx " + std::to_string(i));
        EXPECT_EQ(a.mx[i].domain, b.mx[i].domain);
        EXPECT_EQ(a.mx[i].preference, b.mx[i].preference);
        EXPECT_EQ(a.mx[i].exchange, b.mx[i].exchange);
    }

    ASSERT_EQ(a.addressRecords.size(), b.addressRecords.size());
    for (std::size_t i = 0; i < a.addressRecords.size(); ++i) {
        SCOPED_TRACE("address record " + std::to_string(i));
        EXPECT_EQ(a.addressRecords[i].name, b.addressRecords[i].name);
        EXPECT_EQ(a.addressRecords[i].address, b.addressRecords[i].address);
    }

    ASSERT_EQ(a.sends.size(), b.sends.size());
    for (std::size_t i = 0; i < a.sends.size(); ++i) {
        SCOPED_TRACE("send " + std::to_string(i));
        EXPECT_EQ(a.sends[i].at, b.sends[i].at);
        EXPECT_EQ(a.sends[i].from, b.sends[i].from);
        EXPECT_EQ(a.sends[i].to, b.sends[i].to);
        EXPECT_EQ(a.sends[i].cc, b.sends[i].cc);
        EXPECT_EQ(a.sends[i].bcc, b.sends[i].bcc);
        EXPECT_EQ(a.sends[i].subject, b.sends[i].subject);
        EXPECT_EQ(a.sends[i].body, b.sends[i].body);
        EXPECT_EQ(a.sends[i].charset, b.sends[i].charset);
        EXPECT_EQ(a.sends[i].html, b.sends[i].html);
        EXPECT_EQ(a.sends[i].raw, b.sends[i].raw);
        EXPECT_EQ(a.sends[i].mistake, b.sends[i].mistake);
        ASSERT_EQ(a.sends[i].attachments.size(), b.sends[i].attachments.size());
        for (std::size_t k = 0; k < a.sends[i].attachments.size(); ++k) {
            SCOPED_TRACE("attachment " + std::to_string(k));
            const world::AttachmentSpec &x = a.sends[i].attachments[k];
            const world::AttachmentSpec &y = b.sends[i].attachments[k];
            EXPECT_EQ(x.name, y.name);
            EXPECT_EQ(x.mediaType, y.mediaType);
            EXPECT_EQ(x.content, y.content);
            EXPECT_EQ(x.sourceFile, y.sourceFile);
        }
    }

    ASSERT_EQ(a.reads.size(), b.reads.size());
    for (std::size_t i = 0; i < a.reads.size(); ++i) {
        SCOPED_TRACE("read " + std::to_string(i));
        EXPECT_EQ(a.reads[i].at, b.reads[i].at);
        EXPECT_EQ(a.reads[i].user, b.reads[i].user);
        EXPECT_EQ(a.reads[i].actions, b.reads[i].actions);
    }

    ASSERT_EQ(a.faults.size(), b.faults.size());
    for (std::size_t i = 0; i < a.faults.size(); ++i) {
        SCOPED_TRACE("fault " + std::to_string(i));
        EXPECT_EQ(a.faults[i].at, b.faults[i].at);
        EXPECT_EQ(a.faults[i].kind, b.faults[i].kind);
        EXPECT_EQ(a.faults[i].host, b.faults[i].host);
        EXPECT_EQ(a.faults[i].other, b.faults[i].other);
        EXPECT_EQ(a.faults[i].domain, b.faults[i].domain);
        EXPECT_EQ(a.faults[i].latency, b.faults[i].latency);
    }
}

// Everything but where things were written (SourceLocation).
inline void expectSameScenario(const Scenario &a, const Scenario &b)
{
    expectSameWorld(a.world, b.world);
    EXPECT_EQ(a.messageIds, b.messageIds);
    EXPECT_EQ(a.lessonNotes, b.lessonNotes);
    ASSERT_EQ(a.expectations.size(), b.expectations.size());
    for (std::size_t i = 0; i < a.expectations.size(); ++i) {
        SCOPED_TRACE("expectation " + std::to_string(i));
        const Expectation &x = a.expectations[i];
        const Expectation &y = b.expectations[i];
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.user, y.user);
        EXPECT_EQ(x.server, y.server);
        EXPECT_EQ(x.subject, y.subject);
        EXPECT_EQ(x.attachment, y.attachment);
        EXPECT_EQ(x.count, y.count);
        EXPECT_EQ(x.code, y.code);
        EXPECT_EQ(x.folder, y.folder);
        EXPECT_EQ(x.protocol, y.protocol);
        EXPECT_EQ(x.status, y.status);
        EXPECT_EQ(x.flags, y.flags);
        EXPECT_EQ(x.withoutFlags, y.withoutFlags);
    }
}

} // namespace mailsim::scenario::test
