/**
 * The temporal topology and the live graph of service-call edges, per directed edge
 * ({@link org.otlpanalytics.operators.topology.EdgeTopologyTracker}): validity intervals for
 * {@code topo_edge_time} and the changes of the last-10-minutes graph for {@code live_edge} and
 * Apache AGE. The cores ({@link org.otlpanalytics.operators.topology.EdgeRuns},
 * {@link org.otlpanalytics.operators.topology.LiveWindow}) have no Flink imports and depend on
 * the set of calls only, never on their arrival order.
 */
package org.otlpanalytics.operators.topology;
