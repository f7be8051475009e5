package dev.gatewaybridge.api;

import java.io.IOException;

/**
 * The {@code write(data)} callable returned by {@link StartResponse}: PEP 3333's imperative output path for
 * legacy applications. Each call sends the headers if they have not gone out yet, then the data, flushed.
 */
@FunctionalInterface
public interface Write {

    /** Sends {@code data} to the client before returning. */
    void write(byte[] data) throws IOException;
}
