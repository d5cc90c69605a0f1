// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

/** The outcome of one packet transform: the per-packet path reports, it does not throw. */
public enum SrtpStatus {
    OK,
    /** Authentication tag did not verify (RFC 3711 3.3 step 5). */
    AUTH_FAIL,
    /** Index already seen or behind the replay window (RFC 3711 3.3.2). */
    REPLAY,
    /** Too short, wrong version, or an MKI that is not ours. */
    INVALID,
    /** The master key's lifetime (RFC 3711 9.2 / RFC 4568 6.1) is used up: rekey needed. */
    KEY_EXPIRED,
    /** Crypto provider failure. */
    FAIL
}
