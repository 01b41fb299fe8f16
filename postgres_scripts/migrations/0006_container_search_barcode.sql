-- 0006: a container's q searches its barcode too (uuid, barcode, description, as
-- api/container.py declares): the trigram index over the searched text, and the list
-- statement in services/web/project/database/container.sql, say the same expression.

DROP INDEX container_search_idx;
CREATE INDEX container_search_idx ON container USING gin (
    (uuid::text || E'\x1f' || coalesce(barcode, '') || E'\x1f' || coalesce(description, '')) gin_trgm_ops);
ALTER INDEX container_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
