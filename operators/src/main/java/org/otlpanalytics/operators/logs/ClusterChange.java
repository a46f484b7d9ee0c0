package org.otlpanalytics.operators.logs;

/**
 * What adding one message did to the tree, so that the caller (the Flink operator) decides what to
 * emit or persist without diffing templates itself.
 */
public enum ClusterChange {
    /** The message started a new cluster; its fingerprint id is new. */
    CREATED,
    /** The message joined a cluster whose template became more general (or absorbed siblings); the id is unchanged. */
    TEMPLATE_CHANGED,
    /** The message matched an existing template as it was. */
    NONE
}
