package dev.gatewaybridge.api;

import java.util.Objects;

/**
 * One response header, PEP 3333's {@code (header_name, header_value)} tuple.
 * The server validates it ({@link HeaderRules}) before anything is sent.
 */
public record Header(String name, String value) {

    public Header {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
    }

    /** Shorthand for {@code new Header(name, value)}. */
    public static Header of(String name, String value) {
        return new Header(name, value);
    }

    /** Whether this header is named {@code name}, ignoring case as HTTP does. */
    public boolean is(String name) {
        return this.name.equalsIgnoreCase(name);
    }
}
