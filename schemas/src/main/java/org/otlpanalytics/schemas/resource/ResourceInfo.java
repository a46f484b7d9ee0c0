package org.otlpanalytics.schemas.resource;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.List;
import org.otlpanalytics.schemas.TextSanitizer;

/**
 * The identity of a telemetry resource: tenant, service and the URN used as its key in
 * {@code dim_resource}. Built once per ResourceSpans/ResourceLogs/ResourceMetrics. Identity
 * attributes are untrusted: every control character and unpaired surrogate in them becomes
 * U+FFFD ({@link TextSanitizer#name}), so no crafted value can carry a separator that a key or a
 * store would misread, and the first component of a URN is escaped so that a URN names exactly
 * one (namespace, name) pair.
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

    /**
     * {@code urn:svc:<namespace>/<service.name>}, with {@code %} and {@code /} in the namespace
     * written as {@code %25} and {@code %2F}: otherwise namespace {@code a/b} with service
     * {@code c} and namespace {@code a} with service {@code b/c} would share one URN.
     */
    public static String serviceUrn(String namespace, String service) {
        return "urn:svc:" + escapeComponent(namespace) + "/" + service;
    }

    public static String hostUrn(String host) {
        return "urn:host:" + host;
    }

    /** {@code urn:peer:<system>/<address>}, the system escaped as in {@link #serviceUrn}. */
    public static String peerUrn(String system, String address) {
        return "urn:peer:" + escapeComponent(system) + "/" + address;
    }

    /** {@code %} → {@code %25}, {@code /} → {@code %2F}; anything else unchanged (no copy when there is nothing to escape). */
    static String escapeComponent(String s) {
        if (s == null || (s.indexOf('/') < 0 && s.indexOf('%') < 0)) {
            return s;
        }
        return s.replace("%", "%25").replace("/", "%2F");
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
                host == null || host.isEmpty() ? null : TextSanitizer.name(host, MAX_NAME_CHARS));
    }

    private static String orDefault(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : TextSanitizer.name(s, MAX_NAME_CHARS);
    }

    /** Cuts a string to {@link #MAX_NAME_CHARS}; hostile values cannot grow keys or rows. */
    public static String bound(String s) {
        return TextSanitizer.bound(s, MAX_NAME_CHARS);
    }

    public static String bound(String s, int max) {
        return TextSanitizer.bound(s, max);
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
