package dev.gatewaybridge.test;

import dev.gatewaybridge.api.GatewayApplication;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.Map;

final class JettyContainer extends ServletContainer {
    private Server server;
    private ServerConnector connector;

    @Override
    protected void deploy(GatewayApplication app, String contextPath, String mapping, Map<String, String> initParams)
            throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        ServletHolder holder = new ServletHolder("gateway", servlet(app));
        holder.setInitParameters(initParams);
        holder.setInitOrder(0); // init at start-up, so a bad config fails start()
        context.addServlet(holder, mapping);
        if (!forbidden.isEmpty()) {
            ConstraintSecurityHandler security = new ConstraintSecurityHandler();
            for (String pattern : forbidden) {
                ConstraintMapping m = new ConstraintMapping();
                m.setPathSpec(pattern);
                m.setConstraint(Constraint.FORBIDDEN);
                security.addConstraintMapping(m);
            }
            context.setSecurityHandler(security);
        }
        server.setHandler(context);
        server.start();
        if (!holder.isAvailable()) {
            throw new IllegalStateException("servlet unavailable", holder.getUnavailableException());
        }
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public Kind kind() {
        return Kind.JETTY;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            stopRecording();
        }
    }
}
