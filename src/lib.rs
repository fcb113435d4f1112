use pyo3::prelude::*;

#[pymodule]
fn _rust(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
