package dev.gatewaybridge.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a backend listens, as written in configuration: {@code host:port}, {@code [v6]:port} or
 * {@code unix:/path/to.sock} (nginx's spelling for a Unix domain socket).
 */
public sealed interface BackendAddress {

    /**
     * The address to connect a {@link java.nio.channels.SocketChannel} to.
     *
     * @throws UnknownHostException naming the host if it does not resolve (else connect() throws a bare
     *                              UnresolvedAddressException naming nothing)
     */
    SocketAddress socketAddress() throws UnknownHostException;

    /** A new, unconnected channel of the right family for this address. */
    SocketChannel openChannel() throws IOException;

    /** A TCP address; the host is resolved when connecting, so a DNS change is seen without a restart. */
    record Tcp(String host, int port) implements BackendAddress {
        public Tcp {
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad backend address: " + host + ":" + port);
            }
        }

        @Override
        public SocketAddress socketAddress() throws UnknownHostException {
            InetSocketAddress resolved = new InetSocketAddress(host, port);
            if (resolved.isUnresolved()) {
                throw new UnknownHostException("cannot resolve " + host);
            }
            return resolved;
        }

        @Override
        public SocketChannel openChannel() throws IOException {
            // The default family is dual-stack where IPv6 exists, so it reaches v4 and v6 hosts alike.
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return channel;
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** A Unix domain socket, {@code unix:/path}. */
    record Unix(Path path) implements BackendAddress {
        @Override
        public SocketAddress socketAddress() {
            return UnixDomainSocketAddress.of(path);
        }

        @Override
        public SocketChannel openChannel() throws IOException {
            return SocketChannel.open(StandardProtocolFamily.UNIX);
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /**
     * Parses one address.
     *
     * @throws IllegalArgumentException naming the value if it is none of the three forms
     */
    static BackendAddress parse(String text) {
        String s = text.strip();
        if (s.startsWith("unix:")) {
            String path = s.substring("unix:".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("unix socket path must be absolute: " + text);
            }
            return new Unix(Path.of(path));
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("backend address must be host:port, [v6]:port or unix:/path: "
                    + text);
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 backend address needs brackets, [v6]:port: " + text);
        }
        return new Tcp(host, port(s.substring(colon + 1), text));
    }

    /** Parses a list separated by commas and/or whitespace; at least one address. */
    static List<BackendAddress> parseList(String text) {
        List<BackendAddress> out = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no backend address in " + text);
        }
        return List.copyOf(out);
    }

    private static int port(String digits, String text) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the message naming the value
        }
        throw new IllegalArgumentException("bad port in backend address: " + text);
    }
}
