-- When the directory last ran Shards.repair: the start time of the PostgreSQL server it ran on. A
-- crash between a shard's commit and the directory's needs a restart of the directory's server,
-- so a server start time other than this one is what makes a starting Hotpath repair.
CREATE TABLE shard_repair_state (
    one              boolean     PRIMARY KEY DEFAULT true CHECK (one),
    postmaster_start timestamptz NOT NULL
);
