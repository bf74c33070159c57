"""Turns bench/proof.py's results.json into report.md, results.csv and SVG charts (no plotting
library: only Maven Central, Debian and npm are reachable here, and three bar charts do not need
one). `python3 bench/report.py bench/results/<run>` rebuilds them from a saved results.json."""
import csv, json, math, sys
from pathlib import Path

COLS = ["rps", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "statements_per_request", "bytes_per_request",
        "server_cpu_ms_per_request", "db_cpu_ms_per_request", "errors"]


def bars(path, title, rows, unit, log=False):
    """A horizontal bar chart: rows = [(label, value)]."""
    w, lh, left = 760, 26, 250
    h = 50 + lh * len(rows)
    vmax = max([v for _, v in rows] + [1e-9])
    scale = (lambda v: math.log10(max(v, 1)) / math.log10(max(vmax, 10))) if log else (lambda v: v / vmax)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">{title}</text>']
    for i, (label, v) in enumerate(rows):
        y = 35 + i * lh
        bw = max(1, (w - left - 90) * scale(v))
        color = "#c0392b" if label.startswith("naive") else "#2e86c1"
        out.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{label}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{bw:.1f}" height="{lh - 8}" fill="{color}"/>')
        out.append(f'<text x="{left + bw + 5:.1f}" y="{y + 15}">{v:,.1f} {unit}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out))


def warmup(r):
    w = r.get("warmup")
    if not w:
        return ""
    return f"{w['seconds']:.0f} s" + ("" if w["settled"] else " (not settled)")


def fmt(v, d=1):
    return f"{v:,.{d}f}"


def write(res, out):
    out = Path(out)
    prof = res["profiles"]
    with open(out / "results.csv", "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["profile", "workload"] + COLS + ["rps_min", "rps_max"])
        for name, p in prof.items():
            for wl in ("mix", "open", "browse"):
                if wl in p:
                    r = p[wl]
                    wr.writerow([name, wl] + [round(r.get(c, 0), 3) for c in COLS] + [round(r["rps_min"], 1), round(r["rps_max"], 1)])
        for name, r in {**res["ceilings"], **{k: v for k, v in res["workloads"].items() if "rps" in v}}.items():
            wr.writerow([name, "ceiling/workload"] + [round(r.get(c, 0), 3) for c in COLS] + [round(r["rps_min"], 1), round(r["rps_max"], 1)])

    order = list(prof)
    bars(out / "throughput.svg", "RealWorld mix, 64 connections: throughput (median req/s)",
         [(n, prof[n]["mix"]["rps"]) for n in order], "req/s", log=True)
    bars(out / "p95.svg", "RealWorld mix, 64 connections: p95 latency (ms, log scale)",
         [(n, prof[n]["mix"]["p95_ms"]) for n in order], "ms", log=True)
    ce = res["ceilings"]
    bars(out / "ceilings.svg", "Ceilings and endpoints (median req/s)", [(k, v["rps"]) for k, v in ce.items()], "req/s")

    opt = prof["optimized"]["mix"]
    partial = "naive" not in prof  # --profiles: the indexed profiles named, without the naive ones
    naive = opt if partial else prof["naive"]["mix"]
    L = []
    L.append(f"# Hotpath proof: what each practice is worth\n")
    L.append(f"{res['machine']['cores']} cores, {res['machine']['articles']:,} articles (generated, Zipf-skewed); "
             f"load generator io.hotpath.bench.LoadGen (HdrHistogram), wrk for single endpoints and, for the ratios to the ceilings, the mix and the okami scenarios too (bench/wrk/mix.lua, lists.lua, read.lua); "
             f"{res['settings']['repeat']} runs of {res['settings']['duration']:.0f} s per cell after a steady-state warm-up "
             f"({res['settings'].get('window', 5):.0f} s windows until three in a row are within 5%, at most "
             f"{res['settings'].get('max_warmup', 120):.0f} s; each cell's warm-up is in the ablation table), medians "
             f"(min-max in results.csv). Everything below comes from one run of `bench/proof.sh`.\n")
    if partial:
        L.append(f"**A partial run** (`--profiles {res['settings'].get('profiles', '')}`): only these profiles, no naive baseline; "
                 f"the \"vs naive\" column is relative to optimized.\n")
    if not partial:
        L.append("## Headline: naive vs optimized, RealWorld mix (90/10 read/write, 64 connections)\n")
        L.append("| | naive | optimized | factor |\n|---|---|---|---|")
        L.append(f"| throughput (req/s) | {fmt(naive['rps'])} | {fmt(opt['rps'])} | {opt['rps'] / max(naive['rps'], 1e-9):,.1f}x |")
        L.append(f"| average (ms) | {fmt(naive['avg_ms'])} | {fmt(opt['avg_ms'])} | {naive['avg_ms'] / max(opt['avg_ms'], 1e-9):,.1f}x lower |")
        L.append(f"| p95 (ms) | {fmt(naive['p95_ms'])} | {fmt(opt['p95_ms'])} | {naive['p95_ms'] / max(opt['p95_ms'], 1e-9):,.1f}x lower |")
        L.append(f"| p99 (ms) | {fmt(naive['p99_ms'])} | {fmt(opt['p99_ms'])} | {naive['p99_ms'] / max(opt['p99_ms'], 1e-9):,.1f}x lower |")
        L.append(f"| statements / request | {fmt(naive['statements_per_request'], 2)} | {fmt(opt['statements_per_request'], 2)} | |")
        L.append(f"| bytes on the wire / response | {fmt(naive['bytes_per_request'], 0)} | {fmt(opt['bytes_per_request'], 0)} | |")
        L.append(f"| server CPU ms / request | {fmt(naive['server_cpu_ms_per_request'], 3)} | {fmt(opt['server_cpu_ms_per_request'], 3)} | |")
        L.append(f"| PostgreSQL CPU ms / request | {fmt(naive['db_cpu_ms_per_request'], 3)} | {fmt(opt['db_cpu_ms_per_request'], 3)} | |")
        if not partial and "open" in prof["naive"] and "open" in prof["optimized"]:
            no, oo = prof["naive"]["open"], prof["optimized"]["open"]
            L.append(f"\nAt the same fixed arrival rate ({res['open_rate']} req/s, 80% of naive's closed-model throughput; "
                     f"open model, latency from each request's scheduled time): naive p50 {fmt(no['p50_ms'])} / p95 {fmt(no['p95_ms'])} / "
                     f"p99 {fmt(no['p99_ms'])} ms; optimized p50 {fmt(oo['p50_ms'])} / p95 {fmt(oo['p95_ms'])} / p99 {fmt(oo['p99_ms'])} ms.\n")
    L.append("![throughput](throughput.svg)\n\n![p95](p95.svg)\n")
    L.append("## Ablations: one practice at a time\n")
    L.append("| profile | req/s | vs naive | avg ms | p50 | p95 | p99 | stmts/req | bytes/resp | server CPU ms/req | PG CPU ms/req | errors | warm-up |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in order:
        r = prof[n]["mix"]
        L.append(f"| {n} | {fmt(r['rps'])} | {r['rps'] / max(naive['rps'], 1e-9):,.1f}x | {fmt(r['avg_ms'])} | {fmt(r['p50_ms'])} | "
                 f"{fmt(r['p95_ms'])} | {fmt(r['p99_ms'])} | {fmt(r['statements_per_request'], 2)} | {fmt(r['bytes_per_request'], 0)} | "
                 f"{fmt(r['server_cpu_ms_per_request'], 3)} | {fmt(r['db_cpu_ms_per_request'], 3)} | {r['errors']} | {warmup(r)} |")
    if "optimized - compression" in prof:
        on, off = opt, prof["optimized - compression"]["mix"]
        L.append(f"\nCompression at steady state: the optimized mix with compression serves **{100 * on['rps'] / max(off['rps'], 1e-9):.0f}%** "
                 f"of its throughput without (target >= 90%), at {fmt(on['bytes_per_request'], 0)} vs {fmt(off['bytes_per_request'], 0)} "
                 f"bytes per response and {fmt(on['server_cpu_ms_per_request'], 3)} vs {fmt(off['server_cpu_ms_per_request'], 3)} ms of server CPU per request.")
    cp = res.get("compression_paired")
    if cp:
        on, off = cp["on"], cp["off"]
        L.append(f"\nCompression, **paired** (the wrk mix against two servers up at once on the same data, one with "
                 f"`COMPRESSION=off`, each warmed by the steady-state rule, then measured alternately off, on, off, on, ...; "
                 f"each on-run divided by the off-run just before it): compression on serves **{100 * cp['ratio']:.0f}%** of "
                 f"its throughput without (target >= 90%; runs {', '.join(f'{100 * x:.0f}%' for x in cp['ratios'])}), "
                 f"{fmt(on['rps'])} vs {fmt(off['rps'])} req/s, {fmt(on.get('bytes_per_request', 0), 0)} vs "
                 f"{fmt(off.get('bytes_per_request', 0), 0)} bytes per response (headers included), "
                 f"{fmt(on.get('server_cpu_ms_per_request', 0), 3)} vs {fmt(off.get('server_cpu_ms_per_request', 0), 3)} ms "
                 f"of server CPU per request, p99 {fmt(on['p99_ms'])} vs {fmt(off['p99_ms'])} ms. The profile rows above "
                 f"were measured minutes apart on a shared machine; this pairing is the comparison to read.")
    flames = [(n, p["flame_graph"]) for n, p in prof.items() if p.get("flame_graph", {}).get("file")]
    if flames:
        L.append("\nCPU flame graphs of the server under each profile's mix (8 s, async-profiler through "
                 "`GET /api/admin/profile`): " + ", ".join(f"[{n}]({f['file']})" for n, f in flames) + ".")
    notes = [(n, p["note"]) for n, p in prof.items() if p.get("note")]
    if notes:
        L.append("")
        for n, t in notes:
            L.append(f"- *{n}*: {t}.")
    L.append("\n## Physical limits\n")
    L.append("| endpoint | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req |\n|---|---|---|---|---|---|")
    for k, v in ce.items():
        L.append(f"| {k} | {fmt(v['rps'])} | {fmt(v.get('p50_ms', 0), 2)} | {fmt(v.get('p99_ms', 0), 2)} | "
                 f"{fmt(v.get('server_cpu_ms_per_request', 0), 3)} | {fmt(v.get('db_cpu_ms_per_request', 0), 3)} |")
    t = ce.get("trivial (HTTP ceiling)", {}).get("rps")
    c = ce.get("article, cached", {}).get("rps")
    u = ce.get("article, uncached", {}).get("rps")
    pg = ce.get("pgbench -S (8 clients)", {}).get("rps")
    L.append("")
    if t and c:
        L.append(f"- cached single article = **{100 * c / t:.0f}%** of the HTTP ceiling (target >= 50%)")
    if u and pg:
        uc, pc = ce["article, uncached"], ce["pgbench -S (8 clients)"]
        ur = uc.get("ratio", u / pg)
        how = (f" (paired: each run divided by the `pgbench -S` run just before it, median of "
               f"{', '.join(f'{100 * x:.0f}%' for x in uc['ratios'])})" if "ratios" in uc else "")
        L.append(f"- uncached single article = **{100 * ur:.0f}%** of `pgbench -S` with the same 8 connections (target >= 50%){how}")
        if ur < 0.5:
            L.append(f"  - missed by {50 - 100 * ur:.0f} points. Why, from the CPU counters of this run: on 2 shared cores the "
                     f"uncached article costs {uc.get('db_cpu_ms_per_request', 0):.3f} ms of PostgreSQL CPU (one statement: article "
                     f"by slug + author join + tag array + flags) against {pc.get('db_cpu_ms_per_request', 0):.3f} ms for pgbench's "
                     f"one-row primary-key select, plus {uc.get('server_cpu_ms_per_request', 0):.3f} ms in the JVM (HTTP, JSON, ETag, "
                     f"metrics) and wrk's own share. The ceiling compares one-row lookups with a four-table view; a JFR profile of "
                     f"the JVM side is flat (Vert.x/Netty dispatch, cross-event-loop wake-ups for pooled connections), with no "
                     f"single hotspot to remove. The cache exists for exactly this path (cached: see above).")
    own = ce.get("article, uncached (paired with its statement)")
    st = ce.get("pgbench, the article's statement (8 clients)")
    if own and st and pg:
        L.append(f"- how much of that gap is the statement itself: `pgbench` running the article's own statement (its text as "
                 f"PostgreSQL recorded it during the uncached runs, prepared, anonymous, the same slugs and skew, 8 clients) "
                 f"reaches {fmt(st['rps'])} tx/s at {st.get('db_cpu_ms_per_request', 0):.3f} ms of PostgreSQL CPU each, "
                 f"**{100 * st['rps'] / pg:.0f}%** of `pgbench -S`; the uncached article serves **{100 * own['ratio']:.0f}%** of "
                 f"that (paired, runs {', '.join(f'{100 * x:.0f}%' for x in own['ratios'])}). PostgreSQL alone, with nothing "
                 f"but this statement to run, stops at {100 * st['rps'] / pg:.0f}% of `pgbench -S`; 50% of `pgbench -S` would "
                 f"need Hotpath to serve {5000 / max(1e-9, 100 * st['rps'] / pg):.0f}% of its own statement's ceiling, with HTTP, "
                 f"JSON and a client round trip per request on the same 2 cores as PostgreSQL and wrk (the trivial endpoint "
                 f"alone costs {fmt(ce.get('trivial (HTTP ceiling)', {}).get('server_cpu_ms_per_request', 0), 3)} ms of server "
                 f"CPU per request).")
    wk = res.get("wrk", {})
    if t and wk:
        m = wk["mix"]
        L.append(f"- the RealWorld mix (optimized, compression on), driven by wrk = **{100 * m.get('ratio', m['rps'] / t):.1f}%** of the HTTP "
                 f"ceiling (target >= 8% with p99 <= 50 ms): {fmt(m['rps'])} req/s, p50 {fmt(m['p50_ms'])}, p95 {fmt(m['p95_ms'])}, "
                 f"**p99 {fmt(m['p99_ms'])} ms**, {fmt(m.get('statements_per_request', 0), 2)} statements/req, server CPU "
                 f"{fmt(m.get('server_cpu_ms_per_request', 0), 3)} + PostgreSQL CPU {fmt(m.get('db_cpu_ms_per_request', 0), 3)} ms/req, "
                 f"{m['errors']:.0f} errors; job queue after each run: "
                 + ", ".join(f"{r.get('jobs_queued', 0):.0f} queued (oldest {r.get('jobs_oldest_age_s', 0):.0f} s)" for r in m.get("runs", [])))
        for k, goal in (("okami 1: page through lists", 30), ("okami 2: article + comments + profile", 50)):
            w = wk.get(k)
            if w:
                L.append(f"- {k}, driven by wrk = **{100 * w.get('ratio', w['rps'] / t):.0f}%** of the HTTP ceiling (target >= {goal}%; "
                         f"{fmt(w['rps'])} req/s, p99 {fmt(w['p99_ms'])} ms, 32 connections, server CPU "
                         f"{fmt(w.get('server_cpu_ms_per_request', 0), 3)} ms/req, {fmt(w.get('statements_per_request', 0), 2)} statements/req)")
        L.append("  (these three are driven by wrk, a C client, like the ceiling they are compared with; warm-up by the same "
                 "steady-state rule: " + ", ".join(f"{k.split(':')[0]} {warmup(v)}" for k, v in wk.items()) + ")")
        if all("ratios" in v for v in wk.values()):
            L.append("  (each ratio is paired: every measured run of the workload is divided by a trivial-endpoint run made just "
                     "before it, and the median of the three ratios is given, so the shared machine's slow and fast minutes fall "
                     "on both sides; per run: " + "; ".join(
                         f"{k.split(':')[0]} " + ", ".join(f"{100 * x:.1f}%" for x in v["ratios"])
                         + f" of {fmt(v['paired_ceiling']['rps'], 0)} req/s (median trivial)" for k, v in wk.items()) + ")")
    mix_ratio = opt["rps"] / t if t else 0
    if t:
        L.append(f"- with LoadGen (a JVM client that takes about one of the two cores itself, so these understate the server): "
                 f"the mix = {100 * mix_ratio:.1f}% of the HTTP ceiling (p99 {fmt(opt['p99_ms'])} ms)"
                 + "".join(f"; {k.split(':')[0]} = {100 * res['workloads'][k]['rps'] / t:.0f}% ({fmt(res['workloads'][k]['rps'])} req/s)"
                           for k in ("okami 1: page through lists", "okami 2: article + comments + profile")
                           if "rps" in res["workloads"].get(k, {})))
    L.append("\n![ceilings](ceilings.svg)\n")
    L.append("## Other workloads (optimized)\n")
    L.append("| workload | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|")
    for k, v in res["workloads"].items():
        if "rps" in v:
            L.append(f"| {k} | {fmt(v['rps'])} | {fmt(v['p50_ms'])} | {fmt(v['p95_ms'])} | {fmt(v['p99_ms'])} | {v['errors']} |")
    if not partial and "browse" in prof["naive"]:
        b = prof["naive"]["browse"]
        L.append(f"| browse (8 sessions), naive | {fmt(b['rps'])} | {fmt(b['p50_ms'])} | {fmt(b['p95_ms'])} | {fmt(b['p99_ms'])} | {b['errors']} |")
    if "export" in res["workloads"]:
        L.append("\nExport of every article (streamed NDJSON), heap sampled every 200 ms:\n\n```\n" + res["workloads"]["export"]["text"] + "\n```\n")
    L.append("## Memory under load (optimized, end of the mix runs)\n")
    L.append(f"RSS {fmt(opt['rss_mb'], 0)} MB, heap used {fmt(opt['heap_mb'], 0)} MB (server/jvm.options: a fixed 1 GB heap)."
             + ("" if partial else f" Naive: RSS {fmt(naive['rss_mb'], 0)} MB.") + "\n")
    if not partial:
        L.append(f"Index rebuild after the no-index profiles: {res.get('index_rebuild_seconds', 0):.0f} s.\n")
    (out / "report.md").write_text("\n".join(L) + "\n")


if __name__ == "__main__":
    d = Path(sys.argv[1])
    write(json.loads((d / "results.json").read_text()), d)
    print(d / "report.md")
