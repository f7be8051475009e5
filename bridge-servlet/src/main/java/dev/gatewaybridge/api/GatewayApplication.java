package dev.gatewaybridge.api;

import java.util.Map;

/**
 * A gateway application: PEP 3333's {@code application(environ, start_response)} for the JVM.
 *
 * <p>The server calls {@link #call} once per request with a fresh, mutable environ (the CGI meta-variables
 * plus the {@code wsgi.*} keys, see {@link Environ}) and a {@link StartResponse}. The application calls
 * {@code startResponse} once (again only with an exception to replace the response before any of it went
 * out) and returns the body as an iterable of byte chunks. The server sends each chunk before it asks for
 * the next; if the returned iterable is {@link AutoCloseable} the server closes it exactly once, however
 * the request ends (PEP 3333: "the close() method must be called").
 *
 * <p>Middleware is an application that wraps another: it may change the environ on the way in, wrap
 * {@code startResponse}, and wrap the returned body (compose its close with {@link Bodies#onClose}).
 */
@FunctionalInterface
public interface GatewayApplication {

    /**
     * Handles one request.
     *
     * @param environ       the request: CGI meta-variables and {@code wsgi.*} entries; the application may
     *                      modify it (PEP 3333 leaves it to the application)
     * @param startResponse begins the response; returns the legacy {@link Write} callable
     * @return the body chunks; empty chunks are allowed and never make headers leave
     * @throws Exception any failure: before the headers went out it becomes an error response, after
     *                   that the server aborts the connection so the client never takes a truncated body
     *                   for a complete one
     */
    Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception;
}
