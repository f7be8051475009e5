package ${package};

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.StartResponse;

/** /greet/NAME answers "Hello, NAME!" (and /greet "Hello, world!"): a gateway application, PEP 3333 style. */
public final class GreetApp implements GatewayApplication {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        // PATH_INFO is "" for /greet and "/you" for /greet/you (PEP 3333: present, maybe empty).
        String who = Environ.get(environ, Environ.PATH_INFO, "").replaceFirst("^/", "");
        byte[] body = ("Hello, " + (who.isEmpty() ? "world" : who) + "!\n").getBytes(StandardCharsets.UTF_8);
        startResponse.start("200 OK", List.of(
                Header.of("Content-Type", "text/plain; charset=utf-8"),
                Header.of("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }
}
