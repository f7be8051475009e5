package dev.gatewaybridge.cgi;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.gatewaybridge.bridge.StderrLog;
import dev.gatewaybridge.process.Spawner;

/**
 * One running CGI program, started by a {@link Spawner}: its streams, the optional task feeding its stdin (on
 * the application's pump threads, reused: a thread start per request costs more than the rest of our work),
 * its stderr lines, and its timeout. {@link #close()} leaves nothing behind: the program and its descendants
 * are dead or finished, the streams closed, the tasks ended, the concurrency slot released.
 */
final class CgiProcess implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CgiProcess.class.getName());
    /** Bodies up to this size are written from the request thread: they fit in a pipe (Linux: 64 KiB). */
    static final int INLINE_BODY = 16 * 1024;
    /** How long close() waits for a program that closed stdout to exit before killing it. */
    private static final long EXIT_GRACE_MS = 2000;

    private final Spawner.Program program;
    private final String label;
    private final StderrLog stderr;
    private final InputStream stdout;
    private final Runnable release;
    private final ScheduledExecutorService timers;
    private final long deadlineNanos;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean timedOut;
    private volatile boolean killed;
    private volatile Exception inputFailure;
    private volatile boolean finished;
    private volatile boolean sentOutput;
    private final ExecutorService pumps;
    private Future<?> stdinPump;

    private CgiProcess(Spawner.Program program, String label, StderrLog stderr, Duration timeout,
            ScheduledExecutorService timers, ExecutorService pumps, Runnable release) {
        this.program = program;
        this.label = label;
        this.stderr = stderr;
        this.release = release;
        this.timers = timers;
        this.stdout = new BufferedInputStream(new FilterInputStream(program.stdout()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                sentOutput |= n > 0;
                return n;
            }
        }, 16 * 1024);
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.pumps = pumps;
    }

    /**
     * Starts {@code command} in {@code dir} with exactly {@code env} through {@code spawner}; no shell is
     * involved. Its stderr lines go to {@code errors} as "[cgi name] line", those read together as one record,
     * at most {@code stderrLimit} bytes of them ({@link CgiConfig#STDERR_LIMIT}). {@code release} runs once
     * when the process is closed (or fails to start).
     */
    static CgiProcess start(Spawner spawner, List<String> command, Path dir, Map<String, String> env,
            Duration timeout, ScheduledExecutorService timers, ExecutorService pumps, Consumer<String> errors,
            long stderrLimit, Runnable release) throws IOException {
        String label = dir.resolve(command.get(command.size() - 1)).getFileName().toString();
        StderrLog stderr = new StderrLog(record -> emit(errors, record), "[cgi " + label + "] ",
                "CGI program " + label, CgiConfig.STDERR_LIMIT, stderrLimit);
        Spawner.Program p;
        try {
            p = spawner.start(command, dir, env, lines -> {
                for (String line : lines.split("\n", -1)) {
                    stderr.line(line);
                }
                stderr.flush();
            });
        } catch (IOException | RuntimeException e) {
            release.run();
            throw e;
        }
        return new CgiProcess(p, label, stderr, timeout, timers, pumps, release);
    }

    private static void emit(Consumer<String> errors, String record) {
        try {
            errors.accept(record);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, record);
        }
    }

    /** The program's stdout. */
    InputStream stdout() {
        return stdout;
    }

    /** Whether we killed the program (timeout, client gone, application closed): its output is cut. */
    boolean killed() {
        return killed;
    }

    /** Whether the program was killed for running past its timeout. */
    boolean timedOut() {
        return timedOut;
    }

    /**
     * The failure reading the request body (client gone: an IOException; too slow: a 408), if any: the
     * program was killed for it.
     */
    Exception inputFailure() {
        return inputFailure;
    }

    /**
     * Feeds the request body ({@code length} bytes, or to end of stream if -1) to the program's stdin and
     * closes it. A small body is written here (it fits in the pipe, so this cannot deadlock with a program
     * that writes before it reads); a large or unknown one is streamed by a thread, never buffered whole.
     */
    void feed(InputStream body, long length) throws IOException {
        OutputStream stdin = program.stdin();
        if (length == 0 || body == null) {
            closeQuietly(stdin);
            return;
        }
        if (length > 0 && length <= INLINE_BODY) {
            copy(body, stdin, length);
            return;
        }
        stdinPump = pumps.submit(() -> {
            try {
                copy(body, stdin, length);
            } catch (IOException | RuntimeException e) {
                // copy() recorded it and killed the program
            }
        });
    }

    /** Copies the body; the program not reading it all is its business, the client failing kills it. */
    private void copy(InputStream body, OutputStream stdin, long length) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long left = length < 0 ? Long.MAX_VALUE : length;
        boolean open = true;
        try {
            while (left > 0) {
                int n;
                try {
                    n = body.read(buf, 0, (int) Math.min(buf.length, left));
                } catch (IOException | RuntimeException e) {
                    inputFailure = e;
                    kill();
                    throw e;
                }
                if (n < 0) {
                    break;
                }
                left -= n;
                if (open) {
                    try {
                        stdin.write(buf, 0, n);
                    } catch (IOException e) {
                        open = false; // EPIPE: the program stopped reading; the rest is not needed
                        if (closed.get() || !program.isAlive()) {
                            break;
                        }
                    }
                }
            }
        } finally {
            if (inputFailure == null) {
                closeQuietly(stdin);
            } // else left open: at its end the program would take a cut body for a whole one; close() closes it
        }
    }

    /**
     * Called by the application's watchdog (every {@link CgiApplication#WATCHDOG_MS} ms; one periodic task is
     * cheaper than a timer armed and cancelled per request): kills the program if it ran out of time.
     */
    void expireIfLate(long now) {
        if (!finished && !timedOut && !closed.get() && now - deadlineNanos >= 0) {
            timedOut = true;
            LOG.log(System.Logger.Level.WARNING, "CGI: " + label + " ran past its timeout, killed");
            kill();
        }
    }

    /** Kills the program and its descendants. */
    void kill() {
        killed = true;
        program.kill();
    }

    /**
     * Why the program could not be started, or null. Asked when its output ended early: if it sent nothing,
     * the spawner's report is waited for a little (the native one learns a failed exec after the fact).
     */
    String startFailure() {
        if (sentOutput) {
            return null;
        }
        try {
            return program.startFailure(EXIT_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Marks the output read to its end: close() then waits a little for the exit instead of killing. */
    void finished() {
        finished = true;
    }

    /** Milliseconds left before the timeout. */
    long remainingMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closeQuietly(program.stdin());
            closeQuietly(stdout);
            boolean complete = finished && !timedOut;
            if (!complete) {
                // Abandoned (client gone, failure, timeout): kill now and reap, so the slot is really free.
                kill();
                waitQuietly(EXIT_GRACE_MS);
            }
            join(stdinPump, remainingMillis() + 1000);
            // stderr ends with the program (and whatever inherited it): every line is logged before we return.
            join(program.stderrDone(), 1000);
            if (complete) {
                logFailedExit();
                // The output is complete, so the program is exiting (the native spawner's stderr end comes
                // after the exit, so it is known by now). One that lingers with its stdout closed is killed
                // after a grace period.
                if (program.isAlive()) {
                    timers.schedule(() -> {
                        if (program.isAlive()) {
                            kill();
                        }
                    }, EXIT_GRACE_MS, TimeUnit.MILLISECONDS);
                }
            } else {
                program.abandonStderr();
            }
        } finally {
            stderr.close(); // the one line saying what went past cgi.stderrLimit, if anything did
            release.run();
        }
    }

    /** A program that answered and then exited non-zero (or was killed) is worth a log line. */
    private void logFailedExit() {
        program.exit().thenAccept(code -> {
            if (code != 0) {
                LOG.log(System.Logger.Level.INFO, "CGI: " + label + (code < 0 ? " killed by signal " + -code
                        : " exited with status " + code));
            }
        });
    }

    private void waitQuietly(long millis) {
        try {
            program.waitFor(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Future<?> task, long millis) {
        if (task == null) {
            return;
        }
        try {
            task.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a pump that fails has nothing left to do; one still blocked ends with its pipe
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a pipe of a dead process: nothing to do
        }
    }
}
