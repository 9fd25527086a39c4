-- Agencies own records and receive referrals; users belong to exactly one agency.
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bureau', 'commission', 'police', 'court', 'health', 'education',
        'social_welfare', 'cso', 'un_agency', 'other')),
    province TEXT NOT NULL,
    district TEXT,
    services TEXT NOT NULL DEFAULT '[]',
    contact_email TEXT,
    contact_phone TEXT,
    address TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'monitor', 'case_worker', 'sync_client',
        'referral_partner', 'analyst')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT
);
CREATE INDEX users_agency_id_idx ON users (agency_id);
