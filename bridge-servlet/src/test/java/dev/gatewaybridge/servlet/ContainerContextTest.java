package dev.gatewaybridge.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gatewaybridge.test.RawHttp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Credential;
import org.junit.jupiter.api.Test;

/**
 * Variables that come from what the container decided rather than from the request text: REMOTE_USER and
 * AUTH_TYPE after real container authentication, HTTPS and wsgi.url_scheme for a request the container
 * considers secure (here behind a TLS-terminating proxy it trusts, via Jetty's ForwardedRequestCustomizer).
 */
class ContainerContextTest {

    private static Server jetty(boolean authenticate, boolean trustForwarded) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        if (trustForwarded) {
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new GatewayServlet(Apps.ENVIRON)), "/*");
        if (authenticate) {
            UserStore users = new UserStore();
            users.addUser("alice", Credential.getCredential("secret"), new String[] {"user"});
            HashLoginService login = new HashLoginService("test");
            login.setUserStore(users);
            ConstraintMapping all = new ConstraintMapping();
            all.setPathSpec("/*");
            all.setConstraint(Constraint.from("user"));
            ConstraintSecurityHandler security = new ConstraintSecurityHandler();
            security.setLoginService(login);
            security.setAuthenticator(new BasicAuthenticator());
            security.addConstraintMapping(all);
            context.setSecurityHandler(security);
        }
        server.setHandler(context);
        server.start();
        return server;
    }

    private static int port(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Test
    void remoteUserAndAuthTypeAppearWhenTheContainerAuthenticated() throws Exception {
        Server server = jetty(true, false);
        try {
            assertEquals(401, RawHttp.get(port(server), "/").status(), "the container guards the app");
            String basic = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
            var r = RawHttp.get(port(server), "/", "Authorization: Basic " + basic);
            Map<String, String> env = Apps.parse(r.text());
            assertEquals("alice", env.get("REMOTE_USER"));
            assertEquals("BASIC", env.get("AUTH_TYPE"));
        } finally {
            server.stop();
        }
    }

    @Test
    void aSecureRequestHasHttpsOnAndTheHttpsScheme() throws Exception {
        Server server = jetty(false, true);
        try {
            var r = RawHttp.get(port(server), "/", "X-Forwarded-Proto: https", "X-Forwarded-For: 192.0.2.7");
            Map<String, String> env = Apps.parse(r.text());
            assertEquals("on", env.get("HTTPS"));
            assertEquals("https", env.get("wsgi.url_scheme"));
            assertEquals("192.0.2.7", env.get("REMOTE_ADDR"), "the container's notion of the client");
        } finally {
            server.stop();
        }
    }
}
