// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Known-answer tests from the RFCs; values kept verbatim with their source. */
class DigestVectorsTest {
    // RFC 7616 s.3.9.1 (example with SHA-256 and MD5)
    static final String RFC7616_USER = "Mufasa";
    static final String RFC7616_PASSWORD = "Circle of Life";
    static final String RFC7616_REALM = "http-auth@example.org";
    static final String RFC7616_METHOD = "GET";
    static final String RFC7616_URI = "/dir/index.html";
    static final String RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    static final String RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    static final String RFC7616_NC = "00000001";
    static final String RFC7616_QOP = "auth";
    static final String RFC7616_RESPONSE_MD5 = "8ca523f5e9506fed4657c9700eebdbec";
    static final String RFC7616_RESPONSE_SHA256 =
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";

    // RFC 2617 s.3.5 (MD5, qop=auth)
    static final String RFC2617_USER = "Mufasa";
    static final String RFC2617_PASSWORD = "Circle Of Life";
    static final String RFC2617_REALM = "testrealm@host.com";
    static final String RFC2617_NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    static final String RFC2617_CNONCE = "0a4f113b";
    static final String RFC2617_RESPONSE = "6629fae49393a05397450978507c4ef1";

    private static String response(DigestAlgorithm alg, String user, String realm, String password,
            String nonce, String cnonce) {
        String ha1 = Ha1.compute(alg, user, realm, password.toCharArray());
        return DigestAuthenticator.expectedResponse(alg, ha1, nonce, "00000001", cnonce, "auth", "GET",
                "/dir/index.html");
    }

    @Test
    void rfc7616_md5() {
        assertEquals(RFC7616_RESPONSE_MD5, response(DigestAlgorithm.MD5, RFC7616_USER, RFC7616_REALM,
                RFC7616_PASSWORD, RFC7616_NONCE, RFC7616_CNONCE));
    }

    @Test
    void rfc7616_sha256() {
        assertEquals(RFC7616_RESPONSE_SHA256, response(DigestAlgorithm.SHA_256, RFC7616_USER,
                RFC7616_REALM, RFC7616_PASSWORD, RFC7616_NONCE, RFC7616_CNONCE));
    }

    @Test
    void rfc2617_md5() {
        assertEquals(RFC2617_RESPONSE, response(DigestAlgorithm.MD5, RFC2617_USER, RFC2617_REALM,
                RFC2617_PASSWORD, RFC2617_NONCE, RFC2617_CNONCE));
    }

    @Test
    void rfc7616_authorizationValueParses() {
        // The Authorization header of RFC 7616 s.3.9.1 (SHA-256 variant), unfolded.
        String header = "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\","
                + " algorithm=SHA-256, nonce=\"" + RFC7616_NONCE + "\", nc=00000001, cnonce=\"" + RFC7616_CNONCE
                + "\", qop=auth, response=\"" + RFC7616_RESPONSE_SHA256 + "\","
                + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
        DigestParse p = DigestResponse.parse(header);
        assertTrue(p instanceof DigestParse.Ok, p.toString());
        DigestResponse r = ((DigestParse.Ok) p).value();
        assertEquals(DigestAlgorithm.SHA_256, r.algorithm());
        assertEquals(RFC7616_RESPONSE_SHA256, r.response());
        assertEquals(RFC7616_CNONCE, r.cnonce());
        assertEquals(RFC7616_NC, r.nc());
        assertEquals(RFC7616_QOP, r.qop());
        assertEquals(RFC7616_URI, r.uri());
        String again = DigestAuthenticator.expectedResponse(r.algorithm(),
                Ha1.compute(r.algorithm(), r.username(), r.realm(), RFC7616_PASSWORD.toCharArray()),
                r.nonce(), r.nc(), r.cnonce(), r.qop(), RFC7616_METHOD, r.uri());
        assertEquals(r.response(), again);
    }

    @Test
    void algorithmTokens() {
        assertEquals(Optional.of(DigestAlgorithm.SHA_256), DigestAlgorithm.fromToken("sha-256"));
        assertEquals(Optional.of(DigestAlgorithm.MD5), DigestAlgorithm.fromToken("md5"));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken("MD5-sess"));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken("SHA-256-sess"));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken("SHA-512-256"));
        assertEquals(Optional.empty(), DigestAlgorithm.fromToken(null));
        assertEquals("SHA-256", DigestAlgorithm.SHA_256.token());
        // FIPS 180-2 / RFC 1321 known answers for "abc"
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                DigestAlgorithm.SHA_256.hexDigest("abc"));
        assertEquals("900150983cd24fb0d6963f7d28e17f72", DigestAlgorithm.MD5.hexDigest("abc"));
    }
}
