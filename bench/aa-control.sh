#!/usr/bin/env bash
# A/A/B control for the hello benchmark: a second, identical plain servlet (/plain2/hello) shows the noise
# of the method itself, and the order of the three turns round every round (gateway plain plain2, then
# plain plain2 gateway, then plain2 gateway plain), so no path always runs first or last: with rounds a
# multiple of 3, each takes each place equally often (run-wrk.sh always measures plain first).
# Prints the ratio of the means and the median of the per-round ratios, which a slow round moves less.
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
PATHS=(gateway plain plain2)
for i in $(seq "$ROUNDS"); do
  for k in 0 1 2; do
    p=${PATHS[$(( (i - 1 + k) % 3 ))]}
    echo "$i $p $(wrk -t2 -c16 -d"${SECONDS_PER}"s "http://127.0.0.1:$PORT/$p/hello" | awk '/^Requests\/sec:/ {print $2}')"
  done
done | tee "$OUT/rounds.txt"
python3 - "$OUT/rounds.txt" <<'PY'
import statistics, sys
rounds = {}
for line in open(sys.argv[1]):
    i, path, rps = line.split()
    rounds.setdefault(i, {})[path] = float(rps)
mean = {p: statistics.mean(r[p] for r in rounds.values()) for p in ("plain", "plain2", "gateway")}
for p in ("plain", "plain2", "gateway"):
    ratios = [r[p] / r["plain"] for r in rounds.values()]
    print(f"{p:8s} {mean[p]:10.1f} req/s  {mean[p] / mean['plain']:.3f} of plain (means), "
          f"{statistics.median(ratios):.3f} (median of {len(ratios)} per-round ratios)")
PY
