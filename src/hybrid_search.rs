//! Hybrid search across partitions (`ORDER BY RANK RRF(...)` / `FullTextScore`),
//! from the plan's `hybridSearchQueryInfo`: the corpus statistics summed over every
//! range, each component's query run on every range with them filled in, the rows
//! merged by `_rid`, ranked per component and fused by reciprocal rank.
//!
//! Free of I/O; `merged_query` runs the queries.

use std::cmp::Ordering;
use std::collections::HashSet;

use pyo3::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::errors::{client_error, response_error};
use crate::query_merge::{compare, Row};

/// The reciprocal rank fusion constant the service uses.
const RRF_CONSTANT: f64 = 60.0;
const FILTER_PLACEHOLDER: &str = "{documentdb-formattableorderbyquery-filter}";
const DOCUMENT_COUNT_PLACEHOLDER: &str =
    "{documentdb-formattablehybridsearchquery-totaldocumentcount}";

pub struct Component {
    /// The component's ORDER BY query, placeholders still in.
    pub query: String,
    /// Whether larger scores rank first.
    pub descending: bool,
}

pub struct HybridPlan {
    pub statistics_query: Option<String>,
    pub components: Vec<Component>,
    weights: Vec<f64>,
    skip: usize,
    take: Option<usize>,
}

pub fn plan_of(info: &Value) -> PyResult<HybridPlan> {
    let components: Vec<Component> = info["componentQueryInfos"]
        .as_array()
        .map(|infos| {
            infos
                .iter()
                .map(|component| Component {
                    query: component["rewrittenQuery"]
                        .as_str()
                        .unwrap_or_default()
                        .replace(FILTER_PLACEHOLDER, "true"),
                    descending: component["orderBy"][0].as_str() == Some("Descending"),
                })
                .collect()
        })
        .unwrap_or_default();
    if components.is_empty() || components.iter().any(|c| c.query.is_empty()) {
        return Err(response_error(
            "the hybrid search plan names no component queries",
        ));
    }
    let weights: Vec<f64> = info["componentWeights"]
        .as_array()
        .map(|w| w.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if !weights.is_empty() && weights.len() != components.len() {
        return Err(response_error(
            "the hybrid search plan has a weight count unlike its component count",
        ));
    }
    let statistics_query = info["requiresGlobalStatistics"]
        .as_bool()
        .unwrap_or(false)
        .then(|| info["globalStatisticsQuery"].as_str().map(str::to_owned))
        .flatten();
    Ok(HybridPlan {
        statistics_query,
        components,
        weights,
        skip: info["skip"].as_u64().unwrap_or(0) as usize,
        take: info["take"].as_u64().map(|t| t as usize),
    })
}

/// The corpus statistics of every range, summed.
#[derive(Default, Debug, PartialEq)]
pub struct Statistics {
    document_count: u64,
    /// Per full-text component: the words of its path, and the documents holding each term.
    texts: Vec<(u64, Vec<u64>)>,
}

fn count(value: &Value) -> u64 {
    value
        .as_u64()
        .or_else(|| value.as_f64().map(|f| f.max(0.0) as u64))
        .unwrap_or(0)
}

impl Statistics {
    /// Adds one range's answer: `{"documentCount", "fullTextStatistics": [{"totalWordCount", "hitCounts"}]}`.
    pub fn add(&mut self, answer: &Value) {
        self.document_count += count(&answer["documentCount"]);
        let texts = answer["fullTextStatistics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (index, text) in texts.iter().enumerate() {
            if self.texts.len() <= index {
                self.texts.push((0, Vec::new()));
            }
            let (words, hits) = &mut self.texts[index];
            *words += count(&text["totalWordCount"]);
            for (term, hit) in text["hitCounts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if hits.len() <= term {
                    hits.push(0);
                }
                hits[term] += count(hit);
            }
        }
    }

    /// A component query with the statistics written in.
    pub fn fill(&self, query: &str) -> String {
        let mut text = query.replace(DOCUMENT_COUNT_PLACEHOLDER, &self.document_count.to_string());
        for (index, (words, hits)) in self.texts.iter().enumerate() {
            let hits: Vec<String> = hits.iter().map(u64::to_string).collect();
            text = text
                .replace(
                    &format!("{{documentdb-formattablehybridsearchquery-totalwordcount-{index}}}"),
                    &words.to_string(),
                )
                .replace(
                    &format!("{{documentdb-formattablehybridsearchquery-hitcountsarray-{index}}}"),
                    &format!("[{}]", hits.join(",")),
                );
        }
        text
    }
}

struct Candidate {
    rid: String,
    payload: Option<Box<RawValue>>,
    scores: Vec<Value>,
}

/// Ranks of `scores` (best first per `descending`), equal scores sharing a rank.
fn dense_ranks(scores: &[Option<&Value>], descending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    let by_score = |a: &usize, b: &usize| {
        // An undefined score ranks last whichever way the component sorts.
        let ordering = match (scores[*a], scores[*b]) {
            (None, None) => Ordering::Equal,
            (None, _) => return Ordering::Greater,
            (_, None) => return Ordering::Less,
            (x, y) => compare(x, y),
        };
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    };
    order.sort_by(by_score);
    let mut ranks = vec![0; scores.len()];
    let mut rank = 0;
    for (position, &row) in order.iter().enumerate() {
        if position == 0 || by_score(&order[position - 1], &row) != Ordering::Equal {
            rank += 1;
        }
        ranks[row] = rank;
    }
    ranks
}

/// The component queries' rows of every range (`{"_rid", "payload": {"payload", "componentScores"}}`),
/// fused into the result: each document once, by descending fused score, then SKIP/TAKE.
pub fn fuse(rows: Vec<Box<RawValue>>, plan: &HybridPlan) -> PyResult<Vec<Row>> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "_rid")]
        rid: String,
        payload: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(default)]
        payload: Option<Box<RawValue>>,
        #[serde(rename = "componentScores", default)]
        component_scores: Vec<Value>,
    }
    let mut seen = HashSet::new();
    let mut candidates = Vec::new();
    for row in rows {
        let envelope: Envelope = serde_json::from_str(row.get()).map_err(|e| {
            response_error(&format!(
                "a hybrid search component row is not the JSON expected: {e}"
            ))
        })?;
        if seen.insert(envelope.rid.clone()) {
            candidates.push(Candidate {
                rid: envelope.rid,
                payload: envelope.payload.payload,
                scores: envelope.payload.component_scores,
            });
        }
    }
    let mut fused = vec![0.0_f64; candidates.len()];
    for (index, component) in plan.components.iter().enumerate() {
        let scores: Vec<Option<&Value>> = candidates
            .iter()
            .map(|c| c.scores.get(index).filter(|v| v.is_number()))
            .collect();
        let weight = plan.weights.get(index).copied().unwrap_or(1.0).abs();
        for (row, rank) in dense_ranks(&scores, component.descending)
            .into_iter()
            .enumerate()
        {
            fused[row] += weight / (RRF_CONSTANT + rank as f64);
        }
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    // Equal fused scores by `_rid`, so that the order does not depend on the layout.
    order.sort_by(|a, b| {
        fused[*b]
            .partial_cmp(&fused[*a])
            .unwrap_or(Ordering::Equal)
            .then_with(|| candidates[*a].rid.cmp(&candidates[*b].rid))
    });
    let take = plan.take.unwrap_or(usize::MAX);
    let mut out = Vec::new();
    for row in order.into_iter().skip(plan.skip).take(take) {
        let Some(payload) = candidates[row].payload.take() else {
            continue;
        };
        out.push(payload.get().to_owned());
    }
    Ok(out)
}

/// The caller's query body with another query text (its parameters kept).
pub fn with_query(body: &[u8], query: &str) -> PyResult<Vec<u8>> {
    let mut document: Value = serde_json::from_slice(body)
        .map_err(|e| client_error(format!("invalid query body: {e}")))?;
    document["query"] = Value::String(query.to_owned());
    Ok(serde_json::to_vec(&document).expect("a JSON value always serialises"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: Value) -> Box<RawValue> {
        RawValue::from_string(value.to_string()).unwrap()
    }

    fn plan(
        descending: &[bool],
        weights: Vec<f64>,
        skip: usize,
        take: Option<usize>,
    ) -> HybridPlan {
        HybridPlan {
            statistics_query: None,
            components: descending
                .iter()
                .map(|d| Component {
                    query: String::new(),
                    descending: *d,
                })
                .collect(),
            weights,
            skip,
            take,
        }
    }

    fn row(rid: &str, scores: Value) -> Box<RawValue> {
        raw(json!({"_rid": rid, "payload": {"payload": {"id": rid}, "componentScores": scores}}))
    }

    #[test]
    fn statistics_sum_over_ranges_and_fill_the_placeholders() {
        let mut stats = Statistics::default();
        stats.add(&json!({"documentCount": 3, "fullTextStatistics": [{"totalWordCount": 10, "hitCounts": [1, 0]}]}));
        stats.add(&json!({"documentCount": 2, "fullTextStatistics": [{"totalWordCount": 5, "hitCounts": [2, 4]}]}));
        let query = "_FullTextScore(c.t, ['a','b'], {documentdb-formattablehybridsearchquery-totaldocumentcount}, \
                     {documentdb-formattablehybridsearchquery-totalwordcount-0}, \
                     {documentdb-formattablehybridsearchquery-hitcountsarray-0})";
        assert_eq!(
            stats.fill(query),
            "_FullTextScore(c.t, ['a','b'], 5, 15, [3,4])"
        );
    }

    #[test]
    fn rows_of_several_components_and_ranges_fuse_once_each_by_reciprocal_rank() {
        // a: ranks 1 and 3; b: 2 and 1; c: 3 and 2 -> b (1/62 + 1/61) > a (1/61 + 1/63) > c.
        let rows = vec![
            row("a", json!([0.9, 0.1])),
            row("b", json!([0.8, 0.9])),
            row("a", json!([0.9, 0.1])),
            row("c", json!([0.7, 0.5])),
        ];
        let fused = fuse(rows, &plan(&[true, true], vec![], 0, None)).unwrap();
        assert_eq!(
            fused,
            vec![r#"{"id":"b"}"#, r#"{"id":"a"}"#, r#"{"id":"c"}"#]
        );
    }

    #[test]
    fn weights_skip_take_and_ascending_components() {
        let rows = vec![
            row("a", json!([0.1, 5.0])),
            row("b", json!([0.2, 1.0])),
            row("c", json!([0.3, 3.0])),
        ];
        // Component 0 larger first (c, b, a), component 1 smaller first (b, c, a), weighted 3:1.
        let fused = fuse(rows, &plan(&[true, false], vec![3.0, 1.0], 1, Some(1))).unwrap();
        assert_eq!(fused, vec![r#"{"id":"b"}"#]);
    }

    #[test]
    fn equal_scores_share_a_rank() {
        let a = json!(1.0);
        let b = json!(1.0);
        let c = json!(0.5);
        assert_eq!(
            dense_ranks(&[Some(&a), Some(&c), Some(&b), None], true),
            vec![1, 2, 1, 3]
        );
    }
}
