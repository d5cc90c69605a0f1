-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Node-wide settings that must survive restarts, such as the digest realm the stored HA1 values were made for.
CREATE TABLE setting (
    name          VARCHAR(64)   NOT NULL,
    setting_value VARCHAR(1024) NOT NULL,
    CONSTRAINT pk_setting PRIMARY KEY (name)
);
