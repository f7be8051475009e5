package dev.gatewaybridge.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Streams {@code bytes} of zeros-like data to {@code path} on the loopback {@code port} while reading the
 * echo back on another thread, never holding more than 64 KiB; prints {@code MiB/s} of the round trip.
 * Usage: {@code EchoClient port path bytes}.
 */
public final class EchoClient {

    private EchoClient() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String path = args[1];
        long total = Long.parseLong(args[2]);
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31);
        }
        long started = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + total + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            FutureTask<Void> upload = new FutureTask<>(() -> {
                for (long sent = 0; sent < total; ) {
                    int n = (int) Math.min(block.length, total - sent);
                    out.write(block, 0, n);
                    sent += n;
                }
                out.flush();
                return null;
            });
            Thread uploader = new Thread(upload, "upload");
            uploader.setDaemon(true);
            uploader.start();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            String status = skipHead(in);
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; received < total && (n = in.read(buffer)) > 0; ) {
                received += n;
            }
            upload.get(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (received != total || !status.startsWith("HTTP/1.1 200")) {
                System.err.println("FAILED: " + status + ", " + received + " of " + total + " bytes");
                System.exit(1);
            }
            System.out.printf("%.1f%n", total / seconds / (1 << 20));
        }
    }

    /** Reads the status line and headers; returns the status line. */
    private static String skipHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.append((char) c);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }
}
