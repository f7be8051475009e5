package dev.gatewaybridge.it;

import java.nio.file.Path;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The suite against the packaged WAR file on embedded Tomcat 11, as Tomcat would deploy it from webapps/.
 */
class TomcatIT extends SampleSuite {

    private static Tomcat tomcat;
    private static int port;

    @BeforeAll
    static void start() throws LifecycleException {
        Path base = Deployments.workDir("tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getHost().setAppBase(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // Tomcat's default ("immediately") sends 100 Continue before the application reads; the issue wants
        // it only when the app asks for the body (RFC 9110 §10.1.1 lets the server choose).
        connector.setProperty("continueResponseTiming", "onRead");
        tomcat.setConnector(connector);
        // Tomcat's default web.xml adds a JSP servlet, which without Jasper only logs a SEVERE at start.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context sample = tomcat.addWebapp("/sample", Deployments.sampleWar().toString());
        Tomcat.addDefaultMimeTypeMappings(sample);
        tomcat.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws LifecycleException {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Override
    int port() {
        return port;
    }
}
