/* Copyright (C) the Palisade authors. SPDX-License-Identifier: AGPL-3.0-or-later
 *
 * A libsrtp peer for the interop test: protects and sends, or receives and verifies, RTP
 * packets with AES_CM_128_HMAC_SHA1_80 under a given master key||salt (hex, 30 bytes).
 *   srtp_peer send KEYHEX LOCALPORT REMOTEPORT COUNT SSRC
 *   srtp_peer recv KEYHEX LOCALPORT COUNT      (prints "ready", then "ok N" when done)
 * Payload byte = sequence number & 0xff, 160 bytes: the receiver checks it after unprotect.
 * With SRTP_PEER_POLICY=null_cipher_hmac_sha1_80 in the environment the packets are authenticated
 * only (libsrtp's null cipher: RFC 4568 UNENCRYPTED_SRTP/UNENCRYPTED_SRTCP); the receiver then also
 * checks that the payload arrived in clear.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <srtp2/srtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int fromhex(const char *h, unsigned char *out, int n) {
    for (int i = 0; i < n; i++) {
        unsigned int b;
        if (sscanf(h + 2 * i, "%2x", &b) != 1) return -1;
        out[i] = (unsigned char)b;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage\n"); return 2; }
    int sending = strcmp(argv[1], "send") == 0;
    unsigned char key[30];
    if (fromhex(argv[2], key, 30)) { fprintf(stderr, "bad key\n"); return 2; }
    int local = atoi(argv[3]);
    if (srtp_init() != srtp_err_status_ok) return 3;
    srtp_policy_t pol;
    memset(&pol, 0, sizeof pol);
    const char *which = getenv("SRTP_PEER_POLICY");
    int clear = which && strcmp(which, "null_cipher_hmac_sha1_80") == 0;
    if (clear) {
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&pol.rtp);
        srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&pol.rtcp);
    } else {
        srtp_crypto_policy_set_rtp_default(&pol.rtp);
        srtp_crypto_policy_set_rtcp_default(&pol.rtcp);
    }
    pol.ssrc.type = sending ? ssrc_any_outbound : ssrc_any_inbound;
    pol.key = key;
    pol.window_size = 128;
    srtp_t s;
    if (srtp_create(&s, &pol) != srtp_err_status_ok) return 3;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in me = {0};
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    me.sin_port = htons(local);
    if (bind(fd, (struct sockaddr *)&me, sizeof me)) { perror("bind"); return 4; }
    unsigned char buf[2048];
    if (sending) {
        int remote = atoi(argv[4]);
        int count = atoi(argv[5]);
        unsigned int ssrc = (unsigned int)strtoul(argv[6], NULL, 0);
        struct sockaddr_in to = me;
        to.sin_port = htons(remote);
        for (int i = 0; i < count; i++) {
            memset(buf, 0, 12);
            buf[0] = 0x80;
            buf[2] = (i >> 8) & 0xff; buf[3] = i & 0xff;
            buf[7] = i & 0xff;
            buf[8] = ssrc >> 24; buf[9] = ssrc >> 16; buf[10] = ssrc >> 8; buf[11] = ssrc;
            memset(buf + 12, i & 0xff, 160);
            int len = 172;
            if (srtp_protect(s, buf, &len) != srtp_err_status_ok) { fprintf(stderr, "protect failed\n"); return 5; }
            sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof to);
            usleep(1000);
        }
        printf("sent %d\n", count);
    } else {
        int count = atoi(argv[4]);
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        printf("ready\n");
        fflush(stdout);
        int ok = 0, bad = 0;
        for (int i = 0; i < count; i++) {
            int len = recv(fd, buf, sizeof buf, 0);
            if (len <= 0) break;
            if (clear) {
                /* on the wire: clear payload (seq & 0xff) and a tag */
                int seq0 = buf[2] << 8 | buf[3];
                int inClear = len == 172 + 10;
                for (int j = 12; inClear && j < 172; j++) inClear = buf[j] == (seq0 & 0xff);
                if (!inClear) { bad++; continue; }
            }
            if (srtp_unprotect(s, buf, &len) != srtp_err_status_ok) { bad++; continue; }
            int seq = buf[2] << 8 | buf[3];
            int good = len == 172;
            for (int j = 12; good && j < 172; j++) good = buf[j] == (seq & 0xff);
            if (good) ok++; else bad++;
        }
        printf("ok %d bad %d\n", ok, bad);
    }
    fflush(stdout);
    srtp_dealloc(s);
    close(fd);
    return 0;
}
