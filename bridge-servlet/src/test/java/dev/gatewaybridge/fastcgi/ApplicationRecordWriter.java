package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The application's side of the FastCGI records (spec §4.1, §4.2, §5.5), for the tests' backends: the
 * library only writes the web server's side, so these stay out of its jar.
 */
final class ApplicationRecordWriter extends RecordWriter {

    ApplicationRecordWriter(OutputStream out) {
        super(out);
    }

    /** §5.5: FCGI_END_REQUEST. */
    void endRequest(int requestId, int appStatus, int protocolStatus) throws IOException {
        byte[] body = {(byte) (appStatus >>> 24), (byte) (appStatus >>> 16), (byte) (appStatus >>> 8),
                (byte) appStatus, (byte) protocolStatus, 0, 0, 0};
        record(FCGI_END_REQUEST, requestId, body, 0, body.length);
    }

    /** §4.1: FCGI_GET_VALUES_RESULT. */
    void getValuesResult(Map<String, String> values) throws IOException {
        ByteArrayOutputStream pairs = new ByteArrayOutputStream();
        values.forEach((n, v) -> NameValues.encode(pairs, n.getBytes(StandardCharsets.US_ASCII),
                v.getBytes(StandardCharsets.US_ASCII)));
        record(FCGI_GET_VALUES_RESULT, FCGI_NULL_REQUEST_ID, pairs.toByteArray(), 0, pairs.size());
    }

    /** §4.2: FCGI_UNKNOWN_TYPE, the answer to a management record of a type we do not know. */
    void unknownType(int type) throws IOException {
        byte[] body = {(byte) type, 0, 0, 0, 0, 0, 0, 0};
        record(FCGI_UNKNOWN_TYPE, FCGI_NULL_REQUEST_ID, body, 0, body.length);
    }
}
