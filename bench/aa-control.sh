#!/usr/bin/env bash
# A/A/B control for the hello benchmark: gateway first in every round (run-wrk.sh measures plain first),
# and a second, identical plain servlet (/plain2/hello) that shows the noise of the method itself.
# Usage: bench/aa-control.sh [rounds=6] [seconds=6]   (from the repository root; needs wrk)
set -euo pipefail
ROUNDS=${1:-6}
SECONDS_PER=${2:-6}
mvn -B -ntp -q -pl bench -am package -DskipTests
OUT=bench/target/aa; mkdir -p "$OUT"
java -Xmx64m -cp "bench/target/bench.jar:bench/target/lib/*" dev.gatewaybridge.bench.BenchServer 0 >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q '^PORT=' "$OUT/server.log" && break; sleep 0.2; done
PORT=$(sed -n 's/^PORT=//p' "$OUT/server.log")
for p in gateway plain plain2; do wrk -t2 -c16 -d20s "http://127.0.0.1:$PORT/$p/hello" >/dev/null; done
for i in $(seq "$ROUNDS"); do
  for p in gateway plain plain2; do
    echo "$i $p $(wrk -t2 -c16 -d"${SECONDS_PER}"s "http://127.0.0.1:$PORT/$p/hello" | awk '/^Requests\/sec:/ {print $2}')"
  done
done | tee "$OUT/rounds.txt"
awk '{s[$2]+=$3; n[$2]++} END {p=s["plain"]/n["plain"];
  for (k in s) printf "%-8s %10.1f req/s  %.3f of plain\n", k, s[k]/n[k], (s[k]/n[k])/p}' "$OUT/rounds.txt" | sort
