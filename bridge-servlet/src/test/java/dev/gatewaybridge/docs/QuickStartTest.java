package dev.gatewaybridge.docs;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;

/** The README's Quick-start application, compiled from the README's text as printed, served as it says. */
class QuickStartTest {

    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ServletContainer.Kind.class)
    void theQuickStartAppCompilesFromTheReadmeAndGreetsAsItSays(ServletContainer.Kind kind) throws Exception {
        GatewayApplication app = compile(quickStartSource());
        try (ServletContainer c = ServletContainer.start(kind, app, "", "/greet/*", Map.of())) {
            RawHttp.Response world = RawHttp.get(c.port(), "/greet");
            assertEquals(200, world.status(), world::toString);
            assertEquals("Hello, world!\n", world.text());
            assertEquals("Hello, you!\n", RawHttp.get(c.port(), "/greet/you").text());
        }
    }

    /** The first java block of the Quick start section. */
    private static String quickStartSource() throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("<!-- section: quickstart -->");
        assertTrue(section >= 0, "README has a Quick start section");
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(section), "the Quick start has a java block");
        return block.group(1).stripIndent();
    }

    private GatewayApplication compile(String source) throws Exception {
        Matcher pkg = Pattern.compile("package ([\\w.]+);").matcher(source);
        Matcher cls = Pattern.compile("public final class (\\w+)").matcher(source);
        assertTrue(pkg.find() && cls.find(), "a package and a public class");
        String name = pkg.group(1) + "." + cls.group(1);
        Path file = dir.resolve(name.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        String api = Path.of(GatewayApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        var errors = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, errors, "--release", "17", "-classpath", api, "-d", dir.toString(),
                file.toString());
        assertEquals(0, rc, () -> "the README's Quick-start app does not compile:\n" + errors);
        URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        return (GatewayApplication) loader.loadClass(name).getConstructor().newInstance();
    }

}
