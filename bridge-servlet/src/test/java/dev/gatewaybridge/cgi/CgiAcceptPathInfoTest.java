package dev.gatewaybridge.cgi;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

/**
 * Issue 11 §4: a security constraint on the exact path of a script does not cover that path with more segments
 * after it, which the segment walk (RFC 3875 §4.1.5) runs as the same script with PATH_INFO. With
 * {@code cgi.acceptPathInfo=false} (Apache's AcceptPathInfo Off) such a request is a 404.
 */
class CgiAcceptPathInfoTest {

    @TempDir
    Path dir;

    private Path root;
    private Path marker;

    private void admin() throws Exception {
        root = Files.createDirectories(dir.resolve("cgi-bin"));
        marker = dir.resolve("ran");
        Path script = root.resolve("admin.sh");
        Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\nprintf 'Content-Type: text/plain\\n\\nadmin\\n'\n");
        script.toFile().setExecutable(true);
        Files.writeString(root.resolve("open.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n%s\\n' \"$PATH_INFO\"\n");
        root.resolve("open.sh").toFile().setExecutable(true);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConstraintOnTheScriptPathDoesNotCoverItsPathInfoByDefault(Kind kind) throws Exception {
        admin();
        try (CgiApplication cgi = CgiApplication.builder().root(root).application();
             ServletContainer c = ServletContainer.start(kind, cgi, "", "/cgi-bin/*", Map.of(),
                     List.of("/cgi-bin/admin.sh"))) {
            assertEquals(403, RawHttp.get(c.port(), "/cgi-bin/admin.sh").status(), "the constraint holds");
            assertFalse(Files.exists(marker));
            RawHttp.Response r = RawHttp.get(c.port(), "/cgi-bin/admin.sh/extra");
            assertEquals(200, r.status(), "what docs/cgi.md warns of: " + r);
            assertTrue(Files.exists(marker), "the script ran past its constraint");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void withAcceptPathInfoOffPathInfoAfterAScriptIsA404AndTheScriptDoesNotRun(Kind kind) throws Exception {
        admin();
        try (CgiApplication cgi = CgiApplication.builder().root(root).acceptPathInfo(false).application();
             ServletContainer c = ServletContainer.start(kind, cgi, "", "/cgi-bin/*", Map.of(),
                     List.of("/cgi-bin/admin.sh"))) {
            assertEquals(403, RawHttp.get(c.port(), "/cgi-bin/admin.sh").status());
            for (String path : List.of("/cgi-bin/admin.sh/extra", "/cgi-bin/admin.sh/", "/cgi-bin/open.sh/x")) {
                RawHttp.Response r = RawHttp.get(c.port(), path);
                assertEquals(404, r.status(), path + ": " + r);
            }
            assertFalse(Files.exists(marker), "the script ran");
            assertEquals("\n", RawHttp.get(c.port(), "/cgi-bin/open.sh").text(), "a script without path info runs");
            assertTrue(c.logged("path info \"/x\" after \"/cgi-bin/open.sh\" refused (cgi.acceptPathInfo=false)"),
                    c.log()::toString);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aConstraintOnTheScriptAndEverythingBelowItCoversItsPathInfo(Kind kind) throws Exception {
        // docs/cgi.md's other remedy: the prefix pattern /admin.sh/* also matches /admin.sh (Servlet 6 §12.2).
        admin();
        try (CgiApplication cgi = CgiApplication.builder().root(root).application();
             ServletContainer c = ServletContainer.start(kind, cgi, "", "/cgi-bin/*", Map.of(),
                     List.of("/cgi-bin/admin.sh/*"))) {
            assertEquals(403, RawHttp.get(c.port(), "/cgi-bin/admin.sh").status());
            assertEquals(403, RawHttp.get(c.port(), "/cgi-bin/admin.sh/extra").status());
            assertFalse(Files.exists(marker), "the script ran");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theInitParamTurnsItOffAndABadValueFailsInit(Kind kind) throws Exception {
        admin();
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/cgi-bin/*",
                Map.of("application", CgiApplication.class.getName(), "cgi.root", root.toString(),
                        "cgi.acceptPathInfo", "false"))) {
            assertEquals(404, RawHttp.get(c.port(), "/cgi-bin/open.sh/x").status());
            assertEquals(200, RawHttp.get(c.port(), "/cgi-bin/open.sh").status());
        }
        Map<String, String> bad = Map.of("application", CgiApplication.class.getName(), "cgi.root", root.toString(),
                "cgi.acceptPathInfo", "off");
        List<String> log;
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/cgi-bin/*", bad)) {
            assertEquals(Kind.TOMCAT, kind, "Jetty deployed a servlet whose init failed"); // Tomcat starts anyway
            assertTrue(RawHttp.get(c.port(), "/cgi-bin/open.sh").status() >= 500, "the servlet is unavailable");
            log = c.log();
        } catch (ServletContainer.StartFailure e) {
            log = e.log();
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("cgi.acceptPathInfo") && l.contains("off")), log::toString);
    }
}
