//! Feed ranges: the container's physical ranges, the range of a partition key,
//! and range containment, as `(min, max)` effective-partition-key hex bounds
//! (min inclusive, max exclusive). The facade wraps them in 4.x's feed-range dicts.

use azure_data_cosmos_driver::models::effective_partition_key::EffectivePartitionKey;
use azure_data_cosmos_driver::models::FeedRange;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::awaitable::into_awaitable;
use crate::engine::{EngineCore, PyEngine};
use crate::errors::{client_error, cosmos_error_to_py};
use crate::operation::with_timeout;
use crate::options::RequestOptions;
use crate::partition_key;
use crate::runtime::block_on;

pub type Bounds = (String, String);

pub fn from_bounds(min: &str, max: &str) -> PyResult<FeedRange> {
    let epk = |value: &str| {
        EffectivePartitionKey::try_from(value)
            .map_err(|_| client_error(format!("invalid feed range bound {value:?}")))
    };
    FeedRange::new(epk(min)?, epk(max)?)
        .map_err(|e| client_error(format!("invalid feed range [{min:?}, {max:?}): {e}")))
}

fn bounds(range: &FeedRange) -> Bounds {
    (
        range.min_inclusive().to_hex(),
        range.max_exclusive().to_hex(),
    )
}

async fn physical_ranges(
    core: EngineCore,
    database: String,
    container: String,
    force_refresh: bool,
    options: RequestOptions,
) -> PyResult<Vec<Bounds>> {
    with_timeout(options.timeout, async move {
        let reference = core.container(&database, &container).await?;
        let ranges = core
            .driver
            .resolve_all_partition_key_ranges(&reference, force_refresh)
            .await
            .map_err(cosmos_error_to_py)?
            .unwrap_or_default();
        let mut out: Vec<Bounds> = ranges
            .iter()
            .map(|range| (range.min_inclusive.to_hex(), range.max_exclusive.to_hex()))
            .collect();
        out.sort();
        Ok(out)
    })
    .await
}

async fn range_of_partition_key(
    core: EngineCore,
    database: String,
    container: String,
    partition_key: azure_data_cosmos_driver::models::PartitionKey,
    options: RequestOptions,
) -> PyResult<Bounds> {
    with_timeout(options.timeout, async move {
        let reference = core.container(&database, &container).await?;
        let range = FeedRange::for_partition(partition_key, reference.partition_key_definition());
        Ok(bounds(&range))
    })
    .await
}

#[pymethods]
impl PyEngine {
    /// The container's physical partition ranges, sorted by their lower bound.
    #[pyo3(signature = (database, container, force_refresh=false, options=None))]
    fn read_feed_ranges(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        force_refresh: bool,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<Bounds>> {
        let (core, options) = self.prepare(options)?;
        block_on(
            py,
            physical_ranges(core, database, container, force_refresh, options),
        )
    }

    #[pyo3(signature = (database, container, force_refresh=false, options=None))]
    fn read_feed_ranges_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        force_refresh: bool,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        into_awaitable(
            py,
            physical_ranges(core, database, container, force_refresh, options),
        )
    }

    /// The range a (full or prefix) partition-key value hashes to.
    #[pyo3(signature = (database, container, partition_key, options=None))]
    fn feed_range_from_partition_key(
        &self,
        py: Python<'_>,
        database: String,
        container: String,
        partition_key: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bounds> {
        let (core, options) = self.prepare(options)?;
        let partition_key = partition_key::from_python(partition_key)?;
        block_on(
            py,
            range_of_partition_key(core, database, container, partition_key, options),
        )
    }

    #[pyo3(signature = (database, container, partition_key, options=None))]
    fn feed_range_from_partition_key_async<'py>(
        &self,
        py: Python<'py>,
        database: String,
        container: String,
        partition_key: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (core, options) = self.prepare(options)?;
        let partition_key = partition_key::from_python(partition_key)?;
        into_awaitable(
            py,
            range_of_partition_key(core, database, container, partition_key, options),
        )
    }
}

/// Whether `child` lies entirely within `parent` (no I/O).
#[pyfunction]
pub fn is_feed_range_subset(parent: Bounds, child: Bounds) -> PyResult<bool> {
    let parent = from_bounds(&parent.0, &parent.1)?;
    let child = from_bounds(&child.0, &child.1)?;
    Ok(child.is_subset_of(&parent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_follows_the_bounds() {
        let full = FeedRange::full();
        assert_eq!(bounds(&full), ("".to_owned(), "FF".to_owned()));
        let half = FeedRange::new(
            EffectivePartitionKey::try_from("").unwrap(),
            EffectivePartitionKey::try_from("7F").unwrap(),
        )
        .unwrap();
        assert!(half.is_subset_of(&full));
        assert!(!full.is_subset_of(&half));
    }
}
