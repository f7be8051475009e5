package dev.gatewaybridge.sample;

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
 * /sample/cgi-bin/*: the scripts in this WAR's WEB-INF/cgi-bin, run by {@link CgiApplication}. The script root
 * is only known once the container has unpacked the WAR, so the CGI application is made at the first request
 * from the {@code cgi.*} init-params plus {@code cgi.root} = the real path of WEB-INF/cgi-bin.
 */
public final class CgiSampleApp implements GatewayApplication, AutoCloseable {

    static final String SCRIPTS = "/WEB-INF/cgi-bin";

    private final Map<String, String> params;
    private CgiApplication cgi;

    public CgiSampleApp(Map<String, String> params) {
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
                throw new HttpStatusException(500, "CGI sample: the WAR is not unpacked, no real path for " + SCRIPTS);
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
