#!/usr/bin/env bash
# Requests/s of ScgiApplication (Jetty + GatewayServlet -> SCGI) against nginx scgi_pass, both in front of
# the same uWSGI serving a plain WSGI hello over SCGI, measured in the same run, interleaved.
# Usage: bench/scgi-bench.sh [seconds-per-round] [connections] [rounds]
# Needs: uwsgi + uwsgi-plugin-python3, nginx, wrk, a JDK 17, mvn (offline cache is enough).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_ROUND=${1:-10}
CONNECTIONS=${2:-16}
ROUNDS=${3:-3}
WORK=$(mktemp -d /tmp/scgi-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 1. The backend: uWSGI, plain WSGI hello, 2 workers.
cat > "$WORK/hello.py" <<'PY'
def application(environ, start_response):
    body = b"Hello, World!\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
PY
UWSGI_PORT=$(free_port)
/usr/bin/uwsgi --plugin python3 --scgi-socket "127.0.0.1:$UWSGI_PORT" --wsgi-file "$WORK/hello.py" \
  --master --die-on-term --processes 2 --disable-logging --listen 1024 --logto "$WORK/uwsgi.log" &
PIDS+=($!)

# 2. The baseline: nginx scgi_pass to it, one worker (the bridge gets no more cores than nginx uses).
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
error_log $WORK/nginx/logs/error.log warn;
pid $WORK/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream app { server 127.0.0.1:$UWSGI_PORT; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { include /etc/nginx/scgi_params; scgi_pass app; }
  }
}
CONF
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
PIDS+=($!)

# 3. The bridge: Jetty + GatewayServlet + ScgiApplication, from the module's compiled classes.
mvn -B -ntp -q -o -pl bridge-servlet test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="bridge-servlet/target/classes:bridge-servlet/target/test-classes:$(cat "$WORK/cp.txt")"
java -Xms256m -Xmx256m -cp "$CP" bench/ScgiBenchServer.java "127.0.0.1:$UWSGI_PORT" > "$WORK/bridge.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 150); do grep -q '^PORT ' "$WORK/bridge.out" 2>/dev/null && break; sleep 0.2; done
BRIDGE_PORT=$(awk '/^PORT /{print $2}' "$WORK/bridge.out")
[ -n "$BRIDGE_PORT" ] || { cat "$WORK/bridge.out"; exit 1; }

check() { curl -fsS "http://127.0.0.1:$1/" | grep -q 'Hello, World!' || { echo "no hello on port $1"; exit 1; }; }
check "$NGINX_PORT"; check "$BRIDGE_PORT"

rps() { wrk -t2 -c"$CONNECTIONS" -d"$1"s "http://127.0.0.1:$2/" | awk '/Requests\/sec/{print $2}'; }
echo "warm-up (JIT): bridge 25s, nginx 5s..."
rps 25 "$BRIDGE_PORT" >/dev/null; rps 5 "$NGINX_PORT" >/dev/null

echo "round nginx_rps bridge_rps bridge/nginx"
for r in $(seq 1 "$ROUNDS"); do
  n=$(rps "$SECONDS_PER_ROUND" "$NGINX_PORT")
  b=$(rps "$SECONDS_PER_ROUND" "$BRIDGE_PORT")
  echo "$r $n $b $(awk -v b="$b" -v n="$n" 'BEGIN{printf "%.2f", b/n}')"
done
echo "(wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_ROUND}s; uWSGI 2 workers; nginx 1 worker; $(nproc) cores, shared)"
