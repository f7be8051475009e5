package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.BackendUnavailableException;
import dev.gatewaybridge.api.BadGatewayException;
import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.upstream.Param;

/** Pooling, multiplexing, balancing and every fault, against the in-test FastCGI server. */
class FastCgiBackendTest {

    private static final String OK = "Content-Type: text/plain\r\n\r\n";

    private static FastCgiApplication.Builder app(String... backends) {
        return FastCgiApplication.builder().backends(backends).connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10));
    }

    @Test
    void multiplexesRequestsOnOneConnectionWhenTheBackendSaysItCan() throws Exception {
        CyclicBarrier allThree = new CyclicBarrier(3);
        Map<String, String> values = Map.of(FCGI_MAX_CONNS, "1", FCGI_MAX_REQS, "10", FCGI_MPXS_CONNS, "1");
        try (TestBackend backend = new TestBackend(values, true, (r, out) -> {
            allThree.await(20, TimeUnit.SECONDS); // only passes if three requests are in flight together
            out.stdout(OK + "id " + r.id()).end();
        }); FastCgiApplication fcgi = app(backend.backend()).connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(20)).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Call>> calls = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    calls.add(pool.submit(() -> Call.of("GET", "/").run(fcgi)));
                }
                List<String> bodies = new ArrayList<>();
                for (Future<Call> f : calls) {
                    bodies.add(f.get(30, TimeUnit.SECONDS).text());
                }
                assertEquals(List.of("id 1", "id 2", "id 3"), bodies.stream().sorted().toList());
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2, backend.accepted.get(), "one probe for FCGI_GET_VALUES, one connection for all requests");
            assertEquals(1, fcgi.pools().get(0).maxConnections());
            assertEquals(10, fcgi.pools().get(0).requestsPerConnection());
        }
    }

    @Test
    void keptAliveConnectionServesRequestAfterRequest() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> out.stdout(OK + r.params().get("QUERY_STRING")).end());
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            for (int i = 0; i < 20; i++) {
                assertEquals("n=" + i, Call.of("GET", "/?n=" + i).run(fcgi).text());
            }
            assertEquals(2, backend.accepted.get(), "a probe, then one kept-alive connection");
            assertTrue(backend.seen.stream().allMatch(TestBackend.Request::keepConn), "FCGI_KEEP_CONN set");
        }
    }

    @Test
    void poolSizeComesFromFcgiMaxConns() throws Exception {
        try (TestBackend backend = new TestBackend(Map.of(FCGI_MAX_CONNS, "2"), false,
                (r, out) -> out.stdout(OK).end()); FastCgiApplication fcgi = app(backend.backend()).build()) {
            Call.of("GET", "/").run(fcgi);
            assertEquals(2, fcgi.pools().get(0).maxConnections());
        }
    }

    @Test
    void backendThatAcceptsAndNeverAnswersIs504WithinTheReadTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FastCgiApplication fcgi = app("127.0.0.1:" + silent.getLocalPort()).connectTimeout(Duration.ofMillis(300))
                     .readTimeout(Duration.ofMillis(500)).build()) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> Call.of("GET", "/").run(fcgi));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, e.status(), e.getMessage());
            assertTrue(millis < 3000, "took " + millis + " ms");
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void totalTimeoutCutsABackendThatTricklesOutput() throws Exception {
        try (TestBackend backend = new TestBackend(Map.of(), true, (r, out) -> {
            out.stdout(OK);
            for (int i = 0; i < 50 && !out.aborted; i++) {
                out.stdout(".");
                Thread.sleep(100);
            }
            out.end();
        }); FastCgiApplication fcgi = app(backend.backend()).totalTimeout(Duration.ofMillis(700)).build()) {
            long start = System.nanoTime();
            assertThrows(RuntimeException.class, () -> Call.of("GET", "/").run(fcgi));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
        }
    }

    @Test
    void totalTimeoutEndsAnUploadToABackendThatStoppedReading() throws Exception {
        // A backend that accepts and never reads: the upload blocks once the socket buffers are full, and only
        // the total timeout (the upkeep sweep closing the connection) can end the write.
        try (java.net.ServerSocket mute = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
                FastCgiApplication fcgi = app("127.0.0.1:" + mute.getLocalPort()).maxBodySize(64 << 20)
                        .totalTimeout(Duration.ofMillis(700)).build()) {
            long start = System.nanoTime();
            Exception e = assertThrows(Exception.class,
                    () -> Call.of("POST", "/").body("application/octet-stream", new byte[32 << 20]).run(fcgi));
            long took = System.nanoTime() - start;
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(700) && took < TimeUnit.SECONDS.toNanos(5),
                    took / 1_000_000 + " ms: " + e);
        }
    }

    @Test
    void readTimeoutOfABlockingReadIs504WithinAQuarterOfIt() throws Exception {
        // The request thread blocks in read(); only the sweep (every quarter of the read timeout) can end it,
        // by closing the channel, and that must surface as a timeout (504), not as a failed backend (502).
        try (TestBackend backend = new TestBackend(Map.of(), true, (r, out) -> {
            for (int i = 0; i < 300 && !out.aborted; i++) {
                Thread.sleep(10);
            }
        }); FastCgiApplication fcgi = app(backend.backend()).readTimeout(Duration.ofMillis(400)).build()) {
            long start = System.nanoTime();
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> Call.of("GET", "/").run(fcgi));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("sent nothing for 400 ms"), e.getMessage());
            assertTrue(millis >= 400 && millis < 400 + 100 + 700, "took " + millis + " ms");
            assertEquals(0, fcgi.pools().get(0).size(), "the timed-out connection is closed, not pooled");
        }
    }

    @Test
    void anUploadTheBackendStoppedReadingIs504AfterTheReadTimeout() throws Exception {
        // A backend that accepts and never reads: the blocking write stalls once the socket buffers are full,
        // and the sweep ends it after the read timeout (as nginx's fastcgi_send_timeout) with a 504.
        try (ServerSocket mute = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             FastCgiApplication fcgi = app("127.0.0.1:" + mute.getLocalPort()).connectTimeout(Duration.ofMillis(300))
                     .maxBodySize(64 << 20).readTimeout(Duration.ofMillis(500)).build()) {
            long start = System.nanoTime();
            HttpStatusException e = assertThrows(HttpStatusException.class,
                    () -> Call.of("POST", "/").body("application/octet-stream", new byte[32 << 20]).run(fcgi));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("took no request bytes for 500 ms"), e.getMessage());
            assertTrue(millis >= 500 && millis < 4000, "took " + millis + " ms");
        }
    }

    @Test
    void aBackendThatClosesKeptAliveConnectionsIsNeitherMarkedDownNorFailsARequest() throws Exception {
        // As php-fpm with pm.max_requests: the connection closes right after an answer. Reused at once, it is
        // not looked at first (that costs system calls on every request): the request fails before any output
        // and goes again on another connection, and that says nothing against the backend's health.
        try (TestBackend closer = new TestBackend((r, out) -> {
            out.stdout(OK + "closer").end();
            out.raw.close();
        }); TestBackend steady = new TestBackend((r, out) -> out.stdout(OK + "steady").end());
             FastCgiApplication fcgi = app(closer.backend(), steady.backend()).maxFails(1)
                     .failTimeout(Duration.ofMinutes(1)).build()) {
            for (int i = 0; i < 12; i++) {
                String text = Call.of("GET", "/").run(fcgi).text();
                assertTrue(text.equals("closer") || text.equals("steady"), text);
            }
            assertTrue(closer.requests.get() >= 4, "closer served " + closer.requests.get() + " of 12: marked down");
        }
    }

    @Test
    void aConnectionClosedWhileIdleIsDroppedBeforeAnUploadThatCannotBeSentAgain() throws Exception {
        // A body over the replay limit streams from the client once: the pooled connection must be looked at
        // before it is used, however briefly it was idle.
        try (TestBackend closer = new TestBackend((r, out) -> {
            out.stdout(OK + r.stdin().length).end();
            out.raw.close();
        }); FastCgiApplication fcgi = app(closer.backend()).requestBuffering(false).build()) {
            byte[] big = new byte[FastCgiApplication.REPLAYABLE_BODY + 1];
            for (int i = 0; i < 5; i++) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (closer.openConnections() > 0 && System.nanoTime() < end) {
                    Thread.sleep(1); // closed by the backend, however briefly idle (a close in flight: no test)
                }
                assertEquals("" + big.length, Call.of("POST", "/").body("application/octet-stream", big).run(fcgi)
                        .text(), "request " + i);
            }
            Thread.sleep(2 * TimeUnit.NANOSECONDS.toMillis(ConnectionPool.LOOK_AFTER_IDLE));
            assertEquals("0", Call.of("GET", "/").run(fcgi).text(), "idle past the look-after time, then a GET");
        }
    }

    @Test
    void aFreedConnectionGoesToTheLongestWaiterNotToANewcomer() throws Exception {
        try (TestBackend backend = new TestBackend(Map.of(FCGI_MAX_CONNS, "1"), false, (r, out) -> out.stdout(OK).end());
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            Call.of("GET", "/").run(fcgi); // learns the size (1) and pools the connection
            ConnectionPool pool = fcgi.pools().get(0);
            FastCgiConnection held = pool.acquire(1000, false);
            List<Integer> order = new CopyOnWriteArrayList<>();
            List<Thread> waiters = new ArrayList<>();
            java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
            for (int i = 1; i <= 3; i++) {
                int n = i;
                Thread t = new Thread(() -> {
                    try {
                        FastCgiConnection c = pool.acquire(5000, false);
                        order.add(n);
                        assertSame(held, c, "the one connection, handed on");
                        checked.await(); // hold it until the newcomer was turned away
                        pool.released(c);
                    } catch (IOException | InterruptedException e) {
                        throw new RuntimeException(e);
                    }
                });
                t.start();
                waiters.add(t);
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (pool.waiting() < n && System.nanoTime() < end) {
                    Thread.sleep(1);
                }
                assertEquals(n, pool.waiting(), "waiter " + n + " queued");
            }
            pool.released(held);
            // The slot went to waiter 1 at once: a newcomer that will not wait finds none, even before it runs.
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> pool.acquire(0, false));
            assertEquals(503, e.status(), e.getMessage());
            checked.countDown();
            for (Thread t : waiters) {
                t.join(5000);
            }
            assertEquals(List.of(1, 2, 3), order, "served in arrival order");
            assertEquals(0, pool.busy());
            assertEquals(0, pool.waiting());
            assertEquals(1, pool.size());
        }
    }

    @Test
    void theThreadThatFreesAConnectionSendsTheWaitersRequestOnIt() throws Exception {
        try (TestBackend backend = new TestBackend(Map.of(FCGI_MAX_CONNS, "1"), false,
                (r, out) -> out.stdout(OK + r.params().get("QUERY_STRING")).end());
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            Call.of("GET", "/").run(fcgi);
            ConnectionPool pool = fcgi.pools().get(0);
            FastCgiConnection held = pool.acquire(1000, false);
            List<Param> params = List.of(new Param("QUERY_STRING", "waiter"), new Param("REQUEST_METHOD", "GET"));
            ConnectionPool.Outgoing request = new ConnectionPool.Outgoing(FCGI_RESPONDER, true, params, new byte[0], null);
            Future<String> answer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            }).submit(() -> {
                FastCgiConnection c = pool.acquire(5000, false, request);
                FastCgiExchange sent = request.take();
                assertNotNull(sent, "sent by the releasing thread");
                return new String(sent.stdoutStream(5000, Long.MAX_VALUE, c).readAllBytes(), StandardCharsets.UTF_8);
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.waiting() < 1 && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            pool.released(held);
            assertEquals(OK + "waiter", answer.get(5, TimeUnit.SECONDS));
            assertEquals(2, backend.requests.get());
            assertEquals(0, pool.busy());
        }
    }

    @Test
    void waitersThatTimeOutWhileSlotsAreHandedOnLoseNoConnection() throws Exception {
        // 8 threads on 1 connection, each willing to wait 30 ms: some get 503, racing the hand-over of the
        // connection to them; none may take it with it. Afterwards the pool is whole and answers at once.
        // 10 ms a request: 7 others ahead of a waiter take longer than its 30 ms. (It was 2 ms, and the race
        // happened only because every answer also waited 40 ms for a delayed ACK: see FastCgiDelayedAckTest.)
        try (TestBackend backend = new TestBackend(Map.of(FCGI_MAX_CONNS, "1"), false, (r, out) -> {
            Thread.sleep(10);
            out.stdout(OK + "ok").end();
        }); FastCgiApplication fcgi = app(backend.backend()).connectTimeout(Duration.ofMillis(30)).build()) {
            Call.of("GET", "/").run(fcgi);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> {
                    int[] counts = new int[2];
                    for (int i = 0; i < 40; i++) {
                        Call c = Call.of("GET", "/").run(fcgi);
                        if (c.code() == 503) {
                            assertEquals("1", c.header("Retry-After"));
                            counts[1]++;
                        } else {
                            assertEquals("ok", c.text());
                            counts[0]++;
                        }
                    }
                    return counts;
                }));
            }
            int ok = 0;
            int busy = 0;
            for (Future<int[]> f : results) {
                ok += f.get(60, TimeUnit.SECONDS)[0];
                busy += f.get()[1];
            }
            threads.shutdown();
            assertEquals(320, ok + busy);
            assertTrue(ok > 0 && busy > 0, ok + " served, " + busy + " timed out: no race exercised");
            ConnectionPool pool = fcgi.pools().get(0);
            assertEquals(0, pool.busy());
            assertEquals(0, pool.waiting());
            assertEquals(1, pool.size());
            assertEquals("ok", Call.of("GET", "/").run(fcgi).text());
        }
    }

    @Test
    void garbageRecordsAre502NamingTheFault() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> {
            out.raw.write("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.raw.flush();
        }); FastCgiApplication fcgi = app(backend.backend()).build()) {
            HttpStatusException e = assertThrows(HttpStatusException.class, () -> Call.of("GET", "/").run(fcgi));
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("unsupported FastCGI version 72"), e.getMessage());
            assertEquals(0, fcgi.pools().get(0).size(), "the broken connection is not pooled");
        }
    }

    @Test
    void invalidCgiHeadersFromTheBackendAre502() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> out.stdout("no header section\r\n").end());
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            BadGatewayException e = assertThrows(BadGatewayException.class, () -> Call.of("GET", "/").run(fcgi));
            assertEquals(502, e.status());
        }
    }

    @Test
    void overloadedBackendIs502NamingFcgiOverloaded() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> out.end(0, FCGI_OVERLOADED));
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            FastCgiRejectedException e = assertThrows(FastCgiRejectedException.class,
                    () -> Call.of("GET", "/").run(fcgi));
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("FCGI_OVERLOADED"), e.getMessage());
        }
    }

    @Test
    void allBackendsDownIs502NamingEach() throws Exception {
        int a = Peers.freePort();
        int b = Peers.freePort();
        try (FastCgiApplication fcgi = app("127.0.0.1:" + a, "127.0.0.1:" + b).build()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Call.of("GET", "/").run(fcgi));
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains(":" + a) && e.getMessage().contains(":" + b), e.getMessage());
        }
    }

    @Test
    void failsOverToTheNextBackendAndMarksTheDeadOneDown() throws Exception {
        int dead = Peers.freePort();
        try (TestBackend live = new TestBackend((r, out) -> out.stdout(OK + "live").end());
             FastCgiApplication fcgi = app("127.0.0.1:" + dead, live.backend()).failTimeout(Duration.ofMinutes(1)).build()) {
            for (int i = 0; i < 4; i++) {
                assertEquals("live", Call.of("GET", "/").run(fcgi).text());
            }
            assertEquals(4, live.requests.get());
        }
    }

    @Test
    void roundRobinSpreadsRequestsOverBackends() throws Exception {
        try (TestBackend one = new TestBackend((r, out) -> out.stdout(OK + "1").end());
             TestBackend two = new TestBackend((r, out) -> out.stdout(OK + "2").end());
             FastCgiApplication fcgi = app(one.backend(), two.backend()).build()) {
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                seen.append(Call.of("GET", "/").run(fcgi).text());
            }
            assertEquals(3, one.requests.get(), seen.toString());
            assertEquals(3, two.requests.get(), seen.toString());
        }
    }

    @Test
    void leastBusyAvoidsTheBackendWithARequestInFlight() throws Exception {
        try (TestBackend slow = new TestBackend(Map.of(), true, (r, out) -> {
            out.stdout(OK + "slow");
            while (!out.aborted) {
                Thread.sleep(20);
            }
            out.end();
        }); TestBackend fast = new TestBackend((r, out) -> out.stdout(OK + "fast").end());
             FastCgiApplication fcgi = app(slow.backend(), fast.backend()).balance("least-busy").build()) {
            Call first = Call.of("GET", "/");
            Iterable<byte[]> held = null;
            // Find a request that went to the slow backend and keep it open.
            for (int i = 0; i < 2 && held == null; i++) {
                Iterable<byte[]> body = fcgi.call(Call.of("GET", "/").environ, (s, h, e) -> d -> { });
                Iterator<byte[]> it = body.iterator();
                if (new String(it.next(), StandardCharsets.UTF_8).equals("slow")) {
                    held = body;
                } else {
                    Bodies.close(body);
                }
            }
            assertNotNull(held, first.toString());
            for (int i = 0; i < 4; i++) {
                assertEquals("fast", Call.of("GET", "/").run(fcgi).text());
            }
            Bodies.close(held);
        }
    }

    @Test
    void clientThatLeavesSendsAbortRequestAndFreesTheConnection() throws Exception {
        try (TestBackend backend = new TestBackend(Map.of(), true, (r, out) -> {
            out.stdout(OK + "first chunk");
            for (int i = 0; i < 200 && !out.aborted; i++) {
                Thread.sleep(10);
            }
            out.end(out.aborted ? 1 : 0, FCGI_REQUEST_COMPLETE);
        }); FastCgiApplication fcgi = app(backend.backend()).build()) {
            Iterable<byte[]> body = fcgi.call(Call.of("GET", "/").environ, (s, h, e) -> d -> { });
            assertEquals("first chunk", new String(body.iterator().next(), StandardCharsets.UTF_8));
            Bodies.close(body); // the servlet does this when the client is gone
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (backend.aborts.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(List.of(1), backend.aborts);
            while (fcgi.pools().get(0).busy() != 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(0, fcgi.pools().get(0).busy(), "the slot freed at FCGI_END_REQUEST");
            assertEquals("ok", drain(fcgi, backend));
        }
    }

    private static String drain(FastCgiApplication fcgi, TestBackend backend) throws Exception {
        return backend.requests.get() > 0 ? "ok" : "no request";
    }

    @Test
    void stderrLinesGoToWsgiErrorsAndParamsFollowNginx() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> out.stderr("line one\nline t").stderr("wo\n")
                .stdout(OK + "x").end()); FastCgiApplication fcgi = app(backend.backend())
                .root("/srv/www").scriptPattern("^(.+\\.php)(/.*)$").param("APP_ENV", "test").build()) {
            Call c = Call.of("POST", "/blog/index.php/2024/post?p=1").header("Proxy", "evil:1")
                    .header("X-Custom", "v").body("text/plain", "hello".getBytes()).run(fcgi);
            assertEquals("line one\nline two\n", c.errors.toString().replace("\r\n", "\n"));
            Map<String, String> p = backend.seen.get(0).params();
            assertEquals("/blog/index.php", p.get("SCRIPT_NAME"));
            assertEquals("/2024/post", p.get("PATH_INFO"));
            assertEquals("/srv/www/blog/index.php", p.get("SCRIPT_FILENAME"));
            assertEquals("/srv/www", p.get("DOCUMENT_ROOT"));
            assertEquals("p=1", p.get("QUERY_STRING"));
            assertEquals("5", p.get("CONTENT_LENGTH"));
            assertEquals("v", p.get("HTTP_X_CUSTOM"));
            assertEquals("test", p.get("APP_ENV"));
            assertEquals("200", p.get("REDIRECT_STATUS"));
            assertFalse(p.containsKey("HTTP_PROXY"), "httpoxy");
            assertEquals("hello", new String(backend.seen.get(0).stdin(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void bodyLargerThanTheReplayLimitIsStreamedAsStdin() throws Exception {
        byte[] big = new byte[FastCgiApplication.REPLAYABLE_BODY * 3 + 5];
        java.util.Arrays.fill(big, (byte) 'b');
        try (TestBackend backend = new TestBackend((r, out) -> out.stdout(OK + r.stdin().length).end());
             FastCgiApplication fcgi = app(backend.backend()).build()) {
            assertEquals(Integer.toString(big.length), Call.of("PUT", "/").body("application/octet-stream", big)
                    .run(fcgi).text());
        }
    }

    @Test
    void badConfigurationFailsNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FastCgiApplication(Map.of()));
        assertTrue(e.getMessage().contains(FastCgiApplication.BACKENDS), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FastCgiApplication(
                Map.of(FastCgiApplication.BACKENDS, "localhost:9000", FastCgiApplication.READ_TIMEOUT, "soon")));
        assertTrue(e.getMessage().contains(FastCgiApplication.READ_TIMEOUT) && e.getMessage().contains("soon"));
        e = assertThrows(IllegalArgumentException.class, () -> new FastCgiApplication(
                Map.of(FastCgiApplication.BACKENDS, "localhost")));
        assertTrue(e.getMessage().contains("localhost"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FastCgiApplication(
                Map.of(FastCgiApplication.BACKENDS, "unix:/x.sock", FastCgiApplication.MAX_CONNECTIONS, "-1")));
        assertTrue(e.getMessage().contains(FastCgiApplication.MAX_CONNECTIONS), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FastCgiApplication(
                Map.of(FastCgiApplication.BACKENDS, "unix:/x.sock", "fastcgi.maxConnection", "4")));
        assertTrue(e.getMessage().contains("fastcgi.maxConnection"), "a misspelt parameter: " + e.getMessage());
    }

    @Test
    void unexpectedFailureSurfacesAsIoNotACleanEnd() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> {
            out.stdout(OK + "partial");
            out.raw.close(); // dies before FCGI_END_REQUEST
        }); FastCgiApplication fcgi = app(backend.backend()).build()) {
            Iterable<byte[]> body = fcgi.call(Call.of("GET", "/").environ, (s, h, e) -> d -> { });
            Iterator<byte[]> it = body.iterator();
            assertEquals("partial", new String(it.next(), StandardCharsets.UTF_8));
            UncheckedIOException e = assertThrows(UncheckedIOException.class, it::hasNext);
            assertTrue(e.getMessage().contains("before FCGI_END_REQUEST"), e.getMessage());
            Bodies.close(body);
        }
    }
}
