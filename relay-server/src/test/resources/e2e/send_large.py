"""One message of exactly SIZE bytes over STARTTLS with AUTH, generated and streamed in chunks
(never held whole in memory). smtplib does the dialogue; the DATA content goes straight to the
socket, dot-stuffed. Prints "SIZE <n>", "SHA256 <hex>" of the message as sent before stuffing, and
the reply to the end of data.

usage: send_large.py PORT USER PASSWORD FROM RCPT SIZE
"""
import base64
import hashlib
import random
import re
import sys

import relay_client

port, user, password, sender, rcpt, size = sys.argv[1:7]
size = int(size)

# A complete header (Date and Message-ID included), so the relay's header repair leaves the
# message as it is and its size and hash can be compared with what the relay stored.
header = ("From: %s\r\nTo: %s\r\nSubject: large scan\r\nDate: Sun, 29 Nov 2026 06:15:30 +0100\r\n"
          "Message-ID: <large-scan@e2e.test>\r\nMIME-Version: 1.0\r\n"
          "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
          % (sender, rcpt)).encode("ascii")
rng = random.Random(20261129)


def lines_of(n):
    """Exactly n >= 2 bytes of CRLF-terminated lines of at most 78 bytes."""
    out = []
    while n > 0:
        length = 78 if (n >= 80 or n == 78) else (40 if n == 79 else n)
        out.append(b"B" * (length - 2) + b"\r\n")
        n -= length
    return b"".join(out)


def chunks():
    yield header
    remaining = size - len(header)
    block_input = 57 * 16384  # base64 of 57 bytes is one 76-character line
    while remaining > 0:
        block = base64.encodebytes(rng.randbytes(block_input)).replace(b"\n", b"\r\n")
        if len(block) > remaining:
            whole = remaining - remaining % 78
            if remaining - whole == 1:
                whole -= 78
            block = block[:whole] + (lines_of(remaining - whole) if remaining > whole else b"")
        remaining -= len(block)
        yield block


sha = hashlib.sha256()
sent = 0
with relay_client.connect_starttls(int(port), user, password, helo="mfp-large") as s:
    code, text = s.mail(sender, ["SIZE=%d" % size])
    if code != 250:
        raise RuntimeError("MAIL FROM: %d %r" % (code, text))
    code, text = s.rcpt(rcpt)
    if code != 250:
        raise RuntimeError("RCPT TO: %d %r" % (code, text))
    s.putcmd("data")
    code, text = s.getreply()
    if code != 354:
        raise RuntimeError("DATA: %d %r" % (code, text))
    for chunk in chunks():
        sha.update(chunk)
        sent += len(chunk)
        # Chunks end at line ends, so stuffing per chunk is stuffing per line.
        s.sock.sendall(re.sub(rb"(?m)^\.", b"..", chunk))
    s.sock.sendall(b".\r\n")
    code, text = s.getreply()
    print("SIZE %d" % sent)
    print("SHA256 %s" % sha.hexdigest())
    print("DATA reply: %d %s" % (code, text.decode("utf-8", "replace")))
    if code != 250:
        sys.exit(1)
