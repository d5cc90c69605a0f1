// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.core.auth;

/**
 * The parameters of a Digest {@code Authorization} / {@code Proxy-Authorization} value
 * (RFC 3261 s.22.4 and s.25.1 {@code digest-response}; RFC 7616 s.3.4).
 *
 * <p>{@link #toString()} hides {@code response}, {@code nonce} and {@code cnonce}: together
 * they are a credential for the duration of the nonce.
 *
 * @param username the {@code username} parameter
 * @param realm the {@code realm} parameter
 * @param nonce the {@code nonce} parameter, as issued by the server
 * @param uri the {@code uri} parameter (digest-uri)
 * @param response the {@code response} parameter, lowercase hex
 * @param algorithm the {@code algorithm}; {@link DigestAlgorithm#MD5} when absent
 *     (RFC 7616 s.3.4)
 * @param cnonce the {@code cnonce} parameter or null
 * @param qop the {@code qop} parameter or null
 * @param nc the {@code nc} parameter (8 hex digits) or null
 * @param opaque the {@code opaque} parameter or null
 */
public record DigestResponse(String username, String realm, String nonce, String uri, String response,
        DigestAlgorithm algorithm, String cnonce, String qop, String nc, String opaque) {

    /** Largest accepted header value, in characters. */
    public static final int MAX_LENGTH = 4096;

    /**
     * Parses one header value such as {@code Digest username="bob", realm="example.com", ...}.
     * Never throws: every failure is a {@link DigestParse.Malformed} whose reason names the
     * bad or missing parameter without echoing values.
     */
    public static DigestParse parse(String authorizationHeaderValue) {
        return DigestParser.parse(authorizationHeaderValue);
    }

    @Override
    public String toString() {
        return "DigestResponse[username=" + username + ", realm=" + realm + ", uri=" + uri
                + ", algorithm=" + algorithm + ", qop=" + qop + ", nc=" + nc
                + ", nonce=***, cnonce=***, response=***]";
    }
}
