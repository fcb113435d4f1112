//! The retries this engine adds around the driver's own (which handles 410, 449,
//! 503, session and regional failover): a request that never reached the service
//! (connection refused, DNS) tried again after a wait, a read whose answer broke
//! off tried again when the client asked for read retries, and throttled (429)
//! requests waiting a fixed interval when the client set 4.x's
//! `retry_fixed_interval` (otherwise the driver waits the service's retry-after).
//!
//! The waits are computed by the facade from 4.x's keywords (azure-core's
//! `RetryPolicy` rules); without any, the engine's defaults ride out an outage of
//! a few seconds, as 4.x's connection retries do.

use std::future::Future;
use std::time::Duration;

use azure_data_cosmos_driver::CosmosError;

/// The engine's default waits before each new attempt of a request that was never sent.
pub const DEFAULT_CONNECT_WAITS: [Duration; 5] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// How throttled (429) requests are retried where the engine retries them: the
/// REST path always, driver operations only with a fixed interval.
#[derive(Clone, Debug)]
pub struct ThrottleRetry {
    /// 4.x's `retry_fixed_interval`: wait this long instead of the service's
    /// retry-after.
    pub fixed_interval: Option<Duration>,
    pub max_count: u32,
    pub max_wait: Duration,
}

impl Default for ThrottleRetry {
    /// 4.x's budget: 9 retries, 30 s of waits in all.
    fn default() -> Self {
        Self {
            fixed_interval: None,
            max_count: 9,
            max_wait: Duration::from_secs(30),
        }
    }
}

/// A client's retry policy.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Waits before each new attempt of a request that was never sent.
    pub connect_waits: Vec<Duration>,
    /// Waits before each new attempt of a read whose response failed (timed out,
    /// broke off); none by default (the driver retries such reads once itself).
    pub read_waits: Vec<Duration>,
    /// 4.x's `retry_write`: a write whose response failed is reported as the
    /// service answered the driver's retry, instead of as an ambiguous failure.
    pub retry_writes: bool,
    pub throttle: ThrottleRetry,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            connect_waits: DEFAULT_CONNECT_WAITS.to_vec(),
            read_waits: Vec::new(),
            retry_writes: false,
            throttle: ThrottleRetry::default(),
        }
    }
}

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Known not to have reached the service: safe to send again.
    NeverSent,
    /// Sent, and the response failed (timed out, broke off): the service may have
    /// acted on it.
    ResponseFailed,
    /// The service answered 429.
    Throttled,
    /// Anything else: not retried here.
    Final,
}

/// Whether every attempt of a failed driver operation is known not to have been
/// sent, so that trying again cannot apply a write twice.
pub fn never_sent(err: &CosmosError) -> bool {
    if err.response().is_some() {
        return false;
    }
    let Some(diagnostics) = err.diagnostics() else {
        return false;
    };
    let requests = diagnostics.requests();
    !requests.is_empty()
        && requests
            .iter()
            .all(|request| !request.request_sent().may_have_been_sent())
}

/// How a driver error counts for retrying.
pub fn classify(err: &CosmosError) -> Failure {
    if never_sent(err) {
        return Failure::NeverSent;
    }
    if err.response().is_some() {
        return if u16::from(err.status().status_code()) == 429 {
            Failure::Throttled
        } else {
            Failure::Final
        };
    }
    if err.status().is_transport_generated_503() {
        Failure::ResponseFailed
    } else {
        Failure::Final
    }
}

/// The retries left to one operation.
pub struct Attempts<'a> {
    policy: &'a RetryPolicy,
    read_only: bool,
    connect: usize,
    read: usize,
    throttled: u32,
    throttle_waited: Duration,
}

impl<'a> Attempts<'a> {
    /// `read_only`: whether the operation only reads (only reads are retried after
    /// a failed response).
    pub fn new(policy: &'a RetryPolicy, read_only: bool) -> Self {
        Self {
            policy,
            read_only,
            connect: 0,
            read: 0,
            throttled: 0,
            throttle_waited: Duration::ZERO,
        }
    }

    /// The wait before the next attempt after `failure`, or `None` to give up.
    /// `retry_after`: the service's hint of a 429, where the engine (not the
    /// driver) retries throttled requests; `None` for driver operations, whose
    /// throttling is the driver's unless a fixed interval is set.
    pub fn next_wait(
        &mut self,
        failure: Failure,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        match failure {
            Failure::NeverSent => {
                let wait = self.policy.connect_waits.get(self.connect).copied();
                self.connect += 1;
                wait
            }
            Failure::ResponseFailed if self.read_only => {
                let wait = self.policy.read_waits.get(self.read).copied();
                self.read += 1;
                wait
            }
            Failure::Throttled => {
                let budget = &self.policy.throttle;
                let wait = budget.fixed_interval.or(retry_after)?;
                if self.throttled >= budget.max_count
                    || self.throttle_waited + wait > budget.max_wait
                {
                    return None;
                }
                self.throttled += 1;
                self.throttle_waited += wait;
                Some(wait)
            }
            Failure::ResponseFailed | Failure::Final => None,
        }
    }
}

/// Runs `attempt` again, after the policy's wait, while it fails in a way the
/// policy retries.
pub async fn retrying<T, F, Fut>(
    policy: &RetryPolicy,
    read_only: bool,
    mut attempt: F,
) -> Result<T, CosmosError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CosmosError>>,
{
    let mut attempts = Attempts::new(policy, read_only);
    loop {
        match attempt().await {
            Err(err) => match attempts.next_wait(classify(&err), None) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return Err(err),
            },
            outcome => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            connect_waits: vec![Duration::ZERO, Duration::from_secs(1)],
            read_waits: vec![Duration::from_millis(5)],
            retry_writes: false,
            throttle: ThrottleRetry {
                fixed_interval: Some(Duration::from_secs(2)),
                max_count: 9,
                max_wait: Duration::from_secs(5),
            },
        }
    }

    #[test]
    fn connection_waits_run_out() {
        let policy = policy();
        let mut attempts = Attempts::new(&policy, false);
        assert_eq!(
            attempts.next_wait(Failure::NeverSent, None),
            Some(Duration::ZERO)
        );
        assert_eq!(
            attempts.next_wait(Failure::NeverSent, None),
            Some(Duration::from_secs(1))
        );
        assert_eq!(attempts.next_wait(Failure::NeverSent, None), None);
    }

    #[test]
    fn only_reads_are_retried_after_a_failed_response() {
        let policy = policy();
        assert_eq!(
            Attempts::new(&policy, false).next_wait(Failure::ResponseFailed, None),
            None
        );
        let mut read = Attempts::new(&policy, true);
        assert_eq!(
            read.next_wait(Failure::ResponseFailed, None),
            Some(Duration::from_millis(5))
        );
        assert_eq!(read.next_wait(Failure::ResponseFailed, None), None);
    }

    #[test]
    fn fixed_throttle_waits_stop_at_the_wait_budget() {
        let policy = policy();
        let mut attempts = Attempts::new(&policy, true);
        assert_eq!(
            attempts.next_wait(Failure::Throttled, None),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            attempts.next_wait(Failure::Throttled, None),
            Some(Duration::from_secs(2))
        );
        // A third wait would exceed the 5 s budget.
        assert_eq!(attempts.next_wait(Failure::Throttled, None), None);
        assert_eq!(attempts.next_wait(Failure::Final, None), None);
    }

    #[test]
    fn without_a_fixed_interval_throttling_is_the_drivers() {
        let policy = RetryPolicy::default();
        assert_eq!(
            Attempts::new(&policy, true).next_wait(Failure::Throttled, None),
            None
        );
    }

    #[test]
    fn the_service_hint_is_waited_within_the_budget() {
        let policy = RetryPolicy {
            throttle: ThrottleRetry {
                fixed_interval: None,
                max_count: 2,
                max_wait: Duration::from_secs(30),
            },
            ..RetryPolicy::default()
        };
        let mut attempts = Attempts::new(&policy, false);
        let hint = Some(Duration::from_millis(100));
        assert_eq!(attempts.next_wait(Failure::Throttled, hint), hint);
        assert_eq!(attempts.next_wait(Failure::Throttled, hint), hint);
        assert_eq!(attempts.next_wait(Failure::Throttled, hint), None);
    }
}
