package dev.gatewaybridge.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A backend host that does not resolve is a 502 naming it, not a bare 500 UnresolvedAddressException (issue 14 §6). */
class UnresolvableBackendTest {

    private static void assert502NamingTheBackend(Kind kind, Map<String, String> params) {
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", params)) {
            assertEquals(502, RawHttp.get(c.port(), "/index.php").status());
            assertTrue(c.logged("nosuchhost.invalid:9000", "cannot resolve"), String.join("\n", c.log()));
            assertTrue(c.log().stream().noneMatch(l -> l.contains("UnresolvedAddressException")), c.log().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUnresolvableFastCgiHostIs502NamingIt(Kind kind) {
        assert502NamingTheBackend(kind, Map.of("application", "dev.gatewaybridge.fastcgi.FastCgiApplication",
                "fastcgi.backends", "nosuchhost.invalid:9000", "fastcgi.root", System.getProperty("java.io.tmpdir")));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anUnresolvableScgiHostIs502NamingIt(Kind kind) {
        assert502NamingTheBackend(kind, Map.of("application", "dev.gatewaybridge.scgi.ScgiApplication",
                "scgi.backends", "nosuchhost.invalid:9000"));
    }
}
