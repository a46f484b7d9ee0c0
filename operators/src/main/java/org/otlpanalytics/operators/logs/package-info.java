/**
 * Log fingerprints: Drain-style template mining with masking, free of Flink so that it can be tested
 * and benchmarked on its own and wrapped by a thin operator.
 *
 * <ul>
 *   <li>{@link org.otlpanalytics.operators.logs.LogMasker} turns a body into masked tokens
 *       (configured by named {@link org.otlpanalytics.operators.logs.MaskingRule}s);
 *   <li>{@link org.otlpanalytics.operators.logs.DrainTree} clusters them for one (tenant, service),
 *       configured by {@link org.otlpanalytics.operators.logs.DrainOptions}, and reports a
 *       {@link org.otlpanalytics.operators.logs.TemplateMatch} with a
 *       {@link org.otlpanalytics.operators.logs.ClusterChange};
 *   <li>{@link org.otlpanalytics.operators.logs.LogTemplateMiner} composes the two;
 *   <li>{@link org.otlpanalytics.operators.logs.DrainTreeSerializer} snapshots and restores a tree;
 *   <li>{@link org.otlpanalytics.operators.logs.TemplateFingerprint} defines the stable ids.
 * </ul>
 *
 * <p>The Flink side is two thin operators that own state, ordering and emission:
 * {@link org.otlpanalytics.operators.logs.LogFingerprinter} (keyed by tenant and service: buffers
 * records until the watermark, mines them in order, emits partial counts and the pattern
 * dictionary) and {@link org.otlpanalytics.operators.logs.LogPatternAggregator} (5-minute counts per
 * fingerprint with allowed lateness).
 *
 * <p>Stability rule: each (tenant, service) tree is fed in a deterministic order (event time, then
 * Kafka partition, then offset) and restored from its own snapshot, so replays grow the same tree; a
 * cluster's id is a fixed-seed 64-bit hash of tenant, service and the template text at creation, and
 * never changes afterwards.
 */
package org.otlpanalytics.operators.logs;
