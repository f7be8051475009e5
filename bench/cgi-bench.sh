#!/bin/sh
# Requests/s of a shell "hello" CGI script through CgiApplication (embedded Jetty; native spawner, and the
# JDK spawner with its default launch mechanism and with VFORK), Tomcat's CGIServlet
# (embedded Tomcat 11) and Apache httpd mod_cgid (event MPM), in the same run, with wrk at 8 connections.
# Usage: bench/cgi-bench.sh [seconds per run, default 15]   (from the repository root; needs wrk, apache2)
# WARMUP=seconds (default 30): wrk load before each measured run. On 2 cores the JVMs' C2 compiler is still
# busy 20 s after start (bench/README.md, CGI): the warm-up lets the figures show the servers' steady state.
# Prints one line per server and the ratio to Apache's figure.
set -eu
DURATION=${1:-15}
WARMUP=${WARMUP:-30}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/cgi-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    [ -f "$WORK/httpd.pid" ] && kill "$(cat "$WORK/httpd.pid")" 2>/dev/null || true
    sleep 1
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The same script for the three servers.
HELLO='#!/bin/sh
printf "Content-Type: text/plain\n\nhello\n"'
mkdir -p "$WORK/cgi-bin" "$WORK/WEB-INF/cgi" "$WORK/htdocs"
printf '%s\n' "$HELLO" > "$WORK/cgi-bin/hello.sh"
printf '%s\n' "$HELLO" > "$WORK/WEB-INF/cgi/hello.sh"
chmod -R a+rX "$WORK"; chmod 755 "$WORK/cgi-bin/hello.sh" "$WORK/WEB-INF/cgi/hello.sh"

cd "$ROOT"
mvn -B -ntp -q -pl bridge-servlet test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/bridge-servlet/target/classes:$ROOT/bridge-servlet/target/test-classes:$(cat "$WORK/cp.txt")"
. "$ROOT/bench/apache-cgid.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_java() { # name kind [jvm options]: starts a server in the background, its port in $WORK/name.port
    name=$1; kind=$2; shift 2
    port=$(free_port)
    java -Xms256m -Xmx256m "$@" -cp "$CP" "$ROOT/bench/cgi/CgiBenchServer.java" "$kind" "$port" "$WORK" \
        > "$WORK/$name.out" 2> "$WORK/$name.err" &
    PIDS="$PIDS $!"
    for i in $(seq 1 240); do grep -q '^ready' "$WORK/$name.out" 2>/dev/null && break; sleep 0.5; done
    awk '/^ready/ {print $2}' "$WORK/$name.out" > "$WORK/$name.port"
}


run() { # name url
    curl -sf "$2" > /dev/null || { echo "$1: $2 does not answer" >&2; return 1; }
    wrk -t2 -c8 -d"${WARMUP}s" "$2" > /dev/null  # warm-up (JIT, caches)
    wrk -t2 -c8 -d"${DURATION}s" "$2" | tee "$WORK/$1.wrk" >&2
    awk '/Requests\/sec/ {print $2}' "$WORK/$1.wrk"
}

APACHE_PORT=$(start_apache "$WORK" /cgi-bin/hello.sh)
# The native spawner (cgi.spawner=native, the default where built): the gateway-spawn daemon forks, as
# mod_cgid's daemon does. Then the JDK spawner: its default launch mechanism (posix_spawn) execs jspawnhelper,
# which then execs the program: two execs per request; VFORK execs the program directly (README "cgi", tuning).
start_java jetty-native jetty -Dcgi.spawner=native
start_java jetty jetty -Dcgi.spawner=jdk
start_java jetty-vfork jetty -Dcgi.spawner=jdk -Djdk.lang.Process.launchMechanism=VFORK
start_java tomcat tomcat
grep -q '^spawner native' "$WORK/jetty-native.out" || { echo "the native spawner did not start:" >&2; cat "$WORK/jetty-native.err" >&2; exit 1; }
NATIVE_PORT=$(cat "$WORK/jetty-native.port")
JETTY_PORT=$(cat "$WORK/jetty.port")
VFORK_PORT=$(cat "$WORK/jetty-vfork.port")
TOMCAT_PORT=$(cat "$WORK/tomcat.port")

APACHE=$(run apache "http://127.0.0.1:$APACHE_PORT/cgi-bin/hello.sh")
NATIVE=$(run cgiapplication-native "http://127.0.0.1:$NATIVE_PORT/cgi-bin/hello.sh")
JETTY=$(run cgiapplication "http://127.0.0.1:$JETTY_PORT/cgi-bin/hello.sh")
VFORK=$(run cgiapplication-vfork "http://127.0.0.1:$VFORK_PORT/cgi-bin/hello.sh")
TOMCAT=$(run tomcat-cgiservlet "http://127.0.0.1:$TOMCAT_PORT/cgi-bin/hello.sh")

echo
echo "CGI hello.sh, wrk -t2 -c8 -d${DURATION}s after ${WARMUP}s of warm-up, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-34s %10s %8s\n' server requests/s vs-apache
for row in "Apache mod_cgid (event):$APACHE" "CgiApplication, native spawner:$NATIVE" \
        "CgiApplication, jdk (posix_spawn):$JETTY" "CgiApplication, jdk VFORK:$VFORK" \
        "Tomcat 11 CGIServlet:$TOMCAT"; do
    name=${row%:*}; rps=${row##*:}
    printf '%-34s %10s %8s\n' "$name" "$rps" "$(awk -v a="$rps" -v b="$APACHE" 'BEGIN {printf "%.2f", a / b}')"
done
