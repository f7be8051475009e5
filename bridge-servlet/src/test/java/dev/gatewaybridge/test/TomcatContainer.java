package dev.gatewaybridge.test;

import dev.gatewaybridge.api.GatewayApplication;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.authenticator.NonLoginAuthenticator;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

final class TomcatContainer extends ServletContainer {
    private Tomcat tomcat;
    private Connector connector;
    private Path base;

    @Override
    protected void deploy(GatewayApplication app, String contextPath, String mapping, Map<String, String> initParams)
            throws Exception {
        base = Files.createTempDirectory("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // Tomcat answers "100 Continue" before the application runs unless told to wait for a read.
        connector.setProperty("continueResponseTiming", "onRead");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext(contextPath, base.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "gateway", servlet(app));
        initParams.forEach(wrapper::addInitParameter);
        wrapper.setLoadOnStartup(0);
        context.addServletMappingDecoded(mapping, "gateway");
        if (!forbidden.isEmpty()) {
            SecurityConstraint constraint = new SecurityConstraint();
            constraint.setAuthConstraint(true); // and no role: no one
            SecurityCollection collection = new SecurityCollection();
            forbidden.forEach(collection::addPatternDecoded);
            constraint.addCollection(collection);
            context.addConstraint(constraint);
            // addContext() has no ContextConfig, which would add the authenticator a constraint needs.
            context.setLoginConfig(new LoginConfig("NONE", null, null, null));
            context.getPipeline().addValve(new NonLoginAuthenticator());
        }
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            throw new IllegalStateException("context did not start: " + context.getState());
        }
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public Kind kind() {
        return Kind.TOMCAT;
    }

    @Override
    public void close() {
        try {
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
            if (base != null) {
                try (var files = Files.walk(base)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            stopRecording();
        }
    }
}
