package dev.gatewaybridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.bridge.BridgeSettings;
import dev.gatewaybridge.cgi.CgiSettings;
import dev.gatewaybridge.config.Namespace;
import dev.gatewaybridge.config.ParameterReference;
import dev.gatewaybridge.config.Setting;
import dev.gatewaybridge.fastcgi.FastCgiApplication;
import dev.gatewaybridge.files.FilesConfig;
import dev.gatewaybridge.managed.WorkerSettings;
import dev.gatewaybridge.scgi.ScgiApplication;
import dev.gatewaybridge.servlet.GatewayServlet;
import dev.gatewaybridge.upstream.UpstreamSettings;

/**
 * docs/parameters.md's tables are the declarations: this test fails when they drift, printing the fresh
 * document; {@code mvn -o -pl bridge-servlet test -Dtest=ParametersDocTest -Dparams.write=true} rewrites it.
 */
class ParametersDocTest {

    private static final Path DOC = Path.of("..", "docs", "parameters.md");

    /** One table of the reference: its marker key, the prefix shown and its settings. */
    private record Section(String key, String prefix, List<? extends Setting<?>> settings) {
    }

    private static final List<Setting<?>> SHARED_BODY = concat(BridgeSettings.BODY, List.of(BridgeSettings.STDERR_LIMIT));

    /** The sections: each bridge's own parameters, then the shared groups once each. */
    private static List<Section> sections() {
        return List.of(
                new Section("servlet", "", GatewayServlet.PARAMETERS.settings()),
                new Section("cgi", "cgi.", own(CgiSettings.NAMESPACE)),
                new Section("fastcgi", "fastcgi.", own(FastCgiApplication.PARAMETERS)),
                new Section("upstream", "*.", UpstreamSettings.BACKEND),
                new Section("body", "*.", SHARED_BODY),
                new Section("managed", "fastcgi.", WorkerSettings.SETTINGS),
                new Section("files", "files.", FilesConfig.PARAMETERS.settings()));
    }

    /** The settings of {@code ns} that are not one of the shared groups (those have their own table). */
    private static List<Setting<?>> own(Namespace ns) {
        List<Setting<?>> own = new ArrayList<>(ns.settings());
        own.removeAll(UpstreamSettings.BACKEND);
        own.removeAll(SHARED_BODY);
        own.removeAll(WorkerSettings.SETTINGS);
        return own;
    }

    private static String fresh(String document) {
        for (Section s : sections()) {
            document = ParameterReference.replace(document, s.key(), ParameterReference.table(s.prefix(), s.settings()));
        }
        return document;
    }

    @Test
    void theReferenceTablesAreTheDeclarations() throws IOException {
        String current = Files.readString(DOC, StandardCharsets.UTF_8);
        String fresh = fresh(current);
        if (Boolean.getBoolean("params.write") && !fresh.equals(current)) {
            Files.writeString(DOC, fresh, StandardCharsets.UTF_8);
            current = fresh;
        }
        assertEquals(fresh, current, "docs/parameters.md drifted from the declarations; rerun with "
                + "-Dparams.write=true to rewrite it, or paste this:\n" + fresh);
    }

    @Test
    void everyDeclaredParameterHasARowInTheReference() {
        List<Setting<?>> shown = new ArrayList<>();
        sections().forEach(s -> shown.addAll(s.settings()));
        for (Namespace ns : List.of(GatewayServlet.PARAMETERS, CgiSettings.NAMESPACE, FastCgiApplication.PARAMETERS,
                ScgiApplication.PARAMETERS, FilesConfig.PARAMETERS)) {
            for (Setting<?> s : ns.settings()) {
                assertTrue(shown.contains(s), ns.prefix() + s.name() + " has no row in docs/parameters.md");
            }
        }
    }

    @Test
    void eachBridgePageNamesEveryParameterItsNamespaceDeclaresAndTablesNoOther() {
        // The hand-written pages beside the generated reference must not drift from the declarations either:
        // each declared name is on its page (a table row, or the sentence that points at the shared ones),
        // and every table row names a declared parameter.
        Map<String, Namespace> pages = Map.of("cgi.md", CgiSettings.NAMESPACE,
                "fastcgi.md", FastCgiApplication.PARAMETERS, "scgi.md", ScgiApplication.PARAMETERS,
                "files.md", FilesConfig.PARAMETERS);
        pages.forEach((page, ns) -> {
            String text = read(DOC.resolveSibling(page));
            Set<String> tabled = new TreeSet<>();
            Matcher row = Pattern.compile("(?m)^\\| `(" + Pattern.quote(ns.prefix()) + "[A-Za-z]+)` \\|")
                    .matcher(text);
            while (row.find()) {
                tabled.add(row.group(1));
            }
            tabled.removeAll(ns.names());
            assertEquals(Set.of(), tabled, "docs/" + page + " tables parameters " + ns.prefix() + "* does not declare");
            Set<String> missing = new TreeSet<>(ns.names());
            missing.removeIf(name -> text.contains("`" + name + "`"));
            assertEquals(Set.of(), missing, "docs/" + page + " does not name these declared parameters");
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theMarkersReplaceOnlyTheirOwnText() {
        String doc = "intro\n<!-- params: x -->\nold\n<!-- /params: x -->\noutro\n";
        assertEquals("intro\n<!-- params: x -->\nnew\n<!-- /params: x -->\noutro\n",
                ParameterReference.replace(doc, "x", "new\n"));
    }

    private static List<Setting<?>> concat(List<? extends Setting<?>> a, List<? extends Setting<?>> b) {
        List<Setting<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
