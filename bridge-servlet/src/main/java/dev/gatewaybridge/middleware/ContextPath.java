package dev.gatewaybridge.middleware;

import jakarta.servlet.http.HttpServletRequest;

/** The servlet context path of a request, in a class of its own so the servlet API loads only when used. */
final class ContextPath {

    private ContextPath() {
    }

    /** The context path of {@code servletRequest} ("" for the root context or no servlet request). */
    static String of(Object servletRequest) {
        return servletRequest instanceof HttpServletRequest r ? r.getContextPath() : "";
    }
}
