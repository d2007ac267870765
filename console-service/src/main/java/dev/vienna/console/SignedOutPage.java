package dev.vienna.console;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Where sign-out ends (open: there is no operator any more). */
@Path("/signed-out")
public class SignedOutPage {

    @Inject
    Template signedOut;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance show() {
        return signedOut.instance();
    }
}
