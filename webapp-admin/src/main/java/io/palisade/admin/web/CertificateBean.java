// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.web;

import io.palisade.admin.Actor;
import io.palisade.admin.api.CertificateResource;
import io.palisade.admin.api.CertificateResource.CertificateView;
import io.palisade.core.admin.AdminRole;
import io.palisade.core.tls.CertificateService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The certificate page: the SIP TLS certificate (subject, issuer, validity, SHA-256 fingerprint) and, for
 * administrators, replacing it with a pasted PEM chain + key or an uploaded PKCS#12 file. The key is never rendered
 * back: after a refusal the certificate text stays, the key must be pasted again.
 */
@Named
@RequestScoped
public class CertificateBean {
    static final int MAX_FILE = 96 * 1024;

    private CertificateView view;
    private String certificatePem;
    private String privateKeyPem;
    private Part keystore;
    private String password;

    public CertificateView getNow() {
        if (view == null) {
            view = CertificateView.of(Faces.services(), Faces.services().clock().instant());
        }
        return view;
    }

    public String getEffect() {
        return CertificateResource.LIVE;
    }

    public String getCertificatePem() {
        return certificatePem;
    }

    public void setCertificatePem(String certificatePem) {
        this.certificatePem = certificatePem;
    }

    public String getPrivateKeyPem() {
        return null; // never rendered back
    }

    public void setPrivateKeyPem(String privateKeyPem) {
        this.privateKeyPem = privateKeyPem;
    }

    public Part getKeystore() {
        return null;
    }

    public void setKeystore(Part keystore) {
        this.keystore = keystore;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public void uploadPem() {
        CertificateService certs = allowed();
        if (certs == null) {
            return;
        }
        byte[] cert = certificatePem == null ? new byte[0] : certificatePem.getBytes(StandardCharsets.US_ASCII);
        byte[] key = privateKeyPem == null ? new byte[0] : privateKeyPem.getBytes(StandardCharsets.US_ASCII);
        privateKeyPem = null;
        Actor a = Faces.actor();
        try {
            certs.installPem(a.name(), cert, key, a.source());
        } catch (CertificateService.InvalidCertificate e) {
            Faces.error("pem:" + e.field(), label(e.field()) + ": " + e.getMessage());
            return;
        }
        done();
    }

    public void uploadPkcs12() {
        CertificateService certs = allowed();
        if (certs == null) {
            return;
        }
        char[] pw = Faces.chars(password);
        password = null;
        byte[] file;
        if (keystore == null || keystore.getSize() == 0) {
            Faces.error("p12:keystore", "PKCS#12 file: choose a file");
            return;
        }
        if (keystore.getSize() > MAX_FILE) {
            Faces.error("p12:keystore", "PKCS#12 file: at most 96 KiB");
            return;
        }
        try (InputStream in = keystore.getInputStream()) {
            file = in.readAllBytes();
        } catch (IOException e) {
            Faces.error("p12:keystore", "PKCS#12 file: could not be read");
            return;
        }
        Actor a = Faces.actor();
        try {
            certs.installPkcs12(a.name(), file, pw, a.source());
        } catch (CertificateService.InvalidCertificate e) {
            Faces.error("p12:" + e.field(), label(e.field()) + ": " + e.getMessage());
            return;
        }
        done();
    }

    private static void done() {
        Faces.info("Certificate installed: " + CertificateResource.LIVE + ".");
        Faces.redirect("/certificate.xhtml");
    }

    private static CertificateService allowed() {
        if (!Faces.session().role().map(AdminRole::canAdminister).orElse(false)) {
            Faces.error(null, "Only administrators replace the certificate.");
            return null;
        }
        CertificateService certs = Faces.services().certificates();
        if (certs == null) {
            Faces.error(null, "Certificate upload is not available in this deployment.");
        }
        return certs;
    }

    private static String label(String field) {
        return switch (field) {
            case "privateKey" -> "Private key";
            case "keystore" -> "PKCS#12 file";
            case "password" -> "Password";
            default -> "Certificate";
        };
    }
}
