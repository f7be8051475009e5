/**
 * What the FastCGI and SCGI bridges share about talking to backend servers over a socket: {@link
 * dev.gatewaybridge.upstream.BackendAddress addresses} ({@code host:port}, {@code [v6]:port}, {@code unix:/path}),
 * {@link dev.gatewaybridge.upstream.Connection connections} with connect/read/total {@link
 * dev.gatewaybridge.upstream.Timeouts timeouts}, a {@link dev.gatewaybridge.upstream.BackendSet backend set} with
 * round-robin or least-busy choice, failover and passive health, and the {@link dev.gatewaybridge.upstream.Params
 * params} (nginx's {@code fastcgi_params}) built from the environ. What CGI shares with them (the request body,
 * the response parser, the 502/504 faults) is in {@code dev.gatewaybridge.bridge}, one level down.
 * Configuration is read with a {@link dev.gatewaybridge.config.ConfigReader} under each bridge's
 * prefix ({@code fastcgi.}, {@code scgi.}); the shared parameters are declared once in {@link
 * dev.gatewaybridge.upstream.UpstreamSettings}.
 */
package dev.gatewaybridge.upstream;
