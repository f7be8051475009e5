#!/usr/bin/env bash
# CPU time per request of each process taking part, while wrk loads one URL (issue 12: where the SCGI bridge
# spends what nginx does not). Usage: bench/cpu-per-request.sh URL PATTERN... (pgrep -f patterns, e.g.
# "BenchServer.java pages" "nginx: worker" uwsgi). CONNECTIONS and DURATION as for wrk (32, 10s).
# Prints req/s and, per pattern, user+system CPU microseconds per request (from /proc/PID/stat, 100 Hz ticks).
set -euo pipefail
url=$1; shift
ticks() { local t=0 p; for p in $(pgrep -f "$1"); do read -r -a f < "/proc/$p/stat" || continue; t=$((t + f[13] + f[14])); done; echo "$t"; }
declare -A before
for p in "$@"; do before[$p]=$(ticks "$p"); done
out=$(wrk -t2 -c"${CONNECTIONS:-32}" -d"${DURATION:-10s}" "$url")
requests=$(awk '/requests in/{print $1}' <<<"$out")
line="$url req/s=$(awk '/Requests\/sec/{print $2}' <<<"$out")"
for p in "$@"; do line+=" | $p: $(( ($(ticks "$p") - before[$p]) * 10000 / requests )) us/req"; done
echo "$line"
