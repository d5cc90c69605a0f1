// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.core.tls.TlsIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The SIP TLS listener's certificate (the console's too): subject, issuer, validity, SHA-256 fingerprint. */
@Path("certificate")
@Produces(MediaType.APPLICATION_JSON)
public class CertificateResource {
    private final TlsIdentity tls;
    private final Clock clock;

    public CertificateResource(TlsIdentity tls, Clock clock) {
        this.tls = tls;
        this.clock = clock;
    }

    public record CertificateView(String subject, String issuer, Instant notBefore, Instant notAfter, long daysLeft,
            String sha256Fingerprint, boolean selfSigned) {
        public static CertificateView of(TlsIdentity tls, Instant now) {
            X509Certificate c = tls.certificate();
            return new CertificateView(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                    c.getNotBefore().toInstant(), tls.notAfter(), Duration.between(now, tls.notAfter()).toDays(),
                    tls.fingerprintSha256(), c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
        }
    }

    @GET
    @RolesAllowed("auditor")
    public CertificateView get() {
        return CertificateView.of(tls, clock.instant());
    }
}
