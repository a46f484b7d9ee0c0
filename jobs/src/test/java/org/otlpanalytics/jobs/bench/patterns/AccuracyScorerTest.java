package org.otlpanalytics.jobs.bench.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AccuracyScorerTest {

    @Test
    void groupingAccuracyCountsOnlyGroupsThatEqualAGroundTruthGroup() {
        String[] truth = {"E1", "E1", "E2", "E2", "E3", "E3"};
        // E1 exact; E2 split in two; E3 merged with nothing but labelled under another id number
        long[] predicted = {7, 7, 8, 9, 5, 5};

        assertThat(AccuracyScorer.groupingAccuracy(truth, predicted)).isCloseTo(4.0 / 6, within(1e-9));
    }

    @Test
    void groupingAccuracyRejectsMergedGroups() {
        String[] truth = {"E1", "E2", "E2"};
        long[] merged = {1, 1, 1};

        assertThat(AccuracyScorer.groupingAccuracy(truth, merged)).isZero();
    }

    @Test
    void parsingAccuracyComparesNormalisedTemplates() {
        String[] truth = {"Received block blk_<*> of size <*> from /<*>", "session closed for user <*>", "uid=0 ok"};
        String[] predicted = {"Received block blk_<*> of size <*> from <*>", "session closed for user news", "uid=<*> ok"};

        assertThat(AccuracyScorer.parsingAccuracy(truth, predicted)).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void normalizerAppliesTheLoghub2CorrectionRules() {
        assertThat(TemplateNormalizer.normalize("  a   <*>:<*>  b ")).isEqualTo("a <*> b");
        assertThat(TemplateNormalizer.normalize("to /<*>:<*> at <*>.<*>.<*>")).isEqualTo("to <*> at <*>");
        assertThat(TemplateNormalizer.normalize("Found block rdd_<*> locally")).isEqualTo("Found block <*> locally");
        assertThat(TemplateNormalizer.normalize("mod_jk child init <*> <*>")).isEqualTo("mod_jk child init <*>");
        assertThat(TemplateNormalizer.normalize("user=root uid=0 path /var/log/x")).isEqualTo("user=<*> uid=<*> path <*>");
        assertThat(TemplateNormalizer.normalize("PS/<*> ok")).isEqualTo("PS/<*> ok");
    }

    @Test
    void csvReaderHandlesQuotedFieldsWithCommasAndQuotes() {
        var rows = CsvReader.parse("\uFEFFLineId,Content\r\n1,\"a, b \"\"c\"\"\"\n2,plain\n");

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly("LineId", "Content");
        assertThat(rows.get(1)).containsExactly("1", "a, b \"c\"");
        assertThat(rows.get(2)).containsExactly("2", "plain");
    }
}
