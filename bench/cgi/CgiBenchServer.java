import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.servlets.CGIServlet;
import org.apache.catalina.startup.Tomcat;

import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.test.ServletContainer;

/**
 * The servers of bench/cgi-bench.sh, one per JVM: {@code jetty PORT DIR} serves DIR/cgi-bin/* through
 * CgiApplication in embedded Jetty (GatewayServlet, the test fixture), with the spawner named by the system
 * property {@code cgi.spawner} (auto, native or jdk; default auto); {@code tomcat PORT DIR} serves
 * DIR/WEB-INF/cgi/* through Tomcat's own org.apache.catalina.servlets.CGIServlet in embedded Tomcat 11.
 * Prints "ready PORT" once listening; runs until killed (SIGTERM).
 */
public class CgiBenchServer {

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        AutoCloseable server = switch (kind) {
            case "jetty" -> jetty(dir);
            case "tomcat" -> tomcat(port, dir);
            default -> throw new IllegalArgumentException("jetty or tomcat: " + kind);
        };
        System.out.println("ready " + (server instanceof Served s ? s.port() : port));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        Thread.currentThread().join();
    }

    /** The Jetty fixture picks its own ephemeral port. */
    record Served(ServletContainer container, CgiApplication app) implements AutoCloseable {
        int port() {
            return container.port();
        }

        @Override
        public void close() {
            container.close();
            app.close();
        }
    }

    static AutoCloseable jetty(Path dir) {
        CgiApplication app = CgiApplication.builder().root(dir.resolve("cgi-bin")).timeout(Duration.ofSeconds(30))
                .maxProcesses(64).spawner(System.getProperty("cgi.spawner", "auto")).application();
        System.out.println("spawner " + app.spawner());
        return new Served(ServletContainer.start(ServletContainer.Kind.JETTY, app, "", "/cgi-bin/*", Map.of()), app);
    }

    static AutoCloseable tomcat(int port, Path dir) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createDirectories(dir.resolve("tomcat-work")).toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", dir.toString());
        ctx.setPrivileged(true);
        Wrapper cgi = Tomcat.addServlet(ctx, "cgi", new CGIServlet());
        cgi.addInitParameter("cgiPathPrefix", "WEB-INF/cgi");
        cgi.addInitParameter("executable", ""); // run the script itself (its #! line), not through perl
        ctx.addServletMappingDecoded("/cgi-bin/*", "cgi");
        tomcat.start();
        return () -> {
            tomcat.stop();
            tomcat.destroy();
        };
    }
}
