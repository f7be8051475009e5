package dev.gatewaybridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.gatewaybridge.test.RawHttp;
import org.junit.jupiter.api.Test;

/**
 * The bundled middleware through the packaged sample WAR (servlet "middleware-suite" at /sample/mw/*,
 * configured only in web.xml), on the WAR the jetty-ee10-maven-plugin deploys for the integration tests.
 * The trusted proxy is 127.0.0.2: the test connects from that source address to play the proxy, and from
 * 127.0.0.1 to play a client forging X-Forwarded-For.
 */
class MiddlewareIT {

    private static int port() {
        return Deployments.pluginJettyPort();
    }

    @Test
    void xmlFromTheMountedAppIsRenderedToHtmlWithItsLengthCorrected() throws Exception {
        RawHttp.Response r = request("127.0.0.1", "/sample/mw/items", "");
        assertEquals(200, r.status(), r.toString());
        assertHtml(r.header("Content-Type"));
        assertEquals(Integer.toString(r.body().length), r.header("Content-Length"));
        assertTrue(r.text().contains("<h1>Fruit</h1>"), r.text());
        assertTrue(r.text().contains("<li id=\"item-2\">pear &amp; quince</li>"), r.text());
    }

    @Test
    void aMountedAppFindsItsPrefixInScriptName() throws Exception {
        Map<String, Object> env = environ("127.0.0.1", "/sample/mw/environ/x/y", "");
        assertEquals("/sample/mw/environ", env.get("SCRIPT_NAME"));
        assertEquals("/x/y", env.get("PATH_INFO"));
    }

    @Test
    void anUnmountedPathGetsTheStatic404PageAndPrefixesMatchWholeSegments() throws Exception {
        for (String path : new String[] {"/sample/mw/nothing", "/sample/mw/hellothere"}) {
            RawHttp.Response r = request("127.0.0.1", path, "");
            assertEquals(404, r.status(), path);
            assertTrue(r.text().contains("Nothing lives at this address"), r.text());
            assertHtml(r.header("Content-Type"));
        }
        assertEquals("Hello, world!\n", request("127.0.0.1", "/sample/mw/hello", "").text());
    }

    @Test
    void anApplication500KeepsItsStatusButNotItsBody() throws Exception {
        RawHttp.Response r = request("127.0.0.1", "/sample/mw/items/boom", "");
        assertEquals(500, r.status(), r.toString());
        assertTrue(r.text().contains("<h1>500 Internal Server Error</h1>"), r.text());
        assertFalse(r.text().contains("internal detail"), r.text());
    }

    @Test
    void theTrustedProxysXForwardedForBecomesRemoteAddr() throws Exception {
        Map<String, Object> env = environ("127.0.0.2", "/sample/mw/environ",
                "X-Forwarded-For: 203.0.113.9\r\nX-Forwarded-Proto: https\r\n");
        assertEquals("203.0.113.9", env.get("REMOTE_ADDR"));
        assertEquals("https", env.get("wsgi.url_scheme"));
        assertEquals("127.0.0.2", env.get("gateway.proxies.original.REMOTE_ADDR"));
    }

    @Test
    void aForgedXForwardedForFromAClientIsRemoved() throws Exception {
        Map<String, Object> env = environ("127.0.0.1", "/sample/mw/environ",
                "X-Forwarded-For: 10.0.0.1\r\nForwarded: for=10.0.0.1\r\n");
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertFalse(env.containsKey("HTTP_X_FORWARDED_FOR"), env::toString);
        assertFalse(env.containsKey("HTTP_FORWARDED"), env::toString);
        assertFalse(env.containsKey("gateway.proxies.original.REMOTE_ADDR"), env::toString);
    }

    /** Containers may respell the Content-Type ("text/html;charset=utf-8"); its meaning must not change. */
    private static void assertHtml(String contentType) {
        assertEquals("text/html;charset=utf-8", contentType.replace(" ", "").toLowerCase(java.util.Locale.ROOT));
    }

    private static Map<String, Object> environ(String from, String target, String headers) throws Exception {
        RawHttp.Response r = request(from, target, headers);
        assertEquals(200, r.status(), r.toString() + "\n" + r.text());
        return FlatJson.parse(r.text());
    }

    /** GET {@code target} on a connection from local address {@code from}, read to its close. */
    private static RawHttp.Response request(String from, String target, String headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 10_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port()
                    + "\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return parse(socket.getInputStream());
        }
    }

    private static RawHttp.Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        java.util.List<String[]> headers = new java.util.ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
        byte[] body = java.util.Arrays.copyOfRange(all.toByteArray(), end + 4, all.size());
        RawHttp.Response head = new RawHttp.Response(new RawHttp.Head(lines[0], headers), body, true,
                java.util.List.of(), java.util.List.of());
        if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            throw new IOException("unexpected chunked response to " + lines[0]);
        }
        return head;
    }
}
