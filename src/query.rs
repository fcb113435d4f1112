//! `Pager`: queries and feeds fetched one page at a time, resumable by token.
//!
//! Every paged operation (queries of databases, containers and items, read-all,
//! change feed) is a driver `OperationPlan`: planned on the first fetch (query
//! plan, partition ranges, resume state), then executed one page per call.

use std::sync::Arc;

use azure_data_cosmos_driver::models::{
    ContainerReference, ContinuationToken, CosmosOperation, FeedRange, ResponseBody,
};
use azure_data_cosmos_driver::options::{OperationOptions, PlanOptions};
use azure_data_cosmos_driver::{CosmosDriver, OperationPlan};
use bytes::Bytes;
use futures::future::BoxFuture;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::sync::Mutex as AsyncMutex;

use crate::awaitable::into_awaitable;
use crate::diagnostics::Diagnostics;
use crate::engine::EngineCore;
use crate::errors::{client_error, cosmos_error_to_py, response_error};
use crate::merged_query::{self, MergedFeed, MergedQuery};
use crate::operation::with_timeout;
use crate::options::RequestOptions;
use crate::request_slots::RequestSlots;
use crate::response::{feed_page, header_pairs, HeaderPairs, PyPage};
use crate::rest::{rest_query_headers, RestClient, RestTarget};
use crate::retry::{classify, retrying, Attempts, RetryPolicy};
use crate::runtime::{block_on, ProcessGuard};

/// `{"query": text, "parameters": [...]}`, the query spec the service takes.
///
/// `parameters` is already a JSON array (the facade serialised it like 4.x); it is
/// checked, not re-encoded.
pub fn query_body(text: &str, parameters: &[u8]) -> PyResult<Vec<u8>> {
    let parameters: &[u8] = if parameters.is_empty() {
        b"[]"
    } else {
        parameters
    };
    // One pass that checks the shape without building the values.
    #[derive(serde::Deserialize)]
    struct Parameter {
        #[allow(dead_code)]
        name: String,
        #[serde(default)]
        #[allow(dead_code)]
        value: serde::de::IgnoredAny,
    }
    serde_json::from_slice::<Vec<Parameter>>(parameters).map_err(|e| {
        client_error(format!(
            "query parameters must be a JSON array of {{\"name\": ..., \"value\": ...}}: {e}"
        ))
    })?;
    let text = serde_json::to_string(text).map_err(|e| client_error(e.to_string()))?;
    let mut body = Vec::with_capacity(text.len() + parameters.len() + 26);
    body.extend_from_slice(b"{\"query\":");
    body.extend_from_slice(text.as_bytes());
    body.extend_from_slice(b",\"parameters\":");
    body.extend_from_slice(parameters);
    body.push(b'}');
    Ok(body)
}

/// A feed of the REST path: its read feed (`query=None`, a GET) or the resources
/// a query selects (a POST), paged by the service's continuation. `feed` gives
/// the feed's target for a method; `headers` are sent with every page.
pub fn rest_feed(
    core: EngineCore,
    options: RequestOptions,
    feed: impl Fn(azure_core::http::Method) -> RestTarget,
    query: Option<&str>,
    parameters: Option<&[u8]>,
    mut headers: Vec<(String, String)>,
) -> PyResult<PyPager> {
    let (target, body) = match query {
        None => (feed(azure_core::http::Method::Get), None),
        Some(text) => {
            headers.extend(rest_query_headers());
            let body = query_body(text, parameters.unwrap_or_default())?;
            (feed(azure_core::http::Method::Post), Some(body))
        }
    };
    let client = core.rest.clone();
    Ok(PyPager::new(FeedRequest {
        kind: FeedKind::Query,
        wrap_token: None,
        core,
        build: Box::pin(async move {
            Ok(FeedTarget::Rest {
                client,
                target,
                headers,
                body,
            })
        }),
        options,
        plan_options: PlanOptions::default(),
        merged: None,
    }))
}

/// Whether a driver continuation token only says "nothing left".
///
/// The driver produces a token also after the last page, whose state (`c1.` +
/// base64url JSON) is `{"root":{"kind":"drained"}}`. The version is pinned, and
/// `drained_token_is_recognised` below fails if the format changes.
fn is_drained(token: &str) -> bool {
    use base64::Engine as _;
    let Some(payload) = token.strip_prefix("c1.") else {
        return false;
    };
    let Ok(json) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('='))
    else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&json)
        .ok()
        .and_then(|state| {
            state
                .pointer("/root/kind")
                .and_then(|k| k.as_str())
                .map(|k| k == "drained")
        })
        .unwrap_or(false)
}

/// How a feed ends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// Queries and read feeds: drained when the driver says so.
    Query,
    /// The change feed never drains: the driver polls its ranges round-robin,
    /// and an iteration ends once every range answered "no changes" in a row
    /// (as 4.x's change-feed iterator does). The last token stays valid.
    ChangeFeed,
}

/// Turns the driver's token of a page into the one handed out.
pub type TokenWrapper = std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>;

/// What a feed reads, once its target is resolved.
pub enum FeedTarget {
    /// An operation the driver plans and runs.
    Driver {
        operation: CosmosOperation,
        container: Option<ContainerReference>,
    },
    /// A feed the driver does not model, read through the REST path.
    Rest {
        client: Arc<RestClient>,
        target: RestTarget,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    },
}

impl FeedTarget {
    pub fn driver(operation: CosmosOperation, container: Option<ContainerReference>) -> Self {
        Self::Driver {
            operation,
            container,
        }
    }
}

/// What a pager needs to plan its operation on the first fetch.
pub struct FeedRequest {
    pub kind: FeedKind,
    /// `None`: the driver's token is handed out as it is.
    pub wrap_token: Option<TokenWrapper>,
    pub core: EngineCore,
    /// Resolves the container (if any) and builds what to read.
    pub build: BoxFuture<'static, PyResult<FeedTarget>>,
    pub options: RequestOptions,
    pub plan_options: PlanOptions,
    /// A cross-partition query the engine merges itself when the driver refuses
    /// its shape (aggregates, GROUP BY, DISTINCT); `None` for every other feed.
    pub merged: Option<MergedQuery>,
}

/// Where pages come from.
enum PageSource {
    /// A driver plan (container-scoped feeds): the driver's own resumable token.
    Plan {
        plan: Box<OperationPlan>,
        container: Option<ContainerReference>,
    },
    /// Account- and database-scoped feeds (databases, containers), for which the
    /// driver mints no token: one request per page, carrying the service's
    /// `x-ms-continuation`, which is also the token handed out (as 4.x does).
    Service {
        operation: CosmosOperation,
        continuation: Option<String>,
        drained: bool,
    },
    /// A cross-partition query merged by the engine (`merged_query`).
    Merged(Box<MergedFeed>),
    /// The REST path, paged by the service's `x-ms-continuation` like `Service`.
    Rest {
        client: Arc<RestClient>,
        target: RestTarget,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
        continuation: Option<String>,
        drained: bool,
    },
}

struct RunningFeed {
    kind: FeedKind,
    wrap_token: Option<TokenWrapper>,
    /// Change feed: the ranges one full polling round visits, and the length of
    /// the current run of empty answers.
    ranges: usize,
    empty_streak: usize,
    ended: bool,
    driver: Arc<CosmosDriver>,
    retry: Arc<RetryPolicy>,
    slots: RequestSlots,
    source: PageSource,
    request_options: RequestOptions,
    options: OperationOptions,
    read_ahead: Option<PyPage>,
    deferred_error: Option<PyErr>,
    returned_any: bool,
}

impl RunningFeed {
    async fn start(request: FeedRequest) -> PyResult<Self> {
        let options = request.options.operation_options(&[])?;
        let mut ranges = 1;
        let source = match request.build.await? {
            FeedTarget::Rest {
                client,
                target,
                headers,
                body,
            } => PageSource::Rest {
                client,
                target,
                headers,
                body,
                continuation: request.options.continuation.clone(),
                drained: false,
            },
            FeedTarget::Driver {
                operation,
                container,
            } => {
                let operation = request.options.apply_to(operation);
                if let (FeedKind::ChangeFeed, Some(container)) = (request.kind, &container) {
                    ranges = count_ranges(&request.core, container, operation.target()).await?;
                }
                let resumes_merged = request
                    .options
                    .continuation
                    .as_deref()
                    .is_some_and(merged_query::is_token);
                if container.is_none() {
                    PageSource::Service {
                        operation,
                        continuation: request.options.continuation.clone(),
                        drained: false,
                    }
                } else if let (Some(merged), true) = (&request.merged, resumes_merged) {
                    PageSource::Merged(Box::new(MergedFeed::start(
                        request.core.clone(),
                        merged.clone(),
                        request.options.continuation.as_deref(),
                    )?))
                } else {
                    let continuation = request
                        .options
                        .continuation
                        .clone()
                        .map(ContinuationToken::from_string);
                    let driver = &request.core.driver;
                    let slots = &request.core.slots;
                    let planned = retrying(&request.core.retry, true, || {
                        slots.run(|| {
                            driver.plan_operation(
                                operation.clone(),
                                &options,
                                continuation.as_ref(),
                                &request.plan_options,
                            )
                        })
                    })
                    .await;
                    // A plan the driver can only buffer mints no token: a caller paging
                    // through it would get its first page only.
                    let planned = planned.and_then(|plan| match plan.to_continuation_token() {
                        Err(err)
                            if request.merged.is_some()
                                && merged_query::refused_by_driver(&err) =>
                        {
                            Err(err)
                        }
                        _ => Ok(plan),
                    });
                    match (planned, &request.merged) {
                        (Ok(plan), _) => PageSource::Plan {
                            plan: Box::new(plan),
                            container,
                        },
                        (Err(err), Some(merged)) if merged_query::refused_by_driver(&err) => {
                            PageSource::Merged(Box::new(MergedFeed::start(
                                request.core.clone(),
                                merged.clone(),
                                None,
                            )?))
                        }
                        (Err(err), _) => return Err(cosmos_error_to_py(err)),
                    }
                }
            }
        };
        Ok(Self {
            kind: request.kind,
            wrap_token: request.wrap_token,
            ranges,
            empty_streak: 0,
            ended: false,
            driver: request.core.driver,
            retry: request.core.retry,
            slots: request.core.slots,
            source,
            request_options: request.options,
            options,
            read_ahead: None,
            deferred_error: None,
            returned_any: false,
        })
    }

    /// One page, and how many items it holds: `None` when drained.
    async fn fetch(&mut self) -> PyResult<Option<(PyPage, usize)>> {
        if let PageSource::Merged(feed) = &mut self.source {
            let Some((headers, items, count, continuation)) =
                feed.next_page(&self.request_options).await?
            else {
                return Ok(None);
            };
            return Ok(Some(self.page(headers, items, count, continuation, None)));
        }
        if let PageSource::Rest {
            client,
            target,
            headers,
            body,
            continuation,
            drained,
        } = &mut self.source
        {
            if *drained {
                return Ok(None);
            }
            let mut request_headers = headers.clone();
            if let Some(token) = continuation.clone() {
                request_headers.push(("x-ms-continuation".to_owned(), token));
            }
            if let Some(count) = self.request_options.max_item_count {
                request_headers.push(("x-ms-max-item-count".to_owned(), count.to_string()));
            }
            let response = client
                .send(
                    target.clone(),
                    request_headers,
                    body.clone(),
                    &self.request_options,
                )
                .await?;
            let diagnostics = response.diagnostics_handle();
            let (_, response_headers, response_body) = response.into_parts();
            *continuation = response_headers
                .iter()
                .find(|(name, _)| name == "x-ms-continuation")
                .map(|(_, value)| value.clone());
            *drained = continuation.is_none();
            let next = continuation.clone();
            let (items, count) = feed_page(
                ResponseBody::from_bytes(response_body),
                item_count(&response_headers),
            )
            .map_err(|message| response_error(&message))?;
            return Ok(Some(self.page(
                response_headers,
                items,
                count,
                next,
                diagnostics,
            )));
        }
        let (response, continuation) = match &mut self.source {
            PageSource::Plan { plan, container } => {
                let mut attempts = Attempts::new(&self.retry, true);
                let response = loop {
                    // A plan is not a closure's to borrow across attempts: retried here.
                    // One slot per page, even where the driver reads it from several
                    // partitions at once: the driver does not say how many requests it sends.
                    let outcome = self
                        .slots
                        .run(|| {
                            self.driver
                                .execute_plan(plan, container.clone(), self.options.clone())
                        })
                        .await;
                    match outcome {
                        Err(err) => match attempts.next_wait(classify(&err), None) {
                            Some(wait) => tokio::time::sleep(wait).await,
                            None => break Err(err),
                        },
                        outcome => break outcome,
                    }
                }
                .map_err(cosmos_error_to_py)?;
                let Some(response) = response else {
                    return Ok(None);
                };
                // The token resumes right after this page.
                let continuation = plan
                    .to_continuation_token()
                    .ok()
                    .map(|t| t.as_str().to_owned())
                    .filter(|token| !is_drained(token));
                (response, continuation)
            }
            PageSource::Rest { .. } | PageSource::Merged(_) => {
                unreachable!("the REST and merged sources are read above")
            }
            PageSource::Service {
                operation,
                continuation,
                drained,
            } => {
                if *drained {
                    return Ok(None);
                }
                let headers: Vec<(&str, String)> = continuation
                    .iter()
                    .map(|token| ("x-ms-continuation", token.clone()))
                    .collect();
                let options = self.request_options.operation_options(&headers)?;
                let driver = &self.driver;
                let slots = &self.slots;
                let response = retrying(&self.retry, true, || {
                    slots.run(|| driver.execute_operation(operation.clone(), options.clone()))
                })
                .await
                .map_err(cosmos_error_to_py)?;
                let Some(response) = response else {
                    *drained = true;
                    return Ok(None);
                };
                *continuation = response.headers().continuation.clone();
                *drained = continuation.is_none();
                (response, continuation.clone())
            }
        };
        let headers = header_pairs(response.headers());
        let diagnostics = Some(Diagnostics::Driver(response.diagnostics()));
        let (items, count) = feed_page(response.into_body(), item_count(&headers))
            .map_err(|message| response_error(&message))?;
        Ok(Some(self.page(
            headers,
            items,
            count,
            continuation,
            diagnostics,
        )))
    }

    fn page(
        &self,
        headers: HeaderPairs,
        body: Bytes,
        count: usize,
        continuation: Option<String>,
        diagnostics: Option<Diagnostics>,
    ) -> (PyPage, usize) {
        let continuation = match (&self.wrap_token, continuation) {
            (Some(wrap), Some(token)) => Some(wrap(&token)),
            (_, continuation) => continuation,
        };
        (
            PyPage::new(headers, body, continuation).with_diagnostics(diagnostics),
            count,
        )
    }

    /// The next page with items, or the feed's last page (`None`: nothing left).
    ///
    /// Cross-partition plans answer a page per range, also for a range with no
    /// matching items; 4.x hands such pages to no one, so they are skipped.
    async fn fetch_with_items(&mut self) -> PyResult<Option<PyPage>> {
        loop {
            match self.fetch().await? {
                None => return Ok(None),
                Some((page, 0)) if page.continuation_ref().is_some() => continue,
                Some((page, 0)) => {
                    // An empty last page is only an answer when nothing came before
                    // (an empty result still has one page, with its headers).
                    return Ok((!self.returned_any).then_some(page));
                }
                Some((page, _)) => return Ok(Some(page)),
            }
        }
    }

    /// The next page to hand out. One page is read ahead, so that the last page
    /// with items carries no continuation token (as in 4.x) instead of a token
    /// whose next page is empty. A failure while reading ahead is kept for the
    /// next call, so the page already read is not lost.
    async fn next_page(&mut self) -> PyResult<Option<PyPage>> {
        if self.kind == FeedKind::ChangeFeed {
            return self.next_change_page().await;
        }
        if let Some(error) = self.deferred_error.take() {
            return Err(error);
        }
        let page = match self.read_ahead.take() {
            Some(page) => page,
            None => match self.fetch_with_items().await? {
                Some(page) => page,
                None => return Ok(None),
            },
        };
        self.returned_any = true;
        let mut page = page;
        if page.continuation_ref().is_some() {
            match self.fetch_with_items().await {
                Ok(Some(next)) => self.read_ahead = Some(next),
                Ok(None) => page.clear_continuation(),
                Err(error) => self.deferred_error = Some(error),
            }
        }
        Ok(Some(page))
    }
}

impl RunningFeed {
    /// The next page of changes; after a full round of empty answers, one empty
    /// page that carries the token to resume from later, then the end.
    async fn next_change_page(&mut self) -> PyResult<Option<PyPage>> {
        if self.ended {
            return Ok(None);
        }
        loop {
            let Some((page, count)) = self.fetch().await? else {
                return Ok(None);
            };
            // 4.x sets a change-feed page's etag to the whole feed's continuation,
            // which is how callers take the token to poll again later.
            let mut page = page;
            if let Some(token) = page.continuation_ref().map(str::to_owned) {
                page.set_header("etag", token);
            }
            if count > 0 {
                self.empty_streak = 0;
                return Ok(Some(page));
            }
            self.empty_streak += 1;
            if self.empty_streak >= self.ranges {
                self.ended = true;
                return Ok(Some(page));
            }
        }
    }
}

/// The page's `x-ms-item-count` header, as the service sent it.
fn item_count(headers: &HeaderPairs) -> Option<&str> {
    headers
        .iter()
        .find(|(name, _)| name == "x-ms-item-count")
        .map(|(_, value)| value.as_str())
}

/// How many physical ranges overlap `target` (the whole container if `None`).
async fn count_ranges(
    core: &EngineCore,
    container: &ContainerReference,
    target: Option<&FeedRange>,
) -> PyResult<usize> {
    let ranges = core
        .driver
        .resolve_all_partition_key_ranges(container, false)
        .await
        .map_err(cosmos_error_to_py)?
        .unwrap_or_default();
    let count = ranges
        .iter()
        .filter_map(|range| FeedRange::try_from(range).ok())
        .filter(|range| target.is_none_or(|target| range.overlaps(target)))
        .count();
    Ok(count.max(1))
}

enum PagerState {
    NotStarted(FeedRequest),
    Running(Box<RunningFeed>),
    Done,
    /// A fetch was dropped before it completed (see `PyPager::fetch`).
    Interrupted,
}

/// A lazily fetched sequence of pages.
#[pyclass(name = "Pager", module = "azure.cosmos._rust", frozen)]
pub struct PyPager {
    // An async mutex: the lock is held across the page fetch so two concurrent
    // `next_page` calls cannot interleave on one plan.
    state: Arc<AsyncMutex<PagerState>>,
    process: ProcessGuard,
    timeout: Option<std::time::Duration>,
}

impl PyPager {
    pub fn new(request: FeedRequest) -> Self {
        let timeout = request.options.timeout;
        Self {
            state: Arc::new(AsyncMutex::new(PagerState::NotStarted(request))),
            process: ProcessGuard::current(),
            timeout,
        }
    }

    async fn fetch(state: Arc<AsyncMutex<PagerState>>) -> PyResult<Option<PyPage>> {
        let mut state = state.lock().await;
        loop {
            // Until this fetch completes, the pager counts as interrupted: a fetch
            // dropped half-way (its `timeout` expired, Ctrl-C, a cancelled task) may
            // have consumed a page, so the iteration must not silently go on or end.
            match std::mem::replace(&mut *state, PagerState::Interrupted) {
                PagerState::Interrupted => return Err(PyRuntimeError::new_err(
                    "this page iterator was interrupted (a timeout, Ctrl-C or a cancelled task) \
                         while fetching a page, or failed before its first one, so where it \
                         stands is unknown: start it again from the last continuation token it \
                         handed out (or from the beginning)",
                )),
                PagerState::Done => {
                    *state = PagerState::Done;
                    return Ok(None);
                }
                PagerState::NotStarted(request) => {
                    *state = PagerState::Running(Box::new(RunningFeed::start(request).await?));
                }
                PagerState::Running(mut feed) => {
                    let page = feed.next_page().await;
                    match page {
                        Ok(Some(page)) => {
                            let drained = page.continuation_ref().is_none() || feed.ended;
                            *state = if drained {
                                PagerState::Done
                            } else {
                                PagerState::Running(feed)
                            };
                            return Ok(Some(page));
                        }
                        Ok(None) => {
                            *state = PagerState::Done;
                            return Ok(None);
                        }
                        Err(err) => {
                            // Keep the plan: 4.x lets a caller retry a failed page.
                            *state = PagerState::Running(feed);
                            return Err(err);
                        }
                    }
                }
            }
        }
    }
}

#[pymethods]
impl PyPager {
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<PyPage>> {
        self.process.check()?;
        let state = self.state.clone();
        block_on(py, with_timeout(self.timeout, Self::fetch(state)))
    }

    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.process.check()?;
        let state = self.state.clone();
        into_awaitable(py, with_timeout(self.timeout, Self::fetch(state)))
    }
}

#[cfg(test)]
mod tests {
    use super::is_drained;

    #[test]
    fn drained_token_is_recognised() {
        // Tokens as azure_data_cosmos_driver 1.0.0 produced them against the emulator.
        assert!(is_drained(
            "c1.eyJvcCI6IlF1ZXJ5IiwicmlkIjoiQUFBQUFZQUFBQUU9Iiwicm9vdCI6eyJraW5kIjoiZHJhaW5lZCJ9fQ"
        ));
        assert!(!is_drained(
            "c1.eyJvcCI6IlF1ZXJ5IiwicmlkIjoiQUFBQUFZQUFBQUU9Iiwicm9vdCI6eyJraW5kIjoicmVxdWVzdCIsInNlcnZlcl9jb250aW51YXRpb24iOiJleUoySWpveExDSnJJam9pY3lJc0luUWlPakFzSW1RaU9qRXNJbklpT2lKQlFVRkJRVmxCUVVGQlJVTkJRVUZCUVVGQlFVRkJQVDBpTENKbElqb3dmUSJ9fQ"
        ));
        assert!(!is_drained("not-a-token"));
    }

    #[test]
    fn query_body_embeds_parameters_verbatim() {
        let body = super::query_body(
            "SELECT * FROM c WHERE c.a = @a",
            br#"[{"name":"@a","value":1.50}]"#,
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"query":"SELECT * FROM c WHERE c.a = @a","parameters":[{"name":"@a","value":1.50}]}"#
        );
        let empty = super::query_body("SELECT 1", b"").unwrap();
        assert_eq!(
            std::str::from_utf8(&empty).unwrap(),
            r#"{"query":"SELECT 1","parameters":[]}"#
        );
    }
}
