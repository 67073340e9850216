"""COUNT messages over CONNECTIONS concurrent authenticated STARTTLS sessions. Each message is
written to OUTDIR/<n>.eml before it is sent; each acknowledged one is printed as "ACK <n> <queue id>"
the moment its 250 arrives (stdout is unbuffered), so the test can kill the relay right after the
last one.

usage: send_batch.py PORT USER PASSWORD FROM RCPT COUNT CONNECTIONS OUTDIR
"""
import os
import sys
import threading

import relay_client

port, user, password, sender, rcpt, count, connections, outdir = sys.argv[1:9]
count, connections = int(count), int(connections)
lock = threading.Lock()
failures = []


def message(n):
    lines = [
        "From: %s" % sender,
        "To: %s" % rcpt,
        "Subject: batch message %d" % n,
        "Message-ID: <batch-%d@e2e.test>" % n,
        "",
        "Message %d of %d." % (n, count),
        ".a line that starts with a dot",
        "%d" % (n * 7919),
        "x" * (n * 37 % 900),
    ]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def worker(numbers):
    s = None
    try:
        s = relay_client.connect_starttls(int(port), user, password, helo="batch-%d" % numbers[0])
        for n in numbers:
            data = message(n)
            with open(os.path.join(outdir, "%d.eml" % n), "wb") as f:
                f.write(data)
            s.sendmail(sender, [rcpt], data)
            queue_id = s.queue_id()
            with lock:
                print("ACK %d %s" % (n, queue_id), flush=True)
    except Exception as e:  # reported, and the exit code says so
        with lock:
            failures.append(e)
            print("ERROR %r" % (e,), flush=True)
    finally:
        if s is not None:
            try:
                s.quit()
            except Exception:
                pass  # the relay may already have been killed


threads = [threading.Thread(target=worker, args=(list(range(i, count, connections)),)) for i in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
sys.exit(1 if failures else 0)
