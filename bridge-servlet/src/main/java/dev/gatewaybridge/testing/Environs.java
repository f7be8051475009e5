package dev.gatewaybridge.testing;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.FileBody;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;

/**
 * Complete, valid environs built from a method, a URL, headers and a body, with no container — Werkzeug's
 * {@code create_environ}. Every PEP 3333 key is present with the type GatewayServlet gives it:
 *
 * <pre>{@code
 * Map<String, Object> environ = Environs.create("POST", "https://example.org/app/items?page=2",
 *         List.of(Header.of("Content-Type", "application/json")), "{}".getBytes(UTF_8));
 * // REQUEST_METHOD=POST, PATH_INFO=/app/items, QUERY_STRING=page=2, SERVER_NAME=example.org,
 * // SERVER_PORT=443, wsgi.url_scheme=https, CONTENT_TYPE, CONTENT_LENGTH=2, wsgi.input over the body, ...
 * }</pre>
 *
 * <p>The URL is a path ({@code /a?b=c}, host {@code localhost}, port 80) or an absolute http(s) URL.
 * PATH_INFO is percent-decoded as UTF-8 and SCRIPT_NAME is empty unless {@link Builder#scriptName} moves a
 * prefix there. Headers become {@code HTTP_*} variables as the servlet makes them: Content-Type and
 * Content-Length go to CONTENT_TYPE / CONTENT_LENGTH, repeated headers are joined with ", ", and headers the
 * servlet drops for security (a {@code Proxy} header, "httpoxy"; names with '_') are dropped here too.
 */
public final class Environs {

    private Environs() {
    }

    /** A GET-style environ for {@code url}, no headers, no body. */
    public static Map<String, Object> create(String method, String url) {
        return builder(method, url).build();
    }

    /** An environ for the request {@code method url}, with {@code headers} and {@code body}. */
    public static Map<String, Object> create(String method, String url, List<Header> headers, byte[] body) {
        return builder(method, url).headers(headers).body(body).build();
    }

    /** A builder for the request {@code method url}, to set more than method, URL, headers and body. */
    public static Builder builder(String method, String url) {
        return new Builder(method, url);
    }

    /** Builds one environ; each {@link #build()} returns a fresh, mutable map with a fresh wsgi.input. */
    public static final class Builder {
        private final String method;
        private final URI uri;
        private final List<Header> headers = new ArrayList<>();
        private byte[] body = new byte[0];
        private String scriptName = "";
        private String remoteAddr = "127.0.0.1";
        private String remotePort = "40000";
        private String protocol = "HTTP/1.1";
        private final Map<String, Object> extra = new LinkedHashMap<>();
        private java.io.PrintWriter errors;

        private Builder(String method, String url) {
            this.method = Objects.requireNonNull(method, "method");
            try {
                this.uri = new URI(Objects.requireNonNull(url, "url"));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + HeaderRules.quote(url), e);
            }
            if (uri.getScheme() != null && !uri.getScheme().matches("(?i)https?")) {
                throw new IllegalArgumentException("URL scheme must be http or https: " + HeaderRules.quote(url));
            }
        }

        /** Adds a request header. */
        public Builder header(String name, String value) {
            headers.add(Header.of(name, value));
            return this;
        }

        /** Adds request headers. */
        public Builder headers(List<Header> more) {
            if (more != null) {
                headers.addAll(more);
            }
            return this;
        }

        /** The request body; CONTENT_LENGTH is its length unless a Content-Length header says otherwise. */
        public Builder body(byte[] bytes) {
            body = bytes == null ? new byte[0] : bytes.clone();
            return this;
        }

        /** The request body, {@code text} in UTF-8. */
        public Builder body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        /** Where the application is mounted: this prefix of the path goes to SCRIPT_NAME, the rest to PATH_INFO. */
        public Builder scriptName(String prefix) {
            scriptName = prefix;
            return this;
        }

        /** The client address (default 127.0.0.1) and port (default 40000). */
        public Builder remote(String addr, int port) {
            remoteAddr = addr;
            remotePort = Integer.toString(port);
            return this;
        }

        /** SERVER_PROTOCOL, default HTTP/1.1. */
        public Builder protocol(String serverProtocol) {
            protocol = serverProtocol;
            return this;
        }

        /** Any other environ entry (e.g. REMOTE_USER, or an extension key), set last. */
        public Builder set(String key, Object value) {
            extra.put(key, value);
            return this;
        }

        /** The wsgi.errors to use (default: a fresh writer whose text {@link TestClient} returns). */
        public Builder errors(java.io.PrintWriter writer) {
            errors = writer;
            return this;
        }

        /** A new environ. */
        public Map<String, Object> build() {
            Map<String, Object> env = new HashMap<>();
            putRequestLine(env);
            putServer(env);
            putHeaders(env);
            putWsgi(env);
            env.putAll(extra);
            return env;
        }

        private void putRequestLine(Map<String, Object> env) {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String decoded = decode(path);
            if (!scriptName.isEmpty() && !(decoded.equals(scriptName) || decoded.startsWith(scriptName + "/"))) {
                throw new IllegalArgumentException("path " + HeaderRules.quote(decoded)
                        + " is not under scriptName " + HeaderRules.quote(scriptName));
            }
            env.put(Environ.REQUEST_METHOD, method);
            env.put(Environ.SCRIPT_NAME, scriptName);
            env.put(Environ.PATH_INFO, decoded.substring(scriptName.length()));
            String query = uri.getRawQuery();
            env.put(Environ.QUERY_STRING, query == null ? "" : query);
            env.put(Environ.REQUEST_URI, query == null ? path : path + "?" + query);
            env.put(Environ.SERVER_PROTOCOL, protocol);
        }

        private void putServer(Map<String, Object> env) {
            boolean https = uri.getScheme() != null && uri.getScheme().equalsIgnoreCase("https");
            String host = uri.getHost() == null ? "localhost" : uri.getHost();
            int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
            env.put(Environ.SERVER_NAME, host);
            env.put(Environ.SERVER_PORT, Integer.toString(port));
            env.put(Environ.SERVER_SOFTWARE, "gateway-bridge-testing");
            env.put(Environ.GATEWAY_INTERFACE, "CGI/1.1");
            env.put(Environ.REMOTE_ADDR, remoteAddr);
            env.put(Environ.REMOTE_PORT, remotePort);
            env.put(Environ.WSGI_URL_SCHEME, https ? "https" : "http");
            if (https) {
                env.put(Environ.HTTPS, "on");
            }
            boolean defaultPort = port == (https ? 443 : 80);
            env.put(Environ.httpKey("Host"), defaultPort ? host : host + ":" + port);
        }

        private void putHeaders(Map<String, Object> env) {
            boolean hostGiven = false;
            for (Header h : headers) {
                if (h.is("Proxy") || HeaderRules.hasUnderscore(h.name())) {
                    continue; // the servlet's security defaults: no HTTP_PROXY (httpoxy), no '_' spoofing
                }
                String key = h.is("Content-Type") ? Environ.CONTENT_TYPE
                        : h.is("Content-Length") ? Environ.CONTENT_LENGTH : Environ.httpKey(h.name());
                Object earlier = env.get(key);
                // A given Host replaces the one derived from the URL; other repeats join (RFC 9110 §5.3).
                boolean replace = earlier == null || h.is("Host") && !hostGiven;
                hostGiven |= h.is("Host");
                env.put(key, replace ? h.value() : earlier + (h.is("Cookie") ? "; " : ", ") + h.value());
            }
            if (body.length > 0 && !env.containsKey(Environ.CONTENT_LENGTH)) {
                env.put(Environ.CONTENT_LENGTH, Integer.toString(body.length));
            }
        }

        private void putWsgi(Map<String, Object> env) {
            env.put(Environ.WSGI_VERSION, List.of(1, 0));
            env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(body));
            env.put(Environ.WSGI_ERRORS, errors != null ? errors : new ErrorLog());
            env.put(Environ.WSGI_MULTITHREAD, Boolean.FALSE);
            env.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
            env.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
            env.put(Environ.WSGI_FILE_WRAPPER, FileBody.WRAPPER);
            env.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
        }

        /** Percent-decodes a raw path as UTF-8; a '%' not followed by two hex digits stays as it is. */
        private static String decode(String raw) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < raw.length(); ) {
                int c = raw.codePointAt(i);
                if (c == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                    out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                    i += 3;
                } else {
                    out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                    i += Character.charCount(c);
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0;
        }
    }
}
