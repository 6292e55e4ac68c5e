//! Tests of the Merkle log module: known answers, the transparency-dev RFC 6962 test vectors,
//! property tests against a naive reference, and a count of store reads proving O(log n).

use claimledger::merkle::*;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Reference implementation: RFC 6962 §2.1 written out recursively, over every leaf hash.
// ---------------------------------------------------------------------------------------------

/// `k`, the largest power of two below `n` (for `n > 1`), computed the slow, obvious way.
fn naive_split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH(D[n]) over leaf hashes.
fn naive_mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = naive_split(n);
            node_hash(&naive_mth(&leaves[..k]), &naive_mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]) of RFC 6962 §2.1.1.
fn naive_path(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = naive_split(n);
    if m < k {
        let mut path = naive_path(m, &leaves[..k]);
        path.push(naive_mth(&leaves[k..]));
        path
    } else {
        let mut path = naive_path(m - k, &leaves[k..]);
        path.push(naive_mth(&leaves[..k]));
        path
    }
}

/// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2.
fn naive_subproof(m: usize, leaves: &[Hash], b: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if b {
            Vec::new()
        } else {
            vec![naive_mth(leaves)]
        };
    }
    let k = naive_split(n);
    if m <= k {
        let mut proof = naive_subproof(m, &leaves[..k], b);
        proof.push(naive_mth(&leaves[k..]));
        proof
    } else {
        let mut proof = naive_subproof(m - k, &leaves[k..], false);
        proof.push(naive_mth(&leaves[..k]));
        proof
    }
}

fn hex_hash(s: &str) -> Hash {
    hex::decode(s)
        .expect("valid hex")
        .try_into()
        .expect("32 bytes")
}

/// Cheap, distinct leaf hashes: the leaf hash of the index's bytes.
fn synthetic_leaf(i: u64) -> Hash {
    leaf_hash(&i.to_be_bytes())
}

fn tree_of(n: u64) -> (MemoryTree, Vec<Hash>) {
    let mut tree = MemoryTree::new();
    let mut leaves = Vec::new();
    for i in 0..n {
        let leaf = synthetic_leaf(i);
        tree.push(leaf);
        leaves.push(leaf);
    }
    (tree, leaves)
}

/// One tree shared by the property tests; any prefix of it is a tree too.
fn shared_tree() -> &'static (MemoryTree, Vec<Hash>) {
    static TREE: OnceLock<(MemoryTree, Vec<Hash>)> = OnceLock::new();
    TREE.get_or_init(|| tree_of(1100))
}

fn flip_bit(hash: &mut Hash, bit: usize) {
    hash[(bit / 8) % 32] ^= 1 << (bit % 8);
}

// ---------------------------------------------------------------------------------------------
// a) Known answers.
// ---------------------------------------------------------------------------------------------

/// The eight leaves of RFC 6962's usual example (hex).
const EIGHT_LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

#[test]
fn known_answers() {
    assert_eq!(
        empty_root(),
        hex_hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        leaf_hash(b""),
        hex_hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );

    let mut tree = MemoryTree::new();
    assert!(tree.is_empty());
    assert_eq!(tree.root(), empty_root());
    let mut leaves = Vec::new();
    for entry in EIGHT_LEAVES {
        let leaf = leaf_hash(&hex::decode(entry).unwrap());
        tree.push(leaf);
        leaves.push(leaf);
        assert_eq!(tree.len(), leaves.len() as u64);
        assert_eq!(
            tree.root(),
            naive_mth(&leaves),
            "root of {} leaves",
            leaves.len()
        );
    }
    assert_eq!(
        tree.root(),
        hex_hash("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    );
    // Every prefix, read back from the full store.
    for size in 0..=leaves.len() {
        assert_eq!(
            root(&tree, size as u64).unwrap(),
            naive_mth(&leaves[..size]),
            "root of the first {size} leaves"
        );
    }
}

#[test]
fn append_completes_the_right_subtrees() {
    let (tree, leaves) = tree_of(7);
    let leaf = synthetic_leaf(7);
    let done = nodes_completed_by_append(&tree, 7, leaf).unwrap();
    let mut all = leaves.clone();
    all.push(leaf);
    assert_eq!(
        done,
        vec![
            (0, 7, leaf),
            (1, 3, naive_mth(&all[6..8])),
            (2, 1, naive_mth(&all[4..8])),
            (3, 0, naive_mth(&all[0..8])),
        ]
    );
    // Appending to an even size completes only the leaf.
    assert_eq!(
        nodes_completed_by_append(&tree, 6, leaves[6]).unwrap(),
        vec![(0, 6, leaves[6])]
    );
}

#[test]
fn proofs_match_the_rfc_recursion_exhaustively_for_small_trees() {
    let (tree, leaves) = shared_tree();
    for n in 1..=40usize {
        let size = n as u64;
        let leaves = &leaves[..n];
        let root_n = root(tree, size).unwrap();
        assert_eq!(root_n, naive_mth(leaves));
        for m in 0..n {
            let proof = inclusion_proof(tree, m as u64, size).unwrap();
            assert_eq!(proof, naive_path(m, leaves), "PATH({m}, D[{n}])");
            assert_eq!(proof.len(), inclusion_proof_len(m as u64, size).unwrap());
            verify_inclusion(m as u64, size, &leaves[m], &proof, &root_n).unwrap();
        }
        for m in 1..=n {
            let proof = consistency_proof(tree, m as u64, size).unwrap();
            assert_eq!(proof, naive_subproof(m, leaves, true), "PROOF({m}, D[{n}])");
            assert_eq!(proof.len(), consistency_proof_len(m as u64, size).unwrap());
            let root_m = naive_mth(&leaves[..m]);
            verify_consistency(m as u64, size, &proof, &root_m, &root_n).unwrap();
        }
    }
}

#[test]
fn proof_generation_refuses_bad_arguments() {
    let (tree, _) = tree_of(5);
    assert_eq!(
        inclusion_proof(&tree, 5, 5),
        Err(ProofError::IndexOutOfRange {
            leaf_index: 5,
            tree_size: 5
        })
    );
    assert!(matches!(
        inclusion_proof(&tree, 0, 0),
        Err(ProofError::IndexOutOfRange { .. })
    ));
    for (size1, size2) in [(0, 0), (0, 3), (4, 3)] {
        assert_eq!(
            consistency_proof(&tree, size1, size2),
            Err(ProofError::SizeOutOfRange { size1, size2 })
        );
    }
    assert_eq!(consistency_proof(&tree, 3, 3), Ok(Vec::new()));
    // Asking beyond what the store holds is the store's error, not a panic.
    assert_eq!(root(&tree, 6), Err(MissingSubtree { level: 1, index: 2 }));
    let err = inclusion_proof(&tree, 0, 6).unwrap_err();
    assert!(matches!(err, ProofError::Store(_)));
    assert_eq!(
        err.to_string(),
        "the subtree store could not provide a hash: no complete subtree is stored at level 1, index 2"
    );
}

#[test]
fn verification_errors_read_well() {
    let (tree, leaves) = tree_of(8);
    let root8 = tree.root();
    let proof = inclusion_proof(&tree, 2, 8).unwrap();
    assert_eq!(proof.len(), 3);

    let err = verify_inclusion(8, 8, &leaves[2], &proof, &root8).unwrap_err();
    assert_eq!(
        err.to_string(),
        "leaf index 8 is out of range for a tree of 8 leaves"
    );
    let err = verify_inclusion(2, 8, &leaves[2], &proof[..2], &root8).unwrap_err();
    assert_eq!(err.to_string(), "proof has 2 hashes, expected 3");
    let err = verify_inclusion(2, 8, &leaves[3], &proof, &root8).unwrap_err();
    assert_eq!(err, VerifyError::RootMismatch);
    assert!(err.to_string().starts_with("root mismatch"));

    assert_eq!(inclusion_proof_len(8, 8), None);
    assert_eq!(inclusion_proof_len(0, 0), None);
    assert_eq!(inclusion_proof_len(0, u64::MAX), Some(64));
    assert_eq!(inclusion_proof_len(u64::MAX - 1, u64::MAX), Some(63));
    assert_eq!(consistency_proof_len(0, 0), None);
    assert_eq!(consistency_proof_len(2, 1), None);
    assert_eq!(consistency_proof_len(1, 1), Some(0));
    assert_eq!(consistency_proof_len(3, 5), Some(4));

    let root3 = root(&tree, 3).unwrap();
    let root5 = root(&tree, 5).unwrap();
    let proof = consistency_proof(&tree, 3, 5).unwrap();
    verify_consistency(3, 5, &proof, &root3, &root5).unwrap();
    assert_eq!(
        verify_consistency(0, 0, &[], &empty_root(), &empty_root()),
        Err(VerifyError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(0, 5, &[], &empty_root(), &root5),
        Err(VerifyError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency(5, 3, &proof, &root5, &root3),
        Err(VerifyError::SizesOutOfOrder { size1: 5, size2: 3 })
    );
    assert_eq!(
        verify_consistency(5, 5, &[], &root5, &root5),
        Ok(()),
        "equal sizes, empty proof, equal roots"
    );
    assert_eq!(
        verify_consistency(5, 5, &[], &root5, &root3),
        Err(VerifyError::EqualSizesDifferentRoots { size: 5 })
    );
    assert_eq!(
        verify_consistency(5, 5, &proof[..1], &root5, &root5)
            .unwrap_err()
            .to_string(),
        "proof has 1 hash, expected 0"
    );
    assert_eq!(
        verify_consistency(3, 5, &proof, &root5, &root5),
        Err(VerifyError::OldRootMismatch { size1: 3 })
    );
    assert_eq!(
        verify_consistency(3, 5, &proof, &root3, &root3),
        Err(VerifyError::NewRootMismatch { size2: 5 })
    );
    let mut longer = proof.clone();
    longer.push(root5);
    assert_eq!(
        verify_consistency(3, 5, &longer, &root3, &root5),
        Err(VerifyError::WrongProofLength {
            got: proof.len() + 1,
            expected: proof.len()
        })
    );
}

// ---------------------------------------------------------------------------------------------
// b) The transparency-dev RFC 6962 / RFC 9162 test vectors.
// ---------------------------------------------------------------------------------------------

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/rfc6962")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push(path);
        }
    }
}

fn field<'a>(case: &'a Value, name: &str, file: &Path) -> &'a Value {
    case.get(name)
        .unwrap_or_else(|| panic!("{}: no field {name:?}", file.display()))
}

fn u64_field(case: &Value, name: &str, file: &Path) -> u64 {
    field(case, name, file)
        .as_u64()
        .unwrap_or_else(|| panic!("{}: {name:?} is not a u64", file.display()))
}

/// A base64 field's raw bytes (its length is checked later, as part of the verdict).
fn bytes_field(case: &Value, name: &str, file: &Path) -> Vec<u8> {
    let text = field(case, name, file)
        .as_str()
        .unwrap_or_else(|| panic!("{}: {name:?} is not a string", file.display()));
    BASE64
        .decode(text)
        .unwrap_or_else(|e| panic!("{}: {name:?} is not base64: {e}", file.display()))
}

fn proof_field(case: &Value, file: &Path) -> Vec<Vec<u8>> {
    match field(case, "proof", file) {
        Value::Null => Vec::new(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let text = item
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: a proof item is not a string", file.display()));
                BASE64.decode(text).unwrap_or_else(|e| {
                    panic!("{}: a proof item is not base64: {e}", file.display())
                })
            })
            .collect(),
        other => panic!(
            "{}: proof is neither null nor a list: {other}",
            file.display()
        ),
    }
}

/// Each case is checked on its hashes as given (base64, any length), as a reader holding the
/// case would: RFC 9162's algorithms, where a 32-byte hash is needed to compute anything.
fn inclusion_verdict(case: &Value, file: &Path) -> Result<(), String> {
    let leaf_index = u64_field(case, "leafIdx", file);
    let tree_size = u64_field(case, "treeSize", file);
    let root = bytes_field(case, "root", file);
    let leaf = bytes_field(case, "leafHash", file);
    let proof = proof_field(case, file);
    verify_inclusion_bytes(leaf_index, tree_size, &leaf, &proof, &root).map_err(|e| e.to_string())
}

fn consistency_verdict(case: &Value, file: &Path) -> Result<(), String> {
    let size1 = u64_field(case, "size1", file);
    let size2 = u64_field(case, "size2", file);
    let root1 = bytes_field(case, "root1", file);
    let root2 = bytes_field(case, "root2", file);
    let proof = proof_field(case, file);
    verify_consistency_bytes(size1, size2, &proof, &root1, &root2).map_err(|e| e.to_string())
}

#[test]
fn transparency_dev_vectors() {
    let dir = vectors_dir();
    if !dir.is_dir() {
        eprintln!(
            "RFC 6962 test vectors NOT RUN: the suite was not found at {} \
             (CI provides it; a lone checkout may not).",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    for kind in ["inclusion", "consistency"] {
        let sub = dir.join(kind);
        assert!(sub.is_dir(), "{} is missing", sub.display());
        json_files(&sub, &mut files);
    }

    let (mut inclusion, mut consistency) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let case: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        let want_err = field(&case, "wantErr", file)
            .as_bool()
            .unwrap_or_else(|| panic!("{}: wantErr is not a bool", file.display()));
        let rel = file.strip_prefix(&dir).unwrap_or(file);
        let verdict = if rel.starts_with("inclusion") {
            inclusion += 1;
            inclusion_verdict(&case, file)
        } else {
            consistency += 1;
            consistency_verdict(&case, file)
        };
        if verdict.is_err() == want_err {
            continue;
        }
        wrong.push(format!(
            "{} ({}): wantErr {want_err}, got {verdict:?}",
            rel.display(),
            case.get("desc").and_then(Value::as_str).unwrap_or("")
        ));
    }

    let total = inclusion + consistency;
    eprintln!(
        "RFC 6962 test vectors: {total} cases run ({inclusion} inclusion, {consistency} \
         consistency): {} with the expected verdict, {} wrong",
        total - wrong.len(),
        wrong.len()
    );
    assert!(
        inclusion > 0,
        "no inclusion case found under {}",
        dir.display()
    );
    assert!(
        consistency > 0,
        "no consistency case found under {}",
        dir.display()
    );
    assert!(wrong.is_empty(), "wrong verdicts:\n{}", wrong.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// c) Property tests.
// ---------------------------------------------------------------------------------------------

/// Tree sizes: mostly 1..=300, sometimes around the powers of two 1024 and beyond.
fn tree_sizes() -> impl Strategy<Value = u64> {
    prop_oneof![
        6 => 1u64..=300,
        1 => Just(1000u64),
        1 => Just(1024u64),
        1 => Just(1025u64),
        1 => 1000u64..=1100,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        // Failing inputs go to tests/merkle_vectors.proptest-regressions, to be committed.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    #[test]
    fn root_matches_naive_mth(size in tree_sizes()) {
        let (tree, leaves) = shared_tree();
        prop_assert_eq!(root(tree, size).unwrap(), naive_mth(&leaves[..size as usize]));
    }

    #[test]
    fn every_inclusion_proof_verifies(size in tree_sizes()) {
        let (tree, leaves) = shared_tree();
        let store = CountingStore::new(tree);
        let budget = 4 * ceil_log2(size).max(1);
        let root_n = root(&store, size).unwrap();
        prop_assert!(store.take() <= budget);
        for i in 0..size {
            let proof = inclusion_proof(&store, i, size).unwrap();
            prop_assert!(store.take() <= budget);
            prop_assert_eq!(Some(proof.len()), inclusion_proof_len(i, size));
            prop_assert_eq!(
                verify_inclusion(i, size, &leaves[i as usize], &proof, &root_n),
                Ok(())
            );
        }
    }

    #[test]
    fn tampered_inclusion_proofs_fail(
        (size, index) in tree_sizes().prop_flat_map(|n| (Just(n), 0..n)),
        bit in any::<usize>(),
    ) {
        let (tree, leaves) = shared_tree();
        let leaf = leaves[index as usize];
        let root_n = root(tree, size).unwrap();
        let proof = inclusion_proof(tree, index, size).unwrap();
        prop_assert_eq!(verify_inclusion(index, size, &leaf, &proof, &root_n), Ok(()));

        if !proof.is_empty() {
            let mut bad = proof.clone();
            let len = bad.len();
            flip_bit(&mut bad[bit % len], bit / len);
            prop_assert!(verify_inclusion(index, size, &leaf, &bad, &root_n).is_err());
            // Dropping or adding a hash is caught too.
            prop_assert!(verify_inclusion(index, size, &leaf, &proof[1..], &root_n).is_err());
        }
        let mut longer = proof.clone();
        longer.push(root_n);
        prop_assert!(verify_inclusion(index, size, &leaf, &longer, &root_n).is_err());

        let mut bad_leaf = leaf;
        flip_bit(&mut bad_leaf, bit);
        prop_assert!(verify_inclusion(index, size, &bad_leaf, &proof, &root_n).is_err());
        let mut bad_root = root_n;
        flip_bit(&mut bad_root, bit);
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &bad_root).is_err());
        // The proof does not pass for another position. (It may pass for another tree size:
        // e.g. leaf 0 of 3 and of 4 leaves take the same turns. The root is what binds the size.)
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(other, size, &leaf, &proof, &root_n).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_tampering_fails(
        (size2, size1) in tree_sizes().prop_flat_map(|n| (Just(n), 1..=n)),
        bit in any::<usize>(),
    ) {
        let (tree, leaves) = shared_tree();
        let root1 = root(tree, size1).unwrap();
        let root2 = root(tree, size2).unwrap();
        prop_assert_eq!(root1, naive_mth(&leaves[..size1 as usize]));
        let store = CountingStore::new(tree);
        let proof = consistency_proof(&store, size1, size2).unwrap();
        prop_assert!(store.take() <= 4 * ceil_log2(size2).max(1));
        prop_assert_eq!(Some(proof.len()), consistency_proof_len(size1, size2));
        prop_assert_eq!(verify_consistency(size1, size2, &proof, &root1, &root2), Ok(()));

        if proof.is_empty() {
            prop_assert_eq!(size1, size2);
        } else {
            let mut bad = proof.clone();
            let len = bad.len();
            flip_bit(&mut bad[bit % len], bit / len);
            prop_assert!(verify_consistency(size1, size2, &bad, &root1, &root2).is_err());
            prop_assert!(
                verify_consistency(size1, size2, &proof[..proof.len() - 1], &root1, &root2)
                    .is_err()
            );
        }
        let mut longer = proof.clone();
        longer.push(root2);
        prop_assert!(verify_consistency(size1, size2, &longer, &root1, &root2).is_err());

        let mut bad_root1 = root1;
        flip_bit(&mut bad_root1, bit);
        prop_assert!(verify_consistency(size1, size2, &proof, &bad_root1, &root2).is_err());
        let mut bad_root2 = root2;
        flip_bit(&mut bad_root2, bit);
        prop_assert!(verify_consistency(size1, size2, &proof, &root1, &bad_root2).is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// d) Store reads are O(log n).
// ---------------------------------------------------------------------------------------------

/// Wraps a store and counts `perfect()` calls.
struct CountingStore<S> {
    inner: S,
    calls: Cell<u64>,
}

impl<S> CountingStore<S> {
    fn new(inner: S) -> Self {
        Self {
            inner,
            calls: Cell::new(0),
        }
    }

    /// The calls made since the last time this was asked.
    fn take(&self) -> u64 {
        self.calls.replace(0)
    }
}

impl<S: SubtreeStore> SubtreeStore for CountingStore<S> {
    type Error = S::Error;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        self.calls.set(self.calls.get() + 1);
        self.inner.perfect(level, index)
    }
}

/// Leaves in the base block of a [`PeriodicStore`].
const PERIOD_LEVEL: u32 = 10;
const PERIOD: u64 = 1 << PERIOD_LEVEL;

/// A real RFC 6962 tree of `size` leaves, any size up to `u64::MAX`, whose leaf `i` is
/// `synthetic_leaf(i % 1024)`. Because the leaves repeat with a power-of-two period, every
/// perfect subtree's hash can be made up when asked: below level 10 it is a subtree of the first
/// block, above it the block's root hashed with itself once per level. Nothing is built beyond
/// the first block, yet proofs from this store verify. It refuses any subtree that would not be
/// complete yet, so it also checks that the algorithms never ask for one.
struct PeriodicStore {
    block: MemoryTree,
    size: u64,
}

impl PeriodicStore {
    fn new(size: u64) -> Self {
        Self {
            block: tree_of(PERIOD).0,
            size,
        }
    }

    fn leaf(i: u64) -> Hash {
        synthetic_leaf(i % PERIOD)
    }
}

impl SubtreeStore for PeriodicStore {
    type Error = String;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        let end = 1u64
            .checked_shl(level)
            .and_then(|width| index.checked_add(1)?.checked_mul(width));
        if !matches!(end, Some(end) if end <= self.size) {
            return Err(format!(
                "subtree at level {level}, index {index} is not complete in a log of {} leaves",
                self.size
            ));
        }
        if level <= PERIOD_LEVEL {
            let blocks_per_period = PERIOD >> level;
            return self
                .block
                .perfect(level, index % blocks_per_period)
                .map_err(|e| e.to_string());
        }
        let mut hash = self.block.root();
        for _ in PERIOD_LEVEL..level {
            hash = node_hash(&hash, &hash);
        }
        Ok(hash)
    }
}

fn ceil_log2(n: u64) -> u64 {
    u64::from(u64::BITS - (n - 1).leading_zeros())
}

#[test]
fn periodic_store_is_a_real_tree() {
    // Check the made-up store against a tree built leaf by leaf, across several blocks.
    let size = 3 * PERIOD + 77;
    let mut built = MemoryTree::new();
    for i in 0..size {
        built.push(PeriodicStore::leaf(i));
    }
    let lazy = PeriodicStore::new(size);
    for n in [
        1,
        2,
        5,
        PERIOD - 1,
        PERIOD,
        PERIOD + 1,
        2 * PERIOD,
        3 * PERIOD + 5,
        size,
    ] {
        assert_eq!(
            root(&lazy, n).unwrap(),
            root(&built, n).unwrap(),
            "root({n})"
        );
        let i = n / 2;
        assert_eq!(
            inclusion_proof(&lazy, i, n).unwrap(),
            inclusion_proof(&built, i, n).unwrap()
        );
        assert_eq!(
            consistency_proof(&lazy, n / 3 + 1, n).unwrap(),
            consistency_proof(&built, n / 3 + 1, n).unwrap()
        );
    }
    assert!(lazy.perfect(0, size).is_err());
    assert!(lazy.perfect(11, 1).is_err());
}

/// Checks that root, inclusion and consistency proofs at `size` read at most `4 * log2(size)`
/// stored hashes each, and that the proofs verify. Returns the most reads one call made.
fn assert_logarithmic(size: u64, indices: &[u64], old_sizes: &[u64]) -> u64 {
    let store = CountingStore::new(PeriodicStore::new(size));
    let budget = 4 * ceil_log2(size);
    let mut worst = 0;
    let mut check = |what: String, calls: u64| {
        assert!(calls <= budget, "{what}: {calls} reads, budget {budget}");
        worst = worst.max(calls);
    };

    let root_n = root(&store, size).unwrap();
    check(format!("root({size})"), store.take());
    for &index in indices {
        let proof = inclusion_proof(&store, index, size).unwrap();
        check(format!("inclusion of {index} in {size}"), store.take());
        let leaf = PeriodicStore::leaf(index);
        assert_eq!(
            verify_inclusion(index, size, &leaf, &proof, &root_n),
            Ok(())
        );
    }
    for &size1 in old_sizes {
        let proof = consistency_proof(&store, size1, size).unwrap();
        check(format!("consistency from {size1} to {size}"), store.take());
        let root1 = root(&store.inner, size1).unwrap();
        assert_eq!(
            verify_consistency(size1, size, &proof, &root1, &root_n),
            Ok(())
        );
    }
    worst
}

#[test]
fn a_million_leaves_need_only_logarithmic_reads() {
    const N: u64 = 1_000_000;
    let worst = assert_logarithmic(
        N,
        &[0, 1, 2, 12_345, 524_287, 524_288, 999_423, 999_998, N - 1],
        &[1, 2, 3, 1000, 65_537, 524_288, 524_289, 777_777, 999_999, N],
    );
    eprintln!(
        "{N} leaves: at most {worst} store reads per call (budget {})",
        4 * ceil_log2(N)
    );
}

#[test]
fn huge_logs_need_only_logarithmic_reads() {
    for size in [
        (1u64 << 40) + 12_345,
        (1 << 62) - 1,
        (1 << 63) + 1,
        u64::MAX - 1,
        u64::MAX,
    ] {
        let worst = assert_logarithmic(
            size,
            &[0, 1, size / 3, size / 2, size - 2, size - 1],
            &[1, 2, 3, size / 3, size / 2 + 1, size - 1, size],
        );
        eprintln!("{size} leaves: at most {worst} store reads per call");
    }
}
