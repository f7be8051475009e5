package dev.gatewaybridge.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/**
 * A data application that answers XML: three items as application/xml (the middleware sample turns it into
 * HTML with an XSLT stylesheet). {@code /boom} fails with a 500 whose body is a stack-trace-like text, which
 * the ErrorPages middleware replaces.
 */
public final class ItemsApp implements GatewayApplication {

    static final byte[] ITEMS = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<items><item id=\"1\">apple</item><item id=\"2\">pear &amp; quince</item><item id=\"3\">fig</item>"
            + "</items>\n").getBytes(StandardCharsets.UTF_8);
    static final byte[] FAILURE = "java.lang.IllegalStateException: internal detail\n".getBytes(StandardCharsets.UTF_8);

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        boolean boom = "/boom".equals(environ.get("PATH_INFO"));
        byte[] body = boom ? FAILURE : ITEMS;
        startResponse.start(boom ? "500 Internal Server Error" : "200 OK", List.of(
                Header.of("Content-Type", boom ? "text/plain; charset=utf-8" : "application/xml; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
