package dev.gatewaybridge.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeaderRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"200 OK", "404 Not Found", "599 ", "200 Caf\u00e9\tTab", "302 Found"})
    void aFinalStatusWithAReasonIsAccepted(String status) {
        assertDoesNotThrow(() -> HeaderRules.checkStatus(status));
    }

    @ParameterizedTest
    @ValueSource(strings = {"200", "200OK", "20 OK", "2000 OK", "099 X", "600 X", "100 Continue", "101 Switching",
            "200 OK\r\nX: y", "200 O\u0000K", "200 \u20ac", " 200 OK", "abc OK", ""})
    void aMalformedOrInterimStatusIsRefusedNamingIt(String status) {
        var e = assertThrows(IllegalArgumentException.class, () -> HeaderRules.checkStatus(status));
        assertTrue(e.getMessage().contains(HeaderRules.quote(status)), e.getMessage());
    }

    @Test
    void theCodeIsParsed() {
        assertEquals(404, HeaderRules.checkStatus("404 Not Found"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "keep-alive", "TRANSFER-ENCODING", "Upgrade", "TE", "Trailer",
            "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection"})
    void hopByHopHeadersAreRecognisedInAnyCase(String name) {
        assertTrue(HeaderRules.isHopByHop(name));
        assertThrows(IllegalArgumentException.class, () -> HeaderRules.checkHeader(Header.of(name, "x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "X-Te", "Set-Cookie", "Connections"})
    void endToEndHeadersAreNotHopByHop(String name) {
        assertFalse(HeaderRules.isHopByHop(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Header", "X:Y", "Caf\u00e9", "X\r\nY", "(x)", "a\"b"})
    void aNameThatIsNotATokenIsRefused(String name) {
        assertThrows(IllegalArgumentException.class, () -> HeaderRules.checkName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\u0000b", "a\u007fb", "a\u0100b", "\u0001"})
    void aValueWithControlBytesOrBeyondLatin1IsRefusedNamingIt(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> HeaderRules.checkValue("X-A", value));
        assertTrue(e.getMessage().contains("X-A"), e.getMessage());
    }

    @Test
    void aValueWithTabsAndLatin1IsAccepted() {
        assertDoesNotThrow(() -> HeaderRules.checkValue("X-A", "a\tb caf\u00e9 ~!"));
    }
}
