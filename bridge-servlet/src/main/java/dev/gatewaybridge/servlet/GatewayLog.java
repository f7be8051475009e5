package dev.gatewaybridge.servlet;

import java.lang.System.Logger.Level;

/**
 * The servlet's own log lines, prefixed with the servlet's name, through {@code System.Logger}
 * {@value #NAME}: the same logger hierarchy ({@code dev.gatewaybridge.*}) as the bridges' pools and spawners,
 * so one logging configuration on either container routes and filters them all (docs/logging.md).
 */
final class GatewayLog {
    /** The logger of every servlet's own lines. */
    static final String NAME = "dev.gatewaybridge.servlet.GatewayServlet";
    private static final System.Logger LOG = System.getLogger(NAME);
    private final String prefix;

    GatewayLog(String servletName) {
        this.prefix = "GatewayServlet [" + servletName + "] ";
    }

    void warn(String message) {
        LOG.log(Level.WARNING, prefix + message);
    }

    void error(String message, Throwable failure) {
        LOG.log(Level.ERROR, prefix + message, failure);
    }
}
