#include "message/address_list.h"

namespace mailsim::message {

namespace {

// Collects the pieces of one mailbox while the list is scanned character by character.
struct Pending
{
    QByteArray phrase;    // words and quoted strings outside angle brackets, single-spaced
    QByteArray angle;     // what was inside "<...>"
    bool hasAngle = false;
    bool spaceDue = false; // a word ended: the next word gets a space before it

    void addText(QByteArrayView text, bool quotedWord)
    {
        if (spaceDue && !phrase.isEmpty())
            phrase += ' ';
        phrase += text;
        spaceDue = quotedWord;
    }
    [[nodiscard]] bool empty() const { return phrase.isEmpty() && !hasAngle; }
};

void splitAddress(QByteArray address, AddressEntry &entry)
{
    address = address.trimmed();
    if (address.startsWith('@')) {
        const qsizetype colon = address.indexOf(':');
        if (colon > 0) {
            entry.route = address.left(colon);
            address = address.mid(colon + 1).trimmed();
        }
    }
    const qsizetype at = address.lastIndexOf('@');
    if (at < 0) {
        entry.localPart = address;
        return;
    }
    entry.localPart = address.left(at).trimmed();
    entry.domain = address.mid(at + 1).trimmed();
    // A quoted local part ("john doe"@example.net) is given without its quotes.
    if (entry.localPart.size() >= 2 && entry.localPart.startsWith('"') && entry.localPart.endsWith('"'))
        entry.localPart = entry.localPart.mid(1, entry.localPart.size() - 2);
}

void finishMailbox(Pending &pending, std::vector<AddressEntry> &out)
{
    if (pending.empty()) {
        pending = {};
        return;
    }
    AddressEntry entry;
    if (pending.hasAngle) {
        entry.displayName = pending.phrase;
        splitAddress(pending.angle, entry);
    } else {
        // A bare addr-spec: its words were joined with spaces that are not part of it.
        QByteArray spec = pending.phrase;
        spec.replace(" . ", ".").replace(" @ ", "@").replace(" @", "@").replace("@ ", "@");
        splitAddress(spec, entry);
    }
    out.push_back(std::move(entry));
    pending = {};
}

} // namespace

std::vector<AddressEntry> parseAddressList(QByteArrayView value)
{
    std::vector<AddressEntry> out;
    Pending pending;
    bool inGroup = false;
    qsizetype i = 0;
    const qsizetype n = value.size();
    while (i < n) {
        const char c = value[i];
        if (c == '"') {
            // A quoted string: up to the next unescaped quote (or the end, leniently).
            QByteArray text;
            ++i;
            while (i < n && value[i] != '"') {
                if (value[i] == '\\' && i + 1 < n)
                    ++i;
                text += value[i++];
            }
            ++i;
            if (pending.hasAngle)
                continue; // text after the angle address is no part of anything
            pending.addText(text, true);
        } else if (c == '(') {
            // A comment, possibly nested, possibly with quoted pairs: skipped.
            int depth = 0;
            while (i < n) {
                if (value[i] == '\\' && i + 1 < n) {
                    i += 2;
                    continue;
                }
                if (value[i] == '(')
                    ++depth;
                else if (value[i] == ')' && --depth == 0) {
                    ++i;
                    break;
                }
                ++i;
            }
            pending.spaceDue = true;
        } else if (c == '<') {
            const qsizetype close = value.indexOf('>', i + 1);
            const qsizetype end = close < 0 ? n : close;
            pending.angle = value.sliced(i + 1, end - i - 1).toByteArray();
            pending.hasAngle = true;
            i = close < 0 ? n : close + 1;
        } else if (c == ',') {
            finishMailbox(pending, out);
            ++i;
        } else if (c == ':' && !inGroup && !pending.hasAngle) {
            AddressEntry group;
            group.kind = AddressEntry::Kind::GroupStart;
            group.displayName = pending.phrase;
            out.push_back(std::move(group));
            pending = {};
            inGroup = true;
            ++i;
        } else if (c == ';' && inGroup) {
            finishMailbox(pending, out);
            AddressEntry end;
            end.kind = AddressEntry::Kind::GroupEnd;
            out.push_back(std::move(end));
            inGroup = false;
            ++i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            pending.spaceDue = true;
            ++i;
        } else {
            qsizetype start = i;
            while (i < n && !QByteArrayView(" \t\r\n\"(<,;").contains(value[i])
                   && !(value[i] == ':' && !inGroup))
                ++i;
            if (!pending.hasAngle)
                pending.addText(value.sliced(start, i - start), false);
            pending.spaceDue = false;
            if (i < n && (value[i] == ' ' || value[i] == '\t'))
                pending.spaceDue = true;
        }
    }
    finishMailbox(pending, out);
    if (inGroup) {
        AddressEntry end;
        end.kind = AddressEntry::Kind::GroupEnd;
        out.push_back(std::move(end));
    }
    return out;
}

} // namespace mailsim::message
