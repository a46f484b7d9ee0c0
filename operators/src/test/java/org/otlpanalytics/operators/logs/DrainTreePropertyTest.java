package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: for random streams generated from a set of format strings with random values, where any
 * prefix of a statement's records may share its values, every format string ends up as exactly one
 * fingerprint (following merges) and no fingerprint serves two format strings.
 */
class DrainTreePropertyTest {
    static LongStream seeds() {
        return LongStream.range(0, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyFormatStringEndsAsExactlyOneFingerprint(long seed) {
        Map<String, List<SyntheticServiceLogs.Statement>> services = SyntheticServiceLogs.generatedServices(seed, 6);
        // hot prefixes of 0 to 200 records: some statements start with hundreds of identical values
        List<SyntheticServiceLogs.Line> lines = SyntheticServiceLogs.generate(services, 400, seed * 31 + 7, 200);

        MinedStatements mined = MinedStatements.mine(lines, DrainOptions.defaults());

        assertThat(mined.perStatement()).isEqualTo(MinedStatements.expected(lines));
    }
}
