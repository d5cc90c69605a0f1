-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Call detail records of the B2BUA: written when a call starts, completed when it ends (ended_at NULL = active).
CREATE TABLE call_record (
    id            VARCHAR(40)  NOT NULL,
    caller        VARCHAR(64)  NOT NULL,
    callee        VARCHAR(64)  NOT NULL,
    started_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    answered_at   TIMESTAMP WITH TIME ZONE,
    ended_at      TIMESTAMP WITH TIME ZONE,
    cause         VARCHAR(64)  NOT NULL,
    a_transport   VARCHAR(8)   NOT NULL,
    b_transport   VARCHAR(8)   NOT NULL,
    a_suite       VARCHAR(32)  NOT NULL,
    b_suite       VARCHAR(32)  NOT NULL,
    a_packets_in  BIGINT       NOT NULL,
    a_packets_out BIGINT       NOT NULL,
    b_packets_in  BIGINT       NOT NULL,
    b_packets_out BIGINT       NOT NULL,
    CONSTRAINT pk_call_record PRIMARY KEY (id)
);
CREATE INDEX ix_call_record_started ON call_record (started_at);
CREATE INDEX ix_call_record_active ON call_record (ended_at);
