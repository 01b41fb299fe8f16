-- The statement behind /readyz.

-- name: ping$
-- 1, when the database answers.
SELECT 1;
