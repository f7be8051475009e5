#!/usr/bin/env bash
# Page sizes (issue 12): latency p50/p99 at concurrency 1 (wrk -t1 -c1 --latency) and requests/s at 32
# connections for pages of 100 B, 4 KiB, 12 KiB, 64 KiB, 1 MiB and one flushed in four 3 KiB parts, through
# the bridges and through their usual servers, all up at once, measured in interleaved rounds:
#   fastcgi: the bridge (keepConn on/off) and nginx fastcgi_pass (upstream keep-alive on/off), over TCP and a
#            Unix socket, to ONE php-fpm 8.2 (a TCP pool and a Unix-socket pool, pm static, CHILDREN each);
#   scgi:    the bridge and nginx scgi_pass, over TCP and a Unix socket, to ONE uWSGI (WSGI app, same pages);
#   cgi:     the bridge (CgiApplication, native spawner) and Apache mod_cgid, the same /bin/sh scripts.
# The bridges run in one JVM (bench/fastcgi/BenchServer.java pages), each on its own Jetty 12.1 server.
# nginx is configured as Debian ships it (worker_processes auto, worker_connections 768, Debian's
# fastcgi-php snippet); php-fpm reads Debian's php.ini (output_buffering 4096, opcache) when it is installed.
# Prints a table per protocol: median over ROUNDS of p50, p99 (ms) and req/s per configuration and size, and
# for each bridge row the ratios to the best native configuration at that size and to its throughput peer
# (nginx without keep-alive on the same socket kind; Apache for CGI). It also flags a bridge whose p50 for a
# multi-write page (12k, parts) is more than CHECK_RATIO x its p50 for the one-write 4k page (exit 3 then).
#
# Usage: bench/page-bench.sh              (from anywhere; a full run: see bench/README.md, "Page sizes")
# Environment (defaults):
#   PROTOCOLS="fastcgi scgi cgi"   SIZES="100 4k 12k 64k 1m parts"
#   MODES="tcp-keep tcp-close unix-keep unix-close tcp unix fork"   (fastcgi: the first four; scgi: tcp unix;
#          cgi: fork; a configuration runs when its mode is listed, e.g. SIZES=12k MODES=tcp-keep)
#   SERVERS="bridge native"  ROUNDS=3  DURATION=5s (each wrk run)  CONNS=32  CHILDREN=4 (php-fpm children per
#   pool, uWSGI processes; also the bridge's fastcgi.maxConnections and nginx's keep-alive in all)
#   WARMUP=30s (each bridge configuration, spread over the sizes: C2 needs it on 2 cores)  NATIVE_WARMUP=3s
#   GAP=1.5 (s of pause after a configuration that keeps connections: its idle ones close after 1 s, so the
#   next one finds php-fpm's children free)  CHECK_RATIO=3  KEEP=1 (keep the work dir)
#   LOCK=/tmp/gb-bench.lock (taken for the whole run, waited for if another bench holds it; LOCK= to skip)
#   PHP_INI=/etc/php/8.2/fpm/php.ini (PHP_INI= for none)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. bench/php-fpm.sh
. bench/apache-cgid.sh

PROTOCOLS=${PROTOCOLS:-fastcgi scgi cgi}
SIZES=${SIZES:-100 4k 12k 64k 1m parts}
MODES=${MODES:-tcp-keep tcp-close unix-keep unix-close tcp unix fork}
SERVERS=${SERVERS:-bridge native}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
CHILDREN=${CHILDREN:-4}
WARMUP=${WARMUP:-30s}
NATIVE_WARMUP=${NATIVE_WARMUP:-3s}
GAP=${GAP:-1.5}
CHECK_RATIO=${CHECK_RATIO:-3}
LOCK=${LOCK-/tmp/gb-bench.lock}
PHP_INI=${PHP_INI-/etc/php/8.2/fpm/php.ini}
[ -f "$PHP_INI" ] || PHP_INI=
export PHP_INI
declare -A BYTES=([100]=100 [4k]=4096 [12k]=12288 [64k]=65536 [1m]=1048576 [parts]=12288)
for s in $SIZES; do [ -n "${BYTES[$s]:-}" ] || { echo "page-bench: unknown size $s (${!BYTES[*]})" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "page-bench: wrk not found (Debian package wrk)" >&2; exit 1; }

if [ -n "$LOCK" ]; then
    exec 9>>"$LOCK"
    flock -n 9 || { echo "page-bench: waiting for $LOCK (another bench runs)" >&2; flock 9; }
fi

WORK=$(mktemp -d /tmp/page-bench.XXXXXX)
chmod 755 "$WORK"   # nginx's and Apache's workers (www-data when run as root) read below it
PIDS=()
stop_all() {
    [ -f "$WORK/apache/httpd.pid" ] && kill "$(cat "$WORK/apache/httpd.pid")" 2>/dev/null || true
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
cleanup() { stop_all; if [ -n "${KEEP:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
listed() { [[ " $2 " == *" $1 "* ]]; }   # listed WORD "LIST"

# --- The configurations: name -> protocol, side (bridge|native), mode, URL pattern (%s: size), peer --------------
NAMES=()
declare -A PROTO SIDE MODE URL PEER
add() { # add NAME PROTOCOL SIDE MODE PEER: registered if its protocol, side and mode are selected
    listed "$2" "$PROTOCOLS" && listed "$3" "$SERVERS" && listed "$4" "$MODES" || return 0
    NAMES+=("$1"); PROTO[$1]=$2; SIDE[$1]=$3; MODE[$1]=$4; PEER[$1]=$5
}
for t in tcp unix; do
    for k in keep close; do
        add "fastcgi-bridge-$t-$k" fastcgi bridge "$t-$k" "fastcgi-nginx-$t-close"
        add "fastcgi-nginx-$t-$k" fastcgi native "$t-$k" ""
    done
    add "scgi-bridge-$t" scgi bridge "$t" "scgi-nginx-$t"
    add "scgi-nginx-$t" scgi native "$t" ""
done
add cgi-bridge cgi bridge fork cgi-apache
add cgi-apache cgi native fork ""
[ ${#NAMES[@]} -gt 0 ] || { echo "page-bench: nothing selected (PROTOCOLS, MODES, SERVERS)" >&2; exit 1; }
has() { for n in "${NAMES[@]}"; do [[ ${PROTO[$n]} == "$1" && ( -z "${2:-}" || ${SIDE[$n]} == "$2" ) ]] && return 0; done; return 1; }

# --- The pages: the same sizes for every protocol -----------------------------------------------------------------
mkdir -p "$WORK/www" "$WORK/apache/cgi-bin" "$WORK/apache/htdocs" "$WORK/nginx" "$WORK/bodies"
for s in 100 4k 12k 64k 1m; do
    printf '<?php echo str_repeat("x", %d);\n' "${BYTES[$s]}" > "$WORK/www/page-$s.php"
    head -c "${BYTES[$s]}" /dev/zero | tr '\0' x > "$WORK/bodies/$s"
    printf '#!/bin/sh\nprintf "Content-Type: text/html\\n\\n"\nexec cat %s\n' "$WORK/bodies/$s" > "$WORK/apache/cgi-bin/page-$s.cgi"
done
# The page in four parts: four writes by the backend (flush() past Debian's output_buffering; four WSGI
# items; four printf builtins, each one write).
printf '<?php for ($i = 0; $i < 4; $i++) { echo str_repeat("x", 3072); if (ob_get_level()) ob_flush(); flush(); }\n' \
    > "$WORK/www/page-parts.php"
{ printf '#!/bin/sh\nprintf "Content-Type: text/html\\n\\n"\n'
  for _ in 1 2 3 4; do printf "printf %%s %s\n" "$(head -c 3072 /dev/zero | tr '\0' x)"; done; } > "$WORK/apache/cgi-bin/page-parts.cgi"
cat > "$WORK/pages.py" <<'PY'
SIZES = {"100": 100, "4k": 4096, "12k": 12288, "64k": 65536, "1m": 1048576}
PAGES = {name: b"x" * n for name, n in SIZES.items()}
PART = b"x" * 3072


def application(environ, start_response):
    path = environ.get("PATH_INFO") or environ.get("REQUEST_URI", "").split("?")[0]
    name = path.rsplit("/page-", 1)[-1]
    if name == "parts":  # four items, four writes, no Content-Length (as the PHP page)
        start_response("200 OK", [("Content-Type", "text/html")])
        return [PART, PART, PART, PART]
    body = PAGES.get(name)
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such page\n"]
    start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
    return [body]
PY
chmod -R a+rX "$WORK"; chmod 755 "$WORK"/apache/cgi-bin/*.cgi

# --- The backends and native servers --------------------------------------------------------------------------------
if has fastcgi; then start_php_fpm "$WORK" "$CHILDREN" "$WORK/fpm.sock"; fi
if has scgi; then
    UWSGI=$(free_port)
    /usr/bin/uwsgi --plugin python3 --scgi-socket "127.0.0.1:$UWSGI" --scgi-socket "$WORK/uwsgi.sock" \
        --chmod-socket=666 --wsgi-file "$WORK/pages.py" --master --die-on-term --processes "$CHILDREN" \
        --disable-logging --listen 1024 --logto "$WORK/uwsgi.log" & PIDS+=($!)
    wait_port "$UWSGI"
fi
if has cgi native; then
    APACHE=$(start_apache "$WORK/apache" /cgi-bin/page-100.cgi)
    URL[cgi-apache]="http://127.0.0.1:$APACHE/cgi-bin/page-%s.cgi"
fi

# nginx as Debian ships it; one server per configuration. Upstream keep-alive is per worker: each keeps at most
# CHILDREN / workers idle connections, so all of nginx never holds more than php-fpm has children.
WORKERS=$(nproc); KEEPALIVE=$(( CHILDREN / WORKERS > 0 ? CHILDREN / WORKERS : 1 ))
servers=""
for n in "${NAMES[@]}"; do
    [ "${SIDE[$n]}" = native ] && [ "${PROTO[$n]}" != cgi ] || continue
    port=$(free_port); URL[$n]="http://127.0.0.1:$port/page-%s"
    case ${MODE[$n]} in tcp*) fpm=127.0.0.1:${FPM:-0}; scgi=127.0.0.1:${UWSGI:-0} ;; *) fpm=unix:$WORK/fpm.sock; scgi=unix:$WORK/uwsgi.sock ;; esac
    if [ "${PROTO[$n]}" = scgi ]; then
        pass="include /etc/nginx/scgi_params; scgi_pass $scgi;"
    else
        URL[$n]+=".php"
        case ${MODE[$n]} in
            *-keep) servers+="upstream $n { server $fpm; keepalive $KEEPALIVE; keepalive_timeout 1s; }"$'\n'
                    pass="fastcgi_keep_conn on; fastcgi_pass $n;" ;;
            *) pass="fastcgi_pass $fpm;" ;;
        esac
        # Debian's snippets/fastcgi-php.conf, with its include made absolute.
        pass="location ~ [^/]\\.php(/|\$) { fastcgi_split_path_info ^(.+?\\.php)(/.*)\$;
            try_files \$fastcgi_script_name =404; set \$path_info \$fastcgi_path_info;
            fastcgi_param PATH_INFO \$path_info; fastcgi_index index.php; include /etc/nginx/fastcgi.conf; $pass }"
    fi
    servers+="server { listen 127.0.0.1:$port; root $WORK/www; location / { $pass } }"$'\n'
done
if [ -n "$servers" ]; then
    cat > "$WORK/nginx/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo 'user www-data;' )
worker_processes auto;
error_log $WORK/nginx/error.log;
pid $WORK/nginx/nginx.pid;
events { worker_connections 768; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
$servers}
CONF
    /usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -g 'daemon off;' > "$WORK/nginx/out" 2>&1 & PIDS+=($!)
fi

# --- The bridges: one JVM, one Jetty server each --------------------------------------------------------------------
specs=()
for n in "${NAMES[@]}"; do
    [ "${SIDE[$n]}" = bridge ] || continue
    case ${PROTO[$n]}:${MODE[$n]} in
        fastcgi:tcp-*) b=127.0.0.1:$FPM ;; fastcgi:*) b=unix:$WORK/fpm.sock ;;
        scgi:tcp) b=127.0.0.1:$UWSGI ;; scgi:*) b=unix:$WORK/uwsgi.sock ;;
    esac
    case ${PROTO[$n]} in
        fastcgi) specs+=("$n=fastcgi,$b,$WORK/www,$CHILDREN,${MODE[$n]#*-}") ;;
        scgi) specs+=("$n=scgi,$b") ;;
        cgi) specs+=("$n=cgi,$WORK/apache/cgi-bin") ;;
    esac
done
if [ ${#specs[@]} -gt 0 ]; then
    BUILD="mvn -B -ntp -q -pl bridge-servlet -DskipTests compile"
    $BUILD
    mvn -B -ntp -q -f bench/fastcgi/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt"
    java -cp "$(cat "$WORK/cp.txt"):bridge-servlet/target/classes" bench/fastcgi/BenchServer.java pages "${specs[@]}" \
        > "$WORK/bridges.out" 2>&1 & PIDS+=($!)
    for _ in $(seq 300); do grep -q '^READY' "$WORK/bridges.out" && break; kill -0 "${PIDS[-1]}" 2>/dev/null || break; sleep 0.2; done
    grep -q '^READY' "$WORK/bridges.out" || { echo "page-bench: the bridges did not start:" >&2; cat "$WORK/bridges.out" >&2; exit 1; }
    while read -r _ n port; do
        case ${PROTO[$n]} in
            fastcgi) URL[$n]="http://127.0.0.1:$port/page-%s.php" ;;
            scgi) URL[$n]="http://127.0.0.1:$port/page-%s" ;;
            cgi) URL[$n]="http://127.0.0.1:$port/cgi-bin/page-%s.cgi" ;;
        esac
    done < <(grep '^PORT ' "$WORK/bridges.out")
fi

# --- Measuring --------------------------------------------------------------------------------------------------------
url() { printf "${URL[$1]}" "$2"; }   # url NAME SIZE
check() { # check NAME SIZE: the page comes back whole before it is measured
    local got
    for _ in $(seq 20); do
        got=$(curl -s -o /dev/null -m 30 -w '%{http_code} %{size_download}' "$(url "$1" "$2")" || true)
        [ "$got" = "200 ${BYTES[$2]}" ] && return 0; sleep 0.5
    done
    echo "page-bench: $1 answered $(url "$1" "$2") with '$got' (status, bytes), not '200 ${BYTES[$2]}'" >&2; exit 1
}
errors() { awk '/Non-2xx|Socket errors/ {printf "%s", "!"}' <<<"$1"; }
# latency URL -> "p50 p99 errors" (ms): wrk's --latency percentiles at one connection
latency() {
    local out; out=$(wrk -t1 -c1 -d"$DURATION" --latency "$1"); echo "$out" >> "$WORK/wrk.log"
    awk 'function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
         /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } END { if (p50 == "") printf "nan nan"; else printf "%.3f %.3f", p50, p99 }' <<<"$out"
    echo " $(errors "$out")-"
}
rps() {
    local out; out=$(wrk -t2 -c"$CONNS" -d"$DURATION" "$1"); echo "$out" >> "$WORK/wrk.log"
    awk '/^Requests\/sec/ {printf "%s", $2}' <<<"$out"; echo " $(errors "$out")-"
}
rest() { [[ ${MODE[$1]} == *-keep ]] && sleep "$GAP" || true; }   # let its kept-alive connections go
secs() { local s=${1%s}; echo "${s%.*}"; }

for n in "${NAMES[@]}"; do for s in $SIZES; do check "$n" "$s"; done; done
set -- $SIZES; NSIZES=$#
for n in "${NAMES[@]}"; do
    w=$NATIVE_WARMUP; [ "${SIDE[$n]}" = bridge ] && w=$WARMUP
    each=$(( $(secs "$w") / NSIZES )); [ "$each" -gt 0 ] || each=1
    echo "warm-up: $n ${each}s per size"
    for s in $SIZES; do wrk -t2 -c"$CONNS" -d"${each}s" "$(url "$n" "$s")" > /dev/null; done
    rest "$n"
done

RESULTS=$WORK/results.txt
STARTED=$(date -u +%FT%TZ)
echo "page-bench: $STARTED, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); ROUNDS=$ROUNDS DURATION=$DURATION CONNS=$CONNS CHILDREN=$CHILDREN WARMUP=$WARMUP"
for round in $(seq "$ROUNDS"); do
    for s in $SIZES; do
        # Each round starts the list at another configuration: none always runs first or right after another.
        k=${#NAMES[@]}
        for i in $(seq 0 $(( k - 1 ))); do
            n=${NAMES[$(( (i + round - 1) % k ))]}
            read -r p50 p99 e1 <<<"$(latency "$(url "$n" "$s")")"
            read -r r e2 <<<"$(rps "$(url "$n" "$s")")"
            echo "${PROTO[$n]} $s $n $round $p50 $p99 $r ${e1%-}${e2%-}-" | tee -a "$RESULTS"
            rest "$n"
        done
    done
done

# --- The table ---------------------------------------------------------------------------------------------------------
for n in "${NAMES[@]}"; do echo "$n ${SIDE[$n]} ${PEER[$n]:--}"; done > "$WORK/configs.txt"
[ -n "${KEEP:-}" ] && echo "raw figures: $RESULTS"
python3 - "$RESULTS" "$WORK/configs.txt" "$SIZES" "$CHECK_RATIO" <<'PY'
import statistics, sys
results, configs, sizes, check_ratio = sys.argv[1], sys.argv[2], sys.argv[3].split(), float(sys.argv[4])
side, peer, order = {}, {}, []
for line in open(configs):
    name, s, p = line.split()
    side[name], peer[name] = s, (None if p == "-" else p)
    order.append(name)
runs = {}
for line in open(results):
    proto, size, name, _round, p50, p99, rps, err = line.split()
    r = runs.setdefault((name, size), {"proto": proto, "p50": [], "p99": [], "rps": [], "err": ""})
    for m, v in (("p50", p50), ("p99", p99), ("rps", rps)):
        if v not in ("nan", ""):  # nan: wrk finished no request at one connection in the whole run
            r[m].append(float(v))
    r["err"] += err.strip("-")
nan = float("nan")
med = {k: {m: statistics.median(v[m]) if v[m] else nan for m in ("p50", "p99", "rps")}
       | {"proto": v["proto"], "err": v["err"]} for k, v in runs.items()}
fmt = "{:<6} {:<26} {:>8} {:>8} {:>9} {:>10} {:>10} {:>10}"
flagged = []
for proto in ("fastcgi", "scgi", "cgi"):
    names = [n for n in order if any(med.get((n, s), {}).get("proto") == proto for s in sizes)]
    if not names:
        continue
    native = [n for n in names if side[n] == "native"]
    print(f"\n{proto}: median of the rounds; p50/p99 ms at 1 connection, req/s at 32; "
          "ratios: p50 / best native p50, req/s / best native req/s, req/s / peer req/s (goal >= 1)")
    print(fmt.format("size", "configuration", "p50", "p99", "req/s", "p50/best", "rps/best", "rps/peer"))
    for s in sizes:
        best_p50 = min((med[(n, s)]["p50"] for n in native if (n, s) in med and med[(n, s)]["p50"] > 0), default=None)
        best_rps = max((med[(n, s)]["rps"] for n in native if (n, s) in med and med[(n, s)]["rps"] > 0), default=None)
        for n in names:
            m = med.get((n, s))
            if m is None:
                continue
            ratios = ["", "", ""]
            if side[n] == "bridge":
                if best_p50: ratios[0] = f"{m['p50'] / best_p50:.2f}"
                if best_rps: ratios[1] = f"{m['rps'] / best_rps:.2f}"
                if peer[n] and (peer[n], s) in med: ratios[2] = f"{m['rps'] / med[(peer[n], s)]['rps']:.2f}"
            mark = " (errors)" if m["err"] else ""
            print(fmt.format(s, n.removeprefix(proto + "-"), f"{m['p50']:.3f}", f"{m['p99']:.3f}",
                             f"{m['rps']:.0f}", *ratios) + mark)
    for n in names:
        if side[n] != "bridge" or (n, "4k") not in med:
            continue
        for s in ("12k", "parts"):
            if (n, s) in med and med[(n, s)]["p50"] > check_ratio * med[(n, "4k")]["p50"]:
                flagged.append(f"{n}: p50 {s} {med[(n, s)]['p50']:.3f} ms > {check_ratio:g} x p50 4k "
                               f"{med[(n, '4k')]['p50']:.3f} ms (a multi-write page stalls)")
if flagged:
    print("\nCHECK FAILED:\n  " + "\n  ".join(flagged))
    sys.exit(3)
PY
