package dev.gatewaybridge.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** One variable sent to a FastCGI or SCGI backend, in the order {@link Params} produced it. */
public record Param(String name, String value) {

    public Param {
        Objects.requireNonNull(name, "param name");
        Objects.requireNonNull(value, "param value");
    }

    /** The name as sent: ASCII (names are checked to be {@code [A-Za-z0-9_.-]}). */
    public byte[] nameBytes() {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The value as sent. Request header values ({@code HTTP_*}) were decoded by the container as ISO-8859-1
     * (RFC 9110 §5.5: header octets are opaque) and go back out as the same octets; every other value is a
     * Java string from the environ (paths percent-decoded as UTF-8) and goes out as UTF-8.
     */
    public byte[] valueBytes() {
        if (name.startsWith("HTTP_") && isLatin1(value)) {
            return value.getBytes(StandardCharsets.ISO_8859_1);
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }
}
