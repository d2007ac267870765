package dev.vienna.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** The bench reads CPU time and memory of its processes from /proc. */
class ProcessStatsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void shouldCountTheCpuTimeThisProcessSpends() throws Exception {
        long before = ProcessStats.cpuMillis(SELF).orElseThrow();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 16];
        var threads = ManagementFactory.getThreadMXBean();
        long spinUntil = threads.getCurrentThreadCpuTime() + 300_000_000L;
        while (threads.getCurrentThreadCpuTime() < spinUntil) {
            sha.update(block);
        }

        long after = ProcessStats.cpuMillis(SELF).orElseThrow();

        // this thread alone spent 300 ms of CPU, however busy the machine; the kernel counts in 10 ms ticks
        assertThat(sha.digest()).hasSize(32);
        assertThat(after - before).isGreaterThanOrEqualTo(280);
    }

    @Test
    void shouldReadResidentMemoryNowAndAtItsPeak() {
        long rss = ProcessStats.rssBytes(SELF).orElseThrow();
        long peak = ProcessStats.peakRssBytes(SELF).orElseThrow();

        assertThat(rss).isGreaterThan(10L << 20).isLessThanOrEqualTo(peak);
        assertThat(peak).isLessThan(Runtime.getRuntime().maxMemory() + (2L << 30));
    }

    @Test
    void shouldGiveNothingForAProcessThatIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();

        assertThat(ProcessStats.cpuMillis(gone.pid())).isEmpty();
        assertThat(ProcessStats.rssBytes(gone.pid())).isEmpty();
    }
}
