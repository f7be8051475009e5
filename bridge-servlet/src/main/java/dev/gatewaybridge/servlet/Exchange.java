package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.server.BaseHandler;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * One request's trip through a gateway application, the {@link BaseHandler} rules over a servlet response:
 * the headers are set on the response and leave with the first bytes written, a file body goes out from
 * off-heap buffers, and a failure after the headers left aborts the connection. Not thread-safe: one request,
 * one thread.
 */
final class Exchange extends BaseHandler {

    private final HttpServletResponse response;
    private final GatewayLog log;

    /** {@code head}: the request is HEAD, whose response has headers only (RFC 9110 §9.3.2). */
    Exchange(HttpServletResponse response, GatewayLog log, boolean errorDetail, boolean head) {
        super(head, errorDetail);
        this.response = response;
        this.log = log;
    }

    /** Sets status and headers on the servlet response; an empty body is committed at once. */
    @Override
    protected OutputStream sendStatusAndHeaders(long knownLength) throws IOException {
        long declared = declaredLength();
        response.setStatus(statusCode());
        for (Header header : headers()) {
            if (header.is("Content-Length")) {
                response.setContentLengthLong(declared);
            } else if (header.is("Content-Type")) {
                response.setContentType(header.value());
            } else {
                response.addHeader(header.name(), header.value());
            }
        }
        if (declared < 0 && knownLength >= 0) {
            response.setContentLengthLong(knownLength);
        }
        ServletOutputStream out = response.getOutputStream();
        if (knownLength == 0 || declared == 0) {
            out.flush();
        }
        return out;
    }

    /** wsgi.file_wrapper: the file goes out from off-heap buffers where the container's stream allows. */
    @Override
    protected long sendFile(FileChannel file, long length, OutputStream body) throws IOException {
        return FileSender.send(file, length, (ServletOutputStream) body);
    }

    /** Drops what the container holds of the failed response (a filter's headers), so the page stands alone. */
    @Override
    protected void resetForErrorPage() {
        response.reset();
    }

    /** 400 if reading the request body failed, else as {@link BaseHandler#statusFor}. */
    @Override
    protected int statusFor(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BadRequestBodyException) {
                return 400;
            }
        }
        return super.statusFor(failure);
    }

    @Override
    protected void logWarning(String message) {
        log.warn(message);
    }

    @Override
    protected void logError(String message, Throwable failure) {
        log.error(message, failure);
    }
}
