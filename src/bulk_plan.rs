//! Bulk's bookkeeping, free of I/O: operations queued per physical partition,
//! cut into the service's batches (100 operations, one document's worth of
//! bytes), and the pace each partition is sent at (additive increase while it
//! answers, halved on a throttle, paused for the service's retry-after).

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use azure_data_cosmos_driver::models::effective_partition_key::EffectivePartitionKey;

/// The service's limits for one bulk (non-atomic batch) request.
pub const MAX_OPERATIONS_PER_BATCH: usize = 100;
/// A batch body is limited like one document (2 MB); room is kept for the array's
/// brackets and commas.
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024 - 4096;

/// One operation of the caller's input: its place in the input, where it routes,
/// and its body as the service's batch operation (with its `partitionKey`).
pub struct BulkItem {
    pub index: u64,
    pub epk: EffectivePartitionKey,
    pub body: Vec<u8>,
    /// Times it was sent again after a throttle (429) of its request or of itself.
    pub throttled: u32,
    /// Times a split (410) made it go to the partitions again.
    pub rerouted: u32,
}

/// How fast one partition is sent to: batches in flight at once.
#[derive(Debug, Clone)]
pub struct Pace {
    pub limit: usize,
    max: usize,
    paused_until: Option<Instant>,
}

impl Pace {
    /// One batch in flight to begin with, growing while the partition keeps up.
    pub fn new(max: usize) -> Self {
        Self {
            limit: 1,
            max: max.max(1),
            paused_until: None,
        }
    }

    pub fn answered(&mut self) {
        if self.limit < self.max {
            self.limit += 1;
        }
    }

    pub fn throttled(&mut self, now: Instant, retry_after: Duration) {
        self.limit = (self.limit / 2).max(1);
        let until = now + retry_after;
        self.paused_until = Some(self.paused_until.map_or(until, |old| old.max(until)));
    }

    pub fn paused_at(&self, now: Instant) -> Option<Instant> {
        self.paused_until.filter(|until| *until > now)
    }
}

/// A physical partition's pending operations and its batches in flight.
pub struct RangeQueue {
    pub id: String,
    pending: VecDeque<BulkItem>,
    /// Bytes of the pending operations' bodies.
    pending_bytes: usize,
    pub in_flight: usize,
    pub pace: Pace,
}

impl RangeQueue {
    pub fn new(id: String, max_in_flight: usize) -> Self {
        Self {
            id,
            pending: VecDeque::new(),
            pending_bytes: 0,
            in_flight: 0,
            pace: Pace::new(max_in_flight),
        }
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether a whole batch (100 operations or the byte limit) is waiting.
    pub fn has_full_batch(&self) -> bool {
        self.pending.len() >= MAX_OPERATIONS_PER_BATCH || self.pending_bytes >= MAX_BATCH_BYTES
    }

    pub fn push(&mut self, item: BulkItem) {
        self.pending_bytes += item.body.len();
        self.pending.push_back(item);
    }

    /// Puts back operations to be sent again, ahead of newer ones.
    pub fn push_front(&mut self, items: Vec<BulkItem>) {
        for item in items.into_iter().rev() {
            self.pending_bytes += item.body.len();
            self.pending.push_front(item);
        }
    }

    pub fn can_send(&self, now: Instant) -> bool {
        self.has_pending() && self.in_flight < self.pace.limit && self.pace.paused_at(now).is_none()
    }

    /// The next batch: in input order, at most 100 operations and the byte limit
    /// (an operation alone over it still goes, for the service to refuse).
    pub fn take_batch(&mut self) -> Vec<BulkItem> {
        let mut batch = Vec::new();
        let mut bytes = 2;
        while let Some(next) = self.pending.front() {
            let size = next.body.len() + 1;
            if batch.len() == MAX_OPERATIONS_PER_BATCH
                || (!batch.is_empty() && bytes + size > MAX_BATCH_BYTES)
            {
                break;
            }
            bytes += size;
            let item = self.pending.pop_front().expect("front was just seen");
            self.pending_bytes -= item.body.len();
            batch.push(item);
        }
        batch
    }

    pub fn drain(&mut self) -> Vec<BulkItem> {
        self.pending_bytes = 0;
        self.pending.drain(..).collect()
    }
}

/// The container's physical partitions, by the lower bound of their ranges.
pub struct Routing {
    /// `(min_inclusive, id)`, sorted; a range runs up to the next one's minimum.
    bounds: Vec<(EffectivePartitionKey, String)>,
    pub queues: BTreeMap<String, RangeQueue>,
}

impl Routing {
    pub fn new(mut ranges: Vec<(EffectivePartitionKey, String)>, max_in_flight: usize) -> Self {
        ranges.sort_by(|a, b| a.0.cmp(&b.0));
        let queues = ranges
            .iter()
            .map(|(_, id)| (id.clone(), RangeQueue::new(id.clone(), max_in_flight)))
            .collect();
        Self {
            bounds: ranges,
            queues,
        }
    }

    pub fn range_of(&self, epk: &EffectivePartitionKey) -> &str {
        let position = self.bounds.partition_point(|(min, _)| min <= epk);
        // The first range starts at the lowest key, so every key has one.
        &self.bounds[position.saturating_sub(1)].1
    }

    pub fn route(&mut self, item: BulkItem) {
        let id = self.range_of(&item.epk).to_owned();
        self.queues
            .get_mut(&id)
            .expect("every routed id has a queue")
            .push(item);
    }

    /// A new layout (after a split): every pending operation routed again; the
    /// batches still in flight keep being counted on the ranges that remain.
    pub fn relayout(&mut self, ranges: Vec<(EffectivePartitionKey, String)>, max_in_flight: usize) {
        let mut fresh = Routing::new(ranges, max_in_flight);
        let mut pending = Vec::new();
        for (id, mut queue) in std::mem::take(&mut self.queues) {
            pending.extend(queue.drain());
            if let Some(kept) = fresh.queues.get_mut(&id) {
                kept.in_flight = queue.in_flight;
                kept.pace = queue.pace;
            }
        }
        pending.sort_by_key(|item| item.index);
        for item in pending {
            fresh.route(item);
        }
        *self = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epk(hex: &str) -> EffectivePartitionKey {
        EffectivePartitionKey::try_from(hex).unwrap()
    }

    fn item(index: u64, key: &str, size: usize) -> BulkItem {
        BulkItem {
            index,
            epk: epk(key),
            body: vec![b'x'; size],
            throttled: 0,
            rerouted: 0,
        }
    }

    fn four_ranges() -> Vec<(EffectivePartitionKey, String)> {
        vec![
            (epk("80"), "2".into()),
            (epk(""), "0".into()),
            (epk("40"), "1".into()),
            (epk("C0"), "3".into()),
        ]
    }

    #[test]
    fn routes_by_lower_bound() {
        let routing = Routing::new(four_ranges(), 4);
        assert_eq!(routing.range_of(&epk("")), "0");
        assert_eq!(routing.range_of(&epk("3F")), "0");
        assert_eq!(routing.range_of(&epk("40")), "1");
        assert_eq!(routing.range_of(&epk("BFFF")), "2");
        assert_eq!(routing.range_of(&epk("FF")), "3");
    }

    #[test]
    fn batches_stop_at_the_operation_and_byte_limits() {
        let mut queue = RangeQueue::new("0".into(), 4);
        for index in 0..250 {
            queue.push(item(index, "10", 10));
        }
        assert_eq!(queue.take_batch().len(), 100);
        assert_eq!(queue.take_batch().len(), 100);
        assert_eq!(queue.take_batch().len(), 50);
        assert!(!queue.has_full_batch());
        for index in 0..100 {
            queue.push(item(index, "10", 10));
        }
        assert!(queue.has_full_batch());
        assert_eq!(queue.take_batch().len(), 100);
        assert!(!queue.has_full_batch() && !queue.has_pending());

        for index in 0..3 {
            queue.push(item(index, "10", 900 * 1024));
        }
        assert_eq!(queue.take_batch().len(), 2);
        assert_eq!(queue.take_batch().len(), 1);
        // Too big alone: still sent, once, for the service to answer 413.
        queue.push(item(9, "10", 3 * 1024 * 1024));
        assert_eq!(queue.take_batch().len(), 1);
        assert!(queue.take_batch().is_empty());
    }

    #[test]
    fn pace_grows_while_answered_and_halves_on_a_throttle() {
        let now = Instant::now();
        let mut pace = Pace::new(8);
        for _ in 0..20 {
            pace.answered();
        }
        assert_eq!(pace.limit, 8);
        pace.throttled(now, Duration::from_millis(100));
        assert_eq!(pace.limit, 4);
        assert!(pace.paused_at(now).is_some());
        assert!(pace.paused_at(now + Duration::from_millis(101)).is_none());
        pace.throttled(now, Duration::ZERO);
        pace.throttled(now, Duration::ZERO);
        pace.throttled(now, Duration::ZERO);
        assert_eq!(pace.limit, 1);
    }

    #[test]
    fn relayout_reroutes_pending_in_input_order_and_keeps_in_flight_counts() {
        let mut routing = Routing::new(vec![(epk(""), "0".into()), (epk("80"), "1".into())], 4);
        routing.route(item(2, "90", 1));
        routing.route(item(0, "10", 1));
        routing.route(item(1, "A0", 1));
        routing.queues.get_mut("1").unwrap().in_flight = 3;
        // Range 1 split into 2 and 3.
        routing.relayout(
            vec![
                (epk(""), "0".into()),
                (epk("80"), "2".into()),
                (epk("98"), "3".into()),
            ],
            4,
        );
        let order = |routing: &mut Routing, id: &str| -> Vec<u64> {
            routing
                .queues
                .get_mut(id)
                .unwrap()
                .drain()
                .iter()
                .map(|i| i.index)
                .collect()
        };
        assert_eq!(order(&mut routing, "0"), vec![0]);
        assert_eq!(order(&mut routing, "2"), vec![2]);
        assert_eq!(order(&mut routing, "3"), vec![1]);
        assert!(!routing.queues.contains_key("1"));
    }
}
