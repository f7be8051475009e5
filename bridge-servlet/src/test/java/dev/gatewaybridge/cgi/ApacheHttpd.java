package dev.gatewaybridge.cgi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.test.Peers;

/**
 * A real Apache httpd (Debian apache2) serving {@code /cgi-bin/} from a directory with mod_cgi (prefork) or
 * mod_cgid (event), on a free loopback port, with a config written into a temp dir; stopped by close(),
 * leaving no process behind.
 */
final class ApacheHttpd implements AutoCloseable {

    static final String MODULES = "/usr/lib/apache2/modules";

    private final Process process;
    private final int port;
    private final Path dir;

    private ApacheHttpd(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts Apache in {@code dir} with ScriptAlias /cgi-bin/ → {@code cgiBin} and DocumentRoot {@code docRoot}.
     * {@code cgid} picks mod_cgid with the event MPM (Debian's default) over mod_cgi with prefork.
     */
    static ApacheHttpd start(Path dir, Path cgiBin, Path docRoot, boolean cgid, String extra) throws Exception {
        Path httpd = Peers.require("apache2", "/usr/sbin/apache2");
        // Apache runs CGI as www-data when started as root: it must reach the test's files.
        openUp(dir);
        int port = Peers.freePort();
        String mpm = cgid ? "mpm_event" : "mpm_prefork";
        String conf = "ServerRoot \"" + dir + "\"\n"
                + "ServerName localhost\n"
                + "Listen 127.0.0.1:" + port + "\n"
                + "PidFile \"" + dir + "/httpd.pid\"\n"
                + "DefaultRuntimeDir \"" + dir + "\"\n"
                + "ErrorLog \"" + dir + "/error.log\"\n"
                + "LogLevel warn\n"
                + "LoadModule " + mpm + "_module " + MODULES + "/mod_" + mpm + ".so\n"
                + "LoadModule authz_core_module " + MODULES + "/mod_authz_core.so\n"
                + "LoadModule alias_module " + MODULES + "/mod_alias.so\n"
                + (cgid ? "LoadModule cgid_module " + MODULES + "/mod_cgid.so\nScriptSock \"" + dir + "/cgid.sock\"\n"
                        : "LoadModule cgi_module " + MODULES + "/mod_cgi.so\n")
                + (isRoot() ? "User www-data\nGroup www-data\n" : "")
                + "DocumentRoot \"" + docRoot + "\"\n"
                + "<Directory />\n  Require all granted\n</Directory>\n"
                + "ScriptAlias /cgi-bin/ \"" + cgiBin + "/\"\n"
                + extra;
        Path file = dir.resolve("httpd.conf");
        Files.writeString(file, conf);
        // setsid: at shutdown httpd signals its whole process group, which would otherwise be ours (and the
        // build's). Not a group leader, setsid execs in place, so the Process is httpd itself.
        ProcessBuilder pb = new ProcessBuilder(Peers.require("setsid", "/usr/bin/setsid").toString(),
                httpd.toString(), "-f", file.toString(), "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", CgiConfig.DEFAULT_PATH);
        Process p = pb.start();
        ApacheHttpd apache = new ApacheHttpd(p, port, dir);
        apache.awaitListening();
        return apache;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Makes {@code dir} and everything below readable and traversable by other users. */
    static void openUp(Path dir) throws IOException {
        for (Path p = dir; p != null && p.startsWith(Path.of(System.getProperty("java.io.tmpdir"))); p = p.getParent()) {
            if (p.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                break;
            }
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (var all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                if (Files.isDirectory(p) || Files.isExecutable(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("apache2 exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("apache2 did not listen on " + port + ": " + log());
    }

    int port() {
        return port;
    }

    String log() {
        try {
            return Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM (graceful stop of the foreground httpd and its children), then SIGKILL of what is left. */
    @Override
    public void close() {
        var descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (descendants.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }
}
