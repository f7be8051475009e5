#!/usr/bin/env bash
# Installs the real peers the tests talk to (Debian packages). Idempotent: does nothing when all are present.
# The tests start their own instances on loopback ephemeral ports with configs they write; the services the
# packages start at install time are stopped so nothing else listens or runs behind our back.
set -euo pipefail

PACKAGES=(
  wrk                                  # load generator for bench/
  php-fpm php-cgi                      # PHP over FastCGI and as CGI
  nginx                                # reference FastCGI client (differential tests, bench)
  apache2                              # mod_cgi / mod_cgid (differential tests, bench)
  fcgiwrap                             # CGI scripts over FastCGI
  uwsgi uwsgi-plugin-python3           # Python apps over FastCGI and SCGI
  python3 python3-flask python3-django # the Python apps uWSGI serves, and wsgiref CGI apps
  perl libcgi-pm-perl                  # Perl CGI scripts
  git gitweb                           # a real CGI program with index.cgi beside static/ (cgi.index, cgi.static)
  procps                               # ps/pgrep for leak checks
  gcc libc6-dev                        # cc for bridge-servlet's native CGI spawner (gateway-spawn.c)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-peers: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Stop what the packages started at install (they are not ours to leave running).
for svc in nginx apache2 php*-fpm uwsgi fcgiwrap; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
echo "install-peers: ${#PACKAGES[@]} packages present"
