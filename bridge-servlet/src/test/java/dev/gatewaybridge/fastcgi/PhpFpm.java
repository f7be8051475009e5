package dev.gatewaybridge.fastcgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.test.Peers;

/**
 * A real php-fpm started for a test on a loopback port or a Unix socket, with a config and a document root
 * the test writes, and stopped by {@link #close()} with all its children.
 */
final class PhpFpm implements AutoCloseable {

    final Path dir;
    final Path docroot;
    final String listen;
    private final String pm;
    private final int children;
    private Process process;

    private PhpFpm(Path dir, String listen, String pm, int children) throws IOException {
        this.dir = dir;
        this.docroot = Files.createDirectories(dir.resolve("www"));
        this.listen = listen;
        this.pm = pm;
        this.children = children;
    }

    /** php-fpm on 127.0.0.1 and a free port, {@code pm} static or ondemand with {@code children} workers. */
    static PhpFpm tcp(Path dir, String pm, int children) throws IOException {
        return new PhpFpm(dir, "127.0.0.1:" + Peers.freePort(), pm, children);
    }

    /** php-fpm on a Unix domain socket in {@code dir}. */
    static PhpFpm unix(Path dir, String pm, int children) throws IOException {
        return new PhpFpm(dir, dir.resolve("fpm.sock").toString(), pm, children);
    }

    /** The backend address for {@code fastcgi.backends}. */
    String backend() {
        return listen.startsWith("/") ? "unix:" + listen : listen;
    }

    /** Writes {@code www/name}. */
    PhpFpm page(String name, String php) throws IOException {
        Path file = docroot.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, php);
        return this;
    }

    PhpFpm start() throws IOException, InterruptedException {
        Path binary = Peers.require("php-fpm", "/usr/sbin/php-fpm*");
        Path conf = dir.resolve("php-fpm.conf");
        Files.writeString(conf, String.join("\n",
                "[global]",
                "error_log = " + dir.resolve("fpm.log"),
                "daemonize = no",
                "[www]",
                "listen = " + listen,
                "listen.backlog = 64",
                "pm = " + pm,
                "pm.max_children = " + children,
                "pm.process_idle_timeout = 10s",
                "catch_workers_output = yes",
                "php_admin_flag[log_errors] = on",
                "php_admin_value[upload_tmp_dir] = " + dir,
                ""));
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-F", "-y", conf.toString(),
                "-p", dir.toString(), "-n", "-d", "upload_tmp_dir=" + dir));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-R"); // php-fpm refuses to run workers as root without it
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("fpm.out").toFile()).start();
        awaitListening(Duration.ofSeconds(10));
        return this;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IOException("php-fpm exited: " + Files.readString(dir.resolve("fpm.out")));
            }
            if (listening()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("php-fpm did not listen on " + listen + " within " + timeout);
    }

    private boolean listening() {
        if (listen.startsWith("/")) {
            return Files.exists(Path.of(listen));
        }
        int colon = listen.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The master's pid (tests that kill workers). */
    long pid() {
        return process.pid();
    }

    /** Worker processes now. */
    List<ProcessHandle> workers() {
        return process.toHandle().children().toList();
    }

    /** Kills php-fpm hard (SIGKILL, master and workers), as a crash would. */
    void kill() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : all) {
            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> h).join();
        }
        if (listen.startsWith("/")) {
            try {
                Files.deleteIfExists(Path.of(listen));
            } catch (IOException e) {
                // next start recreates it
            }
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = process.descendants().toList();
        process.destroy(); // SIGTERM: php-fpm stops its workers
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
