package dev.vienna.platform.security;

/**
 * The roles of Vienna's APIs. Operators hold them in their bearer JWT's {@code groups} claim (after any
 * {@code quarkus.http.auth.roles-mapping}); agents authenticate with an API key and hold {@link #AGENT} only.
 */
public final class Roles {

    /** Reads approvals, policy and the agent registry. */
    public static final String VIEWER = "viewer";
    /** Votes on held intents (and reads what {@link #VIEWER} reads). */
    public static final String APPROVER = "approver";
    /** Reads intents' timelines and warrant tokens, and verifies warrants. */
    public static final String AUDITOR = "auditor";
    /** Revokes warrants, suspends and resumes agents, revokes their keys. */
    public static final String SECURITY = "security";
    /** Registers agents and issues their keys. */
    public static final String ADMIN = "admin";
    /** A registered agent, authenticated by its API key. */
    public static final String AGENT = "agent";

    private Roles() {}
}
