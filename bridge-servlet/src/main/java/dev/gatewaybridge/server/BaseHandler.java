package dev.gatewaybridge.server;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.Reasons;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.StreamBody;
import dev.gatewaybridge.api.Write;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * PEP 3333's server side, written once, after wsgiref's {@code handlers.BaseHandler}: {@link #run} calls the
 * application, {@link #start} is its {@code start_response}, the returned {@link Write} its {@code write},
 * {@code finishResponse} sends the body (never past its Content-Length), and {@link #handleError} turns a failure
 * into an error page (before the headers left) or an aborted response (after). The body's close() runs exactly
 * once, whatever happens.
 *
 * <p>A subclass is a transport: it sends the status and headers and hands back the stream the body goes to
 * ({@link #sendStatusAndHeaders}), and logs ({@link #logWarning}, {@link #logError}). Writing and flushing go to
 * that stream directly, so the hot path has no call more than the transport's own; a failed write means the
 * client is gone ({@link #clientGone}). Not thread-safe: one request, one thread.
 */
public abstract class BaseHandler implements StartResponse {

    private final boolean head;
    private final boolean errorDetail;

    private String status;
    private int statusCode;
    private List<Header> headers;
    private long declaredLength = -1;
    private boolean headersSent;
    private long sent;
    private boolean excessLogged;
    private boolean closed;
    private OutputStream out;

    /**
     * @param head        the request is HEAD, whose response has headers only (RFC 9110 §9.3.2)
     * @param errorDetail whether an error page shows the stack trace (it is always logged)
     */
    protected BaseHandler(boolean head, boolean errorDetail) {
        this.head = head;
        this.errorDetail = errorDetail;
    }

    // ---- the transport's hooks ----

    /**
     * Sends {@link #status()} and {@link #headers()} (or hands them to the transport, to leave with the first
     * bytes) and returns the stream the body goes to. {@code knownLength} is the body's length when the server
     * knows it (a materialized body, a file), else -1; a transport may send it as Content-Length when the
     * application declared none ({@link #declaredLength()} is -1).
     */
    protected abstract OutputStream sendStatusAndHeaders(long knownLength) throws IOException;

    /** Logs one line about this response. */
    protected abstract void logWarning(String message);

    /** Logs a failure with its stack trace. */
    protected abstract void logError(String message, Throwable failure);

    /**
     * Sends up to {@code length} bytes of {@code file} from its position to {@code body}, flushed; returns the
     * bytes sent (fewer if the file shrank). This one copies through a heap array; a transport with a faster
     * way overrides it.
     */
    protected long sendFile(FileChannel file, long length, OutputStream body) throws IOException {
        byte[] block = new byte[(int) Math.min(Math.max(length, 1), FileBody.DEFAULT_BLOCK_SIZE)];
        ByteBuffer buffer = ByteBuffer.wrap(block);
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(block.length, length - done));
            int n = file.read(buffer);
            if (n < 0) {
                break; // the file shrank: the caller sees fewer bytes than declared and aborts
            }
            body.write(block, 0, n);
            done += n;
        }
        body.flush();
        return done;
    }

    /** Drops whatever the transport holds of the failed response before the error page is sent. */
    protected void resetForErrorPage() {
    }

    /** The status of the error page for {@code failure}: an HttpStatusException's own, else 500. */
    protected int statusFor(Throwable failure) {
        return failure instanceof HttpStatusException http ? http.status() : 500;
    }

    /** The client left (a write failed with {@code cause}): nobody to answer. Does nothing by default. */
    protected void clientGone(IOException cause) {
    }

    // ---- what the transport may read ----

    /** The status line the application gave, e.g. {@code "200 OK"}, or null before start_response. */
    protected final String status() {
        return status;
    }

    /** The status code of {@link #status()}. */
    protected final int statusCode() {
        return statusCode;
    }

    /** The response headers, checked, in the application's order. */
    protected final List<Header> headers() {
        return headers;
    }

    /** The Content-Length the application declared, or -1. */
    protected final long declaredLength() {
        return declaredLength;
    }

    /** Re-raises {@code failure} as it is, checked or not (for a transport whose caller wants it). */
    protected static RuntimeException reRaise(Throwable failure) {
        throw Sneaky.rethrow(failure);
    }

    // ---- the protocol ----

    /**
     * Runs {@code app} on {@code environ}; the body's close() is called exactly once, whatever happens.
     *
     * @throws ResponseAbortedException when the response must not end cleanly: the transport then ends it
     *                                  without completing the message
     */
    public final void run(GatewayApplication app, Map<String, Object> environ) throws IOException {
        Iterable<byte[]> body = null;
        try {
            body = app.call(environ, this);
            finishResponse(body);
        } catch (ClientGoneException gone) {
            clientGone(gone.getCause()); // close() below still runs
        } catch (Throwable failure) {
            handleError(failure);
        } finally {
            close(body);
        }
    }

    /** PEP 3333 start_response: validates and records status and headers; nothing is sent yet. */
    @Override
    public final Write start(String status, List<Header> headers, Throwable excInfo) {
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
            if (headers == null) {
                throw new IllegalArgumentException("response headers are null");
            }
            List<Header> copy = List.copyOf(headers);
            long length = checkHeaders(copy);
            this.status = status;
            this.statusCode = code;
            this.headers = copy;
            this.declaredLength = length;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new HeaderRuleException(e.getMessage() == null ? "null header" : e.getMessage());
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
        if (closed) {
            throw new ResponseRuleException("write() called after the body was closed");
        }
        requireStarted("write() called");
        if (!headersSent) {
            sendHeaders(-1);
        }
        writeChunk(data, data.length, true);
    }

    /** Sends the body: each non-empty chunk, flushed before the next is asked for; then checks the length. */
    private void finishResponse(Iterable<byte[]> body) throws IOException {
        if (body == null) {
            throw new ResponseRuleException("application returned null instead of an iterable body");
        }
        if (body instanceof FileBody file && !headersSent) {
            requireStarted("the application returned a file body");
            sendFileBody(file);
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
            logWarning("dropping body bytes beyond Content-Length " + declaredLength + " (status "
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

    /** Sends status and headers through the transport; the body then goes to the stream it returns. */
    private void sendHeaders(long knownLength) throws ClientGoneException {
        OutputStream body;
        try {
            body = sendStatusAndHeaders(knownLength);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
        out = body;
        headersSent = true;
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

    /** wsgi.file_wrapper: the file goes out through {@link #sendFile}, with its length as the known length. */
    private void sendFileBody(FileBody file) throws IOException {
        long remaining = file.remaining();
        long length = declaredLength >= 0 ? Math.min(declaredLength, remaining) : remaining;
        sendHeaders(length);
        try {
            sent += sendFile(file.channel(), length, out);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private void requireStarted(String what) {
        if (status == null) {
            throw new ResponseRuleException(what + " before start_response");
        }
    }

    /**
     * Failure before the headers left: an error page; after: abort, never a clean short body. A transport
     * whose caller wants the failure itself (a test harness) overrides this to re-raise it.
     */
    protected void handleError(Throwable failure) throws IOException {
        if (failure instanceof ResponseAbortedException aborted) {
            logWarning("aborting the response: " + aborted.getMessage());
            throw commitFirst(aborted);
        }
        if (headersSent) {
            logError("aborting the response: the application failed after the headers were sent", failure);
            throw commitFirst(new ResponseAbortedException("application failed after the headers were sent", failure));
        }
        int code = statusFor(failure);
        if (code != 500 || failure instanceof ResponseRuleException || failure instanceof HeaderRuleException) {
            logWarning(code + " " + failure.getMessage()); // one line naming the offending value
        } else {
            logError("application failed before the headers were sent; answering 500", failure);
        }
        sendErrorPage(code, failure);
    }

    /**
     * Sends what the transport still buffers (a short body may all be there), so that it finds the response
     * committed and cuts it: uncommitted, Jetty and Tomcat would replace it with an error page that looks
     * complete and may show the exception's text (issue 11 §6).
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

    /** A plain-text page "NNN Reason", with the stack trace if errorDetail; nothing if the transport refuses. */
    private void sendErrorPage(int code, Throwable failure) {
        String reason = Reasons.of(code);
        String line = code + " " + (reason.isEmpty() ? "Error" : reason);
        String text = line + "\n";
        if (errorDetail) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            text += "\n" + trace;
        }
        byte[] page = text.getBytes(StandardCharsets.UTF_8);
        try {
            resetForErrorPage();
            status = line;
            statusCode = code;
            headers = List.of(Header.of("Content-Type", "text/plain;charset=utf-8"),
                    Header.of("Content-Length", String.valueOf(page.length)));
            declaredLength = page.length;
            out = sendStatusAndHeaders(-1);
            headersSent = true;
            out.write(page);
            sent = page.length;
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the transport refused: nothing more can be said to it.
        }
    }

    /** Closes the body (PEP 3333: "if hasattr(result, 'close')"), once; a failure is logged. */
    private void close(Iterable<byte[]> body) {
        closed = true;
        try {
            Bodies.close(body);
        } catch (Exception e) {
            logError("the body's close() failed", e);
        }
    }
}
