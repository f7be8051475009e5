#!/usr/bin/env bash
# Managed workers bench (issue 15): requests/s for the same PHP page through the bridge to N php-cgi workers it
# spawns itself (fastcgi.command) and through the bridge to a php-fpm pool of the same size (pm static, Unix
# socket), both in one Jetty JVM, interleaved rounds, median. Usage: bench/managed-bench.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
CONNS=${2:-16}
WORKERS=${WORKERS:-4}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d /tmp/managed-bench.XXXXXX)
PIDS=()
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
. bench/php-fpm.sh
# SIGTERM to the JVM: its shutdown hook stops the php-cgi workers it runs.
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/www"
printf '<?php echo "Hello, world\\n";\n' > "$WORK/www/hello.php"
start_php_fpm "$WORK" "$WORKERS" "$WORK/fpm.sock"
mvn -B -ntp -q -pl bridge-servlet -DskipTests compile
mvn -B -ntp -q -f bench/fastcgi/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt"
java -cp "$(cat "$WORK/cp.txt"):bridge-servlet/target/classes" bench/fastcgi/ManagedBench.java "$WORK/www" \
    "$WORK/fpm.sock" "$WORKERS" > "$WORK/jvm.out" 2>&1 & PIDS+=($!)
for _ in $(seq 300); do grep -q "PORT fpm" "$WORK/jvm.out" 2>/dev/null && break; sleep 0.1; done
declare -A URL=([managed]="http://127.0.0.1:$(awk '/PORT managed/ {print $3}' "$WORK/jvm.out")/hello.php"
                [fpm]="http://127.0.0.1:$(awk '/PORT fpm/ {print $3}' "$WORK/jvm.out")/hello.php")
for name in managed fpm; do
    [ "$(curl -s -m 30 "${URL[$name]}")" = "Hello, world" ] || { echo "bad answer from $name" >&2; exit 1; }
    wrk -t2 -c"$CONNS" -d"${JVM_WARMUP:-20}s" "${URL[$name]}" > /dev/null
done
rps() {
    local out; out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" "$1")
    if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "errors from $1:" >&2; echo "$out" >&2; fi
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}
declare -A RUNS
for _ in $(seq "$ROUNDS"); do for name in managed fpm; do RUNS[$name]="${RUNS[$name]:-} $(rps "${URL[$name]}")"; sleep 1.5; done; done
median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.0f}')" $1; }
echo "Managed bench: $(date -u +%FT%TZ), $(nproc) cores, $WORKERS workers, wrk -t2 -c$CONNS -d${SECONDS_PER_RUN}s, median of $ROUNDS rounds"
M=$(median "${RUNS[managed]}"); F=$(median "${RUNS[fpm]}")
printf '%-52s %8s   %s\n' "bridge -> $WORKERS php-cgi workers it runs (fastcgi.command)" "$M" "${RUNS[managed]}"
printf '%-52s %8s   %s\n' "bridge -> php-fpm pm=static x$WORKERS (Unix socket)" "$F" "${RUNS[fpm]}"
python3 -c "print(f'managed / php-fpm: {$M/$F:.2f}')"
