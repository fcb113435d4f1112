//! The driver set up as our engine sets it up (`src/engine.rs`), and the operations of
//! `perf_workloads.py` on it: the same ids, documents, queries and page sizes, so the canned server
//! has a recording for every request.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use azure_data_cosmos_driver::models::{
    AccountReference, ContainerReference, CosmosOperation, FeedRange, ItemReference,
    MaxItemCountHint, PartitionKey, ResponseBody,
};
use azure_data_cosmos_driver::options::{
    AvailabilityStrategy, BinaryEncodingOptions, ConnectionPoolOptions, ContentResponseOnWrite,
    DriverOptions, OperationOptions, PlanOptions, ServerCertificateValidation,
    ThrottlingRetryOptionsBuilder,
};
use azure_data_cosmos_driver::{CosmosDriver, CosmosDriverRuntimeBuilder};
use futures::{FutureExt, StreamExt};
use serde_json::json;
use serde_json::value::RawValue;

use crate::measure::Operation;

pub const POINT_DOCS: usize = 100;
pub const QUERY_DOCS: usize = 1000;
const QUERY_PAGE_SIZE: u32 = 100;
pub const READ_MANY_ITEMS: usize = 100;
/// Items per read-many query and queries in flight at once (the engine's `read_many.rs`).
const ITEMS_PER_QUERY: usize = 1000;
const CONCURRENT_QUERIES: usize = 10;
pub const BIG_DOCS: [(&str, usize); 2] = [("1MB", 1_000_000), ("2MB", 2_000_000)];

fn error(context: &str, err: impl std::fmt::Display) -> String {
    format!("{context}: {err}")
}

/// A driver connected as our engine connects for a loopback server with `connection_verify=False`
/// (the benchmark's servers): HTTP/1.1, certificate checks skipped for loopback only, 4.x's
/// throttling budget, text JSON, the written document returned, no hedging.
pub async fn connect(endpoint: &str, key: &str) -> Result<Arc<CosmosDriver>, String> {
    let url: url::Url = endpoint.parse().map_err(|e| error("endpoint", e))?;
    let loopback = matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]" | "::1")
    );
    let account = AccountReference::with_account_key(url, key.to_owned());
    let mut pool = ConnectionPoolOptions::builder()
        .with_proxy_allowed(true)
        .with_max_idle_connections_per_endpoint(100)
        .with_idle_connection_timeout(Duration::from_secs(300));
    if loopback {
        pool = pool
            .with_server_certificate_validation(ServerCertificateValidation::RequiredUnlessEmulator)
            .with_is_http2_allowed(false);
    }
    let pool = pool.build().map_err(|e| error("connection pool", e))?;
    let runtime = CosmosDriverRuntimeBuilder::new()
        .with_connection_pool(pool)
        .build()
        .await
        .map_err(|e| error("driver runtime", e))?;
    let mut defaults = OperationOptions::default();
    defaults.content_response_on_write = Some(ContentResponseOnWrite::Enabled);
    defaults.binary_encoding = Some(BinaryEncodingOptions::new().with_enabled(false));
    defaults.throttling_retry_options = Some(
        ThrottlingRetryOptionsBuilder::new()
            .with_max_retry_count(9)
            .with_max_retry_wait_time(Duration::from_secs(30))
            .build(),
    );
    defaults.availability_strategy = Some(AvailabilityStrategy::Disabled);
    let options = DriverOptions::builder(account)
        .with_operation_options(defaults)
        .with_preferred_regions(Vec::new())
        .build();
    let driver = runtime
        .create_driver(options)
        .await
        .map_err(|e| error("driver", e))?;
    driver
        .initialize()
        .await
        .map_err(|e| error("account read", e))?;
    Ok(driver)
}

/// `point_doc(i)`'s id and partition key.
fn point_key(i: usize) -> (String, String) {
    (format!("r{i}"), format!("p{}", i % 10))
}

/// The container of the workloads, resolved once (the driver caches it; a bare caller keeps it).
#[derive(Clone)]
pub struct Target {
    pub driver: Arc<CosmosDriver>,
    pub container: ContainerReference,
}

impl Target {
    pub async fn resolve(
        driver: Arc<CosmosDriver>,
        database: &str,
        container: &str,
    ) -> Result<Self, String> {
        let container = driver
            .resolve_container(database, container, OperationOptions::default())
            .await
            .map_err(|e| error("container", e))?;
        Ok(Self { driver, container })
    }

    async fn execute(&self, operation: CosmosOperation) -> Result<usize, String> {
        let response = self
            .driver
            .execute_singleton_operation(operation, OperationOptions::default())
            .await
            .map_err(|e| error("operation", e))?;
        Ok(response
            .into_body()
            .single()
            .map_err(|e| error("body", e))?
            .len())
    }

    async fn read(self, id: String, pk: String) -> Result<(), String> {
        let item = ItemReference::from_name(&self.container, PartitionKey::from(pk), id);
        self.execute(CosmosOperation::read_item(item))
            .await
            .map(drop)
    }

    async fn write(
        self,
        upsert: bool,
        id: String,
        pk: String,
        body: Vec<u8>,
    ) -> Result<(), String> {
        let item = ItemReference::from_name(&self.container, PartitionKey::from(pk), id);
        let operation = if upsert {
            CosmosOperation::upsert_item(item)
        } else {
            CosmosOperation::create_item(item)
        };
        self.execute(operation.with_body(body)).await.map(drop)
    }

    /// Every page of one query plan; the items counted.
    async fn drain(&self, operation: CosmosOperation) -> Result<usize, String> {
        let options = OperationOptions::default();
        let mut plan = self
            .driver
            .plan_operation(operation, &options, None, &PlanOptions::default())
            .await
            .map_err(|e| error("query plan", e))?;
        let mut count = 0;
        while let Some(page) = self
            .driver
            .execute_plan(&mut plan, Some(self.container.clone()), options.clone())
            .await
            .map_err(|e| error("query page", e))?
        {
            count += page_items(page.into_body())?;
        }
        Ok(count)
    }

    /// `SELECT * FROM c WHERE c.pk = @pk` in the partition `query`, pages of 100, all of it.
    async fn query(self) -> Result<(), String> {
        let pk = PartitionKey::from("query");
        let range = FeedRange::for_partition(pk, self.container.partition_key_definition());
        // The body as our facade sends it (compact parameters): the canned server matches bodies exactly.
        let body = br#"{"query":"SELECT * FROM c WHERE c.pk = @pk","parameters":[{"name":"@pk","value":"query"}]}"#;
        let operation = CosmosOperation::query_items(self.container.clone(), Some(range))
            .with_body(body.to_vec())
            .with_max_item_count(MaxItemCountHint::Limit(
                NonZeroU32::new(QUERY_PAGE_SIZE).unwrap(),
            ));
        match self.drain(operation).await? {
            QUERY_DOCS => Ok(()),
            count => Err(format!(
                "the query returned {count} items, expected {QUERY_DOCS}"
            )),
        }
    }

    /// `read_items` of `point_doc(0..100)` the way our engine does it: the items grouped by the
    /// physical range their key hashes into, one query per group, the groups concurrently.
    async fn read_many(self) -> Result<(), String> {
        let definition = self.container.partition_key_definition();
        let ranges: Vec<FeedRange> = self
            .driver
            .resolve_all_partition_key_ranges(&self.container, false)
            .await
            .map_err(|e| error("partition key ranges", e))?
            .unwrap_or_default()
            .iter()
            .filter_map(|range| FeedRange::try_from(range).ok())
            .collect();
        let mut groups: BTreeMap<usize, Vec<(String, String)>> = BTreeMap::new();
        for i in 0..READ_MANY_ITEMS {
            let (id, pk) = point_key(i);
            let own = FeedRange::for_partition(PartitionKey::from(pk.clone()), definition);
            let index = ranges
                .iter()
                .position(|r| r.overlaps(&own))
                .unwrap_or(usize::MAX);
            groups.entry(index).or_default().push((id, pk));
        }
        let mut queries = Vec::new();
        for (index, items) in &groups {
            let target = ranges.get(*index).cloned().unwrap_or_else(FeedRange::full);
            for chunk in items.chunks(ITEMS_PER_QUERY) {
                let operation =
                    CosmosOperation::query_items(self.container.clone(), Some(target.clone()))
                        .with_body(group_query_body(chunk));
                queries.push(operation);
            }
        }
        let counts: Vec<Result<usize, String>> = futures::stream::iter(queries)
            .map(|operation| self.drain(operation))
            .buffered(CONCURRENT_QUERIES)
            .collect()
            .await;
        let mut found = 0;
        for count in counts {
            found += count?;
        }
        if found != READ_MANY_ITEMS {
            return Err(format!(
                "read-many returned {found} items, expected {READ_MANY_ITEMS}"
            ));
        }
        Ok(())
    }
}

/// How many items a feed page holds. The driver hands a text-JSON page over as its envelope
/// (`{"Documents": [..], "_count": n}`): parsed once, as our engine parses it (`response.rs`).
fn page_items(body: ResponseBody) -> Result<usize, String> {
    match body {
        ResponseBody::NoPayload => Ok(0),
        ResponseBody::Items(items) => Ok(items.len()),
        ResponseBody::Bytes(bytes) => {
            let envelope: HashMap<Cow<'_, str>, &RawValue> =
                serde_json::from_slice(&bytes).map_err(|e| error("feed page", e))?;
            if let Some(count) = envelope
                .get("_count")
                .and_then(|c| c.get().parse::<usize>().ok())
            {
                return Ok(count);
            }
            let documents = envelope
                .get("Documents")
                .ok_or("a feed page without Documents")?;
            Ok(serde_json::from_str::<Vec<&RawValue>>(documents.get())
                .map_err(|e| error("Documents", e))?
                .len())
        }
    }
}

/// The engine's read-many query for items keyed by the single path `/pk`:
/// `(c.id = @i0 AND c["pk"] = @i0k0) OR ...`, as `{"query":..,"parameters":[..]}`.
fn group_query_body(items: &[(String, String)]) -> Vec<u8> {
    let mut text = String::from("SELECT * FROM c WHERE ");
    let mut parameters = Vec::new();
    for (n, (id, pk)) in items.iter().enumerate() {
        if n > 0 {
            text.push_str(" OR ");
        }
        text.push_str(&format!("(c.id = @i{n} AND c[\"pk\"] = @i{n}k0)"));
        parameters.push(json!({"name": format!("@i{n}"), "value": id}));
        parameters.push(json!({"name": format!("@i{n}k0"), "value": pk}));
    }
    let text = serde_json::to_string(&text).expect("a string always serialises");
    let parameters = serde_json::to_string(&parameters).expect("JSON values always serialise");
    format!("{{\"query\":{text},\"parameters\":{parameters}}}").into_bytes()
}

fn operation<F, Fut>(target: &Target, call: F) -> Operation
where
    F: Fn(Target, usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let target = target.clone();
    Arc::new(move |i| call(target.clone(), i).boxed())
}

fn small_doc(id: String, pk: &str, n: usize, filler: char) -> Vec<u8> {
    let body: String = std::iter::repeat_n(filler, 64).collect();
    serde_json::to_vec(&json!({"id": id, "pk": pk, "n": n, "body": body}))
        .expect("JSON always serialises")
}

/// The sequential workloads, in the order `perf_workloads.run` measures them.
pub fn sequential_operations(target: &Target, tag: &str) -> Vec<(String, Operation)> {
    let mut operations = vec![
        (
            "read".to_owned(),
            operation(target, |t, i| {
                let (id, pk) = point_key(i % POINT_DOCS);
                t.read(id, pk)
            }),
        ),
        (
            "upsert".to_owned(),
            operation(target, |t, i| {
                t.write(
                    true,
                    format!("u{}", i % POINT_DOCS),
                    "upsert".into(),
                    small_doc(format!("u{}", i % POINT_DOCS), "upsert", i, 'y'),
                )
            }),
        ),
        ("query 1k".to_owned(), operation(target, |t, _| t.query())),
        (
            "read-many 100".to_owned(),
            operation(target, |t, _| t.read_many()),
        ),
    ];
    for (size, bytes) in BIG_DOCS {
        let blob: Arc<str> = "x".repeat(bytes).into();
        let tag = tag.to_owned();
        operations.push((
            format!("create {size}"),
            operation(target, move |t, i| {
                let id = format!("big{}-{tag}-{i}", size.to_lowercase());
                // Serialised from borrowed strings: the blob is escaped into the body once, not copied first.
                let document =
                    BTreeMap::from([("id", id.as_str()), ("pk", "big"), ("blob", &*blob)]);
                let body = serde_json::to_vec(&document).expect("JSON always serialises");
                t.write(false, id, "big".into(), body)
            }),
        ));
        operations.push((
            format!("read {size}"),
            operation(target, move |t, _| {
                t.read(format!("big{}", size.to_lowercase()), "big".into())
            }),
        ));
    }
    operations
}

/// The async workloads' operations (`_async_operations`): read and upsert.
pub fn concurrent_operations(target: &Target) -> Vec<(&'static str, Operation)> {
    vec![
        (
            "read",
            operation(target, |t, i| {
                let (id, pk) = point_key(i % POINT_DOCS);
                t.read(id, pk)
            }),
        ),
        (
            "upsert",
            operation(target, |t, i| {
                let id = format!("a{}", i % POINT_DOCS);
                let body = small_doc(id.clone(), "upsert-async", i, 'z');
                t.write(true, id, "upsert-async".into(), body)
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn group_query_matches_the_engine_shape() {
        let body =
            super::group_query_body(&[("r1".into(), "p1".into()), ("r2".into(), "p2".into())]);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"query":"SELECT * FROM c WHERE (c.id = @i0 AND c[\"pk\"] = @i0k0) OR (c.id = @i1 AND c[\"pk\"] = @i1k0)","parameters":[{"name":"@i0","value":"r1"},{"name":"@i0k0","value":"p1"},{"name":"@i1","value":"r2"},{"name":"@i1k0","value":"p2"}]}"#
        );
    }
}
