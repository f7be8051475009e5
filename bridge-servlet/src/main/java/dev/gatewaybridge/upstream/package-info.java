/**
 * What the FastCGI and SCGI bridges share about talking to backend servers: {@link
 * dev.gatewaybridge.upstream.BackendAddress addresses} ({@code host:port}, {@code [v6]:port}, {@code unix:/path}),
 * {@link dev.gatewaybridge.upstream.Connection connections} with connect/read/total timeouts, a {@link
 * dev.gatewaybridge.upstream.BackendSet backend set} with round-robin or least-busy choice, failover and passive
 * health, the {@link dev.gatewaybridge.upstream.Params params} (nginx's {@code fastcgi_params}) built from
 * the environ, the {@link dev.gatewaybridge.upstream.RequestInput request input} of a body without a length,
 * and the request body read from the client under {@link dev.gatewaybridge.upstream.BodyLimits limits}: {@link
 * dev.gatewaybridge.upstream.BufferedBody buffered} (memory, then a temporary file; 413 past the maximum) and
 * {@link dev.gatewaybridge.upstream.TimedInput timed} (408 for a stalled or too slow client), for the three bridges.
 * Configuration is read with a {@link dev.gatewaybridge.config.ConfigReader} under each bridge's
 * prefix ({@code fastcgi.}, {@code scgi.}); the shared parameters are declared once in {@link
 * dev.gatewaybridge.upstream.UpstreamSettings}.
 *
 * <p>Faults: {@link dev.gatewaybridge.upstream.BackendUnavailableException} (502) when no backend answers,
 * {@link dev.gatewaybridge.upstream.BackendTimeoutException} (504) when one does not in time.
 */
package dev.gatewaybridge.upstream;
