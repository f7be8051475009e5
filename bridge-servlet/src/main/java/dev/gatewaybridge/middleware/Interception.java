package dev.gatewaybridge.middleware;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.api.Write;

/**
 * Runs {@code next} and holds back the responses a middleware wants to rewrite, passing every other response
 * through untouched and streaming. The decision is made on the status and headers when the application
 * calls start_response (which may be in its first body iteration, PEP 3333 allows that), so a held response
 * has not reached the server yet and the middleware can start a different one. The application's body is
 * closed exactly once either way.
 */
final class Interception implements StartResponse {

    /** The outcome: the body to return as is, or the held response the middleware must answer instead of. */
    sealed interface Outcome permits Passed, Held {
    }

    /** The application's response went through to the server; return {@code body}. */
    record Passed(Iterable<byte[]> body) implements Outcome {
    }

    /** The application's response, held: nothing was sent; {@code body} is empty unless it was asked for. */
    record Held(String status, List<Header> headers, byte[] body) implements Outcome {
    }

    private final StartResponse server;
    private final BiPredicate<String, List<Header>> wanted;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private String status;
    private List<Header> headers;
    private boolean passed;
    private final long keepBody;

    private Interception(StartResponse server, BiPredicate<String, List<Header>> wanted, long keepBody) {
        this.server = server;
        this.wanted = wanted;
        this.keepBody = keepBody;
    }

    /**
     * Calls {@code next}; the responses {@code wanted(status, headers)} accepts are held, with their whole
     * body if {@code keepBody} > 0 (a body larger than that fails the request with a 500 rather than
     * exhaust the heap), else with the body closed unread.
     */
    static Outcome run(GatewayApplication next, Map<String, Object> environ, StartResponse server,
            BiPredicate<String, List<Header>> wanted, long keepBody) throws Exception {
        Interception interception = new Interception(server, wanted, keepBody);
        Iterable<byte[]> body = next.call(environ, interception);
        try {
            Outcome outcome = interception.follow(body);
            if (outcome instanceof Held) {
                Bodies.close(body);
            }
            return outcome;
        } catch (Exception | Error e) {
            try {
                Bodies.close(body);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Reads as much of the body as the decision (and a held body) needs. */
    private Outcome follow(Iterable<byte[]> body) {
        if (passed) {
            return new Passed(body); // as it is: a FileBody or a Collection keeps the server's fast path
        }
        if (status != null && keepBody <= 0) {
            return new Held(status, headers, held.toByteArray());
        }
        Iterator<byte[]> chunks = body.iterator();
        List<byte[]> early = new ArrayList<>();
        while (status == null && chunks.hasNext()) {
            early.add(chunks.next()); // a generator-style app calls start_response in its first iteration
        }
        if (status == null || passed) {
            return new Passed(rest(body, early, chunks));
        }
        if (keepBody > 0) {
            early.forEach(this::hold);
            while (chunks.hasNext()) {
                byte[] chunk = chunks.next();
                if (passed) { // replaced (excInfo) by a response we do not want: it streams from here
                    return new Passed(rest(body, List.of(chunk), chunks));
                }
                hold(chunk);
            }
        }
        return new Held(status, headers, held.toByteArray());
    }

    /** The chunks already read, then the rest, closing the application's body when closed. */
    private static Iterable<byte[]> rest(Iterable<byte[]> body, List<byte[]> early, Iterator<byte[]> chunks) {
        Iterator<byte[]> all = new Iterator<>() {
            private final Iterator<byte[]> first = early.iterator();

            @Override
            public boolean hasNext() {
                return first.hasNext() || chunks.hasNext();
            }

            @Override
            public byte[] next() {
                return first.hasNext() ? first.next() : chunks.next();
            }
        };
        return Bodies.onClose(() -> all, () -> Bodies.close(body));
    }

    @Override
    public Write start(String newStatus, List<Header> newHeaders, Throwable excInfo) {
        if (status != null && excInfo == null) {
            throw new IllegalStateException("start_response called twice without excInfo");
        }
        if (passed || newStatus == null || newHeaders == null || !wanted.test(newStatus, newHeaders)) {
            passed = true;
            Write write = server.start(newStatus, newHeaders, excInfo);
            status = newStatus;
            return write;
        }
        status = newStatus;
        headers = List.copyOf(newHeaders);
        held.reset(); // PEP 3333: an excInfo call replaces everything not yet sent
        return this::hold;
    }

    /** Keeps {@code data} of a held response, within the limit; discards it if the body is not kept. */
    private void hold(byte[] data) {
        if (keepBody <= 0) {
            return;
        }
        if (held.size() + (long) data.length > keepBody) {
            throw new HttpStatusException(500, "response of status " + HeaderRules.quote(status)
                    + " is larger than the " + keepBody + " bytes a middleware may hold to rewrite it");
        }
        held.writeBytes(data);
    }
}
