package dev.gatewaybridge.fastcgi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.bridge.StderrLog;

/**
 * One request on a {@link FastCgiConnection}: the connection's reader thread delivers the FCGI_STDOUT chunks
 * and the end into a small bounded queue (a slow client slows the backend instead of filling the heap), the
 * request thread takes them out with a read timeout. FCGI_STDERR lines go to {@code wsgi.errors} as they come,
 * the lines of one record as one log record, within {@code fastcgi.stderrLimit} ({@link StderrLog}).
 */
final class FastCgiExchange {

    /** What the reader thread hands over. */
    private sealed interface Event permits Chunk, End, Failure {
    }

    private record Chunk(byte[] bytes) implements Event {
    }

    private record End(int appStatus, int protocolStatus) implements Event {
    }

    private record Failure(Exception cause) implements Event {
    }

    // Threaded: 16 chunks of at most 64 KiB, up to 1 MiB in flight per request. Inline: the request thread
    // fills it itself, one read (64 KiB) at a time and only when it is empty, so it cannot grow further.
    private final BlockingQueue<Event> events;
    private final FastCgiConnection connection;
    /** Longest FCGI_STDERR line logged in one piece (php-fpm joins its messages with "; " into one line). */
    static final int MAX_STDERR_LINE = 8192;
    private final ByteArrayOutputStream stderrLine = new ByteArrayOutputStream();
    private final StderrLog errors;
    final int requestId;
    private volatile boolean draining;
    private volatile boolean ended;
    private volatile boolean received;
    /** When the client gave up ({@link System#nanoTime()}), 0 while it has not. */
    volatile long abortedAt;
    /** When the total timeout runs out ({@link System#nanoTime()}); 0 while not yet set. */
    volatile long deadline;
    private End end;

    FastCgiExchange(int requestId, StderrLog errors, FastCgiConnection connection) {
        this.requestId = requestId;
        this.errors = errors;
        this.connection = connection;
        this.events = connection != null && connection.inline ? new java.util.concurrent.LinkedBlockingQueue<>()
                : new ArrayBlockingQueue<>(16);
    }

    // ---- reader-thread side ----

    /** FCGI_STDOUT content (copied). */
    void stdout(byte[] b, int off, int len) {
        if (len > 0) {
            received = true;
            deliver(new Chunk(java.util.Arrays.copyOfRange(b, off, off + len)));
        }
    }

    /**
     * FCGI_STDERR content: its complete lines go to wsgi.errors together, one log record per record; a line
     * may span records. The empty record that ends the stream (§3.3) ends the last line.
     */
    void stderr(byte[] b, int off, int len) {
        if (len == 0) {
            endStderrLine();
        }
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                endStderrLine();
            } else {
                if (stderrLine.size() >= MAX_STDERR_LINE) {
                    endStderrLine(); // split, as a CGI program's: cut, the rest went uncounted past any limit
                }
                stderrLine.write(b[i]);
            }
        }
        if (errors != null) {
            errors.flush();
        }
    }

    private void endStderrLine() {
        if (stderrLine.size() > 0 && errors != null) {
            errors.line(stderrLine.toString(StandardCharsets.UTF_8).stripTrailing());
        }
        stderrLine.reset();
    }

    /** The last line, then the one line saying what went past the limit, if anything did. */
    private void closeStderr() {
        endStderrLine();
        if (errors != null) {
            errors.close();
        }
    }

    /** FCGI_END_REQUEST. */
    void end(int appStatus, int protocolStatus) {
        closeStderr();
        ended = true;
        deliver(new End(appStatus, protocolStatus));
    }

    /** The connection died or broke the protocol before FCGI_END_REQUEST. */
    void fail(Exception cause) {
        closeStderr();
        if (!ended) {
            deliver(new Failure(cause));
        }
    }

    boolean ended() {
        return ended;
    }

    /** Whether any FCGI_STDOUT byte arrived: until then a failed request can be retried elsewhere. */
    boolean received() {
        return received;
    }

    private void deliver(Event event) {
        try {
            while (!draining) {
                if (events.offer(event, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- request-thread side ----

    /** The request thread gives up (client gone, timeout): further output is discarded. */
    void drain() {
        draining = true;
        events.clear();
    }

    /**
     * The next FCGI_STDOUT chunk, or null at FCGI_END_REQUEST.
     *
     * @throws HttpStatusException 504 if nothing came for {@code timeoutMillis}; 502 if the connection failed
     *                             or the backend rejected the request
     */
    byte[] next(long timeoutMillis, String backend) throws IOException {
        if (end != null) {
            return null;
        }
        Event event;
        try {
            event = connection != null && connection.inline ? pumpNext(timeoutMillis)
                    : events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for FastCGI backend " + backend);
        }
        if (event == null) {
            throw new BackendTimeoutException("FastCGI backend " + backend + " sent nothing for "
                    + timeoutMillis + " ms");
        }
        if (event instanceof Chunk c) {
            return c.bytes();
        }
        if (event instanceof End e) {
            end = e;
            if (e.protocolStatus() != FastCgi.FCGI_REQUEST_COMPLETE) {
                throw new FastCgiRejectedException(e.protocolStatus(), backend);
            }
            return null;
        }
        Exception cause = ((Failure) event).cause();
        if (cause instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) cause;
    }

    /**
     * Inline: reads the connection in this thread until an event is there; null if the timeout passed first.
     * A read that stays silent is ended by the pool's sweep (the channel closed: a {@link Failure} event).
     */
    private Event pumpNext(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Event event;
        while ((event = events.poll()) == null) {
            if (deadline - System.nanoTime() <= 0) {
                return null; // bytes trickled in, but no whole record within the timeout
            }
            connection.pump();
        }
        return event;
    }

    /** The FCGI_END_REQUEST appStatus, once {@link #next} returned null. */
    int appStatus() {
        return end == null ? -1 : end.appStatus();
    }

    /** FCGI_STDOUT as a stream with a read timeout and a deadline ({@link System#nanoTime()}, or Long.MAX_VALUE). */
    StdoutStream stdoutStream(long readTimeoutMillis, long deadline, FastCgiConnection connection) {
        return new StdoutStream(readTimeoutMillis, deadline, connection);
    }

    /**
     * FCGI_STDOUT as a stream (for the CGI header parser) and then as chunks for the body without copying.
     * A timeout closes the connection: the backend is still busy with a request nobody waits for.
     */
    final class StdoutStream extends InputStream {
        private final long readTimeoutMillis;
        private final long deadline;
        private final FastCgiConnection connection;
        private byte[] chunk = new byte[0];
        private int pos;

        private StdoutStream(long readTimeoutMillis, long deadline, FastCgiConnection connection) {
            this.readTimeoutMillis = readTimeoutMillis;
            this.deadline = deadline;
            this.connection = connection;
        }

        @Override
        public int read() throws IOException {
            return fill() ? chunk[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        /** Waits until output, the end or a failure is there. */
        void peek() throws IOException {
            fill();
        }

        /** The rest of the current chunk, else the next one; null at the end of FCGI_STDOUT. */
        byte[] nextChunk() throws IOException {
            if (!fill()) {
                return null;
            }
            byte[] out = pos == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, pos, chunk.length);
            pos = chunk.length;
            return out;
        }

        /**
         * The rest of FCGI_STDOUT, when FCGI_END_REQUEST has already come: it is all here (at most one read
         * buffer inline, or the reader's bounded queue), so taking it never waits on the backend.
         * Null, and nothing taken, while the backend is still sending.
         */
        java.util.List<byte[]> restIfEnded() throws IOException {
            if (!ended) {
                return null;
            }
            java.util.List<byte[]> rest = new java.util.ArrayList<>(2);
            for (byte[] c; (c = nextChunk()) != null; ) {
                rest.add(c);
            }
            return rest;
        }

        private boolean fill() throws IOException {
            while (chunk != null && pos == chunk.length) {
                long wait = readTimeoutMillis;
                if (deadline != Long.MAX_VALUE) {
                    wait = Math.min(wait, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                }
                try {
                    if (wait <= 0) {
                        throw new BackendTimeoutException("FastCGI backend " + connection.backend
                                + " did not finish within the total timeout");
                    }
                    chunk = next(wait, connection.backend);
                } catch (BackendTimeoutException e) {
                    connection.close();
                    throw e;
                }
                pos = 0;
            }
            return chunk != null;
        }
    }
}
