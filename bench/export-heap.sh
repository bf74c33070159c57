#!/usr/bin/env bash
# Heap growth during a full export: streams GET /api/articles/export (NDJSON, every article) from a
# running server holding generated data, while sampling the server's heap from /metrics every
# 200 ms. Prints rows, bytes, duration, heap before / max during / growth.
#   bench/export-heap.sh [BASE_URL]     (the server must have a user1/password, i.e. generated data)
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
heap() { curl -fs "$base/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.0f", s}'; }
# the old generation holds what survives collections: its growth is memory the export retains
old() { curl -fs "$base/metrics" | awk '/^jvm_memory_used_bytes\{area="heap",id="G1 Old Gen"/ {s += $NF} END {printf "%.0f", s}'; }
token=$(curl -fs -X POST "$base/api/users/login" -H 'Content-Type: application/json' \
  -d '{"user":{"email":"user1@example.com","password":"password"}}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["user"]["token"])')
before=$(heap)
max=$before
oldbefore=$(old)
oldmax=$oldbefore
out=$(mktemp)
start=$(date +%s.%N)
curl -fs -H "Authorization: Token $token" "$base/api/articles/export" -o "$out" &
pid=$!
while kill -0 $pid 2>/dev/null; do
  h=$(heap); [ "$h" -gt "$max" ] && max=$h
  o=$(old); [ "$o" -gt "$oldmax" ] && oldmax=$o
  sleep 0.2
done
wait $pid
end=$(date +%s.%N)
rows=$(wc -l < "$out"); bytes=$(stat -c %s "$out"); rm -f "$out"
python3 - "$rows" "$bytes" "$start" "$end" "$before" "$max" "$oldbefore" "$oldmax" <<'PY'
import sys
rows, size, start, end, before, peak = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
oldbefore, oldpeak = int(sys.argv[7]), int(sys.argv[8])
print(f"export: {rows:,} rows, {size/1e6:,.1f} MB in {end-start:.1f} s ({rows/(end-start):,.0f} rows/s)")
print(f"heap used (live + not yet collected): before {before/1e6:.1f} MB, max during {peak/1e6:.1f} MB, growth {(peak-before)/1e6:.1f} MB")
print(f"old generation (what the export retains): before {oldbefore/1e6:.1f} MB, max during {oldpeak/1e6:.1f} MB, growth {(oldpeak-oldbefore)/1e6:.1f} MB")
PY
