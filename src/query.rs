//! `Pager`: queries and feeds fetched one page at a time, resumable by token.

use std::sync::Arc;

use azure_data_cosmos::feed::ContinuationToken;
use azure_data_cosmos::feed::QueryPageIterator;
use azure_data_cosmos::options::{FeedOptions, QueryOptions};
use bytes::Bytes;
use futures::future::BoxFuture;
use futures::StreamExt;
use pyo3::prelude::*;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex as AsyncMutex;

use crate::engine::with_timeout;
use crate::errors::cosmos_error_to_py;
use crate::options::RequestOptions;
use crate::response::{join_json_array, sdk_header_pairs, PyPage};
use crate::runtime::{block_on, into_awaitable, ProcessGuard};

/// Turns one page's items into JSON bytes (`[...]`).
pub type EncodePage<T> = fn(Vec<T>) -> PyResult<Bytes>;

/// Raw items (`Box<RawValue>`) need no re-encoding: the bytes are the server's.
pub fn encode_raw(items: Vec<Box<serde_json::value::RawValue>>) -> PyResult<Bytes> {
    let items: Vec<Bytes> = items
        .into_iter()
        .map(|raw| Bytes::from(String::from(Box::<str>::from(raw)).into_bytes()))
        .collect();
    Ok(join_json_array(&items))
}

pub trait PageSource: Send {
    fn next_page(&mut self) -> BoxFuture<'_, PyResult<Option<PyPage>>>;
}

/// Where a page's resume token comes from.
#[derive(Clone, Copy)]
pub enum Resume {
    /// The engine's own opaque token (item queries: also cross-partition).
    EngineToken,
    /// The service's `x-ms-continuation` (database/container feeds, which the
    /// engine cannot resume; the service's token is what 4.x hands out there).
    ServiceHeader,
}

struct FeedPages<T: Send + 'static> {
    pages: QueryPageIterator<T>,
    encode: EncodePage<T>,
    resume: Resume,
}

impl<T: Send + DeserializeOwned + 'static> PageSource for FeedPages<T> {
    fn next_page(&mut self) -> BoxFuture<'_, PyResult<Option<PyPage>>> {
        Box::pin(async move {
            let Some(page) = self.pages.next().await else {
                return Ok(None);
            };
            let page = page.map_err(cosmos_error_to_py)?;
            let headers = sdk_header_pairs(page.headers());
            let service_token = page.headers().continuation().map(str::to_owned);
            let items = (self.encode)(page.into_items())?;
            // The token resumes right after the page just returned; like 4.x, there
            // is none once the feed is drained.
            let continuation = match self.resume {
                Resume::EngineToken => self
                    .pages
                    .to_continuation_token()
                    .ok()
                    .map(|t| t.as_str().to_owned())
                    .filter(|token| !is_drained(token)),
                Resume::ServiceHeader => service_token,
            };
            Ok(Some(PyPage::new(headers, items, continuation)))
        })
    }
}

/// Whether an engine continuation token only says "nothing left".
///
/// azure_data_cosmos always produces a token, also after the last page, where its
/// state (`c1.` + base64url JSON) is `{"root":{"kind":"drained"}}`. The version is
/// pinned, and `drained_token_is_recognised` below fails if the format changes.
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

/// Starts a feed: the engine plans it (query plan, partition ranges) on first fetch.
pub type StartFeed = BoxFuture<'static, PyResult<Box<dyn PageSource>>>;

/// Wraps a typed page iterator as a source the pager can drive.
pub fn feed_source<T: Send + DeserializeOwned + 'static>(
    pages: QueryPageIterator<T>,
    encode: EncodePage<T>,
    resume: Resume,
) -> Box<dyn PageSource> {
    Box::new(FeedPages {
        pages,
        encode,
        resume,
    })
}

enum PagerState {
    NotStarted(StartFeed),
    Running(Box<dyn PageSource>),
    Done,
}

/// Operation options for a database or container query.
///
/// azure_data_cosmos 1.0.0 gives these feeds no page-size option (their options
/// carry only `OperationOptions`), so the page size travels as the protocol
/// header itself, and so does a resume token (the service's own, see [`Resume`]).
pub fn metadata_feed_operation_options(
    options: &RequestOptions,
) -> PyResult<azure_data_cosmos::options::OperationOptions> {
    let mut headers = Vec::new();
    if options.max_item_count().is_some() {
        headers.push((
            "x-ms-max-item-count",
            options.max_item_count.unwrap_or_default().to_string(),
        ));
    }
    if let Some(token) = &options.continuation {
        headers.push(("x-ms-continuation", token.clone()));
    }
    options.operation_options(&headers)
}

/// The query options shared by every feed kind.
pub fn query_options(options: &RequestOptions) -> PyResult<QueryOptions> {
    let mut feed = FeedOptions::default();
    if let Some(count) = options.max_item_count() {
        feed = feed.with_max_item_count(count);
    }
    if let Some(token) = &options.continuation {
        feed = feed.with_continuation_token(ContinuationToken::from_string(token.clone()));
    }
    let mut query = QueryOptions::default()
        .with_operation_options(options.operation_options(&[])?)
        .with_feed_options(feed);
    if let Some(token) = options.session_token() {
        query = query.with_session_token(token);
    }
    if let Some(enabled) = options.populate_query_metrics {
        query = query.with_populate_query_metrics(enabled);
    }
    if let Some(enabled) = options.populate_index_metrics {
        query = query.with_populate_index_metrics(enabled);
    }
    Ok(query)
}

/// A lazily fetched sequence of pages.
#[pyclass(name = "Pager", module = "azure.cosmos._rust", frozen)]
pub struct PyPager {
    // An async mutex: the lock is held across the page fetch so two concurrent
    // `next_page` calls cannot interleave on one iterator.
    state: Arc<AsyncMutex<PagerState>>,
    process: ProcessGuard,
    timeout: Option<std::time::Duration>,
}

impl PyPager {
    pub fn new(start: StartFeed, timeout: Option<std::time::Duration>) -> Self {
        Self {
            state: Arc::new(AsyncMutex::new(PagerState::NotStarted(start))),
            process: ProcessGuard::current(),
            timeout,
        }
    }

    async fn fetch(state: Arc<AsyncMutex<PagerState>>) -> PyResult<Option<PyPage>> {
        let mut state = state.lock().await;
        loop {
            match std::mem::replace(&mut *state, PagerState::Done) {
                PagerState::Done => return Ok(None),
                PagerState::NotStarted(start) => {
                    *state = PagerState::Running(start.await?);
                }
                PagerState::Running(mut source) => {
                    let page = source.next_page().await;
                    match page {
                        Ok(Some(page)) => {
                            *state = PagerState::Running(source);
                            return Ok(Some(page));
                        }
                        Ok(None) => return Ok(None),
                        Err(err) => {
                            // Keep the iterator: 4.x lets a caller retry a failed page.
                            *state = PagerState::Running(source);
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
        // Tokens as azure_data_cosmos 1.0.0 produced them against the emulator.
        assert!(is_drained(
            "c1.eyJvcCI6IlF1ZXJ5IiwicmlkIjoiQUFBQUFZQUFBQUU9Iiwicm9vdCI6eyJraW5kIjoiZHJhaW5lZCJ9fQ"
        ));
        assert!(!is_drained(
            "c1.eyJvcCI6IlF1ZXJ5IiwicmlkIjoiQUFBQUFZQUFBQUU9Iiwicm9vdCI6eyJraW5kIjoicmVxdWVzdCIsInNlcnZlcl9jb250aW51YXRpb24iOiJleUoySWpveExDSnJJam9pY3lJc0luUWlPakFzSW1RaU9qRXNJbklpT2lKQlFVRkJRVmxCUVVGQlJVTkJRVUZCUVVGQlFVRkJQVDBpTENKbElqb3dmUSJ9fQ"
        ));
        assert!(!is_drained("not-a-token"));
    }
}
