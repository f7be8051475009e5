package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.Reasons;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.StreamBody;
import dev.gatewaybridge.api.Write;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * One request's trip through a gateway application, after wsgiref's BaseHandler: {@link #run} calls the
 * application, {@link #start} is its {@code start_response}, {@link #finishResponse} sends the body,
 * {@link #sendHeaders} lets the headers leave with the first non-empty chunk, and {@link #handleError} turns a
 * failure into a 500 (before the headers left) or an aborted connection (after). Not thread-safe: one
 * request, one thread.
 */
final class Exchange implements StartResponse {

    private final HttpServletResponse response;
    private final GatewayLog log;
    private final boolean errorDetail;
    private final boolean head;

    private String status;
    private int statusCode;
    private List<Header> headers;
    private long declaredLength = -1;
    private boolean headersSent;
    private long sent;
    private boolean excessLogged;
    private ServletOutputStream out;

    /** {@code head}: the request is HEAD, whose response has headers only (RFC 9110 §9.3.2). */
    Exchange(HttpServletResponse response, GatewayLog log, boolean errorDetail, boolean head) {
        this.response = response;
        this.log = log;
        this.errorDetail = errorDetail;
        this.head = head;
    }

    /**
     * Runs {@code app} for this request; the body's close() is called exactly once, whatever happens.
     *
     * @throws ResponseAbortedException when the response must not end cleanly: the container then closes
     *                                  the connection without completing the message
     */
    void run(GatewayApplication app, Map<String, Object> environ) throws ResponseAbortedException {
        Iterable<byte[]> body = null;
        try {
            body = app.call(environ, this);
            finishResponse(body);
        } catch (ClientGoneException gone) {
            // The client left (RST, closed socket): nobody to answer. close() below still runs.
        } catch (Throwable failure) {
            handleError(failure);
        } finally {
            close(body);
        }
    }

    /** PEP 3333 start_response: validates and records status and headers; nothing is sent yet. */
    @Override
    public Write start(String status, List<Header> headers, Throwable excInfo) {
        if (excInfo != null) {
            if (headersSent) {
                throw Sneaky.rethrow(excInfo); // PEP 3333: "should re-raise using the exc_info tuple"
            }
        } else if (this.status != null) {
            throw new ResponseRuleException("start_response called a second time without exc_info; first status "
                    + HeaderRules.quote(this.status) + ", second " + HeaderRules.quote(status));
        }
        try {
            int code = HeaderRules.checkStatus(status);
            List<Header> copy = List.copyOf(headers);
            long length = checkHeaders(copy);
            this.status = status;
            this.statusCode = code;
            this.headers = copy;
            this.declaredLength = length;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ResponseRuleException(e.getMessage() == null ? "null header" : e.getMessage());
        }
        return this::write;
    }

    /** Checks every header and returns the declared Content-Length, or -1. */
    private static long checkHeaders(List<Header> headers) {
        long length = -1;
        for (Header header : headers) {
            HeaderRules.checkHeader(header);
            if (header.is("Content-Length")) {
                if (length >= 0) {
                    throw new IllegalArgumentException("Content-Length given twice: " + HeaderRules.quote(header.value()));
                }
                length = parseLength(header.value());
            }
        }
        return length;
    }

    private static long parseLength(String value) {
        // RFC 9110 §8.6: 1*DIGIT; a sign, a space or a list would make the framing ambiguous.
        if (value.isEmpty() || value.length() > 18) {
            throw new IllegalArgumentException("Content-Length is not a non-negative integer: "
                    + HeaderRules.quote(value));
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("Content-Length is not a non-negative integer: "
                        + HeaderRules.quote(value));
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    /** The write() callable: sends the headers if not yet sent, then {@code data}, flushed. */
    private void write(byte[] data) throws IOException {
        requireStarted("write() called");
        if (!headersSent) {
            sendHeaders(-1);
        }
        writeChunk(data, data.length, true);
    }

    /** Sends the body: each non-empty chunk, flushed before the next is asked for; then checks the length. */
    void finishResponse(Iterable<byte[]> body) throws IOException {
        if (body == null) {
            throw new ResponseRuleException("application returned null instead of an iterable body");
        }
        if (body instanceof FileBody file && !headersSent) {
            requireStarted("the application returned a file body");
            sendFile(file);
        } else if (body instanceof StreamBody stream) {
            sendStream(stream);
        } else if (body instanceof Collection<byte[]> chunks) {
            sendCollection(chunks);
        } else {
            Iterator<byte[]> chunks = body.iterator();
            while (chunks.hasNext()) {
                sendChunk(chunks.next(), -1, true);
                if (lengthSent()) {
                    // PEP 3333: the server must not send more than Content-Length; an endless body would pin
                    // this thread and never be closed. One look says whether the application had more.
                    if (chunks.hasNext()) {
                        logExcess();
                    }
                    break;
                }
            }
        }
        finishHeadersAndLength();
    }

    /** Whether a declared Content-Length is all sent: no more of the body may follow. */
    private boolean lengthSent() {
        return declaredLength >= 0 && sent >= declaredLength && headersSent;
    }

    /** The application has bytes past its Content-Length: they are dropped, and that is logged once. */
    private void logExcess() {
        if (!excessLogged) {
            excessLogged = true;
            log.warn("dropping body bytes beyond Content-Length " + declaredLength + " (status "
                    + HeaderRules.quote(status) + "); the rest of the body is not read");
        }
    }

    /**
     * A materialized body: every byte is known, so the Content-Length can be given (PEP 3333 lets the
     * server compute it) and the chunks need no flush in between, as no chunk has to wait for the next.
     */
    private void sendCollection(Collection<byte[]> chunks) throws IOException {
        // Indexed, as the common body is a one-element List: two iterators per response were its only garbage.
        List<byte[]> list = chunks instanceof List<byte[]> l && l instanceof RandomAccess
                ? l : Arrays.asList(chunks.toArray(new byte[0][]));
        int n = list.size();
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += requireChunk(list.get(i)).length;
        }
        for (int i = 0; i < n && !lengthSent(); i++) {
            sendChunk(list.get(i), total, false);
        }
        if (declaredLength >= 0 && total > declaredLength) {
            logExcess();
        }
    }

    /**
     * A stream body (PEP 3333's file_wrapper for a file-like object): pumped through one buffer, each
     * block written and flushed before the next is read, so a body of any size makes no garbage.
     */
    private void sendStream(StreamBody stream) throws IOException {
        byte[] buffer = new byte[stream.blockSize()];
        for (int n; (n = stream.read(buffer)) > 0; ) {
            sendChunk(buffer, n, -1, true);
            if (lengthSent()) {
                if (stream.read(buffer) > 0) {
                    logExcess();
                }
                break;
            }
        }
    }

    private void sendChunk(byte[] chunk, long knownLength, boolean flush) throws IOException {
        sendChunk(chunk, requireChunk(chunk).length, knownLength, flush);
    }

    private void sendChunk(byte[] chunk, int length, long knownLength, boolean flush) throws IOException {
        if (length == 0) {
            return; // PEP 3333: empty chunks never make the headers leave
        }
        if (!headersSent) {
            requireStarted("the body yielded a chunk");
            sendHeaders(knownLength);
        }
        writeChunk(chunk, length, flush);
    }

    private static byte[] requireChunk(byte[] chunk) {
        if (chunk == null) {
            throw new ResponseRuleException("the body yielded null instead of a byte[] chunk");
        }
        return chunk;
    }

    /**
     * At the end of the body: sends headers of an empty body, or aborts a body shorter than declared. A
     * response to HEAD has no body but may declare the length a GET would have (RFC 9110 §9.3.2, §8.6).
     */
    private void finishHeadersAndLength() throws ResponseAbortedException {
        if (head) {
            if (!headersSent) {
                requireStarted("the application returned");
                sendHeaders(-1);
            }
            return;
        }
        if (!headersSent) {
            requireStarted("the application returned");
            if (declaredLength > 0) {
                throw new ResponseRuleException("body is empty but Content-Length is " + declaredLength);
            }
            sendHeaders(0);
        } else if (declaredLength >= 0 && sent < declaredLength) {
            throw new ResponseAbortedException("body shorter than its Content-Length: declared "
                    + declaredLength + ", sent " + sent, null);
        }
    }

    /** Writes status and headers to the servlet response; they leave with the first bytes written. */
    private void sendHeaders(long knownLength) throws ClientGoneException {
        response.setStatus(statusCode);
        for (Header header : headers) {
            if (header.is("Content-Length")) {
                response.setContentLengthLong(declaredLength);
            } else if (header.is("Content-Type")) {
                response.setContentType(header.value());
            } else {
                response.addHeader(header.name(), header.value());
            }
        }
        if (declaredLength < 0 && knownLength >= 0) {
            response.setContentLengthLong(knownLength);
        }
        headersSent = true;
        try {
            out = response.getOutputStream();
            if (knownLength == 0 || declaredLength == 0) {
                out.flush();
            }
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Writes one chunk, never past a declared Content-Length (the excess is dropped and logged once). */
    private void writeChunk(byte[] chunk, int length, boolean flush) throws ClientGoneException {
        if (declaredLength >= 0 && sent + length > declaredLength) {
            length = (int) (declaredLength - sent);
            logExcess();
        }
        try {
            if (length > 0) {
                out.write(chunk, 0, length);
                sent += length;
            }
            if (flush) {
                out.flush();
            }
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    /** wsgi.file_wrapper: the file goes out from off-heap buffers, with its length as Content-Length. */
    private void sendFile(FileBody file) throws IOException {
        long remaining = file.remaining();
        long length = declaredLength >= 0 ? Math.min(declaredLength, remaining) : remaining;
        sendHeaders(length);
        try {
            sent += FileSender.send(file.channel(), length, out);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private void requireStarted(String what) {
        if (status == null) {
            throw new ResponseRuleException(what + " before start_response");
        }
    }

    /** Failure before the headers left: an error response; after: abort, never a clean short body. */
    private void handleError(Throwable failure) throws ResponseAbortedException {
        if (failure instanceof ResponseAbortedException aborted) {
            log.warn("aborting the response: " + aborted.getMessage());
            throw commitFirst(aborted);
        }
        if (headersSent) {
            log.error("aborting the response: the application failed after the headers were sent", failure);
            throw commitFirst(new ResponseAbortedException("application failed after the headers were sent", failure));
        }
        int code = statusFor(failure);
        if (code != 500 || failure instanceof ResponseRuleException) {
            log.warn(code + " " + failure.getMessage()); // one line naming the offending value
        } else {
            log.error("application failed before the headers were sent; answering 500", failure);
        }
        sendErrorPage(code, failure);
    }

    /**
     * Sends what the container still buffers (a short body may all be there), so that it finds the response
     * committed and cuts the connection: uncommitted, Jetty and Tomcat would replace it with an error page that
     * looks complete and may show the exception's text (issue 11 §6).
     */
    private ResponseAbortedException commitFirst(ResponseAbortedException aborted) {
        try {
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            // The client is gone: nothing left to cut.
        }
        return aborted;
    }

    /** 400 if reading the request body failed, an HttpStatusException's own status, else 500. */
    private static int statusFor(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadRequestBodyException) {
                return 400;
            }
        }
        return failure instanceof HttpStatusException http ? http.status() : 500;
    }

    private void sendErrorPage(int code, Throwable failure) {
        String reason = Reasons.of(code);
        String text = code + " " + (reason.isEmpty() ? "Error" : reason) + "\n";
        if (errorDetail) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            text += "\n" + trace;
        }
        byte[] page = text.getBytes(StandardCharsets.UTF_8);
        try {
            response.reset();
            response.setStatus(code);
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(page.length);
            response.getOutputStream().write(page);
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the container refused: nothing more can be said to it.
        }
    }

    private void close(Iterable<byte[]> body) {
        try {
            dev.gatewaybridge.api.Bodies.close(body);
        } catch (Exception e) {
            log.error("the body's close() failed", e);
        }
    }
}
