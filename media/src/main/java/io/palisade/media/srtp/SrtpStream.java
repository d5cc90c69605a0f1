// Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.media.srtp;

import io.palisade.media.sdes.MasterKey;
import io.palisade.media.sdes.SessionParams;
import io.palisade.media.sdes.SrtpSuite;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * One direction of SRTP and SRTCP (RFC 3711) under one master key: either the
 * sender (protect) or the receiver (unprotect: authenticate, replay-check, decrypt). A crypto
 * context per SSRC holds the rollover counter and the replay window; a new stream (a rekey) starts
 * them afresh. Not thread-safe: one I/O thread owns a stream. Keys are zeroed by {@link #close()}.
 * RTP with the AES-CM suites runs on {@link AesCmRtpContext} (no per-packet cipher set-up); SRTCP,
 * the GCM suites and clear RTP run on jitsi-srtp.
 * UNENCRYPTED_SRTP and UNENCRYPTED_SRTCP (RFC 4568 6.3.2) are honoured for the AES-CM suites:
 * packets are authenticated and replay-checked as usual, their payload is sent and taken in clear.
 */
public final class SrtpStream implements AutoCloseable {
    /** Most SSRCs one stream keeps contexts for; an authenticated newcomer beyond it replaces the oldest. */
    static final int MAX_SSRCS = 16;
    private static final Logger JITSI_LOG = new LoggerImpl(SrtpStream.class.getName(), Level.WARNING);

    private final boolean sender;
    private final SrtpSuite suite;
    private final SrtpContextFactory factory;
    private final long lifetime;
    private final int mkiLength;
    private final byte[] mki;
    private final byte[] tagScratch = new byte[16];
    /** RFC 4568 6.3.2 UNENCRYPTED_SRTP / UNENCRYPTED_SRTCP: authenticated, not encrypted. */
    private final boolean clearSrtp;
    private final boolean clearSrtcp;
    private final SrtpPolicy srtpPolicy;
    private final SrtpPolicy srtcpPolicy;
    private byte[] masterKey;
    private byte[] masterSalt;
    private byte[] clearScratch;
    private final Map<Integer, SrtpCryptoContext> rtp = new HashMap<>();
    /** RTP with an AES-CM suite runs on our own context (see AesCmRtpContext); SRTCP, GCM and clear modes on jitsi. */
    private final boolean ownRtp;
    private final AesCmRtpContext ownContext;
    private final Map<Integer, AesCmRtpContext.Ssrc> own = new HashMap<>();
    private int lastOwnSsrc;
    private AesCmRtpContext.Ssrc lastOwn;
    private final Map<Integer, SrtcpCryptoContext> rtcp = new HashMap<>();
    private int lastRtpSsrc;
    private SrtpCryptoContext lastRtp;
    private int lastRtcpSsrc;
    private SrtcpCryptoContext lastRtcp;
    private long rtpCount;
    private long rtcpCount;
    private boolean closed;

    private SrtpStream(boolean sender, SrtpSuite suite, MasterKey key, SessionParams params) {
        if (params.unauthenticatedSrtp()) {
            throw new IllegalArgumentException("UNAUTHENTICATED_SRTP is not supported: packets must be authenticated");
        }
        if (suite.aead() && (params.unencryptedSrtp() || params.unencryptedSrtcp())) {
            throw new IllegalArgumentException("UNENCRYPTED_SRTP/UNENCRYPTED_SRTCP with " + suite + " is not supported");
        }
        this.sender = sender;
        this.suite = suite;
        this.clearSrtp = params.unencryptedSrtp();
        this.clearSrtcp = params.unencryptedSrtcp();
        this.ownRtp = !suite.aead() && !clearSrtp;
        // Always the encrypting policy: jitsi derives keys only for it (see UnencryptedSrtpSender). A
        // receiver needs nothing else: SRTCP's E flag says whether to decrypt, and clear SRTP
        // payload is restored after jitsi's (needless) decryption.
        this.srtpPolicy = policy(suite, false);
        this.srtcpPolicy = policy(suite, true);
        byte[] k = key.key();
        byte[] s = key.salt();
        try {
            factory = new SrtpContextFactory(sender, k, s, srtpPolicy, srtcpPolicy, JITSI_LOG);
            ownContext = ownRtp ? new AesCmRtpContext(sender, suite, k, s) : null;
            if (sender && (clearSrtp || clearSrtcp)) {
                // the clear senders are jitsi contexts built per SSRC from the master key: keep a copy, zeroed on close
                masterKey = k.clone();
                masterSalt = s.clone();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES or HmacSHA1 unavailable", e);
        } finally {
            Arrays.fill(k, (byte) 0);
            Arrays.fill(s, (byte) 0);
        }
        this.lifetime = key.lifetime().orElse(SrtpSuite.MAX_LIFETIME);
        this.mkiLength = key.mkiLength();
        this.mki = new byte[mkiLength];
        int v = key.mki().orElse(0);
        for (int i = 0; i < mkiLength; i++) {
            mki[i] = (byte) (v >>> (8 * (mkiLength - 1 - i)));
        }
    }

    /** The sending half: protects packets with our key. */
    public static SrtpStream sender(SrtpSuite suite, MasterKey key, SessionParams params) {
        return new SrtpStream(true, suite, key, params);
    }

    /** The receiving half: verifies and decrypts packets sent with the peer's key. */
    public static SrtpStream receiver(SrtpSuite suite, MasterKey key, SessionParams params) {
        return new SrtpStream(false, suite, key, params);
    }

    public SrtpSuite suite() {
        return suite;
    }

    static SrtpPolicy policy(SrtpSuite s, boolean rtcp) {
        int tag = rtcp ? s.srtcpTagLength() : s.srtpTagLength();
        SrtpPolicy p;
        if (s.aead()) {
            p = new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, s.keyLength(), SrtpPolicy.NULL_AUTHENTICATION, 0, tag,
                    s.saltLength());
        } else {
            p = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, s.keyLength(),
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, tag, s.saltLength());
        }
        // A relay sends what its receiving side authenticated and replay-checked; a second check on
        // the sending side would only drop audio when the peer rekeys and restarts its sequence.
        p.setSendReplayEnabled(false);
        return p;
    }

    /** Adds SRTP protection to an RTP packet in place (the buffer grows by the tag and MKI). */
    public SrtpStatus protectRtp(PacketBuffer p) {
        checkSender(true);
        if (p.getLength() < 12) {
            return SrtpStatus.INVALID;
        }
        if (++rtpCount > lifetime) {
            return SrtpStatus.KEY_EXPIRED;
        }
        try {
            if (ownRtp) {
                SrtpStatus st = ownContext.protect(p, ownState(ssrcRtp(p), true));
                if (st == SrtpStatus.OK) {
                    insertMki(p, suite.srtpTagLength());
                }
                return st;
            }
            SrtpCryptoContext c = rtpContext(ssrcRtp(p), true);
            SrtpStatus st = clearSrtp ? ((UnencryptedSrtpSender) c).protect(p) : map(c.transformPacket(p));
            if (st == SrtpStatus.OK) {
                insertMki(p, suite.srtpTagLength());
            }
            return st;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.FAIL;
        }
    }

    /** Verifies and decrypts an SRTP packet in place; anything but OK means: drop it. */
    public SrtpStatus unprotectRtp(PacketBuffer p) {
        checkSender(false);
        if (p.getLength() < 12 + mkiLength + suite.srtpTagLength() || (p.getBuffer()[p.getOffset()] & 0xC0) != 0x80) {
            return SrtpStatus.INVALID;
        }
        if (!stripMki(p, suite.srtpTagLength())) {
            return SrtpStatus.INVALID;
        }
        if (rtpCount >= lifetime) {
            return SrtpStatus.KEY_EXPIRED;
        }
        int ssrc = ssrcRtp(p);
        try {
            if (ownRtp) {
                AesCmRtpContext.Ssrc c = ownState(ssrc, false);
                boolean fresh = c == null;
                if (fresh) {
                    c = new AesCmRtpContext.Ssrc();
                }
                SrtpStatus st = ownContext.unprotect(p, c);
                if (st == SrtpStatus.OK) {
                    rtpCount++;
                    if (fresh) {
                        keep(own, ssrc, c);
                    }
                    lastOwnSsrc = ssrc;
                    lastOwn = c;
                }
                return st;
            }
            SrtpCryptoContext c = rtpContext(ssrc, false);
            boolean fresh = c == null;
            if (fresh) {
                c = factory.deriveContext(ssrc, 0);
            }
            int clearLength = p.getLength() - suite.srtpTagLength();
            if (clearSrtp) {
                if (clearScratch == null || clearScratch.length < clearLength) {
                    clearScratch = new byte[Math.max(clearLength, 256)];
                }
                System.arraycopy(p.getBuffer(), p.getOffset(), clearScratch, 0, clearLength);
            }
            SrtpStatus st = map(c.reverseTransformPacket(p, false));
            if (st == SrtpStatus.OK) {
                if (clearSrtp) {
                    // authenticated as sent (in clear); undo jitsi's decryption of a clear payload
                    System.arraycopy(clearScratch, 0, p.getBuffer(), p.getOffset(), clearLength);
                }
                rtpCount++;
                if (fresh) {
                    keep(rtp, ssrc, c);
                }
                lastRtpSsrc = ssrc;
                lastRtp = c;
            }
            return st;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.FAIL;
        }
    }

    /** Adds SRTCP protection (E flag, index, tag) to an RTCP compound packet in place. */
    public SrtpStatus protectRtcp(PacketBuffer p) {
        checkSender(true);
        if (p.getLength() < 8) {
            return SrtpStatus.INVALID;
        }
        if (++rtcpCount > Math.min(lifetime, 1L << 31)) {
            return SrtpStatus.KEY_EXPIRED;
        }
        try {
            SrtcpCryptoContext c = rtcpContext(ssrcRtcp(p), true);
            SrtpStatus st = clearSrtcp ? ((UnencryptedSrtcpSender) c).protect(p) : map(c.transformPacket(p));
            if (st == SrtpStatus.OK) {
                insertMki(p, suite.srtcpTagLength());
            }
            return st;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.FAIL;
        }
    }

    /** Verifies and decrypts an SRTCP packet in place. */
    public SrtpStatus unprotectRtcp(PacketBuffer p) {
        checkSender(false);
        if (p.getLength() < 8 + 4 + mkiLength + suite.srtcpTagLength() || (p.getBuffer()[p.getOffset()] & 0xC0) != 0x80) {
            return SrtpStatus.INVALID;
        }
        if (!stripMki(p, suite.srtcpTagLength())) {
            return SrtpStatus.INVALID;
        }
        int ssrc = ssrcRtcp(p);
        try {
            SrtcpCryptoContext c = rtcpContext(ssrc, false);
            boolean fresh = c == null;
            if (fresh) {
                c = factory.deriveControlContext(ssrc);
            }
            SrtpStatus st = map(c.reverseTransformPacket(p));
            if (st == SrtpStatus.OK) {
                rtcpCount++;
                if (fresh) {
                    keep(rtcp, ssrc, c);
                }
                lastRtcpSsrc = ssrc;
                lastRtcp = c;
            }
            return st;
        } catch (GeneralSecurityException e) {
            return SrtpStatus.FAIL;
        }
    }

    /** Zeroes the master key copy held by the context factory and forgets every context. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            factory.close();
            if (masterKey != null) {
                Arrays.fill(masterKey, (byte) 0);
                Arrays.fill(masterSalt, (byte) 0);
                masterKey = null;
                masterSalt = null;
            }
            rtp.clear();
            rtcp.clear();
            if (ownContext != null) {
                ownContext.close();
            }
            own.clear();
            lastOwn = null;
            lastRtp = null;
            lastRtcp = null;
        }
    }

    private AesCmRtpContext.Ssrc ownState(int ssrc, boolean create) {
        if (lastOwn != null && lastOwnSsrc == ssrc) {
            return lastOwn;
        }
        AesCmRtpContext.Ssrc c = own.get(ssrc);
        if (c == null && create) {
            c = new AesCmRtpContext.Ssrc();
            keep(own, ssrc, c);
        }
        if (c != null) {
            lastOwnSsrc = ssrc;
            lastOwn = c;
        }
        return c;
    }

    private SrtpCryptoContext rtpContext(int ssrc, boolean create) throws GeneralSecurityException {
        if (lastRtp != null && lastRtpSsrc == ssrc) {
            return lastRtp;
        }
        SrtpCryptoContext c = rtp.get(ssrc);
        if (c == null && create) {
            c = clearSrtp ? new UnencryptedSrtpSender(ssrc, masterKey, masterSalt, srtpPolicy, JITSI_LOG)
                    : factory.deriveContext(ssrc, 0);
            keep(rtp, ssrc, c);
        }
        if (c != null) {
            lastRtpSsrc = ssrc;
            lastRtp = c;
        }
        return c;
    }

    private SrtcpCryptoContext rtcpContext(int ssrc, boolean create) throws GeneralSecurityException {
        if (lastRtcp != null && lastRtcpSsrc == ssrc) {
            return lastRtcp;
        }
        SrtcpCryptoContext c = rtcp.get(ssrc);
        if (c == null && create) {
            c = clearSrtcp ? new UnencryptedSrtcpSender(ssrc, masterKey, masterSalt, srtcpPolicy, JITSI_LOG)
                    : factory.deriveControlContext(ssrc);
            keep(rtcp, ssrc, c);
        }
        if (c != null) {
            lastRtcpSsrc = ssrc;
            lastRtcp = c;
        }
        return c;
    }

    private static <C> void keep(Map<Integer, C> map, int ssrc, C c) {
        if (map.size() >= MAX_SSRCS) {
            map.remove(map.keySet().iterator().next());
        }
        map.put(ssrc, c);
    }

    private void insertMki(PacketBuffer p, int tagLen) {
        if (mkiLength == 0) {
            return;
        }
        p.grow(mkiLength);
        byte[] b = p.getBuffer();
        int tagStart = p.getOffset() + p.getLength() - tagLen;
        System.arraycopy(b, tagStart, b, tagStart + mkiLength, tagLen);
        System.arraycopy(mki, 0, b, tagStart, mkiLength);
        p.setLength(p.getLength() + mkiLength);
    }

    /** RFC 3711 3.1: the MKI sits between the (encrypted) payload and the tag, unauthenticated. */
    private boolean stripMki(PacketBuffer p, int tagLen) {
        if (mkiLength == 0) {
            return true;
        }
        byte[] b = p.getBuffer();
        int tagStart = p.getOffset() + p.getLength() - tagLen;
        int mkiStart = tagStart - mkiLength;
        int diff = 0;
        for (int i = 0; i < mkiLength; i++) {
            diff |= b[mkiStart + i] ^ mki[i];
        }
        if (diff != 0) {
            return false;
        }
        System.arraycopy(b, tagStart, tagScratch, 0, tagLen);
        System.arraycopy(tagScratch, 0, b, mkiStart, tagLen);
        p.setLength(p.getLength() - mkiLength);
        return true;
    }

    private void checkSender(boolean wantSender) {
        if (closed) {
            throw new IllegalStateException("stream closed");
        }
        if (sender != wantSender) {
            throw new IllegalStateException(sender ? "a sender stream cannot unprotect" : "a receiver stream cannot protect");
        }
    }

    private static int ssrcRtp(PacketBuffer p) {
        return readInt(p.getBuffer(), p.getOffset() + 8);
    }

    private static int ssrcRtcp(PacketBuffer p) {
        return readInt(p.getBuffer(), p.getOffset() + 4);
    }

    static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | b[i + 3] & 0xff;
    }

    private static SrtpStatus map(SrtpErrorStatus s) {
        return switch (s) {
            case OK -> SrtpStatus.OK;
            case AUTH_FAIL -> SrtpStatus.AUTH_FAIL;
            case REPLAY_FAIL, REPLAY_OLD -> SrtpStatus.REPLAY;
            case INVALID_PACKET -> SrtpStatus.INVALID;
            default -> SrtpStatus.FAIL;
        };
    }

    @Override
    public String toString() {
        return "SrtpStream[" + (sender ? "sender" : "receiver") + ", " + suite + ", keys redacted]";
    }
}
