package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

/**
 * Issue 11 §3: a CR, LF or other control byte in the decoded path is a 400 before any application or program
 * runs, on Jetty (which refuses it itself) and on Tomcat (which handed the CGI bridge the script without its
 * PATH_INFO, and the script ran).
 */
class PathControlTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"JETTY,/x.sh/%0d%0a", "JETTY,/x.sh/%0aid", "JETTY,/x.sh/a%09b", "JETTY,/x.sh/%7f",
            "TOMCAT,/x.sh/%0d%0a", "TOMCAT,/x.sh/%0aid", "TOMCAT,/x.sh/a%09b", "TOMCAT,/x.sh/%7f"})
    void aControlByteInThePathIsA400BeforeTheCgiScriptRuns(Kind kind, String path) throws Exception {
        Path root = Files.createDirectories(dir.resolve("cgi-bin"));
        Path marker = dir.resolve("ran");
        Path script = root.resolve("x.sh");
        Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n");
        script.toFile().setExecutable(true);
        try (CgiApplication cgi = CgiApplication.builder().root(root).application();
             ServletContainer c = ServletContainer.start(kind, cgi, "", "/cgi-bin/*", Map.of())) {
            assertEquals(200, RawHttp.get(c.port(), "/cgi-bin/x.sh/fine").status(), "the script itself runs");
            Files.delete(marker);
            RawHttp.Response r = RawHttp.get(c.port(), "/cgi-bin" + path);
            assertEquals(400, r.status(), r::toString);
            assertFalse(Files.exists(marker), "the script ran for " + path);
        }
    }

    @ParameterizedTest
    @CsvSource({"JETTY,/a%0ab", "TOMCAT,/a%0ab", "TOMCAT,/a%1bb", "TOMCAT,/%0d%0aSet-Cookie:x"})
    void anyApplicationIsRefusedAControlBytePathAndOneLineNamesIt(Kind kind, String path) {
        AtomicInteger calls = new AtomicInteger();
        try (ServletContainer c = ServletContainer.start(kind, (env, start) -> {
            calls.incrementAndGet();
            start.start("200 OK", java.util.List.of(Header.of("Content-Type", "text/plain")));
            return Bodies.of("called");
        }, "", "/app/*", Map.of())) {
            RawHttp.Response r = RawHttp.get(c.port(), "/app" + path);
            assertEquals(400, r.status(), r::toString);
            assertEquals(0, calls.get(), "the application was called");
            if (kind == Kind.TOMCAT) { // Jetty refuses it before any servlet, in its own log
                assertTrue(c.logged("control character"), c.log()::toString);
            }
        }
    }
}
