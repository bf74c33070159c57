#!/usr/bin/env bash
# Prints EXPLAIN (ANALYZE, BUFFERS) of the hot queries against a database.
#   bench/explain.sh postgresql://postgres@localhost:PORT/postgres > plans.txt
set -euo pipefail
url=${1:?usage: bench/explain.sh DATABASE_URL}
psql "$url" -X -q -f "$(dirname "$0")/explain.sql"
