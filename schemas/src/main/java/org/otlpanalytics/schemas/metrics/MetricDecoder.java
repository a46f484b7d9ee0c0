package org.otlpanalytics.schemas.metrics;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.otlpanalytics.schemas.DecodeException;
import org.otlpanalytics.schemas.Encoding;
import org.otlpanalytics.schemas.OtlpJson;
import org.otlpanalytics.schemas.OtlpProto;
import org.otlpanalytics.schemas.TextSanitizer;
import org.otlpanalytics.schemas.resource.ResourceInfo;

/**
 * Decodes one {@code ExportMetricsServiceRequest} (same bytes as {@code MetricsData}) into flat
 * {@link MetricPoint}s, one per data point of every type. Validation is all-or-nothing, as in
 * {@code SpanDecoder}: one malformed point dead-letters the whole message.
 *
 * <p>Malformed (a {@link DecodeException}): unparsable bytes; a metric without a name; a sum,
 * histogram or exponential histogram with UNSPECIFIED temporality; a point without
 * {@code time_unix_nano}, or (except gauges) with a start time after its time; a count or bucket
 * count above 2^63-1 (fixed64/uint64 read as a negative long); a histogram whose bucket counts
 * are not one more than its bounds (both empty is allowed), whose bounds are not finite and
 * strictly increasing, or whose bucket counts do not add up to its count; an exponential
 * histogram with a scale outside [-10, 20], a negative or non-finite zero threshold, or
 * zero + positive + negative counts different from its count; more than {@link #MAX_BUCKETS}
 * buckets in one array; a summary quantile outside [0, 1]; {@code min > max}.
 *
 * <p>Dropped and counted in {@link #pointsDropped()}, not malformed: points flagged
 * NO_RECORDED_VALUE, gauge/sum points without a value, and gauge/sum points whose value is NaN or
 * infinite (they would poison averages and sketches). A non-finite histogram sum/min/max is read
 * as absent (NaN); a summary quantile with a non-finite value (Prometheus summaries without
 * observations send NaN) is left out of the point.
 *
 * <p>Exemplars are ignored: the aggregates do not use them, and trace links come from spans.
 * Metric descriptions and scope names are not kept.
 */
public final class MetricDecoder implements org.otlpanalytics.schemas.OtlpDecoder<MetricPoint> {
    private static final long serialVersionUID = 1L;
    /** Bounds a hostile message. */
    public static final int MAX_POINTS_PER_MESSAGE = 1_000_000;
    /** Attributes kept per point; the rest are cut and counted in {@code attributesDropped}. */
    public static final int MAX_ATTRIBUTES = MetricAttributes.MAX_ATTRIBUTES;
    /** Largest bucket-count array (explicit, positive, negative) or quantile list accepted. */
    public static final int MAX_BUCKETS = 2048;
    /** Units are cut to this many characters. */
    public static final int MAX_UNIT_CHARS = 64;
    public static final int MIN_SCALE = -10;
    public static final int MAX_SCALE = 20;
    /** Prefix of the metrics attributed to the host rather than the service. */
    public static final String HOST_METRIC_PREFIX = "system.";

    private final Encoding encoding;
    private long pointsDropped;
    private long attributesDropped;

    public MetricDecoder(Encoding encoding) {
        this.encoding = encoding;
    }

    public ExportMetricsServiceRequest parse(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new DecodeException("empty message (null value)");
        }
        if (encoding == Encoding.OTLP_JSON) {
            return OtlpJson.merge(bytes, ExportMetricsServiceRequest.newBuilder()).build();
        }
        return OtlpProto.parse(bytes, ExportMetricsServiceRequest.parser(), ExportMetricsServiceRequest.getDescriptor());
    }

    /**
     * Decodes and validates the whole message, then appends every point to {@code out}.
     *
     * @return the number of points appended
     * @throws DecodeException if any part is malformed; {@code out} is then left as it was
     */
    @Override
    public int decode(byte[] bytes, int partition, long offset, List<MetricPoint> out) throws DecodeException {
        ExportMetricsServiceRequest req = parse(bytes);
        int start = out.size();
        PointReader reader = new PointReader(partition, offset, out);
        try {
            for (ResourceMetrics rm : req.getResourceMetricsList()) {
                ResourceInfo res = ResourceInfo.of(rm.getResource());
                for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                    for (Metric m : sm.getMetricsList()) {
                        reader.read(res, m);
                    }
                }
            }
        } catch (DecodeException e) {
            while (out.size() > start) {
                out.remove(out.size() - 1);
            }
            throw e;
        }
        pointsDropped += reader.dropped;
        for (int i = start; i < out.size(); i++) {
            attributesDropped += out.get(i).attributesDropped;
        }
        return out.size() - start;
    }

    public void decode(byte[] bytes, int partition, long offset, Consumer<MetricPoint> out) throws DecodeException {
        List<MetricPoint> buf = new ArrayList<>();
        decode(bytes, partition, offset, buf);
        buf.forEach(out);
    }

    /** A point's time (not its start): the minute it is aggregated in. */
    @Override
    public long eventTimeMillis(MetricPoint p) {
        return p.timeMillis();
    }

    /** Points dropped so far by this decoder (no value, NaN/infinite value); never reset. */
    public long pointsDropped() {
        return pointsDropped;
    }

    /** Attributes left out of kept points so far, beyond {@link #MAX_ATTRIBUTES} per point; never reset. */
    @Override
    public long attributesDropped() {
        return attributesDropped;
    }

    /**
     * The resource a point is aggregated under: {@code urn:host:<host.name>} for
     * {@code system.*} metrics (host metrics describe the machine, whichever service or collector
     * reports them) when the resource has a host.name; otherwise the service URN
     * {@code urn:svc:<namespace>/<service.name>}, which also holds process and runtime
     * ({@code process.*}, {@code jvm.*}, ...) metrics: one process per service instance.
     */
    public static String resourceUrn(ResourceInfo res, String metricName) {
        if (res.hostName != null && metricName.startsWith(HOST_METRIC_PREFIX)) {
            return ResourceInfo.hostUrn(res.hostName);
        }
        return res.urn;
    }

    /** Reads the points of one message, counting what it drops. */
    private static final class PointReader {
        private final int partition;
        private final long offset;
        private final List<MetricPoint> out;
        private int points;
        int dropped;
        /** The resource {@link #hostUrn} was built for: one host URN per resource, not one per point of its {@code system.*} metrics. */
        private ResourceInfo hostUrnOf;
        private String hostUrn;

        PointReader(int partition, long offset, List<MetricPoint> out) {
            this.partition = partition;
            this.offset = offset;
            this.out = out;
        }

        void read(ResourceInfo res, Metric m) throws DecodeException {
            if (m.getName().isEmpty()) {
                throw new DecodeException("metric without a name");
            }
            String name = TextSanitizer.name(m.getName(), ResourceInfo.MAX_NAME_CHARS);
            String unit = TextSanitizer.name(m.getUnit(), MAX_UNIT_CHARS);
            switch (m.getDataCase()) {
                case GAUGE:
                    for (NumberDataPoint dp : m.getGauge().getDataPointsList()) {
                        number(newPoint(res, name, unit, MetricType.GAUGE, Temporality.NONE, false,
                                dp.getAttributesList(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano()), dp);
                    }
                    break;
                case SUM: {
                    Temporality t = temporality(name, m.getSum().getAggregationTemporality());
                    for (NumberDataPoint dp : m.getSum().getDataPointsList()) {
                        number(newPoint(res, name, unit, MetricType.SUM, t, m.getSum().getIsMonotonic(),
                                dp.getAttributesList(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano()), dp);
                    }
                    break;
                }
                case HISTOGRAM: {
                    Temporality t = temporality(name, m.getHistogram().getAggregationTemporality());
                    for (HistogramDataPoint dp : m.getHistogram().getDataPointsList()) {
                        MetricPoint p = newPoint(res, name, unit, MetricType.HISTOGRAM, t, false,
                                dp.getAttributesList(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano());
                        if (noRecordedValue(dp.getFlags())) {
                            dropped++;
                        } else {
                            PointChecks.histogram(p, dp);
                            out.add(p);
                        }
                    }
                    break;
                }
                case EXPONENTIAL_HISTOGRAM: {
                    Temporality t = temporality(name, m.getExponentialHistogram().getAggregationTemporality());
                    for (ExponentialHistogramDataPoint dp : m.getExponentialHistogram().getDataPointsList()) {
                        MetricPoint p = newPoint(res, name, unit, MetricType.EXPONENTIAL_HISTOGRAM, t, false,
                                dp.getAttributesList(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano());
                        if (noRecordedValue(dp.getFlags())) {
                            dropped++;
                        } else {
                            PointChecks.exponential(p, dp);
                            out.add(p);
                        }
                    }
                    break;
                }
                case SUMMARY:
                    for (SummaryDataPoint dp : m.getSummary().getDataPointsList()) {
                        MetricPoint p = newPoint(res, name, unit, MetricType.SUMMARY, Temporality.CUMULATIVE, false,
                                dp.getAttributesList(), dp.getStartTimeUnixNano(), dp.getTimeUnixNano());
                        if (noRecordedValue(dp.getFlags())) {
                            dropped++;
                        } else {
                            PointChecks.summary(p, dp);
                            out.add(p);
                        }
                    }
                    break;
                default:
                    // DATA_NOT_SET: a metric without points carries nothing to aggregate
                    break;
            }
        }

        private MetricPoint newPoint(ResourceInfo res, String name, String unit, MetricType type, Temporality t,
                boolean monotonic, List<KeyValue> attrs, long start, long time) throws DecodeException {
            if (++points > MAX_POINTS_PER_MESSAGE) {
                throw new DecodeException("more than " + MAX_POINTS_PER_MESSAGE + " points in one message");
            }
            if (time == 0) {
                throw new DecodeException("point of metric '" + name + "' without time_unix_nano");
            }
            if (type != MetricType.GAUGE && start != 0 && Long.compareUnsigned(start, time) > 0) {
                throw new DecodeException("point of metric '" + name + "' starts after its time");
            }
            if (time < 0 || start < 0) {
                throw new DecodeException("point of metric '" + name + "' has a time beyond year 2262");
            }
            MetricPoint p = new MetricPoint();
            p.tenant = res.tenant;
            p.serviceName = res.serviceName;
            p.serviceNamespace = res.serviceNamespace;
            p.serviceUrn = res.urn;
            p.hostName = res.hostName;
            p.resourceUrn = resourceUrnOf(res, name);
            p.name = name;
            p.unit = unit;
            p.type = type;
            p.temporality = t;
            p.monotonic = monotonic;
            MetricAttributes.apply(attrs, p);
            p.startTimeNanos = start;
            p.timeNanos = time;
            p.kafkaPartition = partition;
            p.kafkaOffset = offset;
            return p;
        }

        /**
         * {@link MetricDecoder#resourceUrn}, the host URN built once per resource: the same string
         * object for all its points, so what hashes it downstream (the pre-aggregator's buffer, the
         * shuffle's string table) hashes it once.
         */
        private String resourceUrnOf(ResourceInfo res, String name) {
            if (res.hostName != null && name.startsWith(HOST_METRIC_PREFIX)) {
                if (hostUrnOf != res) {
                    hostUrnOf = res;
                    hostUrn = ResourceInfo.hostUrn(res.hostName);
                }
                return hostUrn;
            }
            return res.urn;
        }

        private void number(MetricPoint p, NumberDataPoint dp) {
            if (noRecordedValue(dp.getFlags())) {
                dropped++;
                return;
            }
            switch (dp.getValueCase()) {
                case AS_INT:
                    p.valueIsInt = true;
                    p.longValue = dp.getAsInt();
                    p.value = dp.getAsInt();
                    break;
                case AS_DOUBLE:
                    if (!Double.isFinite(dp.getAsDouble())) {
                        dropped++;
                        return;
                    }
                    p.value = dp.getAsDouble();
                    break;
                default:
                    dropped++;
                    return;
            }
            out.add(p);
        }
    }

    private static boolean noRecordedValue(int flags) {
        return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
    }

    private static Temporality temporality(String name, AggregationTemporality t) throws DecodeException {
        switch (t) {
            case AGGREGATION_TEMPORALITY_DELTA:
                return Temporality.DELTA;
            case AGGREGATION_TEMPORALITY_CUMULATIVE:
                return Temporality.CUMULATIVE;
            default:
                throw new DecodeException("metric '" + name + "' has unspecified aggregation temporality");
        }
    }
}
