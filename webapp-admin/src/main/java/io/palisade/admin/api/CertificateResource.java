// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.Actor;
import io.palisade.admin.AdminServices;
import io.palisade.admin.ConsoleOperations;
import io.palisade.core.tls.CertificateService;
import io.palisade.core.tls.TlsIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The SIP TLS listener's certificate (the console's too): subject, issuer, validity, SHA-256 fingerprint; and
 * replacing it (administrators): a PEM chain + key or a PKCS#12 file, validated, stored under the data directory and
 * used for new TLS connections at once.
 */
@Path("certificate")
@Produces(MediaType.APPLICATION_JSON)
public class CertificateResource {
    /** What an upload answers about when it takes effect. */
    public static final String LIVE = "new SIP TLS and console connections use it now; open connections keep the "
            + "previous certificate until they reconnect; it is kept for the next start";

    private final AdminServices services;
    private final ConsoleOperations operations;

    public CertificateResource(AdminServices services, ConsoleOperations operations) {
        this.services = services;
        this.operations = operations;
    }

    public record CertificateView(String subject, String issuer, Instant notBefore, Instant notAfter, long daysLeft,
            String sha256Fingerprint, boolean selfSigned, boolean uploadAllowed, String uploadRefusal) {
        public static CertificateView of(AdminServices s, Instant now) {
            TlsIdentity tls = s.tlsNow();
            X509Certificate c = tls.certificate();
            String refusal = s.certificates() == null ? "certificate upload is not available in this deployment"
                    : s.certificates().uploadRefusal().orElse(null);
            return new CertificateView(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                    c.getNotBefore().toInstant(), tls.notAfter(), Duration.between(now, tls.notAfter()).toDays(),
                    tls.fingerprintSha256(), c.getSubjectX500Principal().equals(c.getIssuerX500Principal()),
                    refusal == null, refusal);
        }
    }

    /**
     * An upload: {@code format} {@code pem} with {@code certificate} (the chain, server certificate first) and
     * {@code privateKey} (unencrypted PEM), or {@code pkcs12} with {@code keystore} (the file, base64) and
     * {@code password}.
     */
    public record Upload(
            @NotNull(message = "pem or pkcs12") @Pattern(regexp = "(?i)pem|pkcs12", message = "pem or pkcs12") String format,
            @Size(max = 65_536, message = "at most 64 KiB") String certificate,
            @Size(max = 65_536, message = "at most 64 KiB") String privateKey,
            @Size(max = 131_072, message = "at most 96 KiB of PKCS#12") String keystore,
            @Size(max = 1024, message = "at most 1024 characters") String password) {
        @Override
        public String toString() {
            return "Upload[format=" + format + ", privateKey=***, keystore=***, password=***]";
        }
    }

    public record Installed(CertificateView certificate, boolean live, String effect) {
    }

    @GET
    @RolesAllowed("auditor")
    public CertificateView get() {
        return CertificateView.of(services, services.clock().instant());
    }

    @PUT
    @RolesAllowed("administrator")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response upload(@Valid @NotNull(message = "a JSON body is required") Upload body, @Context SecurityContext sc) {
        CertificateService certs = services.certificates();
        if (certs == null) {
            throw new ConsoleOperations.NotFound("certificate upload is not available in this deployment");
        }
        Actor a = ApiAuthFilter.actor(sc);
        if ("pem".equalsIgnoreCase(body.format())) {
            certs.installPem(a.name(), bytes(body.certificate()), bytes(body.privateKey()), a.source());
        } else {
            byte[] p12;
            try {
                p12 = body.keystore() == null ? new byte[0] : Base64.getMimeDecoder().decode(body.keystore());
            } catch (IllegalArgumentException e) {
                return Problem.invalid("keystore", "not base64");
            }
            certs.installPkcs12(a.name(), p12, body.password() == null ? new char[0] : body.password().toCharArray(),
                    a.source());
        }
        return Response.ok(new Installed(get(), true, LIVE)).build();
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.US_ASCII);
    }
}
