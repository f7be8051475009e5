package dev.gatewaybridge.test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A client that uploads a body slowly over a raw socket: {@code chunk} bytes every {@code everyMillis} ms,
 * with a Content-Length or chunked, until told to send the rest at once ({@link #hurry()}) or to stop
 * ({@link #stall()}). The slowloris of request bodies.
 */
public final class SlowClient implements AutoCloseable {

    private final RawHttp http;
    private final long length;
    private final boolean chunked;
    private final int chunk;
    private final long everyMillis;
    private final Thread sender;
    private volatile boolean hurry;
    private volatile boolean stalled;
    private volatile long sent;

    private SlowClient(int port, String target, long length, boolean chunked, int chunk, long everyMillis) {
        this.http = RawHttp.open(port);
        this.length = length;
        this.chunked = chunked;
        this.chunk = chunk;
        this.everyMillis = everyMillis;
        http.setTimeout(20_000);
        http.send("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n")
                + "Connection: close\r\n\r\n");
        this.sender = new Thread(this::trickle, "slow-client");
        sender.setDaemon(true);
        sender.start();
    }

    /** Starts uploading {@code length} bytes of 'x' to {@code target}, {@code chunk} bytes every {@code everyMillis}. */
    public static SlowClient start(int port, String target, long length, boolean chunked, int chunk, long everyMillis) {
        return new SlowClient(port, target, length, chunked, chunk, everyMillis);
    }

    private void trickle() {
        try {
            while (sent < length) {
                if (stalled) {
                    return;
                }
                int n = (int) Math.min(hurry ? 64 * 1024 : chunk, length - sent);
                byte[] bytes = new byte[n];
                Arrays.fill(bytes, (byte) 'x');
                if (chunked) {
                    http.send(Integer.toHexString(n) + "\r\n");
                }
                http.send(bytes);
                if (chunked) {
                    http.send("\r\n");
                }
                sent += n;
                if (!hurry) {
                    TimeUnit.MILLISECONDS.sleep(everyMillis);
                }
            }
            if (chunked) {
                http.send("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the server closed the connection (a 408 or 413 answered before the body ended)
        }
    }

    /** Bytes sent so far. */
    public long sent() {
        return sent;
    }

    /** Sends the rest of the body at once. */
    public SlowClient hurry() {
        hurry = true;
        return this;
    }

    /** Sends nothing more. */
    public SlowClient stall() {
        stalled = true;
        return this;
    }

    /** The response (read once). */
    public RawHttp.Response response() {
        return http.readResponse();
    }

    @Override
    public void close() {
        stalled = true;
        http.close();
        try {
            sender.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
