# Sourced by the FastCGI benches: starts the one php-fpm they measure against.
# start_php_fpm DIR CHILDREN [SOCKET]: php-fpm 8.2 in the foreground on a free loopback port, pm static with
# CHILDREN children, its config and logs in DIR; sets FPM to the port and appends its pid to PIDS.
# With SOCKET, the same master also runs a second pool, the same but listening on that Unix socket (Debian's
# owner and mode: www-data, 0660), so TCP and Unix socket are measured on one php-fpm, one pool each.
# PHP_INI=FILE (environment): that php.ini, and the conf.d php-fpm scans beside it, instead of none (-n).
# Needs the caller's free_port and wait_port.
start_php_fpm() {
    local dir=$1 children=$2 socket=${3:-}
    FPM=$(free_port)
    cat > "$dir/fpm.conf" <<CONF
[global]
error_log = $dir/fpm.log
daemonize = no
[www]
listen = 127.0.0.1:$FPM
listen.backlog = 512
pm = static
pm.max_children = $children
CONF
    [ -n "$socket" ] && cat >> "$dir/fpm.conf" <<CONF
[www-unix]
listen = $socket
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
listen.backlog = 512
pm = static
pm.max_children = $children
CONF
    local flags=(-n); [ -n "${PHP_INI:-}" ] && flags=(-c "$PHP_INI")
    [ "$(id -u)" = 0 ] && flags+=(-R)  # php-fpm refuses to run as root without -R
    /usr/sbin/php-fpm8.2 -F "${flags[@]}" -y "$dir/fpm.conf" -p "$dir" > "$dir/fpm.out" 2>&1 & PIDS+=($!)
    wait_port "$FPM"
    if [ -n "$socket" ]; then
        for _ in $(seq 100); do [ -S "$socket" ] && return 0; sleep 0.1; done
        echo "php-fpm: no socket $socket" >&2; return 1
    fi
}
