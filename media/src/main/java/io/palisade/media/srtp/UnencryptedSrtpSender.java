// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.Logger;

/**
 * Sends SRTP with UNENCRYPTED_SRTP (RFC 4568 6.3.2): the payload stays clear and only the
 * authentication tag of RFC 3711 4.2 (HMAC-SHA1 over the packet and the ROC) is added.
 *
 * <p>Why not jitsi's NULL_ENCRYPTION policy: jitsi-srtp 1.1 builds its key derivation function
 * (the AES-CM PRF of RFC 3711 4.3.3) only for policies that encrypt, so a NULL_ENCRYPTION context
 * throws a NullPointerException from {@code SrtpKdf.deriveSessionKey} while deriving the
 * authentication key. This context is therefore built with the AES-CM policy of the suite, which
 * derives the same authentication key (label 0x01 does not depend on the cipher), and uses only
 * jitsi's HMAC; the packet index is estimated here as RFC 3711 3.3.1 and appendix A say.
 */
final class UnencryptedSrtpSender extends SrtpCryptoContext {
    private final int tagLength;
    private boolean started;
    private int roc;
    private int highestSeq;

    UnencryptedSrtpSender(int ssrc, byte[] masterKey, byte[] masterSalt, SrtpPolicy aesCmPolicy, Logger log)
            throws GeneralSecurityException {
        super(true, ssrc, 0, masterKey, masterSalt, aesCmPolicy, log);
        this.tagLength = aesCmPolicy.getAuthTagLength();
    }

    /** Appends the tag; the packet must be a whole RTP packet (at least 12 bytes). */
    SrtpStatus protect(ByteArrayBuffer p) {
        byte[] b = p.getBuffer();
        int seq = (b[p.getOffset() + 2] & 0xff) << 8 | b[p.getOffset() + 3] & 0xff;
        int v = estimateRoc(seq);
        byte[] tag = authenticatePacketHmac(p, v);
        p.append(tag, tagLength);
        if (v == roc) {
            if (seq > highestSeq) {
                highestSeq = seq;
            }
        } else if (v == roc + 1) {
            roc = v;
            highestSeq = seq;
        }
        return SrtpStatus.OK;
    }

    /** RFC 3711 appendix A: the ROC a sequence number belongs to, relative to the highest one sent. */
    private int estimateRoc(int seq) {
        if (!started) {
            started = true;
            highestSeq = seq;
            return roc;
        }
        if (highestSeq < 32_768) {
            return seq - highestSeq > 32_768 && roc > 0 ? roc - 1 : roc;
        }
        return highestSeq - 32_768 > seq ? roc + 1 : roc;
    }
}
