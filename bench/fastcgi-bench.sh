#!/usr/bin/env bash
# FastCGI bench: requests/s for the same PHP page through nginx fastcgi_pass, our bridge (embedded Jetty +
# GatewayServlet + FastCgiApplication) and Jetty's own FastCGIProxyServlet (ee11) and core FastCGIProxyHandler,
# all against ONE php-fpm pool
# started here; then FastCGI vs CGI (php-cgi forked per request by fcgiwrap) for the same page behind nginx.
# Ratios are against nginx measured in the same run. Usage: bench/fastcgi-bench.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/php-fpm.sh
SECONDS_PER_RUN=${1:-10}
CONNS=${2:-16}
CHILDREN=4
WORK=$(mktemp -d /tmp/fastcgi-bench.XXXXXX)
PIDS=()
stop_all() {  # fcgiwrap's preforked children outlive their parent, which replaces any killed before it
    for p in "${PIDS[@]}"; do
        kids=$(pgrep -P "$p" || true); kill "$p" 2>/dev/null || true
        [ -n "$kids" ] && kill $kids 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
cleanup() { stop_all; rm -rf "$WORK"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap stop_all EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
rps() {
    local out; out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" "$1")
    if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "errors from $1:" >&2; echo "$out" >&2; fi
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}
check() {  # the page must really come back before it is measured
    local body
    for _ in 1 2 3 4 5; do body=$(curl -s -m 30 "$1" || true); [ "$body" = "Hello, world" ] && return 0; sleep 1; done
    echo "bad answer from $1: $body" >&2; [ -n "${KEEP:-}" ] && echo "kept $WORK" >&2; exit 1
}

# The page: the same for every front end.
mkdir -p "$WORK/www" "$WORK/cgi" "$WORK/tmp"
printf '<?php echo "Hello, world\\n";\n' > "$WORK/www/hello.php"
printf '#!/usr/bin/php-cgi\n<?php echo "Hello, world\\n";\n' > "$WORK/cgi/hello.php"
chmod +x "$WORK/cgi/hello.php"

# php-fpm: pm static, $CHILDREN children.
start_php_fpm "$WORK" "$CHILDREN"

# fcgiwrap for the CGI comparison (php-cgi forked per request).
# TCP, not a Unix socket: nginx's workers run as another user than this script.
WRAP=$(free_port)
/usr/sbin/fcgiwrap -c "$CHILDREN" -s "tcp:127.0.0.1:$WRAP" > "$WORK/fcgiwrap.out" 2>&1 & PIDS+=($!)
wait_port "$WRAP"

# nginx: php-fpm without keep-alive (nginx's default), with keep-alive, and CGI through fcgiwrap.
NGINX=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
error_log $WORK/nginx-error.log;
pid $WORK/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/body; fastcgi_temp_path $WORK/tmp/fcgi; proxy_temp_path $WORK/tmp/proxy;
    uwsgi_temp_path $WORK/tmp/uwsgi; scgi_temp_path $WORK/tmp/scgi;
    upstream fpm_keepalive { server 127.0.0.1:$FPM; keepalive $CHILDREN; keepalive_timeout 1s; }
    server {
        listen 127.0.0.1:$NGINX;
        root $WORK/www;
        location = /hello.php { include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name; fastcgi_pass 127.0.0.1:$FPM; }
        location = /keepalive/hello.php { include /etc/nginx/fastcgi_params; fastcgi_keep_conn on;
            fastcgi_param SCRIPT_FILENAME $WORK/www/hello.php; fastcgi_pass fpm_keepalive; }
        location = /cgi/hello.php { include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $WORK/cgi/hello.php; fastcgi_pass 127.0.0.1:$WRAP; }
    }
}
CONF
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' > "$WORK/nginx.out" 2>&1 & PIDS+=($!)
wait_port "$NGINX"

# The two JVM front ends (one JVM each, default heap).
mvn -B -ntp -q -pl bridge-servlet -DskipTests compile
mvn -B -ntp -q -f bench/fastcgi/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt"
mvn -B -ntp -q -f bench/fastcgi/proxy-servlet-pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/cp-ee11.txt"
CP="$(cat "$WORK/cp.txt"):bridge-servlet/target/classes"
BRIDGE=$(free_port); PROXY=$(free_port); PROXY_SERVLET=$(free_port); BRIDGE_CGI=$(free_port); HELLO=$(free_port)
java -cp "$CP" bench/fastcgi/BenchServer.java bridge "$BRIDGE" "127.0.0.1:$FPM" "$WORK/www" "$CHILDREN" \
    > "$WORK/bridge.out" 2>&1 & PIDS+=($!)
java -cp "$CP" bench/fastcgi/BenchServer.java jetty-proxy "$PROXY" "127.0.0.1:$FPM" "$WORK/www" "$CHILDREN" \
    > "$WORK/proxy.out" 2>&1 & PIDS+=($!)
java -cp "$(cat "$WORK/cp-ee11.txt")" bench/fastcgi/ProxyServletServer.java "$PROXY_SERVLET" "127.0.0.1:$FPM" \
    "$WORK/www" "$CHILDREN" > "$WORK/proxy-servlet.out" 2>&1 & PIDS+=($!)
java -cp "$CP" bench/fastcgi/BenchServer.java bridge "$BRIDGE_CGI" "127.0.0.1:$WRAP" "$WORK/cgi" "$CHILDREN" \
    > "$WORK/bridge-cgi.out" 2>&1 & PIDS+=($!)
java -cp "$CP" bench/fastcgi/BenchServer.java hello "$HELLO" - - 0 > "$WORK/hello.out" 2>&1 & PIDS+=($!)
wait_port "$BRIDGE"; wait_port "$PROXY"; wait_port "$PROXY_SERVLET"; wait_port "$BRIDGE_CGI"; wait_port "$HELLO"

for path in hello.php keepalive/hello.php cgi/hello.php; do check "http://127.0.0.1:$NGINX/$path"; done
# One front end at a time, in ROUNDS interleaved rounds (the machine is shared: load drifts, so every front end
# gets a turn in every round and the median counts). Each lets its kept-alive connections to php-fpm go after
# 1 s idle, so the next one finds free children (a php-fpm child serves one kept-alive connection for its life).
ROUNDS=${ROUNDS:-3}
declare -A URL=(
    [nginx]="http://127.0.0.1:$NGINX/hello.php"
    [nginx-keepalive]="http://127.0.0.1:$NGINX/keepalive/hello.php"
    [bridge]="http://127.0.0.1:$BRIDGE/hello.php"
    [jetty-proxy]="http://127.0.0.1:$PROXY/hello.php"
    [jetty-proxy-servlet]="http://127.0.0.1:$PROXY_SERVLET/hello.php"
    [ceiling]="http://127.0.0.1:$HELLO/hello.php"
    [nginx-cgi]="http://127.0.0.1:$NGINX/cgi/hello.php"
    [bridge-cgi]="http://127.0.0.1:$BRIDGE_CGI/hello.php"
)
ORDER=(nginx nginx-keepalive bridge jetty-proxy-servlet jetty-proxy ceiling nginx-cgi bridge-cgi)
# Warm-up: 5 s for the native front ends; JVM_WARMUP s (default 30) for the JVM ones, whose C2 compiler is still
# busy after 10 s of load on 2 cores (perf: 22% of the machine at 8 s, 7% at 40 s) and would be measured instead.
JVM_WARMUP=${JVM_WARMUP:-30}
for name in "${ORDER[@]}"; do
    check "${URL[$name]}"
    case $name in bridge|jetty-proxy*|ceiling) warm=$JVM_WARMUP ;; *) warm=5 ;; esac
    wrk -t2 -c"$CONNS" -d"${warm}s" "${URL[$name]}" > /dev/null
    sleep 1.5
done
echo "FastCGI bench: $(date -u +%FT%TZ), $(nproc) cores, php-fpm pm=static x$CHILDREN, wrk -t2 -c$CONNS -d${SECONDS_PER_RUN}s, JVMs warmed ${JVM_WARMUP}s, median of $ROUNDS interleaved rounds"
declare -A RUNS
for round in $(seq "$ROUNDS"); do
    for name in "${ORDER[@]}"; do
        RUNS[$name]="${RUNS[$name]:-} $(rps "${URL[$name]}")"
        sleep 1.5
    done
done
median() { python3 -c "import statistics,sys; print(f'{statistics.median(float(x) for x in sys.argv[1:]):.0f}')" $1; }
declare -A MED
for name in "${ORDER[@]}"; do MED[$name]=$(median "${RUNS[$name]}"); done
ratio() { python3 -c "print(f'{$1/$2:.2f}' if $2 else 'n/a')"; }
row() { printf '%-58s %8s %7s   %s\n' "$1" "${MED[$2]}" "$(ratio "${MED[$2]}" "${MED[nginx]}")" "${RUNS[$2]}"; }
printf '%-58s %8s %7s   %s\n' "front end -> backend" "req/s" "x nginx" "(each round)"
row "nginx fastcgi_pass -> php-fpm (no keep-alive)" nginx
row "nginx fastcgi_pass keepalive -> php-fpm" nginx-keepalive
row "bridge: Jetty+GatewayServlet+FastCgiApplication -> php-fpm" bridge
row "Jetty 12.1.10 ee11 FastCGIProxyServlet -> php-fpm" jetty-proxy-servlet
row "Jetty 12.1.10 core FastCGIProxyHandler -> php-fpm" jetty-proxy
row "(ceiling) Jetty+GatewayServlet, same page from Java" ceiling
row "nginx -> fcgiwrap -> php-cgi (CGI: fork per request)" nginx-cgi
row "bridge -> fcgiwrap -> php-cgi (CGI: fork per request)" bridge-cgi
echo "bridge vs Jetty FastCGIProxyServlet: $(ratio "${MED[bridge]}" "${MED[jetty-proxy-servlet]}")x," \
     "vs Jetty core FastCGIProxyHandler: $(ratio "${MED[bridge]}" "${MED[jetty-proxy]}")x;" \
     "FastCGI over CGI, same page: nginx $(ratio "${MED[nginx]}" "${MED[nginx-cgi]}")x," \
     "bridge $(ratio "${MED[bridge]}" "${MED[bridge-cgi]}")x"
