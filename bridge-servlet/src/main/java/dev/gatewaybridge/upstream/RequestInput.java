package dev.gatewaybridge.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/** The request body as the bridges read it when its length is not known ({@code Environ.BODY_UNTIL_END}). */
public final class RequestInput {

    private RequestInput() {
    }

    /**
     * {@code in} from its first byte, or null if it has none: an HTTP/2 GET and an HTTP/2 body sent without
     * content-length (RFC 9113 §8.1.1) look alike until one read tells them apart, and an empty body is sent
     * without the length a non-empty one must be buffered for.
     */
    public static InputStream nonEmpty(InputStream in) throws IOException {
        int first = in.read();
        return first < 0 ? null : new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) first}), in);
    }
}
