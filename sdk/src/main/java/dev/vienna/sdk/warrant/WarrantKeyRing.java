package dev.vienna.sdk.warrant;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import dev.vienna.sdk.secret.SecretFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Warrant keys by id: several may verify, exactly one signs. On disk a key directory holds one file per key, named by
 * its {@code kid}: {@code <kid>.ed25519} (private key), {@code <kid>.ed25519.pub} (public key only: a retiring or
 * foreign key), {@code <kid>.hs256} (HMAC secret); each holds the base64url of the raw key bytes. A PKCS#12 keystore
 * may hold the same keys instead ({@link #loadPkcs12}). Rotation: add a key file, switch the signing key id, delete the
 * old key's private file after the longest warrant lifetime (README, "Warrant keys").
 */
public final class WarrantKeyRing implements WarrantVerifier.KeyResolver {

    private static final String ED25519 = ".ed25519";
    private static final String ED25519_PUBLIC = ".ed25519.pub";
    private static final String HS256 = ".hs256";

    private final List<WarrantKey> keys;
    private final WarrantKey signingKey;

    public WarrantKeyRing(List<WarrantKey> keys, String signingKeyId) {
        this.keys = List.copyOf(keys);
        this.signingKey = signingKeyId == null
                ? null
                : resolve(signingKeyId)
                        .filter(WarrantKey::canSign)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "no private key for signing key id '" + signingKeyId + "' among " + ids()));
    }

    /** Every key in {@code dir}; {@code signingKeyId} null for a verify-only ring. */
    public static WarrantKeyRing load(Path dir, String signingKeyId) {
        List<WarrantKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                String name = file.getFileName().toString();
                String material = Files.readString(file).strip();
                if (name.endsWith(ED25519_PUBLIC)) {
                    keys.add(WarrantKey.ed25519FromPublic(
                            name.substring(0, name.length() - ED25519_PUBLIC.length()), material));
                } else if (name.endsWith(ED25519)) {
                    keys.add(WarrantKey.ed25519FromPrivate(
                            name.substring(0, name.length() - ED25519.length()), material));
                } else if (name.endsWith(HS256)) {
                    keys.add(WarrantKey.hmac(name.substring(0, name.length() - HS256.length()), material));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read warrant keys from " + dir, e);
        }
        return new WarrantKeyRing(keys, signingKeyId);
    }

    /**
     * Every key in a PKCS#12 keystore, each under its alias as key id: a private-key entry with an Ed25519 key (signs;
     * its certificate's public key must match), a secret-key entry with an HMAC key (HS256), or a trusted-certificate
     * entry with an Ed25519 public key (verifies only). Made with the JDK's keytool (README, "Warrant keys"); any other
     * entry is an error naming its alias.
     */
    public static WarrantKeyRing loadPkcs12(Path file, char[] password, String signingKeyId) {
        List<WarrantKey> keys = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                keys.add(pkcs12Entry(store, alias, password));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read warrant keystore " + file + ": " + e.getMessage(), e);
        }
        return new WarrantKeyRing(keys, signingKeyId);
    }

    private static WarrantKey pkcs12Entry(KeyStore store, String alias, char[] password)
            throws GeneralSecurityException {
        if (store.isCertificateEntry(alias)) {
            return WarrantKey.ed25519FromPublic(
                    alias, rawEd25519(alias, store.getCertificate(alias).getPublicKey(), 12));
        }
        Key key = store.getKey(alias, password);
        if (key instanceof PrivateKey privateKey && isEd25519(key)) {
            WarrantKey signing = WarrantKey.ed25519FromPrivate(alias, rawEd25519(alias, privateKey, 16));
            String certified = rawEd25519(alias, store.getCertificate(alias).getPublicKey(), 12);
            if (!Arrays.equals(signing.publicKey(), Base64.getUrlDecoder().decode(certified))) {
                throw new GeneralSecurityException(
                        "entry " + alias + ": the certificate's public key is not the private key's");
            }
            return signing;
        }
        if (key != null && key.getAlgorithm().equalsIgnoreCase("HmacSHA256")) {
            return WarrantKey.hmac(
                    alias, Base64.getUrlEncoder().withoutPadding().encodeToString(key.getEncoded()));
        }
        throw new GeneralSecurityException("entry " + alias + ": " + (key == null ? "no key" : key.getAlgorithm())
                + " is not a warrant key (Ed25519 key pair, HmacSHA256 secret or Ed25519 certificate)");
    }

    private static boolean isEd25519(Key key) {
        return key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519");
    }

    /** The raw 32 key bytes after the fixed DER prefix (PKCS#8: 16 bytes, X.509 SubjectPublicKeyInfo: 12 bytes). */
    private static String rawEd25519(String alias, Key key, int prefix) throws GeneralSecurityException {
        byte[] der = key.getEncoded();
        if (!isEd25519(key) || der == null || der.length != prefix + 32) {
            throw new GeneralSecurityException("entry " + alias + ": not an Ed25519 key");
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(der, prefix, der.length));
    }

    /** Writes a new key of {@code algorithm} to {@code dir} (owner-only from its first byte) and returns it. */
    public static WarrantKey generate(Path dir, String keyId, SignatureAlgorithm algorithm) {
        WarrantKey key = algorithm == SignatureAlgorithm.ED25519
                ? WarrantKey.generateEd25519(keyId)
                : WarrantKey.generateHmac(keyId);
        Path file = dir.resolve(keyId + (algorithm == SignatureAlgorithm.ED25519 ? ED25519 : HS256));
        SecretFiles.write(file, key.encodedPrivateOrSecret() + "\n");
        return key;
    }

    /** The key {@code keyId} of {@code dir}, generated there first if the directory has none by that id. */
    public static WarrantKey ensure(Path dir, String keyId, SignatureAlgorithm algorithm) {
        if (Files.isDirectory(dir)) {
            Optional<WarrantKey> existing = load(dir, null).resolve(keyId).filter(WarrantKey::canSign);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        return generate(dir, keyId, algorithm);
    }

    /** Verify-only keys from a JWKS document: its Ed25519 (OKP) keys; anything else is ignored. */
    public static WarrantKeyRing fromJwks(String json) throws ParseException {
        List<WarrantKey> keys = new ArrayList<>();
        for (JWK jwk : JWKSet.parse(json).getKeys()) {
            if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && okp.getKeyID() != null) {
                keys.add(new WarrantKey(
                        okp.getKeyID(),
                        SignatureAlgorithm.ED25519,
                        null,
                        okp.getX().decode()));
            }
        }
        return new WarrantKeyRing(keys, null);
    }

    /** The public keys as a JWKS document; HMAC secrets are never published. */
    public String publicJwks() {
        List<JWK> published = new ArrayList<>();
        for (WarrantKey key : keys) {
            if (key.algorithm() == SignatureAlgorithm.ED25519) {
                published.add(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(key.publicKey()))
                        .keyID(key.keyId())
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(key.jwsAlgorithm())
                        .build());
            }
        }
        return new JWKSet(published).toString(true);
    }

    @Override
    public Optional<WarrantKey> resolve(String keyId) {
        return keys.stream().filter(k -> k.keyId().equals(keyId)).findFirst();
    }

    public WarrantKey signingKey() {
        if (signingKey == null) {
            throw new IllegalStateException("this key ring only verifies");
        }
        return signingKey;
    }

    public List<WarrantKey> keys() {
        return keys;
    }

    public List<String> ids() {
        return keys.stream().map(WarrantKey::keyId).toList();
    }
}
