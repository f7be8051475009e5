package dev.gatewaybridge.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The WAR that `mvn archetype:generate` + `mvn verify` made in archetype:integration-test (projects/basic) is
 * served as generated: its Java application and its CGI script answer on Jetty 12.1 and on Tomcat 11, each
 * deploying the WAR file as it would from webapps/.
 */
class GeneratedWarIT {

    private static final String CONTEXT = "/hello-gateway";

    /** The WAR the IT built; fails naming its path when the IT did not run. */
    private static Path war() {
        Path war = Path.of(System.getProperty("it.generated.war", "missing")).toAbsolutePath();
        assertTrue(Files.isRegularFile(war), "generated WAR not found: " + war + " (archetype:integration-test builds it)");
        return war;
    }

    private static void assertServed(int port) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + CONTEXT;
        HttpResponse<String> greet = client.send(HttpRequest.newBuilder(URI.create(base + "/greet/you")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, greet.statusCode(), greet.body());
        assertEquals("Hello, you!\n", greet.body());
        HttpResponse<String> world = client.send(HttpRequest.newBuilder(URI.create(base + "/greet")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("Hello, world!\n", world.body());
        HttpResponse<String> cgi = client.send(HttpRequest.newBuilder(URI.create(base + "/cgi-bin/hello.sh?a=b")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cgi.statusCode(), cgi.body());
        assertEquals("Hello from a CGI script! QUERY_STRING=a=b\n", cgi.body());
    }

    @Test
    void theGeneratedWarAnswersOnJetty() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath(CONTEXT);
        webapp.setWar(war().toString());
        webapp.setTempDirectory(Files.createTempDirectory(Path.of(System.getProperty("it.work")), "jetty").toFile());
        server.setHandler(webapp);
        server.start();
        try {
            assertTrue(webapp.isAvailable(), "the WAR did not deploy on Jetty: " + webapp.getUnavailableException());
            assertServed(connector.getLocalPort());
        } finally {
            server.stop();
        }
    }

    @Test
    void theGeneratedWarAnswersOnTomcat() throws Exception {
        Path base = Files.createTempDirectory(Path.of(System.getProperty("it.work")), "tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getHost().setAppBase(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp(CONTEXT, war().toString());
        tomcat.start();
        try {
            assertEquals("STARTED", context.getState().name(), "the WAR did not deploy on Tomcat");
            assertServed(connector.getLocalPort());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
