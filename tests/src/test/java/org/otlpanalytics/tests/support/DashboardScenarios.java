package org.otlpanalytics.tests.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How the dashboard tests render each dashboard of {@link DashboardFixture}'s data, on either store. */
public final class DashboardScenarios {
    private static final long S = DashboardFixture.START;
    private static final long M = 60_000L;

    private DashboardScenarios() {}

    /** One rendering: range, interval, and the value of each variable (a list for multi-value ones; "$__all" = All). */
    public record Scenario(String name, long from, long to, long intervalMs, Map<String, List<String>> values) {}

    /**
     * The renderings of dashboard {@code name} (its uid without the store's prefix, {@code otlp-pg-} or
     * {@code otlp-ch-}: both stores' dashboards are rendered alike), with each of {@code extra}'s
     * variables set to its one value in every rendering.
     */
    public static List<Scenario> of(String name, Map<String, String> extra) {
        List<String> all = List.of("$__all");
        Map<String, List<String>> full = new HashMap<>();
        Map<String, List<String>> part = new HashMap<>();
        boolean single = name.equals("service") || name.equals("service-map") || name.equals("dependencies");
        full.put("tenant", single ? List.of("default") : all);
        full.put("service", name.equals("service") ? List.of("checkout") : all);
        full.put("operation", all);
        full.put("span_kind", List.of("SERVER", "CONSUMER"));
        full.put("resource", all);
        part.put("tenant", single ? List.of("acme") : List.of("default", "acme"));
        part.put("service", name.equals("service") ? List.of("checkout") : name.equals("log-patterns")
                ? List.of("frontend", "payment") : List.of("checkout", "payment"));
        part.put("operation", List.of("POST /checkout", "GET /cart"));
        part.put("span_kind", List.of("SERVER", "CLIENT"));
        part.put("resource", List.of("urn:host:payment-host-1", "urn:svc:shop/frontend"));
        extra.forEach((k, v) -> {
            full.put(k, List.of(v));
            part.put(k, List.of(v));
        });
        long fullTo = name.equals("dependencies") ? S + 10 * M : DashboardFixture.END;
        List<Scenario> out = new ArrayList<>(List.of(new Scenario("whole range, every value", S, fullTo, M, full),
                new Scenario("sub-range at 5 minutes, chosen values", S + 5 * M, S + 15 * M, 5 * M, part)));
        if (name.equals("red")) {
            // before the injected fault: the incidents annotation shows nothing
            out.add(new Scenario("before the fault, every value", S, DashboardFixture.INCIDENT_FROM - 2 * M, M, full));
        }
        return out;
    }
}
