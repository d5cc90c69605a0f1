// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.sdes;

/** What a leg's policy demands of its media. */
public enum MediaSecurity {
    /** SRTP or nothing: an offer without a usable {@code a=crypto} line fails the call. */
    SRTP_REQUIRED,
    /** SRTP when the peer offers or accepts it, plain RTP otherwise (trusted networks only). */
    SRTP_OPTIONAL,
    /** Plain RTP only, for legacy devices inside a trusted network. */
    RTP_ONLY
}
