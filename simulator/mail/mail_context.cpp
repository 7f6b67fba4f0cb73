#include "mail/mail_context.h"

namespace mailsim::mail {

QByteArray formatRfc5322Date(const QDateTime &when)
{
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const QDateTime utc = when.toUTC();
    const QDate d = utc.date();
    const QTime t = utc.time();
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, "%s, %d %s %04d %02d:%02d:%02d +0000",
                                days[d.dayOfWeek() - 1], d.day(), months[d.month() - 1],
                                d.year(), t.hour(), t.minute(), t.second());
    return QByteArray(buffer, n);
}

QByteArray MailContext::dateHeader() const
{
    // Dates have a resolution of a second: format each second once.
    const qint64 second = simulation.now() / 1000000;
    if (second != cachedDateSecond || cachedDate.isEmpty()) {
        cachedDate = formatRfc5322Date(epoch.addSecs(second));
        cachedDateSecond = second;
    }
    return cachedDate;
}

QByteArray MailContext::newId(int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    QByteArray id(digits, '0');
    quint64 bits = rng.next();
    for (int i = 0; i < digits; ++i) {
        if (i == 16)
            bits = rng.next();
        id[i] = hex[bits & 0xF];
        bits >>= 4;
    }
    return id;
}

} // namespace mailsim::mail
