//! Matching a file's status words to the ledger's statuses, and defining the ones it lacks.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::journal::Event;
use crate::status::Status;
use crate::store::Tx;

/// Matches status words to the vocabulary: `--status-map` first, then the name, label or
/// ClaimReview rating, case-insensitively.
pub(super) struct Vocabulary {
    statuses: Vec<Status>,
    map: Vec<(String, String)>,
    cache: HashMap<String, Option<usize>>,
}

impl Vocabulary {
    pub(super) fn new(tx: &Tx, map: &[(String, String)]) -> Result<Vocabulary> {
        let statuses = tx.statuses()?;
        let mut resolved = Vec::new();
        for (value, status) in map {
            let target = statuses
                .iter()
                .find(|s| {
                    s.name.to_lowercase() == status.trim().to_lowercase()
                        || s.label.to_lowercase() == status.trim().to_lowercase()
                })
                .ok_or_else(|| Error::UnknownStatus {
                    name: status.clone(),
                    known: statuses.iter().map(|s| s.name.clone()).collect(),
                })?;
            resolved.push((value.trim().to_lowercase(), target.name.clone()));
        }
        Ok(Vocabulary {
            statuses,
            map: resolved,
            cache: HashMap::new(),
        })
    }

    pub(super) fn find(&mut self, value: &str) -> Option<&Status> {
        let key = value.trim().to_lowercase();
        if let Some(i) = self.cache.get(&key) {
            return i.map(|i| &self.statuses[i]);
        }
        let wanted = self
            .map
            .iter()
            .find(|(v, _)| *v == key)
            .map(|(_, s)| s.to_lowercase())
            .unwrap_or_else(|| key.clone());
        let i = self.statuses.iter().position(|s| {
            s.name.to_lowercase() == wanted
                || s.label.to_lowercase() == wanted
                || s.rating
                    .as_deref()
                    .is_some_and(|r| r.to_lowercase() == wanted)
        });
        self.cache.insert(key, i);
        i.map(|i| &self.statuses[i])
    }

    /// Defines a status for `value` (name from its words, label as written, rating the
    /// value), returning its event.
    pub(super) fn define(&mut self, value: &str) -> Event {
        let label = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = {
            let s = super::super::sources::slug(&label);
            if s.is_empty() {
                "status".to_string()
            } else {
                s
            }
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.statuses.iter().any(|s| s.name == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        self.statuses.push(Status {
            name: name.clone(),
            label: label.clone(),
            takes_party: false,
            rating: Some(label.clone()),
            builtin: false,
        });
        self.cache.clear();
        Event::StatusDefine {
            name,
            label: label.clone(),
            takes_party: false,
            rating: Some(label),
        }
    }
}
