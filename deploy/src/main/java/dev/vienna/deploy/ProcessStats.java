package dev.vienna.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What the Linux kernel counts for a process, read from {@code /proc}: CPU time used so far (user + system, in the
 * kernel's clock ticks of 10 ms) and resident memory. A process that is gone, or a system without {@code /proc}, gives
 * empty values rather than an error: a benchmark reports what it could measure.
 */
final class ProcessStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ: 100 on Linux for x86 and arm). */
    private static final long TICKS_PER_SECOND = 100;

    /** CPU time used by the process so far, in milliseconds. */
    static OptionalLong cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (2nd field) is in parentheses and may hold spaces: count fields after its ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            return OptionalLong.of(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Resident set size now ({@code VmRSS}), in bytes. */
    static OptionalLong rssBytes(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** The highest resident set size the process has had ({@code VmHWM}), in bytes. */
    static OptionalLong peakRssBytes(long pid) {
        return statusField(pid, "VmHWM:");
    }

    private static OptionalLong statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    String kilobytes = line.substring(field.length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kilobytes) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private ProcessStats() {}
}
