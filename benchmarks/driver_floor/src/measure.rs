//! The measuring loops of `perf_workloads.py` (`measure_sync`, `measure_async`), in Rust: the same
//! warm-ups, limits, indices and figures, so the floor's numbers read like the Python clients'.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde_json::{json, Value};

/// One operation of a workload: the `i`-th call (indices pick ids as the Python workloads do).
pub type Operation = Arc<dyn Fn(usize) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Warm-up calls of a point workload (`WARMUP_OPS` in `perf_workloads.py`).
pub const WARMUP_OPS: usize = 20;

/// User + system CPU of this process so far (every thread: the tokio workers too).
pub fn process_cpu() -> Duration {
    // SAFETY: getrusage writes the struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The highest [`high_water_mb`] reading so far, in MB (as `f64` bits).
static HIGHEST_SEEN_MB: AtomicU64 = AtomicU64::new(0);

/// `VmHWM` of `/proc/self/status`, in MB (NaN where there is no such file).
///
/// The kernel answers max(its recorded mark, the RSS now) but records the mark only on some events
/// (unmaps, exit), so a later reading can be lower than an earlier one: the highest is kept as well.
fn high_water_mb() -> f64 {
    let reading = read_high_water_mb();
    if reading.is_finite() {
        let _ = HIGHEST_SEEN_MB.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |seen| {
            (reading > f64::from_bits(seen)).then_some(reading.to_bits())
        });
    }
    reading
}

fn read_high_water_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map(|kb| kb * 1024.0 / 1e6)
        .unwrap_or(f64::NAN)
}

/// Lets the next workload's peak be read on its own, as `_restart_high_water` of `perf_workloads.py`
/// does: `5` in `clear_refs` resets VmHWM to the current RSS (Linux).
fn restart_high_water() {
    high_water_mb();
    // Not Linux or not allowed: the workload's peak is then the process's so far.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak RSS in MB, across the resets of [`restart_high_water`].
pub fn peak_rss_mb() -> f64 {
    let now = high_water_mb();
    f64::from_bits(HIGHEST_SEEN_MB.load(Ordering::Relaxed)).max(now)
}

/// The value at `fraction` of sorted values, picked as `_percentile` does.
fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((fraction * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

/// JSON has no NaN: a figure that could not be computed is `null`.
fn number(value: f64) -> Value {
    if value.is_finite() {
        json!(value)
    } else {
        Value::Null
    }
}

fn rates(done: usize, wall: Duration, cpu: Duration, latencies: &mut [f64]) -> Value {
    let wall = wall.as_secs_f64();
    let mut result = json!({
        "ops": done,
        "seconds": wall,
        "ops_per_s": if wall > 0.0 { done as f64 / wall } else { 0.0 },
        "cpu_ms_per_op": number(if done > 0 { 1000.0 * cpu.as_secs_f64() / done as f64 } else { f64::NAN }),
        // Since the workload's warm-up began.
        "peak_rss_mb": number(high_water_mb()),
    });
    if !latencies.is_empty() {
        latencies.sort_by(f64::total_cmp);
        result["p50_ms"] = number(1000.0 * percentile(latencies, 0.50));
        result["p99_ms"] = number(1000.0 * percentile(latencies, 0.99));
    }
    result
}

/// One call after another on this task, each timed: ops/s, CPU per op, p50/p99.
pub async fn measure_sequential(
    operation: &Operation,
    max_ops: usize,
    seconds: f64,
    warmup: usize,
) -> Result<Value, String> {
    restart_high_water();
    for i in 0..warmup {
        operation(i).await?;
    }
    let mut latencies = Vec::with_capacity(max_ops.min(1 << 20));
    let (wall_start, cpu_start) = (Instant::now(), process_cpu());
    let deadline = wall_start + Duration::from_secs_f64(seconds);
    let mut done = 0;
    while done < max_ops {
        let started = Instant::now();
        if started >= deadline {
            break;
        }
        // After the warm-up's indices: a create never repeats an id.
        operation(warmup + done).await?;
        latencies.push(started.elapsed().as_secs_f64());
        done += 1;
    }
    Ok(rates(
        done,
        wall_start.elapsed(),
        process_cpu() - cpu_start,
        &mut latencies,
    ))
}

/// `in_flight` tasks on the runtime, each calling the next index until `max_ops` were started or
/// the time is up: throughput and CPU per op.
pub async fn measure_concurrent(
    operation: &Operation,
    max_ops: usize,
    seconds: f64,
    in_flight: usize,
) -> Result<Value, String> {
    restart_high_water();
    // The warm-up opens as many connections as the measurement will use.
    let warmup: Vec<_> = (0..WARMUP_OPS.max(in_flight))
        .map(|i| operation(i))
        .collect();
    for outcome in futures::future::join_all(warmup).await {
        outcome?;
    }
    let started = Arc::new(AtomicUsize::new(0));
    let (wall_start, cpu_start) = (Instant::now(), process_cpu());
    let deadline = wall_start + Duration::from_secs_f64(seconds);
    let lanes: Vec<_> = (0..in_flight)
        .map(|_| {
            let (operation, started) = (operation.clone(), started.clone());
            tokio::spawn(async move {
                let mut mine = 0usize;
                while Instant::now() < deadline {
                    let index = started.fetch_add(1, Ordering::Relaxed);
                    if index >= max_ops {
                        break;
                    }
                    operation(index).await?;
                    mine += 1;
                }
                Ok::<usize, String>(mine)
            })
        })
        .collect();
    let mut done = 0;
    for lane in lanes {
        done += lane.await.map_err(|e| format!("a lane panicked: {e}"))??;
    }
    Ok(rates(
        done,
        wall_start.elapsed(),
        process_cpu() - cpu_start,
        &mut [],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_picks_as_the_python_workloads_do() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.50), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&values[..1], 0.99), 0.0);
        assert!(percentile(&[], 0.5).is_nan());
    }
}
