package dev.gatewaybridge.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against the packaged WAR deployed by jetty-ee10-maven-plugin (start-war, deployMode FORK,
 * -Xmx64m) on the port build-helper reserved; the plugin starts it before failsafe and stops it after.
 */
class JettyPluginIT extends SampleSuite {

    private static final long START_TIMEOUT_MS = 120_000;

    /** The plugin stops waiting for its forked child after a while; on a loaded machine give it longer. */
    @BeforeAll
    static void awaitJetty() throws InterruptedException {
        int port = Integer.parseInt(Deployments.property("it.jetty.plugin.port"));
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the plugin-started Jetty is not listening on port " + port
                            + " after " + START_TIMEOUT_MS + " ms; see src-it/target/jetty-start-war.out", e);
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    int port() {
        return Integer.parseInt(Deployments.property("it.jetty.plugin.port"));
    }
}
