//! How many requests one client has on the wire at once.
//!
//! 4.x's async client sends through azure-core's aiohttp transport, whose session has aiohttp's
//! default connector: at most 100 connections, so at most 100 requests in flight; a request beyond
//! that waits for a connection to come free. The driver's HTTP/1.1 pool has no such bound (it opens a
//! connection per concurrent request), so an async client here takes a slot per request attempt
//! instead, with the same count. Besides keeping 4.x's behaviour towards the service, this bounds what
//! a burst costs the client: each request in flight holds a driver future, a connection and its
//! buffers, about 90 KB (measured on the canned server, 20,000 reads at 256 in flight, with the bound
//! against without: 0.77x the CPU, 0.70x the time, peak RSS 50.9 against 63.5 MB). The sync client
//! has no bound, as 4.x's `requests` transport has none (its pool only limits the connections it
//! keeps).
//!
//! A slot is held for one attempt as the driver runs it, its own throttling retries included (the
//! driver does not hand them back); the engine's retries wait without one.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

/// aiohttp's default `TCPConnector(limit=100)`, which 4.x's async transport uses.
pub const ASYNC_CLIENT_REQUESTS_IN_FLIGHT: usize = 100;

/// The request slots of one client: bounded for an async client, unbounded for a sync one.
#[derive(Clone)]
pub struct RequestSlots(Option<Arc<Semaphore>>);

impl RequestSlots {
    /// `limit` slots, or no bound for `None`.
    pub fn new(limit: Option<usize>) -> Self {
        Self(limit.map(|slots| Arc::new(Semaphore::new(slots))))
    }

    /// Waits for a slot (FIFO, as tokio's semaphore queues waiters); `None` when unbounded.
    async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        match &self.0 {
            // The semaphore is never closed, so acquiring only fails if it were.
            Some(semaphore) => semaphore.acquire().await.ok(),
            None => None,
        }
    }

    /// Runs `request` in a slot. `request` is only built once the slot is taken, so a waiting
    /// request holds nothing of the driver's yet.
    pub async fn run<F, Fut>(&self, request: F) -> Fut::Output
    where
        F: FnOnce() -> Fut,
        Fut: Future,
    {
        let _slot = self.acquire().await;
        request().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn run_concurrently(slots: RequestSlots, requests: usize) -> usize {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..requests {
                let (slots, in_flight, most) = (slots.clone(), in_flight.clone(), most.clone());
                tasks.spawn(async move {
                    slots
                        .run(|| async {
                            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                            in_flight.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                });
            }
            while tasks.join_next().await.is_some() {}
        });
        most.load(Ordering::SeqCst)
    }

    #[test]
    fn a_bounded_client_never_has_more_requests_in_flight_than_its_slots() {
        assert_eq!(run_concurrently(RequestSlots::new(Some(3)), 20), 3);
    }

    #[test]
    fn an_unbounded_client_runs_every_request_at_once() {
        assert_eq!(run_concurrently(RequestSlots::new(None), 20), 20);
    }
}
