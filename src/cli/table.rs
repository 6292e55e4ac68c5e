//! Tables that read at 80 columns: how wide each column is, and how a cell that does not
//! fit is shortened.
//!
//! Each column says what it holds ([`Fit`]), and the layout follows from that rather than
//! from how long the cells happen to be:
//!
//! - ids, numbers, hashes, dates and the `DOC@N` people type are never cut ([`Fit::Whole`]);
//! - status labels and other short phrases keep every word but may wrap ([`Fit::Wrap`]);
//! - names are cut in the middle, keeping their start and end, and only as far as every
//!   two different names in the column still look different ([`Fit::Name`]);
//! - statements, titles and other prose get the space that is left, first, and are cut at
//!   the end with … ([`Fit::Text`]).
//!
//! Headers break only between words. A column may be marked as one to leave out when the
//! terminal is too narrow for everything (`source list` drops the media type before it
//! cuts the title); `--wide` keeps every column and every cell whole, wrapping instead.
//! Widths are display columns (East Asian wide characters and emoji count two), and cuts
//! fall between grapheme clusters.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// What a column holds, which decides how it gives way when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Never cut or wrapped.
    Whole,
    /// Every word kept; wraps onto more lines between words.
    Wrap,
    /// A name: cut in the middle, never so far that two names look the same.
    Name,
    /// Prose: gets the space first, cut at the end.
    Text,
}

/// A column: its header, what it holds, and whether it may be left out when narrow.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    /// The header.
    pub header: &'a str,
    /// How it fits.
    pub fit: Fit,
    /// Left out when the table cannot fit otherwise, highest rank first; None: always shown.
    pub drop: Option<u8>,
}

impl<'a> Column<'a> {
    /// A column that is always shown.
    pub const fn new(header: &'a str, fit: Fit) -> Column<'a> {
        Column {
            header,
            fit,
            drop: None,
        }
    }

    /// A column left out when narrow; higher `rank` goes first.
    pub const fn optional(header: &'a str, fit: Fit, rank: u8) -> Column<'a> {
        Column {
            header,
            fit,
            drop: Some(rank),
        }
    }
}

/// A prose column is never narrowed below this (or its header's longest word).
const MIN_TEXT: usize = 12;
/// A wrapped column is never narrowed below this (unless all of it is narrower).
const MIN_WRAP: usize = 10;
/// A name column is never narrowed below this (or its header's longest word).
const MIN_NAME: usize = 16;

/// The display width of `text`.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

fn longest_word(text: &str) -> usize {
    text.split(' ').map(width).max().unwrap_or(0)
}

/// `text` cut to at most `max` display columns, ending with "…".
pub fn cut_end(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = width(g);
        if used + w + 1 > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `text` cut to at most `max` display columns by taking out its middle ("Ministry
/// of…Orvenia"), between words when that costs little.
pub fn cut_middle(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let room = max.saturating_sub(1);
    let graphemes: Vec<&str> = text.graphemes(true).collect();
    // The end first: keep the last word whole when it fits beside a few characters of the
    // start, as it is often what tells two names apart ("Ministr…Valtrane").
    let mut tail_room = room / 2;
    if let Some(last) = text.rsplit(' ').next() {
        let w = width(last);
        if w > tail_room && w + 4 <= room {
            tail_room = w;
        }
    }
    let (mut tail, mut used) = (graphemes.len(), 0);
    while tail > 0 && used + width(graphemes[tail - 1]) <= tail_room {
        used += width(graphemes[tail - 1]);
        tail -= 1;
    }
    // A word cut at the start of the end part: take it whole if only a few characters are
    // missing ("…Meridian Courier"), else drop the piece if it is short.
    if tail > 0 && graphemes[tail - 1] != " " {
        let mut start = tail;
        while start > 0 && graphemes[start - 1] != " " {
            start -= 1;
        }
        let missing: usize = graphemes[start..tail].iter().map(|g| width(g)).sum();
        let present = graphemes[tail..]
            .iter()
            .take_while(|g| **g != " ")
            .map(|g| width(g))
            .sum::<usize>();
        if start > 0 && missing <= 3 && present > missing && used + missing + 4 <= room {
            tail = start;
        }
    }
    let mut tail_text = graphemes[tail..].concat();
    if tail > 0 && graphemes[tail - 1] != " " {
        if let Some(i) = tail_text.find(' ') {
            if i * 3 <= tail_text.len() {
                tail_text = tail_text[i + 1..].to_string();
            }
        }
    }
    let tail_text = tail_text.trim_start().to_string();
    let head_room = room.saturating_sub(width(&tail_text));
    let (mut head, mut used) = (0, 0);
    while head < tail && used + width(graphemes[head]) <= head_room {
        used += width(graphemes[head]);
        head += 1;
    }
    let mut head_text = graphemes[..head].concat();
    if graphemes.get(head) != Some(&" ") {
        if let Some(i) = head_text.rfind(' ') {
            if i * 3 >= head_text.len() * 2 {
                head_text.truncate(i);
            }
        }
    }
    format!("{}…{tail_text}", head_text.trim_end())
}

/// The narrowest width from `start` at which cutting keeps distinct names distinct.
fn distinct_width(cells: &[&str], start: usize, natural: usize) -> usize {
    let mut w = start.min(natural);
    while w < natural {
        let mut seen: HashMap<String, &str> = HashMap::new();
        let clash = cells.iter().any(|&c| {
            let cut = cut_middle(c, w);
            matches!(seen.insert(cut, c), Some(other) if other != c)
        });
        if !clash {
            break;
        }
        w += 1;
    }
    w
}

/// The layout of a table: which columns are shown, and each one's content width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Content width of each column; None for a column left out.
    pub widths: Vec<Option<usize>>,
}

/// Border and padding columns of a table with `n` columns (`│ a ┆ b │`).
pub fn overhead(n: usize) -> usize {
    3 * n + 1
}

/// Lays `rows` out in `total` display columns (None: as wide as they are). With `wide`,
/// nothing is cut or left out: every column is kept whole, wrapping between words.
pub fn layout(
    columns: &[Column],
    rows: &[Vec<String>],
    total: Option<usize>,
    wide: bool,
) -> Layout {
    let n = columns.len();
    let cells = |i: usize| rows.iter().map(move |r| r[i].as_str());
    let natural: Vec<usize> = (0..n)
        .map(|i| {
            cells(i)
                .map(width)
                .chain([width(columns[i].header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let Some(total) = total else {
        return Layout {
            widths: natural.into_iter().map(Some).collect(),
        };
    };
    let header_word: Vec<usize> = columns.iter().map(|c| longest_word(c.header)).collect();
    let word = |i: usize| {
        cells(i)
            .map(longest_word)
            .chain([header_word[i]])
            .max()
            .unwrap_or(0)
    };
    // The narrowest each column may be: comfortable minimums, or tight ones when even
    // those do not fit.
    let minimum_with = |text: usize, name: usize, wrap: usize| -> Vec<usize> {
        (0..n)
            .map(|i| match (wide, columns[i].fit) {
                (true, _) => word(i),
                // A wrapped phrase takes a few words a line, not one.
                (false, Fit::Wrap) => word(i).max(natural[i].min(wrap)),
                (false, Fit::Whole) => natural[i],
                (false, Fit::Text) => natural[i].min(text.max(header_word[i])),
                (false, Fit::Name) => {
                    let names: Vec<&str> = cells(i).collect();
                    distinct_width(&names, name.max(header_word[i]), natural[i])
                }
            })
            .collect()
    };
    let mut minimum = minimum_with(MIN_TEXT, MIN_NAME, MIN_WRAP);
    let sum_fits = |widths: &[usize], shown: &[bool]| {
        let count = shown.iter().filter(|s| **s).count();
        let sum: usize = (0..n).filter(|&i| shown[i]).map(|i| widths[i]).sum();
        sum + overhead(count) <= total
    };
    let required: Vec<bool> = (0..n).map(|i| wide || columns[i].drop.is_none()).collect();
    if !sum_fits(&minimum, &required) {
        minimum = minimum_with(6, 8, 0);
    }
    // Prose is comfortable at about a third of the width (or whole, if shorter).
    let comfortable: Vec<usize> = (0..n)
        .map(|i| match columns[i].fit {
            Fit::Text if !wide => natural[i].min(minimum[i].max(total * 7 / 20)),
            _ => minimum[i],
        })
        .collect();
    let mut shown: Vec<bool> = vec![true; n];
    let fits = |shown: &[bool], widths: &[usize]| {
        let count = shown.iter().filter(|s| **s).count();
        let sum: usize = (0..n).filter(|&i| shown[i]).map(|i| widths[i]).sum();
        sum + overhead(count) <= total
    };
    if fits(&shown, &natural) {
        return Layout {
            widths: natural.into_iter().map(Some).collect(),
        };
    }
    // Leave out optional columns, highest rank first, until the prose can be comfortable.
    if !wide {
        let mut optional: Vec<usize> = (0..n).filter(|&i| columns[i].drop.is_some()).collect();
        optional.sort_by_key(|&i| std::cmp::Reverse(columns[i].drop));
        for i in optional {
            if fits(&shown, &comfortable) {
                break;
            }
            shown[i] = false;
        }
    }
    let count = shown.iter().filter(|s| **s).count();
    let mut widths = minimum.clone();
    let used: usize = (0..n).filter(|&i| shown[i]).map(|i| widths[i]).sum();
    let mut spare = total.saturating_sub(overhead(count) + used);
    // Hand out the spare columns: prose to comfortable, names to a readable width, short
    // phrases to one line, names to a generous width, prose whole, long phrases to one
    // line, names whole (with --wide, everything at once), each step in proportion to what
    // its columns still lack.
    let readable_name: Vec<usize> = natural.iter().map(|&w| w.min(20)).collect();
    let short_wrap: Vec<usize> = natural.iter().map(|&w| w.min(20)).collect();
    let long_name: Vec<usize> = natural.iter().map(|&w| w.min(32)).collect();
    let steps: Vec<(Vec<Fit>, &[usize])> = if wide {
        vec![(vec![Fit::Text, Fit::Name, Fit::Wrap, Fit::Whole], &natural)]
    } else {
        vec![
            (vec![Fit::Text], &comfortable),
            (vec![Fit::Name], &readable_name),
            (vec![Fit::Wrap], &short_wrap),
            (vec![Fit::Name], &long_name),
            (vec![Fit::Text], &natural),
            (vec![Fit::Wrap], &natural),
            (vec![Fit::Name], &natural),
        ]
    };
    for (group, goal) in steps {
        let members: Vec<usize> = (0..n)
            .filter(|&i| shown[i] && group.contains(&columns[i].fit))
            .collect();
        while spare > 0 {
            let lacking: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| widths[i] < goal[i])
                .collect();
            if lacking.is_empty() {
                break;
            }
            let need: usize = lacking.iter().map(|&i| goal[i] - widths[i]).sum();
            let round = spare;
            for &i in &lacking {
                let share = ((goal[i] - widths[i]) * round).div_ceil(need);
                let give = share.min(goal[i] - widths[i]).min(spare);
                widths[i] += give;
                spare -= give;
            }
        }
    }
    Layout {
        widths: (0..n).map(|i| shown[i].then_some(widths[i])).collect(),
    }
}

/// A cell's text as shown in a column of `width` (cut as its [`Fit`] says; with `wide`
/// or for whole and wrapped columns, as it is).
pub fn fit_cell(text: &str, fit: Fit, width: usize, wide: bool) -> String {
    match (wide, fit) {
        (false, Fit::Text) => cut_end(text, width),
        (false, Fit::Name) => cut_middle(text, width),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_between_graphemes_and_keep_both_ends_of_names() {
        assert_eq!(cut_end("a precision strike", 10), "a precisi…");
        assert_eq!(cut_end("short", 10), "short");
        assert_eq!(cut_end("👩‍🚒👩‍🚒👩‍🚒", 5), "👩‍🚒👩‍🚒…");
        assert_eq!(
            cut_middle("Ministry of Defence of Orvenia", 16),
            "Ministry…Orvenia"
        );
        assert_eq!(
            cut_middle("Ministry of Defence of Orvenia", 20),
            "Ministry of…Orvenia"
        );
        assert_eq!(
            cut_middle("Ministry of Defence of Valtrane", 16),
            "Ministr…Valtrane"
        );
        assert_ne!(
            cut_middle("Ministry of Defence of Orvenia", 16),
            cut_middle("Ministry of Defence of Valtrane", 16)
        );
        assert!(width(&cut_middle("Министерство обороны Орвении", 12)) <= 12);
    }

    #[test]
    fn distinct_names_stay_distinct() {
        let names = [
            "Ministry of Defence, Orvenia (a)",
            "Ministry of Defence, Orvenia (b)",
        ];
        let w = distinct_width(&names, 10, 32);
        assert_ne!(cut_middle(names[0], w), cut_middle(names[1], w));
    }

    #[test]
    fn prose_gets_the_space_and_short_columns_stay_whole() {
        let cols = [
            Column::new("id", Fit::Whole),
            Column::new("statement", Fit::Text),
            Column::new("claimed by", Fit::Name),
            Column::new("status", Fit::Wrap),
        ];
        let rows = vec![vec![
            "C1".to_string(),
            "x".repeat(200),
            "Ministry of Defence of Orvenia".to_string(),
            "not independently confirmed".to_string(),
        ]];
        let l = layout(&cols, &rows, Some(80), false);
        let w: Vec<usize> = l.widths.iter().map(|w| w.unwrap()).collect();
        assert_eq!(w.iter().sum::<usize>() + overhead(4), 80);
        assert_eq!(w[0], 2);
        assert!(w[3] >= "independently".len(), "{w:?}");
        assert!(w[1] > w[2], "{w:?}");
        // Piped: everything whole.
        let l = layout(&cols, &rows, None, false);
        assert_eq!(l.widths[1], Some(200));
    }
}
