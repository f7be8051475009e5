package dev.gatewaybridge.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.test.Curl;
import dev.gatewaybridge.test.ServletContainer;

/** DenyPaths in real Jetty and Tomcat, with prefix, extension and default servlet mappings. */
class DenyPathsTest {

    static final GatewayApplication APP = (environ, start) -> {
        start.start("200 OK", List.of(new Header("Content-Type", "text/plain")), null);
        return List.of(("app " + environ.get("SCRIPT_NAME") + "|" + environ.get("PATH_INFO"))
                .getBytes(StandardCharsets.UTF_8));
    };
    static final List<String> RULES = List.of("/data", "/conf/", ".git", "*.bak", "/lib/**/*.inc");

    @TempDir
    Path work;
    ServletContainer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int status(String path) {
        return Curl.run(work, "--path-as-is", server.uri(path).toString()).status();
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void theRulesHoldUnderAPrefixMapping(ServletContainer.Kind kind) {
        // the path below the context is /app/... here, so an anchored rule names the mapping's prefix
        server = ServletContainer.start(kind, new DenyPaths(APP, List.of("/app/data", ".git"), 403), "/wiki",
                "/app/*", Map.of());
        assertEquals(403, status("/wiki/app/data/pages/start.txt"));
        assertEquals(403, status("/wiki/app/DATA/x"));
        assertEquals(403, status("/wiki/app/x/.git/config"));
        assertEquals(200, status("/wiki/app/database"));
        assertEquals(200, status("/wiki/app/doku.php"));
        assertTrue(server.logged("/app/data/pages/start.txt", "deny.paths", "/app/data"));
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void theSameRulesHoldUnderExtensionAndDefaultMappings(ServletContainer.Kind kind) {
        for (String mapping : List.of("*.php", "/")) {
            server = ServletContainer.start(kind, new DenyPaths(APP, RULES, 404), "/wiki", mapping, Map.of());
            assertEquals(404, status("/wiki/data/attic/x.php"), mapping);
            assertEquals(404, status("/wiki/conf/local.php"), mapping);
            assertEquals(404, status("/wiki/Conf/local.php"), mapping);
            assertEquals(200, status("/wiki/lib/a/b/x.inc.php"), mapping + ": not *.inc");
            assertEquals(200, status("/wiki/doku.php"), mapping);
            assertEquals(200, status("/wiki/lib/exe/css.php"), mapping);
            if (mapping.equals("/")) {
                assertEquals(404, status("/wiki/old.bak"));
                assertEquals(404, status("/wiki/lib/a/b/x.inc"));
                for (String odd : List.of("/wiki//data/x", "/wiki/./data/x", "/wiki/lib/../data/x")) {
                    int st = status(odd);
                    assertTrue(st == 400 || st == 404, odd + " answered " + st); // the container's 400 or ours
                }
                assertEquals(404, status("/wiki/lib/x.inc"));
            }
            server.close();
            server = null;
        }
    }

    @org.junit.jupiter.api.Test
    void aBadRuleOrStatusFailsNamingTheParam() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new DenyPaths(APP, Map.of(DenyPaths.PATHS, "/a ../b")));
        assertTrue(e.getMessage().contains("deny.paths") && e.getMessage().contains("../b"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DenyPaths(APP, Map.of(DenyPaths.PATHS, "/a", DenyPaths.STATUS, "401")));
        assertTrue(e.getMessage().contains("deny.status"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DenyPaths(APP, Map.of("deny.path", "/a")));
        assertTrue(e.getMessage().contains("deny.path"), e.getMessage());
    }
}
