#!/usr/bin/env python3
"""Figures, targets, results.md and the chart, from bench.py's results.

    bench/report.py out/bench/results.json [--final]

bench.py calls write() at the end of a run; by hand it rebuilds the report
from a results.json.  A quick run writes out/bench/results.md and
results.png; a full one (--final) writes bench/results.md,
bench/results.png and bench/results.json (to rebuild them from), and
the README's copy of the table between its markers.
"""
import json
import os
import subprocess
import sys

ROWS = [
    # key, contender, what it does
    ("upstream", "stand-in alone", "nginx answering POST /v1/payments"),
    ("upstream-slow", "stand-in alone, 300 ms", "the same after 300 ms"),
    ("1", "1. nginx proxy_pass", "forwards the form to the stand-in"),
    ("1b", "1b. brickgate /healthz", "the FastCGI transport alone"),
    ("2", "2. brickgate /process_payment",
     "every check, 1 durable write, the API call"),
    ("3", "3. brickgate, tampered amount", "refused: no API call, no write"),
    ("4", "4. Express + official SDK, 1 process",
     "creates the payment from the posted form"),
    ("4n", "4. Express + official SDK, %(workers)s processes", "the same"),
    ("5", "5. brickgate as CGI (Apache mod_cgid)",
     "as 2, one process per request"),
    ("slow", "2. against the 300 ms stand-in", "as 2, the default "
     "configuration (%(default_threads)s threads)"),
    ("nodeslow", "4. Express + SDK, 1 process, 300 ms stand-in", "as 4"),
    ("2c", "2. confined, again", "as 2, the mean of a run before 2off and "
     "one after"),
    ("2off", "2. with confine = off", "as 2, without seccomp or Landlock"),
    ("2t", "2. with the stand-in over TLS", "as 2, HTTPS with a CA file, "
     "connections kept"),
    ("2p", "2. PostgreSQL store, one host", "as 2, the purchases in "
     "PostgreSQL (the result's commit synchronous, the attempt's not)"),
    ("2pp", "2. PostgreSQL store, two hosts", "as 2p, two brickgates behind "
     "one upstream"),
    ("1@mod", "1. paced", "moderate rate"),
    ("3@mod", "3. paced", "moderate rate"),
    ("1@half", "1. paced", "half of 2's peak"),
    ("2@half", "2. paced", "half of 2's peak"),
]
CHART = ["1", "1b", "2", "3", "4", "4n", "5"]
CHART_NAMES = {"1": "1 nginx proxy", "1b": "1b healthz",
               "2": "2 payment", "3": "3 refusal", "4": "4 Node 1 proc",
               "4n": "4 Node per core", "5": "5 CGI"}
MARK_BEGIN = "<!-- bench/results.md table -->"
MARK_END = "<!-- end of bench/results.md table -->"


def figures(res):
    """Derived figures and the targets, each (name, goal, value text,
    met)."""
    runs = res["runs"]
    st = res["settings"]
    threads = st["threads"]
    probe = {int(k): v for k, v in res["probe"]["writes_per_s"].items()}
    up = res["upstream"]
    f = {}
    r = lambda k: runs[k]["rate"]  # noqa: E731
    f["bound"] = probe[threads] / st["durable_writes"]
    f["fsync_fraction"] = r("2") / f["bound"] if f["bound"] else 0
    f["added_p50"] = runs["2@half"]["p50_ms"] - runs["1@half"]["p50_ms"]
    f["added_p99"] = runs["2@half"]["p99_ms"] - runs["1@half"]["p99_ms"]
    slow_threads = res["figures"].get("default_threads", threads)
    f["ideal_slow"] = slow_threads / 0.3
    bg = [up[k] for k in ("2", "2@half", "rss") if k in up]
    posts = sum(u["posts"] for u in bg)
    new = sum(u["new_connections"] for u in bg)
    f["bg_posts"], f["bg_new"] = posts, new
    f["bg_new_per_10k"] = new * 10000.0 / posts if posts else float("inf")
    samples = res["figures"]["rss_samples"]
    f["rss_start"] = res["figures"]["rss_start_kb"] / 1024.0
    f["rss_first"] = samples[0][1] / 1024.0
    f["rss_end"] = samples[-1][1] / 1024.0
    f["rss_payments"] = samples[-1][0]
    f["rss_growth"] = f["rss_end"] - f["rss_first"]
    slowest = max(r(k) for k in ("2", "4", "4n", "5"))
    t = []
    t.append(("stand-in ≥ 3× every contender that calls it",
              "%.0f/s ≥ 3 × %.0f/s" % (r("upstream"), slowest),
              r("upstream") >= 3 * slowest))
    t.append(("3 (refusal) ≥ 0.7 × 1b (healthz)",
              "%.0f/s = %.2f × %.0f/s" % (r("3"), r("3") / r("1b"), r("1b")),
              r("3") >= 0.7 * r("1b")))
    t.append(("2 ≥ 0.8 × the durable-write bound",
              "%.0f/s = %.2f × %.0f/s (%.0f writes/s at %d threads / %d)" % (
                  r("2"), f["fsync_fraction"], f["bound"], probe[threads],
                  threads, st["durable_writes"]),
              f["fsync_fraction"] >= 0.8))
    c2, c4 = runs["2"]["cpu_us"], runs["4"]["cpu_us"]
    t.append(("CPU per payment of 2 ≤ 4's per request (every process "
              "counted)", "%.0f µs vs %.0f µs (%.2f ×)" % (c2, c4, c2 / c4),
              c2 <= c4))
    t.append(("2 ≥ 1.2 × 4 (one process)",
              "%.0f/s = %.2f × %.0f/s" % (r("2"), r("2") / r("4"), r("4")),
              r("2") >= 1.2 * r("4")))
    d99 = runs["3@mod"]["p99_ms"] - runs["1@mod"]["p99_ms"]
    t.append(("p99 of 3 ≤ p99 of 1 + 2 ms at %d/s" % st["moderate_rate"],
              "%.2f ms vs %.2f ms (+%.2f ms; %.0f/s and %.0f/s)" % (
                  runs["3@mod"]["p99_ms"], runs["1@mod"]["p99_ms"], d99,
                  r("3@mod"), r("1@mod")), d99 <= 2.0))
    t.append(("300 ms upstream, %d clients: ≥ 0.9 × %d / 0.3 s" % (
        st["slow_conns"], slow_threads),
        "%.1f/s = %.2f × %.1f/s" % (r("slow"), r("slow") / f["ideal_slow"],
                                    f["ideal_slow"]),
        r("slow") >= 0.9 * f["ideal_slow"]))
    if "nodeslow" in runs:
        t.append(("300 ms upstream, %d clients, default configuration: "
                  "≥ 1.0 × 4 (one process) at the same latency" %
                  st["slow_conns"],
                  "%.0f/s = %.2f × %.0f/s" % (
                      r("slow"), r("slow") / r("nodeslow"), r("nodeslow")),
                  r("slow") >= r("nodeslow")))
        p99, n99 = runs["slow"]["p99_ms"], runs["nodeslow"]["p99_ms"]
        t.append(("the same: p99 ≤ 1.1 × Node's",
                  "%.0f ms = %.2f × %.0f ms" % (p99, p99 / n99, n99),
                  p99 <= 1.1 * n99))
    t.append(("RSS ≤ 16 MB with %d threads, at start and after %d payments"
              % (threads, f["rss_payments"]),
              "%.1f MB at start, %.1f MB after" % (f["rss_start"],
                                                   f["rss_end"]),
              max(f["rss_start"], f["rss_end"]) <= 16.0))
    t.append(("RSS flat (≤ 1 MB growth from %d to %d payments)" % (
        samples[0][0], f["rss_payments"]),
        "%+.2f MB" % f["rss_growth"], f["rss_growth"] <= 1.0))
    if "2p" in runs:
        for k in ("2p", "2pp"):
            if k not in runs:
                continue
            t.append(("%s (PostgreSQL) ≥ 1.0 × 4 (one process)" % k,
                      "%.0f/s = %.2f × %.0f/s" % (r(k), r(k) / r("4"),
                                                  r("4")),
                      r(k) >= r("4")))
            w = runs[k].get("wal_syncs_per_payment", 0)
            t.append(("%s: WAL syncs per payment ≤ 1" % k, "%.2f" % w,
                      w <= 1.0))
    sc = res.get("syscalls")
    if sc:
        t.append(("fsyncs per payment ≤ 2 (the file and its directory), "
                  "per refusal 0 (strace)",
                  "%.2f per payment, %.2f per refusal; %.1f and %.1f system "
                  "calls" % (sc["payment"]["fsyncs"], sc["refusal"]["fsyncs"],
                             sc["payment"]["calls"], sc["refusal"]["calls"]),
                  sc["payment"]["fsyncs"] <= 2 and
                  sc["refusal"]["fsyncs"] == 0))
    t.append(("≤ %d new upstream connections per 10 000 payments" % threads,
              "%.1f (%d opened for %d payments)" % (
                  f["bg_new_per_10k"], new, posts),
              f["bg_new_per_10k"] <= threads))
    return f, t


def ms(v):
    return "%.2f" % v if v < 100 else "%.0f" % v


def conns_text(u):
    if not u or not u["posts"]:
        return "–"
    return "%.0f" % u["new_per_10k"]


def table(res, f):
    runs, up = res["runs"], res["upstream"]
    workers = res["versions"]["cores"]
    lines = ["| contender | what it does | clients | requests/s | p50 ms "
             "| p99 ms | CPU µs per request | upstream connections opened "
             "per 10 000 |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, name, what in ROWS:
        if key not in runs:
            continue
        r = runs[key]
        clients = str(r["conns"])
        if "target_rate" in r:
            clients += " (paced)"
        conn = conns_text(up.get(key)) if key in up else "–"
        if key == "2":
            conn = "%.1f" % f["bg_new_per_10k"] + \
                " (2 and its RSS run)"
        names = {"workers": workers, "default_threads":
                 res["figures"].get("default_threads", "?")}
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name % names, what % names, clients,
            "{:,.0f}".format(r["rate"]), ms(r["p50_ms"]), ms(r["p99_ms"]),
            "{:,.0f}".format(r["cpu_us"]), conn))
    return "\n".join(lines)


def markdown(res, f, targets, chart):
    v = res["versions"]
    st = res["settings"]
    probe = res["probe"]["writes_per_s"]
    out = []
    out.append("# brickgate benchmark results\n")
    if res["quick"]:
        out.append("**Quick run** (%d s per contender, %d payments for "
                   "the RSS figure): not the published figures.\n" % (
                       st["run_s"], st["rss_payments"]))
    out.append("Made by `bench/run` on %s, in %.0f s.  Loopback only; "
               "wrk, the front nginx, the contender and the stand-in share "
               "the machine's %d cores, so the figures are relative.  Load "
               "average at the start %.2f, at the end %.2f.\n" % (
                   res["date"], res["elapsed_s"], v["cores"],
                   st["load_at_start"][0], st["load_at_end"][0]))
    out.append("Machine: %s, %d cores, %d MB, Linux %s, Debian %s; "
               "context directory on %s.\n" % (
                   v["cpu"], v["cores"], v["memory_mb"], v["kernel"],
                   v["debian"], res["probe"]["fs"] or "?"))
    out.append("Versions: %s.\n" % ", ".join(
        "%s %s" % (k, v[k]) for k in (
            "brickgate", "nginx", "echo module", "spawn-fcgi", "apache2",
            "libcurl", "libfcgi", "json-c", "gcc", "wrk", "node", "express",
            "mercadopago")))
    out.append("Settings: brickgate with %d threads; wrk with 2 threads, "
               "%d connections (%d against the 300 ms stand-in), %d s "
               "measured after %d s of warm-up; paced runs use %d "
               "connections with a pause between requests.\n" % (
                   st["threads"], st["conns"], st["slow_conns"],
                   st["run_s"], st["warm_s"], st["paced_conns"]))
    out.append(table(res, f) + "\n")
    out.append("![throughput and p99 per contender](%s)\n" % chart)
    out.append("## Figures\n")
    out.append("- Latency brickgate adds over the proxy at half its peak "
               "(%.0f payments/s): %+.2f ms at p50, %+.2f ms at p99." % (
                   res["runs"]["2@half"]["rate"], f["added_p50"],
                   f["added_p99"]))
    out.append("- brickgate's RSS with %d threads: %.1f MB at start, "
               "%.1f MB after %d payments, %.1f MB after %d (%+.2f MB); "
               "its PSS then %.1f MB." % (
                   st["threads"], f["rss_start"], f["rss_first"],
                   res["figures"]["rss_samples"][0][0], f["rss_end"],
                   f["rss_payments"], f["rss_growth"],
                   res["figures"].get("pss_end_kb", 0) / 1024.0))
    out.append("- Upstream connections brickgate opened: %d for %d "
               "payments, %.1f per 10 000." % (
                   f["bg_new"], f["bg_posts"], f["bg_new_per_10k"]))
    around = res["probe"].get("around_2", [probe[str(st["threads"])]] * 2)
    out.append("- Durable atomic writes (temporary file, write, fsync, "
               "rename, fsync of the directory: 2 fsyncs each) the context "
               "directory's file system takes: %s, %.0f/s from %d (the mean "
               "of %.0f/s measured just before contender 2 and %.0f/s just "
               "after).  A payment makes %d, so %d threads bound brickgate "
               "at %.0f payments/s; it made %.0f/s, %.0f%% of that." % (
                   ", ".join("%.0f/s from %s thread%s" % (
                       probe[k], k, "" if k == "1" else "s")
                       for k in sorted(probe, key=int)
                       if int(k) != st["threads"]),
                   probe[str(st["threads"])], st["threads"], around[0],
                   around[1], st["durable_writes"], st["threads"],
                   f["bound"], res["runs"]["2"]["rate"],
                   100 * f["fsync_fraction"]))
    cpu = lambda k: res["runs"][k]["cpu_us"]  # noqa: E731
    out.append("- CPU time per request, every process of the run counted "
               "(wrk, both nginx, the contender; user and system), is the "
               "figure the rest of a shared machine disturbs least: the "
               "refusal (3) costs %.0f µs against %.0f µs for /healthz "
               "(1b), so on an otherwise idle machine 3 would run at about "
               "%.2f × 1b; a payment (2) costs %.0f µs, the Node server "
               "(4) %.0f µs." % (cpu("3"), cpu("1b"),
                                  cpu("1b") / cpu("3"), cpu("2"), cpu("4")))
    if "2off" in res["runs"]:
        out.append("- Confinement (2off between two confined runs, 2c "
                   "their mean): %.0f payments/s confined and %.0f/s with "
                   "confine = off; %.0f µs of CPU per payment against "
                   "%.0f µs." % (res["runs"]["2c"]["rate"],
                                 res["runs"]["2off"]["rate"], cpu("2c"),
                                 cpu("2off")))
    if "2t" in res["runs"]:
        u = res["upstream"].get("2t", {})
        out.append("- Over TLS (2t): %.0f payments/s, %.0f µs of CPU per "
                   "payment against %.0f µs for 2 over plain HTTP; %s TLS "
                   "connections opened for %s payments." % (
                       res["runs"]["2t"]["rate"], cpu("2t"), cpu("2"),
                       u.get("new_connections", "?"), u.get("posts", "?")))
    if "2p" in res["runs"]:
        pg = res.get("pg", {})
        out.append("- PostgreSQL store: the server made %.0f synchronous "
                   "commits/s from %d clients (pgbench, one INSERT each); "
                   "one host made %.0f payments/s (%.2f WAL syncs per "
                   "payment), two hosts %.0f/s (%.2f)." % (
                       pg.get("commits_per_s", 0), st["threads"],
                       res["runs"]["2p"]["rate"],
                       res["runs"]["2p"].get("wal_syncs_per_payment", 0),
                       res["runs"].get("2pp", {}).get("rate", 0),
                       res["runs"].get("2pp", {}).get(
                           "wal_syncs_per_payment", 0)))
    out.append("- With the 300 ms stand-in and %d clients: %.1f payments/s "
               "against an ideal of %d threads / 0.3 s = %.1f/s." % (
                   st["slow_conns"], res["runs"]["slow"]["rate"],
                   res["figures"].get("default_threads", st["threads"]),
                   f["ideal_slow"]))
    tr = res["figures"].get("thread_rss")
    if tr:
        out.append("- Threads: an idle one adds %.1f KB of RSS; the default "
                   "pool of %d held %.1f MB idle and %.1f MB after the 300 ms "
                   "run (%.1f KB a busy thread)." % (
                       res["figures"].get("idle_thread_kb", 0),
                       tr["threads"], tr["idle_kb"] / 1024.0,
                       tr["busy_kb"] / 1024.0,
                       (tr["busy_kb"] - tr["idle_kb"]) / tr["threads"]))
    sc = res.get("syscalls")
    if sc:
        out.append("- System calls under strace, one request at a time: a "
                   "payment %.1f (%s), a refusal %.1f." % (
                       sc["payment"]["calls"], ", ".join(
                           "%s %.1f" % kv for kv in sorted(
                               sc["payment"]["by_call"].items(),
                               key=lambda kv: -kv[1])[:8]),
                       sc["refusal"]["calls"]))
    out.append("\n## Targets\n")
    out.append("| target | measured | |")
    out.append("| --- | --- | --- |")
    for name, val, met in targets:
        out.append("| %s | %s | %s |" % (name, val, "met" if met else
                                         "**missed**"))
    bad = [(r["label"], r["bad"]) for r in res["runs"].values() if r["bad"]]
    if bad:
        out.append("\nRuns with answers other than the expected one, or "
                   "socket errors: %s." % ", ".join(
                       "%s %d" % b for b in bad))
    return "\n".join(out) + "\n"


def chart(res, png, workdir):
    data = os.path.join(workdir, "chart.dat")
    with open(data, "w") as fh:
        for i, k in enumerate(CHART):
            r = res["runs"][k]
            fh.write('%d "%s" %.1f %.3f\n' % (i, CHART_NAMES[k], r["rate"],
                                               r["p99_ms"]))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "chart.gp")
    subprocess.run(["gnuplot", "-e", "data='%s'; out='%s'" % (data, png),
                    script], check=True)


def readme_table(res, f, bench_dir):
    """Replaces the README's copy of the table (between the markers)."""
    path = os.path.join(os.path.dirname(bench_dir), "README.md")
    with open(path) as fh:
        text = fh.read()
    a, b = text.find(MARK_BEGIN), text.find(MARK_END)
    if a < 0 or b < a:
        return
    text = (text[:a + len(MARK_BEGIN)] + "\n" + table(res, f) + "\n" +
            text[b:])
    with open(path, "w") as fh:
        fh.write(text)


def write(res, out_dir, bench_dir, final=False):
    res = json.loads(json.dumps(res))   # the same keys as from the file
    f, targets = figures(res)
    dest = bench_dir if final else out_dir
    png = os.path.join(dest, "results.png")
    chart(res, png, out_dir)
    with open(os.path.join(dest, "results.md"), "w") as fh:
        fh.write(markdown(res, f, targets, "results.png"))
    if final:
        with open(os.path.join(dest, "results.json"), "w") as fh:
            json.dump(res, fh, indent=1)
        readme_table(res, f, bench_dir)
    print("\ntargets:")
    for name, val, met in targets:
        print("  %-7s %s: %s" % ("met" if met else "MISSED", name, val))
    print("\nwritten: %s, %s" % (os.path.join(dest, "results.md"), png))
    return all(m for _, _, m in targets)


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        results = json.load(fh)
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(os.path.dirname(here), "out", "bench")
    os.makedirs(out, exist_ok=True)
    write(results, out, here, final="--final" in sys.argv)
