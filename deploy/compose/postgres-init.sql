-- One database and one owner per service (one service, one database): no service can read another's tables.
-- Runs once, when the postgres-data volume is empty. Development passwords only.
CREATE ROLE registry LOGIN PASSWORD 'registry';
CREATE DATABASE registry OWNER registry;
CREATE ROLE complaints LOGIN PASSWORD 'complaints';
CREATE DATABASE complaints OWNER complaints;
CREATE ROLE funds LOGIN PASSWORD 'funds';
CREATE DATABASE funds OWNER funds;
CREATE ROLE enforcement LOGIN PASSWORD 'enforcement';
CREATE DATABASE enforcement OWNER enforcement;
CREATE ROLE ratings LOGIN PASSWORD 'ratings';
CREATE DATABASE ratings OWNER ratings;
REVOKE CONNECT ON DATABASE registry, complaints, funds, enforcement, ratings FROM PUBLIC;
