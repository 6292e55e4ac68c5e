//! Myers' bit-parallel edit distance (Myers 1999, with Hyyrö's blocks for patterns
//! longer than 64 chars): the engine under the fuzzy scan, one text char per step.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Cheap hasher for `char` keys of the match-vector table.
#[derive(Default)]
pub(super) struct CharHasher(u64);

impl Hasher for CharHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 32)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = (self.0 ^ u64::from(v)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Match vectors of a pattern: for each char, one bit per pattern position,
/// in blocks of 64. Symbol 0 is "not in the pattern" (all zero).
pub(super) struct Peq {
    pub(super) m: usize,
    pub(super) blocks: usize,
    table: Vec<u64>,
    ascii: [u32; 128],
    other: HashMap<char, u32, BuildHasherDefault<CharHasher>>,
}

impl Peq {
    pub(super) fn new(pattern: &[char]) -> Peq {
        let m = pattern.len();
        let blocks = m.div_ceil(64).max(1);
        let mut peq = Peq {
            m,
            blocks,
            table: vec![0; blocks],
            ascii: [0; 128],
            other: HashMap::default(),
        };
        for (i, &c) in pattern.iter().enumerate() {
            let mut sym = peq.symbol(c);
            if sym == 0 {
                sym = peq.table.len() / blocks;
                peq.table.resize(peq.table.len() + blocks, 0);
                if (c as u32) < 128 {
                    peq.ascii[c as usize] = sym as u32;
                } else {
                    peq.other.insert(c, sym as u32);
                }
            }
            peq.table[sym * blocks + i / 64] |= 1u64 << (i % 64);
        }
        peq
    }

    #[inline]
    pub(super) fn symbol(&self, c: char) -> usize {
        let u = c as u32;
        if u < 128 {
            self.ascii[u as usize] as usize
        } else {
            self.other.get(&c).map_or(0, |&s| s as usize)
        }
    }

    #[inline]
    pub(super) fn eq(&self, c: char) -> &[u64] {
        let s = self.symbol(c) * self.blocks;
        &self.table[s..s + self.blocks]
    }
}

/// One column step of one 64-row block. `hin` is the horizontal delta
/// entering the block at its top row, the result the delta leaving it at the
/// row selected by `out_mask`.
#[inline(always)]
pub(super) fn advance_block(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32, out_mask: u64) -> i32 {
    let (p, m) = (*pv, *mv);
    let xv = eq | m;
    let eq = if hin < 0 { eq | 1 } else { eq };
    let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
    let mut ph = m | !(xh | p);
    let mut mh = p & xh;
    let hout = if ph & out_mask != 0 {
        1
    } else if mh & out_mask != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    if hin < 0 {
        mh |= 1;
    } else if hin > 0 {
        ph |= 1;
    }
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

/// Column-by-column edit distance of a whole pattern against a growing text.
/// Search mode: free start in the text (value = best distance of a substring
/// ending here). Anchored mode: the text starts where reading started.
pub(super) struct Myers<'p> {
    peq: &'p Peq,
    pv: Vec<u64>,
    mv: Vec<u64>,
    last_mask: u64,
    top_in: i32,
    score: usize,
}

impl<'p> Myers<'p> {
    pub(super) fn new(peq: &'p Peq, anchored: bool) -> Self {
        Myers {
            peq,
            pv: vec![!0; peq.blocks],
            mv: vec![0; peq.blocks],
            last_mask: 1u64 << ((peq.m.max(1) - 1) % 64),
            top_in: i32::from(anchored),
            score: peq.m,
        }
    }
}

/// Reads text one char at a time, giving the distance for the text read so far.
pub(super) trait Step {
    fn step(&mut self, c: char) -> usize;
}

impl Step for Myers<'_> {
    #[inline]
    fn step(&mut self, c: char) -> usize {
        let peq = self.peq;
        let eq = peq.eq(c);
        let last = peq.blocks - 1;
        let mut h = self.top_in;
        let blocks = self.pv[..last].iter_mut().zip(&mut self.mv[..last]);
        for ((pv, mv), &e) in blocks.zip(&eq[..last]) {
            h = advance_block(pv, mv, e, h, 1 << 63);
        }
        h = advance_block(
            &mut self.pv[last],
            &mut self.mv[last],
            eq[last],
            h,
            self.last_mask,
        );
        self.score = self.score.wrapping_add_signed(h as isize);
        self.score
    }
}

/// [`Myers`] for patterns of exactly `B` blocks, with the bit vectors in
/// local arrays (registers) for the scans, the hot loop.
pub(super) struct MyersFixed<'p, const B: usize> {
    peq: &'p Peq,
    pv: [u64; B],
    mv: [u64; B],
    last_mask: u64,
    score: usize,
}

impl<'p, const B: usize> MyersFixed<'p, B> {
    pub(super) fn new(peq: &'p Peq) -> Self {
        debug_assert_eq!(peq.blocks, B);
        MyersFixed {
            peq,
            pv: [!0; B],
            mv: [0; B],
            last_mask: 1u64 << ((peq.m.max(1) - 1) % 64),
            score: peq.m,
        }
    }
}

impl<const B: usize> Step for MyersFixed<'_, B> {
    #[inline(always)]
    fn step(&mut self, c: char) -> usize {
        let s = self.peq.symbol(c) * B;
        let eq: &[u64; B] = self.peq.table[s..s + B].try_into().expect("B blocks");
        let mut h = 0; // search mode: free start in the text
        for (b, &e) in eq.iter().enumerate() {
            let mask = if b + 1 == B { self.last_mask } else { 1 << 63 };
            h = advance_block(&mut self.pv[b], &mut self.mv[b], e, h, mask);
        }
        self.score = self.score.wrapping_add_signed(h as isize);
        self.score
    }
}
