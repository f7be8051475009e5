package dev.gatewaybridge.middleware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.testing.Environs;
import dev.gatewaybridge.testing.TestClient;
import dev.gatewaybridge.testing.TestResponse;

class TrustedProxiesTest {

    /** The environ the application saw, captured. */
    private final Map<String, Object> seen = new HashMap<>();

    private final GatewayApplication capture = (env, start) -> {
        seen.putAll(env);
        start.start("204 No Content", List.of());
        return List.of();
    };

    private TestResponse send(TrustedProxies proxies, String peer, String url, String... headers) throws Exception {
        Environs.Builder request = Environs.builder("GET", url).remote(peer, 5555);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return TestClient.of(proxies).request(request);
    }

    private TrustedProxies proxies(String... params) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        return new TrustedProxies(capture, map);
    }

    @Test
    void aTrustedProxysXForwardedHeadersReplaceTheConnectionsValuesAndOriginalsAreKept() throws Exception {
        send(proxies("proxies.trusted", "10.0.0.0/8"), "10.1.2.3", "/x", "X-Forwarded-For", "203.0.113.7",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "www.example.org", "X-Forwarded-Prefix", "/shop/");
        assertEquals("203.0.113.7", seen.get("REMOTE_ADDR"));
        assertFalse(seen.containsKey("REMOTE_PORT"), "the proxy's port is not the client's");
        assertEquals("https", seen.get("wsgi.url_scheme"));
        assertEquals("on", seen.get("HTTPS"));
        assertEquals("www.example.org", seen.get("HTTP_HOST"));
        assertEquals("www.example.org", seen.get("SERVER_NAME"));
        assertEquals("443", seen.get("SERVER_PORT"));
        assertEquals("/shop", seen.get("SCRIPT_NAME"));
        assertEquals("10.1.2.3", seen.get("gateway.proxies.original.REMOTE_ADDR"));
        assertEquals("5555", seen.get("gateway.proxies.original.REMOTE_PORT"));
        assertEquals("http", seen.get("gateway.proxies.original.wsgi.url_scheme"));
        assertEquals("localhost", seen.get("gateway.proxies.original.HTTP_HOST"));
        assertEquals("203.0.113.7", seen.get("HTTP_X_FORWARDED_FOR"), "honoured headers stay visible");
    }

    @Test
    void aForgedXForwardedForFromAnUntrustedPeerIsIgnoredAndRemoved() throws Exception {
        send(proxies("proxies.trusted", "10.0.0.1"), "198.51.100.9", "/", "X-Forwarded-For", "127.0.0.1",
                "X-Forwarded-Proto", "https", "Forwarded", "for=127.0.0.1", "X-Forwarded-Host", "admin.internal");
        assertEquals("198.51.100.9", seen.get("REMOTE_ADDR"));
        assertEquals("http", seen.get("wsgi.url_scheme"));
        assertEquals("localhost", seen.get("HTTP_HOST"));
        for (String key : List.of("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED",
                "HTTP_X_FORWARDED_HOST", "gateway.proxies.original.REMOTE_ADDR")) {
            assertFalse(seen.containsKey(key), key);
        }
    }

    @Test
    void hopsPickTheValueTheOutermostTrustedProxyAddedAndShortListsAreIgnored() throws Exception {
        TrustedProxies twoDeep = proxies("proxies.trusted", "10.0.0.0/8", "proxies.hops", "2");
        send(twoDeep, "10.0.0.2", "/", "X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.1");
        assertEquals("203.0.113.7", seen.get("REMOTE_ADDR"), "the client's own claim (6.6.6.6) is not trusted");
        seen.clear();
        send(twoDeep, "10.0.0.2", "/", "X-Forwarded-For", "10.0.0.1");
        assertEquals("10.0.0.2", seen.get("REMOTE_ADDR"));
    }

    @Test
    void rfc7239ForwardedWithAQuotedIpv6NodeIsUsedWhenEnabled() throws Exception {
        TrustedProxies forwarded = proxies("proxies.trusted", "2001:db8:ffff::/48 127.0.0.1",
                "proxies.headers", "Forwarded, X-Forwarded-Prefix");
        send(forwarded, "2001:db8:ffff::10", "/", "Forwarded",
                "for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\";proto=https;host=\"example.com:8443\"",
                "X-Forwarded-For", "6.6.6.6");
        assertEquals("2001:db8:cafe::17", seen.get("REMOTE_ADDR"));
        assertEquals("4711", seen.get("REMOTE_PORT"));
        assertEquals("https", seen.get("wsgi.url_scheme"));
        assertEquals("example.com", seen.get("SERVER_NAME"));
        assertEquals("8443", seen.get("SERVER_PORT"));
        assertFalse(seen.containsKey("HTTP_X_FORWARDED_FOR"), "not honoured, so dropped even from a proxy");
    }

    @Test
    void forwardedPortRewritesServerPortAndHost() throws Exception {
        send(proxies("proxies.trusted", "127.0.0.1", "proxies.headers", "X-Forwarded-Host X-Forwarded-Port"),
                "::ffff:127.0.0.1", "/", "X-Forwarded-Host", "example.net", "X-Forwarded-Port", "8080");
        assertEquals("8080", seen.get("SERVER_PORT"));
        assertEquals("example.net:8080", seen.get("HTTP_HOST"));
        assertEquals("::ffff:127.0.0.1", seen.get("REMOTE_ADDR"), "X-Forwarded-For not honoured here");
    }

    @Test
    void aMalformedValueFromATrustedProxyIsIgnoredWithOneLogLine() throws Exception {
        TestResponse r = send(proxies("proxies.trusted", "127.0.0.1"), "127.0.0.1", "/",
                "X-Forwarded-For", "evil.example.com", "X-Forwarded-Proto", "gopher");
        assertEquals("127.0.0.1", seen.get("REMOTE_ADDR"));
        assertEquals("http", seen.get("wsgi.url_scheme"));
        String[] lines = r.errors().split("\n");
        assertEquals(2, lines.length, r.errors());
        assertTrue(lines[0].contains("\"evil.example.com\""), lines[0]);
        assertTrue(lines[1].contains("\"gopher\""), lines[1]);
    }

    @Test
    void aMalformedForwardedHeaderIsIgnoredEntirely() throws Exception {
        TestResponse r = send(proxies("proxies.trusted", "127.0.0.1", "proxies.headers", "Forwarded"),
                "127.0.0.1", "/", "Forwarded", "for=\"1.2.3.4");
        assertEquals("127.0.0.1", seen.get("REMOTE_ADDR"));
        assertTrue(r.errors().contains("Forwarded header"), r.errors());
    }

    @Test
    void javaConstructorTakesAddressesAndHops() throws Exception {
        TestClient.of(new TrustedProxies(capture, List.of("127.0.0.1"), 1))
                .get("/", Header.of("X-Forwarded-For", "192.0.2.1"));
        assertEquals("192.0.2.1", seen.get("REMOTE_ADDR"));
    }

    @Test
    void badParamsFailConstructionNamingParamAndValue() {
        assertBad("proxies.trusted", "10.0.0.0/33", "proxies.trusted", "10.0.0.0/33");
        assertBad("proxies.trusted", "proxy.example.com", "proxies.trusted", "proxy.example.com");
        assertBad("proxies.trusted", "1:2:3:4:5:6:7:8:9", "proxies.trusted", "1:2:3:4:5:6:7:8:9");
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(capture, Map.of()));
        var hops = assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(capture,
                Map.of("proxies.trusted", "::1", "proxies.hops", "0")));
        assertTrue(hops.getMessage().contains("proxies.hops") && hops.getMessage().contains("\"0\""));
        var header = assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(capture,
                Map.of("proxies.trusted", "::1", "proxies.headers", "X-Real-IP")));
        assertTrue(header.getMessage().contains("proxies.headers") && header.getMessage().contains("X-Real-IP"));
    }

    private void assertBad(String param, String value, String... parts) {
        var e = assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(capture, Map.of(param, value)));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void addressRangesMatchIpv4Ipv6AndMappedAddresses() {
        AddressRange v4 = AddressRange.parse("p", "192.168.0.0/16");
        assertTrue(v4.contains(AddressRange.literal("192.168.255.1")));
        assertTrue(v4.contains(AddressRange.literal("::ffff:192.168.1.1")));
        assertFalse(v4.contains(AddressRange.literal("192.169.0.1")));
        AddressRange v6 = AddressRange.parse("p", "2001:db8::/32");
        assertTrue(v6.contains(AddressRange.literal("[2001:db8:1::1]")));
        assertFalse(v6.contains(AddressRange.literal("2001:db9::1")));
        assertTrue(AddressRange.parse("p", "::1").contains(AddressRange.literal("0:0:0:0:0:0:0:1")));
        assertTrue(AddressRange.parse("p", "10.0.0.1/8").contains(AddressRange.literal("10.9.9.9")));
        assertNull(AddressRange.literal("localhost"));
        assertNull(AddressRange.literal("1.2.3"));
        assertNull(AddressRange.literal("1::2::3"));
        assertNull(AddressRange.literal("256.0.0.1"));
    }

    @Test
    void forwardedHeaderParsingFollowsRfc7239QuotingAndRefusesRepeatedParameters() {
        var elements = ForwardedHeader.parse("for=\"_a,b\";by=x, For=192.0.2.1 ;proto=https,,");
        assertEquals(2, elements.size(), elements::toString);
        assertEquals("_a,b", elements.get(0).get("for"));
        assertEquals("192.0.2.1", elements.get(1).get("for"));
        assertEquals("https", elements.get(1).get("proto"));
        assertNull(ForwardedHeader.parse("for=1.2.3.4;for=5.6.7.8"));
        assertNull(ForwardedHeader.parse("for"));
        assertNull(ForwardedHeader.parse("for=a b"));
    }
}
