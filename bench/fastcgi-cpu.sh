#!/usr/bin/env bash
# The bridge against Jetty's FastCGIProxyServlet (ee11) and core FastCGIProxyHandler only, with each front end's server CPU per request: the two
# JVM front ends of bench/fastcgi-bench.sh (same BenchServer, same php-fpm pool of 4 static children), warmed
# JVM_WARMUP s each, then ROUNDS interleaved wrk runs. CPU per request (utime+stime of the server JVM from
# /proc/PID/stat around the run, over wrk's request count) is steadier than req/s on a shared 2-core machine;
# so are context switches per request (every thread's, from /proc/PID/task/*/status).
# Usage: bench/fastcgi-cpu.sh [seconds=10] [connections=16]; env ROUNDS=3, JVM_WARMUP=30, JAVA_OPTS, and
# BASE_CLASSES=DIR to measure a third front end, the bridge with the classes in DIR (before a change),
# STRACE=1 to count each server's system calls per request first (strace -f -c over a 5 s run), PERF=DIR to
# profile each under load into DIR.
# Compile first (bridge-servlet/target/classes is used as it is): mvn -o -q -pl bridge-servlet compile
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/php-fpm.sh
SECONDS_PER_RUN=${1:-10}
CONNS=${2:-16}
CHILDREN=4
ROUNDS=${ROUNDS:-3}
JVM_WARMUP=${JVM_WARMUP:-30}
WORK=$(mktemp -d /tmp/fastcgi-cpu.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'; }

mkdir -p "$WORK/www"
printf '<?php echo "Hello, world\\n";\n' > "$WORK/www/hello.php"
start_php_fpm "$WORK" "$CHILDREN"

CP_FILE=${CP_FILE:-$WORK/cp.txt}
[ -s "$CP_FILE" ] || mvn -B -ntp -q -o -f bench/fastcgi/pom.xml dependency:build-classpath -Dmdep.outputFile="$CP_FILE"
mvn -B -ntp -q -f bench/fastcgi/proxy-servlet-pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/cp-ee11.txt"
FRONTS=(bridge jetty-proxy-servlet jetty-proxy)
declare -A PORT PID CLASSES=([bridge]=bridge-servlet/target/classes [jetty-proxy]=bridge-servlet/target/classes)
if [ -n "${BASE_CLASSES:-}" ]; then FRONTS=(bridge-base "${FRONTS[@]}"); CLASSES[bridge-base]=$BASE_CLASSES; fi
for name in "${FRONTS[@]}"; do
    PORT[$name]=$(free_port)
    if [ "$name" = jetty-proxy-servlet ]; then
        # shellcheck disable=SC2086
        java ${JAVA_OPTS:-} -cp "$(cat "$WORK/cp-ee11.txt")" bench/fastcgi/ProxyServletServer.java "${PORT[$name]}" \
            "127.0.0.1:$FPM" "$WORK/www" "$CHILDREN" > "$WORK/$name.out" 2>&1 & PIDS+=($!); PID[$name]=$!
        continue
    fi
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -cp "$(cat "$CP_FILE"):${CLASSES[$name]}" bench/fastcgi/BenchServer.java "${name%-base}" \
        "${PORT[$name]}" "127.0.0.1:$FPM" \
        "$WORK/www" "$CHILDREN" > "$WORK/$name.out" 2>&1 & PIDS+=($!); PID[$name]=$!
done
for name in "${FRONTS[@]}"; do
    wait_port "${PORT[$name]}"
    body=$(curl -s -m 30 "http://127.0.0.1:${PORT[$name]}/hello.php")
    [ "$body" = "Hello, world" ] || { echo "bad answer from $name: $body" >&2; exit 1; }
    wrk -t2 -c"$CONNS" -d"${JVM_WARMUP}s" "http://127.0.0.1:${PORT[$name]}/hello.php" > /dev/null
    sleep 1.5
done
if [ -n "${STRACE:-}" ]; then  # system calls per request of each server JVM (strace slows it: counts only)
    for name in "${FRONTS[@]}"; do
        strace -q -f -c -p "${PID[$name]}" -o "$WORK/$name.strace" & tracer=$!
        sleep 1
        out=$(wrk -t2 -c"$CONNS" -d5s "http://127.0.0.1:${PORT[$name]}/hello.php")
        kill -INT "$tracer"; wait "$tracer" || true
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        echo "$name: system calls per request over $requests requests"
        awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 {printf "  %-16s %6.2f\n", $NF, $4 / n}' \
            "$WORK/$name.strace" | sort -k2 -rn | head -12
        sleep 1.5
    done
fi
if [ -n "${PERF:-}" ]; then  # perf profiles of each server JVM under load (run with JAVA_OPTS for JIT symbols:
    # -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit), reported into $PERF when the JVMs have exited
    mkdir -p "$PERF"
    for name in "${FRONTS[@]}"; do
        perf record -q -F 499 -g -p "${PID[$name]}" -o "$PERF/$name.data" -- sleep 8 > /dev/null 2>&1 &
        wrk -t2 -c"$CONNS" -d8s "http://127.0.0.1:${PORT[$name]}/hello.php" > /dev/null
        wait $! || true
        sleep 1.5
    done
fi
HZ=$(getconf CLK_TCK)
echo "FastCGI CPU bench: $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), php-fpm x$CHILDREN, wrk -t2 -c$CONNS -d${SECONDS_PER_RUN}s, warmed ${JVM_WARMUP}s"
printf '%-6s %-20s %9s %10s %12s\n' round "front end" "req/s" "CPU us/req" "switches/req"
declare -A RPS
for round in $(seq "$ROUNDS"); do
    for name in "${FRONTS[@]}"; do
        before=$(ticks "${PID[$name]}"); switched=$(switches "${PID[$name]}")
        out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:${PORT[$name]}/hello.php")
        after=$(ticks "${PID[$name]}"); switched=$(( $(switches "${PID[$name]}") - switched ))
        grep -q 'Non-2xx\|Socket errors' <<<"$out" && { echo "errors from $name:" >&2; echo "$out" >&2; }
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        RPS[$name]=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        cpu=$(python3 -c "print(f'{($after - $before) * 1e6 / $HZ / $requests:.1f}')")
        printf '%-6s %-20s %9s %10s %12s\n' "$round" "$name" "${RPS[$name]}" "$cpu" \
            "$(python3 -c "print(f'{$switched / $requests:.2f}')")"
        sleep 1.5
    done
    echo "round $round: bridge/proxy-servlet req/s $(python3 -c "print(f'{${RPS[bridge]} / ${RPS[jetty-proxy-servlet]}:.2f}')")," \
         "bridge/proxy-handler $(python3 -c "print(f'{${RPS[bridge]} / ${RPS[jetty-proxy]}:.2f}')")"
done
if [ -n "${PERF:-}" ]; then  # the JVMs write their perf maps on exit
    for name in "${FRONTS[@]}"; do kill "${PID[$name]}"; done
    for name in "${FRONTS[@]}"; do wait "${PID[$name]}" 2>/dev/null || true; done
    for name in "${FRONTS[@]}"; do
        perf report -i "$PERF/$name.data" --no-children --sort dso,sym --stdio 2>/dev/null > "$PERF/$name.txt" || true
    done
    echo "perf reports in $PERF/{bridge,jetty-proxy}.txt"
fi
