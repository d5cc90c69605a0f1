-- SPDX-License-Identifier: AGPL-3.0-or-later
-- Networks a user may use Palisade from (RFC 3261 leaves this to policy). No rows for a user = anywhere.
CREATE TABLE subscriber_network (
    username VARCHAR(64) NOT NULL,
    network  VARCHAR(64) NOT NULL,
    CONSTRAINT pk_subscriber_network PRIMARY KEY (username, network),
    CONSTRAINT fk_subscriber_network_user FOREIGN KEY (username) REFERENCES subscriber (username) ON DELETE CASCADE
);
