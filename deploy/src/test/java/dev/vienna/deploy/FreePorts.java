package dev.vienna.deploy;

import java.io.IOException;
import java.net.ServerSocket;

/** Consecutive free local ports for a test stack. */
final class FreePorts {

    /** The first of {@code count} consecutive free ports, searched above 20000. */
    static int range(int count) throws IOException {
        for (int base = 20000 + (int) (ProcessHandle.current().pid() % 1000) * 10; base < 60000; base += count) {
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private FreePorts() {}
}
