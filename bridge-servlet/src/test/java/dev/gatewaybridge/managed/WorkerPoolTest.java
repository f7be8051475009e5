package dev.gatewaybridge.managed;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.cgi.ProcessCensus;
import dev.gatewaybridge.test.Peers;

/**
 * The process manager on its own, with a small Python worker that binds its socket: what a worker writes is
 * logged, and stopping never leaves a worker or a descendant behind, even one that ignores SIGTERM.
 */
class WorkerPoolTest {

    private static final Logger JUL = Logger.getLogger(WorkerPool.class.getName());
    /** Binds argv[1]; "stubborn" ignores SIGTERM and starts a child that does too. */
    private static final String WORKER = """
            import signal, socket, subprocess, sys, time
            stubborn = sys.argv[2] == 'stubborn'
            ballast = b'x' * (48 << 20) if sys.argv[2] == 'grow' else b''  # resident: every page written
            if stubborn:
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                subprocess.Popen(['/bin/sh', '-c', 'trap "" TERM; while :; do sleep 1; done', 'worker-child-marker'])
            s = socket.socket(socket.AF_UNIX)
            s.bind(sys.argv[1])
            s.listen(1)
            print('hello from the worker', file=sys.stderr, flush=True)
            while True:
                time.sleep(1)
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

    private WorkerSettings python(String mode, int workers) throws Exception {
        Path python = Peers.require("python3", "/usr/bin/python3");
        Path script = dir.resolve("worker.py");
        Files.writeString(script, WORKER);
        return WorkerSettings.of(python + " " + script + " {socket} " + mode, workers, Map.of());
    }

    @Test
    void whatAWorkerWritesIsLoggedNamingItAndItsPid() throws Exception {
        try (WorkerPool pool = WorkerPool.start(python("plain", 2), "Test")) {
            assertEquals(2, pool.pids().size());
            for (long pid : pool.pids()) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (lines.stream().noneMatch(l -> l.endsWith("(pid " + pid + "): hello from the worker"))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(lines.stream().anyMatch(l -> l.matches("Test worker [12]/2 \\(pid " + pid
                        + "\\): hello from the worker")), lines.toString());
            }
            for (Path socket : pool.sockets()) {
                assertTrue(Files.exists(socket), socket + " bound");
                assertTrue(socket.startsWith(pool.directory()));
            }
        }
    }

    private WorkerSettings python(String mode, int workers, Map<String, String> extra) throws Exception {
        Path python = Peers.require("python3", "/usr/bin/python3");
        Path script = dir.resolve("worker.py");
        Files.writeString(script, WORKER);
        return WorkerSettings.of(python + " " + script + " {socket} " + mode, workers, extra);
    }

    /** Waits (5 s at most) until the pool runs a worker other than {@code pid}; its pid. */
    private static long awaitReplaced(WorkerPool pool, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> now = pool.pids();
            if (!now.isEmpty() && !now.contains(pid)) {
                return now.get(0);
            }
            Thread.sleep(10);
        }
        return pid;
    }

    @Test
    void aWorkerPastTheMemoryLimitIsRecycledWithOneLineNamingItsPidRssAndTheLimit() throws Exception {
        try (WorkerPool pool = WorkerPool.start(python("grow", 1, Map.of(WorkerSettings.MAX_MEMORY, "32m")), "Test")) {
            long pid = pool.pids().get(0);
            long next = awaitReplaced(pool, pid);
            assertNotEquals(pid, next, "replaced\n" + lines);
            List<String> recycled = lines.stream().filter(l -> l.contains("(pid " + pid + ") recycled")).toList();
            assertEquals(1, recycled.size(), lines.toString());
            assertTrue(recycled.get(0).matches("Test worker 1/1 \\(pid " + pid + "\\) recycled at resident memory "
                    + "(4[89]|5\\d)\\.\\d MiB \\(VmRSS of pid " + pid + " and its descendants\\), past workerMaxMemory "
                    + "32.0 MiB: SIGTERM, a fresh worker takes its socket"), recycled.get(0));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (lines.stream().noneMatch(l -> l.contains("(pid " + pid + ") exited")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains("(pid " + pid + ") exited with status 143")
                    && l.endsWith(", recycled; starting again in 0 ms")), lines.toString());
        }
        assertEquals(0, ProcessCensus.zombieChildren());
        assertEquals(0, ProcessCensus.threads("managed-worker"));
    }

    @Test
    void aWorkerDueForRecyclingEndsOnlyWhenItsRequestLeavesAndNewRequestsWaitForTheFreshOne() throws Exception {
        try (WorkerPool pool = WorkerPool.start(python("plain", 1, Map.of(WorkerSettings.MAX_AGE, "200ms")), "Test")) {
            Path socket = pool.sockets().get(0);
            long pid = pool.pids().get(0);
            pool.enter(socket, System.nanoTime() + 1_000_000_000L); // a request in flight
            Thread.sleep(600); // past its age, and past two upkeeps
            assertEquals(List.of(pid), pool.pids(), "not ended under its request");
            assertThrows(java.net.SocketTimeoutException.class, () -> pool.enter(socket, System.nanoTime()
                    + 50_000_000L), "a due worker takes no new request");
            pool.leave(socket);
            pool.enter(socket, System.nanoTime() + 5_000_000_000L); // waits for the fresh worker
            long next = pool.pids().get(0);
            assertNotEquals(pid, next);
            assertEquals(1, pool.served(socket));
            pool.leave(socket);
            assertTrue(lines.stream().anyMatch(l -> l.matches("Test worker 1/1 \\(pid " + pid + "\\) recycled at \\d+ ms "
                    + "of age \\(workerMaxAge 200 ms\\): SIGTERM, a fresh worker takes its socket")), lines.toString());
        }
    }

    @Test
    void closeCalledInterruptedStillStopsAndReapsEveryWorkerAndKeepsTheInterrupt() throws Exception {
        WorkerPool pool = WorkerPool.start(python("plain", 2), "Test");
        List<Long> pids = pool.pids();
        assertEquals(2, pids.size());
        Thread.currentThread().interrupt();
        pool.close();
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), pid + " stopped");
        }
        assertEquals(0, ProcessCensus.zombieChildren());
        assertFalse(Files.exists(pool.directory()));
    }

    @Test
    void aWorkerIgnoringSigtermIsKilledAfterTheGraceWithItsChildAndReaped() throws Exception {
        WorkerPool pool = WorkerPool.start(python("stubborn", 1), "Test");
        long pid = pool.pids().get(0);
        assertEquals(1, ProcessCensus.awaitRunning("worker-child-marker"));
        Path sockets = pool.directory();
        pool.close();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "worker killed");
        assertEquals(0, ProcessCensus.withArgument("worker-child-marker"), "its child too");
        assertEquals(0, ProcessCensus.zombieChildren());
        assertFalse(Files.exists(sockets));
        assertEquals(0, ProcessCensus.threads("managed-worker"));
        assertTrue(lines.stream().anyMatch(l -> l.contains("killed after " + WorkerPool.STOP_GRACE_MS
                + " ms without exiting on SIGTERM") && l.contains(Long.toString(pid))), lines.toString());
    }

    /** The slow log's view of a process: its name, state and wchan from /proc, "gone" once it ended. */
    @Test
    void theSlowLogReadsAProcessStateAndWchanFromProcAndSaysGoneAfterItEnded() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            String doing = "";
            for (int i = 0; i < 100 && !doing.contains("state S"); i++) { // sleeping once it reached nanosleep
                Thread.sleep(20);
                doing = WorkerPool.doing(sleep.pid());
            }
            assertTrue(doing.matches("pid " + sleep.pid() + " \\(sleep\\) state S wchan \\S+"), doing);
        } finally {
            sleep.destroyForcibly();
            sleep.waitFor();
        }
        assertEquals("pid " + sleep.pid() + " gone", WorkerPool.doing(sleep.pid()));
    }
}
