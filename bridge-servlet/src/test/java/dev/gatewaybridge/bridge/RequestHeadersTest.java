package dev.gatewaybridge.bridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestHeadersTest {

    @Test
    void onlyUpperCaseHttpVariablesCountAsHeaders() {
        assertTrue(RequestHeaders.isHttpKey("HTTP_X_FORWARDED_FOR"));
        assertTrue(RequestHeaders.isHttpKey("HTTP_ACCEPT2"));
        for (String key : new String[] {"HTTP_", "HTTP", "http_host", "HTTP_host", "HTTP_X-Y", "HTTPS", "XHTTP_A",
                "HTTP_A\nB"}) {
            assertFalse(RequestHeaders.isHttpKey(key), key);
        }
    }

    @Test
    void proxyVariablesAndDuplicatedMetaVariablesAreNeverForwardedByAnyBridge() {
        for (String key : new String[] {"HTTP_PROXY", "HTTP_PROXY_AUTHORIZATION", "HTTP_CONTENT_TYPE",
                "HTTP_CONTENT_LENGTH", "HTTP_X-Y"}) {
            assertFalse(RequestHeaders.forwarded(key), key);
        }
        assertTrue(RequestHeaders.forwarded("HTTP_HOST"));
        assertTrue(RequestHeaders.forwarded("HTTP_AUTHORIZATION")); // CGI holds it back itself (cgi.passAuthorization)
    }
}
