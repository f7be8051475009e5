package dev.gatewaybridge.fastcgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.test.Peers;

/** A real nginx in front of a FastCGI backend, the reference client, started and stopped by a test. */
final class Nginx implements AutoCloseable {

    final int port;
    private final Process process;

    private Nginx(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /**
     * nginx on a free loopback port passing {@code *.php} (with nginx's usual split) under {@code root} to
     * {@code fastcgiPass}, with Debian's fastcgi_params and keep-alive to the backend off (nginx's default).
     */
    static Nginx start(Path dir, Path root, String fastcgiPass) throws IOException, InterruptedException {
        return start(dir, root, fastcgiPass, false);
    }

    /**
     * With {@code tryFiles}, Debian's snippets/fastcgi-php.conf: {@code try_files $fastcgi_script_name =404},
     * which sets {@code $uri} to the script's URI (PATH_INFO kept in a variable set before it).
     */
    static Nginx start(Path dir, Path root, String fastcgiPass, boolean tryFiles)
            throws IOException, InterruptedException {
        Path binary = Peers.require("nginx", "/usr/sbin/nginx");
        int port = Peers.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(conf, """
                %6$s
                worker_processes 1;
                error_log %1$s/nginx-error.log;
                pid %1$s/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    proxy_temp_path %1$s/tmp/proxy;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        server_name localhost;
                        root %3$s;
                        location ~ [^/]\\.php(/|$) {
                            fastcgi_split_path_info ^(.+\\.php)(/.*)$;
                            %5$s
                            set $path_info $fastcgi_path_info;
                            fastcgi_pass %4$s;
                            include /etc/nginx/fastcgi_params;
                            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
                            fastcgi_param PATH_INFO $path_info;
                        }
                    }
                }
                """.formatted(dir, port, root, fastcgiPass, tryFiles ? "try_files $fastcgi_script_name =404;" : "",
                // try_files looks at the files: as root, workers (else "nobody") must see the test's 0700 folder
                "root".equals(System.getProperty("user.name")) ? "user root;" : ""));
        Process process = new ProcessBuilder(binary.toString(), "-c", conf.toString(), "-p", dir.toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        Nginx nginx = new Nginx(port, process);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return nginx;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        nginx.close();
        throw new IOException("nginx did not listen on " + port);
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: fast shutdown, workers too
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
