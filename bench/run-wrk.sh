#!/usr/bin/env bash
# Benchmarks GatewayServlet against a plain servlet doing the same thing, in ONE embedded Jetty, in the
# same run, and writes the figures and the exact commands to bench/README.md.
#   hello: wrk against /plain/hello and /gateway/hello alternately (warm-up, then ROUNDS rounds each).
#   echo:  ECHO_BYTES streamed through /plain/echo and /gateway/echo alternately, server heap HEAP.
# Tunables (environment): ROUNDS=8 DURATION=8s THREADS=2 CONNECTIONS=16 WARMUP=30s HEAP=-Xmx64m (the JIT
#                         needs the 30 s: C2 still takes a fifth of the machine after 10 s of load)
#                         PIN=1 puts the server on CPU 0 and the load generators on CPU 1 (taskset), so
#                         the two do not take turns on the same core: less noise between rounds
#                         ECHO_ROUNDS=3 ECHO_BYTES=1073741824 NOTE="free text for the README"
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-8}
DURATION=${DURATION:-8s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
WARMUP=${WARMUP:-30s}
HEAP=${HEAP:--Xmx64m}
ECHO_ROUNDS=${ECHO_ROUNDS:-3}
ECHO_BYTES=${ECHO_BYTES:-1073741824}
NOTE=${NOTE:-}
OUT=bench/target/run
README=bench/README.md

command -v wrk >/dev/null || { echo "run-wrk.sh: wrk not found (Debian package wrk)" >&2; exit 1; }

BUILD="mvn -B -ntp -q -pl bench -am package -DskipTests"
$BUILD
mkdir -p "$OUT"
CP="bench/target/bench.jar:bench/target/lib/*"
SERVER_CPU=""; CLIENT_CPU=""
if [ "${PIN:-0}" = 1 ]; then SERVER_CPU="taskset -c 0 "; CLIENT_CPU="taskset -c 1 "; fi
SERVER="${SERVER_CPU}java $HEAP -Xlog:gc:file=$OUT/gc.log -cp $CP dev.gatewaybridge.bench.BenchServer 0"
$SERVER >"$OUT/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^PORT=' "$OUT/server.log" && break
  kill -0 $PID 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }
  sleep 0.2
done
PORT=$(sed -n 's/^PORT=//p' "$OUT/server.log")
BASE="http://127.0.0.1:$PORT"
echo "server pid $PID on $BASE"

# The two hellos must be byte-for-byte the same response, but for the Date header.
curl -si "$BASE/plain/hello" | grep -v '^Date:' >"$OUT/plain.txt"
curl -si "$BASE/gateway/hello" | grep -v '^Date:' >"$OUT/gateway.txt"
if ! cmp -s "$OUT/plain.txt" "$OUT/gateway.txt"; then
  echo "run-wrk.sh: the two hello responses differ:" >&2
  diff "$OUT/plain.txt" "$OUT/gateway.txt" >&2 || true
  exit 1
fi

WRK="${CLIENT_CPU}wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
rps() { $WRK "$1" | awk '/^Requests\/sec:/ {print $2}'; }

echo "warm-up ($WARMUP each)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASE/plain/hello" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASE/gateway/hello" >/dev/null

# Odd rounds measure plain first, even rounds gateway first: the one measured second in a pair runs on a JVM
# and machine the first just warmed, and the order alone moved the ratio by a few percent (bench/aa-control.sh).
declare -a PLAIN GATEWAY
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then
    PLAIN+=("$(rps "$BASE/plain/hello")"); GATEWAY+=("$(rps "$BASE/gateway/hello")")
  else
    GATEWAY+=("$(rps "$BASE/gateway/hello")"); PLAIN+=("$(rps "$BASE/plain/hello")")
  fi
  echo "round $r: plain ${PLAIN[-1]} req/s, gateway ${GATEWAY[-1]} req/s"
done

ECHO="${CLIENT_CPU}java -Xmx32m -cp $CP dev.gatewaybridge.bench.EchoClient $PORT"
declare -a EPLAIN EGATEWAY EHEAPP EHEAPG
heap() { curl -s "$BASE/probe/heap$1" | sed 's/.*"peakHeapBytes": \([0-9]*\).*/\1/'; }
$ECHO /plain/echo 67108864 >/dev/null   # warm-up: 64 MiB each
$ECHO /gateway/echo 67108864 >/dev/null
for r in $(seq 1 "$ECHO_ROUNDS"); do
  heap '?reset' >/dev/null
  EPLAIN+=("$($ECHO /plain/echo "$ECHO_BYTES")")
  EHEAPP+=("$(heap '')")
  heap '?reset' >/dev/null
  EGATEWAY+=("$($ECHO /gateway/echo "$ECHO_BYTES")")
  EHEAPG+=("$(heap '')")
  echo "echo round $r: plain ${EPLAIN[-1]} MiB/s (peak heap ${EHEAPP[-1]} B), gateway ${EGATEWAY[-1]} MiB/s (peak heap ${EHEAPG[-1]} B)"
done

mean() { printf '%s\n' "$@" | awk '{s+=$1} END {printf "%.1f", s/NR}'; }
maxof() { printf '%s\n' "$@" | awk 'BEGIN{m=0} {if ($1>m) m=$1} END {printf "%.1f", m/1048576}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }
# Pairs measured back to back share the machine's state: the median of their ratios resists noise best.
median_ratio() { # median_ratio "a1 a2 …" "b1 b2 …" → median of b_i / a_i
  paste -d' ' <(tr ' ' '\n' <<<"$1") <(tr ' ' '\n' <<<"$2") | awk '{print $2/$1}' | sort -g \
    | awk '{r[NR]=$1} END {printf "%.3f", NR%2 ? r[(NR+1)/2] : (r[NR/2]+r[NR/2+1])/2}'
}
P=$(mean "${PLAIN[@]}"); G=$(mean "${GATEWAY[@]}"); HR=$(ratio "$G" "$P")
HM=$(median_ratio "${PLAIN[*]}" "${GATEWAY[*]}"); EM=$(median_ratio "${EPLAIN[*]}" "${EGATEWAY[*]}")
EP=$(mean "${EPLAIN[@]}"); EG=$(mean "${EGATEWAY[@]}"); ER=$(ratio "$EG" "$EP")
HP=$(maxof "${EHEAPP[@]}"); HG=$(maxof "${EHEAPG[@]}")
GCMAX=$(awk '/Pause/ {split($0,a,"->"); split(a[2],b,"M"); if (b[1]+0>m) m=b[1]+0} END {print m+0}' "$OUT/gc.log")
echo "hello: gateway/plain = $HR (median per round $HM); echo: gateway/plain = $ER (median per round $EM)"

SECTION=$OUT/section.md
cat >"$SECTION" <<MD
## GatewayServlet against a plain servlet (bench/run-wrk.sh)

Whole-request benchmarks of GatewayServlet against a plain \`HttpServlet\` doing the same thing, both in
**one** embedded Jetty $(sed -n 's/.*jetty-server-\(.*\)\.jar/\1/p' <<<"$(ls bench/target/lib)") (\`dev.gatewaybridge.bench.BenchServer\`), measured alternately in the
same run (hello: plain first in odd rounds, gateway first in even ones); only the ratio gateway/plain is
meaningful across machines.

- \`/plain/hello\` and \`/gateway/hello\`: "Hello, world!\\n", \`text/plain; charset=utf-8\`, Content-Length 14
  (the script checks the two responses are identical but for Date).
- \`/plain/echo\` and \`/gateway/echo\`: the request body streamed back 64 KiB at a time with its
  Content-Type and Content-Length; the client (\`EchoClient\`) streams ${ECHO_BYTES} bytes up while it reads
  them back, holding at most 64 KiB.
- \`/probe/heap\`: peak heap (sum of the heap pools' peaks, after a GC and reset before each echo run).

Goals (issue 2): gateway hello ≥ 0.95 × plain; gateway echo throughput ≥ 0.9 × plain with the server at -Xmx64m.

### Latest run

$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -1).
${NOTE}

| measure | plain | gateway | gateway / plain (of the means) | median of per-round ratios |
| --- | --- | --- | --- | --- |
| hello, req/s (mean of $ROUNDS × $DURATION) | $P | $G | **$HR** | $HM |
| echo of $ECHO_BYTES B, MiB/s (mean of $ECHO_ROUNDS) | $EP | $EG | **$ER** | $EM |
| echo, peak heap MiB (max over rounds) | $HP | $HG | | |

Per round: hello plain ${PLAIN[*]}; gateway ${GATEWAY[*]} (req/s).
Echo plain ${EPLAIN[*]}; gateway ${EGATEWAY[*]} (MiB/s).
Server heap: \`$HEAP\`; largest heap after a GC in the GC log: ${GCMAX} MiB.

### Commands

\`\`\`
bench/run-wrk.sh          # builds, starts the server, runs everything below, rewrites this file
\`\`\`
which ran:
\`\`\`
$BUILD
$SERVER
wrk -t$THREADS -c$CONNECTIONS -d$WARMUP $BASE/plain/hello     # warm-up, then the same for /gateway/hello
$WRK $BASE/plain/hello        # alternately with /gateway/hello, $ROUNDS rounds
$ECHO /plain/echo $ECHO_BYTES   # alternately with /gateway/echo, $ECHO_ROUNDS rounds
curl -s $BASE/probe/heap?reset     # before each echo run; without ?reset after it
\`\`\`
Tunables: ROUNDS, DURATION, THREADS, CONNECTIONS, WARMUP, HEAP, ECHO_ROUNDS, ECHO_BYTES, NOTE (see the script).
MD

# Rewrite only this script's section of the README (between its markers); other benchmarks keep theirs.
BEGIN_MARK='<!-- run-wrk.sh: begin (generated, do not edit) -->'
END_MARK='<!-- run-wrk.sh: end -->'
[ -f "$README" ] || printf '# Benchmarks\n\n' >"$README"
if ! grep -qF "$BEGIN_MARK" "$README"; then
  printf '%s\n%s\n' "$BEGIN_MARK" "$END_MARK" >>"$README"
fi
awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v section="$SECTION" '
  $0 == begin { print; while ((getline line < section) > 0) print line; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }
' "$README" >"$OUT/README.new"
mv "$OUT/README.new" "$README"
echo "wrote $README"
