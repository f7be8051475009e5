package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;
import dev.gatewaybridge.test.ServletContainer.StartFailure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failed init() logs one line of its own naming the param and the value, on every container: Tomcat logs
 * only the root cause of the ServletException (e.g. a bare NumberFormatException), so the exception alone
 * is not enough (issue 14 §4).
 */
class InitErrorLogTest {

    /** An application whose own constructor rejects its params. */
    public static final class Picky implements GatewayApplication {
        public Picky(Map<String, String> params) {
            throw new IllegalArgumentException("picky.level must be 1-3, not \"" + params.get("picky.level") + "\"");
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            throw new AssertionError("never built");
        }
    }

    /** The servlet's log after a failed init: Jetty fails the deployment, Tomcat starts the context anyway. */
    private static List<String> logOfFailedStart(Kind kind, Map<String, String> params) {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertTrue(kind == Kind.TOMCAT, "Jetty deployed a servlet whose init failed");
            return List.copyOf(c.log());
        } catch (StartFailure e) {
            return e.log();
        }
    }

    private static void assertOneLineNames(List<String> log, String... fragments) {
        long lines = log.stream().filter(l -> java.util.Arrays.stream(fragments).allMatch(l::contains)).count();
        assertTrue(lines == 1, "one log line naming " + List.of(fragments) + " in " + log);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aBadCgiTimeoutIsLoggedNamingParamAndValue(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", CgiApplication.class.getName(),
                "cgi.root", System.getProperty("java.io.tmpdir"), "cgi.timeout", "twenty"));
        assertOneLineNames(log, "init failed", "cgi.timeout", "twenty");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUnknownApplicationClassIsLoggedNamingParamAndValue(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", "com.example.Nope"));
        assertOneLineNames(log, "init failed", "'application'", "com.example.Nope");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anApplicationsOwnConstructorFailureIsLogged(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", Picky.class.getName(), "picky.level", "9"));
        assertOneLineNames(log, "init failed", "picky.level", "\"9\"");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMisspeltTopLevelParamFailsInitSuggestingTheKnownName(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", Picky.class.getName(),
                "middlware", "dev.gatewaybridge.middleware.Validator"));
        assertOneLineNames(log, "unknown init-param 'middlware'", "did you mean 'middleware'?");
        log = logOfFailedStart(kind, Map.of("application", Picky.class.getName(), "errorDetails", "true"));
        assertOneLineNames(log, "unknown init-param 'errorDetails'", "did you mean 'errorDetail'?");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMisspeltCgiParamFailsInitSuggestingTheKnownName(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", CgiApplication.class.getName(),
                "cgi.root", System.getProperty("java.io.tmpdir"), "cgi.timout", "20"));
        assertOneLineNames(log, "cgi.timout", "did you mean 'cgi.timeout'?");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMisspeltFastCgiParamFailsInitSuggestingTheKnownName(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", "dev.gatewaybridge.fastcgi.FastCgiApplication",
                "fastcgi.backends", "127.0.0.1:9", "fastcgi.root", System.getProperty("java.io.tmpdir"),
                "fastcgi.readTimout", "5s"));
        assertOneLineNames(log, "fastcgi.readTimout", "did you mean 'fastcgi.readTimeout'?");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aMissingCgiInterpreterSaysNoSuchFileNamingTheValue(Kind kind) {
        var log = logOfFailedStart(kind, Map.of("application", CgiApplication.class.getName(),
                "cgi.root", System.getProperty("java.io.tmpdir"), "cgi.interpreters", ".sh=/usr/bin/nosuchsh"));
        assertOneLineNames(log, "cgi.interpreters", "no such file", "/usr/bin/nosuchsh");
    }
}
