//! Cross-partition queries the driver's own pipeline refuses: aggregates, GROUP
//! BY and DISTINCT without a finite window; and those it only buffers without a
//! continuation token (ORDER BY `VectorDistance`); hybrid search (`hybrid_search`). They are planned with the service's
//! query plan, run on every partition-key range with the plan's rewritten query
//! (ranges in parallel, a bounded number at a time, each drained page by page over
//! the REST path, as 4.x runs them), merged by `query_merge`, then paged out.
//!
//! Continuation tokens are `cpq1.` + base64url JSON `{"check", "skip"}`: `check`
//! ties the token to its query, parameters and scope, `skip` counts the rows
//! already handed out. Resuming computes the result again and skips those rows,
//! so a resume costs the whole query again; with the data unchanged it continues
//! exactly where the last page stopped, in a new client or process, after splits.

use std::collections::VecDeque;

use azure_core::http::Method;
use azure_data_cosmos_driver::models::FeedRange;
use azure_data_cosmos_driver::CosmosError;
use base64::Engine as _;
use bytes::Bytes;
use futures::stream::{self, StreamExt, TryStreamExt};
use pyo3::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::container_operations::container_link;
use crate::engine::EngineCore;
use crate::errors::{client_error, cosmos_error_to_py, response_error};
use crate::feed_ranges::from_bounds;
use crate::hybrid_search;
use crate::options::RequestOptions;
use crate::query_merge::{
    distinct_ordered, distinct_rows, distinct_unordered, merge_value_aggregate, ordered, window,
    AggregateKind, GroupedMerge, Row,
};
use crate::response::HeaderPairs;
use crate::rest::{rest_query_headers, RestTarget};

const TOKEN_PREFIX: &str = "cpq1.";
/// What this pipeline merges, declared to the query plan.
const SUPPORTED_FEATURES: &str = "Aggregate,CompositeAggregate,CountIf,Distinct,GroupBy,\
MultipleAggregates,MultipleOrderBy,NonStreamingOrderBy,NonValueAggregate,OffsetAndLimit,OrderBy,Top,\
HybridSearch,WeightedRankFusion";
const ORDER_BY_FILTER_PLACEHOLDER: &str = "{documentdb-formattableorderbyquery-filter}";
/// Rows per page when the caller sets no `max_item_count` (the service's default).
const DEFAULT_PAGE_SIZE: usize = 100;
/// Ranges queried at once unless the caller says (`max_concurrency`): enough to
/// overlap the service's latency, bounded so that a large container does not
/// open a connection per partition.
fn default_concurrency() -> usize {
    std::thread::available_parallelism()
        .map(|cores| cores.get() * 4)
        .unwrap_or(8)
        .clamp(4, 32)
}
/// Items per page asked of each range while draining it.
const RANGE_PAGE_SIZE: &str = "1000";

/// A query the engine may have to merge itself, if the driver refuses it.
#[derive(Clone)]
pub struct MergedQuery {
    pub database: String,
    pub container: String,
    /// `{"query": ..., "parameters": [...]}` as the caller gave it.
    pub body: Vec<u8>,
    /// A feed range the query is limited to (`None`: the whole container).
    pub scope: Option<FeedRange>,
}

/// Whether the driver refused a query shape that this pipeline merges: the
/// service's 400/1004 (a query feature the driver does not declare) or the
/// driver's 400/20125 (DISTINCT without a finite window); or planned one that it
/// can only buffer, without a continuation token (400/20124, its non-streaming
/// ORDER BY), whose pages after the first would be lost to a paging caller.
pub fn refused_by_driver(err: &CosmosError) -> bool {
    let status = err.status();
    u16::from(status.status_code()) == 400
        && status
            .sub_status()
            .is_some_and(|sub| matches!(sub.value(), 1004 | 20124 | 20125))
}

pub fn is_token(token: &str) -> bool {
    token.starts_with(TOKEN_PREFIX)
}

/// FNV-1a: stable across builds and processes, unlike std's hasher.
fn fingerprint(query: &MergedQuery) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let scope = query
        .scope
        .as_ref()
        .map(|r| format!("{:?}|{:?}", r.min_inclusive(), r.max_exclusive()))
        .unwrap_or_default();
    for byte in query.body.iter().chain(b"\0").chain(scope.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn token(check: u64, skip: usize) -> String {
    let state = serde_json::json!({ "check": check.to_string(), "skip": skip });
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(state.to_string())
    )
}

fn parse_token(text: &str, check: u64) -> PyResult<usize> {
    let invalid = || client_error(format!("invalid continuation token {text:?}"));
    let payload = text.strip_prefix(TOKEN_PREFIX).ok_or_else(invalid)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| invalid())?;
    let state: Value = serde_json::from_slice(&json).map_err(|_| invalid())?;
    if state.get("check").and_then(Value::as_str) != Some(check.to_string().as_str()) {
        return Err(client_error(
            "the continuation token belongs to another query, other parameters or another scope",
        ));
    }
    state
        .get("skip")
        .and_then(Value::as_u64)
        .map(|skip| skip as usize)
        .ok_or_else(invalid)
}

/// How the ranges' answers are merged, read from the plan's `queryInfo`.
enum Shape {
    ValueAggregate(AggregateKind),
    Grouped {
        aliases: Vec<(String, Option<AggregateKind>)>,
        select_value: Option<Option<AggregateKind>>,
    },
    Distinct {
        /// `Some(descending per key)` when the rows come with `orderByItems`.
        order: Option<Vec<bool>>,
    },
    /// ORDER BY alone, of a shape the driver buffers without a token (its
    /// non-streaming ORDER BY: `VectorDistance` and other computed keys).
    Ordered {
        descending: Vec<bool>,
    },
}

struct Plan {
    shape: Shape,
    distinct_after_grouping: bool,
    rewritten: String,
    ranges: Vec<FeedRange>,
    offset: Option<u64>,
    limit: Option<u64>,
    top: Option<u64>,
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The key ranges a plan says the query touches (the whole container if none).
fn query_ranges(document: &Value) -> PyResult<Vec<FeedRange>> {
    match document["queryRanges"].as_array() {
        Some(ranges) => ranges
            .iter()
            .map(|range| {
                from_bounds(
                    range["min"].as_str().unwrap_or_default(),
                    range["max"].as_str().unwrap_or("FF"),
                )
            })
            .collect(),
        None => Ok(vec![FeedRange::full()]),
    }
}

fn plan_of(document: &Value) -> PyResult<Plan> {
    let info = &document["queryInfo"];
    let aggregates = strings(&info["aggregates"]);
    let aliases = strings(&info["groupByAliases"]);
    let alias_kinds = info["groupByAliasToAggregateType"].as_object();
    let grouped = !strings(&info["groupByExpressions"]).is_empty()
        || alias_kinds.is_some_and(|kinds| kinds.values().any(|k| !k.is_null()));
    let select_value = info["hasSelectValue"].as_bool().unwrap_or(false);
    let distinct = info["distinctType"].as_str().unwrap_or("None") != "None";
    let order: Vec<bool> = strings(&info["orderBy"])
        .iter()
        .map(|direction| direction == "Descending")
        .collect();
    let shape = if grouped {
        Shape::Grouped {
            aliases: aliases
                .iter()
                .map(|alias| {
                    let kind = alias_kinds
                        .and_then(|kinds| kinds.get(alias))
                        .and_then(Value::as_str)
                        .and_then(AggregateKind::parse);
                    (alias.clone(), kind)
                })
                .collect(),
            select_value: select_value
                .then(|| aggregates.first().and_then(|k| AggregateKind::parse(k))),
        }
    } else if let (Some(kind), true) = (aggregates.first(), select_value) {
        Shape::ValueAggregate(AggregateKind::parse(kind).ok_or_else(|| {
            client_error(format!(
                "the query plan names an unknown aggregate {kind:?}"
            ))
        })?)
    } else if distinct {
        Shape::Distinct {
            order: (!order.is_empty()).then_some(order),
        }
    } else if !order.is_empty() {
        Shape::Ordered { descending: order }
    } else {
        return Err(client_error(
            "the engine cannot run this cross-partition query: its plan has no aggregate, GROUP BY or \
             DISTINCT to merge",
        ));
    };
    let ranges = query_ranges(document)?;
    Ok(Plan {
        shape,
        distinct_after_grouping: grouped && distinct,
        rewritten: info["rewrittenQuery"]
            .as_str()
            .unwrap_or_default()
            .replace(ORDER_BY_FILTER_PLACEHOLDER, "true"),
        ranges,
        offset: info["offset"].as_u64(),
        limit: info["limit"].as_u64(),
        top: info["top"].as_u64(),
    })
}

const QUERY_METRICS_HEADER: &str = "x-ms-documentdb-query-metrics";
const INDEX_METRICS_HEADER: &str = "x-ms-cosmos-index-utilization";

/// Query metrics of several requests as one: each `name=value` summed (as the
/// .NET SDK aggregates a cross-partition query's metrics), integers kept integral;
/// index metrics are the same for every range of one query, so the first is kept.
fn merged_metrics(gathered: &[(String, String)]) -> Vec<(String, String)> {
    let mut sums: Vec<(String, f64, bool)> = Vec::new();
    let mut index = None;
    for (name, value) in gathered {
        if name == INDEX_METRICS_HEADER {
            index.get_or_insert_with(|| value.clone());
            continue;
        }
        for pair in value.split(';') {
            let Some((key, number)) = pair.split_once('=') else {
                continue;
            };
            let Ok(parsed) = number.trim().parse::<f64>() else {
                continue;
            };
            let integral = !number.contains('.');
            match sums.iter_mut().find(|(k, _, _)| k == key) {
                Some(entry) => {
                    entry.1 += parsed;
                    entry.2 &= integral;
                }
                None => sums.push((key.to_owned(), parsed, integral)),
            }
        }
    }
    let mut out = Vec::new();
    if !sums.is_empty() {
        let text: Vec<String> = sums
            .iter()
            .map(|(key, sum, integral)| {
                if *integral {
                    format!("{key}={}", *sum as i64)
                } else {
                    format!("{key}={sum:.2}")
                }
            })
            .collect();
        out.push((QUERY_METRICS_HEADER.to_owned(), text.join(";")));
    }
    if let Some(value) = index {
        out.push((INDEX_METRICS_HEADER.to_owned(), value));
    }
    out
}

fn query_headers() -> Vec<(String, String)> {
    let mut headers = rest_query_headers();
    headers.push((
        "x-ms-documentdb-query-enablecrosspartition".into(),
        "True".into(),
    ));
    headers.push(("x-ms-cosmos-query-version".into(), "1.0".into()));
    headers
}

fn docs_target(link: &str) -> RestTarget {
    RestTarget {
        method: Method::Post,
        resource_type: "docs",
        resource_link: link.to_owned(),
        path: format!("{link}/docs"),
    }
}

fn charge(headers: &HeaderPairs) -> f64 {
    headers
        .iter()
        .find(|(name, _)| name == "x-ms-request-charge")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0.0)
}

/// A paged, merged cross-partition query.
pub struct MergedFeed {
    core: EngineCore,
    query: MergedQuery,
    check: u64,
    position: usize,
    rows: Option<Vec<Row>>,
    /// The metrics headers of every request of the computation (`populate_query_metrics`,
    /// `populate_index_metrics`), gathered while the ranges are drained.
    metrics: std::sync::Mutex<Vec<(String, String)>>,
}

impl MergedFeed {
    pub fn start(
        core: EngineCore,
        query: MergedQuery,
        continuation: Option<&str>,
    ) -> PyResult<Self> {
        let check = fingerprint(&query);
        let position = match continuation {
            Some(text) => parse_token(text, check)?,
            None => 0,
        };
        Ok(Self {
            core,
            query,
            check,
            position,
            rows: None,
            metrics: Default::default(),
        })
    }

    /// The next page (`headers`, items as a JSON array, count, token), or `None`.
    pub async fn next_page(
        &mut self,
        options: &RequestOptions,
    ) -> PyResult<Option<(HeaderPairs, Bytes, usize, Option<String>)>> {
        let mut spent = 0.0;
        let mut metrics = Vec::new();
        if self.rows.is_none() {
            let (rows, request_charge) = self.compute(options).await?;
            self.rows = Some(rows);
            spent = request_charge;
            // The computation's metrics go with the page that paid for it.
            let gathered =
                std::mem::take(&mut *self.metrics.lock().unwrap_or_else(|p| p.into_inner()));
            metrics = merged_metrics(&gathered);
        }
        let rows = self.rows.as_ref().expect("computed above");
        if self.position >= rows.len() && self.position > 0 {
            return Ok(None);
        }
        let size = match options.max_item_count {
            Some(count) if count > 0 => count as usize,
            _ => DEFAULT_PAGE_SIZE,
        };
        let end = (self.position + size).min(rows.len());
        let page = &rows[self.position..end];
        let items = Bytes::from(format!("[{}]", page.join(",")));
        self.position = end;
        let continuation = (end < rows.len()).then(|| token(self.check, end));
        let mut headers = vec![
            ("x-ms-request-charge".to_owned(), format!("{spent}")),
            ("x-ms-item-count".to_owned(), page.len().to_string()),
        ];
        headers.extend(metrics);
        if end >= rows.len() {
            // The next call ends the feed.
            self.position = usize::MAX;
        }
        Ok(Some((headers, items, page.len(), continuation)))
    }

    async fn compute(&self, options: &RequestOptions) -> PyResult<(Vec<Row>, f64)> {
        let link = container_link(&self.query.database, &self.query.container);
        let mut headers = query_headers();
        headers.push(("x-ms-cosmos-is-query-plan-request".into(), "True".into()));
        headers.push((
            "x-ms-cosmos-supported-query-features".into(),
            SUPPORTED_FEATURES.into(),
        ));
        let planned = self
            .core
            .rest
            .send(
                docs_target(&link),
                headers,
                Some(self.query.body.clone()),
                options,
            )
            .await?;
        let mut spent = charge(planned.status_and_headers().1);
        let (_, _, plan_body) = planned.into_parts();
        let plan_document: Value =
            serde_json::from_slice(&plan_body).map_err(|e| response_error(&e.to_string()))?;
        if let Some(info) = plan_document
            .get("hybridSearchQueryInfo")
            .filter(|info| !info.is_null())
        {
            let ranges = self.ranges(&query_ranges(&plan_document)?, false).await?;
            let (rows, hybrid_charge) = self.hybrid(&link, info, &ranges, options).await?;
            return Ok((rows, spent + hybrid_charge));
        }
        let plan = plan_of(&plan_document)?;
        let body = if plan.rewritten.is_empty() {
            self.query.body.clone()
        } else {
            hybrid_search::with_query(&self.query.body, &plan.rewritten)?
        };
        let ranges = self.ranges(&plan.ranges, false).await?;
        let (documents, drained_charge) = self.drain_all(&link, &body, &ranges, options).await?;
        spent += drained_charge;
        let parsed = |documents: &[Box<RawValue>]| -> PyResult<Vec<Value>> {
            documents
                .iter()
                .map(|d| serde_json::from_str(d.get()).map_err(|e| response_error(&e.to_string())))
                .collect()
        };
        let rows = match &plan.shape {
            Shape::ValueAggregate(kind) => merge_value_aggregate(*kind, &parsed(&documents)?),
            Shape::Grouped {
                aliases,
                select_value,
            } => {
                let mut merge = GroupedMerge::new(aliases.clone(), *select_value);
                for document in &parsed(&documents)? {
                    merge.add(document);
                }
                let rows = merge.finish();
                if plan.distinct_after_grouping {
                    distinct_rows(rows)?
                } else {
                    rows
                }
            }
            Shape::Distinct { order: None } => distinct_unordered(documents)?,
            Shape::Distinct { order: Some(order) } => distinct_ordered(documents, order)?,
            Shape::Ordered { descending } => ordered(documents, descending)?,
        };
        Ok((window(rows, plan.offset, plan.limit, plan.top), spent))
    }

    /// One query on every range (several at a time), the answers in range order.
    async fn drain_all(
        &self,
        link: &str,
        body: &[u8],
        ranges: &[(String, FeedRange)],
        options: &RequestOptions,
    ) -> PyResult<(Vec<Box<RawValue>>, f64)> {
        let drained: Vec<(Vec<Box<RawValue>>, f64)> = stream::iter(ranges.iter().cloned())
            .map(|range| self.drain(link, body, range, options))
            .buffered(
                options
                    .max_concurrency
                    .unwrap_or_else(default_concurrency)
                    .max(1),
            )
            .try_collect()
            .await?;
        let mut documents = Vec::new();
        let mut spent = 0.0;
        for (range_documents, range_charge) in drained {
            documents.extend(range_documents);
            spent += range_charge;
        }
        Ok((documents, spent))
    }

    /// Hybrid search (`hybrid_search`): the statistics over every range, then each
    /// component on every range with them filled in, fused.
    async fn hybrid(
        &self,
        link: &str,
        info: &Value,
        ranges: &[(String, FeedRange)],
        options: &RequestOptions,
    ) -> PyResult<(Vec<Row>, f64)> {
        let plan = hybrid_search::plan_of(info)?;
        let mut spent = 0.0;
        let mut statistics = hybrid_search::Statistics::default();
        if let Some(query) = &plan.statistics_query {
            let body = hybrid_search::with_query(&self.query.body, query)?;
            let (answers, charge) = self.drain_all(link, &body, ranges, options).await?;
            spent += charge;
            for answer in answers {
                let answer: Value = serde_json::from_str(answer.get())
                    .map_err(|e| response_error(&e.to_string()))?;
                statistics.add(&answer);
            }
        }
        let mut rows = Vec::new();
        for component in &plan.components {
            let body =
                hybrid_search::with_query(&self.query.body, &statistics.fill(&component.query))?;
            let (component_rows, charge) = self.drain_all(link, &body, ranges, options).await?;
            spent += charge;
            rows.extend(component_rows);
        }
        Ok((hybrid_search::fuse(rows, &plan)?, spent))
    }

    /// The physical ranges that overlap the plan's ranges and the query's scope,
    /// in key order.
    async fn ranges(
        &self,
        wanted: &[FeedRange],
        force_refresh: bool,
    ) -> PyResult<Vec<(String, FeedRange)>> {
        let reference = self
            .core
            .container(&self.query.database, &self.query.container)
            .await?;
        let ranges = self
            .core
            .driver
            .resolve_all_partition_key_ranges(&reference, force_refresh)
            .await
            .map_err(cosmos_error_to_py)?
            .unwrap_or_default();
        let mut found: Vec<(String, FeedRange)> = ranges
            .iter()
            .filter_map(|range| {
                FeedRange::try_from(range)
                    .ok()
                    .map(|feed| (range.id.clone(), feed))
            })
            .filter(|(_, feed)| wanted.iter().any(|w| w.overlaps(feed)))
            .filter(|(_, feed)| self.query.scope.as_ref().is_none_or(|s| s.overlaps(feed)))
            .collect();
        found.sort_by(|(_, a), (_, b)| a.min_inclusive().cmp(b.min_inclusive()));
        Ok(found)
    }

    /// Every answer of one range, page by page; a range that split meanwhile
    /// (410) is drained again as its children, its partial answer discarded.
    async fn drain(
        &self,
        link: &str,
        body: &[u8],
        range: (String, FeedRange),
        options: &RequestOptions,
    ) -> PyResult<(Vec<Box<RawValue>>, f64)> {
        let mut pending = VecDeque::from([range]);
        let mut documents = Vec::new();
        let mut spent = 0.0;
        let mut refreshes = 0;
        while let Some((id, feed)) = pending.pop_front() {
            match self.drain_one(link, body, &id, options).await {
                Ok((range_documents, range_charge)) => {
                    documents.extend(range_documents);
                    spent += range_charge;
                }
                // Gone because the range split or moved: its children take over.
                Err(failure)
                    if failure.status == Some(410)
                        && matches!(failure.sub_status, None | Some(1002 | 1007 | 1008))
                        && refreshes < 3 =>
                {
                    refreshes += 1;
                    let children = self.ranges(std::slice::from_ref(&feed), true).await?;
                    for child in children.into_iter().rev() {
                        pending.push_front(child);
                    }
                }
                Err(failure) => return Err(failure.error),
            }
        }
        Ok((documents, spent))
    }

    async fn drain_one(
        &self,
        link: &str,
        body: &[u8],
        range_id: &str,
        options: &RequestOptions,
    ) -> Result<(Vec<Box<RawValue>>, f64), crate::rest::RestFailure> {
        let mut documents = Vec::new();
        let mut spent = 0.0;
        let mut continuation: Option<String> = None;
        // The range's own pages, not the caller's page size or token.
        let mut range_options = options.clone();
        range_options.max_item_count = None;
        range_options.continuation = None;
        loop {
            let mut headers = query_headers();
            headers.push((
                "x-ms-documentdb-partitionkeyrangeid".into(),
                range_id.to_owned(),
            ));
            headers.push(("x-ms-max-item-count".into(), RANGE_PAGE_SIZE.into()));
            if let Some(token) = &continuation {
                headers.push(("x-ms-continuation".into(), token.clone()));
            }
            let response = self
                .core
                .rest
                .send_checked(
                    docs_target(link),
                    headers,
                    Some(body.to_vec()),
                    &range_options,
                )
                .await?;
            let (_, response_headers, response_body) = response.into_parts();
            spent += charge(&response_headers);
            let found: Vec<(String, String)> = response_headers
                .iter()
                .filter(|(name, _)| name == QUERY_METRICS_HEADER || name == INDEX_METRICS_HEADER)
                .cloned()
                .collect();
            if !found.is_empty() {
                self.metrics
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend(found);
            }
            continuation = response_headers
                .iter()
                .find(|(name, _)| name == "x-ms-continuation")
                .map(|(_, value)| value.clone());
            #[derive(serde::Deserialize)]
            struct Feed {
                #[serde(rename = "Documents", default)]
                documents: Vec<Box<RawValue>>,
            }
            let page: Feed =
                serde_json::from_slice(&response_body).map_err(|e| crate::rest::RestFailure {
                    status: None,
                    sub_status: None,
                    retry_after: None,
                    error: response_error(&e.to_string()),
                })?;
            documents.extend(page.documents);
            if continuation.is_none() {
                return Ok((documents, spent));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(body: &str) -> MergedQuery {
        MergedQuery {
            database: "d".into(),
            container: "c".into(),
            body: body.as_bytes().to_vec(),
            scope: None,
        }
    }

    #[test]
    fn metrics_of_every_request_are_summed_and_index_metrics_kept_once() {
        let gathered = vec![
            (
                QUERY_METRICS_HEADER.to_owned(),
                "totalExecutionTimeInMs=0.50;retrievedDocumentCount=3".to_owned(),
            ),
            (INDEX_METRICS_HEADER.to_owned(), "e30=".to_owned()),
            (
                QUERY_METRICS_HEADER.to_owned(),
                "totalExecutionTimeInMs=1.25;retrievedDocumentCount=4".to_owned(),
            ),
            (INDEX_METRICS_HEADER.to_owned(), "e30=".to_owned()),
        ];
        assert_eq!(
            merged_metrics(&gathered),
            vec![
                (
                    QUERY_METRICS_HEADER.to_owned(),
                    "totalExecutionTimeInMs=1.75;retrievedDocumentCount=7".to_owned()
                ),
                (INDEX_METRICS_HEADER.to_owned(), "e30=".to_owned()),
            ]
        );
        assert!(merged_metrics(&[]).is_empty());
    }

    #[test]
    fn tokens_resume_their_own_query_only() {
        pyo3::Python::initialize();
        let mine = query(r#"{"query":"SELECT VALUE COUNT(1) FROM c","parameters":[]}"#);
        let other = query(
            r#"{"query":"SELECT VALUE COUNT(1) FROM c","parameters":[{"name":"@a","value":1}]}"#,
        );
        let text = token(fingerprint(&mine), 7);
        assert!(is_token(&text));
        assert_eq!(parse_token(&text, fingerprint(&mine)).unwrap(), 7);
        assert!(parse_token(&text, fingerprint(&other)).is_err());
        assert!(parse_token("cpq1.!!", fingerprint(&mine)).is_err());
    }

    #[test]
    fn plans_name_their_shape() {
        pyo3::Python::initialize();
        let value = json!({"queryInfo": {"aggregates": ["Count"], "hasSelectValue": true, "distinctType": "None",
            "groupByExpressions": [], "groupByAliasToAggregateType": {}, "rewrittenQuery": "SELECT VALUE [{\"item\": COUNT(1)}] FROM c"},
            "queryRanges": [{"min": "", "max": "FF"}]});
        assert!(matches!(
            plan_of(&value).unwrap().shape,
            Shape::ValueAggregate(AggregateKind::Count)
        ));
        let grouped = json!({"queryInfo": {"aggregates": [], "hasSelectValue": false, "distinctType": "None",
            "groupByExpressions": ["c.k"], "groupByAliases": ["k", "n"],
            "groupByAliasToAggregateType": {"k": null, "n": "Count"}, "top": 5},
            "queryRanges": [{"min": "", "max": "FF"}]});
        let plan = plan_of(&grouped).unwrap();
        assert_eq!(plan.top, Some(5));
        assert!(
            matches!(plan.shape, Shape::Grouped { ref aliases, select_value: None } if aliases.len() == 2)
        );
        let ordered = json!({"queryInfo": {"aggregates": [], "hasSelectValue": true, "distinctType": "Ordered",
            "orderBy": ["Descending"], "groupByExpressions": [], "groupByAliasToAggregateType": {},
            "rewrittenQuery": "SELECT ... WHERE ({documentdb-formattableorderbyquery-filter})"}, "queryRanges": []});
        let plan = plan_of(&ordered).unwrap();
        assert!(plan.rewritten.ends_with("WHERE (true)"));
        assert!(matches!(plan.shape, Shape::Distinct { order: Some(ref o) } if o == &vec![true]));
        let streaming = json!({"queryInfo": {"aggregates": [], "distinctType": "None", "groupByExpressions": [],
            "groupByAliasToAggregateType": {}}});
        assert!(plan_of(&streaming).is_err());
    }
}
