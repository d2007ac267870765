package dev.vienna.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** The timeline's word on a warrant's signature, against the JWK set warrant-service publishes. */
class WarrantSignaturesTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static Ed25519PrivateKeyParameters newKey() {
        return new Ed25519PrivateKeyParameters(RANDOM);
    }

    private static String jwks(String keyId, Ed25519PrivateKeyParameters key) {
        OctetKeyPair published = new OctetKeyPair.Builder(
                        Curve.Ed25519, Base64URL.encode(key.generatePublicKey().getEncoded()))
                .keyID(keyId)
                .build();
        return new JWKSet(published).toString();
    }

    private static String token(String keyId, Ed25519PrivateKeyParameters key) {
        String signed =
                new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(keyId).build().toBase64URL() + "."
                        + Base64URL.encode("{\"sub\":\"deploy-agent\"}");
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] input = signed.getBytes(StandardCharsets.US_ASCII);
        signer.update(input, 0, input.length);
        return signed + "." + Base64URL.encode(signer.generateSignature());
    }

    @Test
    void shouldVerifyAWarrantSignedWithAPublishedEd25519Key() {
        Ed25519PrivateKeyParameters key = newKey();
        assertThat(WarrantSignatures.verdict(token("vienna-local-1", key), jwks("vienna-local-1", key)))
                .isEqualTo("verified with warrant-service's key vienna-local-1");
    }

    @Test
    void shouldNotVerifyAWarrantSignedWithAnotherKeyUnderThePublishedId() {
        assertThat(WarrantSignatures.verdict(token("vienna-local-1", newKey()), jwks("vienna-local-1", newKey())))
                .isEqualTo("NOT VERIFIED: the signature does not match key vienna-local-1");
    }

    @Test
    void shouldNotVerifyAWarrantWhoseKeyIsNotPublished() {
        Ed25519PrivateKeyParameters key = newKey();
        assertThat(WarrantSignatures.verdict(token("retired-1", key), jwks("vienna-local-1", key)))
                .isEqualTo("NOT VERIFIED: warrant-service publishes no key retired-1");
    }

    @Test
    void shouldNotVerifyWhatIsNoToken() {
        assertThat(WarrantSignatures.verdict("not.a-token", jwks("vienna-local-1", newKey())))
                .startsWith("NOT VERIFIED: ");
    }
}
