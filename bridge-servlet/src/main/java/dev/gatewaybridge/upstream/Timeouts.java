package dev.gatewaybridge.upstream;

import java.time.Duration;

import dev.gatewaybridge.config.ConfigReader;

/**
 * The three limits on talking to a backend, like nginx's {@code *_connect_timeout}, {@code *_read_timeout}
 * (here also bounding each stalled write, nginx's {@code *_send_timeout}) and a limit on the whole exchange.
 *
 * @param connect longest wait for a connection to be established (then the next backend is tried)
 * @param read    longest wait for the backend to send (or accept) any byte
 * @param total   longest time from connecting to the end of the response
 */
public record Timeouts(Duration connect, Duration read, Duration total) {

    /** nginx's defaults for connect and read (60 s), and 10 minutes for the whole exchange. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60),
            Duration.ofMinutes(10));

    // Parameter names under a bridge's prefix (e.g. scgi.readTimeout); values like 500ms, 30s, 2m.
    public static final String CONNECT_TIMEOUT = "connectTimeout";
    public static final String READ_TIMEOUT = "readTimeout";
    public static final String TOTAL_TIMEOUT = "totalTimeout";

    /** The timeouts configured under {@code reader}'s prefix, {@link #DEFAULT} for those not given. */
    public static Timeouts from(ConfigReader reader) {
        return new Timeouts(reader.get(UpstreamSettings.CONNECT_TIMEOUT), reader.get(UpstreamSettings.READ_TIMEOUT),
                reader.get(UpstreamSettings.TOTAL_TIMEOUT));
    }

    public Timeouts {
        for (Duration d : new Duration[] {connect, read, total}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + connect + ", " + read
                        + ", " + total);
            }
        }
    }
}
