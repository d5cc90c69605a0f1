// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.Logger;

/**
 * Sends SRTCP with UNENCRYPTED_SRTCP (RFC 4568 6.3.2): the compound packet stays clear, the E flag
 * is 0, and the packet carries the SRTCP index and the HMAC-SHA1 tag over packet, E flag and index
 * (RFC 3711 3.4). Built on the suite's AES-CM policy for the reason given in
 * {@link UnencryptedSrtpSender}; receiving needs no such help, since jitsi honours the E flag.
 */
final class UnencryptedSrtcpSender extends SrtcpCryptoContext {
    private final int tagLength;
    private final byte[] indexBytes = new byte[4];
    private int index;

    UnencryptedSrtcpSender(int ssrc, byte[] masterKey, byte[] masterSalt, SrtpPolicy aesCmPolicy, Logger log)
            throws GeneralSecurityException {
        super(ssrc, masterKey, masterSalt, aesCmPolicy, log);
        this.tagLength = aesCmPolicy.getAuthTagLength();
    }

    /** Appends E=0 with the 31-bit index, then the tag. The caller bounds the index below 2^31. */
    SrtpStatus protect(ByteArrayBuffer p) {
        int ei = index & 0x7fff_ffff; // E flag 0: not encrypted
        byte[] tag = authenticatePacketHmac(p, ei);
        indexBytes[0] = (byte) (ei >>> 24);
        indexBytes[1] = (byte) (ei >>> 16);
        indexBytes[2] = (byte) (ei >>> 8);
        indexBytes[3] = (byte) ei;
        p.append(indexBytes, 4);
        p.append(tag, tagLength);
        index++;
        return SrtpStatus.OK;
    }
}
