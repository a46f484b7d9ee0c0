package org.otlpanalytics.tests.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserCodeLoadersTest {
    @Test
    void countsTheChildFirstLoadersOfAHistogram() {
        String histogram = String.join("\n",
                "23456:",
                " num     #instances         #bytes  class name (module)",
                "-------------------------------------------------------",
                "   1:         12345        1234567  [B (java.base@17.0.15)",
                " 812:             7            784  org.apache.flink.util.ChildFirstClassLoader",
                " 813:             3            120  org.apache.flink.util.ChildFirstClassLoaderX",
                "Total        100000       12345678");
        assertThat(UserCodeLoaders.loaders(histogram)).isEqualTo(7);
        assertThat(UserCodeLoaders.loaders("23456:\n   1:  5  80  [B (java.base@17)\n")).isZero();
    }

    @Test
    void readsMetaspaceUsedFromHeapInfo() {
        String heapInfo = String.join("\n",
                "23456:",
                " garbage-first heap   total 262144K, used 51234K [0x00000000f0000000, 0x0000000100000000)",
                "  region size 1024K, 20 young (20480K), 3 survivors (3072K)",
                " Metaspace       used 63,987K, committed 64,512K, reserved 1114112K",
                "  class space    used 7,654K, committed 7,936K, reserved 1048576K");
        assertThat(UserCodeLoaders.metaspaceKb(heapInfo)).isEqualTo(63_987L);
    }

    @Test
    void readsALiveJvm() throws Exception {
        UserCodeLoaders.Reading r = UserCodeLoaders.afterFullGc(ProcessHandle.current().pid());
        // the test JVM loads Flink's classes but never creates a user-code loader
        assertThat(r.loaders()).isZero();
        assertThat(r.metaspaceKb()).isGreaterThan(1_000L);
    }
}
