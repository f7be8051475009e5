# Sourced by the FastCGI benches: starts the one php-fpm pool they measure against.
# start_php_fpm DIR CHILDREN: php-fpm 8.2 in the foreground on a free loopback port, pm static with
# CHILDREN children, its config and logs in DIR; sets FPM to the port and appends its pid to PIDS.
# Needs the caller's free_port and wait_port.
start_php_fpm() {
    local dir=$1 children=$2
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
    local rootflag=(); [ "$(id -u)" = 0 ] && rootflag=(-R)  # php-fpm refuses to run as root without -R
    /usr/sbin/php-fpm8.2 -F -n -y "$dir/fpm.conf" -p "$dir" "${rootflag[@]}" > "$dir/fpm.out" 2>&1 & PIDS+=($!)
    wait_port "$FPM"
}
