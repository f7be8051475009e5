package dev.gatewaybridge.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.gatewaybridge.bridge.BlockInputStream;

/**
 * A program started by the daemon: the connection is its stdin and stdout; its stderr lines, exit and end
 * come as the daemon's events (routed by {@link ProgramTable} on the daemon's reader thread).
 */
final class NativeProgram implements Spawner.Program {
    private final SpawnDaemon daemon;
    private final int token;
    private final SocketChannel channel;
    private final Consumer<String> stderr;
    private final InputStream stdout;
    private final OutputStream stdin;
    private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile String failure;
    private volatile boolean abandoned;
    /** Stderr lines read by the event thread and not yet handed over, joined by '\n'. */
    private final StringBuilder batch = new StringBuilder();
    private boolean batched;

    NativeProgram(SpawnDaemon daemon, int token, SocketChannel channel, Consumer<String> stderr) {
        this.daemon = daemon;
        this.token = token;
        this.channel = channel;
        this.stderr = stderr;
        this.stdout = new ChannelInput(channel);
        this.stdin = new ChannelOutput(channel);
    }

    void failed(String why) {
        failure = why; // X 127 and D follow
    }

    /** One E line into the batch; whether it waits there (false: handed over, it was full). */
    boolean line(String line) {
        if (batched) {
            batch.append('\n');
        }
        batch.append(line);
        batched = true;
        if (batch.length() >= JdkSpawner.MAX_BATCH) {
            handOver();
            return false;
        }
        return true;
    }

    /** The batch to the consumer (unless the program was abandoned). */
    void handOver() {
        if (batched) {
            String lines = batch.toString();
            batch.setLength(0);
            batched = false;
            if (!abandoned) {
                stderr.accept(lines);
            }
        }
    }

    void exited(int code) {
        exit.complete(code);
    }

    /** D: the program exited (X came first) and every stderr line was handed over. */
    void stderrEnded() {
        handOver();
        stderrDone.complete(null);
    }

    /** Whether no event can come any more. */
    boolean over() {
        return stderrDone.isDone();
    }

    void daemonGone() {
        exit.completeExceptionally(new IOException("gateway-spawn exited: exit status unknown"));
        stderrDone.complete(null);
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    /** The frame was written whole before this can be called: the daemon finds it (gateway-spawn.c, K). */
    @Override
    public void kill() {
        daemon.kill(token);
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public boolean waitFor(long millis) throws InterruptedException {
        try {
            exit.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return exit.isDone();
        }
    }

    @Override
    public CompletableFuture<Void> stderrDone() {
        return stderrDone;
    }

    @Override
    public CompletableFuture<Integer> exit() {
        return exit;
    }

    @Override
    public String startFailure(long millis) throws InterruptedException {
        waitFor(millis); // the daemon reports a failed exec before the exit
        return failure;
    }

    @Override
    public void abandonStderr() {
        abandoned = true;
    }

    @Override
    public String toString() {
        return "gateway-spawn program of request " + Integer.toUnsignedString(token);
    }

    /**
     * The connection as the program's stdout. Not Channels.newInputStream: its reads and writes lock the
     * same object, so a read waiting for output would block the body being written to the same socket.
     */
    private static final class ChannelInput extends BlockInputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        /**
         * ECONNRESET is end of file: on a Unix socket it only means the program exited without reading all of
         * its stdin (Linux af_unix sets it on the peer when unread data is discarded), and everything it wrote
         * was already delivered; a CGI program need not read the body (RFC 3875 §4.2).
         */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            try {
                return channel.read(ByteBuffer.wrap(b, off, len));
            } catch (SocketException e) {
                if ("Connection reset".equals(e.getMessage())) {
                    return -1;
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The connection as the program's stdin; close() is end of file for the program (shutdown(SHUT_WR)). */
    private static final class ChannelOutput extends OutputStream {
        private final SocketChannel channel;

        ChannelOutput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        @Override
        public void close() throws IOException {
            if (channel.isOpen()) {
                try {
                    channel.shutdownOutput();
                } catch (IOException e) {
                    // the program is gone: it has its end of file
                }
            }
        }
    }
}
