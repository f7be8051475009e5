package dev.gatewaybridge.fastcgi;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.gatewaybridge.api.Bodies;
import dev.gatewaybridge.api.Environ;
import dev.gatewaybridge.api.GatewayApplication;
import dev.gatewaybridge.api.Header;
import dev.gatewaybridge.api.HeaderRules;
import dev.gatewaybridge.api.StartResponse;

/**
 * Middleware asking a FastCGI application in the AUTHORIZER role (FastCGI spec §6.3) whether a request may
 * pass. A 200 lets it through to {@code next}, with each {@code Variable-NAME: value} header of the answer
 * added to the environ as {@code NAME}; any other answer (a 401 with its WWW-Authenticate, a 403 page, a
 * redirect) goes to the client as it is and {@code next} is not called.
 *
 * <p>Configured like {@link FastCgiApplication} but under the prefix {@code fastcgiAuthorizer.}
 * ({@code fastcgiAuthorizer.backends}, {@code fastcgiAuthorizer.params} …). The authorizer never sees the
 * request body (§6.3: no CONTENT_LENGTH, PATH_INFO, PATH_TRANSLATED, SCRIPT_NAME).
 */
public final class FastCgiAuthorizer implements GatewayApplication, AutoCloseable {

    /** The parameter prefix of this middleware. */
    public static final String PREFIX = "fastcgiAuthorizer.";

    // §6.3: "Variable-" headers become environment variables of the request; names as CGI names go.
    private static final String VARIABLE = "Variable-";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final System.Logger LOG = System.getLogger(FastCgiAuthorizer.class.getName());

    private final GatewayApplication next;
    private final FastCgiApplication authorizer;

    /** {@code fastcgiAuthorizer.*} parameters; fails naming a missing or bad one. */
    public FastCgiAuthorizer(GatewayApplication next, Map<String, String> params) {
        this.next = next;
        this.authorizer = new FastCgiApplication(FastCgiSettings.from(params, PREFIX), FastCgi.FCGI_AUTHORIZER);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Map<String, Object> ask = new HashMap<>(environ);
        ask.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[0]));
        ask.remove(Environ.CONTENT_LENGTH);
        List<Answer> answers = new java.util.ArrayList<>(1);
        Iterable<byte[]> answer = authorizer.call(ask, (s, h, e) -> {
            answers.add(new Answer(s, h));
            return data -> { };
        });
        Answer verdict = answers.get(answers.size() - 1);
        if (!verdict.status().startsWith("200")) {
            startResponse.start(verdict.status(), verdict.headers());
            return answer; // the authorizer's response is the client's
        }
        Bodies.close(answer);
        for (Header h : verdict.headers()) {
            if (h.name().regionMatches(true, 0, VARIABLE, 0, VARIABLE.length())) {
                addVariable(environ, h.name().substring(VARIABLE.length()), h.value());
            }
        }
        return next.call(environ, startResponse);
    }

    /** What the authorizer answered: status and headers. */
    private record Answer(String status, List<Header> headers) {
    }

    private static void addVariable(Map<String, Object> environ, String name, String value) {
        if (NAME.matcher(name).matches() && !name.equals("HTTP_PROXY")) {
            environ.put(name, value);
        } else {
            LOG.log(System.Logger.Level.WARNING, "FastCGI authorizer variable ignored, not a CGI name: "
                    + HeaderRules.quote(name));
        }
    }

    @Override
    public void close() {
        authorizer.close();
    }
}
