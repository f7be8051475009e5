package dev.gatewaybridge.fastcgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.cgi.ProcessCensus;
import dev.gatewaybridge.managed.WorkerPool;
import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

/**
 * Workers the bridge runs itself ({@code fastcgi.command}, issue 15): real Debian php-cgi and fcgiwrap
 * started on their own Unix sockets, supervised, and stopped with the servlet, on Jetty and Tomcat.
 */
class FastCgiManagedWorkersTest {

    private static final Logger JUL = Logger.getLogger(WorkerPool.class.getName());
    private static final String PAGE = """
            <?php
            usleep((int) ($_GET['sleep'] ?? 0) * 1000);
            header('Content-Type: text/plain');
            echo 'pid=', getmypid(), ' sapi=', PHP_SAPI, ' env=', getenv('GREETING') ?: '-', ' home=', getenv('HOME') ?: '-';
            """;

    @TempDir
    Path dir;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        JUL.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        JUL.removeHandler(capture);
    }

    private Map<String, String> php(int workers) throws Exception {
        return php(workers, "GREETING=hello\nPHP_FCGI_MAX_REQUESTS=0");
    }

    private Map<String, String> php(int workers, String env) throws Exception {
        Path phpCgi = Peers.require("php-cgi", "/usr/bin/php-cgi");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("index.php"), PAGE);
        Map<String, String> params = new HashMap<>();
        params.put("application", FastCgiApplication.class.getName());
        params.put(FastCgiApplication.COMMAND, phpCgi + " -b {socket}");
        params.put(FastCgiApplication.WORKERS, Integer.toString(workers));
        params.put(FastCgiApplication.WORKER_ENV, env);
        params.put(FastCgiApplication.ROOT, www.toString());
        return params;
    }

    /** The workers this JVM runs now: its descendants whose arguments name a socket in a worker directory. */
    private static List<ProcessHandle> workers() {
        return ProcessHandle.current().descendants().filter(h -> h.isAlive() && h.info().arguments()
                .map(a -> String.join(" ", a).contains("gateway-workers-")).orElse(false)).toList();
    }

    private static Path socketDirectory(ProcessHandle worker) {
        String socket = java.util.Arrays.stream(worker.info().arguments().orElseThrow())
                .filter(a -> a.contains("gateway-workers-")).findFirst().orElseThrow();
        return Path.of(socket.substring(socket.indexOf('/'))).getParent();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void phpCgiWorkersServeAPageAndConcurrentRequestsUpToTheWorkerCount(Kind kind) throws Exception {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", php(2))) {
            assertEquals(2, workers().size(), "two php-cgi workers run");
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                assertEquals(200, r.status(), r.toString());
                assertTrue(r.text().matches("pid=\\d+ sapi=cgi-fcgi env=hello home=-"), r.text());
            }
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                List<Future<RawHttp.Response>> slow = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    slow.add(clients.submit(() -> RawHttp.get(c.port(), "/index.php?sleep=500")));
                    Thread.sleep(100); // the first holds its worker: least-busy sends the second to the other
                }
                Set<String> pids = new java.util.HashSet<>();
                for (Future<RawHttp.Response> f : slow) {
                    RawHttp.Response r = f.get();
                    assertEquals(200, r.status(), r.toString());
                    pids.add(r.text().split(" ")[0]);
                }
                assertEquals(2, pids.size(), "served at the same time by both workers: " + pids);
            } finally {
                clients.shutdownNow();
            }
        }
        assertTrue(workers().isEmpty(), "no worker left");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWorkerKilledWithSigkillIsRestartedAndTheNextRequestsSucceed(Kind kind) throws Exception {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", php(1))) {
            assertEquals(200, RawHttp.get(c.port(), "/index.php").status()); // a kept-alive connection to it
            ProcessHandle worker = workers().get(0);
            worker.destroyForcibly(); // SIGKILL
            worker.onExit().get();
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                assertEquals(200, r.status(), r.toString() + "\n" + lines);
                assertFalse(r.text().startsWith("pid=" + worker.pid() + " "), r.text());
            }
            assertEquals(1, workers().size());
            assertEquals(1, lines.stream().filter(l -> l.contains("(pid " + worker.pid() + ") exited with status 137"))
                    .count(), lines.toString());
        }
    }

    /**
     * php-cgi ends itself (status 0) after PHP_FCGI_MAX_REQUESTS (its default is 500): the request that finds
     * its connection closed is sent again, and waits for the restarted worker's socket instead of failing.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void phpCgiEndingItselfAfterMaxRequestsIsRestartedWithoutAFailedRequest(Kind kind) throws Exception {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", php(1, "PHP_FCGI_MAX_REQUESTS=3"))) {
            Set<String> pids = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                pids.add(r.text().split(" ")[0]);
            }
            assertTrue(pids.size() >= 4, "a new worker every 3 requests: " + pids);
            assertTrue(lines.stream().anyMatch(l -> l.contains("exited with status 0")), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("marked down")), lines.toString());
        }
    }

    /** Requests from {@code threads} clients at once, {@code each} per client; every response. */
    private static List<RawHttp.Response> concurrently(int port, int threads, int each) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<RawHttp.Response>> all = new ArrayList<>();
            for (int i = 0; i < threads * each; i++) {
                int n = i;
                all.add(clients.submit(() -> RawHttp.get(port, "/index.php?c=" + n)));
            }
            List<RawHttp.Response> out = new ArrayList<>();
            for (Future<RawHttp.Response> f : all) {
                out.add(f.get());
            }
            return out;
        } finally {
            clients.shutdownNow();
        }
    }

    private static String pid(RawHttp.Response r) {
        return r.text().split(" ")[0];
    }

    /** The leak assertions after a container stopped: no worker, zombie, managed thread or socket directory. */
    private static void assertNothingLeft(Path sockets) {
        assertTrue(workers().isEmpty(), "no worker left");
        assertEquals(0, ProcessCensus.zombieChildren(), "reaped");
        assertEquals(0, ProcessCensus.threads("managed-worker"), "supervisor and output threads ended");
        assertFalse(Files.exists(sockets), "socket directory removed: " + sockets);
    }

    /**
     * fastcgi.workerMaxRequests: the bridge counts each worker's requests; the one due takes no new request,
     * finishes its own, then is replaced on its socket. Not one request fails, sequential or concurrent.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void workersRecycledAfterMaxRequestsAreReplacedWithoutAFailedRequest(Kind kind) throws Exception {
        Map<String, String> params = php(2);
        params.put(FastCgiApplication.WORKER_MAX_REQUESTS, "3");
        int fdsBefore = ProcessCensus.openFds();
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            sockets = socketDirectory(workers().get(0));
            Map<String, Integer> served = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                served.merge(pid(r), 1, Integer::sum);
            }
            assertTrue(served.size() >= 10, "a fresh worker every 3 requests: " + served);
            for (RawHttp.Response r : concurrently(c.port(), 4, 6)) {
                assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                served.merge(pid(r), 1, Integer::sum);
            }
            assertTrue(served.size() >= 18, "54 requests, 3 per worker: " + served);
            assertTrue(served.values().stream().allMatch(n -> n <= 3), "no worker served more than 3: " + served);
            long recycled = lines.stream().filter(l -> l.matches("FastCGI worker [12]/2 \\(pid \\d+\\) recycled after 3 "
                    + "requests \\(workerMaxRequests 3\\): SIGTERM, a fresh worker takes its socket")).count();
            assertTrue(recycled >= 16, recycled + " recycle lines\n" + lines);
            assertTrue(lines.stream().noneMatch(l -> l.contains("marked down") || l.contains("killed")), lines.toString());
            assertTrue(workers().size() <= 2, "one process per slot, never an old one beside its successor");
        }
        assertNothingLeft(sockets);
        int fdsAfter = ProcessCensus.openFds(); // 18 workers or more came and went, each with a pipe and a connection
        assertTrue(fdsAfter < fdsBefore + 4, "fds before " + fdsBefore + ", after " + fdsAfter);
    }

    /**
     * fastcgi.workerMaxMemory below php-cgi's own resident size: every worker is recycled at each upkeep, with
     * one line naming its pid, its RSS and the limit, and the requests meanwhile all succeed.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void workersPastTheMemoryLimitAreRecycledWithoutAFailedRequest(Kind kind) throws Exception {
        Map<String, String> params = php(2);
        params.put(FastCgiApplication.WORKER_MAX_MEMORY, "1m");
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            List<ProcessHandle> first = workers();
            sockets = socketDirectory(first.get(0));
            Set<String> pids = new java.util.HashSet<>();
            long until = System.nanoTime() + 2_500_000_000L; // two upkeeps and a half
            while (System.nanoTime() < until) {
                for (RawHttp.Response r : concurrently(c.port(), 2, 5)) {
                    assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                    pids.add(pid(r));
                }
            }
            assertTrue(pids.size() >= 4, "recycled at each upkeep: " + pids);
            long pid = first.get(0).pid();
            assertTrue(lines.stream().anyMatch(l -> l.matches("FastCGI worker [12]/2 \\(pid " + pid + "\\) recycled at "
                    + "resident memory [0-9.]+ MiB \\(VmRSS of pid " + pid + " and its descendants\\), past "
                    + "workerMaxMemory 1.0 MiB: SIGTERM, a fresh worker takes its socket")), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("marked down")), lines.toString());
        }
        assertNothingLeft(sockets);
    }

    /** Waits (5 s at most) until {@code count} workers run; whether they did. */
    private static boolean awaitWorkers(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (workers().size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return workers().size() == count;
    }

    /**
     * fastcgi.workerMode=ondemand: no worker before the first request, one for sequential requests, a second
     * only when the first is busy, none after the idle timeout, and the next request starts one again.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void ondemandWorkersStartWithRequestsAndStopAfterTheIdleTimeout(Kind kind) throws Exception {
        Map<String, String> params = php(2);
        params.put(FastCgiApplication.WORKER_MODE, "ondemand");
        params.put(FastCgiApplication.WORKER_IDLE_TIMEOUT, "600ms");
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertTrue(workers().isEmpty(), "no worker before the first request");
            Set<String> pids = new java.util.HashSet<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                if (i == 0) { // a figure, not an assertion: the cold start of one php-cgi
                    System.out.printf("FastCgiManagedWorkersTest (%s): first request on a cold ondemand mapping %d ms%n",
                            kind, (System.nanoTime() - t0) / 1_000_000);
                }
                pids.add(pid(r));
            }
            assertEquals(1, pids.size(), "sequential requests need one worker: " + pids);
            assertEquals(1, workers().size());
            sockets = socketDirectory(workers().get(0));
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                List<Future<RawHttp.Response>> slow = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    slow.add(clients.submit(() -> RawHttp.get(c.port(), "/index.php?sleep=400")));
                    Thread.sleep(100);
                }
                Set<String> both = new java.util.HashSet<>();
                for (Future<RawHttp.Response> f : slow) {
                    RawHttp.Response r = f.get();
                    assertEquals(200, r.status(), r + "\n" + lines);
                    both.add(pid(r));
                }
                assertEquals(2, both.size(), "a second worker started while the first was busy: " + both);
            } finally {
                clients.shutdownNow();
            }
            assertTrue(awaitWorkers(0), "stopped after the idle timeout: " + workers() + "\n" + lines);
            assertEquals(2, lines.stream().filter(l -> l.matches("FastCGI worker [12]/2 \\(pid \\d+\\) stopped after "
                    + "600 ms without a request \\(workerIdleTimeout\\)")).count(), lines.toString());
            RawHttp.Response again = RawHttp.get(c.port(), "/index.php");
            assertEquals(200, again.status(), again + "\n" + lines);
            assertEquals(1, workers().size());
            assertEquals(3, lines.stream().filter(l -> l.contains(" started on demand, pid ")).count(), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("marked down")), lines.toString());
        }
        assertNothingLeft(sockets);
    }

    /**
     * Sends {@code count} requests for {@code /index.php?sleep=ms}, {@code gapMs} apart (least-busy then sees the
     * earlier ones busy), while counting the workers in /proc; the most seen, after every response was 200 with
     * its pid added to {@code pids}. {@code reached} gets when {@code target} workers were first seen (ns since the
     * first request), or stays -1.
     */
    private int burst(ServletContainer c, int count, int sleepMs, long gapMs, Set<String> pids, int target,
                      long[] reached) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(count);
        try {
            long t0 = System.nanoTime();
            List<Future<RawHttp.Response>> slow = new ArrayList<>();
            int most = 0;
            for (int i = 0; i < count; i++) {
                slow.add(clients.submit(() -> RawHttp.get(c.port(), "/index.php?sleep=" + sleepMs)));
                Thread.sleep(gapMs);
                most = Math.max(most, workers().size());
            }
            while (slow.stream().anyMatch(f -> !f.isDone())) {
                int now = workers().size();
                if (now >= target && reached[0] < 0) {
                    reached[0] = System.nanoTime() - t0;
                }
                most = Math.max(most, now);
                Thread.sleep(10);
            }
            for (Future<RawHttp.Response> f : slow) {
                RawHttp.Response r = f.get();
                assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
                pids.add(pid(r));
            }
            return most;
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * fastcgi.workerMode=dynamic (PHP-FPM's pm = dynamic): workerStart run at init, a burst grows them up to
     * fastcgi.workers and no more (the extra requests wait for a worker), and once idle they shrink back to
     * workerMaxSpare, with one line per decision.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void dynamicWorkersStartAtWorkerStartGrowUnderABurstUpToWorkersAndShrinkToMaxSpare(Kind kind) throws Exception {
        Map<String, String> params = php(4);
        params.put(FastCgiApplication.WORKER_MODE, "dynamic");
        params.put(FastCgiApplication.WORKER_START, "2");
        params.put(FastCgiApplication.WORKER_MIN_SPARE, "1");
        params.put(FastCgiApplication.WORKER_MAX_SPARE, "2");
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(2, workers().size(), "workerStart workers at init: " + workers());
            sockets = socketDirectory(workers().get(0));
            Set<String> pids = new java.util.HashSet<>();
            int most = burst(c, 6, 1500, 80, pids, 4, new long[] {-1});
            assertEquals(4, most, "grown to fastcgi.workers and no more\n" + lines);
            assertEquals(4, pids.size(), "six requests served by the four workers: " + pids);
            assertTrue(awaitWorkers(2), "shrunk back to workerMaxSpare after the burst: " + workers() + "\n" + lines);
            assertTrue(lines.stream().anyMatch(l -> l.matches("FastCGI workers of .*php-cgi: [34] idle of 4 running, "
                    + "above workerMaxSpare 2: stopping [12] \\(SIGTERM to pids \\[[\\d, ]+\\]\\)")), lines.toString());
            Thread.sleep(1500); // two more upkeeps: 2 idle is within the spares, nothing moves
            assertEquals(2, workers().size(), lines.toString());
            assertEquals(200, RawHttp.get(c.port(), "/index.php").status());
            assertTrue(lines.stream().noneMatch(l -> l.contains("marked down")), lines.toString());
        }
        assertNothingLeft(sockets);
    }

    /**
     * Dynamic mode's min spare: one worker busy with a slow request leaves none idle, below workerMinSpare 1,
     * so the upkeep starts a second; once the request is done two are idle, above workerMaxSpare 1, and one stops.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void dynamicModeStartsAWorkerWhenFewerThanMinSpareAreIdleAndStopsTheExtraOneAfter(Kind kind) throws Exception {
        Map<String, String> params = php(3);
        params.put(FastCgiApplication.WORKER_MODE, "dynamic");
        params.put(FastCgiApplication.WORKER_MIN_SPARE, "1");
        params.put(FastCgiApplication.WORKER_MAX_SPARE, "1");
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(1, workers().size(), "workerStart defaults to 1 + (1 - 1) / 2");
            sockets = socketDirectory(workers().get(0));
            long[] reached = {-1};
            int most = burst(c, 1, 3000, 0, new java.util.HashSet<>(), 2, reached);
            assertEquals(2, most, "a spare started while the only worker was busy\n" + lines);
            assertTrue(lines.stream().anyMatch(l -> l.matches("FastCGI workers of .*php-cgi: 0 idle of 1 running, "
                    + "below workerMinSpare 1: starting 1 \\(2 of 3 at most\\)")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains(" started (workerMinSpare), pid ")), lines.toString());
            assertTrue(awaitWorkers(1), "the extra idle one stopped: " + workers() + "\n" + lines);
            assertTrue(lines.stream().anyMatch(l -> l.contains("above workerMaxSpare 1: stopping 1")), lines.toString());
        }
        assertNothingLeft(sockets);
    }

    /**
     * fastcgi.workerSpawnRate (PHP-FPM's pm.max_spawn_rate), here on ondemand: a burst that needs six workers at
     * two starts per second gets them over two seconds or more, the delayed starts saying so, and every
     * request waits for its worker instead of failing.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSpawnRateSpreadsTheStartsOfABurstOverSeconds(Kind kind) throws Exception {
        Map<String, String> params = php(6);
        params.put(FastCgiApplication.WORKER_MODE, "ondemand");
        params.put(FastCgiApplication.WORKER_SPAWN_RATE, "2");
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            Set<String> pids = new java.util.HashSet<>();
            long[] reached = {-1};
            int most = burst(c, 6, 3500, 60, pids, 6, reached);
            assertEquals(6, most, lines.toString());
            assertEquals(6, pids.size(), "one worker per request: " + pids);
            assertTrue(reached[0] >= 1_900_000_000L, "six starts at 2/s take two seconds at least: "
                    + reached[0] / 1_000_000 + " ms\n" + lines);
            assertTrue(lines.stream().filter(l -> l.matches(".* started on demand \\(delayed \\d+ ms by "
                    + "workerSpawnRate 2/s\\), pid .*")).count() >= 3, lines.toString());
        }
        assertTrue(workers().isEmpty());
    }

    /**
     * A page that runs {@code sleep} (no shell) for {@code ?s=} seconds, 30 by default, then answers; with
     * {@code ?flush} its headers and a first line leave before.
     */
    private static final String SLEEPER = """
            <?php
            header('Content-Type: text/plain');
            if (isset($_GET['flush'])) {
                echo "started\n";
                while (ob_get_level()) {
                    ob_end_flush();
                }
                flush();
            }
            $p = proc_open(['sleep', (string) ($_GET['s'] ?? 30)], [], $pipes);
            proc_close($p);
            echo 'pid=', getmypid(), ' slept';
            """;

    /** Whether {@code pid} runs: not gone from /proc, nor a zombie (one left to an init that does not reap). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Waits (10 s at most) until {@code done} holds; whether it did. */
    private static boolean await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return done.getAsBoolean();
    }

    /** Waits (10 s at most) for a worker running a {@code sleep} child: that worker and its child. */
    private static ProcessHandle[] workerWithSleepingChild() throws InterruptedException {
        ProcessHandle[] found = new ProcessHandle[2];
        await(() -> {
            for (ProcessHandle w : workers()) {
                for (ProcessHandle c : w.children().toList()) {
                    if (c.info().command().map(x -> x.endsWith("/sleep")).orElse(false)) {
                        found[0] = w;
                        found[1] = c;
                        return true;
                    }
                }
            }
            return false;
        });
        assertNotNull(found[0], "a worker runs the page's sleep");
        return found;
    }

    /**
     * fastcgi.workerRequestTimeout (PHP-FPM's request_terminate_timeout): a page still running after it gets
     * 504, its worker and the worker's child are killed, one WARNING line names the script, the pid and the
     * timeout, the other worker serves meanwhile, and a fresh worker takes the killed one's socket.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRequestPastTheRequestTimeoutGets504AndItsWorkerAndItsChildAreKilledThenReplaced(Kind kind)
            throws Exception {
        Map<String, String> params = php(2);
        params.put(FastCgiApplication.WORKER_REQUEST_TIMEOUT, "1s");
        Path slowPage = dir.resolve("www").resolve("slow.php");
        Files.writeString(slowPage, SLEEPER);
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            ExecutorService clients = Executors.newSingleThreadExecutor();
            try {
                long t0 = System.nanoTime();
                Future<RawHttp.Response> slow = clients.submit(() -> RawHttp.get(c.port(), "/slow.php"));
                ProcessHandle[] running = workerWithSleepingChild();
                long worker = running[0].pid();
                long child = running[1].pid();
                for (int i = 0; i < 3; i++) { // the other worker is unaffected
                    RawHttp.Response r = RawHttp.get(c.port(), "/index.php?i=" + i);
                    assertEquals(200, r.status(), r + "\n" + lines);
                    assertNotEquals("pid=" + worker, pid(r));
                }
                RawHttp.Response r = slow.get(20, java.util.concurrent.TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(504, r.status(), r + "\n" + lines + "\n" + c.log());
                assertTrue(ms < 15_000, "504 after " + ms + " ms, not after the page's 30 s sleep");
                assertTrue(await(() -> !Files.exists(Path.of("/proc", Long.toString(worker)))),
                        "worker " + worker + " gone from /proc");
                assertTrue(await(() -> !running(child)), "its child sleep " + child + " killed too");
                String script = java.util.regex.Pattern.quote(slowPage.toString());
                assertEquals(1, lines.stream().filter(l -> l.matches("FastCGI worker [12]/2 \\(pid " + worker
                        + "\\) killed with its descendants \\(SIGKILL\\): " + script + " ran past "
                        + "workerRequestTimeout 1000 ms \\(running \\d+ ms\\); a fresh worker takes its socket"))
                        .count(), lines.toString());
                assertTrue(awaitWorkers(2), "a fresh worker replaced it: " + workers());
                for (int i = 0; i < 4; i++) {
                    RawHttp.Response next = RawHttp.get(c.port(), "/index.php?after=" + i);
                    assertEquals(200, next.status(), next + "\n" + lines);
                    assertNotEquals("pid=" + worker, pid(next));
                }
                assertTrue(lines.stream().noneMatch(l -> l.contains("marked down")), lines.toString());
            } finally {
                clients.shutdownNow();
            }
        }
        assertTrue(workers().isEmpty(), "no worker left");
    }

    /** Once its headers left, a request past the request timeout is an aborted response; its worker is killed. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRequestPastTheRequestTimeoutAfterItsHeadersIsAnAbortedResponseAndItsWorkerIsKilled(Kind kind)
            throws Exception {
        Map<String, String> params = php(1);
        params.put(FastCgiApplication.WORKER_REQUEST_TIMEOUT, "1s");
        Files.writeString(dir.resolve("www").resolve("slow.php"), SLEEPER);
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            long worker = workers().get(0).pid();
            long t0 = System.nanoTime();
            RawHttp.Response r = RawHttp.getKeepAlive(c.port(), "/slow.php?flush"); // framed: a cut shows
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, r.status(), r + "\n" + lines);
            assertFalse(r.complete(), "aborted: " + r);
            assertTrue(r.text().startsWith("started"), r.text());
            assertTrue(ms < 15_000, "aborted after " + ms + " ms, not after the page's 30 s sleep");
            assertTrue(await(() -> !Files.exists(Path.of("/proc", Long.toString(worker)))),
                    "worker " + worker + " gone");
            assertEquals(1, lines.stream().filter(l -> l.contains("(pid " + worker + ") killed with its descendants"))
                    .count(), lines.toString());
            assertTrue(awaitWorkers(1), "replaced");
            assertEquals(200, RawHttp.get(c.port(), "/index.php").status(), lines.toString());
        }
    }

    /**
     * fastcgi.workerSlowLog (PHP-FPM's request_slowlog_timeout): a page still running after it is logged once,
     * with the script, the worker's pid, how long it has run and what the worker and its child are doing (state
     * and wchan from /proc); the page still succeeds.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aRequestPastTheSlowLogThresholdIsLoggedOnceWithWhatItsWorkerAndChildAreDoing(Kind kind) throws Exception {
        Map<String, String> params = php(1);
        params.put(FastCgiApplication.WORKER_SLOW_LOG, "300ms");
        Path slowPage = dir.resolve("www").resolve("slow.php");
        Files.writeString(slowPage, SLEEPER);
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            long worker = workers().get(0).pid();
            RawHttp.Response r = RawHttp.get(c.port(), "/slow.php?s=2");
            assertEquals(200, r.status(), r + "\n" + lines + "\n" + c.log());
            assertEquals("pid=" + worker + " slept", r.text());
            String script = java.util.regex.Pattern.quote(slowPage.toString());
            List<String> slow = lines.stream().filter(l -> l.contains(" slow: ")).toList();
            assertEquals(1, slow.size(), "logged once: " + lines);
            assertTrue(slow.get(0).matches("FastCGI worker 1/1 \\(pid " + worker + "\\) slow: " + script
                    + " running for \\d+ ms \\(workerSlowLog 300 ms\\); pid " + worker + " \\(php-cgi\\) state [A-Z] "
                    + "wchan \\S+, pid \\d+ \\(sleep\\) state [A-Z] wchan \\S+"), slow.get(0));
            assertEquals(200, RawHttp.get(c.port(), "/index.php").status(), "a fast page is not logged");
            assertEquals(1, lines.stream().filter(l -> l.contains(" slow: ")).count(), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("killed")), lines.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aProgramThatExitsAtOnceIsMarkedDownWithOneLogLineAndAnswers503NotAForkLoop(Kind kind) throws Exception {
        Map<String, String> params = Map.of("application", FastCgiApplication.class.getName(),
                FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKERS, "1",
                FastCgiApplication.ROOT, dir.toString());
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            // The start waited for it: started and backed off until marked down.
            List<String> down = lines.stream().filter(l -> l.contains("marked down")).toList();
            assertEquals(1, down.size(), lines.toString());
            assertTrue(down.get(0).contains("/bin/false") && down.get(0).contains("exited with status 1"), down.get(0));
            long starts = lines.stream().filter(l -> l.contains(" started, pid ")).count();
            assertEquals(5, starts, lines.toString());
            for (int i = 0; i < 3; i++) { // 503 with Retry-After (RFC 9110 §15.6.4), not a 502 nor a start
                RawHttp.Response r = RawHttp.get(c.port(), "/index.php");
                assertEquals(503, r.status(), r.toString());
                assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, r.toString());
            }
            Thread.sleep(300);
            assertEquals(starts, lines.stream().filter(l -> l.contains(" started, pid ")).count(), "not started again");
            assertEquals(1, lines.stream().filter(l -> l.contains("marked down")).count(), lines.toString());
        }
    }

    /** After fastcgi.workerDownTime a marked-down worker gets one start, not a new burst, and is down again. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMarkedDownWorkerIsStartedOnceMoreAfterTheDownTimeAndMarkedDownAgainAtOnce(Kind kind) throws Exception {
        Map<String, String> params = Map.of("application", FastCgiApplication.class.getName(),
                FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKERS, "1",
                FastCgiApplication.WORKER_DOWN_TIME, "1s", FastCgiApplication.ROOT, dir.toString());
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(5, starts(), lines.toString());
            RawHttp.Response r = RawHttp.get(c.port(), "/index.php");
            assertEquals(503, r.status(), r.toString());
            assertEquals("1", r.header("Retry-After"), r.toString());
            Thread.sleep(1_800);
            assertEquals(6, starts(), "one start after workerDownTime: " + lines);
            assertEquals(1, lines.stream().filter(l -> l.contains("starting /bin/false once more")).count(),
                    lines.toString());
            assertEquals(2, lines.stream().filter(l -> l.contains("marked down:")).count(), lines.toString());
            r = RawHttp.get(c.port(), "/index.php");
            assertEquals(503, r.status(), r.toString());
            assertTrue(Integer.parseInt(r.header("Retry-After")) >= 1, r.toString());
        }
    }

    /** A program that works again (here: once a marker file exists) is served after fastcgi.workerDownTime. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aProgramThatWorksAgainIsServedAfterTheDownTime(Kind kind) throws Exception {
        Map<String, String> params = php(1);
        Path marker = dir.resolve("fixed");
        Path script = dir.resolve("flaky-php.sh");
        Files.writeString(script, "#!/bin/sh\n[ -e " + marker + " ] || exit 1\nexec " + params.get(
                FastCgiApplication.COMMAND).split(" ")[0] + " -b \"$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        params.put(FastCgiApplication.COMMAND, script + " {socket}");
        params.put(FastCgiApplication.WORKER_DOWN_TIME, "1s");
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(1, lines.stream().filter(l -> l.contains("marked down:")).count(), lines.toString());
            assertEquals(503, RawHttp.get(c.port(), "/index.php").status());
            Files.createFile(marker);
            Thread.sleep(1_500);
            RawHttp.Response r = RawHttp.get(c.port(), "/index.php");
            assertEquals(200, r.status(), r + " " + lines);
            assertEquals(1, lines.stream().filter(l -> l.contains("marked down:")).count(), lines.toString());
        }
    }

    /** Worker starts logged so far (" started, pid ..." or " started after workerDownTime, pid ..."). */
    private long starts() {
        return lines.stream().filter(l -> l.matches(".* started( after \\w+)?, pid .*")).count();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void afterTheContainerStopsNoWorkerSocketDirectoryThreadOrFdIsLeft(Kind kind) throws Exception {
        Map<String, String> params = php(4);
        int fdsBefore = ProcessCensus.openFds();
        List<ProcessHandle> running;
        Path sockets;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(200, RawHttp.get(c.port(), "/index.php").status());
            }
            running = workers();
            assertEquals(4, running.size());
            sockets = socketDirectory(running.get(0));
            assertTrue(Files.isDirectory(sockets));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sockets)));
            assertEquals(4, ProcessCensus.threads("managed-worker-output"));
        }
        for (ProcessHandle p : running) {
            assertFalse(p.isAlive(), "worker " + p.pid() + " stopped");
        }
        assertTrue(workers().isEmpty());
        assertEquals(0, ProcessCensus.zombieChildren(), "reaped");
        assertFalse(Files.exists(sockets), "socket directory removed: " + sockets);
        assertEquals(0, ProcessCensus.threads("managed-worker"), "supervisor and output threads ended");
        // A container's own fds (a jar, a selector) may come and go: fewer than the 8 a pipe and a connection
        // per worker would leave.
        int fdsAfter = ProcessCensus.openFds();
        System.out.printf("FastCgiManagedWorkersTest (%s): fds before %d, after %d%n", kind, fdsBefore, fdsAfter);
        assertTrue(fdsAfter < fdsBefore + 4, "fds before " + fdsBefore + ", after " + fdsAfter);
        assertTrue(lines.stream().anyMatch(l -> l.contains("workers of") && l.contains("stopped")), lines.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void fcgiwrapWorkersRunACgiShellScript(Kind kind) throws Exception {
        Path fcgiwrap = Peers.require("fcgiwrap", "/usr/sbin/fcgiwrap");
        Path cgi = Files.createDirectories(dir.resolve("cgi"));
        Path script = cgi.resolve("hello.sh");
        Files.writeString(script, """
                #!/bin/sh
                printf 'Content-Type: text/plain\\r\\n\\r\\n'
                printf 'hello from %s info=%s path=%s' "$SCRIPT_NAME" "$PATH_INFO" "$PATH"
                """);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> params = Map.of("application", FastCgiApplication.class.getName(),
                FastCgiApplication.COMMAND, fcgiwrap + " -s unix:{socket}", FastCgiApplication.WORKERS, "2",
                FastCgiApplication.ROOT, cgi.toString(), FastCgiApplication.SCRIPT_PATTERN, "^(.+\\.sh)(/.*)?$");
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            for (int i = 0; i < 5; i++) {
                RawHttp.Response r = RawHttp.get(c.port(), "/hello.sh/x");
                assertEquals(200, r.status(), r.toString());
                assertEquals("hello from /hello.sh info=/x path=/usr/local/bin:/usr/bin:/bin", r.text());
            }
        }
        assertTrue(workers().isEmpty(), "no fcgiwrap left");
    }

    /** The web.xml example for php-cgi in docs/fastcgi.md, its init-params as printed, the root replaced. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void theDocumentedExampleServesPhpAsItSays(Kind kind) throws Exception {
        Peers.require("php-cgi", "/usr/bin/php-cgi");
        String readme = Files.readString(Path.of("..", "docs", "fastcgi.md"));
        int section = readme.indexOf("<!-- section: managed-workers -->");
        assertTrue(section >= 0, "docs/fastcgi.md has a Managed workers section");
        java.util.regex.Matcher xml = java.util.regex.Pattern.compile("```xml\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(readme);
        assertTrue(xml.find(section), "with an xml block");
        Map<String, String> params = new HashMap<>();
        java.util.regex.Matcher param = java.util.regex.Pattern.compile(
                "<param-name>(.*?)</param-name>\\s*<param-value>(.*?)</param-value>", java.util.regex.Pattern.DOTALL)
                .matcher(xml.group(1));
        while (param.find()) {
            params.put(param.group(1), param.group(2).strip());
        }
        assertEquals("/usr/bin/php-cgi -b {socket}", params.get(FastCgiApplication.COMMAND));
        Path www = Files.createDirectories(dir.resolve("html"));
        Files.writeString(www.resolve("index.php"), "<?php echo getenv('APP_ENV'), ' ', ($_SERVER['PATH_INFO'] ?? '') ?: '-';");
        params.put(FastCgiApplication.ROOT, www.toString());
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(4, workers().size());
            assertEquals("prod -", RawHttp.get(c.port(), "/").text());
            assertEquals("prod /a/b", RawHttp.get(c.port(), "/index.php/a/b").text());
        }
        assertTrue(workers().isEmpty());
    }

    @Test
    void backendsAndCommandTogetherOrNeitherFailNamingBoth() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.BACKENDS, "unix:/x.sock", FastCgiApplication.COMMAND, "/bin/false {socket}")));
        assertTrue(both.getMessage().contains("fastcgi.backends and fastcgi.command exclude each other"),
                both.getMessage());
        IllegalArgumentException neither = assertThrows(IllegalArgumentException.class,
                () -> FastCgiSettings.from(Map.of(FastCgiApplication.ROOT, "/srv")));
        assertTrue(neither.getMessage().contains("missing parameter fastcgi.backends")
                && neither.getMessage().contains("fastcgi.command"), neither.getMessage());
    }

    @Test
    void workerParametersAreCheckedAtStartUpNamingTheValue() {
        Map<String, String> bad = Map.of(
                "/bin/false", "needs a {socket} placeholder",
                "no-such-program-here -b {socket}", "program no-such-program-here not found in the workers' PATH",
                "bin/false {socket}", "not an absolute path to an executable file: bin/false");
        bad.forEach((command, message) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FastCgiSettings.from(Map.of(FastCgiApplication.COMMAND, command)));
            assertTrue(e.getMessage().contains("fastcgi.command") && e.getMessage().contains(message), e.getMessage());
        });
        IllegalArgumentException env = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_ENV, "9X=1")));
        assertTrue(env.getMessage().contains("fastcgi.workerEnv has an invalid variable name: \"9X\""), env.getMessage());
        IllegalArgumentException workers = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.BACKENDS, "unix:/x.sock", FastCgiApplication.WORKERS, "3")));
        assertTrue(workers.getMessage().contains("fastcgi.workers needs fastcgi.command"), workers.getMessage());
        Map<String, String> badRecycle = Map.of(
                FastCgiApplication.WORKER_MAX_REQUESTS, "-1",
                FastCgiApplication.WORKER_MAX_AGE, "soon",
                FastCgiApplication.WORKER_MAX_MEMORY, "lots");
        badRecycle.forEach((param, value) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                    Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", param, value)));
            assertTrue(e.getMessage().contains("bad value for " + param + ": \"" + value + "\""), e.getMessage());
        });
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_REQUEST_TIMEOUT,
                        "soon")));
        assertTrue(timeout.getMessage().contains("bad value for fastcgi.workerRequestTimeout: \"soon\""),
                timeout.getMessage());
        IllegalArgumentException slowLog = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_SLOW_LOG,
                        "later")));
        assertTrue(slowLog.getMessage().contains("bad value for fastcgi.workerSlowLog: \"later\""),
                slowLog.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_MODE, "adaptive")));
        assertTrue(mode.getMessage().contains("bad value for fastcgi.workerMode: \"adaptive\" (must be static, "
                + "dynamic or ondemand)"), mode.getMessage());
        IllegalArgumentException idle = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_IDLE_TIMEOUT, "5s")));
        assertTrue(idle.getMessage().contains("fastcgi.workerIdleTimeout needs fastcgi.workerMode=ondemand"),
                idle.getMessage());
        IllegalArgumentException idleValue = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_MODE, "ondemand",
                        FastCgiApplication.WORKER_IDLE_TIMEOUT, "a while")));
        assertTrue(idleValue.getMessage().contains("bad value for fastcgi.workerIdleTimeout: \"a while\""),
                idleValue.getMessage());
        Map<Map<String, String>, String> badSpare = Map.of(
                Map.of(FastCgiApplication.WORKER_MAX_SPARE, "5"), "fastcgi.workerMaxSpare must not exceed "
                        + "fastcgi.workers (fastcgi.workerMinSpare 1, fastcgi.workerStart 3, fastcgi.workerMaxSpare 5, "
                        + "fastcgi.workers 4)",
                Map.of(FastCgiApplication.WORKER_MIN_SPARE, "3", FastCgiApplication.WORKER_MAX_SPARE, "2"),
                "fastcgi.workerMinSpare must not exceed fastcgi.workerMaxSpare (fastcgi.workerMinSpare 3",
                Map.of(FastCgiApplication.WORKER_START, "4"), "fastcgi.workerStart must be between "
                        + "fastcgi.workerMinSpare and fastcgi.workerMaxSpare (fastcgi.workerMinSpare 1, "
                        + "fastcgi.workerStart 4, fastcgi.workerMaxSpare 3, fastcgi.workers 4)");
        badSpare.forEach((spare, message) -> {
            Map<String, String> config = new HashMap<>(spare);
            config.putAll(Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKERS, "4",
                    FastCgiApplication.WORKER_MODE, "dynamic"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(config));
            assertTrue(e.getMessage().contains(message), e.getMessage());
        });
        IllegalArgumentException spareStatic = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_MIN_SPARE, "2")));
        assertTrue(spareStatic.getMessage().contains("fastcgi.workerMinSpare needs fastcgi.workerMode=dynamic"),
                spareStatic.getMessage());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_SPAWN_RATE, "0")));
        assertTrue(rate.getMessage().contains("bad value for fastcgi.workerSpawnRate: \"0\""), rate.getMessage());
        // PHP-FPM's defaults: start = min spare + (max spare - min spare) / 2; max spare 3, at most the workers
        assertEquals(new dev.gatewaybridge.managed.WorkerSettings.Spare(2, 1, 3), FastCgiSettings.from(Map.of(
                FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKERS, "8",
                FastCgiApplication.WORKER_MODE, "dynamic")).workers().spare());
        assertEquals(new dev.gatewaybridge.managed.WorkerSettings.Spare(1, 1, 2), FastCgiSettings.from(Map.of(
                FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_MODE, "dynamic"))
                .workers().spare());
        assertEquals(32, FastCgiSettings.from(Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}")).workers()
                .spawnRate());
        IllegalArgumentException orphan = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.BACKENDS, "unix:/x.sock", FastCgiApplication.WORKER_MAX_AGE, "1h")));
        assertTrue(orphan.getMessage().contains("fastcgi.workerMaxAge needs fastcgi.command"), orphan.getMessage());
        assertEquals(new dev.gatewaybridge.managed.WorkerSettings.Recycle(500, java.time.Duration.ofHours(1), 256L << 20),
                FastCgiSettings.from(Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}",
                        FastCgiApplication.WORKER_MAX_REQUESTS, "500", FastCgiApplication.WORKER_MAX_AGE, "1h",
                        FastCgiApplication.WORKER_MAX_MEMORY, "256m")).workers().recycle());
        IllegalArgumentException dirs = assertThrows(IllegalArgumentException.class, () -> FastCgiSettings.from(
                Map.of(FastCgiApplication.COMMAND, "/bin/false {socket}", FastCgiApplication.WORKER_DIR, "/no/such/dir")));
        assertTrue(dirs.getMessage().contains("fastcgi.workerDir") && dirs.getMessage().contains("/no/such/dir"),
                dirs.getMessage());
    }
}
