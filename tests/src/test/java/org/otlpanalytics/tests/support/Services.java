package org.otlpanalytics.tests.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.otlpanalytics.jobs.embedded.EmbeddedKafka;
import org.otlpanalytics.jobs.embedded.PostgresServer;

/**
 * JUnit extension that starts a real Kafka broker (KRaft, in-JVM) and a real PostgreSQL server
 * (embedded binaries, or {@code OTLP_ANALYTICS_TEST_PG_URL}) once per test class.
 */
public final class Services implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;
    private PostgresServer postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start();
        postgres = PostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public PostgresServer postgres() {
        return postgres;
    }
}
