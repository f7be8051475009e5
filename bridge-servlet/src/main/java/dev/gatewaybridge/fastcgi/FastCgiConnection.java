package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import dev.gatewaybridge.api.BackendTimeoutException;
import dev.gatewaybridge.bridge.StderrLog;
import dev.gatewaybridge.upstream.BackendAddress;
import dev.gatewaybridge.upstream.Param;
import dev.gatewaybridge.upstream.QuickAck;

/**
 * One transport connection to a FastCGI backend (TCP or a Unix domain socket) carrying one request at a time,
 * or several when the backend multiplexes (FCGI_MPXS_CONNS). One request at a time: the request thread reads
 * its own answer ({@link #inline}). Multiplexed: a reader thread parses every record as it arrives and hands
 * it to the request's {@link FastCgiExchange}. The channel blocks; its owner's periodic sweep closes it when a read
 * or write stalls past the read timeout or a request passes its total timeout ({@link #expired}).
 */
final class FastCgiConnection implements RecordListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FastCgiConnection.class.getName());
    /** FCGI_GET_VALUES with no names: version 1, type 9, request id 0, no content (§4.1, §8). */
    private static final byte[] PROBE = {FCGI_VERSION_1, FCGI_GET_VALUES, 0, 0, 0, 0, 0, 0};

    /** Told when a request slot frees (FCGI_END_REQUEST) or the connection closes. */
    interface Owner {
        void released(FastCgiConnection connection);
    }

    final String backend;
    private final SocketChannel channel;
    private final RecordWriter writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<Integer, FastCgiExchange> exchanges = new ConcurrentHashMap<>();
    private final CompletableFuture<Map<String, String>> values = new CompletableFuture<>();
    private final RecordParser parser = new RecordParser(this);
    private final Owner owner;
    /** The reader thread, or null when the request thread reads its own answer (see {@link #inline}). */
    private final Thread reader;
    /**
     * One request at a time, read by the request thread itself: no hand-off between threads per response.
     * Reads and writes block (one system call each: no selector, no read that finds nothing first); the
     * pool's sweep bounds them by closing the channel ({@link #expired}), which ends a blocked read or write.
     */
    final boolean inline;
    private final ByteBuffer readBuffer;
    /** Acknowledges each read at once, so php-fpm's Nagle-held last write is not held for our delayed ACK. */
    private final QuickAck quickAck;
    /** When a read of the inline request thread, or any write, blocked ({@link System#nanoTime()}); 0: none. */
    private volatile long blockedSince;
    /** Whether that blocked call is a write (set before {@link #blockedSince}, which publishes it). */
    private boolean blockedWriting;
    /** Why the sweep closed this connection (a timeout: 504 for its requests); null while it did not. */
    private volatile String timedOut;
    private boolean releasePending;
    private final java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean retiring;
    /** Whether the backend provably closed before our request reached it (see {@link #closedBeforeRequest}). */
    private volatile boolean unread;
    /** Bytes the kernel took from us on this connection (written under the write lock). */
    private volatile long written;
    /** Over TCP, the time the connect took: about one round trip, how long a reset takes to come back. */
    private final long roundTripNanos;
    // Guarded by the pool's lock.
    int active;
    /** Set by the pool: whether requests share this connection (FCGI_MPXS_CONNS). */
    volatile boolean multiplexed;
    long idleSince = System.nanoTime();
    boolean reused;

    private FastCgiConnection(String backend, SocketChannel channel, Owner owner, boolean inline,
            long roundTripNanos) {
        this.backend = backend;
        this.roundTripNanos = roundTripNanos;
        this.channel = channel;
        this.owner = owner;
        this.inline = inline;
        this.writer = new RecordWriter(new BufferedOutputStream(channelOutput(), 16 * 1024));
        this.readBuffer = inline ? ByteBuffer.allocate(64 * 1024) : null;
        this.quickAck = QuickAck.of(channel);
        this.reader = inline ? null : new Thread(this::readLoop, "fastcgi-reader " + backend);
        if (reader != null) {
            reader.setDaemon(true);
        }
    }

    /** Connects to {@code address} within {@code timeoutMillis} and starts the reader thread. */
    static FastCgiConnection open(BackendAddress address, long timeoutMillis, Owner owner) throws IOException {
        return open(address, timeoutMillis, owner, false);
    }

    /**
     * Connects to {@code address} within {@code timeoutMillis}; {@code inline}: read by the request thread,
     * else with a reader thread. Either way the channel blocks, and the owner's sweep bounds each stall.
     */
    static FastCgiConnection open(BackendAddress address, long timeoutMillis, Owner owner, boolean inline)
            throws IOException {
        SocketChannel channel = address.openChannel();
        long started = System.nanoTime();
        try {
            connect(channel, address, timeoutMillis);
            channel.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        FastCgiConnection connection = new FastCgiConnection(address.toString(), channel, owner, inline,
                address instanceof BackendAddress.Tcp ? System.nanoTime() - started : -1);
        if (connection.reader != null) {
            connection.reader.start();
        }
        return connection;
    }

    /** A blocking channel has no connect timeout: connect non-blocking and wait on a selector. */
    private static void connect(SocketChannel channel, BackendAddress address, long timeoutMillis)
            throws IOException {
        channel.configureBlocking(false);
        if (!channel.connect(address.socketAddress())) {
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                if (selector.select(timeoutMillis) == 0) {
                    throw new SocketTimeoutException("connect to " + address + " timed out after "
                            + timeoutMillis + " ms");
                }
                channel.finishConnect();
            }
        }
    }

    boolean isOpen() {
        return !closed;
    }

    /** Whether a new request may go on this connection. */
    boolean isUsable() {
        return !closed && !retiring;
    }

    /** Number of requests registered (including aborted ones still draining). */
    int exchanges() {
        return exchanges.size();
    }

    // ---- requests ----

    /**
     * §5.1/§5.2/§5.3: registers a request and sends FCGI_BEGIN_REQUEST and its FCGI_PARAMS stream; with a
     * {@code body} already in memory also the whole FCGI_STDIN stream, all in one write.
     */
    FastCgiExchange begin(int role, boolean keepConn, List<Param> params, byte[] body, StderrLog errors)
            throws IOException {
        if (!keepConn) {
            // §5.1: without FCGI_KEEP_CONN the backend closes the connection after this request; we close it
            // at FCGI_END_REQUEST, so no later request is sent on a socket the backend already closed.
            retiring = true;
        }
        FastCgiExchange exchange = register(errors);
        write(() -> {
            writer.beginRequest(exchange.requestId, role, keepConn);
            writer.params(exchange.requestId, params);
            if (body != null) {
                writer.stream(FCGI_STDIN, exchange.requestId, body, 0, body.length);
                writer.endStream(FCGI_STDIN, exchange.requestId);
            }
        });
        return exchange;
    }

    /** A new exchange under the lowest request id not in use (1 unless multiplexing), taken atomically. */
    private synchronized FastCgiExchange register(StderrLog errors) {
        for (int id = 1; id <= 0xffff; id++) {
            if (!exchanges.containsKey(id)) {
                FastCgiExchange exchange = new FastCgiExchange(id, errors, this);
                exchanges.put(id, exchange);
                return exchange;
            }
        }
        throw new IllegalStateException("no free FastCGI request id on " + backend);
    }

    /** §5.3: request body bytes as FCGI_STDIN (or FCGI_DATA) records; nothing for {@code len == 0}. */
    void send(int type, FastCgiExchange exchange, byte[] b, int off, int len) throws IOException {
        if (len > 0) {
            write(() -> writer.stream(type, exchange.requestId, b, off, len));
        }
    }

    /** §5.3: the empty record that ends the FCGI_STDIN (or FCGI_DATA) stream. */
    void endStream(int type, FastCgiExchange exchange) throws IOException {
        write(() -> writer.endStream(type, exchange.requestId));
    }

    /**
     * §5.4: the client left. Output still coming is discarded; the backend answers FCGI_END_REQUEST and the
     * request slot frees then (or the pool's sweep closes the connection if it never does).
     */
    void abort(FastCgiExchange exchange) {
        exchange.drain();
        if (exchange.ended() || closed) {
            return;
        }
        exchange.abortedAt = System.nanoTime();
        if (inline) {
            // Nobody reads this connection once its request is given up: send the abort, then close it.
            try {
                write(() -> writer.abortRequest(exchange.requestId));
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            close();
            return;
        }
        if (!multiplexed) {
            // A backend that does not multiplex (php-fpm) reads no records while its script runs and would
            // take a late FCGI_ABORT_REQUEST for the start of the next request: no request follows this one.
            retiring = true;
        }
        try {
            write(() -> writer.abortRequest(exchange.requestId));
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    /** §4.1: asks for FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS; empty if no answer in time. */
    Map<String, String> getValues(long timeoutMillis) throws IOException {
        write(() -> writer.getValues(List.of(FCGI_MAX_CONNS, FCGI_MAX_REQS, FCGI_MPXS_CONNS)));
        try {
            return values.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Map.of();
        } catch (ExecutionException e) {
            throw new IOException("FastCGI backend " + backend + " failed while asked FCGI_GET_VALUES", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    private interface WriteStep {
        void run() throws IOException;
    }

    /**
     * One group of records, never interleaved with another request's records mid-record.
     *
     * @throws BackendTimeoutException if the sweep closed the connection: a write stalled past the read
     *                                 timeout, or the request passed its total timeout
     */
    private void write(WriteStep step) throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                throw new IOException("FastCGI connection to " + backend + " is closed");
            }
            step.run();
            writer.flush();
        } catch (IOException e) {
            close();
            String why = timedOut;
            if (why != null) {
                throw new BackendTimeoutException(why, e);
            }
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    // ---- reader thread ----

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    unread = closedBeforeRequest();
                    parser.finish();
                    throw new EOFException("FastCGI backend " + backend + " closed the connection");
                }
                quickAck.afterRead();
                parser.feed(buffer.array(), 0, n);
            }
        } catch (Exception e) {
            failAll(e);
        }
    }

    /** The connection is finished: every request still on it fails, the owner drops it. */
    private void failAll(Exception e) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        boolean wasOpen = !closed;
        closeChannel();
        owner.released(this); // out of the pool before any request thread hears of the failure
        values.complete(Map.of());
        boolean pending = false;
        for (FastCgiExchange exchange : exchanges.values()) {
            if (!exchange.ended()) {
                pending = true;
                exchange.fail(describe(e));
            }
        }
        exchanges.clear();
        if (!pending && wasOpen && e instanceof FastCgiProtocolException) {
            // No request carries this fault to the servlet's log: say it here, once.
            LOG.log(System.Logger.Level.WARNING, "FastCGI backend " + backend + ": " + e.getMessage());
        }
    }

    private Exception describe(Exception e) {
        String why = timedOut;
        if (why != null) {
            return new BackendTimeoutException(why, e);
        }
        if (e instanceof FastCgiProtocolException) {
            return new FastCgiProtocolException("FastCGI backend " + backend + ": " + e.getMessage());
        }
        if (e instanceof EOFException) {
            return new EOFException("FastCGI backend " + backend + " closed the connection before FCGI_END_REQUEST");
        }
        if (closed && !(e instanceof IOException)) {
            return new IOException("FastCGI connection to " + backend + " closed", e);
        }
        return e instanceof IOException io ? new IOException("FastCGI connection to " + backend + ": "
                + io.getMessage(), io) : e;
    }

    @Override
    public void onStream(int type, int requestId, byte[] b, int off, int len) {
        FastCgiExchange exchange = exchange(type, requestId);
        if (type == FCGI_STDOUT) {
            exchange.stdout(b, off, len);
        } else if (type == FCGI_STDERR) {
            exchange.stderr(b, off, len);
        } else {
            RecordListener.super.onStream(type, requestId, b, off, len);
        }
    }

    @Override
    public void onEndRequest(int requestId, int appStatus, int protocolStatus) {
        FastCgiExchange exchange = exchange(FCGI_END_REQUEST, requestId);
        exchanges.remove(requestId);
        if (retiring && exchanges.isEmpty()) {
            close();
        }
        if (inline) {
            // The request thread is inside pump(): hand the connection back when it is out of the parser.
            releasePending = true;
        } else {
            // Free the slot before the request thread learns of the end: its next request may take this connection.
            owner.released(this);
        }
        exchange.end(appStatus, protocolStatus);
    }

    @Override
    public void onGetValuesResult(List<NameValues.Pair> pairs) {
        Map<String, String> result = new HashMap<>();
        for (NameValues.Pair p : pairs) {
            result.put(p.name(StandardCharsets.US_ASCII), p.value(StandardCharsets.US_ASCII));
        }
        values.complete(result);
    }

    @Override
    public void onUnknownType(int type) {
        values.complete(Map.of()); // §4.2: the backend does not do FCGI_GET_VALUES
    }

    private FastCgiExchange exchange(int type, int requestId) {
        FastCgiExchange exchange = exchanges.get(requestId);
        if (exchange == null) {
            throw new FastCgiProtocolException(typeName(type) + " record for request " + requestId
                    + ", which is not active");
        }
        return exchange;
    }

    /** Closes the socket; what is left on it fails (the reader thread does it, or this call when inline). */
    @Override
    public void close() {
        closeChannel();
        if (inline) {
            failAll(new IOException("FastCGI connection to " + backend + " closed"));
        }
    }

    private void closeChannel() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close(); // a read or write blocked in another thread ends with AsynchronousCloseException
        } catch (IOException e) {
            // closing: nothing to tell anyone
        }
    }

    // ---- inline reading (request thread) ----

    /**
     * Reads what the backend sent, blocking, and parses it (events land in the exchange). The read timeout is
     * the sweep's: past it the channel is closed under the read. A close or a protocol fault fails the exchange.
     */
    void pump() {
        try {
            readBuffer.clear();
            int n;
            blockedWriting = false;
            blockedSince = System.nanoTime();
            try {
                n = channel.read(readBuffer);
            } finally {
                blockedSince = 0;
            }
            if (n < 0) {
                unread = closedBeforeRequest();
                parser.finish();
                throw new EOFException("FastCGI backend " + backend + " closed the connection");
            }
            quickAck.afterRead();
            parser.feed(readBuffer.array(), 0, n);
        } catch (Exception e) {
            failAll(e);
        } finally {
            if (releasePending) {
                releasePending = false;
                owner.released(this);
            }
        }
    }

    /**
     * After the backend's end of stream with a request open: whether it had closed before that request reached
     * it, so that sending it elsewhere cannot run it twice (issue 11 §7). A TCP peer whose application closed
     * answers every byte arriving afterwards with a reset (RFC 1122 §4.2.2.13), so one round trip after its FIN
     * a probe write fails; a worker that read our request and then died (a killed php-fpm child) sent its FIN
     * after the request arrived, and the probe, its first unasked-for bytes, goes out. The probe is an empty
     * FCGI_GET_VALUES (§4.1), harmless to a backend that is still reading. A Unix socket refuses a write to a
     * closed peer at once: there a request whose write went through reached a live worker, and is never proven
     * unread here.
     */
    private boolean closedBeforeRequest() {
        if (exchanges.isEmpty() || roundTripNanos < 0) {
            return false;
        }
        long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(100), Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                2 * roundTripNanos));
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
            channel.write(ByteBuffer.wrap(PROBE));
            return false;
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether the backend provably never read the request that failed on this connection (it had closed
     * before the request reached it), so the request can go to another without running twice.
     */
    boolean droppedUnreadRequest() {
        return unread;
    }

    /** Bytes written so far: a request whose write failed with this unchanged never left us. */
    long written() {
        return written;
    }

    /**
     * For an idle inline connection taken from the pool: false if the backend closed it (or sent bytes no
     * request asked for), and then it is closed. Looks only when {@code look}: a blocking channel cannot
     * peek, so this costs switching it to non-blocking and back (five system calls).
     */
    boolean stillOpen(boolean look) {
        if (closed) {
            return false;
        }
        if (!inline || !look) {
            return true;
        }
        try {
            readBuffer.clear();
            channel.configureBlocking(false);
            int n = channel.read(readBuffer);
            if (n == 0) {
                channel.configureBlocking(true);
                return true;
            }
            if (n > 0) {
                LOG.log(System.Logger.Level.WARNING, "FastCGI backend " + backend + " sent " + n
                        + " bytes on an idle connection; closing it");
            }
        } catch (IOException e) {
            // reset: closed
        }
        close();
        return false;
    }

    /**
     * Why the upkeep sweep must close this connection, or null: a read of the inline request thread or a
     * write blocked longer than the read timeout (a blocking channel has no timeout of its own), a request
     * past its total timeout without FCGI_END_REQUEST, or one aborted more than the read timeout ago that
     * still has none.
     */
    String expired(long now, long readTimeoutMillis) {
        long readTimeout = TimeUnit.MILLISECONDS.toNanos(readTimeoutMillis);
        long blocked = blockedSince;
        if (blocked != 0 && now - blocked > readTimeout) {
            return blockedWriting ? "FastCGI backend " + backend + " took no request bytes for " + readTimeoutMillis
                    + " ms" : "FastCGI backend " + backend + " sent nothing for " + readTimeoutMillis + " ms";
        }
        for (FastCgiExchange e : exchanges.values()) {
            long aborted = e.abortedAt;
            long deadline = e.deadline;
            if (aborted != 0 && now - aborted > readTimeout) {
                return "FastCGI backend " + backend + " did not end an aborted request within " + readTimeoutMillis
                        + " ms";
            }
            if (deadline != 0 && now - deadline > 0 && !e.ended()) {
                return "FastCGI backend " + backend + " did not finish within the total timeout";
            }
        }
        return null;
    }

    /** The sweep closes the connection for {@code why} (from {@link #expired}): its requests fail with a 504. */
    void timeOut(String why) {
        timedOut = why;
        close();
    }

    /** How this connection acknowledges what it reads (tests). */
    QuickAck quickAck() {
        return quickAck;
    }

    /** Waits for the reader thread to end (tests, shutdown). */
    void join(long millis) throws InterruptedException {
        if (reader != null) {
            reader.join(millis);
        }
    }

    /**
     * Writes go straight to the channel (Channels.newOutputStream would share a lock with reads, JDK < 21); a
     * write that blocks longer than the read timeout is ended by the sweep ({@link #expired}).
     */
    private OutputStream channelOutput() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                blockedWriting = true;
                blockedSince = System.nanoTime();
                try {
                    while (buffer.hasRemaining()) {
                        written += channel.write(buffer);
                    }
                } finally {
                    blockedSince = 0;
                }
            }
        };
    }
}
