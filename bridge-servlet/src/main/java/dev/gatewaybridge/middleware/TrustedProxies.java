package dev.gatewaybridge.middleware;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;

/**
 * Takes the client address, scheme, host, port and path prefix from the headers a reverse proxy adds —
 * only when the peer (REMOTE_ADDR) is one of the configured proxies — mod_wsgi's WSGITrustedProxies and
 * WSGITrustedProxyHeaders, Werkzeug's ProxyFix. From any other peer those headers are forgeable by the
 * client, so they are removed from the environ before the application sees them.
 *
 * <p>With {@value #HOPS} = n (default 1), the value used is the n-th from the right of each header's list
 * (the one the outermost of n proxies added); a header with fewer values is ignored. {@code Forwarded}
 * (RFC 7239), when enabled and present, is used instead of the X-Forwarded-For/-Proto/-Host headers.
 * A malformed value is ignored with one line on {@code wsgi.errors}. The variables replaced keep their
 * original values under {@value #ORIGINAL_PREFIX}{@code NAME} (e.g. {@code gateway.proxies.original.REMOTE_ADDR}).
 */
public final class TrustedProxies implements GatewayApplication {

    /** Init-param: the proxies, IP addresses and CIDR ranges, IPv4 and IPv6 (required). */
    public static final String TRUSTED = "proxies.trusted";
    /** Init-param: how many trusted proxies stand in front of the container (default 1). */
    public static final String HOPS = "proxies.hops";
    /** Init-param: the headers honoured from a trusted proxy (default: the five X-Forwarded-* headers). */
    public static final String HEADERS = "proxies.headers";
    /** Environ key prefix under which the replaced variables keep their original values. */
    public static final String ORIGINAL_PREFIX = "gateway.proxies.original.";

    static final String FORWARDED = "forwarded";
    static final String X_FOR = "x-forwarded-for";
    static final String X_PROTO = "x-forwarded-proto";
    static final String X_HOST = "x-forwarded-host";
    static final String X_PORT = "x-forwarded-port";
    static final String X_PREFIX = "x-forwarded-prefix";
    private static final List<String> ALL = List.of(FORWARDED, X_FOR, X_PROTO, X_HOST, X_PORT, X_PREFIX);
    private static final List<String> REPLACED = List.of(Environ.REMOTE_ADDR, Environ.REMOTE_PORT,
            Environ.WSGI_URL_SCHEME, Environ.HTTPS, Environ.httpKey("Host"), Environ.SERVER_NAME,
            Environ.SERVER_PORT, Environ.SCRIPT_NAME);
    // RFC 3986 §3.2.2 host (IP-literal or reg-name) with an optional port.
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._~-]+)(?::([0-9]{1,5}))?");
    private static final Pattern PREFIX = Pattern.compile("/[^\\x00-\\x20\\x7f?#]*");

    private final GatewayApplication next;
    private final List<AddressRange> proxies;
    private final int hops;
    private final Set<String> honoured;

    /** Trusts {@code proxies} (addresses or CIDR ranges), {@code hops} deep, with the X-Forwarded-* headers. */
    public TrustedProxies(GatewayApplication next, List<String> proxies, int hops) {
        this(next, Map.of(TRUSTED, String.join(" ", proxies), HOPS, Integer.toString(hops)));
    }

    /** From web.xml; a bad address, hop count or header name fails here, naming the param. */
    public TrustedProxies(GatewayApplication next, Map<String, String> params) {
        this.next = next;
        MiddlewareParams.known(params, "proxies.", List.of(TRUSTED, HOPS, HEADERS));
        List<AddressRange> ranges = new ArrayList<>();
        for (String item : MiddlewareParams.list(params, TRUSTED)) {
            ranges.add(AddressRange.parse(TRUSTED, item));
        }
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("missing init-param " + TRUSTED + " (the proxies' addresses)");
        }
        this.proxies = List.copyOf(ranges);
        this.hops = MiddlewareParams.integer(params, HOPS, 1, 1, 32);
        Set<String> names = new LinkedHashSet<>();
        for (String name : MiddlewareParams.list(params, HEADERS)) {
            if (!ALL.contains(name.toLowerCase(Locale.ROOT))) {
                throw MiddlewareParams.bad(HEADERS, name, "some of Forwarded, X-Forwarded-For, X-Forwarded-Proto, "
                        + "X-Forwarded-Host, X-Forwarded-Port, X-Forwarded-Prefix");
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        this.honoured = names.isEmpty() ? Set.of(X_FOR, X_PROTO, X_HOST, X_PORT, X_PREFIX) : Set.copyOf(names);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        boolean trusted = isProxy(Environ.get(environ, Environ.REMOTE_ADDR, null));
        Forwarding forwarding = trusted ? read(environ) : null;
        for (String header : ALL) {
            if (!trusted || !honoured.contains(header)) {
                environ.remove(Environ.httpKey(header)); // forgeable by the client: never let it reach the app
            }
        }
        if (forwarding != null) {
            apply(forwarding, environ);
        }
        return next.call(environ, startResponse);
    }

    private boolean isProxy(String remoteAddr) {
        byte[] address = AddressRange.literal(remoteAddr);
        return address != null && proxies.stream().anyMatch(range -> range.contains(address));
    }

    /** What the trusted proxies said; each field null when not said (or not usable). */
    private record Forwarding(String addr, String port, String proto, String host, String serverPort,
            String prefix) {
    }

    private Forwarding read(Map<String, Object> environ) {
        Log log = new Log(environ);
        String addr = null;
        String port = null;
        String proto;
        String host;
        Map<String, String> element = honoured.contains(FORWARDED) ? forwardedElement(environ, log) : null;
        String node;
        if (element != null) {
            node = element.get("for");
            proto = element.get("proto");
            host = element.get("host");
        } else {
            node = value(environ, X_FOR);
            proto = value(environ, X_PROTO);
            host = value(environ, X_HOST);
        }
        if (node != null) {
            String[] parsed = node(node);
            if (parsed != null) {
                addr = parsed[0];
                port = parsed[1];
            } else if (!node.equalsIgnoreCase("unknown") && !node.startsWith("_")) { // RFC 7239 §6.2, §6.3
                log.ignore("client address", node);
            }
        }
        if (proto != null && !proto.equalsIgnoreCase("http") && !proto.equalsIgnoreCase("https")) {
            log.ignore("scheme", proto);
            proto = null;
        }
        if (host != null && !HOST.matcher(host).matches()) {
            log.ignore("host", host);
            host = null;
        }
        String serverPort = value(environ, X_PORT);
        if (serverPort != null && !validPort(serverPort)) {
            log.ignore("port", serverPort);
            serverPort = null;
        }
        String prefix = value(environ, X_PREFIX);
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            log.ignore("prefix", prefix);
            prefix = null;
        }
        return new Forwarding(addr, port, proto == null ? null : proto.toLowerCase(Locale.ROOT), host, serverPort,
                prefix);
    }

    /** The Forwarded element {@code hops} from the right, or null if absent, short or malformed. */
    private Map<String, String> forwardedElement(Map<String, Object> environ, Log log) {
        Object raw = environ.get(Environ.httpKey(FORWARDED));
        if (!(raw instanceof String header)) {
            return null;
        }
        List<Map<String, String>> elements = ForwardedHeader.parse(header);
        if (elements == null) {
            log.ignore("Forwarded header", header);
            return null;
        }
        return elements.size() >= hops ? elements.get(elements.size() - hops) : null;
    }

    /** The value {@code hops} from the right of a comma-separated X-Forwarded-* header (ProxyFix's rule). */
    private String value(Map<String, Object> environ, String header) {
        if (!honoured.contains(header) || !(environ.get(Environ.httpKey(header)) instanceof String raw)) {
            return null;
        }
        String[] values = raw.split(",");
        if (values.length < hops) {
            return null;
        }
        String value = values[values.length - hops].trim();
        return value.isEmpty() ? null : value;
    }

    /** {address, port or null} of a node: 192.0.2.1, 192.0.2.1:80, 2001:db8::1, [2001:db8::1]:80; null if none. */
    private static String[] node(String node) {
        String addr = node;
        String port = null;
        if (node.startsWith("[") && node.indexOf("]:") > 0) {
            addr = node.substring(0, node.indexOf("]:") + 1);
            port = node.substring(node.indexOf("]:") + 2);
        } else if (node.indexOf(':') > 0 && node.indexOf(':') == node.lastIndexOf(':')) {
            addr = node.substring(0, node.indexOf(':'));
            port = node.substring(node.indexOf(':') + 1);
        }
        if (AddressRange.literal(addr) == null || port != null && !validPort(port)) {
            return null;
        }
        return new String[] {addr.startsWith("[") ? addr.substring(1, addr.length() - 1) : addr, port};
    }

    private static boolean validPort(String port) {
        return port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
    }

    private static void apply(Forwarding f, Map<String, Object> environ) {
        for (String key : REPLACED) {
            if (environ.get(key) instanceof String original) {
                environ.put(ORIGINAL_PREFIX + key, original);
            }
        }
        if (f.addr() != null) {
            environ.put(Environ.REMOTE_ADDR, f.addr());
            putOrRemove(environ, Environ.REMOTE_PORT, f.port()); // the proxy's port says nothing about the client
        }
        if (f.proto() != null) {
            environ.put(Environ.WSGI_URL_SCHEME, f.proto());
            putOrRemove(environ, Environ.HTTPS, f.proto().equals("https") ? "on" : null);
        }
        if (f.host() != null) {
            Matcher m = HOST.matcher(f.host());
            m.matches();
            environ.put(Environ.httpKey("Host"), f.host());
            environ.put(Environ.SERVER_NAME, m.group(1));
            if (m.group(2) != null) {
                environ.put(Environ.SERVER_PORT, m.group(2));
            } else if (f.proto() != null) {
                environ.put(Environ.SERVER_PORT, f.proto().equals("https") ? "443" : "80");
            }
        }
        if (f.serverPort() != null) {
            environ.put(Environ.SERVER_PORT, f.serverPort());
            String host = Environ.get(environ, Environ.httpKey("Host"), null);
            if (host != null) {
                Matcher m = HOST.matcher(host);
                environ.put(Environ.httpKey("Host"), (m.matches() ? m.group(1) : host) + ":" + f.serverPort());
            }
        }
        if (f.prefix() != null) {
            // The external path where the application's root lives replaces SCRIPT_NAME (ProxyFix, Spring).
            environ.put(Environ.SCRIPT_NAME, f.prefix().replaceFirst("/+$", ""));
        }
    }

    private static void putOrRemove(Map<String, Object> environ, String key, String value) {
        if (value == null) {
            environ.remove(key);
        } else {
            environ.put(key, value);
        }
    }

    /** One line per ignored value, on the request's wsgi.errors. */
    private record Log(Map<String, Object> environ) {
        void ignore(String what, String value) {
            if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
                errors.println("trusted-proxies: ignoring forwarded " + what + " " + HeaderRules.quote(value)
                        + " from proxy " + environ.get(Environ.REMOTE_ADDR));
                errors.flush();
            }
        }
    }
}
