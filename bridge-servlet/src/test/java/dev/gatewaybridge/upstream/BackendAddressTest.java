package dev.gatewaybridge.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class BackendAddressTest {

    @Test
    void parsesHostPortV6AndUnixForms() {
        assertEquals(new BackendAddress.Tcp("127.0.0.1", 9000), BackendAddress.parse("127.0.0.1:9000"));
        assertEquals(new BackendAddress.Tcp("backend.example", 80), BackendAddress.parse(" backend.example:80 "));
        assertEquals(new BackendAddress.Tcp("::1", 9000), BackendAddress.parse("[::1]:9000"));
        assertEquals(new BackendAddress.Unix(Path.of("/run/app.sock")), BackendAddress.parse("unix:/run/app.sock"));
    }

    @Test
    void printsAsWritten() {
        for (String s : List.of("127.0.0.1:9000", "[::1]:9000", "unix:/run/app.sock")) {
            assertEquals(s, BackendAddress.parse(s).toString());
        }
    }

    @Test
    void parsesAListSeparatedByCommasOrSpaces() {
        assertEquals(3, BackendAddress.parseList("a:1, b:2\n unix:/x.sock").size());
    }

    @Test
    void rejectsMalformedAddressesNamingThem() {
        for (String bad : List.of("localhost", ":80", "host:0", "host:65536", "host:http", "::1:9000",
                "unix:relative.sock", "[::1]")) {
            var e = assertThrows(IllegalArgumentException.class, () -> BackendAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> BackendAddress.parseList(" , "));
    }
}
