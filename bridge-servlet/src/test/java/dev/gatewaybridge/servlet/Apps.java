package dev.gatewaybridge.servlet;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Tiny applications shared by the servlet tests. */
final class Apps {
    private Apps() {
    }

    static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    /** Answers every string environ entry as "KEY=value" lines, sorted; other values as "KEY:<class>". */
    static final GatewayApplication ENVIRON = (environ, start) -> {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(environ).forEach((k, v) -> out.append(k)
                .append(v instanceof String s ? "=" + s : ":" + v.getClass().getName()).append('\n'));
        start.start("200 OK", TEXT);
        return Bodies.of(out.toString());
    };

    /** Parses the ENVIRON app's answer. */
    static Map<String, String> parse(String text) {
        Map<String, String> env = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            int colon = line.indexOf(':');
            if (eq > 0 && (colon < 0 || eq < colon)) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            } else if (colon > 0) {
                env.put(line.substring(0, colon), "<" + line.substring(colon + 1) + ">");
            }
        }
        return env;
    }

    static GatewayApplication text(String status, String body) {
        return (environ, start) -> {
            start.start(status, TEXT);
            return Bodies.of(body);
        };
    }
}
