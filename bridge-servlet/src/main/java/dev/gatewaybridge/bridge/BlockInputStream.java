package dev.gatewaybridge.bridge;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream read in blocks: subclasses implement {@link #read(byte[], int, int)}, and a one-byte
 * {@link #read()} is a block read of one byte, so every rule of the stream (a deadline, a limit, a position)
 * lives in one method.
 */
public abstract class BlockInputStream extends InputStream {

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
