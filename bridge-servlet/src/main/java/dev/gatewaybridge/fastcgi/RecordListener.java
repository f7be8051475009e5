package dev.gatewaybridge.fastcgi;

import static dev.gatewaybridge.fastcgi.FastCgi.typeName;

import java.util.List;

/**
 * What a {@link RecordParser} reports, one call per complete record. Every method but the one for records
 * of unknown type defaults to rejecting the record as unexpected, so a listener states the records its side
 * of the protocol accepts (a client: FCGI_STDOUT, FCGI_STDERR, FCGI_END_REQUEST, FCGI_GET_VALUES_RESULT …).
 * The byte ranges passed in are only valid during the call.
 */
interface RecordListener {

    /** §5.1 FCGI_BEGIN_REQUEST. */
    default void onBeginRequest(int requestId, int role, boolean keepConn) {
        throw unexpected(FastCgi.FCGI_BEGIN_REQUEST, requestId);
    }

    /** §5.4 FCGI_ABORT_REQUEST. */
    default void onAbortRequest(int requestId) {
        throw unexpected(FastCgi.FCGI_ABORT_REQUEST, requestId);
    }

    /** §5.5 FCGI_END_REQUEST. */
    default void onEndRequest(int requestId, int appStatus, int protocolStatus) {
        throw unexpected(FastCgi.FCGI_END_REQUEST, requestId);
    }

    /**
     * §3.3 a stream record (FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT, FCGI_STDERR, FCGI_DATA); {@code len == 0}
     * is the record that ends the stream.
     */
    default void onStream(int type, int requestId, byte[] b, int off, int len) {
        throw unexpected(type, requestId);
    }

    /** §4.1 FCGI_GET_VALUES: the names asked for (values empty). */
    default void onGetValues(List<NameValues.Pair> names) {
        throw unexpected(FastCgi.FCGI_GET_VALUES, 0);
    }

    /** §4.1 FCGI_GET_VALUES_RESULT. */
    default void onGetValuesResult(List<NameValues.Pair> values) {
        throw unexpected(FastCgi.FCGI_GET_VALUES_RESULT, 0);
    }

    /** §4.2 FCGI_UNKNOWN_TYPE: the peer did not understand a management record of {@code type}. */
    default void onUnknownType(int type) {
        throw unexpected(FastCgi.FCGI_UNKNOWN_TYPE, 0);
    }

    /** A record of a type beyond FCGI_MAXTYPE. §4.2 lets an application answer FCGI_UNKNOWN_TYPE; a client rejects it. */
    default void onUnknownRecord(int type, int requestId, byte[] b, int off, int len) {
        throw new FastCgiProtocolException("unknown FastCGI record type " + type + " (request " + requestId + ")");
    }

    private static FastCgiProtocolException unexpected(int type, int requestId) {
        return new FastCgiProtocolException("unexpected " + typeName(type) + " record (request " + requestId + ")");
    }
}
