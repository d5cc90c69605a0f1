// SPDX-License-Identifier: AGPL-3.0-or-later
package io.palisade.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code errors} is an extension member listing each bad input by name, so a client
 * can put the message next to the field it belongs to. Details never carry request values.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {
    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType TYPE = MediaType.valueOf(MEDIA_TYPE);

    public record FieldError(String field, String message) {
    }

    public static Response response(int status, String title, String detail) {
        return response(new Problem("about:blank", title, status, detail, null));
    }

    public static Response invalid(String field, String message) {
        return response(new Problem("about:blank", "Invalid request", 400, field + ": " + message,
                List.of(new FieldError(field, message))));
    }

    public static Response response(Problem p) {
        return Response.status(p.status()).type(TYPE).entity(p).build();
    }
}
