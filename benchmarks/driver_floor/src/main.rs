//! The bare-driver floor of `benchmarks/compare_performance.py`: its workloads driven by
//! `azure_data_cosmos_driver` from Rust, without Python, against the same server.
//!
//!     driver_floor --endpoint URL --key KEY --database DB --container C --ops N --seconds S
//!         --big-ops N --in-flight 1,16,64,256 [--only read,upsert]
//!
//! Prints progress on stderr and, as its last stdout line, the JSON of `perf_workloads.py run`:
//! `{"version": .., "workloads": {name: {"ops_per_s", "cpu_ms_per_op", "p50_ms", "p99_ms", ..}}}`.

mod measure;
mod workloads;

use serde_json::{json, Map, Value};

use measure::{measure_concurrent, measure_sequential, peak_rss_mb, WARMUP_OPS};
use workloads::{concurrent_operations, connect, sequential_operations, Target};

/// The cross-partition workloads of the Python side, which the floor does not drive.
const NOT_DRIVEN: [&str; 4] = ["xp COUNT", "xp ORDER BY", "xp GROUP BY", "xp GROUP BY seq"];

struct Args {
    endpoint: String,
    key: String,
    database: String,
    container: String,
    ops: usize,
    seconds: f64,
    big_ops: usize,
    in_flight: Vec<usize>,
    /// Workload names to run (`--only read,upsert`), for profiling one of them; empty: all.
    only: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut values = std::collections::HashMap::new();
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let name = flag
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {flag:?}"))?;
        let value = argv.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(name.to_owned(), value);
    }
    let mut take = |name: &str, default: Option<&str>| -> Result<String, String> {
        values
            .remove(name)
            .or_else(|| default.map(str::to_owned))
            .ok_or_else(|| format!("--{name} is required"))
    };
    let number = |name: &str, text: String| -> Result<f64, String> {
        text.parse::<f64>()
            .map_err(|_| format!("--{name} must be a number, got {text:?}"))
    };
    let args = Args {
        endpoint: take("endpoint", None)?,
        key: take("key", None)?,
        database: take("database", None)?,
        container: take("container", None)?,
        ops: number("ops", take("ops", Some("2000"))?)? as usize,
        seconds: number("seconds", take("seconds", Some("10"))?)?,
        big_ops: number("big-ops", take("big-ops", Some("100"))?)? as usize,
        in_flight: take("in-flight", Some("1,16,64,256"))?
            .split(',')
            .filter(|n| !n.trim().is_empty())
            .map(|n| {
                n.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("--in-flight: {n:?} is not a count"))
            })
            .collect::<Result<_, _>>()?,
        only: take("only", Some(""))?
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(unknown) = values.keys().next() {
        return Err(format!("unknown option --{unknown}"));
    }
    Ok(args)
}

async fn run(args: Args) -> Result<Value, String> {
    let driver = connect(&args.endpoint, &args.key).await?;
    let target = Target::resolve(driver, &args.database, &args.container).await?;
    let mut workloads = Map::new();
    for name in NOT_DRIVEN {
        workloads.insert(
            name.to_owned(),
            json!({"unsupported": "not driven by the bare-driver floor"}),
        );
    }
    let per_drain = (args.ops / 100).max(1);
    let tag = format!(
        "floor-{:x}",
        std::process::id()
            ^ std::time::UNIX_EPOCH
                .elapsed()
                .unwrap_or_default()
                .subsec_nanos()
    );
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|only| only == name);
    for (name, operation) in sequential_operations(&target, &tag) {
        if !wanted(&name) {
            continue;
        }
        eprintln!("driver floor: {name}");
        let (limit, warmup) = match name.as_str() {
            "query 1k" | "read-many 100" => (per_drain, 2),
            big if big.ends_with("MB") => (args.big_ops, 2),
            _ => (args.ops, WARMUP_OPS),
        };
        let result = measure_sequential(&operation, limit, args.seconds, warmup).await;
        workloads.insert(name.clone(), result.map_err(|e| format!("{name}: {e}"))?);
    }
    for (kind, operation) in concurrent_operations(&target) {
        for &in_flight in &args.in_flight {
            let name = format!("async {kind} x{in_flight}");
            if !wanted(&name) {
                continue;
            }
            eprintln!("driver floor: {name}");
            let result = measure_concurrent(&operation, args.ops, args.seconds, in_flight).await;
            workloads.insert(name.clone(), result.map_err(|e| format!("{name}: {e}"))?);
        }
    }
    Ok(json!({
        "version": env!("DRIVER_VERSION"),
        "client": "azure_data_cosmos_driver (Rust, no Python)",
        "workloads": workloads,
        "peak_rss_mb": peak_rss_mb(),
    }))
}

fn main() {
    let outcome = parse_args().and_then(|args| {
        // A multi-thread runtime with the workers our engine starts (src/runtime.rs): all
        // cores but one, at least one; TOKIO_WORKER_THREADS, when set, left to tokio.
        // Measured here, one worker on 2 cores also cost the bare driver less CPU per
        // sequential read than two (about 0.17 against 0.22 ms), so the floor stays a floor.
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.enable_all();
        if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
            let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
            builder.worker_threads(cores.saturating_sub(1).max(1));
        }
        let runtime = builder
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        runtime.block_on(run(args))
    });
    match outcome {
        Ok(report) => println!("{report}"),
        Err(message) => {
            eprintln!("driver floor failed: {message}");
            std::process::exit(1);
        }
    }
}
