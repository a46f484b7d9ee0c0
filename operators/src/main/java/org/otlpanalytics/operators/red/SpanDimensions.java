package org.otlpanalytics.operators.red;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.otlpanalytics.operators.edges.PeerNamer;
import org.otlpanalytics.schemas.traces.SpanRecord;

/**
 * The span dimensions whose top-K values and distinct counts RED keeps per service and minute
 * ({@code span_attr_1m}), and how each is read from a span. Built-in dimensions:
 * <ul>
 *   <li>{@value #ERROR_ROUTE}: for spans with status ERROR, the {@code http.route}, else the span
 *       name — which routes or operations fail;
 *   <li>{@value #ERROR_TYPE}: the {@code error.type} attribute, where a span has one;
 *   <li>{@value #SLOW_PEER}: for CLIENT and PRODUCER spans of at least the slow-call threshold,
 *       the peer called (named as the service graph names uninstrumented peers: {@code
 *       peer.service}, the database or messaging system, {@code server.address}, else
 *       {@code unknown}).
 * </ul>
 * Any other name is a span attribute key (for example {@code enduser.id}, {@code client.address});
 * the decoder keeps exactly those attributes ({@link #attributeKeys()}).
 */
public final class SpanDimensions implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ERROR_ROUTE = "error.route";
    public static final String ERROR_TYPE = "error.type";
    public static final String SLOW_PEER = "slow.peer";
    /** The built-in dimensions, on by default. */
    public static final List<String> DEFAULTS = List.of(ERROR_ROUTE, ERROR_TYPE, SLOW_PEER);

    private static final int KIND_ERROR_ROUTE = -1;
    private static final int KIND_ERROR_TYPE = -2;
    private static final int KIND_SLOW_PEER = -3;

    private final String[] names;
    /** Per dimension: a built-in kind (negative) or the index into {@link SpanRecord#attributes}. */
    private final int[] kinds;
    private final List<String> attributeKeys;
    private final long slowCallNanos;

    private SpanDimensions(List<String> names, long slowCallNanos) {
        this.names = names.toArray(new String[0]);
        this.kinds = new int[names.size()];
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            switch (names.get(i)) {
                case ERROR_ROUTE:
                    kinds[i] = KIND_ERROR_ROUTE;
                    break;
                case ERROR_TYPE:
                    kinds[i] = KIND_ERROR_TYPE;
                    break;
                case SLOW_PEER:
                    kinds[i] = KIND_SLOW_PEER;
                    break;
                default:
                    kinds[i] = keys.size();
                    keys.add(names.get(i));
            }
        }
        this.attributeKeys = List.copyOf(keys);
        this.slowCallNanos = slowCallNanos;
    }

    /** Dimensions by name (built-ins and attribute keys, no duplicates); calls of at least {@code slowCallMillis} are slow. */
    public static SpanDimensions of(List<String> names, long slowCallMillis) {
        List<String> distinct = new ArrayList<>();
        for (String n : names) {
            String t = n.strip();
            if (!t.isEmpty() && !distinct.contains(t)) {
                distinct.add(t);
            }
        }
        return new SpanDimensions(distinct, slowCallMillis * 1_000_000L);
    }

    public static SpanDimensions none() {
        return new SpanDimensions(List.of(), Long.MAX_VALUE);
    }

    public int size() {
        return names.length;
    }

    public String name(int dimension) {
        return names[dimension];
    }

    /** The span attribute keys the decoder must keep, in the order of {@link SpanRecord#attributes}. */
    public List<String> attributeKeys() {
        return attributeKeys;
    }

    public long slowCallMillis() {
        return slowCallNanos / 1_000_000L;
    }

    /** The value of {@code dimension} for span {@code s}, or null when the span has none. */
    public String valueOf(int dimension, SpanRecord s) {
        int k = kinds[dimension];
        switch (k) {
            case KIND_ERROR_ROUTE:
                return s.isError() ? (s.httpRoute != null ? s.httpRoute : s.name) : null;
            case KIND_ERROR_TYPE:
                return s.errorType;
            case KIND_SLOW_PEER:
                if ((s.kind == SpanRecord.KIND_CLIENT || s.kind == SpanRecord.KIND_PRODUCER)
                        && s.durationNanos() >= slowCallNanos) {
                    return PeerNamer.calleeOf(s).name();
                }
                return null;
            default:
                return s.attributes == null || k >= s.attributes.length ? null : s.attributes[k];
        }
    }
}
