//! The ledger's journal as an RFC 6962 Merkle log.
//!
//! # Hashing
//!
//! The tree follows RFC 6962 §2.1, restated without change in RFC 9162 §2.1, with SHA-256:
//!
//! - the hash of the empty tree is `SHA-256()` (the hash of no bytes at all),
//! - a leaf hash is `SHA-256(0x00 || entry)`,
//! - an interior node is `SHA-256(0x01 || left || right)`.
//!
//! The two prefixes keep a leaf from ever being mistaken for an interior node (a second
//! pre-image attack). For `n > 1` leaves the tree is split at `k`, the largest power of two
//! below `n`: `MTH(D[0:n]) = node(MTH(D[0:k]), MTH(D[k:n]))`. The left part is therefore always a
//! *perfect* subtree (a power-of-two number of leaves), while the right part may be ragged.
//!
//! # Why stored perfect subtrees make everything O(log n)
//!
//! In an append-only log a perfect subtree never changes once its last leaf is in: the subtree
//! at `level` and `index` covers the leaves `[index << level, (index + 1) << level)` and is
//! complete as soon as the log holds `(index + 1) << level` leaves. So a store keeps, for every
//! level, the hashes of the perfect subtrees completed so far (about `2n` hashes for `n`
//! leaves). Appending a leaf completes the leaf itself and then one parent per trailing one bit of
//! the old size: see [`nodes_completed_by_append`].
//!
//! Every range the RFC recursion ever asks about starts on a multiple of a power of two at
//! least as large as the range itself. Such a range `D[k:n]` splits into perfect subtrees along
//! the binary decomposition of `n - k` (largest first), and its hash is the right fold of those
//! subtree hashes with `node`: `node(P1, node(P2, ... node(Pj-1, Pj)))`. That costs one stored
//! read per one bit of `n - k`, so at most 64 reads and hashes.
//!
//! Walking down the tree for an inclusion proof (PATH, RFC 6962 §2.1.1) or a consistency proof
//! (SUBPROOF, §2.1.2) visits one node per level. Every sibling along the way is a perfect subtree
//! (one read) except at most one: the right-hand sibling met when the walk leaves the ragged
//! right edge of the tree for a perfect subtree, which is a fold as above. Hence [`root`],
//! [`inclusion_proof`] and [`consistency_proof`] read at most about `2 log2 n + 1` stored hashes
//! and compute about as many, whatever the size of the log; no leaf is read that the answer does
//! not need.
//!
//! Verification ([`verify_inclusion`], [`verify_consistency`]) follows the algorithms of
//! RFC 9162 §2.1.3.2 and §2.1.4.2 step by step, after first checking the sizes and the proof
//! length so that a bad proof is reported with a message a person can act on.

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, a node hash or a tree root.
pub type Hash = [u8; 32];

/// Domain-separation prefix of a leaf hash (RFC 6962 §2.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of an interior node hash (RFC 6962 §2.1).
const NODE_PREFIX: u8 = 0x01;

/// The leaf hash of a log entry: `SHA-256(0x00 || entry)`.
#[must_use]
pub fn leaf_hash(entry: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([LEAF_PREFIX])
        .chain_update(entry)
        .finalize()
        .into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root of the empty tree: the SHA-256 of no bytes at all.
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::new().finalize().into()
}

/// Read access to stored hashes of *perfect* subtrees: the subtree at `level` and `index` covers
/// leaves `[index << level, (index + 1) << level)`; level 0 is the leaf hashes themselves.
pub trait SubtreeStore {
    /// What goes wrong when a hash cannot be read (missing, I/O, ...).
    type Error;

    /// The hash of the perfect subtree at `level` and `index`.
    ///
    /// # Errors
    ///
    /// When the hash cannot be read, e.g. because that subtree is not complete yet.
    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

impl<T: SubtreeStore + ?Sized> SubtreeStore for &T {
    type Error = T::Error;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        (**self).perfect(level, index)
    }
}

/// When leaf number `size` (0-based) is appended to a tree of `size` leaves, the perfect subtrees
/// that become complete: always `(0, size, leaf)` then each completed parent, as
/// `(level, index, hash)` from the bottom up. Uses the store only to read left siblings.
///
/// # Errors
///
/// Only the store's, when it cannot provide a left sibling.
pub fn nodes_completed_by_append<S: SubtreeStore>(
    store: &S,
    size: u64,
    leaf: Hash,
) -> Result<Vec<(u32, u64, Hash)>, S::Error> {
    let mut completed = Vec::with_capacity(1 + size.trailing_ones() as usize);
    completed.push((0, size, leaf));
    let (mut level, mut index, mut hash) = (0u32, size, leaf);
    // The new node is a right child exactly while its index is odd; its left sibling is then
    // already complete, and so is their parent.
    while index & 1 == 1 {
        let left = store.perfect(level, index - 1)?;
        hash = node_hash(&left, &hash);
        level += 1;
        index >>= 1;
        completed.push((level, index, hash));
    }
    Ok(completed)
}

/// The Merkle tree hash (root) of the first `size` leaves, from O(log n) stored hashes.
///
/// # Errors
///
/// Only the store's, e.g. when it does not hold `size` leaves.
pub fn root<S: SubtreeStore>(store: &S, size: u64) -> Result<Hash, S::Error> {
    if size == 0 {
        Ok(empty_root())
    } else {
        range_hash(store, 0, size)
    }
}

/// What can stop [`inclusion_proof`] or [`consistency_proof`] from producing a proof.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError<E> {
    /// The leaf asked about is not in the tree of the given size.
    #[error("leaf index {leaf_index} is out of range for a tree of {tree_size} leaves")]
    IndexOutOfRange {
        /// The leaf asked about.
        leaf_index: u64,
        /// The size of the tree asked about.
        tree_size: u64,
    },
    /// The sizes of a consistency proof are not `0 < size1 <= size2`.
    #[error(
        "no consistency proof exists from size {size1} to size {size2}: it needs 0 < size1 <= size2"
    )]
    SizeOutOfRange {
        /// The older tree size.
        size1: u64,
        /// The newer tree size.
        size2: u64,
    },
    /// The subtree store could not provide a hash.
    #[error("the subtree store could not provide a hash: {0}")]
    Store(E),
}

/// The inclusion proof (audit path, RFC 6962 §2.1.1 `PATH`) of leaf `leaf_index` in the tree of
/// the first `size` leaves, ordered from the leaf's sibling up to the root's child.
///
/// # Errors
///
/// [`ProofError::IndexOutOfRange`] unless `leaf_index < size`; [`ProofError::Store`] when the
/// store cannot provide a hash.
pub fn inclusion_proof<S: SubtreeStore>(
    store: &S,
    leaf_index: u64,
    size: u64,
) -> Result<Vec<Hash>, ProofError<S::Error>> {
    if leaf_index >= size {
        return Err(ProofError::IndexOutOfRange {
            leaf_index,
            tree_size: size,
        });
    }
    // Walk from the root down to the leaf, keeping the range [lo, hi) that holds it; the
    // siblings come out top-down and are reversed at the end.
    let mut path = Vec::with_capacity(inclusion_proof_len(leaf_index, size).unwrap_or(0));
    let (mut lo, mut hi) = (0u64, size);
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if leaf_index < lo + k {
            path.push(range_hash(store, lo + k, hi).map_err(ProofError::Store)?);
            hi = lo + k;
        } else {
            path.push(range_hash(store, lo, lo + k).map_err(ProofError::Store)?);
            lo += k;
        }
    }
    path.reverse();
    debug_assert_eq!(Some(path.len()), inclusion_proof_len(leaf_index, size));
    Ok(path)
}

/// The consistency proof (RFC 6962 §2.1.2 `PROOF` / `SUBPROOF`) that the tree of the first `size1`
/// leaves is a prefix of the tree of the first `size2` leaves. Needs `0 < size1 <= size2`; equal
/// sizes give the empty proof.
///
/// # Errors
///
/// [`ProofError::SizeOutOfRange`] unless `0 < size1 <= size2`; [`ProofError::Store`] when the
/// store cannot provide a hash.
pub fn consistency_proof<S: SubtreeStore>(
    store: &S,
    size1: u64,
    size2: u64,
) -> Result<Vec<Hash>, ProofError<S::Error>> {
    if size1 == 0 || size1 > size2 {
        return Err(ProofError::SizeOutOfRange { size1, size2 });
    }
    // SUBPROOF(m, D[lo:hi], b) unrolled: the range [lo, hi) always holds the boundary size1.
    // `complete` is RFC 6962's flag b: true while lo is still 0, so that a subtree ending at
    // size1 would be the old tree itself, whose root the verifier already has. Nodes come out
    // top-down and are reversed at the end.
    let mut proof = Vec::with_capacity(consistency_proof_len(size1, size2).unwrap_or(0));
    let (mut lo, mut hi) = (0u64, size2);
    let mut complete = true;
    loop {
        let m = size1 - lo;
        let n = hi - lo;
        if m == n {
            if !complete {
                proof.push(range_hash(store, lo, hi).map_err(ProofError::Store)?);
            }
            break;
        }
        let k = split_point(n);
        if m <= k {
            proof.push(range_hash(store, lo + k, hi).map_err(ProofError::Store)?);
            hi = lo + k;
        } else {
            proof.push(range_hash(store, lo, lo + k).map_err(ProofError::Store)?);
            lo += k;
            complete = false;
        }
    }
    proof.reverse();
    debug_assert_eq!(Some(proof.len()), consistency_proof_len(size1, size2));
    Ok(proof)
}

/// Why a proof was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The leaf index is not below the tree size, so the leaf cannot be in the tree.
    #[error("leaf index {leaf_index} is out of range for a tree of {tree_size} leaves")]
    IndexOutOfRange {
        /// The claimed leaf index.
        leaf_index: u64,
        /// The claimed tree size.
        tree_size: u64,
    },
    /// A consistency proof from the empty tree proves nothing and is always refused.
    #[error("consistency from an empty tree (size 0) cannot be proved")]
    EmptyOldTree,
    /// The older tree claims to be larger than the newer one.
    #[error("old tree size {size1} is larger than new tree size {size2}")]
    SizesOutOfOrder {
        /// The claimed older size.
        size1: u64,
        /// The claimed newer size.
        size2: u64,
    },
    /// The proof does not have the number of hashes the sizes call for.
    #[error("proof has {}, expected {expected}", hashes(*.got))]
    WrongProofLength {
        /// Hashes in the proof given.
        got: usize,
        /// Hashes a proof for these sizes has.
        expected: usize,
    },
    /// The inclusion proof leads to a different root than the one given.
    #[error("root mismatch: the proof leads to a different root")]
    RootMismatch,
    /// A proof element or leaf hash is not a 32-byte hash.
    #[error("malformed proof: a proof element or leaf hash is not 32 bytes long")]
    MalformedProof,
    /// Two trees of the same size have different roots.
    #[error("root mismatch: both trees have {size} leaves but different roots")]
    EqualSizesDifferentRoots {
        /// The common size.
        size: u64,
    },
    /// The consistency proof does not lead to the old root.
    #[error("old root mismatch: the proof leads to a different root for size {size1}")]
    OldRootMismatch {
        /// The older size.
        size1: u64,
    },
    /// The consistency proof does not lead to the new root.
    #[error("new root mismatch: the proof leads to a different root for size {size2}")]
    NewRootMismatch {
        /// The newer size.
        size2: u64,
    },
}

/// Checks that `proof` shows the leaf with hash `leaf_hash` at `leaf_index` in the tree of
/// `tree_size` leaves whose root is `root` (RFC 9162 §2.1.3.2).
///
/// # Errors
///
/// A [`VerifyError`] saying why the proof does not hold.
pub fn verify_inclusion(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    // RFC 9162 §2.1.3.2 step 1 (leaf_index < tree_size) and the proof's length.
    let Some(expected) = inclusion_proof_len(leaf_index, tree_size) else {
        return Err(VerifyError::IndexOutOfRange {
            leaf_index,
            tree_size,
        });
    };
    let wrong_length = VerifyError::WrongProofLength {
        got: proof.len(),
        expected,
    };
    if proof.len() != expected {
        return Err(wrong_length);
    }
    // RFC 9162 §2.1.3.2, steps 2 to 5.
    let (mut fn_, mut sn) = (leaf_index, tree_size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if sn == 0 {
            return Err(wrong_length);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(wrong_length);
    }
    if r != *root {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// [`verify_consistency`] on hashes as they arrive, of any length, exactly as RFC 9162
/// §2.1.4.2 reads: for equal sizes the proof must be empty and the two roots equal as byte
/// strings; otherwise every proof element must be a 32-byte hash, and a root that is not 32
/// bytes can never match one computed from the proof. (This is how a reader checks the
/// transparency-dev suite, whose cases include roots of other lengths.)
pub fn verify_consistency_bytes(
    size1: u64,
    size2: u64,
    proof: &[Vec<u8>],
    root1: &[u8],
    root2: &[u8],
) -> Result<(), VerifyError> {
    if size1 > size2 {
        return Err(VerifyError::SizesOutOfOrder { size1, size2 });
    }
    let Some(expected) = consistency_proof_len(size1, size2) else {
        return Err(VerifyError::EmptyOldTree);
    };
    if proof.len() != expected {
        return Err(VerifyError::WrongProofLength {
            got: proof.len(),
            expected,
        });
    }
    if size1 == size2 {
        return if root1 == root2 {
            Ok(())
        } else {
            Err(VerifyError::EqualSizesDifferentRoots { size: size1 })
        };
    }
    let proof: Vec<Hash> = proof
        .iter()
        .map(|p| Hash::try_from(p.as_slice()))
        .collect::<Result<_, _>>()
        .map_err(|_| VerifyError::MalformedProof)?;
    let root1: Hash = root1
        .try_into()
        .map_err(|_| VerifyError::OldRootMismatch { size1 })?;
    let root2: Hash = root2
        .try_into()
        .map_err(|_| VerifyError::NewRootMismatch { size2 })?;
    verify_consistency(size1, size2, &proof, &root1, &root2)
}

/// [`verify_inclusion`] on hashes as they arrive, of any length: every proof element and
/// the leaf hash must be 32 bytes, and a root that is not 32 bytes can never match the root
/// the proof leads to.
pub fn verify_inclusion_bytes(
    leaf_index: u64,
    tree_size: u64,
    leaf_hash: &[u8],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), VerifyError> {
    let proof: Vec<Hash> = proof
        .iter()
        .map(|p| Hash::try_from(p.as_slice()))
        .collect::<Result<_, _>>()
        .map_err(|_| VerifyError::MalformedProof)?;
    let leaf: Hash = leaf_hash
        .try_into()
        .map_err(|_| VerifyError::MalformedProof)?;
    let root: Hash = root.try_into().map_err(|_| VerifyError::RootMismatch)?;
    verify_inclusion(leaf_index, tree_size, &leaf, &proof, &root)
}

/// Checks that `proof` shows the tree of `size1` leaves with root `root1` to be a prefix of the
/// tree of `size2` leaves with root `root2` (RFC 9162 §2.1.4.2). Needs `0 < size1 <= size2`;
/// equal sizes need an empty proof and equal roots.
///
/// # Errors
///
/// A [`VerifyError`] saying why the proof does not hold.
pub fn verify_consistency(
    size1: u64,
    size2: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), VerifyError> {
    if size1 > size2 {
        return Err(VerifyError::SizesOutOfOrder { size1, size2 });
    }
    let Some(expected) = consistency_proof_len(size1, size2) else {
        return Err(VerifyError::EmptyOldTree);
    };
    let wrong_length = VerifyError::WrongProofLength {
        got: proof.len(),
        expected,
    };
    if proof.len() != expected {
        return Err(wrong_length);
    }
    if size1 == size2 {
        return if root1 == root2 {
            Ok(())
        } else {
            Err(VerifyError::EqualSizesDifferentRoots { size: size1 })
        };
    }
    // RFC 9162 §2.1.4.2. Step 1 (an empty path fails) is covered by the length check: for
    // 0 < size1 < size2 the expected length is at least 1.
    // Step 2: if size1 is a power of two, the old root itself starts the path.
    let (seed, rest) = if size1.is_power_of_two() {
        (root1, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (first, rest),
            None => return Err(wrong_length),
        }
    };
    // Steps 3 and 4.
    let (mut fn_, mut sn) = (size1 - 1, size2 - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (*seed, *seed);
    // Step 6.
    for c in rest {
        if sn == 0 {
            return Err(wrong_length);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(wrong_length);
    }
    if fr != *root1 {
        return Err(VerifyError::OldRootMismatch { size1 });
    }
    if sr != *root2 {
        return Err(VerifyError::NewRootMismatch { size2 });
    }
    Ok(())
}

/// The number of hashes in the inclusion proof of leaf `leaf_index` in a tree of `tree_size`
/// leaves, or `None` when the tree does not hold that leaf.
#[must_use]
pub fn inclusion_proof_len(leaf_index: u64, tree_size: u64) -> Option<usize> {
    if leaf_index >= tree_size {
        return None;
    }
    // Below the level where the paths to this leaf and to the last leaf part, every level gives
    // one sibling; above it, only the levels where this leaf's path turns right do.
    let inner = u64::BITS - (leaf_index ^ (tree_size - 1)).leading_zeros();
    let border = leaf_index.checked_shr(inner).unwrap_or(0).count_ones();
    Some((inner + border) as usize)
}

/// The number of hashes in the consistency proof from `size1` to `size2` leaves, or `None`
/// unless `0 < size1 <= size2`.
#[must_use]
pub fn consistency_proof_len(size1: u64, size2: u64) -> Option<usize> {
    if size1 == 0 || size1 > size2 {
        return None;
    }
    if size1 == size2 {
        return Some(0);
    }
    // The path to the old tree's last leaf, less the levels inside the largest perfect subtree
    // that ends at size1 (the verifier rebuilds those from the old root), plus that subtree's
    // own hash unless it is the whole old tree.
    let path = inclusion_proof_len(size1 - 1, size2)?;
    let shared = size1.trailing_zeros() as usize;
    Some(path - shared + usize::from(!size1.is_power_of_two()))
}

/// "1 hash", "3 hashes".
fn hashes(count: usize) -> String {
    if count == 1 {
        "1 hash".to_owned()
    } else {
        format!("{count} hashes")
    }
}

/// `k`, the largest power of two below `n`, where RFC 6962 splits a tree of `n > 1` leaves.
fn split_point(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// The RFC 6962 hash of the leaves `[start, end)`, where `start < end` and `start` is a multiple
/// of the largest power of two not above `end - start` (true of every range the recursion meets):
/// the right fold of the perfect subtrees of `end - start`'s binary decomposition.
fn range_hash<S: SubtreeStore>(store: &S, start: u64, end: u64) -> Result<Hash, S::Error> {
    debug_assert!(start < end);
    let n = end - start;
    debug_assert!(start.trailing_zeros() >= u64::BITS - 1 - n.leading_zeros());
    // The smallest subtree is the rightmost: fold from the lowest one bit upwards, each larger
    // subtree becoming the left child of the hash so far.
    let mut acc: Option<Hash> = None;
    let mut bits = n;
    while bits != 0 {
        let level = bits.trailing_zeros();
        bits &= bits - 1;
        // Leaves before this subtree: `start` plus the larger subtrees, i.e. the higher bits.
        let offset = start + bits;
        let piece = store.perfect(level, offset >> level)?;
        acc = Some(match acc {
            None => piece,
            Some(right) => node_hash(&piece, &right),
        });
    }
    Ok(acc.expect("range_hash is only called on non-empty ranges"))
}

/// A store that is missing a perfect subtree it was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no complete subtree is stored at level {level}, index {index}")]
pub struct MissingSubtree {
    /// The level asked for.
    pub level: u32,
    /// The index asked for.
    pub index: u64,
}

/// An in-memory [`SubtreeStore`]: one `Vec` of completed perfect-subtree hashes per level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash (see [`leaf_hash`]) and stores every subtree it completes.
    pub fn push(&mut self, leaf: Hash) {
        let completed = nodes_completed_by_append(self, self.len(), leaf)
            .expect("a MemoryTree holds every left sibling an append reads");
        for (level, index, hash) in completed {
            let level = level as usize;
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            debug_assert_eq!(self.levels[level].len() as u64, index);
            self.levels[level].push(hash);
        }
    }

    /// The number of leaves.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Whether the tree has no leaves.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The root of the whole tree.
    #[must_use]
    pub fn root(&self) -> Hash {
        root(self, self.len()).expect("a MemoryTree holds every subtree of its own size")
    }
}

impl SubtreeStore for MemoryTree {
    type Error = MissingSubtree;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.levels.get(level as usize)?.get(i))
            .copied()
            .ok_or(MissingSubtree { level, index })
    }
}
