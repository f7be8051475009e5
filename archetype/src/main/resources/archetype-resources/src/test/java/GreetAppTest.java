package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.gatewaybridge.testing.Environs;
import dev.gatewaybridge.testing.TestClient;
import dev.gatewaybridge.testing.TestResponse;

/** The application without a container: dev.gatewaybridge.testing runs it through a strict PEP 3333 Validator. */
class GreetAppTest {

    @Test
    void greetsTheNameAfterTheMapping() throws Exception {
        TestResponse r = TestClient.of(new GreetApp()).request(Environs.builder("GET", "/greet/you").scriptName("/greet"));
        assertEquals(200, r.status());
        assertEquals("Hello, you!\n", r.text());
    }

    @Test
    void greetsTheWorldWithoutAName() throws Exception {
        TestResponse r = TestClient.of(new GreetApp()).request(Environs.builder("GET", "/greet").scriptName("/greet"));
        assertEquals("Hello, world!\n", r.text());
    }
}
