package org.otlpanalytics.jobs.sink.postgres;

import java.util.List;
import org.otlpanalytics.operators.ingest.DeadLetterCount;

/**
 * Upserts of {@code dead_letter_1m}: a minute's total so far; the greatest total written wins, so
 * a recount after a restore or a partial replay never lowers a minute.
 */
public final class DeadLetterCountRowMapper implements PgRowMapper<DeadLetterCount> {
    private static final long serialVersionUID = 1L;

    static final String UPSERT = "INSERT INTO dead_letter_1m (bucket, source_topic, stage, kind, dead_letters) "
            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (bucket, source_topic, stage, kind) DO UPDATE SET "
            + "dead_letters = GREATEST(dead_letter_1m.dead_letters, EXCLUDED.dead_letters)";

    @Override
    public List<PgStatement> statements() {
        return List.of(new PgStatement("dead_letter_1m", UPSERT));
    }

    @Override
    public void map(DeadLetterCount r, PgBatch b) {
        b.add(0, List.of(r.bucketStartMillis, r.sourceTopic, r.stage, r.kind), PgParams.ts(r.bucketStartMillis),
                r.sourceTopic, r.stage, r.kind, r.deadLetters);
    }
}
