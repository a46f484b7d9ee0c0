package org.otlpanalytics.schemas.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One OTLP metric data point, flattened: resource identity, series identity (metric name and
 * attributes), the point's value(s) and the Kafka coordinates it came from. One class for all
 * five point types; the fields a type does not use keep their defaults.
 *
 * <p>Public fields and a no-arg constructor keep it a Flink POJO with no generic (Kryo) field:
 * attributes are two parallel sorted arrays rather than a map, because Flink's map serializer
 * would neither keep the order nor the concrete {@code TreeMap} type. {@link #attributes()} gives
 * the sorted map view. Arrays are never null (empty when unused); optional doubles are
 * {@code NaN} when absent.
 *
 * <p>Values per {@link #type}:
 * <ul>
 *   <li>GAUGE, SUM: {@link #value} ({@link #longValue} too, exact, when {@link #valueIsInt}).
 *   <li>HISTOGRAM: {@link #count}, {@link #sum}, {@link #min}, {@link #max},
 *       {@link #explicitBounds} and {@link #bucketCounts} (one more count than bounds, or both
 *       empty); bucket i covers (bounds[i-1], bounds[i]].
 *   <li>EXPONENTIAL_HISTOGRAM: count/sum/min/max, {@link #scale}, {@link #zeroCount},
 *       {@link #zeroThreshold}, positive and negative offset + bucket counts; bucket index i
 *       covers (base^i, base^(i+1)] with base = 2^(2^-scale).
 *   <li>SUMMARY: {@link #count}, {@link #sum}, {@link #quantiles} and {@link #quantileValues}.
 * </ul>
 */
public class MetricPoint {
    static final String[] NO_STRINGS = new String[0];
    static final long[] NO_LONGS = new long[0];
    static final double[] NO_DOUBLES = new double[0];

    // resource identity (from ResourceInfo)
    public String tenant;
    public String serviceName;
    public String serviceNamespace;
    public String serviceUrn;
    /** host.name of the resource, or null. */
    public String hostName;
    /** The dim_resource URN this point is aggregated under (see MetricDecoder#resourceUrn). */
    public String resourceUrn;

    // series identity
    public String name;
    /** UCUM unit as sent ("" when absent). */
    public String unit;
    public MetricType type;
    public Temporality temporality;
    /** Only meaningful for SUM. */
    public boolean monotonic;
    /** Attribute keys, sorted, at most MetricDecoder.MAX_ATTRIBUTES. */
    public String[] attributeKeys = NO_STRINGS;
    /** Attribute values as text, parallel to attributeKeys. */
    public String[] attributeValues = NO_STRINGS;
    /** Attributes cut by the per-point cap (the largest keys are the ones cut). */
    public int attributesDropped;
    /** LabelsHash of the (kept) attributes. */
    public long labelsHash;

    // time
    /** 0 when the sender did not set it. */
    public long startTimeNanos;
    public long timeNanos;

    // GAUGE, SUM
    public double value;
    public boolean valueIsInt;
    public long longValue;

    // HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY
    public long count;
    public double sum = Double.NaN;
    public double min = Double.NaN;
    public double max = Double.NaN;

    // HISTOGRAM
    public double[] explicitBounds = NO_DOUBLES;
    public long[] bucketCounts = NO_LONGS;

    // EXPONENTIAL_HISTOGRAM
    public int scale;
    public long zeroCount;
    public double zeroThreshold;
    public int positiveOffset;
    public long[] positiveBucketCounts = NO_LONGS;
    public int negativeOffset;
    public long[] negativeBucketCounts = NO_LONGS;

    // SUMMARY
    /** Quantiles in [0, 1], in the order sent; entries with a non-finite value are left out. */
    public double[] quantiles = NO_DOUBLES;
    public double[] quantileValues = NO_DOUBLES;

    // where it came from
    public int kafkaPartition;
    public long kafkaOffset;

    public MetricPoint() {}

    /** The attributes as an unmodifiable sorted map. */
    public SortedMap<String, String> attributes() {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < attributeKeys.length; i++) {
            m.put(attributeKeys[i], attributeValues[i]);
        }
        return Collections.unmodifiableSortedMap(m);
    }

    /** The value of one attribute, or null. */
    public String attribute(String key) {
        int i = Arrays.binarySearch(attributeKeys, key);
        return i >= 0 ? attributeValues[i] : null;
    }

    /**
     * The series identity as one string, for {@code keyBy}: tenant, resource URN, metric name and
     * labels hash (the {@code metric_1m} key without the bucket), each part length-prefixed
     * ({@code <length>:<text>}) so that no tenant, URN or name can produce another series' key.
     */
    public String seriesKey() {
        StringBuilder sb = new StringBuilder(64);
        for (String part : new String[] {tenant, resourceUrn, name}) {
            sb.append(part == null ? -1 : part.length()).append(':').append(part == null ? "" : part);
        }
        return sb.append(Long.toHexString(labelsHash)).toString();
    }

    public long timeMillis() {
        return timeNanos / 1_000_000L;
    }

    /**
     * A copy that shares the (immutable) strings and copies every non-empty array; empty arrays
     * are shared (nothing in them can change), so copying a sum or gauge point clones only its
     * attributes, not seven empty arrays.
     */
    public MetricPoint copy() {
        MetricPoint c = new MetricPoint();
        c.tenant = tenant;
        c.serviceName = serviceName;
        c.serviceNamespace = serviceNamespace;
        c.serviceUrn = serviceUrn;
        c.hostName = hostName;
        c.resourceUrn = resourceUrn;
        c.name = name;
        c.unit = unit;
        c.type = type;
        c.temporality = temporality;
        c.monotonic = monotonic;
        c.attributeKeys = copyOf(attributeKeys);
        c.attributeValues = copyOf(attributeValues);
        c.attributesDropped = attributesDropped;
        c.labelsHash = labelsHash;
        c.startTimeNanos = startTimeNanos;
        c.timeNanos = timeNanos;
        c.value = value;
        c.valueIsInt = valueIsInt;
        c.longValue = longValue;
        c.count = count;
        c.sum = sum;
        c.min = min;
        c.max = max;
        c.explicitBounds = copyOf(explicitBounds);
        c.bucketCounts = copyOf(bucketCounts);
        c.scale = scale;
        c.zeroCount = zeroCount;
        c.zeroThreshold = zeroThreshold;
        c.positiveOffset = positiveOffset;
        c.positiveBucketCounts = copyOf(positiveBucketCounts);
        c.negativeOffset = negativeOffset;
        c.negativeBucketCounts = copyOf(negativeBucketCounts);
        c.quantiles = copyOf(quantiles);
        c.quantileValues = copyOf(quantileValues);
        c.kafkaPartition = kafkaPartition;
        c.kafkaOffset = kafkaOffset;
        return c;
    }

    private static String[] copyOf(String[] a) {
        return a.length == 0 ? a : a.clone();
    }

    private static long[] copyOf(long[] a) {
        return a.length == 0 ? a : a.clone();
    }

    private static double[] copyOf(double[] a) {
        return a.length == 0 ? a : a.clone();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MetricPoint{").append(resourceUrn).append(' ').append(name)
                .append(' ').append(type).append('/').append(temporality).append(monotonic ? "/monotonic" : "")
                .append(' ').append(attributes()).append(" start=").append(startTimeNanos)
                .append(" time=").append(timeNanos);
        if (type == MetricType.GAUGE || type == MetricType.SUM) {
            sb.append(" value=").append(valueIsInt ? Long.toString(longValue) : Double.toString(value));
        } else {
            sb.append(" count=").append(count).append(" sum=").append(sum);
        }
        return sb.append('}').toString();
    }
}
