package dev.vienna.handlers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads one output stream of a process on its own thread into a bounded buffer, so a chatty program can neither fill
 * the pipe and stall nor fill the heap. It keeps either the first {@code max} bytes (stdout) or the last {@code max}
 * bytes (stderr, whose end usually says what went wrong), and counts the bytes it dropped.
 */
final class OutputCapture {

    /** Which part of a long output is kept. */
    enum Keep {
        HEAD,
        TAIL
    }

    private final byte[] kept;
    private final Keep keep;
    private final Thread reader;
    private int length; // HEAD: bytes kept; TAIL: bytes in the ring (at most kept.length)
    private int ringStart;
    private long total;

    private OutputCapture(InputStream stream, int max, Keep keep, String threadName) {
        this.kept = new byte[max];
        this.keep = keep;
        this.reader = new Thread(() -> drain(stream), threadName);
        this.reader.setDaemon(true);
    }

    static OutputCapture start(InputStream stream, int max, Keep keep, String threadName) {
        OutputCapture capture = new OutputCapture(stream, max, keep, threadName);
        capture.reader.start();
        return capture;
    }

    private void drain(InputStream stream) {
        byte[] chunk = new byte[8192];
        try (stream) {
            int n;
            while ((n = stream.read(chunk)) >= 0) {
                append(chunk, n);
            }
        } catch (IOException e) {
            // the stream closed under us (the process was killed): keep what was read
        }
    }

    private synchronized void append(byte[] chunk, int n) {
        total += n;
        if (keep == Keep.HEAD) {
            int room = Math.min(kept.length - length, n);
            System.arraycopy(chunk, 0, kept, length, room);
            length += room;
            return;
        }
        for (int i = Math.max(0, n - kept.length); i < n; i++) {
            if (length < kept.length) {
                kept[(ringStart + length) % kept.length] = chunk[i];
                length++;
            } else {
                kept[ringStart] = chunk[i];
                ringStart = (ringStart + 1) % kept.length;
            }
        }
    }

    /** Waits until the stream ended (the program and every process holding it closed it); false on time-out. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        reader.join(Math.max(1, timeout.toMillis()));
        return !reader.isAlive();
    }

    /** What was kept, decoded as UTF-8 (malformed bytes, e.g. a character cut at the cap, become U+FFFD). */
    synchronized String text() {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = kept[(ringStart + i) % Math.max(1, kept.length)];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** How many bytes the program wrote beyond what was kept. */
    synchronized long droppedBytes() {
        return total - length;
    }
}
