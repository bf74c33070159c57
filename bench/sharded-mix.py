#!/usr/bin/env python3
"""The RealWorld mix on a sharded cluster, and where its work lands (docs/sharding.md "Capacity").

Brings up `scripts/cluster.sh up --shards 2` (a directory, two shards, three instances behind
nginx), seeds it through the API (users user1..userN with password "password", articles with tags,
follows), then runs bench's LoadGen mix against nginx, once with Zipf popularity (the benchmark's
mix) and once with every article equally popular (a uniform key), and reads from each shard what
that run cost it: rows inserted/updated/deleted (pg_stat_user_tables over its partitions),
statements (pg_stat_statements) and transactions (pg_stat_database), and the rows it holds.

Usage: bench/sharded-mix.py [--shards 2] [--users 100] [--articles 2000] [--duration 20] [--connections 32]
(--shards 0: the same cluster, seed and mix on one database: the baseline). Writes
bench/results/sharded-mix-<shards>.json and prints a table. Needs ./hotpath build first.
"""
import argparse, json, os, pathlib, subprocess, sys, time, urllib.request, urllib.error, concurrent.futures

ROOT = pathlib.Path(__file__).resolve().parent.parent
ENV = dict(os.environ, CLUSTER_DIR=os.environ.get("CLUSTER_DIR", "/tmp/hotpath-shard-bench"),
           CLUSTER_PORT=os.environ.get("CLUSTER_PORT", "28190"),
           CLUSTER_PG_PORT=os.environ.get("CLUSTER_PG_PORT", "35532"),
           CLUSTER_REDIS_PORT=os.environ.get("CLUSTER_REDIS_PORT", "36479"),
           # one client machine sends everything: no per-client limits in the way
           RATE_LIMIT_PER_SECOND="100000", RATE_LIMIT_AUTH_PER_MINUTE="1000000")
BASE = f"http://127.0.0.1:{ENV['CLUSTER_PORT']}"
PG = int(ENV["CLUSTER_PG_PORT"])


def cluster(*args):
    subprocess.run([str(ROOT / "scripts/cluster.sh"), *args], env=ENV, check=True, stdout=subprocess.DEVNULL)


def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Token " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"{}")


def psql(port, sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "hotpath", "-AtF,", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split(",") for line in out.strip().splitlines() if line]


def seed(args):
    tags = [f"tag{i}" for i in range(20)]

    def user(u):
        name = f"user{u}"
        t = call("POST", "/api/users", {"user": {"username": name, "email": f"{name}@example.com", "password": "password"}})["user"]["token"]
        for a in range(args.articles // args.users):
            call("POST", "/api/articles", {"article": {"title": f"Seed {u} {a}", "description": "d", "body": "A body of **markdown**.",
                                                       "tagList": [tags[(u + a) % len(tags)], tags[(u * 7 + a) % len(tags)]]}}, t)
        return t

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(user, range(1, args.users + 1)))
    for u in range(1, args.users + 1):
        for k in range(1, 6):
            call("POST", f"/api/profiles/user{(u + k * 13) % args.users + 1}/follow", token=tokens[u - 1])
    inputs = ROOT / "bench/target/sharded-inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    slugs, authors = [], []
    for off in range(0, args.articles, 100):
        for a in call("GET", f"/api/articles?limit=100&offset={off}")["articles"]:
            slugs.append(a["slug"]); authors.append(a["author"]["username"])
    (inputs / "slugs.txt").write_text("\n".join(slugs) + "\n")
    (inputs / "authors.txt").write_text("\n".join(authors) + "\n")
    (inputs / "tokens.txt").write_text("\n".join(tokens[:50]) + "\n")
    (inputs / "tags.txt").write_text("\n".join(tags) + "\n")
    (inputs / "users.txt").write_text(str(args.users))
    return inputs


def shard_ports(n):
    return [PG + 10 + i for i in range(1, n + 1)]


def reset(ports):
    for p in ports:
        psql(p, "SELECT pg_stat_reset(), pg_stat_statements_reset()")


def snapshot(port):
    t = psql(port, "SELECT coalesce(sum(n_tup_ins),0), coalesce(sum(n_tup_upd),0), coalesce(sum(n_tup_del),0),"
                   " coalesce(sum(n_live_tup),0) FROM pg_stat_user_tables WHERE relname ~ '_p[0-9]+$'")[0]
    stmts = psql(port, "SELECT coalesce(sum(calls),0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                       " WHERE d.datname = 'hotpath' AND query !~* '^(BEGIN|COMMIT|ROLLBACK|START|SET|FETCH|CLOSE|DEALLOCATE|SAVEPOINT|RELEASE|SELECT pg_stat)'")[0][0]
    xacts = psql(port, "SELECT xact_commit FROM pg_stat_database WHERE datname = 'hotpath'")[0][0]
    counts = psql(port, "SELECT relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', relname), false, true, '')))[1]::text"
                        " FROM pg_stat_user_tables WHERE relname ~ '_p[0-9]+$'")
    rows = sum(int(n) for _, n in counts)
    articles = sum(int(n) for r, n in counts if r.startswith("articles_p"))
    return {"inserted": int(t[0]), "updated": int(t[1]), "deleted": int(t[2]), "written": int(t[0]) + int(t[1]) + int(t[2]),
            "statements": int(stmts), "transactions": int(xacts), "live_rows": rows, "articles": articles}


def run(args, inputs, zipf, label):
    ports = [PG] + shard_ports(args.shards)
    reset(ports)
    out = ROOT / f"bench/target/sharded-mix-{label}.json"
    subprocess.run(["java", "-cp", str(ROOT / "bench/target/hotpath-bench.jar"), "io.hotpath.bench.LoadGen", "--url", BASE,
                    "--scenario", "mix", "--mode", "closed", "--connections", str(args.connections), "--duration", str(args.duration),
                    "--warmup", "5", "--inputs", str(inputs), "--zipf", str(zipf), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, JAVA_HOME=ENV.get("JAVA_HOME", "")))
    time.sleep(1)  # statistics are sent to the cumulative views when a backend goes idle
    load = json.loads(out.read_text())
    per = {"directory" if args.shards else "database": snapshot(PG)}
    for i, p in enumerate(shard_ports(args.shards), 1):
        per[f"shard {i}"] = snapshot(p)
    requests = load["rps"] * args.duration
    return {"popularity": label, "rps": load["rps"], "p50_ms": load["p50_ms"], "p99_ms": load["p99_ms"],
            "requests_measured": round(requests), "per_server": per}


def spread(a, b):
    return 0 if a + b == 0 else abs(a - b) / ((a + b) / 2) * 100


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=100)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--shards", type=int, default=2, help="0: the same cluster on one database (the baseline)")
    ap.add_argument("--popularity", choices=("both", "zipf", "uniform"), default="both")
    ap.add_argument("--keep", action="store_true", help="leave the cluster up")
    args = ap.parse_args()
    java = subprocess.run([str(ROOT / "hotpath"), "java"], capture_output=True, text=True, check=True).stdout.strip()
    ENV["JAVA_HOME"] = java
    os.environ["PATH"] = java + "/bin:" + os.environ["PATH"]
    cluster("down")
    cluster("up", "--shards", str(args.shards))
    try:
        inputs = seed(args)
        results = [run(args, inputs, z, label) for z, label in ((1.0, "zipf"), (0.0, "uniform"))
                   if args.popularity in (label, "both")]
    finally:
        if not args.keep:
            cluster("down")
    for r in results if args.shards == 2 else []:
        s1, s2 = r["per_server"]["shard 1"], r["per_server"]["shard 2"]
        d = r["per_server"]["directory"]
        r["split_percent_from_even"] = {k: round(spread(s1[k], s2[k]), 1) for k in ("written", "statements", "transactions", "articles", "live_rows")}
        n = max(1, r["requests_measured"])
        r["remote_statements_per_request"] = round((s1["statements"] + s2["statements"]) / n, 2)
        r["directory_statements_per_request"] = round(d["statements"] / n, 2)
    path = ROOT / f"bench/results/sharded-mix-{args.shards}.json"
    path.write_text(json.dumps({"args": vars(args), "runs": results}, indent=2) + "\n")
    for r in results:
        print(f"== {r['popularity']}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")
        print(f"{'':10} {'written':>9} {'stmts':>9} {'xacts':>8} {'articles':>9} {'rows':>8}")
        for name, v in r["per_server"].items():
            print(f"{name:10} {v['written']:>9} {v['statements']:>9} {v['transactions']:>8} {v['articles']:>9} {v['live_rows']:>8}")
        if "split_percent_from_even" in r:
            print(f"split from even, %: {r['split_percent_from_even']}")
            print(f"statements per request: directory {r['directory_statements_per_request']}, shards {r['remote_statements_per_request']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
