package dev.gatewaybridge.server;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Writing to the client failed: it closed or reset the connection. Ends the iteration quietly. */
final class ClientGoneException extends UncheckedIOException {
    ClientGoneException(IOException cause) {
        super(cause);
    }
}
