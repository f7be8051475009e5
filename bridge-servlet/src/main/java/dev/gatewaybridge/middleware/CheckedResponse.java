package dev.gatewaybridge.middleware;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.Write;

/**
 * The application's side of one response under the Validator: its start_response calls, write() calls and
 * body bytes, checked against PEP 3333 and the Content-Length it declared (wsgiref {@code check_status},
 * {@code check_headers}, {@code check_exc_info}; Werkzeug lint's body length checks).
 */
final class CheckedResponse implements StartResponse {

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private final StartResponse server;
    private final Violations violations;
    private final boolean head;
    private String status;
    private int code;
    private long declaredLength = -1;
    private long sent;
    private boolean closed;

    CheckedResponse(StartResponse server, Violations violations, boolean head) {
        this.server = server;
        this.violations = violations;
        this.head = head;
    }

    /** start_response: once, again only with excInfo; a valid status and valid headers. */
    @Override
    public Write start(String status, List<Header> headers, Throwable excInfo) {
        if (this.status != null && excInfo == null) {
            violations.report("start_response.twice",
                    "start_response called again without excInfo; the first status was", this.status);
        }
        int newCode = checkStatus(status);
        long newLength = checkHeaders(newCode, headers);
        Write write = server.start(status, headers, excInfo);
        // The server accepted it (a restart after headers went out would have re-raised): a new response.
        this.status = status;
        this.code = newCode;
        this.declaredLength = newLength;
        this.sent = 0;
        return data -> write(write, data);
    }

    private int checkStatus(String status) {
        try {
            return HeaderRules.checkStatus(status);
        } catch (IllegalArgumentException e) {
            violations.report("start_response.status", "status must be \"NNN Reason\", final, no control bytes",
                    status);
            return 0;
        }
    }

    /** Checks the header list; returns the declared Content-Length or -1. */
    private long checkHeaders(int code, List<Header> headers) {
        if (headers == null) {
            violations.report("start_response.headers", "headers must be a list, not", null);
            return -1;
        }
        long length = -1;
        for (Header header : headers) {
            if (header == null) {
                violations.report("start_response.headers", "a header must not be", null);
                continue;
            }
            checkHeader(header);
            if (header.is("Content-Length")) {
                length = checkContentLength(header.value(), length);
            }
        }
        return noBodyAllowed(code) ? -1 : length;
    }

    private void checkHeader(Header header) {
        try {
            HeaderRules.checkHeader(header);
        } catch (IllegalArgumentException e) {
            violations.report("start_response.header", e.getMessage(), header.name() + ": " + header.value());
        }
        String name = header.name().toLowerCase(Locale.ROOT);
        if (name.equals("status")) {
            // wsgiref: a CGI-style Status header would conflict with the status argument.
            violations.report("start_response.header", "the status goes in the status argument, not a header",
                    header.name() + ": " + header.value());
        } else if (name.endsWith("-") || name.endsWith("_")) {
            violations.report("start_response.header", "a header name may not end in '-' or '_'", header.name());
        }
    }

    private long checkContentLength(String value, long earlier) {
        if (earlier >= 0) {
            // RFC 9110 §8.6: several Content-Length fields are a framing error downstream (request smuggling).
            violations.report("start_response.content-length", "Content-Length given twice", value);
        }
        if (!DIGITS.matcher(value).matches() || value.length() > 18) {
            violations.report("start_response.content-length", "Content-Length must be decimal digits", value);
            return -1;
        }
        return Long.parseLong(value);
    }

    private void write(Write write, byte[] data) throws IOException {
        if (closed) {
            violations.report("write.after-close", "write() called after the body was closed", dataLength(data));
        }
        if (data == null) {
            violations.report("write.type", "write() needs bytes, not", null);
            return;
        }
        count(data.length);
        write.write(data);
    }

    private static String dataLength(byte[] data) {
        return data == null ? "null" : data.length + " bytes";
    }

    /** Accounts for one body chunk (or write) of {@code n} bytes. */
    void count(int n) {
        if (n == 0) {
            return;
        }
        if (status == null) {
            violations.report("start_response.missing", "body data before start_response was called", n + " bytes");
            return;
        }
        sent += n;
        if (noBodyAllowed(code)) {
            // RFC 9110 §6.4.1: 1xx, 204 and 304 responses never have content.
            violations.report("body.not-allowed", "no body allowed with status", status);
        } else if (declaredLength >= 0 && !head && sent > declaredLength) {
            violations.report("body.content-length", "more body bytes than Content-Length " + declaredLength,
                    sent + " bytes");
        }
    }

    /** The body ended: start_response must have been called, and Content-Length met. */
    void finish() {
        if (status == null) {
            violations.report("start_response.missing", "the body ended and start_response was never called",
                    "no status");
        } else if (declaredLength >= 0 && !head && sent < declaredLength) {
            violations.report("body.content-length", "fewer body bytes than Content-Length " + declaredLength,
                    sent + " bytes");
        }
    }

    /** A Collection body, complete when returned: every chunk and the total length are known now. */
    void materialized(java.util.Collection<byte[]> chunks) {
        for (byte[] chunk : chunks) {
            if (chunk == null) {
                violations.report("body.chunk-type", "a body chunk must be bytes, not", null);
            } else {
                count(chunk.length);
            }
        }
        finish();
    }

    /** A file body (wsgi.file_wrapper), sent by the server from its channel: its length is the file's rest. */
    void file(dev.gatewaybridge.api.FileBody file) {
        if (status == null) {
            violations.report("start_response.missing", "a file body was returned before start_response",
                    "no status");
            return;
        }
        long remaining;
        try {
            remaining = file.remaining();
        } catch (IOException e) {
            return; // the server will fail reading it, with its own message
        }
        if (noBodyAllowed(code) && remaining > 0) {
            violations.report("body.not-allowed", "no body allowed with status", status);
        } else if (declaredLength >= 0 && !head && sent + remaining != declaredLength) {
            violations.report("body.content-length", "file body length differs from Content-Length "
                    + declaredLength, (sent + remaining) + " bytes");
        }
    }

    boolean started() {
        return status != null;
    }

    void closed() {
        closed = true;
    }

    private static boolean noBodyAllowed(int code) {
        return code == 204 || code == 304 || (code >= 100 && code < 200);
    }
}
