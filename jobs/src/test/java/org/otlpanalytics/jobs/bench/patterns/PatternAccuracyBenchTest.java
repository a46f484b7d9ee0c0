package org.otlpanalytics.jobs.bench.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.otlpanalytics.operators.logs.DrainOptions;
import org.otlpanalytics.operators.logs.LogMasker;

class PatternAccuracyBenchTest {

    private static void writeDataset(Path root, String name, String csv) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve(name + "_2k.log_structured.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name + "_2k.log"), "", StandardCharsets.UTF_8);
    }

    @Test
    void printsInSampleAndLeaveOneOutScoresThenHeapAndThroughput(@TempDir Path root) throws IOException {
        writeDataset(root, "Alpha", """
                LineId,Level,Content,EventId,EventTemplate
                1,INFO,Connection closed by 10.0.0.1 port 22,E1,Connection closed by <*> port <*>
                2,INFO,Connection closed by 10.0.0.2 port 23,E1,Connection closed by <*> port <*>
                3,WARN,"Disk full, retry in 5 s",E2,"Disk full, retry in <*> s"
                """);
        writeDataset(root, "Beta", """
                LineId,Content,EventId,EventTemplate
                1,job 1 done,E1,job <*> done
                2,job 2 done,E1,job <*> done
                """);
        Files.createDirectories(root.resolve("not-a-dataset"));

        List<LoghubDataset> datasets = PatternAccuracyBench.loadAll(root);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PatternAccuracyBench.run(datasets, LogMasker.defaults(), DrainOptions.defaults(), 3, new PrintStream(bytes, true, StandardCharsets.UTF_8), null);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(datasets).extracting(LoghubDataset::name).containsExactly("Alpha", "Beta");
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).matches("Alpha GA=1\\.000 PA=1\\.000 lines/s=\\d+");
        assertThat(lines.get(1)).matches("Beta GA=1\\.000 PA=1\\.000 lines/s=\\d+");
        assertThat(lines.get(2)).isEqualTo("average GA=1.000 PA=1.000");
        // every configuration is perfect on these two, so the grid's first (its prior) is chosen
        assertThat(lines.get(3)).isEqualTo("Alpha held-out GA=1.000 PA=1.000 chosen depth=3 sim-threshold=0.5 max-enum-values=6");
        assertThat(lines.get(4)).isEqualTo("Beta held-out GA=1.000 PA=1.000 chosen depth=3 sim-threshold=0.5 max-enum-values=6");
        assertThat(lines.get(5)).isEqualTo("leave-one-out average GA=1.000 PA=1.000");
        assertThat(lines.get(6)).isEqualTo("chosen on all: depth=3 sim-threshold=0.5 max-enum-values=6 (not the default)");
        assertThat(lines.get(7)).matches("peak_heap_mb=\\d+");
        assertThat(lines.get(8)).matches("average lines/s=\\d+");
        assertThat(lines.get(9)).matches("all lines/s=\\d+");
        assertThat(lines.get(10)).matches("miner lines/s=\\d+ baseline lines/s=\\d+ miner_vs_baseline_ratio=\\d+\\.\\d{3}");
    }
}
