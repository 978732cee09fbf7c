-- The request role of the service (see README, "Running against a PostgreSQL server"): it owns no
-- table and cannot bypass row-level security. The migrations grant it what it needs.
CREATE ROLE lotse_app LOGIN PASSWORD 'lotse_app' NOSUPERUSER NOBYPASSRLS;
