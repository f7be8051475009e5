/**
 * What the three bridges (CGI, FastCGI, SCGI) share about the program or server behind them, whatever the
 * wire: the request body read from the client under {@link dev.gatewaybridge.bridge.BodyLimits limits}
 * ({@link dev.gatewaybridge.bridge.BufferedBody buffered} in memory then a temporary file, 413 past the
 * maximum; {@link dev.gatewaybridge.bridge.TimedInput timed}, 408 for a stalled or too slow client); the CGI
 * response (RFC 3875 §6) a backend's output is, {@link dev.gatewaybridge.bridge.CgiResponseParser parsed}
 * once for all three, with the hop-by-hop headers it may not pass on ({@link
 * dev.gatewaybridge.bridge.DroppedHeaders}); the backend's stderr as log records ({@link
 * dev.gatewaybridge.bridge.StderrLog}). Its faults are the API's, as applications and middleware see them:
 * {@link dev.gatewaybridge.api.BadGatewayException} (502, an invalid answer), {@link
 * dev.gatewaybridge.api.BackendUnavailableException} (502, no answer) and {@link
 * dev.gatewaybridge.api.BackendTimeoutException} (504, no answer in time).
 *
 * <p>It depends on {@code api} and {@code config} only; the bridges depend on it; it depends on no bridge
 * (ArchitectureTest).
 */
package dev.gatewaybridge.bridge;
