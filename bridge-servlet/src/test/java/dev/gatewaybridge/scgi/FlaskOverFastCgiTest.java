package dev.gatewaybridge.scgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.UwsgiRig;

/**
 * The same Flask application in uWSGI, over FastCGI this time, through the FastCGI bridge configured by
 * init-params (by class name, so this class compiles before the bridge is merged; until then it is skipped).
 */
class FlaskOverFastCgiTest {

    static final String FASTCGI_APPLICATION = "dev.gatewaybridge.fastcgi.FastCgiApplication";

    static UwsgiRig uwsgi;
    static ServletContainer jetty;
    static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        boolean present;
        try {
            Class.forName(FASTCGI_APPLICATION);
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        Assumptions.assumeTrue(present, FASTCGI_APPLICATION + " is not merged yet");
        uwsgi = UwsgiRig.start(Files.createTempDirectory("fcgi-flask"), UwsgiRig.Protocol.FASTCGI,
                Map.of("app.py", ScgiFlaskTest.FLASK_APP), "app.py");
        jetty = ServletContainer.start(ServletContainer.Kind.JETTY, null, "/ctx", "/*", Map.of(
                "application", FASTCGI_APPLICATION, "fastcgi.backends", uwsgi.tcpAddress() + "," + uwsgi.unixAddress(),
                "fastcgi.readTimeout", "10s"));
    }

    @AfterAll
    static void stop() {
        if (jetty != null) {
            jetty.close();
        }
        if (uwsgi != null) {
            uwsgi.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(jetty.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesPagesAndSeesTheMount() throws Exception {
        for (int i = 0; i < 4; i++) { // both backends, TCP and Unix socket, in turn
            assertEquals("hello from flask", get("/ctx/").body());
        }
        String env = get("/ctx/env?q=1").body();
        assertTrue(env.contains("SCRIPT_NAME=/ctx\n") && env.contains("PATH_INFO=/env\n")
                && env.contains("QUERY_STRING=q=1\n"), env);
    }

    @Test
    void postsAFormAndFollowsARedirect() throws Exception {
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=fcgi")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("hello fcgi", r.body());
        var redirect = get("/ctx/redirect");
        assertEquals(302, redirect.statusCode());
        assertTrue(redirect.headers().firstValue("Location").orElse("").endsWith("/ctx/target"));
    }

    @Test
    void aLargeResponseArrivesWhole() throws Exception {
        var r = client.send(HttpRequest.newBuilder(jetty.uri("/ctx/large?n=3000000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] expected = new byte[3_000_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i % 251);
        }
        assertArrayEquals(expected, r.body());
    }
}
