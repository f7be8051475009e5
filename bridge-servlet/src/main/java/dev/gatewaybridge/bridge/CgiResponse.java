package dev.gatewaybridge.bridge;

import java.util.ArrayList;
import java.util.List;

import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.Reasons;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.Write;

/**
 * A parsed CGI response header section (RFC 3875 §6), as {@link CgiResponseParser} returns it.
 *
 * @param status   the effective status code: the script's {@code Status}, else 302 for a client redirect,
 *                 else 200 (RFC 3875 §6.3.3)
 * @param reason   the reason phrase: the script's, else the usual one for {@code status} (may be empty)
 * @param headers  the other header fields in the order received, {@code Status} removed, {@code Location}
 *                 kept; names and values already checked (token names, no control bytes)
 * @param location what kind of response this is (§6.2): a document, a local or a client redirect
 */
public record CgiResponse(int status, String reason, List<Header> headers, Location location) {

    /** The response kinds of RFC 3875 §6.2. */
    public enum Location {
        /** §6.2.1 document response: no {@code Location}. */
        NONE,
        /**
         * §6.2.2 local redirect: {@code Location} is a local path (and query), no {@code Status} other than
         * 200. The server re-dispatches it as a new GET request; nothing of this response reaches the client.
         */
        LOCAL,
        /** §6.2.3/§6.2.4 client redirect (with or without document): {@code Location} goes to the client. */
        CLIENT
    }

    /** The arguments for {@code start_response}: {@code "NNN Reason"} and the headers to send. */
    public record Start(String status, List<Header> headers) {
    }

    /** For callers that keep no {@link DroppedHeaders} of their own: once per name in the JVM. */
    private static final DroppedHeaders SHARED = new DroppedHeaders(
            System.getLogger(CgiResponse.class.getName()));

    public CgiResponse {
        headers = List.copyOf(headers);
    }

    /** The {@code Location} header value, or null if there is none. */
    public String locationValue() {
        return headers.stream().filter(h -> h.is("Location")).map(Header::value).findFirst().orElse(null);
    }

    /**
     * The {@code start_response} arguments for this response. Hop-by-hop headers from the backend are
     * dropped, logged at DEBUG once per name by {@code dropped}: they describe the backend's connection, not
     * ours (RFC 9110 §7.6.1, PEP 3333). A {@link Location#LOCAL} response that the caller does not re-dispatch goes out as it is, with
     * its relative {@code Location} (RFC 9110 §10.2.2 allows a relative reference) and a 302.
     */
    public Start toStart(DroppedHeaders dropped) {
        List<Header> kept = new ArrayList<>(headers.size());
        for (Header h : headers) {
            if (HeaderRules.isHopByHop(h.name())) {
                dropped.dropped(h);
            } else {
                kept.add(h);
            }
        }
        int code = location == Location.LOCAL ? 302 : status;
        String phrase = location == Location.LOCAL ? Reasons.of(302) : reason;
        return new Start(code + " " + phrase, kept);
    }

    /** {@link #toStart(DroppedHeaders)} with dropped headers logged once per name in the JVM. */
    public Start toStart() {
        return toStart(SHARED);
    }

    /** Calls {@code startResponse} with {@link #toStart(DroppedHeaders)}; returns its {@link Write}. */
    public Write start(StartResponse startResponse, DroppedHeaders dropped) {
        Start s = toStart(dropped);
        return startResponse.start(s.status(), s.headers());
    }

    /** {@link #start(StartResponse, DroppedHeaders)}, dropped headers logged once per name in the JVM. */
    public Write start(StartResponse startResponse) {
        return start(startResponse, SHARED);
    }
}
