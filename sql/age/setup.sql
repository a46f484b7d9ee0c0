-- Apache AGE set-up of the live graph 'ops' (the edge job does the same when it starts and
-- AGE is installed; edges.live.age=auto). Needs AGE 1.6 (PG15 branch) or later.
CREATE EXTENSION IF NOT EXISTS age;
-- every session needs this unless 'age' is in shared_preload_libraries
LOAD 'age';
-- property-map patterns need ag_catalog's operators on the search path
SET search_path = ag_catalog, "$user", public;
SELECT ag_catalog.create_graph('ops') WHERE NOT EXISTS (SELECT 1 FROM ag_catalog.ag_graph WHERE name = 'ops');
