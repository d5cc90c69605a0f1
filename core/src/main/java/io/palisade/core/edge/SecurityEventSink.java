// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.edge;

/** Where security events go: the database, the JSON security log. Called from one writer thread. */
public interface SecurityEventSink extends AutoCloseable {
    void write(SecurityEvent event) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
