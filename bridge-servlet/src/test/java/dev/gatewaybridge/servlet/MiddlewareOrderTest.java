package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.middleware.DenyPaths;
import dev.gatewaybridge.middleware.ErrorPages;
import dev.gatewaybridge.middleware.Validator;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

/**
 * Issue 14 §7: ErrorPages and Validator do what their names promise wherever they stand in the middleware
 * list: ErrorPages also answers an application that raises (a crash, an HttpStatusException), and a Validator
 * listed before another middleware still sees the application's own mistakes.
 */
class MiddlewareOrderTest {

    private static final String BOTH_ORDERS = "dev.gatewaybridge.middleware.Validator dev.gatewaybridge.middleware.ErrorPages";
    private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

    private static ServletContainer serve(Kind kind, String middleware, GatewayApplication app) {
        return ServletContainer.start(kind, app, "", "/*", Map.of("middleware", middleware,
                "validator.mode", "report", "errorpages.codes", "500-599"));
    }

    private static String order(String which) {
        return which.equals("validator-first") ? BOTH_ORDERS
                : ErrorPages.class.getName() + " " + Validator.class.getName();
    }

    @Tag("app-violation")
    @ParameterizedTest
    @CsvSource({"JETTY,validator-first", "TOMCAT,validator-first", "JETTY,validator-last", "TOMCAT,validator-last"})
    void aValidatorReportsAnApplicationCallingStartResponseTwiceWhereverItIsListed(Kind kind, String which) {
        try (ServletContainer c = serve(kind, order(which), (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("201 Created", TEXT);
            return List.of("twice".getBytes(StandardCharsets.US_ASCII));
        })) {
            RawHttp.get(c.port(), "/");
            assertEquals(1, c.log().stream().filter(l -> l.contains("[start_response.twice]")).count(),
                    c.log()::toString);
        }
    }

    @Tag("app-violation")
    @ParameterizedTest
    @CsvSource({"JETTY", "TOMCAT"})
    void aValidatorListedBeforePassThroughMiddlewareReportsTheApplicationsMistakeOnceNamingTheLayer(Kind kind) {
        String list = Validator.class.getName() + " " + DenyPaths.class.getName() + " " + DenyPaths.class.getName();
        try (ServletContainer c = ServletContainer.start(kind, (env, start) -> {
            start.start("200 OK", TEXT);
            start.start("201 Created", TEXT);
            return List.of("twice".getBytes(StandardCharsets.US_ASCII));
        }, "", "/*", Map.of("middleware", list, "validator.mode", "report", "deny.paths", "/private"))) {
            RawHttp.get(c.port(), "/");
            List<String> said = c.log().stream().filter(l -> l.contains("[start_response.twice]")).toList();
            assertEquals(1, said.size(), c.log()::toString);
            assertTrue(said.get(0).contains("MiddlewareOrderTest"), said.get(0));
        }
    }

    @ParameterizedTest
    @CsvSource({"JETTY,validator-first", "TOMCAT,validator-first", "JETTY,validator-last", "TOMCAT,validator-last"})
    void errorPagesAnswerACrashWithThePageOfA500AndNoInternalText(Kind kind, String which) {
        try (ServletContainer c = serve(kind, order(which), (env, start) -> {
            throw new IllegalStateException("secret detail");
        })) {
            RawHttp.Response r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status(), r::toString);
            assertTrue(r.header("Content-Type").startsWith("text/html"), r::toString);
            assertTrue(r.text().contains("<h1>500 Internal Server Error</h1>"), r.text());
            assertFalse(r.text().contains("secret"), r.text());
            assertTrue(c.logged("secret detail"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @CsvSource({"JETTY,checked", "TOMCAT,checked", "JETTY,error", "TOMCAT,error"})
    void errorPagesAnswerACheckedExceptionOrAnErrorAsACrash(Kind kind, String thrown) {
        try (ServletContainer c = serve(kind, ErrorPages.class.getName(), (env, start) -> {
            if (thrown.equals("checked")) {
                throw new Exception("secret detail"); // a SQLException, a parser's checked exception...
            }
            throw new AssertionError("secret detail");
        })) {
            RawHttp.Response r = RawHttp.get(c.port(), "/");
            assertEquals(500, r.status(), r::toString);
            assertTrue(r.text().contains("<h1>500 Internal Server Error</h1>"), r.text());
            assertFalse(r.text().contains("secret"), r.text());
            assertTrue(c.logged("secret detail"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @CsvSource({"JETTY,validator-first", "TOMCAT,validator-first", "JETTY,validator-last", "TOMCAT,validator-last"})
    void errorPagesAnswerAThrownHttpStatusExceptionWithThePageOfItsStatus(Kind kind, String which) {
        try (ServletContainer c = serve(kind, order(which), (env, start) -> {
            throw new HttpStatusException(503, "the database is down");
        })) {
            RawHttp.Response r = RawHttp.get(c.port(), "/");
            assertEquals(503, r.status(), r::toString);
            assertTrue(r.text().contains("<h1>503 Service Unavailable</h1>"), r.text());
            assertTrue(c.logged("the database is down"), c.log()::toString);
        }
    }

    @ParameterizedTest
    @CsvSource({"JETTY", "TOMCAT"})
    void aStatusWithoutAPageStillReachesTheServletAsItIs(Kind kind) {
        try (ServletContainer c = serve(kind, ErrorPages.class.getName(), (env, start) -> {
            throw new HttpStatusException(404, "no such item");
        })) {
            RawHttp.Response r = RawHttp.get(c.port(), "/");
            assertEquals(404, r.status(), r::toString);
            assertEquals("404 Not Found\n", r.text());
        }
    }
}
