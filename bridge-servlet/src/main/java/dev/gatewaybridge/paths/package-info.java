/**
 * Rules shared by everything that maps a request path to a file under a root (the CGI bridge, the files
 * application) or refuses paths (the deny rules): one place, so they cannot drift apart.
 */
package dev.gatewaybridge.paths;
