package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.*;

/**
 * Parses FastCGI 1.0 records (spec §3.3) from bytes fed in as they arrive, in any split, and reports each
 * complete record to a {@link RecordListener}. It checks the header (version 1, a request id that fits the
 * type, the fixed body length of FCGI_BEGIN_REQUEST / FCGI_END_REQUEST / FCGI_UNKNOWN_TYPE) and the
 * name-value pairs of management records; any fault is a {@link FastCgiProtocolException}, after which the
 * parser is dead (the stream cannot be re-synchronised). Memory: one record's content, at most 64 KiB.
 */
final class RecordParser {

    private enum State { HEADER, CONTENT, PADDING, FAILED }

    private final RecordListener listener;
    private final byte[] header = new byte[FCGI_HEADER_LEN];
    private final byte[] content = new byte[FCGI_MAX_CONTENT_LENGTH];
    private State state = State.HEADER;
    private int filled;
    private int type;
    private int requestId;
    private int contentLength;
    private int paddingLength;
    private long records;

    RecordParser(RecordListener listener) {
        this.listener = listener;
    }

    /** Parses {@code b[off, off+len)}, reporting every record it completes. */
    void feed(byte[] b, int off, int len) {
        int end = off + len;
        try {
            while (off < end || state == State.CONTENT && filled == contentLength) {
                off = step(b, off, end);
            }
        } catch (RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /**
     * The input ended (the peer closed the connection).
     *
     * @throws FastCgiProtocolException if it ended inside a record
     */
    void finish() {
        if (state == State.FAILED) {
            throw new FastCgiProtocolException("parser already failed");
        }
        if (state != State.HEADER || filled != 0) {
            state = State.FAILED;
            throw new FastCgiProtocolException("connection closed inside a " + typeName(type)
                    + " record (" + where() + ")");
        }
    }

    /** Number of complete records reported so far. */
    long records() {
        return records;
    }

    private int step(byte[] b, int off, int end) {
        switch (state) {
            case HEADER -> {
                int n = Math.min(end - off, FCGI_HEADER_LEN - filled);
                System.arraycopy(b, off, header, filled, n);
                filled += n;
                if (filled == FCGI_HEADER_LEN) {
                    readHeader();
                }
                return off + n;
            }
            case CONTENT -> {
                int n = Math.min(end - off, contentLength - filled);
                System.arraycopy(b, off, content, filled, n);
                filled += n;
                if (filled == contentLength) {
                    dispatch();
                    filled = 0;
                    state = paddingLength > 0 ? State.PADDING : State.HEADER;
                }
                return off + n;
            }
            case PADDING -> {
                int n = Math.min(end - off, paddingLength - filled);
                filled += n;
                if (filled == paddingLength) {
                    filled = 0;
                    state = State.HEADER;
                }
                return off + n;
            }
            default -> throw new FastCgiProtocolException("parser already failed");
        }
    }

    /** §3.3 FCGI_Header: version, type, requestId, contentLength, paddingLength, reserved. */
    private void readHeader() {
        int version = header[0] & 0xff;
        type = header[1] & 0xff;
        requestId = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        contentLength = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
        paddingLength = header[6] & 0xff;
        if (version != FCGI_VERSION_1) {
            throw new FastCgiProtocolException("unsupported FastCGI version " + version + " in a record header ("
                    + where() + ")");
        }
        checkRequestId();
        checkFixedLength();
        filled = 0;
        state = State.CONTENT;
    }

    /** §3.3: management records (FCGI_GET_VALUES …) use request id 0, application records any other. */
    private void checkRequestId() {
        boolean management = type == FCGI_GET_VALUES || type == FCGI_GET_VALUES_RESULT || type == FCGI_UNKNOWN_TYPE;
        boolean application = type >= FCGI_BEGIN_REQUEST && type <= FCGI_DATA;
        if (management && requestId != FCGI_NULL_REQUEST_ID || application && requestId == FCGI_NULL_REQUEST_ID) {
            throw new FastCgiProtocolException(typeName(type) + " record with request id " + requestId);
        }
    }

    /** §5.1, §5.5, §4.2: these bodies are exactly 8 bytes. */
    private void checkFixedLength() {
        if ((type == FCGI_BEGIN_REQUEST || type == FCGI_END_REQUEST || type == FCGI_UNKNOWN_TYPE)
                && contentLength != 8) {
            throw new FastCgiProtocolException(typeName(type) + " record with a body of " + contentLength
                    + " bytes, not 8");
        }
    }

    private void dispatch() {
        records++;
        switch (type) {
            case FCGI_BEGIN_REQUEST -> listener.onBeginRequest(requestId,
                    ((content[0] & 0xff) << 8) | (content[1] & 0xff), (content[2] & FCGI_KEEP_CONN) != 0);
            case FCGI_ABORT_REQUEST -> listener.onAbortRequest(requestId);
            case FCGI_END_REQUEST -> listener.onEndRequest(requestId, ((content[0] & 0xff) << 24)
                    | ((content[1] & 0xff) << 16) | ((content[2] & 0xff) << 8) | (content[3] & 0xff),
                    content[4] & 0xff);
            case FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR, FCGI_DATA ->
                    listener.onStream(type, requestId, content, 0, contentLength);
            case FCGI_GET_VALUES -> listener.onGetValues(NameValues.decode(content, 0, contentLength));
            case FCGI_GET_VALUES_RESULT -> listener.onGetValuesResult(NameValues.decode(content, 0, contentLength));
            case FCGI_UNKNOWN_TYPE -> listener.onUnknownType(content[0] & 0xff);
            default -> listener.onUnknownRecord(type, requestId, content, 0, contentLength);
        }
    }

    private String where() {
        return "record " + (records + 1) + ", request " + requestId + ", content " + filled + "/" + contentLength;
    }
}
