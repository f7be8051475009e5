package dev.gatewaybridge.api;

import java.nio.channels.FileChannel;

/**
 * PEP 3333's {@code wsgi.file_wrapper(filelike, block_size)}: turns an open file into a body the server can
 * send without copying it through the Java heap. The body closes the file when the server closes it.
 */
@FunctionalInterface
public interface FileWrapper {

    /** A body of {@code file} from its current position to its end, read in {@code blockSize} blocks if iterated. */
    Iterable<byte[]> wrap(FileChannel file, int blockSize);
}
