//! A write's JSON body, read where the facade left it: in its Python `bytes`.
//!
//! The driver takes a body as an owned `Vec<u8>` per operation, and each attempt
//! needs its own operation (a retry resends it). Holding the body in the operation
//! that every attempt clones kept two engine copies alive beside the Python one
//! (three 2 MB buffers for a 2 MB document before the driver's own); the body is
//! now copied once per attempt, from the Python object, into that attempt's operation.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// A `bytes` object kept alive for an awaitable, whose future outlives the call that
/// received it (a sync call borrows the slice instead: it returns before the object can go).
pub struct OwnedBody {
    _owner: Py<PyBytes>,
    data: *const u8,
    len: usize,
}

// SAFETY: `bytes` is immutable and its buffer lives inside the object, which `_owner`
// keeps alive for as long as this value exists, so the pointer stays valid and is only
// ever read; reading memory needs no GIL. Dropping `_owner` off the GIL is deferred by PyO3.
unsafe impl Send for OwnedBody {}
unsafe impl Sync for OwnedBody {}

impl OwnedBody {
    pub fn new(bytes: &Bound<'_, PyBytes>) -> Self {
        let data = bytes.as_bytes();
        Self {
            data: data.as_ptr(),
            len: data.len(),
            _owner: bytes.clone().unbind(),
        }
    }
}

impl AsRef<[u8]> for OwnedBody {
    fn as_ref(&self) -> &[u8] {
        // SAFETY: see the `Send` impl: the buffer is alive and immutable.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bytes_it_was_given_after_the_bound_reference_is_gone() {
        Python::initialize();
        let body = Python::attach(|py| OwnedBody::new(&PyBytes::new(py, b"{\"id\":\"a\"}")));
        let copied = std::thread::spawn(move || body.as_ref().to_vec())
            .join()
            .unwrap();
        assert_eq!(copied, b"{\"id\":\"a\"}");
    }
}
