package dev.gatewaybridge.fastcgi;

/**
 * The constants of the FastCGI 1.0 specification (Open Market, 1996), named as its {@code fastcgi.h} listing
 * (spec §8) spells them.
 */
public final class FastCgi {

    private FastCgi() {
    }

    /** §8: number of bytes in a record header. */
    public static final int FCGI_HEADER_LEN = 8;
    /** §3.3: the only version there is. */
    public static final int FCGI_VERSION_1 = 1;
    /** §3.3: the largest contentLength (a 16-bit field). */
    public static final int FCGI_MAX_CONTENT_LENGTH = 0xffff;
    /** §3.3: the largest paddingLength (an 8-bit field). */
    public static final int FCGI_MAX_PADDING_LENGTH = 0xff;

    // §8 record types.
    public static final int FCGI_BEGIN_REQUEST = 1;
    public static final int FCGI_ABORT_REQUEST = 2;
    public static final int FCGI_END_REQUEST = 3;
    public static final int FCGI_PARAMS = 4;
    public static final int FCGI_STDIN = 5;
    public static final int FCGI_STDOUT = 6;
    public static final int FCGI_STDERR = 7;
    public static final int FCGI_DATA = 8;
    public static final int FCGI_GET_VALUES = 9;
    public static final int FCGI_GET_VALUES_RESULT = 10;
    public static final int FCGI_UNKNOWN_TYPE = 11;
    public static final int FCGI_MAXTYPE = FCGI_UNKNOWN_TYPE;

    /** §3.3: management records carry request id 0. */
    public static final int FCGI_NULL_REQUEST_ID = 0;

    /** §5.1 FCGI_BeginRequestBody flags: keep the connection open after this request. */
    public static final int FCGI_KEEP_CONN = 1;

    // §5.1 roles.
    public static final int FCGI_RESPONDER = 1;
    public static final int FCGI_AUTHORIZER = 2;
    public static final int FCGI_FILTER = 3;

    // §5.5 protocolStatus values of FCGI_END_REQUEST.
    public static final int FCGI_REQUEST_COMPLETE = 0;
    public static final int FCGI_CANT_MPX_CONN = 1;
    public static final int FCGI_OVERLOADED = 2;
    public static final int FCGI_UNKNOWN_ROLE = 3;

    // §4.1 variable names for FCGI_GET_VALUES.
    public static final String FCGI_MAX_CONNS = "FCGI_MAX_CONNS";
    public static final String FCGI_MAX_REQS = "FCGI_MAX_REQS";
    public static final String FCGI_MPXS_CONNS = "FCGI_MPXS_CONNS";

    /** A readable name of a record type for log lines and messages, e.g. {@code FCGI_STDOUT} or {@code type 42}. */
    public static String typeName(int type) {
        return switch (type) {
            case FCGI_BEGIN_REQUEST -> "FCGI_BEGIN_REQUEST";
            case FCGI_ABORT_REQUEST -> "FCGI_ABORT_REQUEST";
            case FCGI_END_REQUEST -> "FCGI_END_REQUEST";
            case FCGI_PARAMS -> "FCGI_PARAMS";
            case FCGI_STDIN -> "FCGI_STDIN";
            case FCGI_STDOUT -> "FCGI_STDOUT";
            case FCGI_STDERR -> "FCGI_STDERR";
            case FCGI_DATA -> "FCGI_DATA";
            case FCGI_GET_VALUES -> "FCGI_GET_VALUES";
            case FCGI_GET_VALUES_RESULT -> "FCGI_GET_VALUES_RESULT";
            case FCGI_UNKNOWN_TYPE -> "FCGI_UNKNOWN_TYPE";
            default -> "type " + type;
        };
    }

    /** A readable name of an FCGI_END_REQUEST protocolStatus. */
    public static String protocolStatusName(int status) {
        return switch (status) {
            case FCGI_REQUEST_COMPLETE -> "FCGI_REQUEST_COMPLETE";
            case FCGI_CANT_MPX_CONN -> "FCGI_CANT_MPX_CONN";
            case FCGI_OVERLOADED -> "FCGI_OVERLOADED";
            case FCGI_UNKNOWN_ROLE -> "FCGI_UNKNOWN_ROLE";
            default -> "protocolStatus " + status;
        };
    }
}
