package dev.gatewaybridge.middleware;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.testing.TestClient;
import dev.gatewaybridge.testing.TestResponse;

class XsltFilterTest {

    static final String LIST_TO_HTML = """
            <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
              <xsl:output method="html" encoding="UTF-8" indent="no"/>
              <xsl:param name="title" select="'Items'"/>
              <xsl:template match="/list">
                <ul title="{$title}"><xsl:for-each select="item"><li><xsl:value-of select="."/></li></xsl:for-each></ul>
              </xsl:template>
            </xsl:stylesheet>
            """;

    @TempDir
    Path dir;

    private final AtomicInteger closes = new AtomicInteger();

    private GatewayApplication answering(String contentType, String body) {
        return (env, start) -> {
            start.start("200 OK", List.of(Header.of("Content-Type", contentType), Header.of("ETag", "\"v1\""),
                    Header.of("Content-Length", Integer.toString(body.getBytes(UTF_8).length)),
                    Header.of("X-Kept", "yes")));
            return Bodies.onClose(Bodies.of(body), closes::incrementAndGet);
        };
    }

    private Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void xmlResponsesAreTransformedWithContentTypeAndLengthCorrected() throws Exception {
        XsltFilter filter = new XsltFilter(answering("application/xml; charset=utf-8",
                "<list><item>a</item><item>b&amp;c</item></list>"), file("list.xsl", LIST_TO_HTML));
        TestResponse r = TestClient.of(filter).get("/");
        assertEquals("<ul title=\"Items\"><li>a</li><li>b&amp;c</li></ul>", r.text().trim());
        assertEquals("text/html; charset=UTF-8", r.header("Content-Type"));
        assertEquals(Integer.toString(r.body().length), r.header("Content-Length"));
        assertEquals(null, r.header("ETag"), "the app's ETag described other bytes");
        assertEquals("yes", r.header("X-Kept"));
        assertEquals(1, closes.get(), "the application's close() is still called");
    }

    @Test
    void otherContentTypesPassThroughUntouched() throws Exception {
        XsltFilter filter = new XsltFilter(answering("text/plain", "<list/>"), file("list.xsl", LIST_TO_HTML));
        TestResponse r = TestClient.of(filter).get("/");
        assertEquals("<list/>", r.text());
        assertEquals("text/plain", r.header("Content-Type"));
        assertEquals("\"v1\"", r.header("ETag"));
        assertEquals(1, closes.get());
    }

    @Test
    void paramsChooseTypesOutputTypeAndStylesheetParameters() throws Exception {
        XsltFilter filter = new XsltFilter(answering("application/atom+xml", "<list><item>x</item></list>"),
                Map.of("xslt.stylesheet", file("list.xsl", LIST_TO_HTML).toString(),
                        "xslt.content-types", "application/atom+xml", "xslt.output-content-type", "text/html",
                        "xslt.param.title", "Feed"));
        TestResponse r = TestClient.of(filter).get("/");
        assertEquals("<ul title=\"Feed\"><li>x</li></ul>", r.text().trim());
        assertEquals("text/html", r.header("Content-Type"));
    }

    @Test
    void aBrokenStylesheetFailsConstructionNamingTheFileAndLine() throws Exception {
        Path broken = file("broken.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:template match="/">
                    <xsl:value-of select="count(("/>
                  </xsl:template>
                </xsl:stylesheet>
                """);
        var e = assertThrows(IllegalArgumentException.class, () -> new XsltFilter(answering("text/xml", ""), broken));
        assertTrue(e.getMessage().contains("xslt.stylesheet") && e.getMessage().contains("broken.xsl"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        Path notXml = file("notxml.xsl", "<xsl:stylesheet\n\n<oops");
        var e2 = assertThrows(IllegalArgumentException.class, () -> new XsltFilter(answering("text/xml", ""), notXml));
        assertTrue(e2.getMessage().contains("line 3"), e2.getMessage());
    }

    @Test
    void missingOrUnreadableStylesheetFailsNamingTheParam() {
        var missing = assertThrows(IllegalArgumentException.class,
                () -> new XsltFilter(answering("text/xml", ""), Map.of()));
        assertTrue(missing.getMessage().contains("xslt.stylesheet"), missing.getMessage());
        var absent = assertThrows(IllegalArgumentException.class,
                () -> new XsltFilter(answering("text/xml", ""), dir.resolve("absent.xsl")));
        assertTrue(absent.getMessage().contains("absent.xsl"), absent.getMessage());
    }

    @Test
    void anXxeAttemptInTheResponseFailsTheRequestWithoutReadingTheFile() throws Exception {
        Path secret = file("secret.txt", "TOP-SECRET-42");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE list [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<list><item>&x;</item></list>";
        XsltFilter filter = new XsltFilter(answering("application/xml", xxe), file("list.xsl", LIST_TO_HTML));
        var e = assertThrows(HttpStatusException.class, () -> TestClient.of(filter).get("/"));
        assertEquals(500, e.status());
        assertFalse(e.getMessage().contains("TOP-SECRET-42"), e.getMessage());
        assertTrue(e.getMessage().contains("application/xml"), e.getMessage());
        assertEquals(1, closes.get());
    }

    @Test
    void aDoctypeWithAnExternalDtdIsNotFetchedAndTheDocumentStillTransforms() throws Exception {
        String xhtmlish = "<!DOCTYPE list SYSTEM \"http://192.0.2.1/never.dtd\"><list><item>ok</item></list>";
        XsltFilter filter = new XsltFilter(answering("text/xml", xhtmlish), file("list.xsl", LIST_TO_HTML));
        assertEquals("<ul title=\"Items\"><li>ok</li></ul>", TestClient.of(filter).get("/").text().trim());
    }

    @Test
    void extensionFunctionsNeverRun() throws Exception {
        Path marker = dir.resolve("pwned");
        Path extension = file("ext.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                    xmlns:rt="http://xml.apache.org/xalan/java/java.lang.Runtime">
                  <xsl:template match="/"><xsl:value-of select="rt:exec(rt:getRuntime(), 'touch %s')"/></xsl:template>
                </xsl:stylesheet>
                """.formatted(marker));
        try {
            XsltFilter filter = new XsltFilter(answering("text/xml", "<a/>"), extension);
            var e = assertThrows(HttpStatusException.class, () -> TestClient.of(filter).get("/"));
            assertTrue(e.getMessage().contains("extension function"), e.getMessage());
        } catch (IllegalArgumentException refusedAtCompile) {
            // refused even earlier: as good
        }
        assertFalse(Files.exists(marker), "the extension function ran");
    }

    @Test
    void includedStylesheetsAreRefusedAtConstruction() throws Exception {
        file("other.xsl", LIST_TO_HTML);
        Path include = file("include.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:include href="other.xsl"/>
                </xsl:stylesheet>
                """);
        var e = assertThrows(IllegalArgumentException.class, () -> new XsltFilter(answering("text/xml", ""), include));
        assertTrue(e.getMessage().contains("include.xsl"), e.getMessage());
    }

    @Test
    void documentFunctionCannotReadFilesAtTransformTime() throws Exception {
        Path secret = file("secret.xml", "<s>TOP-SECRET-43</s>");
        Path reader = file("reader.xsl", """
                <xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
                  <xsl:template match="/"><out><xsl:value-of select="document('%s')"/></out></xsl:template>
                </xsl:stylesheet>
                """.formatted(secret.toUri()));
        XsltFilter filter;
        try {
            filter = new XsltFilter(answering("text/xml", "<a/>"), reader);
        } catch (IllegalArgumentException refusedAtCompile) {
            return;
        }
        XsltFilter built = filter;
        try {
            assertFalse(TestClient.of(built).get("/").text().contains("TOP-SECRET-43"));
        } catch (HttpStatusException refusedAtTransform) {
            assertFalse(refusedAtTransform.getMessage().contains("TOP-SECRET-43"));
        }
    }

    @Test
    void aResponseLargerThanTheLimitFailsInsteadOfFillingTheHeap() throws Exception {
        XsltFilter filter = new XsltFilter(answering("text/xml", "<list><item>" + "x".repeat(100) + "</item></list>"),
                Map.of("xslt.stylesheet", file("list.xsl", LIST_TO_HTML).toString(), "xslt.max-bytes", "64"));
        var e = assertThrows(HttpStatusException.class, () -> TestClient.of(filter).get("/"));
        assertTrue(e.getMessage().contains("64 bytes"), e.getMessage());
        assertEquals(1, closes.get());
        var bad = assertThrows(IllegalArgumentException.class, () -> new XsltFilter(answering("text/xml", ""),
                Map.of("xslt.stylesheet", file("l.xsl", LIST_TO_HTML).toString(), "xslt.max-bytes", "lots")));
        assertTrue(bad.getMessage().contains("xslt.max-bytes") && bad.getMessage().contains("\"lots\""));
    }
}
