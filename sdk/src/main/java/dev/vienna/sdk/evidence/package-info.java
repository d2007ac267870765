/**
 * Audit evidence: what lets anyone check, offline, that Vienna's audit log was neither rewritten nor forked.
 *
 * <p>Each audit chain (one partition of the audit topic) is also an append-only RFC 9162 Merkle tree: the leaf data of
 * record n is the 32 raw bytes of that record's chain hash. {@link dev.vienna.sdk.evidence.TreeHasher} hashes leaves
 * and nodes, {@link dev.vienna.sdk.evidence.MerkleFrontier} keeps a tree's compact state (a few hundred bytes, for a
 * key-value store) and its root, {@link dev.vienna.sdk.evidence.MerkleProofs} makes and verifies inclusion and
 * consistency proofs.
 *
 * <p>A tree head is published as a C2SP checkpoint ({@link dev.vienna.sdk.evidence.Checkpoint},
 * https://c2sp.org/tlog-checkpoint) with origin {@code <deployment>/audit/chain/<n>}
 * ({@link dev.vienna.sdk.evidence.ChainOrigin}), in a C2SP signed note ({@link dev.vienna.sdk.evidence.SignedNote},
 * https://c2sp.org/signed-note) signed with Ed25519 {@link dev.vienna.sdk.evidence.NoteSignerKey}s and checked against
 * {@link dev.vienna.sdk.evidence.NoteVerifierKey}s in the {@code <name>+<key ID>+<base64 key>} form; a note may carry
 * further signatures, such as a witness's.
 *
 * <p>Parsers refuse malformed input with an {@link dev.vienna.sdk.evidence.EvidenceFormatException} naming the problem;
 * proof verification never throws and returns a {@link dev.vienna.sdk.evidence.Verdict}. Classes that hash hold a
 * {@code MessageDigest} and are not thread-safe: one per thread. The package needs only the JDK and BouncyCastle.
 */
package dev.vienna.sdk.evidence;
