package dev.gatewaybridge.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.BackendTimeoutException;

class ConnectionTest {

    private static final Timeouts FAST = new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300),
            Duration.ofSeconds(5));

    @Test
    void talksOverTcp() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            var address = new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            echoOnce(server, address);
        }
    }

    @Test
    void talksOverAUnixSocket(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("b.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(sock))) {
            echoOnce(server, new BackendAddress.Unix(sock));
        }
    }

    private static void echoOnce(ServerSocketChannel server, BackendAddress address) throws Exception {
        try (Connection c = Connection.open(address, FAST); SocketChannel peer = server.accept()) {
            c.output().write("ping".getBytes());
            c.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(4);
            while (in.hasRemaining()) {
                peer.read(in);
            }
            peer.write(in.flip());
            peer.close();
            assertArrayEquals("ping".getBytes(), c.input().readAllBytes());
        }
    }

    @Test
    void aRefusedConnectIsAnIOException() throws Exception {
        int port;
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        assertThrows(ConnectException.class, () -> Connection.open(new BackendAddress.Tcp("127.0.0.1", port), FAST));
    }

    @Test
    void aMissingUnixSocketIsAnIOException(@TempDir Path dir) {
        assertThrows(IOException.class, () -> Connection.open(new BackendAddress.Unix(dir.resolve("none.sock")), FAST));
    }

    @Test
    void aSilentBackendTimesOutAfterTheReadTimeoutWith504() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            var address = new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            try (Connection c = Connection.open(address, FAST); SocketChannel peer = server.accept()) {
                long start = System.nanoTime();
                var e = assertThrows(BackendTimeoutException.class, () -> c.input().read());
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(504, e.status());
                assertTrue(ms >= 250 && ms < 3000, "waited " + ms + " ms");
                assertTrue(e.getMessage().contains("read timeout"), e.getMessage());
            }
        }
    }

    @Test
    void aBackendThatStopsReadingTimesOutTheWrite() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            var address = new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            try (Connection c = Connection.open(address, FAST); SocketChannel peer = server.accept()) {
                byte[] block = new byte[1 << 20];
                var e = assertThrows(BackendTimeoutException.class, () -> {
                    for (int i = 0; i < 256; i++) { // far more than the socket buffers hold
                        c.output().write(block);
                    }
                });
                assertTrue(e.getMessage().contains("reading the request"), e.getMessage());
            }
        }
    }

    @Test
    void theTotalTimeoutBoundsATrickleOfBytes() throws Exception {
        Timeouts t = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(400));
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            var address = new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            try (Connection c = Connection.open(address, t); SocketChannel peer = server.accept()) {
                var e = assertThrows(BackendTimeoutException.class, () -> {
                    for (int i = 0; i < 100; i++) {
                        peer.write(ByteBuffer.wrap(new byte[] {'x'}));
                        c.input().read();
                        Thread.sleep(50);
                    }
                });
                assertTrue(e.getMessage().contains("total timeout"), e.getMessage());
            }
        }
    }

    @Test
    void aConnectThatHangsTimesOut() throws Exception {
        // A listener that never accepts and has a full backlog drops further SYNs: the connect hangs.
        Timeouts t = new Timeouts(Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(5));
        List<Connection> open = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1)) {
            var address = new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
            IOException failure = null;
            for (int i = 0; i < 10 && failure == null; i++) {
                try {
                    open.add(Connection.open(address, t));
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertTrue(failure instanceof java.net.SocketTimeoutException, String.valueOf(failure));
            assertTrue(failure.getMessage().contains("timed out after 300 ms"), failure.getMessage());
        } finally {
            open.forEach(Connection::close);
        }
    }
}
