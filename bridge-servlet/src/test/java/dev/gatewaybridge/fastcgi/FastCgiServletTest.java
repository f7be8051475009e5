package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.SlowClient;

/** FastCgiApplication behind the real GatewayServlet in Jetty and Tomcat, with real php-fpm and faults. */
class FastCgiServletTest {

    @TempDir
    Path dir;

    private static FastCgiApplication.Builder php(PhpFpm fpm, int max) {
        return FastCgiApplication.builder().backends(fpm.backend()).root(fpm.docroot.toString())
                .scriptPattern("^(.+\\.php)(/.*)$").maxConnections(max).connectTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(10));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aMappingAtItsConnectionLimitAnswers503WithRetryAfter(ServletContainer.Kind kind) throws Exception {
        try (PhpFpm fpm = PhpFpm.unix(dir, "static", 1).page("slow.php", "<?php usleep(1500000); echo 'slow';").start();
             FastCgiApplication app = php(fpm, 1).connectTimeout(Duration.ofMillis(200)).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                Future<RawHttp.Response> slow = one.submit(() -> RawHttp.get(c.port(), "/slow.php"));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (app.pools().get(0).busy() == 0 && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                RawHttp.Response busy = RawHttp.get(c.port(), "/slow.php");
                assertEquals(503, busy.status(), busy::toString);
                assertEquals("1", busy.header("Retry-After"), busy::toString);
                assertEquals(200, slow.get(10, TimeUnit.SECONDS).status());
            } finally {
                one.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"JETTY,tcp", "TOMCAT,tcp", "JETTY,unix", "TOMCAT,unix"})
    void aRequestWhoseWorkerIsKilledBeforeItsHeadersIs502AndRunsOnce(ServletContainer.Kind kind, String transport)
            throws Exception {
        // Issue 11 §7: the request reached a worker, so it is not proven harmless: it must not be sent again.
        Path ran = dir.resolve("ran");
        Files.writeString(ran, "");
        String page = "<?php file_put_contents('" + ran + "', getmypid() . \"\\n\", FILE_APPEND);"
                + " sleep(5); echo 'ran';";
        try (PhpFpm fpm = (transport.equals("tcp") ? PhpFpm.tcp(dir, "static", 2) : PhpFpm.unix(dir, "static", 2))
                .page("hello.php", "<?php echo 'hello';").page("victim.php", page).start();
             FastCgiApplication app = php(fpm, 2).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            assertEquals(200, RawHttp.get(c.port(), "/hello.php").status()); // pools a connection: reused next
            ExecutorService one = Executors.newSingleThreadExecutor();
            try {
                long started = System.nanoTime();
                Future<RawHttp.Response> victim = one.submit(() -> RawHttp.get(c.port(), "/victim.php"));
                long end = started + TimeUnit.SECONDS.toNanos(5);
                while (Files.readString(ran).isBlank() && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                String pid = Files.readString(ran).strip();
                assertFalse(pid.isEmpty(), "victim.php never ran");
                new ProcessBuilder("kill", "-9", pid).inheritIO().start().waitFor();
                RawHttp.Response r = victim.get(10, TimeUnit.SECONDS);
                assertEquals(502, r.status(), r::toString);
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4), "answered after the sleep: "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
                Thread.sleep(300); // a re-sent request would have written its pid by now
                assertEquals(1, Files.readAllLines(ran).size(), "victim.php ran again: " + Files.readAllLines(ran));
                assertEquals(200, RawHttp.get(c.port(), "/hello.php").status(), "php-fpm's new child serves");
            } finally {
                one.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aPageShorterThanItsContentLengthIsCutOffAndLeaksNoInternalText(ServletContainer.Kind kind) throws Exception {
        // Issue 11 §6: the page ends (FCGI_END_REQUEST) before its declared length; small, it is all in memory
        // when the servlet finds it short. The client must see a cut response, not a complete error page.
        try (PhpFpm fpm = PhpFpm.unix(dir, "static", 1)
                .page("short.php", "<?php header('Content-Length: 100'); echo 'only this';").start();
             FastCgiApplication app = php(fpm, 1).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            RawHttp.Response r = RawHttp.getKeepAlive(c.port(), "/short.php");
            assertEquals(200, r.status(), r::toString);
            assertEquals("100", r.header("Content-Length"), r::toString);
            assertFalse(r.complete(), "a cut response must not look complete: " + r);
            assertEquals("only this", r.text());
            assertTrue(c.logged("body shorter than its Content-Length"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void phpPagesThroughTheServlet(ServletContainer.Kind kind) throws Exception {
        try (PhpFpm fpm = PhpFpm.unix(dir, "ondemand", 2)
                .page("hello.php", "<?php setcookie('a', '1'); setcookie('b', '2'); echo 'hello ', $_GET['who'];")
                .page("go.php", "<?php header('Location: https://example.org/'); http_response_code(301);")
                .page("gone.php", "<?php http_response_code(410); echo 'gone';").start();
             FastCgiApplication app = php(fpm, 2).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            RawHttp.Response hello = RawHttp.get(c.port(), "/hello.php?who=world");
            assertEquals(200, hello.status());
            assertEquals("hello world", hello.text());
            assertEquals(2, hello.head().headers("Set-Cookie").size(), hello.toString());
            RawHttp.Response go = RawHttp.get(c.port(), "/go.php");
            assertEquals(301, go.status());
            assertEquals("https://example.org/", go.header("Location"));
            assertEquals(410, RawHttp.get(c.port(), "/gone.php").status());
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aPageTheBackendEndedAtOnceGetsAContentLengthAStreamedOneStreams(ServletContainer.Kind kind) throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 1)
                .page("small.php", "<?php echo 'small page';")
                .page("slow.php", "<?php echo 'first '; flush(); usleep(300000); echo 'second';").start();
             FastCgiApplication app = php(fpm, 1).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            RawHttp.Response small = RawHttp.get(c.port(), "/small.php");
            assertEquals("small page", small.text());
            assertEquals("10", small.header("Content-Length"), small.toString());
            RawHttp.Response slow = RawHttp.get(c.port(), "/slow.php");
            assertEquals("first second", slow.text());
            assertNull(slow.header("Content-Length"), "still streaming when the head left: " + slow);
        }
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void chunkedPostReachesPhpWithItsContentLength(ServletContainer.Kind kind) throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 1)
                .page("form.php", "<?php echo $_SERVER['CONTENT_LENGTH'], ' ', $_POST['a'], $_POST['b'];").start();
             FastCgiApplication app = php(fpm, 1).build();
             ServletContainer c = ServletContainer.start(kind, app, "", "/*", java.util.Map.of())) {
            RawHttp.Response r = RawHttp.exchange(c.port(), "POST /form.php HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n4\r\na=12\r\n5\r\n&b=34\r\n0\r\n\r\n");
            assertEquals(200, r.status(), r.toString());
            assertEquals("9 1234", r.text());
        }
    }

    @Test
    void backendKilledMidResponseGivesTheClientAnAbortedResponse() throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 1)
                .page("slow.php", "<?php echo str_repeat('x', 100000); flush(); sleep(30); echo 'never';").start();
             FastCgiApplication app = php(fpm, 1).build();
             ServletContainer c = ServletContainer.jetty(app);
             RawHttp http = RawHttp.open(c.port())) {
            http.send("GET /slow.php HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            fpm.kill();
            RawHttp.Response rest = readRest(http, head);
            assertFalse(rest.complete(), "a cut response must not look complete: " + rest);
        }
    }

    /** Reads the body of {@code head} as RawHttp would, to see whether it ends cleanly. */
    private static RawHttp.Response readRest(RawHttp http, RawHttp.Head head) {
        // Chunked (no Content-Length from php): read chunks until the terminating one or a cut.
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String size = http.nextLine();
            if (size == null) {
                return new RawHttp.Response(head, body.toByteArray(), false, List.of(), List.of());
            }
            int n = Integer.parseInt(size.trim(), 16);
            if (n == 0) {
                return new RawHttp.Response(head, body.toByteArray(), true, List.of(), List.of());
            }
            byte[] chunk = http.readBytes(n);
            body.writeBytes(chunk);
            if (chunk.length < n || http.nextLine() == null) {
                return new RawHttp.Response(head, body.toByteArray(), false, List.of(), List.of());
            }
        }
    }

    @Test
    void clientThatLeavesMidResponseFreesTheOnlyConnectionForTheNextRequests() throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 1)
                .page("stream.php", "<?php for ($i = 0; $i < 300; $i++) { echo str_repeat('y', 10000); flush(); usleep(20000); }")
                .page("n.php", "<?php echo 'next ', $_GET['n'];").start();
             FastCgiApplication app = php(fpm, 1).connectTimeout(Duration.ofSeconds(5)).build();
             ServletContainer c = ServletContainer.jetty(app)) {
            try (RawHttp http = RawHttp.open(c.port())) {
                http.send("GET /stream.php HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertEquals(200, http.readHead().status());
                http.readBytes(20000);
            } // the client leaves with most of the 3 MB unread
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/n.php?n=" + i);
                assertEquals("next " + i, r.text(), r.toString());
            }
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the slot came back at once");
            assertEquals(0, app.pools().get(0).busy());
        }
    }

    @Test
    void restartedBackendPoolRecoversWithNoFailedRequestOnceBack() throws Exception {
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 2).page("n.php", "<?php echo $_GET['n'];").start();
             FastCgiApplication app = php(fpm, 2).build();
             ServletContainer c = ServletContainer.jetty(app)) {
            for (int i = 0; i < 10; i++) {
                assertEquals("" + i, RawHttp.get(c.port(), "/n.php?n=" + i).text());
            }
            fpm.kill();
            assertEquals(502, RawHttp.get(c.port(), "/n.php?n=x").status(), "down: 502");
            fpm.start();
            for (int i = 0; i < 20; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/n.php?n=" + i);
                assertEquals(200, r.status(), "request " + i + " after the restart: " + r);
                assertEquals("" + i, r.text());
            }
        }
    }

    @Test
    void backendThatNeverAnswersIs504() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FastCgiApplication app = FastCgiApplication.builder().backends("127.0.0.1:" + silent.getLocalPort())
                     .connectTimeout(Duration.ofMillis(300)).readTimeout(Duration.ofMillis(700)).build();
             ServletContainer c = ServletContainer.jetty(app)) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            long start = System.nanoTime();
            assertEquals(504, RawHttp.get(c.port(), "/").status());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void allBackendsDownIs502() throws Exception {
        try (FastCgiApplication app = FastCgiApplication.builder()
                .backends("127.0.0.1:" + Peers.freePort(), "127.0.0.1:" + Peers.freePort()).build();
             ServletContainer c = ServletContainer.tomcat(app)) {
            assertEquals(502, RawHttp.get(c.port(), "/").status());
        }
    }

    @Test
    void garbageRecordsAre502WithOneLogLine() throws Exception {
        try (TestBackend backend = new TestBackend((r, out) -> {
            out.raw.write(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
            out.raw.flush();
        }); FastCgiApplication app = FastCgiApplication.builder().backends(backend.backend()).build();
             ServletContainer c = ServletContainer.jetty(app)) {
            assertEquals(502, RawHttp.get(c.port(), "/").status());
            assertTrue(c.logged("unsupported FastCGI version 9"), c.log().toString());
            Thread.sleep(200);
            assertEquals(1, c.log().stream().filter(l -> l.contains("FastCGI version 9")).count(), c.log().toString());
        }
    }

    @Test
    void thousandsOfRequestsLeakNoConnectionThreadOrDescriptor() throws Exception {
        // Slow uploads that stall (408), over-long bodies (413) and uploads buffered to a file are in the mix.
        try (PhpFpm fpm = PhpFpm.tcp(dir, "static", 3).page("i.php", "<?php echo 'ok ', $_GET['i'];")
                .page("len.php", "<?php echo 'len ', strlen(file_get_contents('php://input'));").start()) {
            long fdsBefore = openDescriptors();
            long childrenBefore = ProcessHandle.current().descendants().count();
            try (FastCgiApplication app = php(fpm, 3).maxBodySize(200_000)
                    .bodyTimeout(Duration.ofMillis(300), 0).build(); ServletContainer c = ServletContainer.jetty(app)) {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                ExecutorService pool = Executors.newFixedThreadPool(6);
                byte[] upload = new byte[100_000];
                try {
                    List<Future<String>> results = new ArrayList<>();
                    for (int i = 0; i < 2000; i++) {
                        int n = i;
                        results.add(pool.submit(() -> switch (n % 100) {
                            case 10 -> {
                                try (SlowClient stalled = SlowClient.start(c.port(), "/len.php", 100_000, n % 200 == 10, 5000, 1)) {
                                    Thread.sleep(20);
                                    yield "" + stalled.stall().response().status();
                                }
                            }
                            case 20 -> {
                                try (SlowClient big = SlowClient.start(c.port(), "/len.php", 300_000, n % 200 == 20, 64 * 1024, 1)) {
                                    yield "" + big.response().status();
                                }
                            }
                            case 30, 60, 90 -> client.send(HttpRequest.newBuilder(c.uri("/len.php"))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                            default -> client.send(HttpRequest.newBuilder(c.uri("/i.php?i=" + n)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                        }));
                    }
                    for (int i = 0; i < results.size(); i++) {
                        String expected = switch (i % 100) {
                            case 10 -> "408";
                            case 20 -> "413";
                            case 30, 60, 90 -> "len 100000";
                            default -> "ok " + i;
                        };
                        assertEquals(expected, results.get(i).get(60, TimeUnit.SECONDS), "request " + i);
                    }
                } finally {
                    pool.shutdownNow();
                }
                assertTrue(app.pools().get(0).size() <= 3, "pool within pm.max_children");
                assertEquals(0, readerThreads(), "php-fpm does not multiplex: request threads read their answers");
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((readerThreads() > 0 || threads("gateway-body") > 0) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(0, readerThreads(), "closing the application ends every reader");
            assertEquals(0, threads("gateway-body"), "the body timer thread ends when idle");
            assertEquals(childrenBefore, ProcessHandle.current().descendants().count(), "php-fpm children");
            assertTrue(openDescriptors() - fdsBefore < 30, "descriptors before " + fdsBefore + ", after "
                    + openDescriptors());
        }
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("fastcgi-reader")).count();
    }

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
