//! Partition-key values from Python (`list` of components) to the engine's type.

use azure_data_cosmos_driver::models::{PartitionKey, PartitionKeyValue};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

use crate::errors::client_error;

/// One component: `str`, `int`, `float`, `bool`, `None` (JSON null) or `{}` (undefined).
fn component(value: &Bound<'_, PyAny>) -> PyResult<PartitionKeyValue> {
    if value.is_none() {
        return Ok(PartitionKeyValue::NULL);
    }
    // bool before int: Python's bool is an int subclass.
    if let Ok(flag) = value.cast::<PyBool>() {
        return Ok(PartitionKeyValue::from(flag.is_true()));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(PartitionKeyValue::from(text.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(PartitionKeyValue::from(number));
        }
        let number: f64 = value.extract()?;
        return PartitionKeyValue::try_from(number)
            .map_err(|_| client_error("partition key number is not finite"));
    }
    if value.is_instance_of::<PyFloat>() {
        let number: f64 = value.extract()?;
        return PartitionKeyValue::try_from(number)
            .map_err(|_| client_error("partition key number is not finite"));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        if dict.is_empty() {
            return Ok(PartitionKeyValue::UNDEFINED);
        }
    }
    Err(client_error(format!(
        "partition key components must be str, int, float, bool or None, got {}",
        value.get_type().name()?
    )))
}

pub fn from_python(value: &Bound<'_, PyAny>) -> PyResult<PartitionKey> {
    let list = value
        .cast::<PyList>()
        .map_err(|_| client_error("partition key must be passed to the engine as a list"))?;
    let components = list
        .iter()
        .map(|item| component(&item))
        .collect::<PyResult<Vec<_>>>()?;
    if components.is_empty() {
        return Ok(PartitionKey::from(PartitionKeyValue::UNDEFINED));
    }
    PartitionKey::try_from(components).map_err(crate::errors::cosmos_error_to_py)
}

/// The components as JSON values (`None` for undefined), for query filters.
pub fn json_components(value: &Bound<'_, PyAny>) -> PyResult<Vec<Option<serde_json::Value>>> {
    let list = value
        .cast::<PyList>()
        .map_err(|_| client_error("partition key must be passed to the engine as a list"))?;
    list.iter()
        .map(|item| {
            if item.is_none() {
                return Ok(Some(serde_json::Value::Null));
            }
            if let Ok(flag) = item.cast::<PyBool>() {
                return Ok(Some(serde_json::Value::Bool(flag.is_true())));
            }
            if let Ok(text) = item.cast::<PyString>() {
                return Ok(Some(serde_json::Value::String(text.to_cow()?.into_owned())));
            }
            if item.is_instance_of::<PyInt>() {
                if let Ok(number) = item.extract::<i64>() {
                    return Ok(Some(serde_json::Value::from(number)));
                }
            }
            if item.is_instance_of::<PyInt>() || item.is_instance_of::<PyFloat>() {
                let number: f64 = item.extract()?;
                return serde_json::Number::from_f64(number)
                    .map(|n| Some(serde_json::Value::Number(n)))
                    .ok_or_else(|| client_error("partition key number is not finite"));
            }
            if let Ok(dict) = item.cast::<PyDict>() {
                if dict.is_empty() {
                    return Ok(None);
                }
            }
            Err(client_error(format!(
                "partition key components must be str, int, float, bool or None, got {}",
                item.get_type().name()?
            )))
        })
        .collect()
}

/// The engine's key from JSON components (`None`: undefined), as [`json_components`] gives them.
pub fn from_json_components(components: &[Option<serde_json::Value>]) -> PyResult<PartitionKey> {
    let values = components
        .iter()
        .map(|component| match component {
            None => Ok(PartitionKeyValue::UNDEFINED),
            Some(serde_json::Value::Null) => Ok(PartitionKeyValue::NULL),
            Some(serde_json::Value::Bool(flag)) => Ok(PartitionKeyValue::from(*flag)),
            Some(serde_json::Value::String(text)) => Ok(PartitionKeyValue::from(text.clone())),
            Some(serde_json::Value::Number(number)) => match number.as_i64() {
                Some(integer) => Ok(PartitionKeyValue::from(integer)),
                None => PartitionKeyValue::try_from(number.as_f64().unwrap_or(f64::NAN))
                    .map_err(|_| client_error("partition key number is not finite")),
            },
            Some(other) => Err(client_error(format!(
                "not a partition key component: {other}"
            ))),
        })
        .collect::<PyResult<Vec<_>>>()?;
    if values.is_empty() {
        return Ok(PartitionKey::from(PartitionKeyValue::UNDEFINED));
    }
    PartitionKey::try_from(values).map_err(crate::errors::cosmos_error_to_py)
}
