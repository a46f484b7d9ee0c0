package org.otlpanalytics.operators.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Accuracy on application logs never tuned on: the synthetic services of {@link SyntheticServiceLogs}
 * (fifteen after the OpenTelemetry demo's, forty generated), one pattern per logging statement with
 * exactly the statement's record count.
 */
class LogTemplateMinerAccuracyTest {
    private static final int GENERATED_SERVICES = 40;

    private static Map<String, List<SyntheticServiceLogs.Statement>> services() {
        Map<String, List<SyntheticServiceLogs.Statement>> services = new LinkedHashMap<>(SyntheticServiceLogs.demoServices());
        services.putAll(SyntheticServiceLogs.generatedServices(2027, GENERATED_SERVICES));
        return services;
    }

    @Test
    void everyStatementOfEveryServiceGetsOneFingerprintWithItsExactCount() {
        Map<String, List<SyntheticServiceLogs.Statement>> services = services();
        List<SyntheticServiceLogs.Line> lines = SyntheticServiceLogs.generate(services, 600, 11);

        MinedStatements mined = MinedStatements.mine(lines, DrainOptions.defaults());

        Map<String, Map<Integer, Integer>> expected = MinedStatements.expected(lines);
        assertThat(expected).hasSize(15 + GENERATED_SERVICES);
        assertThat(expected.values().stream().mapToInt(Map::size).sum())
                .isEqualTo(services.values().stream().mapToInt(List::size).sum());
        assertThat(mined.perStatement()).isEqualTo(expected);
    }

    @Test
    void demoStatementsGetTheirTemplates() {
        List<SyntheticServiceLogs.Line> lines = SyntheticServiceLogs.generate(SyntheticServiceLogs.demoServices(), 600, 5);

        MinedStatements mined = MinedStatements.mine(lines, DrainOptions.defaults());

        assertThat(mined.templates.get("frontend")).containsValues(
                "Request validation failed for <*> <*> from <*>: <*>",
                "GET <*> completed with status <*> in <*>",
                "POST <*> completed with status <*> in <*>");
        assertThat(mined.templates.get("product-catalog")).containsValues(
                "Cache miss for product <*>, loaded from catalog store in <*> ms",
                "Cache hit for product <*> in <*> ms");
        assertThat(mined.templates.get("cart")).containsValues(
                "Cache hit for cart of user <*> in <*>", "Cache miss for cart of user <*> in <*>",
                "Can't access cart storage. Connection to <*> refused <*>");
        assertThat(mined.templates.get("payment")).containsValues(
                "Feature flag paymentFailure evaluated to <*> for user <*>",
                "Charge request received: {\"amount\": {\"currencyCode\": \"<*>\", \"units\": <*>, \"nanos\": <*>}}");
        assertThat(mined.templates.get("ad")).containsValues("Targeted ad request received for [<*>]");
        assertThat(mined.templates.get("load-generator")).containsValues("User <*> browsing product <*> from <*>");
    }
}
