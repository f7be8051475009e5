package dev.gatewaybridge.servlet;

import jakarta.servlet.ServletContext;

/** The servlet's own log lines, in the container's log, prefixed with the servlet's name. */
final class GatewayLog {
    private final ServletContext context;
    private final String prefix;

    GatewayLog(ServletContext context, String servletName) {
        this.context = context;
        this.prefix = "GatewayServlet [" + servletName + "] ";
    }

    void warn(String message) {
        context.log(prefix + message);
    }

    void error(String message, Throwable failure) {
        context.log(prefix + message, failure);
    }
}
