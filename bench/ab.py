#!/usr/bin/env python3
"""Two settings of the server compared on this shared, noisy machine: both servers up at once on
the same generated data (the proof's embedded PostgreSQL), each warmed up until its throughput stops
climbing, then measured alternately A B B A A B B A ... with wrk, so the machine's slow and fast
minutes fall on both sides. Prints one row per run (throughput, p50/p99, server CPU and statements
per request, bytes per response, GC pause time per second of run) and the medians; with --routes
also where each route's server-side time lies.

  bench/ab.py --b-env DB_POOL_SIZE=32                       # A = the defaults
  bench/ab.py --a-java "-Xmx1g -XX:+UseG1GC" --b-java "-Xmx1g -XX:+UseZGC" --rounds 3
  bench/ab.py --b-jar /tmp/old/hotpath-bench.jar             # this build against an older one

The data is bench/data-1000000 (bench/proof.sh 1000000 makes it; ./hotpath gen --articles N also).
"""
import argparse, json, re, shlex, statistics, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import proof  # noqa: E402

A_PORT, B_PORT = 8091, 8092


def env_pairs(items):
    out = {}
    for kv in items:
        k, _, v = kv.partition("=")
        out[k] = v
    return out


def gc_counters(port):
    """Seconds of stop-the-world GC pauses, pauses, and bytes allocated so far (Micrometer's JVM
    metrics)."""
    m = proof.metrics(port)
    return (proof.msum(m, "jvm_gc_pause_seconds_sum"), proof.msum(m, "jvm_gc_pause_seconds_count"),
            proof.msum(m, "jvm_gc_memory_allocated_bytes_total"))


def route_buckets(port):
    """Per route, the server's response-time histogram: {route: {le: count}}."""
    out = {}
    for k, v in proof.metrics(port).items():
        if not k.startswith("vertx_http_server_response_time_seconds_bucket"):
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', k))
        route = labels.get("method", "?") + " " + labels.get("route", "?")
        le = float("inf") if labels["le"] == "+Inf" else float(labels["le"])
        out.setdefault(route, {})
        out[route][le] = out[route].get(le, 0) + v
    return out


def route_summary(before, after, total):
    """Each route's share of requests and its server-side p50/p99 bounds over one run, slowest
    p99 first; total is the run's request count."""
    rows = []
    for route, b in after.items():
        d = {le: n - before.get(route, {}).get(le, 0) for le, n in b.items()}
        les = sorted(d)
        n = d[les[-1]]
        if n <= 0:
            continue

        def q(p):
            return next(le for le in les if d[le] >= p * n) * 1000

        over50 = n - max((d[le] for le in les if le <= 0.05), default=0)
        rows.append((q(0.99), f"  {route:40s} n={int(n):6d} p50<={q(0.5):.1f} p99<={q(0.99):.1f} ms"
                              f" >50ms={int(over50)} ({100 * over50 / max(total, 1):.2f}% of all)"))
    return [r for _, r in sorted(rows, reverse=True)]


def run(args, server, port, name, out):
    g0 = gc_counters(port)
    b0 = route_buckets(port) if args.routes else None
    r = proof.wrk_cell(args, args.script, args.connections, args.env_wrk, server, port)
    g1 = gc_counters(port)
    r["gc_ms_per_s"] = (g1[0] - g0[0]) * 1000 / args.duration
    r["gc_pauses"] = g1[1] - g0[1]
    r["alloc_kb_per_request"] = (g1[2] - g0[2]) / 1024 / max(r["requests"], 1)
    line = (f"{name} rps={r['rps']:.0f} p50={r['p50_ms']:.1f} p99={r['p99_ms']:.1f} max={r['max_ms']:.0f}"
            f" cpu={r['server_cpu_ms_per_request']:.3f} db={r['db_cpu_ms_per_request']:.3f} st={r['statements_per_request']:.2f}"
            f" bytes={r.get('bytes_per_request', 0):.0f} gc={r['gc_ms_per_s']:.1f}ms/s ({r['gc_pauses']:.0f} pauses)"
            f" alloc={r['alloc_kb_per_request']:.1f}KB/req errors={r['errors']:.0f}")
    print(line, flush=True)
    out.write(line + "\n")
    if args.routes:
        for row in route_summary(b0, route_buckets(port), r["requests"]):
            print(row, flush=True)
            out.write(row + "\n")
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(proof.ROOT / "bench" / "data-1000000"))
    ap.add_argument("--a-env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--b-env", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--a-java", default=" ".join(proof.JAVA_OPTS))
    ap.add_argument("--b-java", default=" ".join(proof.JAVA_OPTS))
    ap.add_argument("--a-jar", default=str(proof.JAR))
    ap.add_argument("--b-jar", default=str(proof.JAR))
    ap.add_argument("--script", default="mix.lua", help="a bench/wrk script")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=2, help="each round is A B B A: 2 rounds = 4 runs each")
    ap.add_argument("--window", type=float, default=5)
    ap.add_argument("--min-warmup", type=float, default=90,
                    help="seconds of load before the steady-state rule applies: the caches of 1M articles"
                         " fill for minutes, and a server measured earlier than its pair is measured colder")
    ap.add_argument("--max-warmup", type=float, default=240)
    ap.add_argument("--routes", action="store_true", help="per-route server-side times of every run")
    ap.add_argument("--label", default="", help="what A and B are, for the output file")
    ap.add_argument("--out", default="", help="the output file (default bench/results/ab-<time>.txt)")
    args = ap.parse_args()
    results = proof.ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = Path(args.out) if args.out else results / ("ab-" + time.strftime("%Y%m%d-%H%M%S") + ".txt")
    logs = results / "ab-logs"
    logs.mkdir(exist_ok=True)
    holder, dburl = proof.start_holder(args, logs / "holder.log")
    proof.prepare_inputs(f"http://127.0.0.1:{proof.HOLDER_PORT}", logs / "inputs")
    args.env_wrk = proof.wrk_env(logs / "inputs")
    common = {"DATABASE_URL": dburl}
    servers = {}
    with open(path, "w") as out:
        out.write(f"{args.label}\nA = {args.a_env} {args.a_java} {args.a_jar}\nB = {args.b_env} {args.b_java} {args.b_jar}\n"
                  f"{args.script}, {args.connections} connections, {args.duration:.0f} s runs, A B B A x {args.rounds}\n")
        try:
            for name, port, env, java, jar in (("A", A_PORT, args.a_env, args.a_java, args.a_jar),
                                               ("B", B_PORT, args.b_env, args.b_java, args.b_jar)):
                proof.JAR = Path(jar)
                servers[name] = proof.start_server(port, {**common, **env_pairs(env)}, logs / f"server-{name}.log",
                                                   shlex.split(java))
            proof.JAR = Path(args.a_jar)
            for name, port in (("A", A_PORT), ("B", B_PORT)):
                proof.wrk(proof.dict_args(args, duration=args.min_warmup), args.script, args.connections,
                          args.env_wrk, port)
                warm = proof.wrk_warmup(args, args.script, args.connections, args.env_wrk, "steady", port)
                out.write(f"warm {name} {json.dumps(warm)}\n")
                print(f"warm {name}", warm, flush=True)
            runs = {"A": [], "B": []}
            for _ in range(args.rounds):
                for name in ("A", "B", "B", "A"):
                    runs[name].append(run(args, servers[name], A_PORT if name == "A" else B_PORT, name, out))
            for name in ("A", "B"):
                rs = runs[name]
                line = (f"{name} median rps {statistics.median(r['rps'] for r in rs):.0f}"
                        f" p50 {statistics.median(r['p50_ms'] for r in rs):.1f}"
                        f" p99 {statistics.median(r['p99_ms'] for r in rs):.1f}"
                        f" cpu {statistics.median(r['server_cpu_ms_per_request'] for r in rs):.3f}"
                        f" gc {statistics.median(r['gc_ms_per_s'] for r in rs):.1f} ms/s"
                        f" alloc {statistics.median(r['alloc_kb_per_request'] for r in rs):.1f} KB/req")
                print(line)
                out.write(line + "\n")
            ratios = [round(b["rps"] / a["rps"], 3) for a, b in zip(runs["A"], runs["B"])]
            out.write(f"ratios B/A rps {ratios}\n")
            print("ratios B/A rps", ratios, "->", path)
        finally:
            for s in servers.values():
                proof.stop_server(s)
            proof.stop_server(holder)


if __name__ == "__main__":
    main()
