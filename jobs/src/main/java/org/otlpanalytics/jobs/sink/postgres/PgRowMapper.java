package org.otlpanalytics.jobs.sink.postgres;

import java.io.Serializable;
import java.util.List;
import org.otlpanalytics.jobs.sink.rejected.KafkaOrigin;

/**
 * Turns one output record into parameter sets for the sink's upsert statements. Implementations
 * hold the SQL of one table family; every value goes out as a bound parameter.
 */
public interface PgRowMapper<T> extends Serializable {
    /** The statements, in the order they must run (dimensions before facts). */
    List<PgStatement> statements();

    /** Adds the parameter sets of one record. */
    void map(T record, PgBatch out);

    /** The Kafka records behind a record, named in the dead letter of a rejected row; null if unknown. */
    default KafkaOrigin origin(T record) {
        return null;
    }
}
