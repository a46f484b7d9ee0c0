package org.otlpanalytics.operators.limits;

import org.otlpanalytics.schemas.resource.ResourceInfo;

/** The names that members past a limit fold into: one overflow tenant, one overflow service and one overflow peer per tenant. */
public final class Overflow {
    /** The tenant code of everything from tenants past {@code --limits-max-tenants}. */
    public static final String TENANT = "overflow";
    public static final String NAMESPACE = "overflow";
    public static final String NAME = "other";
    /** {@code urn:svc:overflow/other}: the service of everything from services past the per-tenant resource limit. */
    public static final String SERVICE_URN = ResourceInfo.serviceUrn(NAMESPACE, NAME);
    /** {@code urn:peer:overflow/other}: the callee of calls to peers past a limit (the same as the peer cap's). */
    public static final String PEER_URN = ResourceInfo.peerUrn(NAMESPACE, NAME);

    private Overflow() {}
}
