package io.lithosj.jupyter;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A cell's System.out or System.err. A PrintStream with autoflush flushes on every print, and each flush of
 * the Jupyter stream is one IOPub message, so {@code printf("%d: %s%n", ...)} would arrive in pieces.
 * This buffer collects the bytes and hands them on when the kernel drains it: every few tens of
 * milliseconds while a cell runs, and before anything else the cell shows (display, result, error),
 * which keeps text and figures in the order the cell produced them.
 */
final class BatchedOutput extends OutputStream {
    private final PrintStream target;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    BatchedOutput(PrintStream target) {
        this.target = target;
    }

    @Override
    public synchronized void write(int b) {
        buffer.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
    }

    /** Publishes what was written so far as one stream message. */
    synchronized void drain() {
        if (buffer.size() == 0) return;
        target.write(buffer.toByteArray(), 0, buffer.size());
        target.flush();
        buffer.reset();
    }
}
