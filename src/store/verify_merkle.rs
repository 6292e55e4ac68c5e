//! `verify`'s check of the stored Merkle tree, in the same pass as the journal.
//!
//! Design decision: the tree is recomputed as the journal streams, keeping only its right
//! edge, and every subtree is compared with its stored node the moment it completes: each
//! level of `merkle_nodes` is read in index order through a small window of rows (a merge of
//! two sorted streams, no lookup per node). Afterwards only the levels from [`KEEP_FROM`] up
//! are held in memory (1/16 of the tree: about 6 MB at 1.5 million entries, where the whole
//! tree took about 100 MB); a root or proof for a checkpoint reads the few lower nodes it
//! needs from the ledger, which the pass has just proved equal to the recomputed ones, and
//! any node that was not (wrong or missing) is answered from a list of the recomputed
//! hashes kept for exactly those. So the checkpoint checks see the recomputed tree, always.

use std::collections::{HashMap, VecDeque};

use rusqlite::{Connection, params};

use super::merkle::stored_hash;
use super::verify::Problem;
use crate::error::Result;
use crate::merkle::{self, Hash, SubtreeStore};

/// Levels from this one up are kept in memory.
pub const KEEP_FROM: u32 = 4;

/// Rows read from one level at a time.
const WINDOW: i64 = 2048;

/// Most node problems named one by one.
const MAX_NAMED: usize = 10;

/// The recomputed tree, as far as it is kept.
#[derive(Default)]
pub struct Tree {
    size: u64,
    /// Per level, the last completed subtree (its index and hash).
    edge: Vec<Option<(u64, Hash)>>,
    /// Levels [`KEEP_FROM`] and up, whole.
    upper: Vec<Vec<Hash>>,
    /// Recomputed hashes of lower-level nodes the ledger holds wrong or not at all.
    fixed: HashMap<(u32, u64), Hash>,
}

/// A left sibling for [`merkle::nodes_completed_by_append`]: always the edge of its level.
struct Edge<'a>(&'a [Option<(u64, Hash)>]);

impl SubtreeStore for Edge<'_> {
    type Error = ();
    fn perfect(&self, level: u32, index: u64) -> std::result::Result<Hash, ()> {
        match self.0.get(level as usize) {
            Some(Some((i, h))) if *i == index => Ok(*h),
            _ => Err(()),
        }
    }
}

impl Tree {
    /// The number of leaves.
    pub fn len(&self) -> u64 {
        self.size
    }

    /// Whether it has no leaves.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Appends a leaf; returns the subtrees it completes, bottom up.
    fn push(&mut self, leaf: Hash) -> Vec<(u32, u64, Hash)> {
        let completed = merkle::nodes_completed_by_append(&Edge(&self.edge), self.size, leaf)
            .expect("the right edge holds every left sibling an append reads");
        for &(level, index, hash) in &completed {
            let l = level as usize;
            if self.edge.len() <= l {
                self.edge.resize(l + 1, None);
            }
            self.edge[l] = Some((index, hash));
            if level >= KEEP_FROM {
                let u = (level - KEEP_FROM) as usize;
                if self.upper.len() <= u {
                    self.upper.resize_with(u + 1, Vec::new);
                }
                self.upper[u].push(hash);
            }
        }
        self.size += 1;
        completed
    }

    /// The recomputed tree, reading the lower levels from `conn` (see the module note).
    pub fn store<'a>(&'a self, conn: &'a Connection) -> Checked<'a> {
        Checked { tree: self, conn }
    }
}

/// The recomputed tree as a [`SubtreeStore`].
pub struct Checked<'a> {
    tree: &'a Tree,
    conn: &'a Connection,
}

impl SubtreeStore for Checked<'_> {
    type Error = merkle::MissingSubtree;

    fn perfect(&self, level: u32, index: u64) -> std::result::Result<Hash, Self::Error> {
        let missing = merkle::MissingSubtree { level, index };
        if level >= 64
            || (index + 1)
                .checked_shl(level)
                .is_none_or(|end| end > self.tree.size)
        {
            return Err(missing);
        }
        if level >= KEEP_FROM {
            return self.tree.upper[(level - KEEP_FROM) as usize]
                .get(index as usize)
                .copied()
                .ok_or(missing);
        }
        if let Some(h) = self.tree.fixed.get(&(level, index)) {
            return Ok(*h);
        }
        let stored = self
            .conn
            .prepare_cached("SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2")
            .and_then(|mut s| {
                s.query_row(params![level, index as i64], |r| {
                    Ok(stored_hash(r.get_ref(0)?))
                })
            });
        match stored {
            Ok(Some(h)) => Ok(h),
            // Proved present and equal by the pass; only a read error lands here.
            _ => Err(missing),
        }
    }
}

/// One level of `merkle_nodes`, read in index order a window at a time.
#[derive(Default)]
struct Level {
    rows: VecDeque<(i64, Option<Hash>)>,
    /// The index to read from next.
    from: i64,
    done: bool,
}

/// The comparison of the recomputed tree with `merkle_nodes`, as the journal streams.
pub struct Check<'c> {
    conn: &'c Connection,
    levels: Vec<Level>,
    pub tree: Tree,
    named: usize,
    more: usize,
    problems: Vec<Problem>,
}

impl<'c> Check<'c> {
    /// Starts the comparison with the ledger's `merkle_nodes`.
    pub fn new(conn: &'c Connection) -> Check<'c> {
        Check {
            conn,
            levels: Vec::new(),
            tree: Tree::default(),
            named: 0,
            more: 0,
            problems: Vec::new(),
        }
    }

    fn report(&mut self, place: String, message: String) {
        if self.named < MAX_NAMED {
            self.named += 1;
            self.problems.push(Problem {
                check: "merkle",
                place,
                message,
            });
        } else {
            self.more += 1;
        }
    }

    /// The next stored row of `level`, if any (not consumed).
    fn peek(&mut self, level: u32) -> Result<Option<(i64, Option<Hash>)>> {
        let l = level as usize;
        if self.levels.len() <= l {
            self.levels.resize_with(l + 1, Level::default);
        }
        if self.levels[l].rows.is_empty() && !self.levels[l].done {
            let from = self.levels[l].from;
            let mut stmt = self.conn.prepare_cached(
                "SELECT idx, hash FROM merkle_nodes WHERE level = ?1 AND idx >= ?2 ORDER BY idx LIMIT ?3",
            )?;
            let mut rows = stmt.query(params![level, from, WINDOW])?;
            let level_rows = &mut self.levels[l];
            while let Some(row) = rows.next()? {
                let idx: i64 = row.get(0)?;
                level_rows
                    .rows
                    .push_back((idx, stored_hash(row.get_ref(1)?)));
                level_rows.from = idx + 1;
            }
            if (level_rows.rows.len() as i64) < WINDOW {
                level_rows.done = true;
            }
        }
        Ok(self.levels[l].rows.front().copied())
    }

    /// Appends a leaf and compares every subtree it completes with its stored node.
    pub fn push(&mut self, leaf: Hash) -> Result<()> {
        for (level, index, hash) in self.tree.push(leaf) {
            let place = format!("merkle_nodes level {level}, index {index}");
            let stored = match self.peek(level)? {
                Some((i, h)) if i == index as i64 => {
                    self.levels[level as usize].rows.pop_front();
                    Some(h)
                }
                _ => None, // the next stored index is later: this one is missing
            };
            match stored {
                Some(Some(h)) if h == hash => continue,
                Some(_) => self.report(
                    place,
                    if level == 0 {
                        format!("is not the leaf hash of journal entry #{index}")
                    } else {
                        format!(
                            "is not the hash of journal entries #{}..#{}",
                            index << level,
                            ((index + 1) << level) - 1
                        )
                    },
                ),
                None => self.report(
                    place,
                    "is missing (the journal completes this subtree)".into(),
                ),
            }
            if level < KEEP_FROM {
                self.tree.fixed.insert((level, index), hash);
            }
        }
        Ok(())
    }

    /// Names the stored nodes no subtree of the journal is, and returns every problem.
    pub fn finish(mut self) -> Result<(Tree, Vec<Problem>)> {
        let n = self.tree.len();
        let mut beyond: Vec<(i64, i64)> = Vec::new();
        for level in 0..self.levels.len().max(1) as u32 {
            while let Some((idx, _)) = self.peek(level)? {
                self.levels[level as usize].rows.pop_front();
                beyond.push((level as i64, idx));
            }
        }
        // Levels the journal reaches no node of, and rows outside any tree.
        let mut stmt = self.conn.prepare(
            "SELECT level, idx FROM merkle_nodes WHERE level >= ?1 OR level < 0 OR idx < 0 ORDER BY level, idx",
        )?;
        let mut rows = stmt.query(params![self.levels.len() as i64])?;
        let mut outside: Vec<(i64, i64)> = Vec::new();
        while let Some(row) = rows.next()? {
            let (level, idx): (i64, i64) = (row.get(0)?, row.get(1)?);
            if !(0..64).contains(&level) || idx < 0 {
                outside.push((level, idx));
            } else if level as usize >= self.levels.len() {
                beyond.push((level, idx));
            }
        }
        drop(rows);
        drop(stmt);
        for (level, idx) in outside {
            self.report(
                format!("merkle_nodes level {level}, index {idx}"),
                "is not a node of any tree".into(),
            );
        }
        let leaves = beyond
            .iter()
            .filter(|(l, _)| *l == 0)
            .map(|(_, i)| i + 1)
            .max();
        for (level, idx) in beyond {
            self.report(
                format!("merkle_nodes level {level}, index {idx}"),
                format!("is beyond the journal's {n} entries (no such subtree is complete)"),
            );
        }
        if let Some(leaves) = leaves {
            // A tree longer than the journal: entries were deleted from its end.
            self.problems.push(Problem {
                check: "journal",
                place: format!("journal entry #{n}"),
                message: format!(
                    "is missing: the Merkle tree has {leaves} leaves but the journal has {n} entries (entries were deleted from its end)"
                ),
            });
        }
        if self.more > 0 {
            self.problems.push(Problem {
                check: "merkle",
                place: "merkle_nodes".into(),
                message: format!("{} more node(s) differ", self.more),
            });
        }
        Ok((self.tree, self.problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(i: u64) -> Hash {
        merkle::leaf_hash(&i.to_be_bytes())
    }

    /// A ledger-shaped `merkle_nodes` holding the tree of `n` leaves.
    fn stored(n: u64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
        )
        .unwrap();
        let mut tree = merkle::MemoryTree::new();
        for i in 0..n {
            let nodes = merkle::nodes_completed_by_append(&tree, i, leaf(i)).unwrap();
            super::super::merkle::insert_nodes(&conn, &nodes).unwrap();
            tree.push(leaf(i));
        }
        conn
    }

    fn run(conn: &Connection, n: u64) -> (Tree, Vec<Problem>) {
        let mut check = Check::new(conn);
        for i in 0..n {
            check.push(leaf(i)).unwrap();
        }
        check.finish().unwrap()
    }

    #[test]
    fn the_kept_tree_answers_as_the_whole_tree() {
        let n = 1000;
        let conn = stored(n);
        let (tree, problems) = run(&conn, n);
        assert!(problems.is_empty(), "{problems:?}");
        let mut whole = merkle::MemoryTree::new();
        (0..n).for_each(|i| whole.push(leaf(i)));
        let store = tree.store(&conn);
        for size in [1, 2, 3, 15, 16, 17, 511, 512, 999, 1000] {
            assert_eq!(
                merkle::root(&store, size).unwrap(),
                merkle::root(&whole, size).unwrap()
            );
            assert_eq!(
                merkle::consistency_proof(&store, size, n).unwrap(),
                merkle::consistency_proof(&whole, size, n).unwrap()
            );
        }
        assert!(merkle::root(&store, n + 1).is_err());
    }

    #[test]
    fn wrong_missing_and_extra_nodes_are_named_and_roots_stay_recomputed() {
        let n = 100;
        let conn = stored(n);
        conn.execute_batch(
            "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 7;
             DELETE FROM merkle_nodes WHERE level = 2 AND idx = 3;
             INSERT INTO merkle_nodes VALUES (0, 100, 'ab'), (9, 0, 'cd'), (-1, 0, 'ef');",
        )
        .unwrap();
        let (tree, problems) = run(&conn, n);
        let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        for want in [
            "merkle_nodes level 0, index 7: is not the leaf hash of journal entry #7",
            "merkle_nodes level 2, index 3: is missing",
            "merkle_nodes level 0, index 100: is beyond the journal's 100 entries",
            "merkle_nodes level 9, index 0: is beyond",
            "merkle_nodes level -1, index 0: is not a node of any tree",
            "journal entry #100: is missing: the Merkle tree has 101 leaves",
        ] {
            assert!(
                text.iter().any(|t| t.starts_with(want)),
                "{want} not in {text:?}"
            );
        }
        let mut whole = merkle::MemoryTree::new();
        (0..n).for_each(|i| whole.push(leaf(i)));
        let store = tree.store(&conn);
        for size in 1..=n {
            assert_eq!(
                merkle::root(&store, size).unwrap(),
                merkle::root(&whole, size).unwrap()
            );
        }
    }
}
