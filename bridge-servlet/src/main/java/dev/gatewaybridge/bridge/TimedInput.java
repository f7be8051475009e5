package dev.gatewaybridge.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.InputDeadline;

/**
 * A request body read under {@link BodyLimits#timeout()} and {@link BodyLimits#minRate()}, as Apache's
 * mod_reqtimeout {@code body=20,MinRate=500}: the client may stay silent at most {@code timeout}, and after
 * {@code timeout} the body must have averaged {@code minRate} bytes per second (the deadline moves one second
 * later per {@code minRate} bytes). Past the deadline a read fails with 408 Request Timeout naming the client
 * and the figures.
 *
 * <p>A blocking servlet read does not return by itself: each read checks the deadline when it returns (a
 * trickling client), a timer interrupts a read still blocked at the deadline (Jetty's blocking read ends with
 * an {@link InterruptedIOException}), and a stream that is an {@link InputDeadline} is told the deadline
 * before each read (Tomcat ignores interrupts; the servlet's input sets its socket read timeout instead).
 * Close it to hand the stream back to the container's own timeouts. Not thread-safe: one reader.
 */
public final class TimedInput extends BlockInputStream {

    /** One timer thread for every body; it ends after a few idle seconds (no thread is left behind). */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    /** A container's read timeout is in milliseconds and may end a read that much early. */
    private static final long SLACK = TimeUnit.MILLISECONDS.toNanos(20);

    private final InputStream in;
    private final BodyLimits limits;
    private final String client;
    private final long start = System.nanoTime();
    private long lastProgress = start;
    private long received;
    private Thread reader;
    private boolean interrupted;
    private boolean expired;

    private TimedInput(InputStream in, BodyLimits limits, String client) {
        this.in = in;
        this.limits = limits;
        this.client = client;
    }

    /** {@code in} read under {@code limits}; {@code environ} names the client in a 408's message. */
    public static TimedInput of(InputStream in, BodyLimits limits, Map<String, Object> environ) {
        return new TimedInput(in, limits, client(environ));
    }

    /** {@code REMOTE_ADDR:REMOTE_PORT}, as the log line names the client. */
    static String client(Map<String, Object> environ) {
        String addr = Environ.get(environ, Environ.REMOTE_ADDR, "?");
        String port = Environ.get(environ, Environ.REMOTE_PORT, null);
        return port == null ? addr : addr.indexOf(':') >= 0 ? "[" + addr + "]:" + port : addr + ":" + port;
    }

    /** Bytes read so far. */
    public long received() {
        return received;
    }

    /**
     * When the next byte must have arrived: {@code timeout} after the last one, and no later than the
     * moment the body falls below {@code minRate} on average after the first {@code timeout}.
     */
    long deadline() {
        long silence = lastProgress + limits.timeout().toNanos();
        if (limits.minRate() == 0) {
            return silence;
        }
        long credit = received >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2
                : received * 1_000_000_000L / limits.minRate();
        return Math.min(silence, start + limits.timeout().toNanos() + credit);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        long deadline = deadline();
        check(System.nanoTime(), deadline);
        if (in instanceof InputDeadline bounded) {
            bounded.readDeadline(deadline);
        }
        ScheduledFuture<?> alarm;
        synchronized (this) {
            reader = Thread.currentThread();
            alarm = TIMER.schedule(this::expire, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            if (timedOut(deadline)) {
                throw timeout(); // the cause is left out: a client too slow is a 408, not a broken body's 400
            }
            throw e;
        } finally {
            alarm.cancel(false);
            synchronized (this) {
                reader = null;
                if (interrupted) {
                    Thread.interrupted(); // never leave our interrupt to the container's thread
                    interrupted = false;
                }
            }
        }
        long now = System.nanoTime();
        if (n > 0) {
            received += n;
            lastProgress = now;
        }
        check(now, deadline);
        return n;
    }

    /** Whether a failed read was ended by the deadline (our interrupt, or a container timeout set to it). */
    private boolean timedOut(long deadline) {
        synchronized (this) {
            return expired || System.nanoTime() - deadline >= -SLACK;
        }
    }

    /** The timer's task: ends a read still blocked at its deadline. */
    private synchronized void expire() {
        if (reader != null) {
            expired = true;
            interrupted = true;
            reader.interrupt();
        }
    }

    private void check(long now, long deadline) {
        if (now - deadline >= 0) {
            throw timeout();
        }
    }

    /** 408, with the client, the bytes and the seconds, and the limit that was passed. */
    private HttpStatusException timeout() {
        long now = System.nanoTime();
        double total = (now - start) / 1e9;
        double silent = (now - lastProgress) / 1e9;
        String figures = String.format(java.util.Locale.ROOT, "%d bytes in %.1f s", received, total);
        String why = silent * 1e9 >= limits.timeout().toNanos()
                ? String.format(java.util.Locale.ROOT, "nothing for %.1f s (%s%s %s)", silent, limits.prefix(),
                        BodyLimits.BODY_TIMEOUT, text(limits.timeout()))
                : String.format(java.util.Locale.ROOT, "%.0f bytes/s, below %s%s %d", received / Math.max(total, 1e-9),
                        limits.prefix(), BodyLimits.BODY_MIN_RATE, limits.minRate());
        return new HttpStatusException(408, "request body from client " + client + " too slow: " + figures + ", "
                + why);
    }

    /** Hands the stream back to the container's own read timeout; the stream itself stays open (PEP 3333). */
    @Override
    public void close() {
        if (in instanceof InputDeadline bounded) {
            bounded.clearReadDeadline();
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "gateway-body-timeout");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(2, TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true);
        return t;
    }

    /** A duration as the parameters write it. */
    private static String text(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
