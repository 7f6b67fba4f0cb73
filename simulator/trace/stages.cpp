#include "trace/stages.h"

namespace mailsim::trace {

namespace {

const StageInfo kStages[] = {
    {0, "Setting up", "The simulated world is being prepared."},
    {1, "Compose: the sender writes the message in her user agent",
     "A user agent is the mail program on the sender's computer. It turns what she typed into "
     "a message in the standard format: header lines such as From, To, Subject and Date, an "
     "empty line, and then the body. So far nothing has crossed the network."},
    {2, "Submit: the user agent hands the message to its own mail server",
     "The user agent connects to its own mail server and passes the message over with SMTP. "
     "The server does not deliver it at once: it puts it in its outgoing queue, and from the "
     "moment it answers 250 it is responsible for the message. The user agent's job is done."},
    {3, "Connect: the sending server opens a TCP connection to the receiving server",
     "Now the sender's mail server acts as an SMTP client. It asks DNS which host receives "
     "mail for the recipient's domain (the MX record) and its address, then opens a TCP "
     "connection to port 25 there. The receiving server greets it with 220 and the two "
     "introduce themselves with EHLO."},
    {4, "Transfer: the SMTP client sends the message over that connection",
     "The client names the envelope sender with MAIL FROM and each recipient with RCPT TO; "
     "the server answers each with a reply code. After DATA and the 354 go-ahead the message "
     "itself travels, ended by a line holding a single dot. SMTP pushes the message: the "
     "sending side starts every step."},
    {5, "Deliver: the receiving server puts the message in the recipient's mailbox",
     "The receiving server stores the message in the recipient's mailbox before it answers "
     "250, so the sending server can drop it from its queue. Then the client says QUIT and "
     "the connection closes. The message now waits for the recipient."},
    {6, "Read: the recipient's user agent fetches the message",
     "Reading mail is a pull: the recipient's user agent opens a connection to its own mail "
     "server and asks for what is in the mailbox, whenever the recipient chooses. POP3 "
     "(port 110) downloads the messages, IMAP (port 143) reads them where they stay, on the "
     "server, and web mail lets a browser ask a web server over HTTP (port 80)."},
};

} // namespace

const StageInfo &stageInfo(int number)
{
    return number >= 1 && number <= kStageCount ? kStages[number] : kStages[0];
}

} // namespace mailsim::trace
