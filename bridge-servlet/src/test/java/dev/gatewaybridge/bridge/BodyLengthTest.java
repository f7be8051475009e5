package dev.gatewaybridge.bridge;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.HttpStatusException;

class BodyLengthTest {

    private static Map<String, Object> request(String protocol, boolean terminated, String... pairs) {
        Map<String, Object> env = new HashMap<>();
        env.put(Environ.SERVER_PROTOCOL, protocol);
        if (terminated) {
            env.put(Environ.WSGI_INPUT_TERMINATED, true);
        }
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void aDeclaredContentLengthIsTheBodyLength() {
        assertEquals(5, BodyLength.of(request("HTTP/1.1", true, Environ.CONTENT_LENGTH, "5")));
        assertEquals(0, BodyLength.of(request("HTTP/2.0", false, Environ.CONTENT_LENGTH, "0")));
    }

    @Test
    void aContentLengthThatIsNotANonNegativeNumberIs400NamingIt() {
        for (String bad : new String[] {"-1", "12abc", " "}) {
            var e = assertThrows(HttpStatusException.class,
                    () -> BodyLength.of(request("HTTP/1.1", true, Environ.CONTENT_LENGTH, bad)), bad);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("CONTENT_LENGTH \"" + bad + "\""), e.getMessage());
        }
    }

    @Test
    void anEmptyContentLengthIsNotSetAsNginxSendsItForAGet() {
        assertEquals(0, BodyLength.of(request("HTTP/1.1", true, Environ.CONTENT_LENGTH, "")));
    }

    @Test
    void anHttp1RequestWithNeitherLengthNorChunkingHasNoBody() {
        assertEquals(0, BodyLength.of(request("HTTP/1.1", true))); // RFC 9112 §6.3
        assertEquals(0, BodyLength.of(request("HTTP/1.0", true)));
    }

    @Test
    void aChunkedOrHttp2BodyWithoutLengthRunsToTheEndOfATerminatedInput() {
        assertEquals(BodyLength.UNTIL_END,
                BodyLength.of(request("HTTP/1.1", true, Environ.httpKey("Transfer-Encoding"), "chunked")));
        assertEquals(BodyLength.UNTIL_END, BodyLength.of(request("HTTP/2.0", true)));
    }

    @Test
    void withoutATerminatedInputNoLengthMeansNoBody() {
        // PEP 3333: an application must not read past CONTENT_LENGTH; with none, there is nothing to read.
        assertEquals(0, BodyLength.of(request("HTTP/2.0", false)));
        assertEquals(0, BodyLength.of(request("HTTP/1.1", false, Environ.httpKey("Transfer-Encoding"), "chunked")));
    }
}
