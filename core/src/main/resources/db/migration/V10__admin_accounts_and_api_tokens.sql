-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Admin console accounts and API tokens (issue 6). Versions from 10 up belong to the console, so that
-- migrations added meanwhile for other features (3-9) do not collide with these.

-- Passwords as Argon2id in PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$hash); never plaintext.
CREATE TABLE admin_account (
    username             VARCHAR(64)              NOT NULL,
    role                 VARCHAR(16)              NOT NULL,
    password_hash        VARCHAR(256)             NOT NULL,
    must_change_password BOOLEAN                  NOT NULL,
    enabled              BOOLEAN                  NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    password_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_admin_account PRIMARY KEY (username)
);

-- Bearer tokens for /api/v1: only the SHA-256 of the secret part is kept (the secret is 256 random bits, so a
-- fast hash is enough; the token is shown once at creation).
CREATE TABLE api_token (
    id           VARCHAR(32)              NOT NULL,
    name         VARCHAR(64)              NOT NULL,
    role         VARCHAR(16)              NOT NULL,
    secret_hash  VARCHAR(64)              NOT NULL,
    created_by   VARCHAR(64)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_api_token PRIMARY KEY (id)
);
