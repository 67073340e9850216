#!/usr/bin/env python3
"""Turns a bench/run results directory into markdown tables (results.md) and, with --docs FILE,
replaces the part of FILE between the bench markers with them."""
import json
import sys
from pathlib import Path

BEGIN = "<!-- bench/run {}: begin (generated, do not edit) -->"
END = "<!-- bench/run {}: end -->"

VARIANTS = [
    ("loopback", "(a) Loopback limit: load generator straight into the sink"),
    ("postfix-tls", "(b) Postfix, STARTTLS to the sink (no AUTH: Postfix cannot do XOAUTH2)"),
    ("relay-tls", "(c) This relay, defaults, STARTTLS + XOAUTH2 to the sink"),
    ("relay-tls-gd500", "(c') This relay, STARTTLS + XOAUTH2, with the opt-in greeting-delay = 500ms"),
    ("postfix-plain", "(b) Postfix, plaintext to the sink"),
    ("relay-plain", "(c) This relay, defaults, plaintext to the sink (upstream.tls = none)"),
    ("relay-plain-gd500", "(c') This relay, plaintext, with the opt-in greeting-delay = 500ms"),
]


def size_name(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


def fmt(v, digits=1):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def cell_table(rows):
    out = ["| size | sessions | accepted msg/s | accepted MB/s | delivered msg/s | delivered MB/s "
           "| ack p50 ms | ack p99 ms | greeting p50 ms | CPU s / 1000 msg | peak PSS MiB | peak RSS sum MiB | msgs (errors) | load |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {size_name(r['size'])} | {r['sessions']} | {fmt(r['accept_msgs'])} | {fmt(r['accept_mbs'], 2)} "
                   f"| {fmt(r['deliver_msgs'])} | {fmt(r['deliver_mbs'], 2)} | {fmt(r['ack_p50_ms'], 2)} "
                   f"| {fmt(r['ack_p99_ms'], 2)} | {fmt(r['greet_p50_ms'], 1)} | {fmt(r['cpu_s_per_1000'], 2)} "
                   f"| {fmt(r.get('peak_pss_mib'), 0)} | {fmt(r['peak_rss_mib'], 0)} | {r['accepted']} ({r['errors']}) | {r['load']} |")
    return out


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return a / b


def targets(cells):
    out = ["| relay variant vs Postfix | size | sessions | acceptance ratio | delivery ratio | ack p99 relay / Postfix ms | verdict |",
           "|---|---|---|---|---|---|---|"]
    for relay, postfix in (("relay-tls", "postfix-tls"), ("relay-plain", "postfix-plain")):
        for size in (1024, 102400):
            for sessions in (10, 50):
                r = cells.get((relay, size, sessions))
                p = cells.get((postfix, size, sessions))
                if not r or not p:
                    continue
                acc = ratio(r["accept_msgs"], p["accept_msgs"])
                dlv = ratio(r["deliver_msgs"], p["deliver_msgs"])
                ok = acc is not None and dlv is not None and acc >= 1 and dlv >= 1 \
                    and r["ack_p99_ms"] <= p["ack_p99_ms"]
                out.append(f"| {relay} vs {postfix} | {size_name(size)} | {sessions} | {fmt(acc, 2)} | {fmt(dlv, 2)} "
                           f"| {fmt(r['ack_p99_ms'], 2)} / {fmt(p['ack_p99_ms'], 2)} | {'met' if ok else 'missed'} |")
    return out


def jmh_table(path):
    if not path.exists():
        return ["(no JMH results)"]
    out = ["| benchmark | parameters | score | error (99.9%) | unit |", "|---|---|---|---|---|"]
    for b in json.loads(path.read_text()):
        name = b["benchmark"].rsplit(".", 2)
        params = ", ".join(f"{k}={v}" for k, v in (b.get("params") or {}).items())
        m = b["primaryMetric"]
        err = m.get("scoreError")
        err_s = f"{err:,.3f}" if isinstance(err, (int, float)) and err == err else "n/a"
        out.append(f"| {name[-2]}.{name[-1]} | {params} | {m['score']:,.3f} | {err_s} | {m['scoreUnit']} |")
    return out


def main():
    d = Path(sys.argv[1])
    docs = Path(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else None
    # --section NAME: which generated section of the docs file to replace (default "results").
    section = sys.argv[sys.argv.index("--section") + 1] if "--section" in sys.argv else "results"
    begin, end = BEGIN.format(section), END.format(section)
    rows = [json.loads(line) for line in (d / "results.jsonl").read_text().splitlines() if line.strip()]
    failed = [r for r in rows if "size" in r and r["accepted"] == 0]
    rows = [r for r in rows if not ("size" in r and r["accepted"] == 0)]
    cells = {(r["label"], r["size"], r["sessions"]): r for r in rows if "size" in r}
    md = ["### Machine and run", "", "```"] + (d / "machine.txt").read_text().splitlines() + ["```", ""]
    for label, title in VARIANTS:
        sel = [r for r in rows if r.get("label") == label and "size" in r]
        if sel:
            md += [f"#### {title}", ""] + cell_table(sel) + [""]
    if failed:
        md += ["#### Failed cells (no message accepted; left out of the tables)", ""]
        md += [f"- {r['label']} {size_name(r['size'])} x {r['sessions']}: {r['errors']} errors, "
               f"e.g. {r['first_errors'][:1]}" for r in failed] + [""]
    md += ["#### Targets: relay / Postfix at 1 KiB and 100 KiB, 10 and 50 sessions (durability on in both)", ""]
    md += targets(cells) + [""]
    starts = [r for r in rows if "start_to_listening_ms" in r]
    if starts:
        ms = sorted(r["start_to_listening_ms"] for r in starts)
        md += ["#### Start to listening (process start to the port accepting connections)", "",
               f"{len(ms)} starts of the relay jar: median {ms[len(ms) // 2]} ms, max {ms[-1]} ms "
               f"(target: under 2,000 ms; load average at those starts: "
               f"{', '.join(r['load'] for r in starts)}).", ""]
    for r in rows:
        if "idle" in r:
            md += ["#### Idle connections", "",
                   "| idle connections | source addresses | greeted | still open | time to open all s "
                   "| relay RSS before MiB | relay RSS with them MiB | new client's greeting: median ms | max ms | load |",
                   "|---|---|---|---|---|---|---|---|---|---|",
                   f"| {r['idle']:,} | {r['sources']} | {r['greeted']:,} | {r['still_open']:,} | {r['open_secs']} "
                   f"| {r['rss_before_mib']} | {r['rss_idle_mib']} | {r['probe_greet_ms_median']} "
                   f"| {r['probe_greet_ms_max']} | {r['load']} |", ""]
    for r in rows:
        if r.get("label") == "relay-big-xmx64m":
            md += ["#### One big message relayed end to end (relay with -Xmx64m)", "",
                   "| size | accepted | delivered to the sink | ack ms | delivered after s | peak RSS of the relay MiB | load |",
                   "|---|---|---|---|---|---|---|",
                   f"| {size_name(r['size'])} | {r['accepted']} | {r['delivered']} | {fmt(r['ack_p50_ms'], 0)} "
                   f"| {fmt(r['deliver_secs'], 2)} | {fmt(r['peak_rss_mib'], 0)} | {r['load']} |", ""]
    md += ["#### JMH microbenchmarks", ""] + jmh_table(d / "jmh.json") + [""]
    text = "\n".join(md)
    (d / "results.md").write_text(text)
    if docs:
        doc = docs.read_text()
        if begin in doc and end in doc:
            head, rest = doc.split(begin, 1)
            _, tail = rest.split(end, 1)
            docs.write_text(head + begin + "\n\n" + text + "\n" + end + tail)
        else:
            docs.write_text(doc.rstrip("\n") + "\n\n" + begin + "\n\n" + text + "\n" + end + "\n")
    print(text)


if __name__ == "__main__":
    main()
