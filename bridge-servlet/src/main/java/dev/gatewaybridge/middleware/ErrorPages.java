package dev.gatewaybridge.middleware;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.Reasons;
import dev.gatewaybridge.api.StartResponse;

/**
 * Replaces the body of chosen error statuses from the application with a static page or a fixed template,
 * keeping the status and the headers that are not about the body (Set-Cookie, WWW-Authenticate, Retry-After
 * stay) — mod_wsgi's WSGIErrorOverride, nginx's {@code proxy_intercept_errors} with {@code error_page}.
 * Other responses stream through untouched. Pages are read once, here. An application that raises instead
 * (a crash is 500, an {@link HttpStatusException} its status) gets the page of that status too.
 *
 * <pre>{@code
 * errorpages.404   = /srv/www/errors/404.html        (a file, or classpath:errors/404.html)
 * errorpages.codes = 500-599 403                      (these get the template)
 * errorpages.template = <h1>{code} {reason}</h1>      (optional; {code} and {reason} are HTML-escaped)
 * }</pre>
 */
public final class ErrorPages implements GatewayApplication {

    /** Init-param prefix: {@code errorpages.NNN} names the page for status NNN (400–599). */
    public static final String PREFIX = "errorpages.";
    /** Init-param: statuses or ranges ({@code 500-599}) answered with the template. */
    public static final String CODES = "errorpages.codes";
    /** Init-param: the template, HTML with {@code {code}} and {@code {reason}}; a plain page by default. */
    public static final String TEMPLATE = "errorpages.template";

    /** The template used when {@value #TEMPLATE} is not set. */
    public static final String DEFAULT_TEMPLATE = "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title>"
            + "</head>\n<body><h1>{code} {reason}</h1></body></html>\n";

    // Headers that describe the application's body, which we replace (RFC 9110 §8).
    private static final Set<String> REPLACED = Set.of("content-type", "content-length", "content-encoding",
            "content-language", "content-range", "content-location", "content-disposition", "content-md5",
            "etag", "last-modified");

    /** A replacement body: fixed bytes, or the template (body null) filled in per response. */
    private record Page(byte[] body, String contentType) {
    }

    private final GatewayApplication next;
    private final Map<Integer, Page> pages;
    private final String template;

    /** From web.xml params; an unreadable page or a bad code fails here naming the param. */
    public ErrorPages(GatewayApplication next, Map<String, String> params) {
        this(next, pages(params), MiddlewareParams.get(params, TEMPLATE, DEFAULT_TEMPLATE));
    }

    private ErrorPages(GatewayApplication next, Map<Integer, Page> pages, String template) {
        this.next = Objects.requireNonNull(next, "next");
        this.pages = Map.copyOf(pages);
        this.template = template;
    }

    /** A builder, for Java configuration. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Interception.Outcome outcome;
        try {
            outcome = Interception.run(next, environ, startResponse,
                    (status, headers) -> pages.containsKey(code(status)), 0);
        } catch (Exception | Error failure) { // checked exceptions and Errors (an AssertionError) crash too
            return failed(failure, environ, startResponse);
        }
        if (outcome instanceof Interception.Held held) {
            return page(held.status(), held.headers(), startResponse, null);
        }
        return ((Interception.Passed) outcome).body();
    }

    /** Status {@code status} answered with its page, the headers not about the body kept. */
    private Iterable<byte[]> page(String status, List<Header> kept, StartResponse startResponse, Throwable excInfo) {
        Page page = pages.get(code(status));
        byte[] body = page.body() != null ? page.body() : fill(status);
        startResponse.start(status, headers(kept, page.contentType(), body.length), excInfo);
        return List.of(body);
    }

    /**
     * The application raised instead of answering: an {@link HttpStatusException} is its status, any other
     * failure a crash, 500 (as the servlet would answer). If that status has a page, the page answers, with
     * PEP 3333's exc_info (the application may have started another response), and the failure goes to
     * wsgi.errors, since it no longer reaches the servlet. A failure to read the request (an I/O cause: the
     * client's fault or gone), a status without a page, and a broken JVM (OutOfMemoryError: no page can be
     * trusted to render) go on to the servlet as they are.
     */
    private Iterable<byte[]> failed(Throwable failure, Map<String, Object> environ, StartResponse start)
            throws Exception {
        int code = failure instanceof HttpStatusException http ? http.status() : 500;
        boolean brokenJvm = failure instanceof VirtualMachineError && !(failure instanceof StackOverflowError);
        if (!pages.containsKey(code) || hasIoCause(failure) || brokenJvm) {
            if (failure instanceof Error error) {
                throw error;
            }
            throw (Exception) failure;
        }
        if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
            errors.println("ErrorPages: the application failed, answering " + code + " with its error page: "
                    + failure);
            if (code == 500) {
                failure.printStackTrace(errors);
            }
            errors.flush();
        }
        String reason = Reasons.of(code);
        return page(code + " " + (reason.isEmpty() ? "Error" : reason), List.of(), start, failure);
    }

    private static boolean hasIoCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static int code(String status) {
        try {
            return Integer.parseInt(status.substring(0, 3));
        } catch (RuntimeException e) {
            return -1; // not ours: the server rejects the status
        }
    }

    private byte[] fill(String status) {
        String reason = status.length() > 4 ? status.substring(4) : "";
        return template.replace("{code}", status.substring(0, 3)).replace("{reason}", escape(reason))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<Header> headers(List<Header> original, String contentType, int length) {
        List<Header> out = new ArrayList<>();
        for (Header h : original) {
            if (!REPLACED.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        out.add(Header.of("Content-Type", contentType));
        out.add(Header.of("Content-Length", Integer.toString(length)));
        return out;
    }

    private static Map<Integer, Page> pages(Map<String, String> params) {
        Map<Integer, Page> pages = new HashMap<>();
        Page templated = new Page(null, "text/html; charset=utf-8");
        for (String item : MiddlewareParams.list(params, CODES)) {
            for (int code : range(CODES, item)) {
                pages.put(code, templated);
            }
        }
        MiddlewareParams.withPrefix(params, PREFIX).forEach((key, location) -> {
            if (key.equals("codes") || key.equals("template")) {
                return;
            }
            String param = PREFIX + key;
            if (!key.matches("[0-9]{3}")) {
                throw MiddlewareParams.bad(param, key, "a status code NNN after " + PREFIX);
            }
            int code = range(param, key)[0];
            pages.put(code, new Page(MiddlewareParams.read(param, location), typeOf(location)));
        });
        return pages;
    }

    /** The codes of {@code NNN} or {@code NNN-MMM}, all within 400–599 (an error page is for an error). */
    private static int[] range(String param, String item) {
        String[] ends = item.split("-", 2);
        try {
            int from = Integer.parseInt(ends[0]);
            int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
            if (from >= 400 && to <= 599 && from <= to) {
                return java.util.stream.IntStream.rangeClosed(from, to).toArray();
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw MiddlewareParams.bad(param, item, "a status code or range within 400-599");
    }

    private static String typeOf(String location) {
        String name = location.toLowerCase(Locale.ROOT);
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".json")) {
            return "application/json";
        } else if (name.endsWith(".xml")) {
            return "application/xml";
        }
        return "text/plain; charset=utf-8";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Java configuration: {@code ErrorPages.builder().page(404, path).template(500, 599).build(next)}. */
    public static final class Builder {
        private final Map<String, String> params = new HashMap<>();
        private final List<String> codes = new ArrayList<>();

        private Builder() {
        }

        /** Status {@code code} gets the file at {@code page}. */
        public Builder page(int code, Path page) {
            params.put(PREFIX + code, page.toString());
            return this;
        }

        /** Statuses {@code from}..{@code to} get the template. */
        public Builder template(int from, int to) {
            codes.add(from + "-" + to);
            return this;
        }

        /** The template text ({@code {code}}, {@code {reason}}) instead of {@link #DEFAULT_TEMPLATE}. */
        public Builder templateText(String text) {
            params.put(TEMPLATE, text);
            return this;
        }

        public ErrorPages build(GatewayApplication next) {
            params.put(CODES, String.join(" ", codes));
            return new ErrorPages(next, params);
        }
    }
}
