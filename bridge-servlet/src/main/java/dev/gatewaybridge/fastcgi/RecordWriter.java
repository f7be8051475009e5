package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.List;

import dev.gatewaybridge.upstream.Param;

/**
 * Writes FastCGI 1.0 records (spec §3.3) to a stream: content longer than 65535 bytes is split into several
 * records, and every record is padded to a multiple of 8 bytes ("we recommend that records be placed on
 * boundaries that are multiples of eight bytes", §3.3). Not thread-safe; callers that share a connection
 * hold its write lock around a record group and call {@link #flush()}. The web server's side only: the
 * application's records (FCGI_END_REQUEST, FCGI_GET_VALUES_RESULT, FCGI_UNKNOWN_TYPE) are written by the
 * tests' backends (ApplicationRecordWriter, in the test sources).
 */
class RecordWriter {

    private static final byte[] ZEROS = new byte[8];

    private final OutputStream out;
    private final byte[] header = new byte[FCGI_HEADER_LEN];

    RecordWriter(OutputStream out) {
        this.out = out;
    }

    /** §5.1: FCGI_BEGIN_REQUEST for {@code requestId} in {@code role}, with FCGI_KEEP_CONN if {@code keepConn}. */
    void beginRequest(int requestId, int role, boolean keepConn) throws IOException {
        byte[] body = {(byte) (role >>> 8), (byte) role, (byte) (keepConn ? FCGI_KEEP_CONN : 0), 0, 0, 0, 0, 0};
        record(FCGI_BEGIN_REQUEST, requestId, body, 0, body.length);
    }

    /** §5.4: FCGI_ABORT_REQUEST, the client gave up on {@code requestId}. */
    void abortRequest(int requestId) throws IOException {
        record(FCGI_ABORT_REQUEST, requestId, ZEROS, 0, 0);
    }

    /** §5.2: the whole FCGI_PARAMS stream of {@code requestId} (name-value pairs, then the empty record). */
    void params(int requestId, List<Param> params) throws IOException {
        ByteArrayOutputStream pairs = new ByteArrayOutputStream(1024);
        for (Param p : params) {
            NameValues.encode(pairs, p.nameBytes(), p.valueBytes());
        }
        stream(FCGI_PARAMS, requestId, pairs.toByteArray(), 0, pairs.size());
        endStream(FCGI_PARAMS, requestId);
    }

    /** §3.3 stream records: {@code b[off, off+len)} as one or more records; nothing for {@code len == 0}. */
    void stream(int type, int requestId, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, FCGI_MAX_CONTENT_LENGTH);
            record(type, requestId, b, off, n);
            off += n;
            len -= n;
        }
    }

    /** §3.3: the empty record that ends a stream. */
    void endStream(int type, int requestId) throws IOException {
        record(type, requestId, ZEROS, 0, 0);
    }

    /** §4.1: FCGI_GET_VALUES asking for {@code names}. */
    void getValues(List<String> names) throws IOException {
        ByteArrayOutputStream pairs = new ByteArrayOutputStream();
        names.forEach(name -> NameValues.encode(pairs, name.getBytes(Charset.forName("US-ASCII")), new byte[0]));
        record(FCGI_GET_VALUES, FCGI_NULL_REQUEST_ID, pairs.toByteArray(), 0, pairs.size());
    }

    /** One record of at most 65535 content bytes, padded to a multiple of 8. */
    void record(int type, int requestId, byte[] b, int off, int len) throws IOException {
        if (len > FCGI_MAX_CONTENT_LENGTH) {
            throw new IllegalArgumentException("record content of " + len + " bytes exceeds 65535");
        }
        int padding = (8 - (len & 7)) & 7;
        header[0] = FCGI_VERSION_1;
        header[1] = (byte) type;
        header[2] = (byte) (requestId >>> 8);
        header[3] = (byte) requestId;
        header[4] = (byte) (len >>> 8);
        header[5] = (byte) len;
        header[6] = (byte) padding;
        header[7] = 0;
        out.write(header);
        out.write(b, off, len);
        out.write(ZEROS, 0, padding);
    }

    void flush() throws IOException {
        out.flush();
    }
}
