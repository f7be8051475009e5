package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The environ built from a request (PEP 3333 "environ Variables", RFC 3875 §4.1), on Jetty and Tomcat. */
class EnvironTest {

    private static Map<String, String> environ(Kind kind, String context, String mapping, Map<String, String> params,
                                               String target, String... headers) {
        try (ServletContainer c = ServletContainer.start(kind, Apps.ENVIRON, context, mapping, params)) {
            RawHttp.Response r = RawHttp.get(c.port(), target, headers);
            assertEquals(200, r.status(), r::toString);
            return Apps.parse(r.text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void scriptNameIsContextPlusServletPathAndPathInfoIsTheDecodedRest(Kind kind) {
        var env = environ(kind, "/ctx", "/app/*", Map.of(), "/ctx/app/a%20b/%C3%A9?x=1%202&y");
        assertEquals("/ctx/app", env.get("SCRIPT_NAME"));
        assertEquals("/a b/\u00e9", env.get("PATH_INFO"));
        assertEquals("x=1%202&y", env.get("QUERY_STRING"));
        assertEquals("/ctx/app/a%20b/%C3%A9?x=1%202&y", env.get("REQUEST_URI"));
        assertEquals("GET", env.get("REQUEST_METHOD"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void atTheRootScriptNameIsEmptyAndQueryStringIsEmptyWhenAbsent(Kind kind) {
        var env = environ(kind, "", "/*", Map.of(), "/x/y");
        assertEquals("", env.get("SCRIPT_NAME"));
        assertEquals("/x/y", env.get("PATH_INFO"));
        assertEquals("", env.get("QUERY_STRING"));
        assertEquals("/x/y", env.get("REQUEST_URI"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theDefaultMappingGivesTheWholePathToPathInfo(Kind kind) {
        var env = environ(kind, "/ctx", "/", Map.of(), "/ctx/p/q");
        assertEquals("/ctx", env.get("SCRIPT_NAME"));
        assertEquals("/p/q", env.get("PATH_INFO"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anExactMappingHasAnEmptyPathInfo(Kind kind) {
        var env = environ(kind, "/ctx", "/exact", Map.of(), "/ctx/exact");
        assertEquals("/ctx/exact", env.get("SCRIPT_NAME"));
        assertEquals("", env.get("PATH_INFO"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void serverAndClientVariablesAreStrings(Kind kind) {
        var env = environ(kind, "", "/*", Map.of(), "/", "Host: example.org:8443");
        assertEquals("example.org", env.get("SERVER_NAME"));
        assertEquals("8443", env.get("SERVER_PORT"));
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
        assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
        assertEquals("127.0.0.1", env.get("SERVER_ADDR"));
        assertTrue(Integer.parseInt(env.get("REMOTE_PORT")) > 0);
        assertTrue(env.get("SERVER_SOFTWARE").startsWith("GatewayBridge"));
        assertFalse(env.containsKey("HTTPS"), "plain HTTP has no HTTPS=on");
        assertFalse(env.containsKey("REMOTE_USER"), "no container authentication, no REMOTE_USER");
        assertFalse(env.containsKey("AUTH_TYPE"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void serverNameAndPortFollowTheHostHeaderWithTheSchemesDefaultPort(Kind kind) {
        var plain = environ(kind, "", "/*", Map.of(), "/", "Host: www.example.org");
        assertEquals("www.example.org", plain.get("SERVER_NAME"));
        assertEquals("80", plain.get("SERVER_PORT"));
        var v6 = environ(kind, "", "/*", Map.of(), "/", "Host: [::1]:8081");
        assertEquals("[::1]", v6.get("SERVER_NAME"));
        assertEquals("8081", v6.get("SERVER_PORT"));
        try (ServletContainer c = ServletContainer.start(kind, Apps.ENVIRON, "", "/*", Map.of())) {
            var env = Apps.parse(RawHttp.exchange(c.port(), "GET / HTTP/1.0\r\n\r\n").text());
            assertTrue(!env.get("SERVER_NAME").isEmpty(), "without Host, the container's name: " + env);
            assertTrue(Integer.parseInt(env.get("SERVER_PORT")) > 0, env::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void contentTypeAndLengthAppearOnlyWhenTheRequestHasThemAndNeverAsHttpVariables(Kind kind) {
        var get = environ(kind, "", "/*", Map.of(), "/");
        assertFalse(get.containsKey("CONTENT_TYPE"));
        assertFalse(get.containsKey("CONTENT_LENGTH"));
        try (ServletContainer c = ServletContainer.start(kind, Apps.ENVIRON, "", "/*", Map.of())) {
            var r = RawHttp.exchange(c.port(), "POST / HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 3\r\nConnection: close\r\n\r\nabc");
            var env = Apps.parse(r.text());
            assertEquals("text/plain", env.get("CONTENT_TYPE"));
            assertEquals("3", env.get("CONTENT_LENGTH"));
            assertFalse(env.containsKey("HTTP_CONTENT_TYPE"));
            assertFalse(env.containsKey("HTTP_CONTENT_LENGTH"));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void repeatedHeadersAreJoinedWithCommaAndCookiesWithSemicolon(Kind kind) {
        var env = environ(kind, "", "/*", Map.of(), "/", "X-Multi: one", "X-Multi: two", "Cookie: a=1",
                "Cookie: b=2", "Accept: text/html");
        assertEquals("one, two", env.get("HTTP_X_MULTI"));
        assertEquals("a=1; b=2", env.get("HTTP_COOKIE"));
        assertEquals("text/html", env.get("HTTP_ACCEPT"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aHeaderWithAnUnderscoreIsNotPassedSoItCannotSpoofTheDashForm(Kind kind) {
        var env = environ(kind, "", "/*", Map.of(), "/", "X_Forwarded_For: 6.6.6.6");
        assertFalse(env.containsKey("HTTP_X_FORWARDED_FOR"), env::toString);
        assertFalse(env.containsValue("6.6.6.6"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aProxyHeaderNeverBecomesHttpProxy(Kind kind) {
        var env = environ(kind, "", "/*", Map.of(), "/", "Proxy: http://evil.example:8080");
        assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy: " + env);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theWsgiEntriesHaveTheirPep3333Types(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, (env, start) -> {
            start.start("200 OK", Apps.TEXT);
            return dev.gatewaybridge.api.Bodies.of(String.join(" ",
                    String.valueOf(env.get("wsgi.version")),
                    String.valueOf(env.get("wsgi.url_scheme")),
                    String.valueOf(env.get("wsgi.input") instanceof java.io.InputStream),
                    String.valueOf(env.get("wsgi.errors") instanceof java.io.PrintWriter),
                    String.valueOf(env.get("wsgi.multithread") instanceof Boolean),
                    String.valueOf(env.get("wsgi.multiprocess") instanceof Boolean),
                    String.valueOf(env.get("wsgi.run_once") instanceof Boolean),
                    String.valueOf(env.get("wsgi.file_wrapper") instanceof dev.gatewaybridge.api.FileWrapper),
                    String.valueOf(env.get("wsgi.input_terminated")),
                    String.valueOf(env.get("gateway.servlet_request") instanceof jakarta.servlet.http.HttpServletRequest)));
        }, "", "/*", Map.of())) {
            assertEquals("[1, 0] http true true true true true true true true", RawHttp.get(c.port(), "/").text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void flagsAndFixedEntriesComeFromInitParams(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, (environ, start) -> {
            start.start("200 OK", Apps.TEXT);
            return dev.gatewaybridge.api.Bodies.of(environ.get("wsgi.multithread") + " "
                    + environ.get("wsgi.multiprocess") + " " + environ.get("wsgi.run_once") + " "
                    + environ.get("wsgi.version") + " " + environ.get("APP_MODE") + " " + environ.get("TEAM"));
        }, "", "/*", Map.of("multithread", "false", "multiprocess", "true", "runOnce", "true",
                "environ", "APP_MODE=prod\n# comment\n  TEAM = bridge a=b \n"))) {
            assertEquals("false true true [1, 0] prod bridge a=b", RawHttp.get(c.port(), "/").text());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void wsgiErrorsLinesGoToTheContainerLog(Kind kind) {
        try (ServletContainer c = ServletContainer.start(kind, (environ, start) -> {
            var errors = (java.io.PrintWriter) environ.get("wsgi.errors");
            errors.println("first line");
            errors.print("partial");
            start.start("200 OK", Apps.TEXT);
            return dev.gatewaybridge.api.Bodies.of("ok");
        }, "", "/*", Map.of())) {
            assertEquals("ok", RawHttp.get(c.port(), "/").text());
            assertTrue(c.logged("first line"), c.log()::toString);
            assertTrue(c.logged("partial"), "flushed at the end: " + c.log());
        }
    }
}
