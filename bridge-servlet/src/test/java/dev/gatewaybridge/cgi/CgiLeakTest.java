package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.environ;
import static dev.gatewaybridge.cgi.CgiHarness.run;
import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Bodies;

/**
 * A few thousand requests, with timeouts, disconnects, uploads and refusals mixed in, leave no process,
 * zombie, thread or file descriptor behind: counted through /proc before and after.
 */
class CgiLeakTest {

    @TempDir
    Path dir;

    /** With each spawner (auto: the native daemon where built), the daemon itself must be gone after close. */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "jdk"})
    void thousandsOfRequestsLeaveNoProcessThreadOrFdBehind(String spawner) throws Exception {
        String marker = "cgi-leak-" + System.nanoTime();
        Path root = dir.resolve("cgi-bin");
        script(root, "hello.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n");
        script(root, "echo.sh", "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\nexec cat\n");
        script(root, "slow.sh", "#!/bin/sh\n/bin/sh -c 'while :; do /bin/sleep 1; done' " + marker + " &\nexec /bin/sleep 30\n");
        script(root, "stream.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\n"
                + "exec /bin/sh -c 'while :; do echo tick; /bin/sleep 0.01; done' " + marker + "\n");
        script(root, "noisy.sh", "#!/bin/sh\necho oops >&2\nprintf 'Content-Type: text/plain\\n\\nhello\\n'\n");

        int fdsBefore = ProcessCensus.openFds();
        long childrenBefore = ProcessHandle.current().descendants().count();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        AtomicInteger disconnects = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        int requests = 3000;
        byte[] upload = new byte[40_000];
        CgiApplication app = CgiApplication.builder().spawner(spawner).root(root).timeout(Duration.ofMillis(400)).maxProcesses(12)
                .bodyTimeout(Duration.ofMillis(200), 0).application();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int kind = i % 40;
                all.add(clients.submit(() -> {
                    one(app, kind, upload, ok, timeouts, disconnects, busy);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
            app.close();
        }
        System.out.printf("CgiLeakTest (" + app.spawner() + "): %d requests: %d ok, %d timeouts, %d disconnects, %d busy; fds before %d%n",
                requests, ok.get(), timeouts.get(), disconnects.get(), busy.get(), fdsBefore);
        assertEquals(requests, ok.get() + timeouts.get() + disconnects.get() + busy.get());
        assertTrue(timeouts.get() >= requests / 40, "timeouts: " + timeouts);
        // On a loaded machine a streaming request can hit its timeout before the client leaves.
        assertTrue(disconnects.get() >= requests / 80, "disconnects: " + disconnects);
        assertTrue(ok.get() > requests * 7 / 10, "ok: " + ok + ", busy: " + busy + ", timeouts: " + timeouts);

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && (ProcessHandle.current().descendants().count() > childrenBefore
                || ProcessCensus.threads("cgi-") > 0 || ProcessCensus.threads("gateway-body") > 0
                || ProcessCensus.openFds() > fdsBefore)) {
            Thread.sleep(50);
        }
        assertEquals(childrenBefore, ProcessHandle.current().descendants().count(), "child processes");
        assertEquals(0, ProcessCensus.zombieChildren(), "zombies");
        assertEquals(0, ProcessCensus.withArgument(marker), "orphaned descendants");
        assertEquals(0, ProcessCensus.threads("cgi-"), "cgi threads");
        assertEquals(0, ProcessCensus.threads("gateway-body"), "body timer thread");
        assertTrue(ProcessCensus.openFds() <= fdsBefore, "fds before " + fdsBefore + ", after " + ProcessCensus.openFds());
    }

    private static void one(CgiApplication app, int kind, byte[] upload, AtomicInteger ok, AtomicInteger timeouts,
            AtomicInteger disconnects, AtomicInteger busy) throws Exception {
        try {
            request(app, kind, upload, ok, timeouts, disconnects, busy);
        } catch (java.io.UncheckedIOException e) {
            // On a loaded machine even hello.sh may pass the 400 ms timeout after its headers: an aborted body.
            assertTrue(e.getMessage().contains("timeout"), e.toString());
            timeouts.incrementAndGet();
        }
    }

    private static void request(CgiApplication app, int kind, byte[] upload, AtomicInteger ok, AtomicInteger timeouts,
            AtomicInteger disconnects, AtomicInteger busy) throws Exception {
        switch (kind) {
            case 0 -> { // runs past its timeout
                int status = run(app, environ("GET", "/cgi-bin", "/slow.sh", "")).status();
                (status == 504 ? timeouts : busy).incrementAndGet();
                assertTrue(status == 504 || status == 503, "status " + status);
            }
            case 1 -> { // the client goes away mid-body
                Iterable<byte[]> body = app.call(environ("GET", "/cgi-bin", "/stream.sh", ""), (s, h, e) -> b -> { });
                try {
                    if (body.iterator().hasNext()) {
                        disconnects.incrementAndGet();
                    }
                } finally {
                    Bodies.close(body);
                }
            }
            case 2 -> { // an upload streamed by the stdin thread
                var r = run(app, CgiHarness.post("/cgi-bin", "/echo.sh", upload));
                if (r.status() == 503) {
                    busy.incrementAndGet();
                } else if (r.status() == 504) {
                    timeouts.incrementAndGet();
                } else {
                    assertArrayEquals(upload, r.body());
                    ok.incrementAndGet();
                }
            }
            case 4 -> { // a chunked upload, buffered (past 64 KiB: in a temporary file) to learn its length
                byte[] big = new byte[100_000];
                java.util.Arrays.fill(big, (byte) 'c');
                var env = CgiHarness.post("/cgi-bin", "/echo.sh", big);
                env.remove(dev.gatewaybridge.api.Environ.CONTENT_LENGTH);
                env.put("HTTP_TRANSFER_ENCODING", "chunked");
                var r = run(app, env);
                if (r.status() == 503) {
                    busy.incrementAndGet();
                } else if (r.status() == 504) {
                    timeouts.incrementAndGet();
                } else {
                    assertArrayEquals(big, r.body());
                    ok.incrementAndGet();
                }
            }
            case 5 -> { // a slow client that stalls mid-body while the program waits on stdin: 408, program killed
                var env = CgiHarness.post("/cgi-bin", "/echo.sh", upload);
                env.put(dev.gatewaybridge.api.Environ.WSGI_INPUT, new StallingInput(1000));
                int status;
                try {
                    status = run(app, env).status();
                } catch (dev.gatewaybridge.api.HttpStatusException e) {
                    status = e.status(); // the harness passes a status exception through, as the servlet answers it
                }
                (status == 408 ? timeouts : busy).incrementAndGet();
                assertTrue(status == 408 || status == 503, "status " + status);
            }
            case 3 -> { // refused before any process
                assertEquals(404, run(app, environ("GET", "/cgi-bin", "/nope.sh", "")).status());
                ok.incrementAndGet();
            }
            default -> {
                var r = run(app, environ("GET", "/cgi-bin", kind % 2 == 0 ? "/hello.sh" : "/noisy.sh", ""));
                if (r.status() == 503) {
                    busy.incrementAndGet();
                } else if (r.status() == 504) {
                    timeouts.incrementAndGet();
                } else {
                    assertEquals("hello\n", r.text());
                    ok.incrementAndGet();
                }
            }
        }
    }

    /**
     * A body whose client sends {@code first} bytes and then nothing: a read blocks until interrupted, as
     * Jetty's blocking read does (the body timeout interrupts it).
     */
    private static final class StallingInput extends java.io.InputStream {
        private int left;

        StallingInput(int first) {
            this.left = first;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (left > 0) {
                int n = Math.min(len, left);
                left -= n;
                return n;
            }
            try {
                Thread.sleep(60_000);
                return -1;
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("stalled read interrupted");
            }
        }
    }
}
