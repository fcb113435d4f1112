//! Merging the partial results that each partition-key range returns for the
//! rewritten query of a cross-partition aggregate, GROUP BY or DISTINCT, as the
//! service defines them (its query plan's `queryInfo`):
//!
//! * a VALUE aggregate range answers `[{"item": <partial>}]`; AVG's partial is
//!   `{"sum", "count"}`, MIN/MAX carry `item2: {"min"|"max", "count"}`;
//! * GROUP BY and other aggregates answer `{"groupByItems": [{"item": k}...],
//!   "payload": {...}}`, the payload holding each alias's partial or value;
//! * DISTINCT answers the projected values (with `orderByItems` when ordered).
//!
//! Undefined is `None` throughout. The value order is the service's: undefined,
//! null, booleans, numbers, strings, arrays, objects.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use pyo3::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateKind {
    Count,
    CountIf,
    Sum,
    Average,
    Min,
    Max,
    MakeList,
    MakeSet,
}

impl AggregateKind {
    /// The names the query plan uses (`Count`, `Average`, ...).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "Count" => Self::Count,
            "CountIf" => Self::CountIf,
            "Sum" => Self::Sum,
            "Average" => Self::Average,
            "Min" => Self::Min,
            "Max" => Self::Max,
            "MakeList" => Self::MakeList,
            "MakeSet" => Self::MakeSet,
            _ => return None,
        })
    }
}

fn type_rank(value: Option<&Value>) -> u8 {
    match value {
        None => 0,
        Some(Value::Null) => 1,
        Some(Value::Bool(_)) => 2,
        Some(Value::Number(_)) => 3,
        Some(Value::String(_)) => 4,
        Some(Value::Array(_)) => 5,
        Some(Value::Object(_)) => 6,
    }
}

/// The service's order of two values (undefined first).
pub fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let ranks = type_rank(a).cmp(&type_rank(b));
    if ranks != Ordering::Equal {
        return ranks;
    }
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(x), Some(y)) => canonical(x).cmp(&canonical(y)),
        _ => Ordering::Equal,
    }
}

/// A text that is equal for values the service deems equal: object properties
/// in any order, `1` and `1.0`.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                out.push_str(&(f as i64).to_string())
            }
            Some(f) => out.push_str(&format!("{f:e}")),
            None => out.push_str(&number.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A number as the service writes it: integral values without a fraction.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// One aggregate, combined over the ranges' partials.
#[derive(Clone, Debug)]
pub struct Accumulator {
    kind: AggregateKind,
    /// Set once a partial makes the whole result undefined (a non-number summed,
    /// an array or object in MIN/MAX).
    poisoned: bool,
    count: f64,
    sum_int: i64,
    sum_float: f64,
    floats: bool,
    extreme: Option<Value>,
    items: Vec<Value>,
    seen: HashSet<String>,
}

impl Accumulator {
    pub fn new(kind: AggregateKind) -> Self {
        Self {
            kind,
            poisoned: false,
            count: 0.0,
            sum_int: 0,
            sum_float: 0.0,
            floats: false,
            extreme: None,
            items: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add_number(&mut self, value: &Value) {
        match value {
            Value::Number(n) if n.is_i64() && !self.floats => {
                match self.sum_int.checked_add(n.as_i64().unwrap_or(0)) {
                    Some(total) => self.sum_int = total,
                    None => {
                        self.floats = true;
                        self.sum_float = self.sum_int as f64 + n.as_f64().unwrap_or(0.0);
                    }
                }
            }
            Value::Number(n) => {
                if !self.floats {
                    self.floats = true;
                    self.sum_float = self.sum_int as f64;
                }
                self.sum_float += n.as_f64().unwrap_or(0.0);
            }
            _ => self.poisoned = true,
        }
    }

    /// One range's partial: the `{"item": ..., "item2": ...}` object.
    pub fn add(&mut self, partial: &Value) {
        let item = partial.get("item");
        match self.kind {
            AggregateKind::Count | AggregateKind::CountIf => {
                self.count += item.and_then(Value::as_f64).unwrap_or(0.0);
            }
            AggregateKind::Sum => match item {
                Some(value) => self.add_number(value),
                None => self.poisoned = true,
            },
            AggregateKind::Average => {
                let count = item
                    .and_then(|i| i.get("count"))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                if count > 0.0 {
                    match item.and_then(|i| i.get("sum")) {
                        Some(sum) => self.add_number(sum),
                        None => self.poisoned = true,
                    }
                    self.count += count;
                }
            }
            AggregateKind::Min | AggregateKind::Max => {
                let maximum = self.kind == AggregateKind::Max;
                let (count, candidate) = match partial.get("item2") {
                    Some(detail) => (
                        detail.get("count").and_then(Value::as_f64).unwrap_or(0.0),
                        detail.get(if maximum { "max" } else { "min" }),
                    ),
                    None => (if item.is_some() { 1.0 } else { 0.0 }, item),
                };
                if count <= 0.0 {
                    return;
                }
                match candidate {
                    None => self.poisoned = true,
                    Some(value) => {
                        let better = match &self.extreme {
                            None => true,
                            Some(current) => {
                                let order = compare(Some(value), Some(current));
                                if maximum {
                                    order == Ordering::Greater
                                } else {
                                    order == Ordering::Less
                                }
                            }
                        };
                        if better {
                            self.extreme = Some(value.clone());
                        }
                    }
                }
            }
            AggregateKind::MakeList | AggregateKind::MakeSet => {
                if let Some(Value::Array(values)) = item {
                    for value in values {
                        if self.kind == AggregateKind::MakeSet
                            && !self.seen.insert(canonical(value))
                        {
                            continue;
                        }
                        self.items.push(value.clone());
                    }
                }
            }
        }
    }

    /// The result; `None` when undefined.
    pub fn finish(self) -> Option<Value> {
        if self.poisoned {
            return None;
        }
        let total = || {
            if self.floats {
                self.sum_float
            } else {
                self.sum_int as f64
            }
        };
        match self.kind {
            AggregateKind::Count | AggregateKind::CountIf => Some(number(self.count)),
            AggregateKind::Sum => Some(if self.floats {
                number(self.sum_float)
            } else {
                Value::from(self.sum_int)
            }),
            AggregateKind::Average => (self.count > 0.0).then(|| number(total() / self.count)),
            AggregateKind::Min | AggregateKind::Max => self.extreme,
            AggregateKind::MakeList | AggregateKind::MakeSet => Some(Value::Array(self.items)),
        }
    }
}

/// Rows as JSON texts, the form the pages are built from: rows passed through
/// keep the service's own text (property order included).
pub type Row = String;

fn text(value: &Value) -> Row {
    value.to_string()
}

/// A VALUE aggregate without GROUP BY: one row, or none when undefined.
pub fn merge_value_aggregate(kind: AggregateKind, documents: &[Value]) -> Vec<Row> {
    let mut accumulator = Accumulator::new(kind);
    for document in documents {
        // `[{"item": ...}]`: the partial is the array's one element.
        let partial = match document {
            Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        accumulator.add(&partial);
    }
    accumulator.finish().iter().map(text).collect()
}

/// GROUP BY, or aggregates outside SELECT VALUE, merged by group.
pub struct GroupedMerge {
    /// Alias -> the aggregate it holds (`None`: a plain grouped value).
    aliases: Vec<(String, Option<AggregateKind>)>,
    /// SELECT VALUE: the payload is the value (`[partial]` for an aggregate).
    value_aggregate: Option<Option<AggregateKind>>,
    order: Vec<String>,
    groups: HashMap<String, Group>,
}

struct Group {
    /// The group's `groupByItems`, for ordering the groups.
    key: Value,
    first_payload: Value,
    accumulators: Vec<Option<Accumulator>>,
    value: Option<Accumulator>,
}

impl GroupedMerge {
    /// `aliases`: the plan's `groupByAliases` with their aggregate kinds;
    /// `select_value`: `Some(kind)` for SELECT VALUE (kind `None` for a plain value).
    pub fn new(
        aliases: Vec<(String, Option<AggregateKind>)>,
        select_value: Option<Option<AggregateKind>>,
    ) -> Self {
        Self {
            aliases,
            value_aggregate: select_value,
            order: Vec::new(),
            groups: HashMap::new(),
        }
    }

    pub fn add(&mut self, document: &Value) {
        let group_key = document.get("groupByItems").cloned().unwrap_or(Value::Null);
        let key = canonical(&group_key);
        let payload = document.get("payload").cloned().unwrap_or(Value::Null);
        let group = match self.groups.get_mut(&key) {
            Some(group) => group,
            None => {
                self.order.push(key.clone());
                let accumulators = self
                    .aliases
                    .iter()
                    .map(|(_, kind)| kind.map(Accumulator::new))
                    .collect();
                let value = match self.value_aggregate {
                    Some(Some(kind)) => Some(Accumulator::new(kind)),
                    _ => None,
                };
                self.groups.entry(key).or_insert(Group {
                    key: group_key,
                    first_payload: payload.clone(),
                    accumulators,
                    value,
                })
            }
        };
        if let Some(accumulator) = group.value.as_mut() {
            let partial = match &payload {
                Value::Array(items) => items.first().cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            accumulator.add(&partial);
        }
        for ((alias, _), accumulator) in self.aliases.iter().zip(group.accumulators.iter_mut()) {
            if let Some(accumulator) = accumulator {
                accumulator.add(payload.get(alias).unwrap_or(&Value::Null));
            }
        }
    }

    /// The groups in the order of their keys, so that the same data gives the
    /// same rows in the same order whatever the partition layout (a resumed
    /// query skips rows by position); a row's properties in the order of the
    /// SELECT list, as the service writes them.
    pub fn finish(mut self) -> Vec<Row> {
        let mut rows = Vec::with_capacity(self.order.len());
        let mut keys = std::mem::take(&mut self.order);
        keys.sort_by(|a, b| {
            let (a, b) = (&self.groups[a].key, &self.groups[b].key);
            compare(Some(a), Some(b))
        });
        for key in keys {
            let group = self.groups.remove(&key).expect("every key has its group");
            match self.value_aggregate {
                Some(Some(_)) => {
                    if let Some(value) = group.value.and_then(Accumulator::finish) {
                        rows.push(text(&value));
                    }
                }
                Some(None) => rows.push(text(&group.first_payload)),
                None => {
                    let mut row = String::from("{");
                    for ((alias, _), accumulator) in
                        self.aliases.iter().zip(group.accumulators.into_iter())
                    {
                        let value = match accumulator {
                            Some(accumulator) => accumulator.finish(),
                            None => group.first_payload.get(alias).cloned(),
                        };
                        if let Some(value) = value {
                            if row.len() > 1 {
                                row.push(',');
                            }
                            row.push_str(&Value::String(alias.clone()).to_string());
                            row.push(':');
                            row.push_str(&text(&value));
                        }
                    }
                    row.push('}');
                    rows.push(row);
                }
            }
        }
        rows
    }
}

/// DISTINCT without ORDER BY: one of each equal value, in the service's value
/// order (the same rows in the same order whatever the partition layout, so
/// that a resumed query skips exactly what it handed out).
pub fn distinct_unordered(documents: Vec<Box<RawValue>>) -> PyResult<Vec<Row>> {
    let parsed = documents
        .into_iter()
        .map(|document| {
            let value: Value = serde_json::from_str(document.get()).map_err(invalid)?;
            Ok((value, document.get().to_owned()))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let mut rows = first_of_equal(parsed);
    rows.sort_by(|(a, _), (b, _)| compare(Some(a), Some(b)));
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// Equal values kept once (the first), in the order given.
fn first_of_equal(rows: Vec<(Value, Row)>) -> Vec<(Value, Row)> {
    let mut seen = HashSet::new();
    rows.into_iter()
        .filter(|(value, _)| seen.insert(canonical(value)))
        .collect()
}

/// Rows merged as texts (GROUP BY results), equal ones kept once.
pub fn distinct_rows(rows: Vec<Row>) -> PyResult<Vec<Row>> {
    let raw = rows
        .into_iter()
        .map(|row| RawValue::from_string(row).map_err(invalid))
        .collect::<PyResult<Vec<_>>>()?;
    distinct_unordered(raw)
}

#[derive(serde::Deserialize)]
struct OrderedRow {
    #[serde(rename = "orderByItems", default)]
    order_by_items: Vec<Value>,
    /// `None` only when absent (undefined): a `null` payload is a row.
    #[serde(default, deserialize_with = "present")]
    payload: Option<Box<RawValue>>,
}

fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Box<RawValue>>, D::Error> {
    <Box<RawValue> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// The ranges' `{"orderByItems", "payload"}` rows sorted by their keys
/// (`descending` per key), as `(payload value, payload text)`. Rows with equal
/// keys are ordered by their payload, so that the order does not depend on the
/// partition layout (a resumed query replays the same sequence).
fn sorted_by_keys(
    documents: Vec<Box<RawValue>>,
    descending: &[bool],
) -> PyResult<Vec<(Value, Row)>> {
    let mut rows: Vec<(Vec<Option<Value>>, Value, Box<RawValue>)> = Vec::new();
    for document in documents {
        let row: OrderedRow = serde_json::from_str(document.get()).map_err(invalid)?;
        let Some(payload) = row.payload else { continue };
        let keys = row
            .order_by_items
            .into_iter()
            .map(|mut item| item.get_mut("item").map(Value::take))
            .collect();
        let value = serde_json::from_str(payload.get()).expect("a RawValue holds valid JSON");
        rows.push((keys, value, payload));
    }
    rows.sort_by(|(a, pa, _), (b, pb, _)| {
        for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
            let order = compare(x.as_ref(), y.as_ref());
            let order = if descending.get(i).copied().unwrap_or(false) {
                order.reverse()
            } else {
                order
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        compare(Some(pa), Some(pb))
    });
    Ok(rows
        .into_iter()
        .map(|(_, value, payload)| (value, payload.get().to_owned()))
        .collect())
}

/// DISTINCT with ORDER BY: rows sorted by their keys, equal payloads kept once.
pub fn distinct_ordered(documents: Vec<Box<RawValue>>, descending: &[bool]) -> PyResult<Vec<Row>> {
    let rows = first_of_equal(sorted_by_keys(documents, descending)?);
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// ORDER BY the driver only buffers (non-streaming: `VectorDistance`, ...): the
/// ranges' rows sorted by their keys, every one kept.
pub fn ordered(documents: Vec<Box<RawValue>>, descending: &[bool]) -> PyResult<Vec<Row>> {
    let rows = sorted_by_keys(documents, descending)?;
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

fn invalid(error: serde_json::Error) -> PyErr {
    crate::errors::response_error(&format!(
        "a partition's answer is not the JSON expected: {error}"
    ))
}

/// OFFSET/LIMIT, then TOP, over the merged rows.
pub fn window<T>(
    rows: Vec<T>,
    offset: Option<u64>,
    limit: Option<u64>,
    top: Option<u64>,
) -> Vec<T> {
    let skip = offset.unwrap_or(0) as usize;
    let take = limit
        .map(|l| l as usize)
        .unwrap_or(usize::MAX)
        .min(top.map(|t| t as usize).unwrap_or(usize::MAX));
    rows.into_iter().skip(skip).take(take).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_aggregates_combine_partials() {
        let count = [json!([{"item": 2}]), json!([{"item": 3}])];
        assert_eq!(
            merge_value_aggregate(AggregateKind::Count, &count),
            vec!["5"]
        );
        let avg = [
            json!([{"item": {"sum": 6, "count": 3}}]),
            json!([{"item": {"sum": 4, "count": 1}}]),
            json!([{"item": {"sum": 0, "count": 0}}]),
        ];
        assert_eq!(
            merge_value_aggregate(AggregateKind::Average, &avg),
            vec!["2.5"]
        );
        let sums = [json!([{"item": 1.5}]), json!([{"item": 1.5}])];
        assert_eq!(merge_value_aggregate(AggregateKind::Sum, &sums), vec!["3"]);
        // A range with a non-number makes SUM undefined: no row.
        let poisoned = [json!([{"item": 1}]), json!([{}])];
        assert!(merge_value_aggregate(AggregateKind::Sum, &poisoned).is_empty());
    }

    #[test]
    fn min_and_max_follow_the_type_order_and_skip_empty_ranges() {
        let partials = [
            json!([{"item2": {"min": null, "count": 0}}]),
            json!([{"item": 3, "item2": {"min": 3, "count": 2}}]),
            json!([{"item": "a", "item2": {"min": "a", "count": 1}}]),
        ];
        assert_eq!(
            merge_value_aggregate(AggregateKind::Min, &partials),
            vec!["3"]
        );
        let maxima = [
            json!([{"item": 3, "item2": {"max": 3, "count": 2}}]),
            json!([{"item": "a", "item2": {"max": "a", "count": 1}}]),
        ];
        assert_eq!(
            merge_value_aggregate(AggregateKind::Max, &maxima),
            vec!["\"a\""]
        );
        let none = [json!([{"item2": {"max": null, "count": 0}}])];
        assert!(merge_value_aggregate(AggregateKind::Max, &none).is_empty());
        // An object took part in a range: undefined.
        let objects = [json!([{"item2": {"count": 2}}])];
        assert!(merge_value_aggregate(AggregateKind::Max, &objects).is_empty());
    }

    #[test]
    fn groups_merge_by_key_with_their_aggregates() {
        let mut merge = GroupedMerge::new(
            vec![
                ("k".into(), None),
                ("n".into(), Some(AggregateKind::Count)),
                ("m".into(), Some(AggregateKind::Max)),
            ],
            None,
        );
        merge.add(&json!({"groupByItems": [{"item": "a"}], "payload": {"k": "a", "n": {"item": 2}, "m": {"item": 5, "item2": {"max": 5, "count": 2}}}}));
        merge.add(&json!({"groupByItems": [{"item": "b"}], "payload": {"k": "b", "n": {"item": 1}, "m": {"item2": {"max": null, "count": 0}}}}));
        merge.add(&json!({"groupByItems": [{"item": "a"}], "payload": {"k": "a", "n": {"item": 3}, "m": {"item": 9, "item2": {"max": 9, "count": 1}}}}));
        // In SELECT-list order, as the service writes rows.
        assert_eq!(
            merge.finish(),
            vec![r#"{"k":"a","n":5,"m":9}"#, r#"{"k":"b","n":1}"#]
        );
    }

    #[test]
    fn select_value_groups() {
        let mut merge = GroupedMerge::new(Vec::new(), Some(Some(AggregateKind::Sum)));
        merge.add(&json!({"groupByItems": [{"item": 1}], "payload": [{"item": 2}]}));
        merge.add(&json!({"groupByItems": [{"item": 1.0}], "payload": [{"item": 3}]}));
        assert_eq!(merge.finish(), vec!["5"]);
        let mut plain = GroupedMerge::new(Vec::new(), Some(None));
        plain.add(&json!({"groupByItems": [{"item": "x"}], "payload": "x"}));
        plain.add(&json!({"groupByItems": [{"item": "x"}], "payload": "x"}));
        assert_eq!(plain.finish(), vec!["\"x\""]);
    }

    fn raw(texts: &[&str]) -> Vec<Box<RawValue>> {
        texts
            .iter()
            .map(|t| RawValue::from_string((*t).to_owned()).unwrap())
            .collect()
    }

    #[test]
    fn distinct_keeps_one_of_equal_values_in_their_own_text() {
        let rows = raw(&[
            r#"{"b": 2, "a": 1}"#,
            r#"{"a": 1.0, "b": 2}"#,
            "1",
            r#""1""#,
        ]);
        // In the service's value order: numbers, strings, objects; each row in its own text.
        assert_eq!(
            distinct_unordered(rows).unwrap(),
            vec!["1", r#""1""#, r#"{"b": 2, "a": 1}"#]
        );
        let ordered = raw(&[
            r#"{"orderByItems": [{"item": 2}], "payload": 2}"#,
            r#"{"orderByItems": [{"item": 1}], "payload": 1}"#,
            r#"{"orderByItems": [{"item": 2}], "payload": 2}"#,
            r#"{"orderByItems": [{}], "payload": null}"#,
        ]);
        let ascending: Vec<Row> = distinct_ordered(ordered, &[false]).unwrap();
        assert_eq!(ascending, vec!["null", "1", "2"]);
        let descending = raw(&[
            r#"{"orderByItems": [{"item": 1}], "payload": 1}"#,
            r#"{"orderByItems": [{"item": 2}], "payload": 2}"#,
        ]);
        assert_eq!(
            distinct_ordered(descending, &[true]).unwrap(),
            vec!["2", "1"]
        );
    }

    #[test]
    fn windows_apply_offset_limit_and_top() {
        let rows: Vec<u32> = (0..10).collect();
        assert_eq!(window(rows.clone(), Some(2), Some(3), None), vec![2, 3, 4]);
        assert_eq!(window(rows.clone(), None, None, Some(2)), vec![0, 1]);
        assert_eq!(window(rows, None, None, None).len(), 10);
    }
}
