package dev.gatewaybridge.fastcgi;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** A backend address: {@code host:port}, {@code [v6]:port} or {@code unix:/path/to/socket}. */
record Backend(String name, SocketAddress address) {

    static Backend parse(String text, String param) {
        String t = text.trim();
        if (t.startsWith("unix:")) {
            String path = t.substring("unix:".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(param + ": a unix socket needs an absolute path: \"" + t + "\"");
            }
            return new Backend(t, UnixDomainSocketAddress.of(path));
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(param + ": backend is not host:port or unix:/path: \"" + t + "\"");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(param + ": backend port is not 1-65535: \"" + t + "\"");
        }
        return new Backend(t, InetSocketAddress.createUnresolved(host, port));
    }

    /** A resolved address to connect to (resolved per connect, so a DNS change is followed). */
    SocketAddress connectAddress() {
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            return new InetSocketAddress(inet.getHostString(), inet.getPort());
        }
        return address;
    }
}
