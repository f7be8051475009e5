package dev.gatewaybridge.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real uWSGI (Debian's {@code uwsgi} with {@code uwsgi-plugin-python3}) serving a WSGI application that the
 * test writes, over SCGI, FastCGI or the uwsgi protocol, on a loopback ephemeral port and optionally also a
 * Unix socket. The config file is written into the test's directory; {@link #close()} stops the master with
 * SIGTERM ({@code die-on-term}) and makes sure no process of it is left.
 *
 * <pre>{@code
 * try (UwsgiRig uwsgi = UwsgiRig.start(dir, UwsgiRig.Protocol.SCGI, Map.of("app.py", FLASK_APP), "app.py")) {
 *     ScgiApplication.builder().backends(uwsgi.tcpAddress()) ...
 * }
 * }</pre>
 */
public final class UwsgiRig implements AutoCloseable {

    /** The protocol uWSGI speaks on its sockets, and its option for a socket of that protocol. */
    public enum Protocol {
        SCGI("scgi-socket"), FASTCGI("fastcgi-socket"), UWSGI("socket");

        final String option;

        Protocol(String option) {
            this.option = option;
        }
    }

    /** Worker processes: enough that a test's slow request does not starve the next one. */
    public static final int PROCESSES = 4;

    private final Process process;
    private final int port;
    private final Path unixSocket;
    private final Path log;
    private final Path config;
    private final Path binary;

    private UwsgiRig(Path binary, Process process, int port, Path unixSocket, Path log, Path config) {
        this.binary = binary;
        this.process = process;
        this.port = port;
        this.unixSocket = unixSocket;
        this.log = log;
        this.config = config;
    }

    /**
     * Writes {@code files} (name → content) into {@code dir} and starts uWSGI serving {@code wsgiFile} with
     * {@value #PROCESSES} worker processes, on a TCP port and the Unix socket {@code dir/uwsgi.sock}. {@code extraIni} lines
     * are added to the config (e.g. {@code "env = DJANGO_SETTINGS_MODULE=site.settings"}).
     */
    public static UwsgiRig start(Path dir, Protocol protocol, Map<String, String> files, String wsgiFile,
            String... extraIni) {
        Path uwsgi = Peers.require("uwsgi", "/usr/bin/uwsgi");
        if (!Files.exists(Path.of("/usr/lib/uwsgi/plugins/python3_plugin.so"))) {
            Peers.require("uwsgi-plugin-python3", "/usr/lib/uwsgi/plugins/python3_plugin.so");
        }
        try {
            for (var f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            int port = Peers.freePort();
            Path sock = dir.resolve("uwsgi.sock");
            Path log = dir.resolve("uwsgi.log");
            List<String> ini = new ArrayList<>(List.of("[uwsgi]", "plugins = python3",
                    protocol.option + " = 127.0.0.1:" + port, protocol.option + " = " + sock,
                    "chdir = " + dir, "pythonpath = " + dir, "wsgi-file = " + dir.resolve(wsgiFile),
                    "master = true", "die-on-term = true", "processes = " + PROCESSES, "need-app = true",
                    "buffer-size = 32768", "disable-logging = true", "logto = " + log));
            ini.addAll(List.of(extraIni));
            Path config = dir.resolve("uwsgi.ini");
            Files.write(config, ini);
            return launch(uwsgi, config, port, sock, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UwsgiRig launch(Path binary, Path config, int port, Path sock, Path log) throws IOException {
        Process process = new ProcessBuilder(binary.toString(), "--ini", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.resolveSibling("uwsgi.out").toFile())).start();
        UwsgiRig rig = new UwsgiRig(binary, process, port, sock, log, config);
        rig.awaitReady();
        return rig;
    }

    /**
     * Stops this uWSGI and starts it again with the same config, port and socket (a backend restart);
     * use the returned rig from then on.
     */
    public UwsgiRig restart() {
        close();
        try {
            Files.deleteIfExists(log);
            return launch(binary, config, port, unixSocket, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:port}, as a backend address. */
    public String tcpAddress() {
        return "127.0.0.1:" + port;
    }

    /** {@code unix:/path}, as a backend address. */
    public String unixAddress() {
        return "unix:" + unixSocket;
    }

    public int port() {
        return port;
    }

    /** uWSGI's log so far (for failure messages). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The master's pid. */
    public long pid() {
        return process.pid();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("uWSGI exited with " + process.exitValue() + ":\n" + log());
            }
            if (accepts() && log().contains("spawned uWSGI worker " + PROCESSES)) {
                return;
            }
            sleep(50);
        }
        close();
        throw new IllegalStateException("uWSGI did not get ready in 20 s:\n" + log());
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            return false;
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(unixSocket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops uWSGI (SIGTERM to the master, then SIGKILL to whatever is left) and waits for every process. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle p : all) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> p).join();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
