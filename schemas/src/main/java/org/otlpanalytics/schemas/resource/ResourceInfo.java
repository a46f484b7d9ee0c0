package org.otlpanalytics.schemas.resource;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;

/**
 * The identity of a telemetry resource: tenant, service and the URN used as its key in
 * {@code dim_resource}. Built once per ResourceSpans/ResourceLogs/ResourceMetrics.
 */
public final class ResourceInfo {
    public static final String DEFAULT_TENANT = "default";
    public static final String DEFAULT_NAMESPACE = "default";
    public static final String UNKNOWN_SERVICE = "unknown_service";
    /** Names and attribute values are cut to this many characters. */
    public static final int MAX_NAME_CHARS = 256;

    public final String tenant;
    public final String serviceName;
    public final String serviceNamespace;
    public final String hostName;
    public final String urn;

    public ResourceInfo(String tenant, String serviceName, String serviceNamespace, String hostName) {
        this.tenant = tenant;
        this.serviceName = serviceName;
        this.serviceNamespace = serviceNamespace;
        this.hostName = hostName;
        this.urn = serviceUrn(serviceNamespace, serviceName);
    }

    public static String serviceUrn(String namespace, String service) {
        return "urn:svc:" + namespace + "/" + service;
    }

    public static String hostUrn(String host) {
        return "urn:host:" + host;
    }

    public static String peerUrn(String system, String address) {
        return "urn:peer:" + system + "/" + address;
    }

    public static ResourceInfo of(Resource r) {
        List<KeyValue> attrs = r.getAttributesList();
        String tenant = null;
        String service = null;
        String ns = null;
        String host = null;
        for (KeyValue kv : attrs) {
            switch (kv.getKey()) {
                case "tenant.id":
                    tenant = stringValue(kv.getValue());
                    break;
                case "service.name":
                    service = stringValue(kv.getValue());
                    break;
                case "service.namespace":
                    ns = stringValue(kv.getValue());
                    break;
                case "host.name":
                    host = stringValue(kv.getValue());
                    break;
                default:
                    break;
            }
        }
        return new ResourceInfo(
                orDefault(tenant, DEFAULT_TENANT),
                orDefault(service, UNKNOWN_SERVICE),
                orDefault(ns, DEFAULT_NAMESPACE),
                host == null || host.isEmpty() ? null : bound(host));
    }

    private static String orDefault(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : bound(s);
    }

    /** Cuts a string to {@link #MAX_NAME_CHARS}; hostile values cannot grow keys or rows. */
    public static String bound(String s) {
        return bound(s, MAX_NAME_CHARS);
    }

    public static String bound(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** The value of an attribute as text; null when it is not set. */
    public static String stringValue(AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case INT_VALUE:
                return Long.toString(v.getIntValue());
            case DOUBLE_VALUE:
                return Double.toString(v.getDoubleValue());
            case BOOL_VALUE:
                return Boolean.toString(v.getBoolValue());
            case VALUE_NOT_SET:
                return null;
            default:
                return v.toString();
        }
    }
}
