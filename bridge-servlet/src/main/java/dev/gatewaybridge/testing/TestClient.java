package dev.gatewaybridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.middleware.Validator;

/**
 * Runs a gateway application in process, without a container, the way a server would — Werkzeug's test
 * {@code Client} and {@code run_wsgi_app}. By default the application runs inside a strict
 * {@link Validator}, so any PEP 3333 violation fails the test with the rule it broke.
 *
 * <pre>{@code
 * GatewayApplication hello = (environ, start) -> {
 *     start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
 *     return Bodies.of("hello " + environ.get("QUERY_STRING"));
 * };
 * TestResponse r = TestClient.of(hello).get("/greet?name=ada");
 * assertEquals(200, r.status());
 * assertEquals("hello name=ada", r.text());
 * }</pre>
 *
 * <p>The server rules are enforced as GatewayServlet enforces them: status and headers checked when
 * start_response is called, a second start_response only with excInfo (re-raised once the body started),
 * a non-null chunk or write() only after start_response, and the body closed exactly once. Exceptions from
 * the application propagate to the test.
 */
public final class TestClient {

    private final GatewayApplication app;
    private final GatewayApplication target;

    private TestClient(GatewayApplication app, Validator.Mode mode) {
        this.app = app;
        this.target = mode == null ? app : new Validator(app, mode);
    }

    /** A client running {@code app} inside a strict {@link Validator}. */
    public static TestClient of(GatewayApplication app) {
        return new TestClient(Objects.requireNonNull(app, "app"), Validator.Mode.STRICT);
    }

    /** The same application with the validator in {@code mode}, or none if {@code mode} is null. */
    public TestClient validator(Validator.Mode mode) {
        return new TestClient(app, mode);
    }

    /** GET {@code url}. */
    public TestResponse get(String url, Header... headers) throws Exception {
        return request("GET", url, List.of(headers), new byte[0]);
    }

    /** POST {@code body} of {@code contentType} to {@code url}. */
    public TestResponse post(String url, String contentType, String body) throws Exception {
        return request("POST", url, List.of(Header.of("Content-Type", contentType)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** Any request. */
    public TestResponse request(String method, String url, List<Header> headers, byte[] body) throws Exception {
        return request(Environs.builder(method, url).headers(headers).body(body));
    }

    /** The request {@code builder} describes (for a client address, a SCRIPT_NAME, extra keys). */
    public TestResponse request(Environs.Builder builder) throws Exception {
        return run(builder.errors(new ErrorLog()).build());
    }

    /**
     * Runs the application on {@code environ} as it is. Only an environ from {@link Environs} has its
     * wsgi.errors text returned in {@link TestResponse#errors()}.
     */
    public TestResponse run(Map<String, Object> environ) throws Exception {
        return ServerRun.respond(target, environ);
    }
}
