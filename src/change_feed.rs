//! The change feed: LatestVersion or AllVersionsAndDeletes, over the whole
//! container (every physical range, round-robin), a feed range or one logical
//! partition, from the beginning, now, a point in time, or a token.
//!
//! A token handed out names the feed it continues (mode and scope) around the
//! driver's own resume state, as 4.x's tokens do: resuming takes only the token.

use std::sync::Arc;

use azure_data_cosmos_driver::models::{ChangeFeedStartFrom, CosmosOperation, FeedRange};
use azure_data_cosmos_driver::options::PlanOptions;
use base64::Engine as _;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::{Deserialize, Serialize};

use crate::engine::PyEngine;
use crate::errors::client_error;
use crate::feed_ranges::{self, Bounds};
use crate::partition_key;
use crate::query::{FeedKind, FeedRequest, FeedTarget, PyPager};

const TOKEN_PREFIX: &str = "cf1.";
const LATEST_VERSION: &str = "LatestVersion";
const ALL_VERSIONS_AND_DELETES: &str = "AllVersionsAndDeletes";

/// Which feed a token continues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct FeedScope {
    mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partition_key: Option<Vec<Option<serde_json::Value>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    feed_range: Option<Bounds>,
}

#[derive(Serialize, Deserialize)]
struct FeedToken {
    #[serde(flatten)]
    scope: FeedScope,
    /// The driver's resume state.
    driver: String,
}

fn encode_token(scope: &FeedScope, driver: &str) -> String {
    let token = FeedToken {
        scope: scope.clone(),
        driver: driver.to_owned(),
    };
    let json = serde_json::to_vec(&token).expect("a token always serialises");
    format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    )
}

fn decode_token(token: &str) -> Result<FeedToken, String> {
    let payload = token
        .strip_prefix(TOKEN_PREFIX)
        .ok_or_else(|| "not a change feed continuation token of azure-cosmos 5".to_owned())?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| "the change feed continuation token is damaged".to_owned())?;
    serde_json::from_slice(&json)
        .map_err(|_| "the change feed continuation token is damaged".to_owned())
}

/// Where a feed without a continuation token starts.
fn start_from(start: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ChangeFeedStartFrom>> {
    let Some(start) = start.filter(|s| !s.is_none()) else {
        return Ok(None);
    };
    if let Ok(name) = start.extract::<String>() {
        return match name.as_str() {
            "Beginning" => Ok(Some(ChangeFeedStartFrom::Beginning)),
            "Now" => Ok(Some(ChangeFeedStartFrom::Now)),
            _ => Err(client_error(format!(
                "change feed start must be 'Beginning', 'Now' or a point in time, got {name:?}"
            ))),
        };
    }
    // A point in time, as seconds since the Unix epoch (the facade converts datetimes).
    let seconds: f64 = start.extract()?;
    let nanos = (seconds * 1e9).round() as i128;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map_err(|e| client_error(format!("change feed start time out of range: {e}")))?;
    Ok(Some(ChangeFeedStartFrom::PointInTime(at)))
}

/// The feed to read: from the token when resuming, else from the arguments.
fn resolve_scope(
    mode: Option<&str>,
    partition_key: Option<&Bound<'_, PyAny>>,
    feed_range: Option<Bounds>,
    continuation: Option<&str>,
) -> PyResult<(FeedScope, Option<String>)> {
    if let Some(token) = continuation {
        let token = decode_token(token).map_err(client_error)?;
        if let Some(mode) = mode {
            if mode != token.scope.mode {
                return Err(client_error(format!(
                    "the continuation token was taken in {} mode; a change feed cannot switch to {mode} \
                     mode: start a new one",
                    token.scope.mode
                )));
            }
        }
        let mut scope = token.scope;
        // A sub-range of the token's range (e.g. one child of a range that split)
        // continues from the same point for that sub-range only: the driver clips
        // its per-range resume state to the scope. Any other range is ignored, as
        // 4.x ignores the feed range of a call that resumes from a token.
        if let (Some(wanted), None) = (feed_range, &scope.partition_key) {
            let current = scope
                .feed_range
                .clone()
                .unwrap_or_else(|| (String::new(), "FF".to_owned()));
            if wanted != current && feed_ranges::is_feed_range_subset(current, wanted.clone())? {
                scope.feed_range = Some(wanted);
            }
        }
        return Ok((scope, Some(token.driver)));
    }
    let mode = mode.unwrap_or(LATEST_VERSION);
    if mode != LATEST_VERSION && mode != ALL_VERSIONS_AND_DELETES {
        return Err(client_error(format!(
            "change feed mode must be '{LATEST_VERSION}' or '{ALL_VERSIONS_AND_DELETES}', got {mode:?}"
        )));
    }
    let partition_key = match partition_key {
        Some(pk) if !pk.is_none() => Some(partition_key::json_components(pk)?),
        _ => None,
    };
    Ok((
        FeedScope {
            mode: mode.to_owned(),
            partition_key,
            feed_range,
        },
        None,
    ))
}

#[pymethods]
impl PyEngine {
    /// `mode`: "LatestVersion" (default) or "AllVersionsAndDeletes"; `start`: "Beginning",
    /// "Now" or epoch seconds. With `options["continuation"]` (a token this method
    /// handed out), mode and scope come from the token and `start` is ignored.
    #[pyo3(signature = (database, container, mode=None, start=None, partition_key=None, feed_range=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn query_items_change_feed(
        &self,
        database: String,
        container: String,
        mode: Option<&str>,
        start: Option<&Bound<'_, PyAny>>,
        partition_key: Option<&Bound<'_, PyAny>>,
        feed_range: Option<Bounds>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, mut options) = self.prepare(options)?;
        let (scope, driver_token) = resolve_scope(
            mode,
            partition_key,
            feed_range,
            options.continuation.as_deref(),
        )?;
        options.continuation = driver_token;
        let start = if options.continuation.is_some() {
            None
        } else {
            start_from(start)?
        };
        let partition_key = scope
            .partition_key
            .as_deref()
            .map(partition_key::from_json_components)
            .transpose()?;
        let range = match &scope.feed_range {
            Some((min, max)) => Some(feed_ranges::from_bounds(min, max)?),
            None => None,
        };
        let all_versions = scope.mode == ALL_VERSIONS_AND_DELETES;
        let wrap_scope = scope.clone();
        let resolver = core.clone();
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::ChangeFeed,
            wrap_token: Some(Arc::new(move |driver: &str| {
                encode_token(&wrap_scope, driver)
            })),
            core,
            build: Box::pin(async move {
                let reference = resolver.container(&database, &container).await?;
                let target = match (partition_key, range) {
                    (Some(pk), _) => {
                        FeedRange::for_partition(pk, reference.partition_key_definition())
                    }
                    (None, Some(range)) => range,
                    (None, None) => FeedRange::full(),
                };
                let mut operation = if all_versions {
                    CosmosOperation::change_feed_all_versions_and_deletes(
                        reference.clone(),
                        Some(target),
                    )
                } else {
                    CosmosOperation::change_feed(reference.clone(), Some(target))
                };
                if let Some(start) = start {
                    operation = operation.with_change_feed_start(start);
                }
                Ok(FeedTarget::driver(operation, Some(reference)))
            }),
            options,
            plan_options: PlanOptions::default(),
            merged: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_the_feed_they_continue() {
        let scope = FeedScope {
            mode: ALL_VERSIONS_AND_DELETES.to_owned(),
            partition_key: Some(vec![Some(serde_json::json!("pk-1")), None]),
            feed_range: None,
        };
        let token = encode_token(&scope, "c1.driver-state");
        assert!(token.starts_with(TOKEN_PREFIX));
        let decoded = decode_token(&token).unwrap();
        assert_eq!(decoded.scope, scope);
        assert_eq!(decoded.driver, "c1.driver-state");
        assert!(decode_token("c1.something").is_err());
        assert!(decode_token("cf1.!!!").is_err());
    }
}
