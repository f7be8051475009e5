package dev.gatewaybridge.it;

/**
 * The suite against the packaged WAR deployed by jetty-ee10-maven-plugin (start-war, deployMode FORK,
 * -Xmx64m) on the port build-helper reserved; the plugin starts it before failsafe and stops it after.
 */
class JettyPluginIT extends SampleSuite {

    @Override
    int port() {
        return Deployments.pluginJettyPort();
    }
}
