/**
 * Static files of an application: {@link dev.gatewaybridge.files.FileApplication} serves a directory,
 * {@link dev.gatewaybridge.files.StaticFiles} serves one URL prefix from it in front of another application.
 * Conditional requests and byte ranges follow RFC 9110 §13 and §14; path resolution is the CGI bridge's
 * ({@link dev.gatewaybridge.paths.PathRules}).
 */
package dev.gatewaybridge.files;
