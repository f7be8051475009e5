/**
 * Gateway Bridge: PEP 3333's gateway interface in a servlet container. Exported: what applications, their
 * web.xml and their tests program against, and config, whose declarations are the documented parameters.
 * The layers below the bridges (bridge, upstream, managed, process, server) are the library's own and may
 * change between releases.
 */
module dev.gatewaybridge {
    requires transitive jakarta.servlet;
    requires java.logging;
    requires java.xml;
    requires jdk.net;

    exports dev.gatewaybridge.api;
    exports dev.gatewaybridge.servlet;
    exports dev.gatewaybridge.middleware;
    exports dev.gatewaybridge.testing;
    exports dev.gatewaybridge.cgi;
    exports dev.gatewaybridge.fastcgi;
    exports dev.gatewaybridge.scgi;
    exports dev.gatewaybridge.files;
    exports dev.gatewaybridge.paths;
    exports dev.gatewaybridge.config;
}
