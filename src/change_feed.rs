//! The change feed: LatestVersion or AllVersionsAndDeletes, over the whole
//! container (every physical range, round-robin), a feed range or one logical
//! partition, from the beginning, now, a point in time, or a token.

use azure_data_cosmos_driver::models::{ChangeFeedStartFrom, CosmosOperation, FeedRange};
use azure_data_cosmos_driver::options::PlanOptions;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::engine::PyEngine;
use crate::errors::client_error;
use crate::feed_ranges;
use crate::partition_key;
use crate::query::{FeedKind, FeedRequest, PyPager};

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

#[pymethods]
impl PyEngine {
    /// `mode` is "LatestVersion" or "AllVersionsAndDeletes"; `start` is "Beginning",
    /// "Now" or epoch seconds (ignored when `options` carries a continuation).
    #[pyo3(signature = (database, container, mode, start=None, partition_key=None, feed_range=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn query_items_change_feed(
        &self,
        database: String,
        container: String,
        mode: &str,
        start: Option<&Bound<'_, PyAny>>,
        partition_key: Option<&Bound<'_, PyAny>>,
        feed_range: Option<(String, String)>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyPager> {
        let (core, options) = self.prepare(options)?;
        let all_versions = match mode {
            "LatestVersion" => false,
            "AllVersionsAndDeletes" => true,
            _ => return Err(client_error(format!(
                "change feed mode must be 'LatestVersion' or 'AllVersionsAndDeletes', got {mode:?}"
            ))),
        };
        let start = start_from(start)?;
        let partition_key = match partition_key {
            Some(pk) if !pk.is_none() => Some(partition_key::from_python(pk)?),
            _ => None,
        };
        let range = match feed_range {
            Some((min, max)) => Some(feed_ranges::from_bounds(&min, &max)?),
            None => None,
        };
        let resolver = core.clone();
        Ok(PyPager::new(FeedRequest {
            kind: FeedKind::ChangeFeed,
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
                Ok((operation, Some(reference)))
            }),
            options,
            plan_options: PlanOptions::default(),
        }))
    }
}
