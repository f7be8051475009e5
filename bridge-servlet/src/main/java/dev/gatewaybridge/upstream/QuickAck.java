package dev.gatewaybridge.upstream;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import jdk.net.ExtendedSocketOptions;

/**
 * Acknowledges what was read from a backend at once, on TCP where the platform can (Linux TCP_QUICKACK).
 *
 * <p>Why: php-fpm writes a page larger than its 8 KiB buffer in several writes on a socket with Nagle's
 * algorithm on (RFC 896), so the last, small write waits until the first is acknowledged. On a kept-alive
 * connection Linux has seen us answer (we sent the next request), takes it for interactive traffic and delays
 * its ACK (RFC 1122 §4.2.3.2; 40 ms on Linux) hoping to piggyback it on data we never send: every such page
 * waited 40 ms (nginx with upstream keep-alive waits too). TCP_QUICKACK is not sticky, so it is set after each
 * read: one {@code setsockopt} that sends the ACK now. A Unix domain socket has neither Nagle nor delayed ACKs.
 */
public final class QuickAck {

    private static final QuickAck NONE = new QuickAck(null);

    private final SocketChannel channel;

    private QuickAck(SocketChannel channel) {
        this.channel = channel;
    }

    /** For {@code channel}: acknowledges after each read if its socket supports TCP_QUICKACK, else does nothing. */
    public static QuickAck of(SocketChannel channel) {
        return channel.supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK) ? new QuickAck(channel) : NONE;
    }

    /** Whether reads on this channel are acknowledged at once (tests). */
    public boolean enabled() {
        return channel != null;
    }

    /**
     * Whether the socket is in quick-ACK mode now ({@code getsockopt TCP_QUICKACK}): false while Linux delays its
     * ACKs, taking the connection for interactive traffic (tests).
     */
    public boolean quickNow() throws IOException {
        return channel != null && channel.getOption(ExtendedSocketOptions.TCP_QUICKACK);
    }

    /** Call after a read that returned bytes: sends the pending ACK now instead of after the delayed-ACK timer. */
    public void afterRead() throws IOException {
        if (channel != null) {
            channel.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
        }
    }
}
