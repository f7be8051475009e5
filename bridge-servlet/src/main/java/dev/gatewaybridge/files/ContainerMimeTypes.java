package dev.gatewaybridge.files;

import jakarta.servlet.ServletRequest;

/**
 * The servlet container's own table ({@code ServletContext.getMimeType}: web.xml {@code <mime-mapping>} and
 * the container's defaults). A class of its own so that the servlet API is loaded only when a servlet request
 * is in the environ.
 */
final class ContainerMimeTypes {

    private ContainerMimeTypes() {
    }

    /** The container's type of {@code fileName}, or null. */
    static String typeOf(Object servletRequest, String fileName) {
        if (servletRequest instanceof ServletRequest request && request.getServletContext() != null) {
            return request.getServletContext().getMimeType(fileName);
        }
        return null;
    }
}
