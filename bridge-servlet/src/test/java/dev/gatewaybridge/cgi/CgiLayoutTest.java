package dev.gatewaybridge.cgi;

import static dev.gatewaybridge.cgi.CgiHarness.script;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.middleware.DenyPaths;
import dev.gatewaybridge.test.Curl;
import dev.gatewaybridge.test.Peers;
import dev.gatewaybridge.test.ServletContainer;

/**
 * CGI directory layouts like Debian's gitweb (index.cgi beside static/): cgi.index, cgi.static, a deny rule
 * in front, on real Jetty and Tomcat; then the real gitweb.
 */
class CgiLayoutTest {

    static final String INDEX_CGI = """
            #!/usr/bin/perl
            print "Content-Type: text/html\\n\\n";
            print "<link rel=stylesheet href=static/app.css>index SCRIPT_NAME=$ENV{SCRIPT_NAME} PATH_INFO=$ENV{PATH_INFO}\\n";
            """;

    @TempDir
    Path dir;
    Path root;
    Path work;
    CgiApplication app;
    ServletContainer server;

    @BeforeEach
    void layout() throws IOException {
        Peers.require("perl");
        root = dir.resolve("app");
        work = dir.resolve("curl");
        script(root, "index.cgi", INDEX_CGI);
        script(root, "sub/index.cgi", INDEX_CGI);
        Files.createDirectories(root.resolve("static"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("static/app.css"), "a { color: blue }\n".repeat(20));
        Files.writeString(root.resolve("data/secret.txt"), "SECRET\n");
        Files.writeString(root.resolve("notes.txt"), "notes\n");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private void serve(ServletContainer.Kind kind, CgiConfig.Builder config, boolean deny) {
        app = config.application();
        GatewayApplication served = deny ? new DenyPaths(app, List.of("/app/data"), 404) : app;
        server = ServletContainer.start(kind, served, "", "/app/*", Map.of());
    }

    private Curl.Result curl(String path, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = server.uri(path).toString();
        return Curl.run(work, all);
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void aDirectoryRunsItsIndexProgram(ServletContainer.Kind kind) {
        serve(kind, CgiApplication.builder().root(root).index("index.cgi"), false);
        Curl.Result page = curl("/app/");
        assertEquals(200, page.status());
        assertTrue(page.text().contains("SCRIPT_NAME=/app/index.cgi PATH_INFO=\n"), page.text());
        assertTrue(curl("/app/sub/").text().contains("SCRIPT_NAME=/app/sub/index.cgi"));
        Curl.Result slash = curl("/app/sub", "-G", "-d", "p=x");
        assertEquals(301, slash.status());
        assertEquals("/app/sub/?p=x", slash.header("Location"));
        assertEquals("/app/", curl("/app").header("Location"));
        assertEquals(403, curl("/app/static/").status()); // no index there
        // without cgi.index a directory stays 403, as before
        stop();
        serve(kind, CgiApplication.builder().root(root), false);
        assertEquals(403, curl("/app/").status());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void filesThatAreNotProgramsAreSentAsStaticFiles(ServletContainer.Kind kind) {
        serve(kind, CgiApplication.builder().root(root).index("index.cgi").extension(".cgi").staticFiles(true), true);
        Curl.Result css = curl("/app/static/app.css");
        assertEquals(200, css.status());
        assertEquals("text/css;charset=utf-8", css.header("Content-Type").replace(" ", ""));
        assertEquals(360, css.body().length);
        Curl.Result part = curl("/app/static/app.css", "-r", "0-9");
        assertEquals(206, part.status());
        assertEquals("a { color:", part.text());
        assertEquals(304, curl("/app/static/app.css", "-H", "If-None-Match: " + css.header("ETag")).status());
        assertEquals(405, curl("/app/static/app.css", "-d", "x=1").status());
        assertEquals(403, curl("/app/static/app.css/more").status()); // a file with PATH_INFO is no static file
        assertEquals(404, curl("/app/data/secret.txt").status()); // the deny rule in front
        assertTrue(curl("/app/").text().contains("SCRIPT_NAME=/app/index.cgi"));
        assertEquals(404, curl("/app/Static/app.css").status());
        int up = curl("/app/static/../data/secret.txt", "--path-as-is").status();
        assertTrue(up == 400 || up == 403 || up == 404, "traversal answered " + up);
        // without cgi.static the same file is 403
        stop();
        serve(kind, CgiApplication.builder().root(root).index("index.cgi").extension(".cgi"), true);
        assertEquals(403, curl("/app/static/app.css").status());
    }

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void debiansGitwebRunsWithItsStaticFolder(ServletContainer.Kind kind) throws Exception {
        Path gitweb = Peers.require("gitweb.cgi", "/usr/share/gitweb/gitweb.cgi").getParent();
        Path git = Peers.require("git");
        Path projects = dir.resolve("git");
        Path repo = projects.resolve("demo.git");
        run(git.toString(), "init", "-q", "--bare", repo.toString());
        Path clone = dir.resolve("clone");
        run(git.toString(), "init", "-q", clone.toString());
        run(git.toString(), "-C", clone.toString(), "-c", "user.name=T", "-c", "user.email=t@example.org",
                "commit", "-q", "--allow-empty", "-m", "first commit through the bridge");
        run(git.toString(), "-C", clone.toString(), "push", "-q", repo.toString(), "HEAD:refs/heads/master");
        Path conf = dir.resolve("gitweb.conf");
        Files.writeString(conf, "$projectroot = \"" + projects + "\";\n$git_temp = \"" + dir + "\";\n");
        app = CgiApplication.builder().root(gitweb).index("index.cgi").extension(".cgi").staticFiles(true)
                .env("GITWEB_CONFIG", conf.toString()).env("GITWEB_CONFIG_SYSTEM", conf.toString())
                .application();
        server = ServletContainer.start(kind, app, "", "/gitweb/*", Map.of());
        assertEquals("/gitweb/", curl("/gitweb").header("Location"));
        Curl.Result list = curl("/gitweb/");
        assertEquals(200, list.status(), list.text());
        assertTrue(list.text().contains("demo.git"), list.text());
        assertTrue(list.text().contains("static/gitweb.css"), list.text());
        Curl.Result summary = curl("/gitweb/?p=demo.git;a=summary");
        assertTrue(summary.text().contains("first commit through the bridge"), summary.text());
        Curl.Result css = curl("/gitweb/static/gitweb.css");
        assertEquals(200, css.status());
        assertTrue(css.header("Content-Type").startsWith("text/css"));
        assertEquals(Files.size(gitweb.resolve("static/gitweb.css")), css.body().length);
        assertEquals("image/png", curl("/gitweb/static/git-logo.png", "-I").header("Content-Type"));
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }
}
