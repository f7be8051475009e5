package dev.gatewaybridge.api;

import java.util.List;

/**
 * PEP 3333's {@code start_response(status, response_headers, exc_info=None)}.
 *
 * <p>It only records the status and headers; they leave when the first non-empty body chunk is ready
 * (or on the first {@link Write#write} call), so a later call with {@code excInfo} can still replace them.
 */
@FunctionalInterface
public interface StartResponse {

    /**
     * Records the response status and headers.
     *
     * @param status   {@code "NNN Reason phrase"}, e.g. {@code "200 OK"}
     * @param headers  response headers in order; no hop-by-hop headers (PEP 3333 §"Other HTTP Features")
     * @param excInfo  {@code null}, or the failure that makes the application replace an earlier response;
     *                 if the headers already went out, it is re-thrown as it is
     * @return the legacy imperative output callable
     * @throws IllegalStateException if called a second time without {@code excInfo}
     * @throws IllegalArgumentException if the status or a header breaks PEP 3333 / RFC 9110
     */
    Write start(String status, List<Header> headers, Throwable excInfo);

    /** {@code start_response(status, headers)}: the usual call, with no exception. */
    default Write start(String status, List<Header> headers) {
        return start(status, headers, null);
    }
}
