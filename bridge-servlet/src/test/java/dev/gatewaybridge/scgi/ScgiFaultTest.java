package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.UwsgiRig;

/** Backends that are down, silent, killed mid-response or talking nonsense. */
class ScgiFaultTest {

    static UwsgiRig uwsgi;

    @BeforeAll
    static void start() throws Exception {
        uwsgi = UwsgiRig.start(Files.createTempDirectory("scgi-faults"), UwsgiRig.Protocol.SCGI,
                Map.of("app.py", ScgiFlaskTest.FLASK_APP), "app.py");
    }

    @AfterAll
    static void stop() {
        if (uwsgi != null) {
            uwsgi.close();
        }
    }

    private static ScgiApplication.Builder bridge(String... backends) {
        return ScgiApplication.builder().backends(backends)
                .timeouts(Duration.ofSeconds(2), Duration.ofMillis(700), Duration.ofSeconds(20));
    }

    private static String deadAddress() {
        return "127.0.0.1:" + Peers.freePort();
    }

    @Test
    void aBackendThatIsDownIs502WithOneLogLineNamingIt() {
        String dead = deadAddress();
        try (ServletContainer c = ServletContainer.jetty(bridge(dead).build())) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(502, r.status());
            assertTrue(c.logged("502", dead, "refused"), String.join("\n", c.log()));
        }
    }

    @Test
    void aDownBackendIsFailedOverAndThenSkipped() {
        String dead = deadAddress();
        ScgiApplication app = bridge(dead, uwsgi.tcpAddress()).build();
        try (ServletContainer c = ServletContainer.jetty(app)) {
            for (int i = 0; i < 6; i++) {
                assertEquals(200, RawHttp.get(c.port(), "/").status());
            }
            var down = app.backends().backends().get(0);
            assertFalse(down.isUp(System.nanoTime()), "the dead backend is marked down");
            assertTrue(c.log().isEmpty(), "failover is silent to the client: " + c.log());
        }
    }

    @Test
    void aSilentBackendIs504WithinTheReadTimeout() {
        try (ServletContainer c = ServletContainer.jetty(bridge(uwsgi.tcpAddress()).build())) {
            long start = System.nanoTime();
            var r = RawHttp.get(c.port(), "/slow?s=2");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, r.status());
            assertTrue(ms >= 600 && ms < 2500, "answered after " + ms + " ms");
            assertTrue(c.logged("504", "read timeout"), String.join("\n", c.log()));
        }
    }

    @Test
    void theTotalTimeoutBoundsTheWholeExchange() {
        ScgiApplication app = ScgiApplication.builder().backends(uwsgi.tcpAddress())
                .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMillis(800)).build();
        try (ServletContainer c = ServletContainer.jetty(app)) {
            long start = System.nanoTime();
            assertEquals(504, RawHttp.get(c.port(), "/slow?s=2").status());
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2500);
            assertTrue(c.logged("504", "total timeout"), String.join("\n", c.log()));
        }
    }

    @Test
    void aBackendKilledMidResponseAbortsTheClientsResponse() {
        try (ServletContainer c = ServletContainer.jetty(bridge(uwsgi.tcpAddress()).build())) {
            var r = RawHttp.get(c.port(), "/die");
            assertEquals(200, r.status());
            assertEquals("1000000", r.header("Content-Length"));
            assertFalse(r.complete(), "a cut response must not look complete: " + r.body().length + " bytes");
            assertTrue(r.body().length < 1_000_000);
            // uWSGI's master respawns the worker: the next request is fine.
            assertEquals(200, RawHttp.get(c.port(), "/").status());
        }
    }

    @Test
    void aGarbageResponseIs502WithOneLogLineNamingTheBytes() throws Exception {
        try (GarbageBackend garbage = new GarbageBackend(out -> write(out, "\u0000\u0001garbage here\r\n\r\n"));
             ServletContainer c = ServletContainer.jetty(bridge("127.0.0.1:" + garbage.port()).build())) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(502, r.status());
            assertTrue(c.logged("502", "SCGI backend 127.0.0.1:" + garbage.port(), "garbage here"),
                    String.join("\n", c.log()));
            assertEquals(1, c.log().stream().filter(l -> l.contains("garbage")).count(), String.join("\n", c.log()));
        }
    }

    @Test
    void aWholeResponseWithItsContentLengthIsSentWithoutWaitingForTheBackendToClose() throws Exception {
        // A backend that answers completely, then keeps the connection open: the bridge has all the body the
        // head declared and lets the connection go at once instead of reading on to the read timeout (30 s).
        var sawClose = new java.util.concurrent.CompletableFuture<String>();
        try (GarbageBackend lingering = new GarbageBackend(out -> {
                 write(out, "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
             }, socket -> {
                 try {
                     socket.setSoTimeout(10_000);
                     sawClose.complete(socket.getInputStream().read() < 0 ? "closed" : "more bytes");
                 } catch (IOException e) {
                     sawClose.complete("still open after 10 s: " + e);
                 }
             });
             ServletContainer c = ServletContainer.jetty(ScgiApplication.builder()
                     .backends("127.0.0.1:" + lingering.port())
                     .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60)).build())) {
            var r = RawHttp.get(c.port(), "/");
            assertEquals(200, r.status());
            assertEquals("hello", r.text());
            assertEquals("5", r.header("Content-Length"));
            assertEquals("closed", sawClose.get(20, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void twoDifferentContentLengthsAre502NamingBoth() throws Exception {
        try (GarbageBackend two = new GarbageBackend(out -> write(out,
                "Status: 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello"));
             ServletContainer c = ServletContainer.jetty(bridge("127.0.0.1:" + two.port()).build())) {
            assertEquals(502, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("two different Content-Length", "\"5\"", "\"7\""), String.join("\n", c.log()));
        }
    }

    @Test
    void aBackendThatClosesWithoutAnsweringIs502() throws Exception {
        try (GarbageBackend silent = new GarbageBackend(out -> { });
             ServletContainer c = ServletContainer.jetty(bridge("127.0.0.1:" + silent.port()).build())) {
            assertEquals(502, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("502", "empty"), String.join("\n", c.log()));
        }
    }

    @Test
    void aRestartedBackendIsServedAgainWithNoFailedRequestOnceItIsBack() throws Exception {
        UwsgiRig own = UwsgiRig.start(Files.createTempDirectory("scgi-restart"), UwsgiRig.Protocol.SCGI,
                Map.of("app.py", ScgiFlaskTest.FLASK_APP), "app.py");
        try (ServletContainer c = ServletContainer.jetty(bridge(own.tcpAddress()).build())) {
            assertEquals(200, RawHttp.get(c.port(), "/").status());
            own.close();
            assertEquals(502, RawHttp.get(c.port(), "/").status(), "down while stopped");
            own = own.restart();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, RawHttp.get(c.port(), "/").status(), "request " + i + " after the restart");
            }
        } finally {
            own.close();
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersAndNoBody() {
        try (ServletContainer c = ServletContainer.jetty(bridge(uwsgi.tcpAddress()).build())) {
            try (RawHttp http = RawHttp.open(c.port())) {
                http.send("HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                var r = http.readResponse(true);
                assertEquals(200, r.status());
                assertEquals("16", r.header("Content-Length"));
                assertTrue(http.closedByServer(), "no body bytes after the head");
            }
            assertTrue(c.log().isEmpty(), String.join("\n", c.log()));
        }
    }

    @Test
    void aClosedBridgeRefusesWith503() {
        ScgiApplication app = bridge(uwsgi.tcpAddress()).build();
        app.close();
        var e = assertThrows(dev.gatewaybridge.api.HttpStatusException.class,
                () -> app.call(new java.util.HashMap<>(Map.of("REQUEST_METHOD", "GET")), (s, h, x) -> null));
        assertEquals(503, e.status());
    }

    @Test
    void badConfigurationFailsNamingTheParam() {
        var missing = assertThrows(IllegalArgumentException.class, () -> new ScgiApplication(Map.of()));
        assertTrue(missing.getMessage().contains(ScgiApplication.BACKENDS), missing.getMessage());
        var typo = assertThrows(IllegalArgumentException.class, () -> new ScgiApplication(Map.of(
                ScgiApplication.BACKENDS, "127.0.0.1:9000", "scgi.readTimeOut", "5s")));
        assertTrue(typo.getMessage().contains("scgi.readTimeOut"), typo.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> new ScgiApplication(Map.of(
                ScgiApplication.BACKENDS, "127.0.0.1:9000", ScgiApplication.READ_TIMEOUT, "soon")));
        assertTrue(bad.getMessage().contains(ScgiApplication.READ_TIMEOUT) && bad.getMessage().contains("soon"));
        var address = assertThrows(IllegalArgumentException.class, () -> new ScgiApplication(Map.of(
                ScgiApplication.BACKENDS, "localhost")));
        assertTrue(address.getMessage().contains(ScgiApplication.BACKENDS) && address.getMessage().contains("localhost"));
        var size = assertThrows(IllegalArgumentException.class, () -> new ScgiApplication(Map.of(
                ScgiApplication.BACKENDS, "127.0.0.1:9000", ScgiApplication.MAX_BUFFERED_BODY, "lots")));
        assertTrue(size.getMessage().contains(ScgiApplication.MAX_BUFFERED_BODY), size.getMessage());
    }

    private static void write(OutputStream out, String s) {
        try {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An SCGI "server" that reads the request head and answers whatever the test says, then closes: the
     * misbehaving backend no packaged server can be made to be.
     */
    static final class GarbageBackend implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        GarbageBackend(Consumer<OutputStream> answer) throws IOException {
            this(answer, socket -> { });
        }

        /** {@code after}: what the backend does with the connection once it answered, before it closes it. */
        GarbageBackend(Consumer<OutputStream> answer, Consumer<Socket> after) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        ScgiParser.parse(s.getInputStream(), (n, v) -> { }, ScgiParser.DEFAULT_MAX_BYTES);
                        answer.accept(s.getOutputStream());
                        after.accept(s);
                    } catch (IOException | RuntimeException e) {
                        // closed, or a probe: next
                    }
                }
            }, "garbage-backend");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }

}
