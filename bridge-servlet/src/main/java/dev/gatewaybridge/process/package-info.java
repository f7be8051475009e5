/**
 * Starting outside programs, for the bridges that run them (today CGI's programs): one {@link
 * dev.gatewaybridge.process.Spawner} abstraction over the native {@code gateway-spawn} daemon ({@link
 * dev.gatewaybridge.process.NativeSpawner}, src/main/c/gateway-spawn.c, Apache mod_cgid's design) and the JDK
 * fallback ({@link dev.gatewaybridge.process.JdkSpawner}, ProcessBuilder). A program is killed with its
 * descendants (the daemon's: its process group; the JDK's: a snapshot of its descendants), and the daemon
 * kills all of its programs when the JVM closes it or dies. Depends on no bridge.
 */
package dev.gatewaybridge.process;
