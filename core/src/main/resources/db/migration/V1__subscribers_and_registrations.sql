-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Portable SQL (H2 2.x and PostgreSQL): standard types only, no vendor functions.

-- Subscribers: HA1 values only (RFC 7616 s.3.4.2), never passwords.
CREATE TABLE subscriber (
    username     VARCHAR(64)              NOT NULL,
    display_name VARCHAR(128),
    enabled      BOOLEAN                  NOT NULL,
    ha1_md5      VARCHAR(32)              NOT NULL,
    ha1_sha256   VARCHAR(64)              NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_subscriber PRIMARY KEY (username)
);

-- Location service bindings (RFC 3261 s.10.3): one row per (address-of-record, contact).
CREATE TABLE registration (
    aor            VARCHAR(512)             NOT NULL,
    contact_uri    VARCHAR(1024)            NOT NULL,
    q              REAL                     NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    call_id        VARCHAR(256)             NOT NULL,
    cseq           BIGINT                   NOT NULL,
    transport      VARCHAR(8)               NOT NULL,
    remote_address VARCHAR(64)              NOT NULL,
    remote_port    INTEGER                  NOT NULL,
    local_address  VARCHAR(64)              NOT NULL,
    local_port     INTEGER                  NOT NULL,
    user_agent     VARCHAR(256),
    instance_id    VARCHAR(256),
    CONSTRAINT pk_registration PRIMARY KEY (aor, contact_uri)
);

CREATE INDEX ix_registration_expires_at ON registration (expires_at);
