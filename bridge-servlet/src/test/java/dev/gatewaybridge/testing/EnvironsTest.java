package dev.gatewaybridge.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.FileWrapper;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;

class EnvironsTest {

    @Test
    void pathUrlGivesEveryPep3333KeyWithItsType() {
        Map<String, Object> env = Environs.create("GET", "/items?page=2");
        assertEquals("GET", env.get("REQUEST_METHOD"));
        assertEquals("", env.get("SCRIPT_NAME"));
        assertEquals("/items", env.get("PATH_INFO"));
        assertEquals("page=2", env.get("QUERY_STRING"));
        assertEquals("localhost", env.get("SERVER_NAME"));
        assertEquals("80", env.get("SERVER_PORT"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("localhost", env.get("HTTP_HOST"));
        assertEquals(List.of(1, 0), env.get("wsgi.version"));
        assertEquals("http", env.get("wsgi.url_scheme"));
        assertInstanceOf(InputStream.class, env.get("wsgi.input"));
        assertInstanceOf(PrintWriter.class, env.get("wsgi.errors"));
        assertEquals(Boolean.FALSE, env.get("wsgi.multithread"));
        assertEquals(Boolean.FALSE, env.get("wsgi.multiprocess"));
        assertEquals(Boolean.FALSE, env.get("wsgi.run_once"));
        assertInstanceOf(FileWrapper.class, env.get("wsgi.file_wrapper"));
        assertFalse(env.containsKey("CONTENT_LENGTH"), "no body, no CONTENT_LENGTH");
        assertFalse(env.containsKey("CONTENT_TYPE"));
    }

    @Test
    void absoluteHttpsUrlSetsSchemeHostAndPort() {
        Map<String, Object> env = Environs.create("GET", "https://example.org:8443/a");
        assertEquals("https", env.get("wsgi.url_scheme"));
        assertEquals("on", env.get("HTTPS"));
        assertEquals("example.org", env.get("SERVER_NAME"));
        assertEquals("8443", env.get("SERVER_PORT"));
        assertEquals("example.org:8443", env.get("HTTP_HOST"));
    }

    @Test
    void contentHeadersGoToCgiVariablesAndTheBodyToWsgiInput() throws Exception {
        Map<String, Object> env = Environs.create("POST", "/p",
                List.of(Header.of("Content-Type", "text/plain"), Header.of("X-Trace", "a"), Header.of("x-trace", "b")),
                "héllo".getBytes(UTF_8));
        assertEquals("text/plain", env.get("CONTENT_TYPE"));
        assertEquals("6", env.get("CONTENT_LENGTH"));
        assertFalse(env.containsKey("HTTP_CONTENT_TYPE"));
        assertEquals("a, b", env.get("HTTP_X_TRACE"));
        assertEquals("héllo", new String(((InputStream) env.get("wsgi.input")).readAllBytes(), UTF_8));
    }

    @Test
    void proxyHeaderAndUnderscoreNamesAreDroppedLikeTheServletDoes() {
        Map<String, Object> env = Environs.create("GET", "/", List.of(Header.of("Proxy", "http://evil"),
                Header.of("X_Auth_User", "admin")), null);
        assertFalse(env.containsKey("HTTP_PROXY"));
        assertFalse(env.containsKey("HTTP_X_AUTH_USER"));
    }

    @Test
    void pathIsPercentDecodedAndScriptNameTakesTheMountPrefix() {
        Map<String, Object> env = Environs.builder("GET", "/app/caf%C3%A9%2Fx?q=%20").scriptName("/app").build();
        assertEquals("/app", env.get("SCRIPT_NAME"));
        assertEquals("/café/x", env.get("PATH_INFO"));
        assertEquals("q=%20", env.get("QUERY_STRING"));
        assertEquals("/app/caf%C3%A9%2Fx?q=%20", env.get("REQUEST_URI"));
    }

    @Test
    void aScriptNameThatIsNotAPrefixOfThePathIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Environs.builder("GET", "/application").scriptName("/app").build());
        assertTrue(e.getMessage().contains("/application"), e.getMessage());
    }

    @Test
    void everyBuiltEnvironPassesTheStrictValidator() throws Exception {
        GatewayApplication ok = (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Bodies.of("ok");
        };
        for (String url : List.of("/", "/a/b?c=d", "https://h/x", "http://h:81")) {
            assertEquals(200, TestClient.of(ok).request("PUT", url, List.of(), "body".getBytes(UTF_8)).status());
        }
    }
}
