package dev.gatewaybridge.files;

import java.time.Instant;
import java.util.Map;

import dev.gatewaybridge.api.Environ;

/** RFC 9110 §13.2.2: the conditional request headers evaluated in their order of precedence. */
final class Preconditions {

    /** What the preconditions leave of the request. */
    enum Outcome {
        /** Serve it (200, or 206 for a range). */
        PROCEED,
        /** 304 Not Modified: the client's copy is current. */
        NOT_MODIFIED,
        /** 412 Precondition Failed. */
        FAILED
    }

    private Preconditions() {
    }

    /** §13.2.2 steps 1–4 for a GET or HEAD of a representation with these {@code validators}. */
    static Outcome evaluate(Map<String, Object> environ, Validators validators) {
        String ifMatch = header(environ, "If-Match");
        if (ifMatch != null) {
            if (!validators.matches(ifMatch, true)) {
                return Outcome.FAILED; // §13.1.1: strong comparison
            }
        } else {
            Instant since = Validators.parseDate(header(environ, "If-Unmodified-Since"));
            if (since != null && validators.lastModified().isAfter(since)) {
                return Outcome.FAILED; // §13.1.4
            }
        }
        String ifNoneMatch = header(environ, "If-None-Match");
        if (ifNoneMatch != null) {
            // §13.1.2: weak comparison; for GET and HEAD a match is 304, not 412
            return validators.matches(ifNoneMatch, false) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        // §13.1.3: If-Modified-Since only without If-None-Match; an invalid date is ignored
        Instant since = Validators.parseDate(header(environ, "If-Modified-Since"));
        if (since != null && !validators.lastModified().isAfter(since)) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * §13.1.5: whether a Range may be honoured. Without If-Range, yes; with it, only if it is this strong
     * ETag or exactly this Last-Modified date; else the whole representation is sent.
     */
    static boolean rangeAllowed(Map<String, Object> environ, Validators validators) {
        String ifRange = header(environ, "If-Range");
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(validators.etag());
        }
        Instant date = Validators.parseDate(v);
        return date != null && date.equals(validators.lastModified());
    }

    private static String header(Map<String, Object> environ, String name) {
        return Environ.get(environ, Environ.httpKey(name), null);
    }
}
