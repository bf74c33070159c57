#!/usr/bin/env bash
# The first load test: wrk with Lua scenarios against a running Hotpath that holds generated data
# (./hotpath gen), plus pgbench -S against the same PostgreSQL as the database's ceiling.
#
#   bench/run.sh [BASE_URL] [DATABASE_URL]
#     BASE_URL      default http://127.0.0.1:8080
#     DATABASE_URL  the server's PostgreSQL, for pgbench -S (the embedded server's URL is in its log:
#                   "embedded PostgreSQL on port N"); skipped when empty
#   Settings: DURATION (10s) CONNECTIONS (64) LOGIN_CONNECTIONS (4) THREADS (2) REPEAT (3) SCENARIOS ("articles article feed profile tags login")
#             PGBENCH_CLIENTS (8, match DB_POOL_SIZE)
# Prints wrk's report and one RESULT line per run; a summary table of medians at the end.
set -euo pipefail
cd "$(dirname "$0")"
base=${1:-http://127.0.0.1:8080}
dburl=${2:-}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-64}
threads=${THREADS:-2}
repeat=${REPEAT:-3}
scenarios=${SCENARIOS:-"articles article feed profile tags login"}
out=results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
export WRK_DIR=$(pwd)/wrk
command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)" >&2; exit 1; }

# Inputs for the scenarios: slugs (most favorited first), users, tokens of users who follow others.
curl -fsS "$base/api/tags" >/dev/null || { echo "bench: no server at $base" >&2; exit 1; }
users=""
for n in 1000000 100000 10000 1000 100 10; do # generated users are user1..userN
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/profiles/user$n")" = 200 ] && { users=$n; break; }
done
export USERS=${USERS:-${users:-10}}
python3 - "$base" "$out" <<'PY'
import json, sys, urllib.request
base, out = sys.argv[1], sys.argv[2]
def get(path, token=None):
    req = urllib.request.Request(base + path, headers={"Authorization": "Token " + token} if token else {})
    return json.load(urllib.request.urlopen(req))
slugs = []
for off in range(0, 1000, 100):
    slugs += [a["slug"] for a in get(f"/api/articles?limit=100&offset={off}")["articles"]]
open(f"{out}/slugs.txt", "w").write("\n".join(slugs) + "\n")
tokens = []
for u in range(1, 51):
    body = json.dumps({"user": {"email": f"user{u}@example.com", "password": "password"}}).encode()
    req = urllib.request.Request(base + "/api/users/login", data=body, headers={"Content-Type": "application/json"})
    try:
        tokens.append(json.load(urllib.request.urlopen(req))["user"]["token"])
    except Exception:
        pass
open(f"{out}/tokens.txt", "w").write("\n".join(tokens) + "\n")
print(f"bench inputs: {len(slugs)} slugs, {len(tokens)} tokens")
PY
export SLUGS=$out/slugs.txt TOKENS=$out/tokens.txt

for s in $scenarios; do
  echo "== $s: warm-up"
  wrk -t"$threads" -c"$conns" -d3s -s "wrk/$s.lua" "$base" >/dev/null 2>&1 || true
  for i in $(seq 1 "$repeat"); do
    echo "== $s run $i ($conns connections, $duration)"
    c=$conns; [ "$s" = login ] && c=${LOGIN_CONNECTIONS:-4} # bcrypt-bound: more connections only queue
    wrk -t"$threads" -c"$c" -d"$duration" --timeout 10s --latency -s "wrk/$s.lua" "$base" | tee -a "$out/wrk.txt" | grep -E "RESULT|Requests/sec"
  done
done

if [ -n "$dburl" ] && command -v pgbench >/dev/null; then
  clients=${PGBENCH_CLIENTS:-8}
  echo "== pgbench -S ceiling ($clients clients, same server)"
  admin=$(echo "$dburl" | sed -E 's#/[^/?]+(\?|$)#/postgres\1#')
  psql "$admin" -Xqc "DROP DATABASE IF EXISTS hotpath_pgbench" -c "CREATE DATABASE hotpath_pgbench" >/dev/null
  pgdb=$(echo "$dburl" | sed -E 's#/[^/?]+(\?|$)#/hotpath_pgbench\1#')
  pgbench -q -i -s 10 "$pgdb" >/dev/null 2>&1
  for i in $(seq 1 "$repeat"); do
    tps=$(pgbench -S -n -c "$clients" -j "$threads" -T "${duration%s}" "$pgdb" 2>/dev/null | awk '/^tps/ {print $3; exit}')
    echo "RESULT name=pgbench_S rps=$tps" | tee -a "$out/wrk.txt"
  done
  psql "$admin" -Xqc "DROP DATABASE hotpath_pgbench" >/dev/null
fi

python3 - "$out/wrk.txt" <<'PY' | tee "$out/summary.md"
import re, sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("RESULT "):
        kv = dict(x.split("=", 1) for x in line.split()[1:])
        runs[kv.pop("name")].append({k: float(v) for k, v in kv.items()})
print("| scenario | runs | req/s (median) | min | max | p50 ms | p95 ms | p99 ms | errors |")
print("|---|---|---|---|---|---|---|---|---|")
for name, rs in runs.items():
    med = lambda k: statistics.median(r.get(k, 0) for r in rs)
    print(f"| {name} | {len(rs)} | {med('rps'):,.0f} | {min(r['rps'] for r in rs):,.0f} | {max(r['rps'] for r in rs):,.0f} | "
          f"{med('p50_ms'):.2f} | {med('p95_ms'):.2f} | {med('p99_ms'):.2f} | {sum(r.get('socket_errors',0)+r.get('non2xx',0) for r in rs):.0f} |")
PY
echo "results in bench/$out"
