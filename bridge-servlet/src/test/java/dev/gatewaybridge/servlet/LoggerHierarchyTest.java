package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatewaybridge.test.RawHttp;
import dev.gatewaybridge.test.ServletContainer;
import dev.gatewaybridge.test.ServletContainer.Kind;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One logging story (issue 14 §8): the servlet's own lines and a bridge's pool lines are records of one
 * logger hierarchy, {@code dev.gatewaybridge.*}, so a handler or a level set on {@code dev.gatewaybridge}
 * (Tomcat's logging.properties, a JUL config under Jetty) sees both; none goes to ServletContext.log only.
 */
class LoggerHierarchyTest {

    /** Held: JUL keeps loggers weakly, and a collected one would lose the handler. */
    private static final Logger ROOT = Logger.getLogger("dev.gatewaybridge");

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theServletsLineAndThePoolsLineAreRecordsOfTheSameHierarchy(Kind kind) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // nothing listens there once closed: the backend refuses
        }
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ROOT.addHandler(capture);
        try (ServletContainer c = ServletContainer.start(kind, null, "", "/*", Map.of(
                "application", "dev.gatewaybridge.fastcgi.FastCgiApplication",
                "fastcgi.backends", "127.0.0.1:" + closed,
                "fastcgi.root", System.getProperty("java.io.tmpdir")))) {
            assertEquals(502, RawHttp.get(c.port(), "/index.php").status());
            assertTrue(c.logged("502"), c.log()::toString);
        } finally {
            ROOT.removeHandler(capture);
        }
        String seen = records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList().toString();
        assertTrue(records.stream().anyMatch(r -> r.getLoggerName().equals("dev.gatewaybridge.servlet.GatewayServlet")
                && r.getMessage().startsWith("GatewayServlet [") && r.getMessage().contains("502")), seen);
        assertTrue(records.stream().anyMatch(r -> r.getLoggerName().equals("dev.gatewaybridge.fastcgi.ConnectionPool")
                && r.getMessage().contains("127.0.0.1:" + closed)), seen);
    }
}
