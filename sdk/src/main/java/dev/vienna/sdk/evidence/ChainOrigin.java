package dev.vienna.sdk.evidence;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoint origin of one Vienna audit chain, {@code <deployment>/audit/chain/<chain>}, for example
 * {@code vienna.local/audit/chain/3}: the deployment names the Vienna installation (a schema-less URL, no spaces, no
 * '+'), the chain is the audit topic partition. The log's signing key should carry the same name.
 *
 * @param deployment the deployment's name, for example {@code vienna.local}
 * @param chain the audit chain (partition) number, 0 or more
 */
public record ChainOrigin(String deployment, int chain) {

    private static final String CHAIN_PATH = "/audit/chain/";
    private static final Pattern ORIGIN = Pattern.compile("(.+)/audit/chain/(0|[1-9][0-9]{0,9})");

    /** @throws IllegalArgumentException on a deployment name that cannot start an origin or a negative chain */
    public ChainOrigin {
        String problem = NoteText.keyNameProblem(deployment);
        if (problem != null) {
            throw new IllegalArgumentException("deployment name: " + problem);
        }
        if (chain < 0) {
            throw new IllegalArgumentException("chain is negative: " + chain);
        }
    }

    /**
     * Reads an origin written by {@link #origin()}.
     *
     * @throws EvidenceFormatException if {@code origin} is not a Vienna audit chain's origin
     */
    public static ChainOrigin parse(String origin) {
        Matcher matcher = ORIGIN.matcher(origin == null ? "" : origin);
        if (!matcher.matches()) {
            throw new EvidenceFormatException("not an audit chain origin <deployment>" + CHAIN_PATH + "<chain>");
        }
        long chain = Long.parseLong(matcher.group(2));
        if (chain > Integer.MAX_VALUE) {
            throw new EvidenceFormatException("the chain number is larger than " + Integer.MAX_VALUE);
        }
        try {
            return new ChainOrigin(matcher.group(1), (int) chain);
        } catch (IllegalArgumentException e) {
            throw new EvidenceFormatException(e.getMessage());
        }
    }

    /** The origin line, {@code <deployment>/audit/chain/<chain>}. */
    public String origin() {
        return deployment + CHAIN_PATH + chain;
    }

    @Override
    public String toString() {
        return origin();
    }
}
