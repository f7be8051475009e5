package dev.gatewaybridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.cgi.CgiConfig;
import dev.gatewaybridge.fastcgi.FastCgiApplication;
import dev.gatewaybridge.scgi.ScgiApplication;
import dev.gatewaybridge.servlet.GatewayServlet;
import dev.gatewaybridge.upstream.UpstreamSettings;

/** The four readers of issue 13 now agree: one grammar, every parameter declared once. */
class OneGrammarTest {

    @TempDir
    Path root;

    private static Object fastcgi(String name, String value) {
        Setting<?> s = FastCgiApplication.PARAMETERS.find(name).orElseThrow();
        return new ConfigReader(Map.of(name, value), FastCgiApplication.PARAMETERS).get(s);
    }

    private CgiConfig cgi(String... pairs) {
        Map<String, String> params = new java.util.HashMap<>(Map.of(CgiConfig.ROOT, root.toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        return CgiConfig.fromParams(params);
    }

    @Test
    void aBooleanIsTrueOrFalseInAnyCaseForEveryBridge() {
        assertEquals(true, fastcgi(FastCgiApplication.MULTIPLEX, "TRUE"));
        assertEquals(false, cgi(CgiConfig.NPH, "FALSE").nph());
    }

    @Test
    void aDurationTakesAUnitOrABareNumberOfSecondsForEveryBridge() {
        assertEquals(Duration.ofSeconds(30), cgi(CgiConfig.TIMEOUT, "30s").timeout());
        assertEquals(Duration.ofMillis(2500), cgi(CgiConfig.TIMEOUT, "2.5").timeout());
        assertEquals(Duration.ofMillis(2500), fastcgi(FastCgiApplication.READ_TIMEOUT, "2.5"));
        assertEquals(Duration.ofSeconds(30), fastcgi(FastCgiApplication.READ_TIMEOUT, "30"));
    }

    @Test
    void nameValueListsHaveOneRuleForCommentsAndSemicolons() {
        assertEquals(Map.of("A", "1", "B", "2"), cgi(CgiConfig.ENV, "# php-cgi needs it\nA=1;B=2").env());
        assertEquals(List.of(Map.entry("A", "1"), Map.entry("B", "2")),
                fastcgi(FastCgiApplication.PARAMS, "# comment\nA=1;B=2"));
        assertEquals(List.of(Map.entry("PHP_VALUE", "a;b")), fastcgi(FastCgiApplication.PARAMS, "PHP_VALUE=a;b"));
    }

    @Test
    void theBackendParametersFastCgiAndScgiShareAreDeclaredOnce() {
        assertEquals(13, UpstreamSettings.BACKEND.size());
        assertTrue(FastCgiApplication.PARAMETERS.settings().containsAll(UpstreamSettings.BACKEND));
        assertTrue(ScgiApplication.PARAMETERS.settings().containsAll(UpstreamSettings.BACKEND));
        assertTrue(ScgiApplication.PARAMETERS.settings().containsAll(BridgeSettings.BODY));
    }

    @Test
    void anUnknownNameInAnOwnedNamespaceFailsNamingTheClosestKnownOne() {
        var cgi = assertThrows(IllegalArgumentException.class, () -> cgi("cgi.timout", "20"));
        assertTrue(cgi.getMessage().contains("cgi.timout") && cgi.getMessage().contains("did you mean 'cgi.timeout'?"),
                cgi.getMessage());
        var scgi = assertThrows(IllegalArgumentException.class,
                () -> new ScgiApplication(Map.of("scgi.backends", "127.0.0.1:9", "scgi.readTimout", "5s")));
        assertTrue(scgi.getMessage().contains("did you mean 'scgi.readTimeout'?"), scgi.getMessage());
        var top = assertThrows(IllegalArgumentException.class,
                () -> GatewayServlet.PARAMETERS.rejectUnknown(List.of("application", "errorDetails", "cgi.x")));
        assertTrue(top.getMessage().startsWith("unknown init-param 'errorDetails'; did you mean 'errorDetail'?"),
                top.getMessage());
    }

    @Test
    void theCgiFileSystemIsCheckedWhenTheApplicationStartsNotWhenTheConfigurationIsRead() {
        CgiConfig config = CgiConfig.fromParams(Map.of(CgiConfig.ROOT, root.resolve("nope").toString()));
        var e = assertThrows(IllegalArgumentException.class, () -> new CgiApplication(config));
        assertEquals(CgiConfig.ROOT + " is not a directory: " + root.resolve("nope"), e.getMessage());
    }
}
