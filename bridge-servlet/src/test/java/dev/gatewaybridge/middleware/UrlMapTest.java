package dev.gatewaybridge.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.testing.Environs;
import dev.gatewaybridge.testing.TestClient;

class UrlMapTest {

    /** Answers "name SCRIPT_NAME|PATH_INFO". */
    static GatewayApplication where(String name) {
        return (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
            return Bodies.of(name + " " + env.get("SCRIPT_NAME") + "|" + env.get("PATH_INFO"));
        };
    }

    /** Mountable from web.xml with a no-arg constructor. */
    public static final class Plain implements GatewayApplication {
        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
            return where("plain").call(environ, start);
        }
    }

    /** Mountable from web.xml with the params constructor; closed with the map. */
    public static final class Configured implements GatewayApplication, AutoCloseable {
        static final AtomicInteger CLOSED = new AtomicInteger();
        private final String greeting;

        public Configured(Map<String, String> params) {
            greeting = params.getOrDefault("greeting", "none");
        }

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
            return where(greeting).call(environ, start);
        }

        @Override
        public void close() {
            CLOSED.incrementAndGet();
        }
    }

    private final UrlMap map = UrlMap.builder().mount("/app", where("app")).mount("/app/admin", where("admin"))
            .mount("/api/", where("api")).build();

    private String get(GatewayApplication app, String url) throws Exception {
        return TestClient.of(app).get(url).text();
    }

    @Test
    void longestPrefixWinsAndMovesToScriptName() throws Exception {
        assertEquals("admin /app/admin|/users", get(map, "/app/admin/users"));
        assertEquals("app /app|/users", get(map, "/app/users"));
        assertEquals("api /api|/v1", get(map, "/api/v1"));
    }

    @Test
    void theExactPrefixLeavesAnEmptyPathInfo() throws Exception {
        assertEquals("app /app|", get(map, "/app"));
        assertEquals("app /app|/", get(map, "/app/"));
    }

    @Test
    void prefixesMatchOnlyAtSegmentBoundaries() throws Exception {
        var r = TestClient.of(map).get("/application");
        assertEquals(404, r.status());
        assertEquals("Not Found\n", r.text());
        assertEquals("app /app|/ministrator", get(map, "/app/ministrator"));
    }

    @Test
    void theMatchedPartIsAppendedToAnExistingScriptName() throws Exception {
        var r = TestClient.of(map).request(Environs.builder("GET", "/ctx/app/x").scriptName("/ctx"));
        assertEquals("app /ctx/app|/x", r.text());
    }

    @Test
    void theFallbackAnswersWhatNoMountMatches() throws Exception {
        UrlMap withFallback = UrlMap.builder().mount("/a", where("a")).fallback(where("rest")).build();
        assertEquals("rest |/b", get(withFallback, "/b"));
        assertEquals("root |/anything", get(UrlMap.builder().mount("/", where("root")).build(), "/anything"));
    }

    @Test
    void webXmlParamsMountClassesAndChooseTheFallback() throws Exception {
        String plain = Plain.class.getName();
        String configured = Configured.class.getName();
        UrlMap fromParams = new UrlMap(where("next"), Map.of("mount./p", plain, "mount./c", configured,
                "greeting", "hi", "urlmap.fallback", "next"));
        assertEquals("plain /p|/x", get(fromParams, "/p/x"));
        assertEquals("hi /c|", get(fromParams, "/c"));
        assertEquals("next |/other", get(fromParams, "/other"));
        assertEquals(404, TestClient.of(new UrlMap(where("next"), Map.of("mount./p", plain))).get("/q").status());
        assertEquals("plain |/q", get(new UrlMap(where("next"), Map.of("urlmap.fallback", plain)), "/q"));
    }

    @Test
    void closeClosesTheApplicationsItCreated() throws Exception {
        int before = Configured.CLOSED.get();
        new UrlMap(where("next"), Map.of("mount./c", Configured.class.getName())).close();
        assertEquals(before + 1, Configured.CLOSED.get());
    }

    @Test
    void badParamsFailConstructionNamingParamAndValue() {
        assertMessage(Map.of("mount.app", Plain.class.getName()), "mount.app", "\"app\"");
        assertMessage(Map.of("mount./x", "com.example.Missing"), "mount./x", "com.example.Missing");
        assertMessage(Map.of("mount./x", String.class.getName()), "mount./x", "does not implement");
        assertMessage(Map.of("urlmap.fallback", "nope"), "urlmap.fallback", "\"nope\"");
    }

    @Test
    void aFailingMountDoesNotLeakTheOnesAlreadyCreated() {
        int before = Configured.CLOSED.get();
        assertThrows(IllegalArgumentException.class, () -> new UrlMap(where("next"),
                Map.of("mount./a", Configured.class.getName(), "mount./b", "com.example.Missing")));
        assertEquals(before + 1, Configured.CLOSED.get());
    }

    private static void assertMessage(Map<String, String> params, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, () -> new UrlMap(where("next"), params));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }
}
