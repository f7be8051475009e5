package dev.gatewaybridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.StartResponse;

class ApplicationsTest {

    public static final class WithParams implements GatewayApplication {
        final Map<String, String> params;

        public WithParams(Map<String, String> params) {
            this.params = params;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return List.of();
        }
    }

    public static final class NoArgs implements GatewayApplication {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) {
            return List.of();
        }
    }

    public static final class Wrapper implements GatewayApplication {
        final GatewayApplication next;

        public Wrapper(GatewayApplication next) {
            this.next = next;
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
            return next.call(environ, start);
        }
    }

    @Test
    void theParamsConstructorIsPreferredAndGetsTheParams() {
        var app = Applications.create("here", WithParams.class.getName(), Map.of("a", "1"));
        assertEquals(Map.of("a", "1"), assertInstanceOf(WithParams.class, app).params);
        assertInstanceOf(NoArgs.class, Applications.create("here", NoArgs.class.getName(), Map.of()));
    }

    @Test
    void aMiddlewareGetsTheApplicationItWraps() {
        GatewayApplication next = new NoArgs();
        var app = Applications.wrap("here", Wrapper.class.getName(), next, Map.of());
        assertSame(next, assertInstanceOf(Wrapper.class, app).next);
    }

    @Test
    void aClassTheContextLoaderCannotSeeIsLoadedFromTheLibrarysLoader() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(empty);
            assertInstanceOf(NoArgs.class, Applications.create("here", NoArgs.class.getName(), Map.of()));
        } finally {
            thread.setContextClassLoader(saved);
        }
    }

    @Test
    void aMissingClassFailsNamingWhereItsNameCameFromAndTheName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Applications.create("init-param 'application'", "com.example.Nope", Map.of()));
        assertEquals("init-param 'application': class not found: com.example.Nope", e.getMessage());
    }

    @Test
    void aClassWithoutAUsableConstructorFailsNamingTheConstructorsItNeeds() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Applications.create("here", Wrapper.class.getName(), Map.of()));
        assertTrue(e.getMessage().startsWith("here: " + Wrapper.class.getName() + " needs a public no-arg"),
                e.getMessage());
    }
}
