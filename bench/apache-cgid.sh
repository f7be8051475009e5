# Sourced by the CGI benches (POSIX sh): Apache httpd with mod_cgid (event MPM) on a free loopback port.
# start_apache DIR CHECK: serves DIR/cgi-bin/ at /cgi-bin/ and DIR/htdocs at /, config and logs in DIR, pid in
# DIR/httpd.pid (the caller kills it); waits until CHECK (a path, e.g. /cgi-bin/hello.sh) answers, prints the
# port. Run as root, httpd's children and the scripts run as www-data. Needs the caller's free_port.
start_apache() {
    dir=$1; check=$2
    port=$(free_port)
    M=/usr/lib/apache2/modules
    cat > "$dir/httpd.conf" <<CONF
ServerRoot "$dir"
ServerName localhost
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
ErrorLog "$dir/error.log"
LogLevel warn
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule alias_module $M/mod_alias.so
LoadModule cgid_module $M/mod_cgid.so
ScriptSock "$dir/cgid.sock"
$( [ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n' )
DocumentRoot "$dir/htdocs"
<Directory />
  Require all granted
</Directory>
ScriptAlias /cgi-bin/ "$dir/cgi-bin/"
CONF
    # setsid: httpd signals its whole process group at shutdown.
    env -i PATH=/usr/local/bin:/usr/bin:/bin setsid /usr/sbin/apache2 -f "$dir/httpd.conf" -k start > "$dir/apache.out" 2>&1
    for i in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port$check" && break; sleep 0.2; done
    echo "$port"
}
