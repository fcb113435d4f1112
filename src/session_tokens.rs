//! The latest session token for a feed range, from tokens the caller collected per
//! feed range (4.x `get_latest_session_token`). Merging itself is the driver's
//! (`SessionToken::merge`: per partition-key-range segment, version, then LSNs).

use azure_data_cosmos_driver::models::{FeedRange, SessionToken};
use pyo3::prelude::*;

use crate::errors::client_error;
use crate::feed_ranges::{from_bounds, Bounds};

/// The global LSN of a single-segment token (`"<range>:<version>#<lsn>#..."`);
/// `None` for a compound token, which takes no part in split detection.
fn global_lsn(token: &str) -> Option<u64> {
    if token.contains(',') {
        return None;
    }
    let (_, vector) = token.split_once(':')?;
    vector.split('#').nth(1)?.parse().ok()
}

fn merge(tokens: &[&str]) -> Result<String, String> {
    let mut merged: Option<SessionToken> = None;
    for token in tokens {
        let next = SessionToken::new(token.to_string());
        merged = Some(match merged {
            None => next,
            Some(current) => current
                .merge(&next)
                .map_err(|e| format!("session token {token:?} cannot be merged: {e}"))?,
        });
    }
    merged
        .map(|t| t.as_str().to_owned())
        .ok_or_else(|| "no session tokens".to_owned())
}

/// Whether `parts` cover `whole` exactly, without gaps (they lie inside it).
fn covers(whole: &FeedRange, parts: &[&FeedRange]) -> bool {
    let mut sorted: Vec<&FeedRange> = parts.to_vec();
    sorted.sort_by(|a, b| a.min_inclusive().cmp(b.min_inclusive()));
    let mut cursor = whole.min_inclusive().clone();
    for part in sorted {
        if part.min_inclusive() > &cursor {
            return false;
        }
        if part.max_exclusive() > &cursor {
            cursor = part.max_exclusive().clone();
        }
    }
    &cursor >= whole.max_exclusive()
}

pub fn latest(entries: Vec<(FeedRange, String)>, target: &FeedRange) -> Result<String, String> {
    // 1. Only what overlaps the target; tokens of the same range merged.
    let mut ranges: Vec<(FeedRange, String)> = Vec::new();
    for (range, token) in entries {
        if !range.overlaps(target) {
            continue;
        }
        match ranges.iter_mut().find(|(known, _)| *known == range) {
            Some((_, existing)) => *existing = merge(&[existing.as_str(), token.as_str()])?,
            None => ranges.push((range, token)),
        }
    }
    if ranges.is_empty() {
        return Err("There were no overlapping feed ranges with the target.".to_owned());
    }
    // 2. A range split into children (or children merged into it): where the
    //    children cover the parent, the side with the newer LSNs wins.
    let mut dropped = vec![false; ranges.len()];
    for parent in 0..ranges.len() {
        let Some(parent_lsn) = global_lsn(&ranges[parent].1) else {
            continue;
        };
        let children: Vec<usize> = (0..ranges.len())
            .filter(|&i| {
                i != parent
                    && ranges[i].0 != ranges[parent].0
                    && ranges[i].0.is_subset_of(&ranges[parent].0)
            })
            .collect();
        let child_ranges: Vec<&FeedRange> = children.iter().map(|&i| &ranges[i].0).collect();
        if children.is_empty() || !covers(&ranges[parent].0, &child_ranges) {
            continue;
        }
        let child_lsns: Option<Vec<u64>> =
            children.iter().map(|&i| global_lsn(&ranges[i].1)).collect();
        let Some(child_lsns) = child_lsns else {
            continue;
        };
        if child_lsns.iter().all(|&lsn| lsn >= parent_lsn) {
            dropped[parent] = true;
        } else if child_lsns.iter().all(|&lsn| lsn < parent_lsn) {
            for &child in &children {
                dropped[child] = true;
            }
        }
    }
    // 3. What is left, merged per partition-key range.
    let kept: Vec<&str> = ranges
        .iter()
        .zip(&dropped)
        .filter(|(_, &gone)| !gone)
        .map(|((_, token), _)| token.as_str())
        .collect();
    merge(&kept)
}

/// `entries`: `((min, max), token)` pairs; `target`: the range to get a token for.
#[pyfunction]
pub fn latest_session_token(entries: Vec<(Bounds, String)>, target: Bounds) -> PyResult<String> {
    let target = from_bounds(&target.0, &target.1)?;
    let entries = entries
        .into_iter()
        .map(|((min, max), token)| Ok((from_bounds(&min, &max)?, token)))
        .collect::<PyResult<Vec<_>>>()?;
    latest(entries, &target).map_err(client_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_data_cosmos_driver::models::effective_partition_key::EffectivePartitionKey;

    fn range(min: &str, max: &str) -> FeedRange {
        FeedRange::new(
            EffectivePartitionKey::try_from(min).unwrap(),
            EffectivePartitionKey::try_from(max).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn same_range_keeps_the_newer_token() {
        let r = range("AA", "BB");
        let got = latest(
            vec![(r.clone(), "1:1#51".into()), (r.clone(), "1:1#55".into())],
            &r,
        );
        assert_eq!(got.unwrap(), "1:1#55");
    }

    #[test]
    fn ranges_outside_the_target_are_ignored_and_none_is_an_error() {
        let got = latest(
            vec![
                (range("AA", "BB"), "1:1#51".into()),
                (range("CC", "DD"), "2:1#9".into()),
            ],
            &range("AA", "BB"),
        );
        assert_eq!(got.unwrap(), "1:1#51");
        assert!(latest(
            vec![(range("CC", "DD"), "2:1#9".into())],
            &range("AA", "BB")
        )
        .is_err());
    }

    #[test]
    fn newer_children_replace_their_parent() {
        let got = latest(
            vec![
                (range("AA", "BB"), "1:1#57".into()),
                (range("BB", "DD"), "2:1#58".into()),
                (range("AA", "DD"), "0:1#55".into()),
            ],
            &range("AA", "DD"),
        )
        .unwrap();
        let mut segments: Vec<&str> = got.split(',').collect();
        segments.sort();
        assert_eq!(segments, vec!["1:1#57", "2:1#58"]);
    }

    #[test]
    fn a_newer_parent_replaces_its_children() {
        let got = latest(
            vec![
                (range("AA", "BB"), "1:1#51".into()),
                (range("BB", "DD"), "2:1#51".into()),
                (range("AA", "DD"), "3:1#55".into()),
            ],
            &range("AA", "DD"),
        );
        assert_eq!(got.unwrap(), "3:1#55");
    }

    #[test]
    fn global_lsn_of_simple_and_compound_tokens() {
        assert_eq!(global_lsn("1:1#57#3=54"), Some(57));
        assert_eq!(global_lsn("1:1#57,2:1#3"), None);
    }
}
