package dev.gatewaybridge.fastcgi;

import dev.gatewaybridge.api.BadGatewayException;

/**
 * The backend ended a request without serving it (FCGI_END_REQUEST with FCGI_CANT_MPX_CONN,
 * FCGI_OVERLOADED or FCGI_UNKNOWN_ROLE, spec §5.5): 502 Bad Gateway naming the protocolStatus.
 */
public final class FastCgiRejectedException extends BadGatewayException {

    private final int protocolStatus;

    public FastCgiRejectedException(int protocolStatus, String backend) {
        super("FastCGI backend " + backend + " rejected the request: "
                + FastCgi.protocolStatusName(protocolStatus));
        this.protocolStatus = protocolStatus;
    }

    /** The FCGI_END_REQUEST protocolStatus the backend sent. */
    public int protocolStatus() {
        return protocolStatus;
    }
}
