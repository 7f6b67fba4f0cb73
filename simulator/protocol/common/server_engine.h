// What every server-side protocol engine offers its driver, whatever the protocol.
//
// The drivers (a virtual-network connection in the simulated world, a real socket in the
// loopback test harness and, later, the real-client bridge) move bytes between a stream and
// an engine and do not care whether it speaks POP3, IMAP or HTTP. SMTP's server session has
// the same four calls, with its own types, and keeps its own driver.
#pragma once

#include "protocol/common/engine_output.h"

#include <QByteArrayView>

namespace mailsim::protocol {

class ServerEngine : public InputNotifier
{
public:
    virtual ~ServerEngine() = default;

    // The greeting, if the protocol has one (POP3 "+OK", IMAP "* OK"); HTTP says nothing.
    // Call once, when the connection is established.
    [[nodiscard]] virtual EngineOutput open() = 0;
    // Bytes from the client, in any chunking: the output is the same as for one piece.
    [[nodiscard]] virtual EngineOutput receive(QByteArrayView bytes) = 0;
    // The client closed its side. Nothing half-done is applied (POP3 deletes nothing).
    [[nodiscard]] virtual EngineOutput receiveEof() = 0;
    // The driver's idle timer fired: say goodbye the protocol's way and close.
    [[nodiscard]] virtual EngineOutput timeout() = 0;
    // Something in the store changed under the session (new mail, another session's
    // expunge). An IMAP session in IDLE answers with untagged EXISTS, EXPUNGE or FETCH at
    // once; other engines return nothing and report changes when the protocol allows.
    // Drivers call it from outside receive(), never while the engine is inside a call.
    [[nodiscard]] virtual EngineOutput storeChanged() { return {}; }
};

} // namespace mailsim::protocol
