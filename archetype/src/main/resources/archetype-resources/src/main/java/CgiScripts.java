package ${package};

import java.util.HashMap;
import java.util.Map;

import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.HttpStatusException;
import dev.gatewaybridge.api.StartResponse;
import dev.gatewaybridge.cgi.CgiApplication;
import dev.gatewaybridge.cgi.CgiConfig;

import jakarta.servlet.http.HttpServletRequest;

/**
 * /cgi-bin/*: the CGI scripts in this WAR's WEB-INF/cgi-bin, run by {@link CgiApplication} with the servlet's
 * {@code cgi.*} init-params. Their directory is only known once the container has unpacked the WAR, so
 * {@code cgi.root} is set to its real path at the first request. For scripts outside the WAR, map
 * {@code dev.gatewaybridge.cgi.CgiApplication} itself with a {@code cgi.root} init-param instead.
 */
public final class CgiScripts implements GatewayApplication, AutoCloseable {

    static final String SCRIPTS = "/WEB-INF/cgi-bin";

    private final Map<String, String> params;
    private CgiApplication cgi;

    public CgiScripts(Map<String, String> params) {
        this.params = Map.copyOf(params);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        return cgi(environ).call(environ, startResponse);
    }

    private synchronized CgiApplication cgi(Map<String, Object> environ) {
        if (cgi == null) {
            HttpServletRequest request = (HttpServletRequest) environ.get(Environ.SERVLET_REQUEST);
            String root = request.getServletContext().getRealPath(SCRIPTS);
            if (root == null) {
                throw new HttpStatusException(500, "the WAR is not unpacked: no real path for " + SCRIPTS);
            }
            Map<String, String> config = new HashMap<>(params);
            config.put(CgiConfig.ROOT, root);
            cgi = new CgiApplication(config);
        }
        return cgi;
    }

    @Override
    public synchronized void close() {
        if (cgi != null) {
            cgi.close();
        }
    }
}
