package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.environ;
import static dev.gatewaybridge.cgi.CgiHarness.run;
import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.process.NativeSpawner;
import dev.gatewaybridge.process.SpawnWriter;
import dev.gatewaybridge.test.Peers;

/** The native spawner's own contract: built in CI, chosen by default, its daemon private, robust and reaped. */
class CgiSpawnerTest {

    /** The token of the bad frames: far from the application's own, which count from 1. */
    private static final int BAD = 2_000_000_000;

    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void scripts() throws IOException {
        root = dir.resolve("cgi-bin");
        script(root, "hello.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n");
    }

    /** Skips where the build had no C compiler; CI (CI=true) has one (scripts/install-peers.sh), so it fails. */
    static void requireNative() {
        if (!NativeSpawner.available()) {
            String why = "no " + NativeSpawner.RESOURCE + " on the classpath: bridge-servlet was built without a C"
                    + " compiler (cc); run scripts/install-peers.sh and rebuild";
            if (Peers.inCi()) {
                throw new AssertionError(why + " (CI=true: the native spawner must be tested)");
            }
            Assumptions.abort(why);
        }
    }

    @Test
    void defaultSpawnerIsNativeWhereTheBuildHasIt() throws Exception {
        requireNative();
        try (var app = CgiApplication.builder().root(root).application()) {
            assertEquals("native", app.spawner());
            assertEquals("hello\n", run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).text());
        }
        try (var app = new CgiApplication(Map.of(CgiConfig.ROOT, root.toString(), CgiConfig.SPAWNER, "jdk"))) {
            assertEquals("jdk", app.spawner());
            assertEquals("hello\n", run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).text());
        }
    }

    @Test
    void unknownSpawnerFailsInitNamingTheParamAndValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new CgiApplication(Map.of(CgiConfig.ROOT, root.toString(), CgiConfig.SPAWNER, "fast")));
        assertTrue(e.getMessage().contains("cgi.spawner") && e.getMessage().contains("fast"), e.getMessage());
    }

    @Test
    void daemonSocketIsPrivateAndCloseStopsTheDaemonAndRemovesTheSocket() throws Exception {
        requireNative();
        var app = CgiApplication.builder().spawner("native").root(root).application();
        NativeSpawner spawner = (NativeSpawner) app.spawnerInUse();
        Path socket = spawner.socket();
        ProcessHandle daemon = spawner.daemonProcess();
        try {
            assertEquals("hello\n", run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).text());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
            assertTrue(daemon.isAlive());
        } finally {
            app.close();
        }
        assertFalse(daemon.isAlive(), "daemon still running after close");
        assertFalse(Files.exists(socket), "socket left behind: " + socket);
        long deadline = System.nanoTime() + 5_000_000_000L; // executors shut down without waiting
        while (ProcessCensus.threads("cgi-") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, ProcessCensus.threads("cgi-"), "cgi threads");
    }

    /**
     * Frames that are not what the JVM sends — wrong magic, absurd sizes, counts that do not match, relative
     * paths, a connection that stops mid-frame — are refused one by one, and the daemon keeps serving.
     */
    @Test
    void daemonRefusesMalformedFramesAndKeepsServing() throws Exception {
        requireNative();
        try (var app = CgiApplication.builder().spawner("native").root(root).application()) {
            NativeSpawner spawner = (NativeSpawner) app.spawnerInUse();
            ProcessHandle daemon = spawner.daemonProcess();
            byte[] ok = SpawnWriter.request(1, root, List.of("/bin/true"), Map.of());
            List<byte[]> bad = List.of(
                    "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    header(BAD, 1, 0, Integer.MAX_VALUE),           // payload of 2 GiB
                    header(BAD, 0, 0, 4),                           // no argv
                    header(BAD, 100_000, 0, 10),                    // argc beyond the bound
                    frame(BAD, 1, 0, "/\0/bin/true"),               // no final NUL
                    frame(BAD, 2, 0, "/\0/bin/true\0"),             // fewer strings than counted
                    frame(BAD, 1, 0, "/\0/bin/true\0extra\0"),      // more strings than counted
                    frame(BAD, 1, 0, "relative\0bin/true\0"),       // relative directory and program
                    frame(BAD, 1, 1, "/\0/bin/true\0NOEQUALS\0"),   // environment entry without '='
                    java.util.Arrays.copyOf(ok, ok.length - 3));  // stops mid-frame, then closes
            for (byte[] b : bad) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(spawner.socket()))) {
                    ch.write(ByteBuffer.wrap(b));
                    ch.shutdownOutput();
                    assertEquals(-1, ch.read(ByteBuffer.allocate(16)), "nothing is written on a refused connection");
                }
                assertTrue(daemon.isAlive(), "daemon died on a bad frame");
            }
            assertEquals("hello\n", run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).text());
        }
    }

    @Test
    void daemonThatDiesIsRestartedOnTheNextRequest() throws Exception {
        requireNative();
        try (var app = CgiApplication.builder().spawner("native").root(root).application()) {
            NativeSpawner spawner = (NativeSpawner) app.spawnerInUse();
            ProcessHandle first = spawner.daemonProcess();
            Path firstSocket = spawner.socket();
            first.destroyForcibly();
            first.onExit().get(5, TimeUnit.SECONDS);
            int status = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (status != 200 && System.nanoTime() < deadline) {
                status = run(app, environ("GET", "/cgi-bin", "/hello.sh", "")).status();
            }
            assertEquals(200, status);
            assertTrue(spawner.daemonProcess().isAlive() && spawner.daemonProcess().pid() != first.pid());
            assertFalse(Files.exists(firstSocket), "the killed daemon's socket is left behind: " + firstSocket);
        }
    }

    private static byte[] header(int token, int argc, int envc, int length) {
        return ByteBuffer.allocate(20).put("GBS1".getBytes(StandardCharsets.US_ASCII)).putInt(token).putInt(argc)
                .putInt(envc).putInt(length).array();
    }

    private static byte[] frame(int token, int argc, int envc, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(20 + p.length).put(header(token, argc, envc, p.length)).put(p).array();
    }
}
