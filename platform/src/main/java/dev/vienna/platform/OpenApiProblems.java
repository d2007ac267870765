package dev.vienna.platform;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Completes every service's OpenAPI document ({@code /q/openapi}) with what all Vienna APIs share: the RFC 9457
 * {@code Problem} schema as the body of every error response an operation declares (and of a {@code default} response
 * for the unexpected), and the security schemes: operators' ({@value #OPERATOR}: a bearer JWT from the organisation's
 * issuer) and agents' ({@value #AGENT}: their API key). Operations name theirs with {@code @SecurityRequirement}.
 * Registered as {@code mp.openapi.filter} in platform's configuration defaults.
 */
public class OpenApiProblems implements OASFilter {

    /** The security scheme of operators' bearer JWTs. */
    public static final String OPERATOR = "operator";

    /** The security scheme of agents' API keys. */
    public static final String AGENT = "agentKey";

    private static final String PROBLEM = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        openAPI.getComponents()
                .addSecurityScheme(
                        OPERATOR,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("An operator's token from the trusted OIDC issuer; roles in its groups"
                                        + " claim (viewer, approver, auditor, security, admin)."));
        openAPI.getComponents()
                .addSecurityScheme(
                        AGENT,
                        OASFactory.createSecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description("A registered agent's API key (vak_...), shown once when it is made."));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths()
                .getPathItems()
                .values()
                .forEach(path -> path.getOperations().values().forEach(OpenApiProblems::problemBodies));
    }

    private static void problemBodies(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        Map<String, APIResponse> responses = operation.getResponses().getAPIResponses();
        if (responses != null) {
            responses.forEach((code, response) -> {
                if (code.matches("[45]\\d\\d") && response.getContent() == null) {
                    response.setContent(problemContent());
                }
            });
        }
        if (responses == null || !responses.containsKey("default")) {
            operation
                    .getResponses()
                    .addAPIResponse(
                            "default",
                            OASFactory.createAPIResponse()
                                    .description("Any other error, as an RFC 9457 problem")
                                    .content(problemContent()));
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent()
                .addMediaType(
                        Problem.MEDIA_TYPE,
                        OASFactory.createMediaType()
                                .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM)));
    }

    private static Schema problemSchema() {
        Schema text = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .addProperty("field", text)
                .addProperty("message", text);
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem (application/problem+json)")
                .required(List.of("type", "title", "status"))
                .addProperty("type", text)
                .addProperty("title", text)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", text)
                .addProperty("instance", text)
                .addProperty(
                        "errors",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.ARRAY)
                                .items(fieldError)
                                .description("each invalid field of a rejected body"));
    }
}
