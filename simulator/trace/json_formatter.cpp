#include "trace/json_formatter.h"

#include "trace/explainer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace mailsim::trace {

namespace {

QJsonValue orNull(bool present, const QJsonValue &value)
{
    return present ? value : QJsonValue(QJsonValue::Null);
}

// Bytes as text when they are valid UTF-8 (nearly always: SMTP is 7-bit by default);
// otherwise the exact bytes go in base64 next to a lossy text, so nothing is lost.
void putBytes(QJsonObject &o, const char *name, const QByteArray &bytes)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(bytes);
    o.insert(QLatin1String(name), text);
    if (utf8.hasError())
        o.insert(QLatin1String(name) + QStringLiteral("_base64"), QString::fromLatin1(bytes.toBase64()));
}

} // namespace

QByteArray toJsonLine(const TraceLog &log, std::size_t index)
{
    const TraceEvent &e = log.at(index);
    QJsonObject o;
    o.insert(QStringLiteral("seq"), static_cast<qint64>(index));
    o.insert(QStringLiteral("time_us"), e.time);
    o.insert(QStringLiteral("arrival_us"), orNull(e.arrival >= 0, e.arrival));
    o.insert(QStringLiteral("stage"), e.stage);
    o.insert(QStringLiteral("kind"), QLatin1String(toString(e.kind)));
    o.insert(QStringLiteral("from"), orNull(e.from >= 0, log.actorName(e.from)));
    o.insert(QStringLiteral("to"), orNull(e.to >= 0, log.actorName(e.to)));
    o.insert(QStringLiteral("connection"), orNull(e.connection >= 0, e.connection));
    if (log.involvesRealClient(e)) // only then, so that a scenario's trace is as it always was
        o.insert(QStringLiteral("real_client"), true);
    o.insert(QStringLiteral("code"), orNull(e.code != 0, e.code));
    putBytes(o, "data", e.data);
    putBytes(o, "detail", e.detail);
    o.insert(QStringLiteral("summary"), summarize(log, index));
    o.insert(QStringLiteral("explanation"), explain(log, index));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace mailsim::trace
