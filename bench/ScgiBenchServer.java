import java.util.Map;

import dev.gatewaybridge.scgi.ScgiApplication;
import dev.gatewaybridge.test.ServletContainer;

/**
 * The bridge under test for scgi-bench.sh: Jetty (the test fixture's embedded container) serving
 * GatewayServlet → ScgiApplication → the SCGI backend given as the first argument. Prints "PORT n" and runs
 * until killed. Launched as a single source file (java Foo.java), so the bench needs no build of its own.
 */
public class ScgiBenchServer {
    public static void main(String[] args) throws Exception {
        ScgiApplication app = new ScgiApplication(Map.of(ScgiApplication.BACKENDS, args[0]));
        ServletContainer jetty = ServletContainer.jetty(app);
        System.out.println("PORT " + jetty.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
