// What one call into a sans-I/O protocol engine produced.
//
// Engines never touch a socket, a timer or the clock: the caller feeds bytes in and gets
// back the exact bytes to write to the peer, split into protocol units (one command, one
// reply, one block of message data) so that a driver can trace each unit on its own.
#pragma once

#include <QByteArray>

#include <functional>
#include <vector>

namespace mailsim::protocol {

struct Transmission
{
    enum class Kind : quint8 {
        Command, // one command line, CR LF included
        Reply,   // one complete (possibly multi-line) reply or response
        Data,    // message content as it travels, e.g. dot-stuffed SMTP DATA with its final "."
    };
    Kind kind = Kind::Command;
    QByteArray bytes; // exact wire bytes
    int code = 0;     // SMTP reply code, HTTP status code, or a ReplyStatus below; else 0
};

// Transmission::code for the replies of protocols that have no reply numbers, so that the
// trace and the views can tell success from failure without reading the text again.
namespace reply_status {
inline constexpr int Pop3Ok = 1;       // "+OK"
inline constexpr int Pop3Err = 2;      // "-ERR"
inline constexpr int ImapUntagged = 0; // "* ..." data or status that completes nothing
inline constexpr int ImapOk = 1;       // "<tag> OK" (also "* OK" greeting)
inline constexpr int ImapNo = 2;       // "<tag> NO": the command failed
inline constexpr int ImapBad = 3;      // "<tag> BAD" or "* BAD": protocol error
inline constexpr int ImapBye = 4;      // "* BYE": the server is closing
inline constexpr int ImapContinue = 5; // "+ ...": go on (literal, IDLE)
} // namespace reply_status

struct EngineOutput
{
    std::vector<Transmission> sent;     // to write to the peer, in this order
    std::vector<Transmission> received; // protocol units the engine recognised in its input
    bool close = false;                 // close the connection after writing `sent`

    [[nodiscard]] QByteArray wire() const
    {
        QByteArray all;
        for (const Transmission &t : sent)
            all += t.bytes;
        return all;
    }
    [[nodiscard]] bool empty() const { return sent.empty() && received.empty() && !close; }
    void append(EngineOutput &&other)
    {
        for (Transmission &t : other.sent)
            sent.push_back(std::move(t));
        for (Transmission &t : other.received)
            received.push_back(std::move(t));
        close = close || other.close;
    }
};

// A server engine tells its observer of each protocol unit it recognises in its input (a
// command, a message's data, a request) the moment it does, before anything the unit causes:
// a stored message, a flag changed, a mailbox emptied. The real-client bridge traces a real
// client's commands this way, so that in the trace they come before their effects, just as a
// simulated client's do, which it traces itself when it sends them.
class InputNotifier
{
public:
    using Observer = std::function<void(const Transmission &unit)>;
    virtual ~InputNotifier() = default;
    virtual void setInputObserver(Observer observer) { m_observer = std::move(observer); }

protected:
    // Every server engine reports what it recognised through here, into out.received too.
    void recognised(EngineOutput &out, Transmission unit) const
    {
        if (m_observer)
            m_observer(unit);
        out.received.push_back(std::move(unit));
    }

private:
    Observer m_observer;
};

} // namespace mailsim::protocol
