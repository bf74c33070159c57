#!/usr/bin/env python3
"""The proof: what each practice is worth, measured on this machine in one run.

bench/proof.sh calls this. It starts the embedded PostgreSQL holding the
generated data once (a "holder" Hotpath on its own port), then, for each profile of the ablation
matrix, a fresh Hotpath on the same data with that profile's settings, drives it with the load
generator (io.hotpath.bench.LoadGen: closed model at fixed concurrency, open model at a fixed rate)
and wrk (single-endpoint ceilings), and samples the server's own counters (statements, CPU, RSS,
heap). Writes results.json, results.csv, report.md and SVG charts into bench/results/<stamp>/.

Profiles: naive = naive read paths (N+1, sequential), a connection per request, no secondary
indexes, no cache, no compression. optimized = the defaults. Ablations turn one practice on from
naive and one off from optimized.
"""
import argparse, csv, json, os, re, signal, statistics, subprocess, sys, time, urllib.error, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JAR = ROOT / "bench" / "target" / "hotpath-bench.jar"  # BenchServer: the product + naive switches
SECRET = "proof-" + "x" * 40
ADMIN = "proof-admin-" + "y" * 20  # for the flame graph of each profile (GET /api/admin/profile)
HOLDER_PORT, PORT = 8090, 8091
STARTED = []  # every server started, stopped at exit whatever happens


def _stop_all():
    for p in STARTED:
        if p.poll() is None:
            stop_server(p)


import atexit
atexit.register(_stop_all)

NAIVE = {"NAIVE": "on", "NAIVE_BATCH": "off", "NAIVE_PARALLEL": "off", "DB_POOL": "off",
         "CACHE": "off", "COMPRESSION": "off"}
OPT = {}
# name, settings, indexes present
PROFILES_NO_INDEX = [
    ("naive", NAIVE),
    ("naive + pool", {**NAIVE, "DB_POOL": "on"}),
    ("naive + batching", {**NAIVE, "NAIVE_BATCH": "on"}),
    ("naive + parallel", {**NAIVE, "NAIVE_PARALLEL": "on"}),
    ("naive + compression", {**NAIVE, "COMPRESSION": "on"}),
    ("naive + cache", {"DB_POOL": "off", "COMPRESSION": "off"}),
    ("optimized - indexes", OPT),
]
PROFILES_INDEXED = [
    ("naive + indexes", NAIVE),
    ("optimized", OPT),
    ("optimized - pool", {"DB_POOL": "off"}),
    ("optimized - cache", {"CACHE": "off"}),
    ("optimized - compression", {"COMPRESSION": "off"}),
    ("optimized - batching & parallel", {"NAIVE": "on", "CACHE": "off"}),
]
NOTES = {
    "naive + cache": "the cached read paths are the optimized ones, which also batch and fan out in parallel: cache cannot be added to N+1 code without rewriting it",
    "optimized - batching & parallel": "the naive read paths (N+1, sequential) with pool, indexes and compression; no cache, which would hide N+1",
    "optimized - cache": "CACHE=off: every read is one SQL statement building the whole view",
}


def log(*a):
    print("proof:", *a, file=sys.stderr, flush=True)


def java():
    return subprocess.check_output([str(ROOT / "hotpath"), "java"], text=True).strip() + "/bin/java"


def get(url, token=None, data=None, timeout=30):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Token " + token
    req = urllib.request.Request(url, data=data.encode() if data else None, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode()


def wait_up(port, proc, logf, secs=180):
    for _ in range(secs * 10):
        try:
            get(f"http://127.0.0.1:{port}/health/ready", timeout=2)
            return
        except (urllib.error.URLError, OSError):  # not listening or not ready yet
            if proc.poll() is not None:
                sys.exit(f"server on {port} exited; see {logf}")
            time.sleep(0.1)
    sys.exit(f"server on {port} did not come up; see {logf}")


# the JVM settings the product ships with (./hotpath run passes the same file)
JAVA_OPTS = ["@" + str(ROOT / "server" / "jvm.options")]


def start_server(port, env, logf, java_opts=None):
    e = dict(os.environ)
    e.update({"PORT": str(port), "JWT_SECRET": SECRET, "ADMIN_TOKEN": ADMIN, "RATE_LIMIT": "off", "SHUTDOWN_DRAIN_MS": "0",
              "HOTPATH_LOG_LEVEL": "WARN", "SLOW_QUERY_MS": "100000", "SLOW_REQUEST_MS": "100000"})
    e.update(env)
    f = open(logf, "w")
    p = subprocess.Popen([java(), *(JAVA_OPTS if java_opts is None else java_opts), "-jar", str(JAR)], env=e, stdout=f,
                         stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT)
    STARTED.append(p)
    wait_up(port, p, logf)
    return p


def stop_server(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(30)
    except subprocess.TimeoutExpired:
        print(f"proof: server {p.pid} did not stop within 30 s; killing it", file=sys.stderr)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(10)
    except ProcessLookupError:
        pass  # already gone


def metrics(port):
    text = get(f"http://127.0.0.1:{port}/metrics")
    out = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:]+)(\{[^}]*\})?\s+(\S+)$', line)
        if m:
            out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def msum(ms, prefix):
    return sum(v for k, v in ms.items() if k.startswith(prefix))


def cpu_seconds(pids):
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / tick
        except FileNotFoundError:
            pass  # the process ended between listing and reading: its CPU is no longer counted
    return total


def busy_seconds():
    """CPU seconds the whole machine has spent busy (/proc/stat), and those of this script's
    finished children (the load generators, wrk, pgbench)."""
    import resource
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    busy = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return busy, ru.ru_utime + ru.ru_stime


def postgres_cpu_seconds():
    """CPU of the PostgreSQL server: the machine's busy time minus the JVMs (servers) and this
    script's children (load generators). Per-process accounting misses the backends that exit
    during a run (a connection per request), and the postmaster's cutime does not collect them."""
    busy, children = busy_seconds()
    javas = [int(p) for p in os.popen("pgrep -f hotpath-bench.jar").read().split()]
    return busy - children - cpu_seconds(javas)


def postgres_pids_set():
    return set(postgres_pids())


def postgres_pids():
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if (d / "comm").read_text().strip() == "postgres":
                    pids.append(int(d.name))
            except FileNotFoundError:
                pass  # ended while listing
    return pids


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0


def loadgen(args, scenario, mode, duration, warmup, inputs, connections=64, rate=0, out=None):
    cmd = [java(), "-Xmx512m", "-cp", str(JAR), "io.hotpath.bench.LoadGen", "--url", f"http://127.0.0.1:{PORT}",
           "--scenario", scenario, "--mode", mode, "--connections", str(connections), "--rate", str(rate),
           "--duration", str(duration), "--warmup", str(warmup), "--inputs", str(inputs)]
    if out:
        cmd += ["--out", str(out)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + warmup + 120)
    line = [l for l in res.stdout.splitlines() if l.startswith("{")]
    if not line:
        sys.exit("loadgen failed: " + res.stderr[-2000:])
    return json.loads(line[-1])


def measured(args, server, scenario, mode, inputs, connections=64, rate=0):
    """One measured run with server-side counters taken around it."""
    m0, c0, p0 = metrics(PORT), cpu_seconds([server.pid]), postgres_cpu_seconds()
    r = loadgen(args, scenario, mode, args.duration, 0, inputs, connections, rate)
    m1, c1, p1 = metrics(PORT), cpu_seconds([server.pid]), postgres_cpu_seconds()
    n = max(1, r["requests"])
    r["statements_per_request"] = (msum(m1, "hotpath_db_statements_seconds_count") - msum(m0, "hotpath_db_statements_seconds_count")) / n
    r["server_cpu_ms_per_request"] = (c1 - c0) * 1000 / n
    r["db_cpu_ms_per_request"] = (p1 - p0) * 1000 / n
    r["rss_mb"] = rss_mb(server.pid)
    r["heap_mb"] = msum(m1, 'jvm_memory_used_bytes{area="heap"') / 1e6
    r.update(job_queue(m1))
    return r


def job_queue(m):
    """The job queue at the end of a run (the server samples it every 2 s): a mix whose writes queue
    jobs faster than they run would defer work and flatter its throughput."""
    return {"jobs_queued": m.get("hotpath_jobs_queued", 0), "jobs_oldest_age_s": m.get("hotpath_jobs_oldest_age_seconds", 0)}


def steady(args, scenario, mode, inputs, connections, rate):
    """Warm up until throughput stops climbing: 5 s windows until the last three are within 5% of
    each other (max - min <= 5% of their median), or --max-warmup seconds. Returns the windows'
    throughputs, the seconds spent and whether it settled."""
    windows, t0 = [], time.time()
    while True:
        r = loadgen(args, scenario, mode, args.window, 0, inputs, connections, rate)
        windows.append(round(r["rps"], 1))
        last = windows[-3:]
        if len(last) == 3 and max(last) - min(last) <= 0.05 * statistics.median(last):
            return {"windows_rps": windows, "seconds": round(time.time() - t0, 1), "settled": True}
        if time.time() - t0 >= args.max_warmup:
            return {"windows_rps": windows, "seconds": round(time.time() - t0, 1), "settled": False}


def repeat(args, server, scenario, mode, inputs, connections=64, rate=0):
    warm = steady(args, scenario, mode, inputs, connections, rate)
    runs = [measured(args, server, scenario, mode, inputs, connections, rate) for _ in range(args.repeat)]
    out = summarize(runs)
    out["warmup"] = warm
    log(f"    {scenario}/{mode}: warm-up {warm['seconds']:.0f} s ({'settled' if warm['settled'] else 'NOT settled'}: "
        f"{' -> '.join(f'{w:.0f}' for w in warm['windows_rps'])} req/s), then {out['rps']:.0f} req/s")
    return out


def flame_graph(args, scenario, inputs, connections, path, seconds=8):
    """A CPU flame graph of the server (async-profiler through GET /api/admin/profile) recorded while
    the load generator runs the scenario; written to path. Returns the profiler engine or an error."""
    import threading
    load = threading.Thread(target=loadgen, args=(args, scenario, "closed", seconds + 4, 0, inputs, connections))
    load.start()
    try:
        time.sleep(2)  # the load generator's JVM starting, so the profile sees load from its start
        req = urllib.request.Request(f"http://127.0.0.1:{PORT}/api/admin/profile?event=cpu&seconds={seconds}",
                                     headers={"X-Admin-Token": ADMIN})
        with urllib.request.urlopen(req, timeout=seconds + 60) as r:
            path.write_bytes(r.read())
            return r.headers.get("X-Profile-Engine", "?")
    except urllib.error.URLError as e:
        log("  flame graph failed:", e)
        return f"failed: {e}"
    finally:
        load.join()


def summarize(runs):
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    out = {"runs": runs}
    for k in keys:
        vals = [r[k] for r in runs]
        out[k] = statistics.median(vals)
        out[k + "_min"], out[k + "_max"] = min(vals), max(vals)
    out["errors"] = sum(r.get("errors", 0) for r in runs)
    return out


def wrk(args, script, connections, env, port=PORT):
    e = dict(os.environ, WRK_DIR=str(ROOT / "bench" / "wrk"), **env)
    res = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, int(args.duration))}s", "--timeout", "10s", "--latency",
                          "-s", str(ROOT / "bench" / "wrk" / script), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, env=e)
    line = [l for l in res.stdout.splitlines() if l.startswith("RESULT ")]
    if not line:
        sys.exit("wrk failed: " + res.stdout + res.stderr)
    kv = dict(x.split("=", 1) for x in line[-1].split()[1:])
    r = {k: float(v) for k, v in kv.items() if k != "name"}
    r["errors"] = r.get("socket_errors", 0) + r.get("non2xx", 0)
    if r.get("requests"):
        r["bytes_per_request"] = r.get("bytes", 0) / r["requests"]
    return r


def wrk_env(inputs):
    """What the wrk scripts read: the inputs prepare_inputs wrote."""
    return {"SLUGS": str(inputs / "slugs.txt"), "TOKENS": str(inputs / "tokens.txt"), "TAGS": str(inputs / "tags.txt"),
            "AUTHORS": str(inputs / "authors.txt"), "USERS": (inputs / "users.txt").read_text().strip()}


def wrk_warmup(args, script, connections, env, warmup=None, port=PORT):
    """Warms a wrk cell: args.warmup seconds, or with warmup="steady" 5 s windows until the last three
    are within 5% (at most --max-warmup seconds); returns the steady-state record or None."""
    if warmup != "steady":
        wrk(dict_args(args, duration=args.warmup), script, connections, env, port)
        return None
    windows, t0 = [], time.time()
    while True:
        windows.append(round(wrk(dict_args(args, duration=args.window), script, connections, env, port)["rps"], 1))
        last = windows[-3:]
        settled = len(last) == 3 and max(last) - min(last) <= 0.05 * statistics.median(last)
        if settled or time.time() - t0 >= args.max_warmup:
            return {"windows_rps": windows, "seconds": round(time.time() - t0, 1), "settled": settled}


def wrk_cell(args, script, connections, env, server=None, port=PORT):
    """One measured wrk run with the server's CPU, PostgreSQL's CPU and statements counted."""
    m0 = metrics(port) if server else {}
    c0, p0 = cpu_seconds([server.pid]) if server else 0, postgres_cpu_seconds()
    r = wrk(args, script, connections, env, port)
    c1, p1 = cpu_seconds([server.pid]) if server else 0, postgres_cpu_seconds()
    n = max(1, r.get("requests", 1))
    if server:
        m1 = metrics(port)
        r["server_cpu_ms_per_request"] = (c1 - c0) * 1000 / n
        r["statements_per_request"] = (msum(m1, "hotpath_db_statements_seconds_count") - msum(m0, "hotpath_db_statements_seconds_count")) / n
        r.update(job_queue(m1))
    r["db_cpu_ms_per_request"] = (p1 - p0) * 1000 / n
    return r


def wrk_repeat(args, script, connections, env, server=None, warmup=None):
    """A wrk cell: warm-up, then args.repeat measured runs (medians)."""
    warm = wrk_warmup(args, script, connections, env, warmup)
    out = summarize([wrk_cell(args, script, connections, env, server) for _ in range(args.repeat)])
    if warm:
        out["warmup"] = warm
    return out


def paired(args, name, ceiling, measure):
    """Ratios on a shared, noisy machine: the ceiling and the workload measured alternately
    (ceiling, workload, ceiling, workload, ...), each workload run divided by the ceiling run just
    before it, and the median of those ratios reported, so that the machine's slow and fast minutes
    fall on both sides of each ratio. Returns the workload's summary with "ratio", "ratios" and the
    ceiling's own summary under "paired_ceiling"."""
    ceilings, runs = [], []
    for _ in range(args.repeat):
        ceilings.append(ceiling())
        runs.append(measure())
    out = summarize(runs)
    out["ratios"] = [round(r["rps"] / max(c["rps"], 1e-9), 4) for c, r in zip(ceilings, runs)]
    out["ratio"] = statistics.median(out["ratios"])
    out["paired_ceiling"] = summarize(ceilings)
    log(f"    {name}: {out['rps']:.0f} req/s, ratio to its ceiling {100 * out['ratio']:.1f}% "
        f"(runs {', '.join(f'{100 * x:.1f}%' for x in out['ratios'])})")
    return out


def compression_paired(args, common, env_wrk, out):
    """Compression on against off at steady state, paired: both servers up at once on the same data
    (PORT with the defaults, PORT + 1 with COMPRESSION=off), each warmed with the wrk mix by the
    steady-state rule, then measured alternately (off, on, off, on, ...), each on-run divided by the
    off-run just before it. Profiles measured one after the other, minutes apart, gave 72% to 131%
    on this shared machine for the same code; alternating puts its slow and fast minutes on both
    sides of every ratio."""
    on = start_server(PORT, common, out / "server-paired-compression-on.log")
    off = start_server(PORT + 1, {**common, "COMPRESSION": "off"}, out / "server-paired-compression-off.log")
    try:
        warm_on = wrk_warmup(args, "mix.lua", args.connections, env_wrk, "steady", PORT)
        warm_off = wrk_warmup(args, "mix.lua", args.connections, env_wrk, "steady", PORT + 1)
        off_runs = []

        def off_run():
            off_runs.append(wrk_cell(args, "mix.lua", args.connections, env_wrk, off, PORT + 1))
            return off_runs[-1]
        r = paired(args, "mix, compression on / off", off_run,
                   lambda: wrk_cell(args, "mix.lua", args.connections, env_wrk, on, PORT))
        return {"on": r, "off": summarize(off_runs), "ratio": r["ratio"], "ratios": r["ratios"],
                "warmup_on": warm_on, "warmup_off": warm_off}
    finally:
        stop_server(on)
        stop_server(off)


def wrk_paired_with_trivial(args, script, connections, env, server):
    """A wrk workload at steady state, measured alternately with the trivial endpoint (paired)."""
    warm = wrk_warmup(args, script, connections, env, "steady")
    out = paired(args, script,
                 lambda: wrk_cell(args, "trivial.lua", args.connections, env, server),
                 lambda: wrk_cell(args, script, connections, env, server))
    out["warmup"] = warm
    return out


class dict_args:
    def __init__(self, base, **over):
        self.__dict__.update(vars(base) if hasattr(base, "__dict__") else base)
        self.__dict__.update(over)


def psql(url, sql):
    return subprocess.run(["psql", url, "-XAtq", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True).stdout


def pgbench_db(url):
    """Creates and fills (scale 10) the pgbench database beside the data; returns its URL."""
    admin = re.sub(r"/[^/?]+$", "/postgres", url)
    psql(admin, "DROP DATABASE IF EXISTS hotpath_pgbench")
    psql(admin, "CREATE DATABASE hotpath_pgbench")
    db = re.sub(r"/[^/?]+$", "/hotpath_pgbench", url)
    subprocess.run(["pgbench", "-q", "-i", "-s", "10", db], capture_output=True, check=True)
    return db


def pgbench_drop(url):
    psql(re.sub(r"/[^/?]+$", "/postgres", url), "DROP DATABASE IF EXISTS hotpath_pgbench")


def pgbench_run(args, db, clients):
    p0 = postgres_cpu_seconds()
    out = subprocess.run(["pgbench", "-S", "-n", "-c", str(clients), "-j", "2", "-T", str(int(args.duration)), db],
                         capture_output=True, text=True).stdout
    p1 = postgres_cpu_seconds()
    tps = float(re.search(r"^tps = ([\d.]+)", out, re.M).group(1))
    return {"rps": tps, "db_cpu_ms_per_request": (p1 - p0) * 1000 / max(1, tps * args.duration)}


ARTICLE_BY_SLUG_TAIL = "FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = $2"


def own_statement_script(url, slugs_file, path):
    """A pgbench script running the single-article statement exactly as Hotpath sent it during the
    uncached runs (its text from pg_stat_statements: article by slug, author join, tag array and the
    viewer's flags), anonymous ($1 NULL), over the same slugs as wrk's article.lua with the same skew
    (the i-th slug of the list with i = N * u^2). The slug comes out of an array constant of the
    list, subscripted per execution: a few microseconds PostgreSQL spends that Hotpath's statement
    does not, so this ceiling is, if anything, a little low. Returns the script's path, or None when
    the statement was not recorded."""
    psql(url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    text = psql(url, "SELECT query FROM pg_stat_statements WHERE query LIKE '%" + ARTICLE_BY_SLUG_TAIL
                + "' ORDER BY calls DESC LIMIT 1").strip()
    if not text:
        return None
    slugs = [l.strip() for l in Path(slugs_file).read_text().splitlines() if l.strip()]
    if not all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs):
        sys.exit("slugs.txt holds a slug that is not [a-z0-9-]")
    n = len(slugs)
    array = "('{" + ",".join(slugs) + "}'::text[])[:i]"
    # pg_stat_statements shows the statement's own constants as $3, $4, ...: here the 1 of each
    # EXISTS (SELECT 1 ...); any other would be a statement this script does not know
    sql = re.sub(r"SELECT \$\d+ FROM", "SELECT 1 FROM", re.sub(r"\s+", " ", text))
    if re.search(r"\$(?![12]\b)\d+", sql):
        sys.exit("the article statement has a constant this script cannot restore: " + sql)
    sql = sql.replace("$1", "NULL").replace("$2", array)
    Path(path).write_text(f"\\set r random(0, 999999)\n\\set i 1 + :r * :r * {n} / 1000000000000\n{sql};\n")
    return path


def pgbench_script_run(args, db, script, clients):
    """pgbench running a custom script with prepared statements (as Hotpath sends them)."""
    p0 = postgres_cpu_seconds()
    out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-f", str(script), "-c", str(clients), "-j", "2",
                          "-T", str(int(args.duration)), db], capture_output=True, text=True)
    p1 = postgres_cpu_seconds()
    m = re.search(r"^tps = ([\d.]+)", out.stdout, re.M)
    if not m:
        sys.exit("pgbench failed: " + out.stdout + out.stderr)
    tps = float(m.group(1))
    return {"rps": tps, "db_cpu_ms_per_request": (p1 - p0) * 1000 / max(1, tps * args.duration)}


def pgbench(args, url, clients):
    db = pgbench_db(url)
    try:
        return summarize([pgbench_run(args, db, clients) for _ in range(args.repeat)])
    finally:
        pgbench_drop(url)


def prepare_inputs(base, inputs):
    inputs.mkdir(parents=True, exist_ok=True)
    slugs, authors = [], []
    for off in range(0, 1000, 100):
        for a in json.loads(get(f"{base}/api/articles?limit=100&offset={off}"))["articles"]:
            slugs.append(a["slug"])
            authors.append(a["author"]["username"])
    (inputs / "slugs.txt").write_text("\n".join(slugs) + "\n")
    (inputs / "authors.txt").write_text("\n".join(authors) + "\n")
    tokens = []
    for u in range(1, 51):
        try:
            body = json.dumps({"user": {"email": f"user{u}@example.com", "password": "password"}})
            tokens.append(json.loads(get(f"{base}/api/users/login", data=body))["user"]["token"])
        except urllib.error.HTTPError as e:
            print(f"proof: login of user{u} failed ({e.code}); it gets no token", file=sys.stderr)
    (inputs / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (inputs / "tags.txt").write_text("\n".join(json.loads(get(f"{base}/api/tags"))["tags"]) + "\n")
    users = 10
    for n in (1000000, 100000, 10000, 1000, 100):
        try:
            get(f"{base}/api/profiles/user{n}")
            users = n
            break
        except urllib.error.HTTPError as e:
            if e.code != 404:
                raise
    (inputs / "users.txt").write_text(str(users))
    if not slugs or not tokens:
        sys.exit("no generated data: run ./hotpath gen first (users userN / password)")
    return len(slugs), len(tokens), users


def export_heap(base):
    out = subprocess.run([str(ROOT / "bench" / "export-heap.sh"), base], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"proof: bench/export-heap.sh failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout.strip()


def start_holder(args, logf):
    """The Hotpath that starts the embedded PostgreSQL holding the data; returns it and the URL."""
    holder = start_server(HOLDER_PORT, {"DATA_DIR": args.data, "JOBS": "off", "CACHE": "off", "HOTPATH_LOG_LEVEL": "INFO"}, logf)
    pgport = re.search(r"embedded PostgreSQL on port (\d+)", logf.read_text())
    if not pgport:
        sys.exit("holder did not start the embedded PostgreSQL (DATABASE_URL set?)")
    return holder, f"postgresql://postgres@localhost:{pgport.group(1)}/postgres"


def add_compression_pairing(args, out):
    """The paired compression comparison alone, added to an earlier run's results (its inputs)."""
    results = json.loads((out / "results.json").read_text())
    holder, dburl = start_holder(args, out / "holder-pairing.log")
    inputs = out / "inputs"
    prepare_inputs(f"http://127.0.0.1:{HOLDER_PORT}", inputs)  # fresh tokens
    env_wrk = wrk_env(inputs)
    try:
        results["compression_paired"] = compression_paired(args, {"DATABASE_URL": dburl}, env_wrk, out)
    finally:
        stop_server(holder)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    import report
    report.write(results, out)
    log("report:", out / "report.md")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT / "bench" / "data"), help="DATA_DIR holding the generated data")
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=3, help="warm-up before wrk runs (s)")
    ap.add_argument("--window", type=float, default=5, help="steady-state warm-up window (s)")
    ap.add_argument("--max-warmup", type=float, default=120, help="give up settling after this (s)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--profiles", default="", help="only these indexed profiles (comma-separated, e.g. "
                    "'optimized,optimized - compression'): skips the naive and index-less ones")
    ap.add_argument("--add-compression-pairing", metavar="RESULTS_DIR", default="",
                    help="only run the paired compression comparison and add it to RESULTS_DIR's results and report")
    args = ap.parse_args()
    if args.add_compression_pairing:
        return add_compression_pairing(args, Path(args.add_compression_pairing))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "results" / ("proof-" + stamp)
    out.mkdir(parents=True)
    inputs = out / "inputs"
    log("results in", out)

    holder, dburl = start_holder(args, out / "holder.log")
    results = {"machine": {"cores": os.cpu_count(), "articles": int(psql(dburl, "SELECT count(*) FROM articles"))},
               "settings": vars(args), "profiles": {}, "ceilings": {}, "workloads": {}}
    log("data:", results["machine"]["articles"], "articles")
    n = prepare_inputs(f"http://127.0.0.1:{HOLDER_PORT}", inputs)
    log("inputs: %d slugs, %d tokens, %d users" % n)
    common = {"DATABASE_URL": dburl}

    def profile(name, env):
        log("profile", name)
        s = start_server(PORT, {**common, **env}, out / ("server-" + re.sub(r"\W+", "_", name) + ".log"))
        try:
            r = repeat(args, s, "mix", "closed", inputs, args.connections)
            results["profiles"][name] = {"settings": env, "mix": r, "note": NOTES.get(name, "")}
            flame = "flame-" + re.sub(r"\W+", "_", name) + ".html"
            results["profiles"][name]["flame_graph"] = {
                "file": flame, "engine": flame_graph(args, "mix", inputs, args.connections, out / flame)}
            log(f"  {name}: {r['rps']:.0f} req/s, avg {r['avg_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
                f"{r['statements_per_request']:.1f} statements/req, errors {r['errors']}")
            return s
        except BaseException:
            stop_server(s)
            raise

    # the secondary indexes, kept beside the data: a run killed while they were dropped leaves them
    # to be rebuilt by the next run instead of silently measuring an index-less data set
    saved = Path(args.data) / "secondary-indexes.sql"
    if saved.exists():
        missing = 0
        for d in [l.strip().rstrip(";") for l in saved.read_text().splitlines() if l.strip()]:
            name = d.split()[2]
            if not psql(dburl, f"SELECT 1 FROM pg_indexes WHERE indexname = '{name}'").strip():
                log("recreating", name, "(left dropped by an interrupted run)")
                psql(dburl, d)
                missing += 1
        if missing:
            psql(dburl, "ANALYZE")
    indexes = [l.split("\t") for l in psql(dburl, (ROOT / "bench" / "naive-indexes.sql").read_text()).splitlines() if l]
    (out / "indexes.sql").write_text("".join(d + ";\n" for _, d in indexes))
    saved.write_text("".join(d + ";\n" for _, d in indexes))
    only = [p.strip() for p in args.profiles.split(",") if p.strip()]
    no_index = [] if only else PROFILES_NO_INDEX
    indexed = [(n, e) for n, e in PROFILES_INDEXED if not only or n in only]
    if only and len(indexed) != len(only):
        sys.exit(f"--profiles: unknown among {[n for n, _ in PROFILES_INDEXED]}")
    if no_index:
        log("dropping", len(indexes), "secondary indexes")
        for name, _ in indexes:
            psql(dburl, f"DROP INDEX IF EXISTS {name}")
    try:
        for name, env in no_index:
            s = profile(name, env)
            if name == "naive":
                naive_rps = results["profiles"]["naive"]["mix"]["rps"]
                rate = max(2, round(naive_rps * 0.8, 1))
                results["open_rate"] = rate
                log("  open model at", rate, "req/s")
                results["profiles"]["naive"]["open"] = repeat(args, s, "mix", "open", inputs, args.connections, rate)
                results["profiles"]["naive"]["browse"] = repeat(args, s, "browse", "closed", inputs, 8)
            stop_server(s)
    finally:
        if no_index:
            log("recreating indexes")
            t0 = time.time()
            for _, d in indexes:
                psql(dburl, d)
            psql(dburl, "ANALYZE")
            results["index_rebuild_seconds"] = time.time() - t0
    for name, env in indexed:
        s = profile(name, env)
        try:
            if name == "optimized":
                if "open_rate" in results:
                    results["profiles"][name]["open"] = repeat(args, s, "mix", "open", inputs, args.connections, results["open_rate"])
                results["profiles"][name]["browse"] = repeat(args, s, "browse", "closed", inputs, 8)
                env_wrk = wrk_env(inputs)
                log("  ceilings and workloads")
                results["ceilings"]["trivial (HTTP ceiling)"] = wrk_repeat(args, "trivial.lua", args.connections, env_wrk, s)
                results["ceilings"]["article, cached"] = wrk_repeat(args, "article.lua", args.connections, env_wrk, s)
                results["workloads"]["login burst (4 connections)"] = repeat(args, s, "login", "closed", inputs, 4)
                results["workloads"]["dashboard"] = repeat(args, s, "dashboard", "closed", inputs, args.connections)
                results["workloads"]["browse (8 sessions)"] = results["profiles"][name]["browse"]
                # the okami scenarios: paging through lists; an article with its comments and
                # its author's profile (anonymous, 32 connections as okami ran them)
                results["workloads"]["okami 1: page through lists"] = repeat(args, s, "lists", "closed", inputs, 32)
                results["workloads"]["okami 2: article + comments + profile"] = repeat(args, s, "read", "closed", inputs, 32)
                # the same three workloads driven by wrk (C, LuaJIT): the client then takes a small
                # share of the 2 cores, as it does for the trivial ceiling they are compared with
                log("  the mix and the okami scenarios driven by wrk")
                # each paired with the trivial endpoint run by run (see paired)
                results["wrk"] = {
                    "mix": wrk_paired_with_trivial(args, "mix.lua", args.connections, env_wrk, s),
                    "okami 1: page through lists": wrk_paired_with_trivial(args, "lists.lua", 32, env_wrk, s),
                    "okami 2: article + comments + profile": wrk_paired_with_trivial(args, "read.lua", 32, env_wrk, s),
                }
                if not args.skip_export:
                    results["workloads"]["export"] = {"text": export_heap(f"http://127.0.0.1:{PORT}")}
            if name == "optimized - cache":
                env_wrk = {"SLUGS": str(inputs / "slugs.txt")}
                # the uncached article and pgbench -S alternately (paired), pgbench while this
                # server idles
                log("  uncached article paired with pgbench -S")
                db = pgbench_db(dburl)
                try:
                    wrk_warmup(args, "article.lua", args.connections, env_wrk)
                    pg_runs = []

                    def pg_run():
                        pg_runs.append(pgbench_run(args, db, 8))
                        return pg_runs[-1]
                    results["ceilings"]["article, uncached"] = paired(
                        args, "article, uncached", pg_run, lambda: wrk_cell(args, "article.lua", args.connections, env_wrk, s))
                    results["ceilings"]["pgbench -S (8 clients)"] = summarize(pg_runs)
                    # the same comparison against PostgreSQL running the article's own statement:
                    # how much of the gap to pgbench -S is the statement, how much is Hotpath
                    script = own_statement_script(dburl, inputs / "slugs.txt", out / "article-statement.pgbench")
                    if script:
                        log("  uncached article paired with pgbench running its own statement")
                        own_runs = []

                        def own_run():
                            own_runs.append(pgbench_script_run(args, dburl, script, 8))
                            return own_runs[-1]
                        results["ceilings"]["article, uncached (paired with its statement)"] = paired(
                            args, "article, uncached vs its statement", own_run,
                            lambda: wrk_cell(args, "article.lua", args.connections, env_wrk, s))
                        results["ceilings"]["pgbench, the article's statement (8 clients)"] = summarize(own_runs)
                finally:
                    pgbench_drop(dburl)
        finally:
            stop_server(s)
    if {"optimized", "optimized - compression"} <= set(results["profiles"]):
        log("compression on / off, paired (wrk mix)")
        env_wrk = wrk_env(inputs)
        results["compression_paired"] = compression_paired(args, common, env_wrk, out)
    if "pgbench -S (8 clients)" not in results["ceilings"]:
        log("pgbench -S ceiling")
        results["ceilings"]["pgbench -S (8 clients)"] = pgbench(args, dburl, 8)
    stop_server(holder)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    import report
    report.write(results, out)
    log("report:", out / "report.md")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
