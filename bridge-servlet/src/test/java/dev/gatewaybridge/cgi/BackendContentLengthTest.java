package dev.gatewaybridge.cgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/**
 * Issue 11 §8: two different Content-Length fields from a program make its length unknowable (RFC 9112 §6.3):
 * the program is at fault, a 502 with one log line naming both values (it was a 500). The parser is shared, so
 * FastCGI and SCGI answer the same (ScgiFaultTest); the same value twice is one field.
 */
class BackendContentLengthTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void twoDifferentContentLengthsFromAProgramAre502NamingBoth(ServletContainer.Kind kind) throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        CgiHarness.script(root, "two.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\nContent-Length: 5\\n"
                + "Content-Length: 7\\n\\nhello'\n");
        CgiHarness.script(root, "same.sh", "#!/bin/sh\nprintf 'Content-Type: text/plain\\nContent-Length: 5\\n"
                + "Content-Length: 5\\n\\nhello'\n");
        try (CgiApplication cgi = CgiApplication.builder().root(root).application();
             ServletContainer c = ServletContainer.start(kind, cgi, "", "/cgi-bin/*", Map.of())) {
            RawHttp.Response two = RawHttp.get(c.port(), "/cgi-bin/two.sh");
            assertEquals(502, two.status(), two::toString);
            assertTrue(c.logged("two different Content-Length", "\"5\"", "\"7\""), c.log()::toString);
            RawHttp.Response same = RawHttp.get(c.port(), "/cgi-bin/same.sh");
            assertEquals(200, same.status(), same::toString);
            assertEquals("hello", same.text());
            assertEquals(1, same.head().headers("Content-Length").size(), same::toString);
        }
    }
}
