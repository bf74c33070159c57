#!/usr/bin/env bash
# The whole proof in one command: generate (or reuse) a data set, run the ablation matrix, the
# ceilings and the other workloads, and write bench/results/proof-<stamp>/report.md (+ SVG charts,
# results.json, results.csv).
#   bench/proof.sh [ARTICLES]         default 1000000; data in bench/data-ARTICLES (kept for reuse)
#   DURATION=10 WARMUP=3 REPEAT=3 CONNECTIONS=64 bench/proof.sh 100000
# Needs wrk, pgbench and psql (apt-get install wrk postgresql-client; installed here when root).
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-1000000}
data=${DATA:-$PWD/bench/data-$articles}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v pgbench >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "proof: install ${need[*]}" >&2; exit 1; }
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
./hotpath build
if [ ! -f "$data/.generated-$articles" ]; then
  DATA_DIR=$data ./hotpath gen --articles "$articles" --reset
  touch "$data/.generated-$articles"
fi
exec python3 bench/proof.py --data "$data" --duration "${DURATION:-10}" --warmup "${WARMUP:-3}" \
  --repeat "${REPEAT:-3}" --connections "${CONNECTIONS:-64}" ${PROOF_ARGS:-}
