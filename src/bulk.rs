//! Bulk: any number of item operations, sent as the service's non-atomic batch
//! requests (up to 100 operations each) routed to the physical partition that owns
//! them, the partitions in parallel.
//!
//! The caller hands over operations in chunks (`submit`) and takes results as they
//! complete (`results`); a dispatcher task on the process-wide runtime routes,
//! batches, sends and retries. Memory stays bounded: `submit` waits while
//! `capacity` operations are unanswered. Throttles (429, of a whole request or of
//! one operation) slow the partition down and are retried within the client's
//! throttle budget; a split (410) routes the operations again. Every other status
//! is the operation's result: bulk never raises for one operation's failure.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_core::http::Method;
use azure_data_cosmos_driver::models::effective_partition_key::EffectivePartitionKey;
use azure_data_cosmos_driver::models::{ContainerReference, FeedRange, PartitionKey};
use pyo3::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;
use tokio::sync::{mpsc, Notify, Semaphore};
use tokio::task::JoinSet;

use crate::bulk_plan::{BulkItem, Routing};
use crate::container_operations::container_link;
use crate::engine::EngineCore;
use crate::errors::{cosmos_error_to_py, response_error};
use crate::options::RequestOptions;
use crate::response::PyResponse;
use crate::rest::{RestFailure, RestTarget};
use crate::retry::RetryPolicy;
use crate::runtime::timeout_error;

/// Batch requests in flight at once over all partitions, unless the caller says.
const DEFAULT_CONCURRENCY: usize = 16;
/// Times a split may route one operation again before it is reported as failed.
const MAX_REROUTES: u32 = 5;
/// The wait after a throttle whose answer named none.
const DEFAULT_THROTTLE_WAIT: Duration = Duration::from_millis(100);

/// The result of one operation.
pub struct Outcome {
    pub index: u64,
    pub status: u16,
    pub sub_status: Option<u32>,
    pub request_charge: f64,
    pub etag: Option<String>,
    pub resource: Option<Box<RawValue>>,
    pub throttled: u32,
    /// Why no service status is known for it (the request failed as a whole).
    pub error: Option<PyErr>,
}

/// One operation's answer in the service's bulk response.
#[derive(Deserialize)]
struct OperationAnswer {
    #[serde(rename = "statusCode")]
    status: u16,
    #[serde(rename = "substatusCode", default)]
    sub_status: Option<u32>,
    #[serde(rename = "requestCharge", default)]
    request_charge: f64,
    #[serde(rename = "eTag", default)]
    etag: Option<String>,
    #[serde(rename = "resourceBody", default)]
    resource: Option<Box<RawValue>>,
    #[serde(rename = "retryAfterMilliseconds", default)]
    retry_after_ms: Option<f64>,
}

/// Where finished operations wait for the caller, and the room left for new ones.
pub struct Sink {
    queue: Mutex<VecDeque<Outcome>>,
    ready: Notify,
    pub room: Semaphore,
    finished: AtomicBool,
    /// A failure of the whole run (the container does not exist, ...).
    failure: Mutex<Option<PyErr>>,
}

impl Sink {
    pub fn new(capacity: u32) -> Self {
        Self {
            queue: Mutex::new(VecDeque::new()),
            ready: Notify::new(),
            room: Semaphore::new(capacity as usize),
            finished: AtomicBool::new(false),
            failure: Mutex::new(None),
        }
    }

    fn push(&self, outcome: Outcome) {
        self.queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(outcome);
        self.room.add_permits(1);
        self.ready.notify_one();
    }

    /// Why the run stopped, for a caller that is still handing over operations.
    pub fn stopped(&self) -> PyErr {
        match self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            Some(error) => Python::attach(|py| error.clone_ref(py)),
            None => pyo3::exceptions::PyRuntimeError::new_err("the bulk run has stopped"),
        }
    }

    fn finish(&self, failure: Option<PyErr>) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
        self.finished.store(true, Ordering::Release);
        // A caller waiting for room learns that the run is over.
        self.room.close();
        self.ready.notify_one();
    }

    /// Whatever is ready; with `wait`, at least one result unless the run is over
    /// (then `None` once everything was taken).
    pub async fn take(&self, wait: bool) -> PyResult<Option<Vec<Outcome>>> {
        loop {
            let finished = self.finished.load(Ordering::Acquire);
            let ready: Vec<Outcome> = self
                .queue
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .drain(..)
                .collect();
            if !ready.is_empty() {
                return Ok(Some(ready));
            }
            if finished {
                if let Some(error) = self
                    .failure
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
                {
                    return Err(error);
                }
                return Ok(None);
            }
            if !wait {
                return Ok(Some(Vec::new()));
            }
            // A notification sent since the check above is stored, not lost.
            self.ready.notified().await;
        }
    }
}

/// What one run sends with: cheap to share with every request task.
pub struct Run {
    core: EngineCore,
    database: String,
    container: String,
    options: RequestOptions,
    /// The client's policy without throttle retries: bulk paces those itself.
    policy: RetryPolicy,
    throttle_budget: u32,
    max_concurrency: usize,
}

/// A chunk handed over by the caller: `(input index, partition key, operation body)`.
pub type Submitted = Vec<(u64, PartitionKey, Vec<u8>)>;

struct Sent {
    range_id: String,
    items: Vec<BulkItem>,
    result: Result<PyResponse, RestFailure>,
}

async fn physical_ranges(
    core: &EngineCore,
    reference: &ContainerReference,
    force_refresh: bool,
) -> PyResult<Vec<(EffectivePartitionKey, String)>> {
    let ranges = core
        .driver
        .resolve_all_partition_key_ranges(reference, force_refresh)
        .await
        .map_err(cosmos_error_to_py)?
        .unwrap_or_default();
    if ranges.is_empty() {
        return Err(response_error("the container has no partition key ranges"));
    }
    Ok(ranges
        .into_iter()
        .map(|range| (range.min_inclusive, range.id))
        .collect())
}

async fn send_batch(run: Arc<Run>, range_id: String, items: Vec<BulkItem>) -> Sent {
    let mut body = Vec::with_capacity(items.iter().map(|i| i.body.len() + 1).sum::<usize>() + 2);
    body.push(b'[');
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(&item.body);
    }
    body.push(b']');
    let link = container_link(&run.database, &run.container);
    let target = RestTarget {
        method: Method::Post,
        resource_type: "docs",
        path: format!("{link}/docs"),
        resource_link: link,
    };
    let headers = vec![
        ("x-ms-cosmos-is-batch-request".to_owned(), "True".to_owned()),
        ("x-ms-cosmos-batch-atomic".to_owned(), "False".to_owned()),
        (
            "x-ms-cosmos-batch-continue-on-error".to_owned(),
            "True".to_owned(),
        ),
        (
            "x-ms-documentdb-partitionkeyrangeid".to_owned(),
            range_id.clone(),
        ),
    ];
    let send =
        run.core
            .rest
            .send_with_policy(&run.policy, target, headers, Some(body), &run.options);
    let result = match run.options.timeout {
        None => send.await,
        Some(budget) => match tokio::time::timeout(budget, send).await {
            Ok(result) => result,
            Err(_) => Err(RestFailure {
                status: None,
                sub_status: None,
                retry_after: None,
                error: timeout_error(budget),
            }),
        },
    };
    Sent {
        range_id,
        items,
        result,
    }
}

fn is_gone(status: u16) -> bool {
    status == 410
}

/// Routes, batches and sends until the input is closed and every operation answered.
pub async fn dispatch(
    run: Arc<Run>,
    mut input: mpsc::UnboundedReceiver<Submitted>,
    sink: Arc<Sink>,
) -> PyResult<()> {
    let reference = run.core.container(&run.database, &run.container).await?;
    let definition = reference.partition_key_definition().clone();
    let mut routing = Routing::new(
        physical_ranges(&run.core, &reference, false).await?,
        run.max_concurrency,
    );
    let mut sends: JoinSet<Sent> = JoinSet::new();
    let mut in_flight = 0usize;
    let mut closed = false;
    let admit = |routing: &mut Routing, chunk: Submitted| {
        for (index, key, body) in chunk {
            let epk = FeedRange::for_partition(key, &definition)
                .min_inclusive()
                .clone();
            routing.route(BulkItem {
                index,
                epk,
                body,
                throttled: 0,
                rerouted: 0,
            });
        }
    };
    loop {
        loop {
            match input.try_recv() {
                Ok(chunk) => admit(&mut routing, chunk),
                Err(mpsc::error::TryRecvError::Empty) => break,
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    closed = true;
                    break;
                }
            }
        }
        let now = Instant::now();
        for queue in routing.queues.values_mut() {
            // A partial batch goes only when its partition has nothing in flight (or no
            // more input is coming): otherwise it fills up while the partition answers.
            while in_flight < run.max_concurrency
                && queue.can_send(now)
                && (queue.has_full_batch() || queue.in_flight == 0 || closed)
            {
                let batch = queue.take_batch();
                queue.in_flight += 1;
                in_flight += 1;
                sends.spawn(send_batch(run.clone(), queue.id.clone(), batch));
            }
        }
        let pending = routing.queues.values().any(|q| q.has_pending());
        if closed && in_flight == 0 && !pending {
            return Ok(());
        }
        let resume = routing
            .queues
            .values()
            .filter(|q| q.has_pending())
            .filter_map(|q| q.pace.paused_at(now))
            .min();
        tokio::select! {
            chunk = input.recv(), if !closed => match chunk {
                Some(chunk) => admit(&mut routing, chunk),
                None => closed = true,
            },
            Some(joined) = sends.join_next(), if in_flight > 0 => {
                in_flight -= 1;
                let sent = joined.map_err(|e| response_error(&format!("a bulk request task failed: {e}")))?;
                if let Some(queue) = routing.queues.get_mut(&sent.range_id) {
                    queue.in_flight = queue.in_flight.saturating_sub(1);
                }
                let gone = settle(&run, &mut routing, &sink, sent);
                if gone {
                    let ranges = physical_ranges(&run.core, &reference, true).await?;
                    routing.relayout(ranges, run.max_concurrency);
                }
            },
            _ = tokio::time::sleep_until(resume.unwrap_or(now).into()), if resume.is_some() => {},
        }
    }
}

/// Handles one answered (or failed) request: results to the sink, operations to be
/// sent again back to their queue. Returns whether the layout must be read again.
fn settle(run: &Run, routing: &mut Routing, sink: &Sink, sent: Sent) -> bool {
    let now = Instant::now();
    let mut again: Vec<BulkItem> = Vec::new();
    let mut throttle_wait: Option<Duration> = None;
    let mut gone = false;
    let mut throttle =
        |item: BulkItem, wait: Duration, again: &mut Vec<BulkItem>| -> Option<BulkItem> {
            throttle_wait = Some(throttle_wait.map_or(wait, |w| w.max(wait)));
            // With the budget spent, the throttle is the operation's result.
            if item.throttled >= run.throttle_budget {
                return Some(item);
            }
            let mut item = item;
            item.throttled += 1;
            again.push(item);
            None
        };
    match sent.result {
        Ok(response) => {
            let answers: Vec<OperationAnswer> =
                match serde_json::from_slice(&response.into_parts().2) {
                    Ok(answers) => answers,
                    Err(e) => {
                        let error = response_error(&format!("unreadable bulk response: {e}"));
                        fail_all(sink, sent.items, &error, None);
                        return false;
                    }
                };
            let answered = answers.len();
            let mut items = sent.items.into_iter();
            for answer in answers {
                let Some(item) = items.next() else { break };
                if answer.status == 429 {
                    let wait = answer
                        .retry_after_ms
                        .map(|ms| Duration::from_secs_f64(ms.max(0.0) / 1000.0))
                        .unwrap_or(DEFAULT_THROTTLE_WAIT);
                    if let Some(spent) = throttle(item, wait, &mut again) {
                        sink.push(outcome_of(spent, answer));
                    }
                } else if is_gone(answer.status) && item.rerouted < MAX_REROUTES {
                    gone = true;
                    again.push(rerouted(item));
                } else {
                    sink.push(outcome_of(item, answer));
                }
            }
            let missing: Vec<BulkItem> = items.collect();
            if !missing.is_empty() {
                let error = response_error(&format!(
                    "the service answered {answered} results for {} operations",
                    answered + missing.len()
                ));
                fail_all(sink, missing, &error, None);
            }
        }
        Err(failure) => match failure.status {
            Some(429) => {
                let wait = failure.retry_after.unwrap_or(DEFAULT_THROTTLE_WAIT);
                for item in sent.items {
                    if let Some(spent) = throttle(item, wait, &mut again) {
                        let throttled = spent.throttled;
                        fail_one(sink, spent, &failure, throttled);
                    }
                }
            }
            Some(status) if is_gone(status) => {
                gone = true;
                for item in sent.items {
                    if item.rerouted < MAX_REROUTES {
                        again.push(rerouted(item));
                    } else {
                        fail_one(sink, item, &failure, 0);
                    }
                }
            }
            _ => fail_all(
                sink,
                sent.items,
                &failure.error,
                failure.status.map(|s| (s, failure.sub_status)),
            ),
        },
    }
    match routing.queues.get_mut(&sent.range_id) {
        Some(queue) => {
            match throttle_wait {
                Some(wait) => queue.pace.throttled(now, wait),
                None if !gone => queue.pace.answered(),
                None => {}
            }
            queue.push_front(again);
        }
        None => {
            for item in again {
                routing.route(item);
            }
        }
    }
    gone
}

fn rerouted(mut item: BulkItem) -> BulkItem {
    item.rerouted += 1;
    item
}

fn outcome_of(item: BulkItem, answer: OperationAnswer) -> Outcome {
    Outcome {
        index: item.index,
        status: answer.status,
        sub_status: answer.sub_status,
        request_charge: answer.request_charge,
        etag: answer.etag,
        resource: answer.resource,
        throttled: item.throttled,
        error: None,
    }
}

fn fail_one(sink: &Sink, item: BulkItem, failure: &RestFailure, throttled: u32) {
    let error = Python::attach(|py| failure.error.clone_ref(py));
    sink.push(Outcome {
        index: item.index,
        status: failure.status.unwrap_or(0),
        sub_status: failure.sub_status,
        request_charge: 0.0,
        etag: None,
        resource: None,
        throttled,
        error: Some(error),
    });
}

fn fail_all(sink: &Sink, items: Vec<BulkItem>, error: &PyErr, status: Option<(u16, Option<u32>)>) {
    for item in items {
        let error = Python::attach(|py| error.clone_ref(py));
        sink.push(Outcome {
            index: item.index,
            status: status.map_or(0, |(s, _)| s),
            sub_status: status.and_then(|(_, sub)| sub),
            request_charge: 0.0,
            etag: None,
            resource: None,
            throttled: item.throttled,
            error: Some(error),
        });
    }
}

impl Run {
    /// A run on one container with the client's retry policy, its throttle
    /// retries taken over by the run's pacing.
    pub fn new(
        core: EngineCore,
        database: String,
        container: String,
        options: RequestOptions,
        max_concurrency: Option<usize>,
    ) -> Self {
        let mut policy = (*core.retry).clone();
        let throttle_budget = policy.throttle.max_count;
        policy.throttle.max_count = 0;
        Self {
            core,
            database,
            container,
            options,
            policy,
            throttle_budget,
            max_concurrency: max_concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1),
        }
    }

    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency
    }
}

/// Runs [`dispatch`] and records how it ended for the caller.
pub async fn run_to_end(run: Arc<Run>, input: mpsc::UnboundedReceiver<Submitted>, sink: Arc<Sink>) {
    let result = dispatch(run, input, sink.clone()).await;
    sink.finish(result.err());
}
