/**
 * The FastCGI bridge: {@link dev.gatewaybridge.fastcgi.FastCgiApplication} forwards requests to FastCGI
 * servers (php-fpm, uWSGI, fcgiwrap) in the RESPONDER role, {@link dev.gatewaybridge.fastcgi.FastCgiAuthorizer}
 * asks one in the AUTHORIZER role first.
 *
 * <p>Layout, as for every wire format here: the constants of the FastCGI 1.0 specification ({@code FastCgi}),
 * a writer ({@code RecordWriter}), a parser reporting to a listener ({@code RecordParser},
 * {@code RecordListener}), and the orchestration: a connection ({@code FastCgiConnection}, one request at a time
 * read by the request thread, or multiplexed with a reader thread), its per-request state ({@code FastCgiExchange}),
 * the pool per backend ({@code ConnectionPool}) and the application. Backend choice, timeouts and params are the
 * shared {@link dev.gatewaybridge.upstream} ones; the CGI response is parsed by {@link dev.gatewaybridge.cgi}.
 *
 * <p>Faults: {@link dev.gatewaybridge.fastcgi.FastCgiProtocolException} (502, the wire format broken),
 * {@link dev.gatewaybridge.fastcgi.FastCgiRejectedException} (502, FCGI_OVERLOADED and the like), and the
 * upstream {@code BackendUnavailableException} (502) and {@code BackendTimeoutException} (504).
 */
package dev.gatewaybridge.fastcgi;
