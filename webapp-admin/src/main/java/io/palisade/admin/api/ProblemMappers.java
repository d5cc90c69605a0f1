// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import io.palisade.admin.ConsoleOperations;
import io.palisade.core.admin.AdminException;
import io.palisade.core.subscriber.SubscriberException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure of {@code /api/v1} as an RFC 9457 problem document. */
public final class ProblemMappers {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemMappers.class);

    private ProblemMappers() {
    }

    /** Jakarta Validation failures: 400 naming each field (the last node of the property path). */
    public static final class Validation implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                    .sorted(Comparator.comparing(Problem.FieldError::field)).toList();
            String detail = errors.stream().map(f -> f.field() + ": " + f.message())
                    .reduce((a, b) -> a + "; " + b).orElse("invalid request");
            return Problem.response(new Problem("about:blank", "Invalid request", 400, detail, errors));
        }

        private static String field(ConstraintViolation<?> v) {
            String name = null;
            for (Path.Node n : v.getPropertyPath()) {
                if (n.getName() != null && !n.getName().startsWith("arg")) {
                    name = n.getName();
                }
            }
            return name == null ? "body" : name;
        }
    }

    public static final class Admin implements ExceptionMapper<AdminException> {
        @Override
        public Response toResponse(AdminException e) {
            if (e.field() == null) {
                LOG.warn("admin operation failed: {}", e.getClass().getName());
                return Problem.response(500, "Internal error", "the operation failed; see the server log");
            }
            if (e instanceof io.palisade.core.admin.LastAdministratorException) {
                return Problem.response(new Problem("about:blank", "Conflict", 409, e.getMessage(),
                        List.of(new Problem.FieldError(e.field(), e.getMessage()))));
            }
            return Problem.invalid(e.field(), e.getMessage());
        }
    }

    /** A call history filter that cannot be read. */
    public static final class CallFilter implements ExceptionMapper<io.palisade.admin.calls.CallViews.BadFilter> {
        @Override
        public Response toResponse(io.palisade.admin.calls.CallViews.BadFilter e) {
            return Problem.invalid(e.field(), e.getMessage());
        }
    }

    /** Edge settings refused: 400 naming each key; nothing was stored or applied. */
    public static final class Edge implements ExceptionMapper<io.palisade.core.edge.EdgeSettingsService.InvalidSettings> {
        @Override
        public Response toResponse(io.palisade.core.edge.EdgeSettingsService.InvalidSettings e) {
            List<Problem.FieldError> errors = e.problems().entrySet().stream()
                    .map(x -> new Problem.FieldError(x.getKey(), x.getValue()))
                    .sorted(Comparator.comparing(Problem.FieldError::field)).toList();
            String detail = errors.stream().map(f -> f.field() + ": " + f.message())
                    .reduce((a, b) -> a + "; " + b).orElse("invalid settings");
            return Problem.response(new Problem("about:blank", "Invalid request", 400, detail, errors));
        }
    }

    /** A certificate upload refused: 400 naming the input, or 409 when the configuration pins the certificate. */
    public static final class Certificate
            implements ExceptionMapper<io.palisade.core.tls.CertificateService.InvalidCertificate> {
        @Override
        public Response toResponse(io.palisade.core.tls.CertificateService.InvalidCertificate e) {
            int status = e.conflict() ? 409 : 400;
            return Problem.response(new Problem("about:blank", e.conflict() ? "Conflict" : "Invalid request", status,
                    e.field() + ": " + e.getMessage(), List.of(new Problem.FieldError(e.field(), e.getMessage()))));
        }
    }

    /** Core refuses a subscriber change with a message that names the field first ("user ...", "password ..."). */
    public static final class Subscriber implements ExceptionMapper<SubscriberException> {
        @Override
        public Response toResponse(SubscriberException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (e.getCause() != null) {
                LOG.warn("subscriber store failed: {}", m);
                return Problem.response(500, "Internal error", "the operation failed; see the server log");
            }
            if (m.contains("already exists")) {
                return Problem.response(new Problem("about:blank", "Conflict", 409, m,
                        List.of(new Problem.FieldError("username", m))));
            }
            String lower = m.toLowerCase(Locale.ROOT);
            String field = lower.startsWith("password") ? "password" : lower.startsWith("display") ? "displayName" : "username";
            return Problem.invalid(field, m);
        }
    }

    /** An input the console's operations refused (a user's networks): 400 naming the field, without the value. */
    public static final class Invalid implements ExceptionMapper<ConsoleOperations.Invalid> {
        @Override
        public Response toResponse(ConsoleOperations.Invalid e) {
            return Problem.invalid(e.field(), e.getMessage());
        }
    }

    public static final class Forbidden implements ExceptionMapper<ConsoleOperations.Forbidden> {
        @Override
        public Response toResponse(ConsoleOperations.Forbidden e) {
            return Problem.response(403, "Forbidden", e.getMessage());
        }
    }

    public static final class NotFound implements ExceptionMapper<ConsoleOperations.NotFound> {
        @Override
        public Response toResponse(ConsoleOperations.NotFound e) {
            return Problem.response(404, "Not found", e.getMessage());
        }
    }

    /** JAX-RS's own (404 for unknown paths, 403 from role checks, 405, 415 ...), with the status kept. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            int status = e.getResponse().getStatus();
            Response.StatusType t = Response.Status.fromStatusCode(status);
            String title = t == null ? "Error" : t.getReasonPhrase();
            String detail = switch (status) {
                case 401 -> "sign in or send Authorization: Bearer <token>";
                case 403 -> "your role does not allow this";
                case 404 -> "no such resource";
                default -> title;
            };
            Response.ResponseBuilder b = Response.status(status).type(Problem.TYPE)
                    .entity(new Problem("about:blank", title, status, detail, null));
            if (status == 401) {
                b.header("WWW-Authenticate", "Bearer realm=\"palisade\"");
            }
            return b.build();
        }
    }

    /** Anything else: 500 without details (they could hold data); the type of failure goes to the log. */
    public static final class Unexpected implements ExceptionMapper<RuntimeException> {
        @Override
        public Response toResponse(RuntimeException e) {
            LOG.warn("API request failed: {}", e.getClass().getName());
            return Problem.response(500, "Internal error", "the operation failed; see the server log");
        }
    }
}
