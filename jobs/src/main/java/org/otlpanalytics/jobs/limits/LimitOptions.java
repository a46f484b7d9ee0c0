package org.otlpanalytics.jobs.limits;

import java.io.Serializable;
import org.otlpanalytics.jobs.config.JobOptions;

/**
 * The per-tenant limits, parsed once from the job options: distinct tenants per window, distinct
 * resources (services, callers, callees) per tenant and window, and distinct series (RED service
 * and operation, edge caller and callee, log service and fingerprint) per tenant and window. Each
 * pipeline applies them to its own keys. 0 turns a limit off.
 *
 * @param maxTenants {@code --limits-max-tenants}
 * @param maxResourcesPerTenant {@code --limits-max-resources-per-tenant}
 * @param maxSeriesPerTenant {@code --limits-max-series-per-tenant}
 * @param maxMetricSeriesPerTenant {@code --limits-max-metric-series-per-tenant} (metric series, off by default)
 */
public record LimitOptions(int maxTenants, int maxResourcesPerTenant, int maxSeriesPerTenant, int maxMetricSeriesPerTenant)
        implements Serializable {
    public LimitOptions {
        if (maxTenants < 0) {
            throw new IllegalArgumentException("--" + JobOptions.LIMITS_MAX_TENANTS + " must be >= 0 (0 = no limit), got "
                    + maxTenants);
        }
        if (maxResourcesPerTenant < 0) {
            throw new IllegalArgumentException("--" + JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT
                    + " must be >= 0 (0 = no limit), got " + maxResourcesPerTenant);
        }
        if (maxSeriesPerTenant < 0) {
            throw new IllegalArgumentException("--" + JobOptions.LIMITS_MAX_SERIES_PER_TENANT
                    + " must be >= 0 (0 = no limit), got " + maxSeriesPerTenant);
        }
        if (maxMetricSeriesPerTenant < 0) {
            throw new IllegalArgumentException("--" + JobOptions.LIMITS_MAX_METRIC_SERIES_PER_TENANT
                    + " must be >= 0 (0 = no limit), got " + maxMetricSeriesPerTenant);
        }
    }

    public static LimitOptions of(JobOptions o) {
        return new LimitOptions(o.getInt(JobOptions.LIMITS_MAX_TENANTS), o.getInt(JobOptions.LIMITS_MAX_RESOURCES_PER_TENANT),
                o.getInt(JobOptions.LIMITS_MAX_SERIES_PER_TENANT), o.getInt(JobOptions.LIMITS_MAX_METRIC_SERIES_PER_TENANT));
    }
}
