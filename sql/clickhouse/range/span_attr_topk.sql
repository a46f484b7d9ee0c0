-- Top-K of the span dimensions per tenant and service over [t_from, t_to): the ClickHouse twin of
-- PostgreSQL's span_attr_topk(t_from, t_to, dimension), for every dimension at once (column
-- attribute: filter it in the caller's WHERE, e.g. a Grafana variable). Every value listed in a minute
-- of the range with its summed count (a lower bound), count_upper = count + the max_error of the
-- minutes that did not list it (an upper bound), max_error = the sum of all max_error (what an unlisted
-- value can reach), rank = 1 for the most frequent (ties by value). Take the rows with rank <= k.
-- Parameters {t_from:DateTime}, {t_to:DateTime} as in red_range.sql; duplicate-free: FINAL.
-- (No window functions and no sumMap over strings on 18.16: the ranks come from a sorted array.)

SELECT
    tenant,
    service,
    service_urn,
    attribute,
    tupleElement(t, 2) AS item,
    tupleElement(t, 3) AS count,
    tupleElement(t, 3) + e_max_error - tupleElement(t, 4) AS count_upper,
    e_max_error AS max_error,
    rank
FROM
(
    SELECT tenant, service, service_urn, attribute, arraySort(groupArray((-toInt64(i_count), item, i_count, listed_error))) AS sorted
    FROM
    (
        SELECT tenant, service, service_urn, attribute, item, sum(c) AS i_count, sum(max_error) AS listed_error
        FROM span_attr_1m FINAL
        ARRAY JOIN items AS item, counts AS c
        WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime}
        GROUP BY tenant, service, service_urn, attribute, item
    )
    GROUP BY tenant, service, service_urn, attribute
) AS listed
ANY LEFT JOIN
(
    SELECT tenant, service, service_urn, attribute, sum(max_error) AS e_max_error
    FROM span_attr_1m FINAL
    WHERE bucket >= {t_from:DateTime} AND bucket < {t_to:DateTime}
    GROUP BY tenant, service, service_urn, attribute
) AS bounds USING (tenant, service, service_urn, attribute)
ARRAY JOIN sorted AS t, arrayEnumerate(sorted) AS rank
ORDER BY tenant, service, attribute, rank;
