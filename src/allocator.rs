//! The engine's heap: mimalloc for everyday allocations, whole pages from the kernel for large buffers.
//!
//! Why not the system allocator: a point operation makes a few hundred small allocations, many of them
//! freed on another thread than the one that made them (a tokio worker allocates, the Python thread
//! drops the response). glibc pays for that in arena locking; mimalloc frees across threads without
//! locks. Measured on the canned server (release builds): a sequential point read from 446k to 391k
//! instructions, async reads at 16-64 in flight from about 0.13 to 0.08 ms of CPU each.
//!
//! Why large buffers bypass it: request and response bodies of 1-2 MB documents. glibc raises its mmap
//! threshold to the size of the first large block freed, after which such blocks stay in the heaps of
//! the worker threads that touched them; mimalloc also keeps freed segments for reuse. Either way the
//! process holds on to tens of megabytes after the last large document. A block of [`LARGE`] bytes or
//! more is mapped on its own and unmapped when freed, so memory returns to the system with the
//! document, and growing such a buffer is an `mremap` rather than a copy. Only on Linux; elsewhere
//! every allocation goes to mimalloc.
//!
//! mimalloc is built without transparent huge pages (`no_thp`): with them, the kernel backs its
//! segments with 2 MB pages and the resident size of an idle client grows by ten megabytes in steps.

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc;

/// Blocks from this size up are mapped directly (256 KiB: larger than any buffer of a point operation,
/// query page or batch the engine makes in everyday use, so only large documents take the path).
pub const LARGE: usize = 256 * 1024;

pub struct EngineAllocator;

#[cfg(target_os = "linux")]
mod pages {
    use std::ptr;

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if size > 0 {
            size as usize
        } else {
            4096
        }
    }

    pub fn rounded(size: usize) -> Option<usize> {
        let page = page_size();
        size.checked_add(page - 1)
            .map(|padded| padded & !(page - 1))
    }

    /// Whether a mapping (page aligned) can serve this alignment.
    pub fn aligns(align: usize) -> bool {
        align <= page_size()
    }

    pub unsafe fn map(size: usize) -> *mut u8 {
        let Some(length) = rounded(size) else {
            return ptr::null_mut();
        };
        let address = libc::mmap(
            ptr::null_mut(),
            length,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if address == libc::MAP_FAILED {
            ptr::null_mut()
        } else {
            address.cast()
        }
    }

    pub unsafe fn unmap(address: *mut u8, size: usize) {
        if let Some(length) = rounded(size) {
            libc::munmap(address.cast(), length);
        }
    }

    pub unsafe fn remap(address: *mut u8, old_size: usize, new_size: usize) -> *mut u8 {
        let (Some(old_length), Some(new_length)) = (rounded(old_size), rounded(new_size)) else {
            return ptr::null_mut();
        };
        if old_length == new_length {
            return address;
        }
        let moved = libc::mremap(address.cast(), old_length, new_length, libc::MREMAP_MAYMOVE);
        if moved == libc::MAP_FAILED {
            ptr::null_mut()
        } else {
            moved.cast()
        }
    }
}

#[cfg(target_os = "linux")]
#[inline]
fn is_large(layout: &Layout) -> bool {
    layout.size() >= LARGE && pages::aligns(layout.align())
}

#[cfg(not(target_os = "linux"))]
#[inline]
fn is_large(_layout: &Layout) -> bool {
    false
}

// SAFETY: every block is freed by the allocator that made it: the decision is a function of the layout,
// and `dealloc`/`realloc` receive the layout the block was allocated (or last reallocated) with.
unsafe impl GlobalAlloc for EngineAllocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(&layout) {
            return pages::map(layout.size());
        }
        MiMalloc.alloc(layout)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(&layout) {
            // Fresh anonymous pages are zero.
            return pages::map(layout.size());
        }
        MiMalloc.alloc_zeroed(layout)
    }

    #[inline]
    unsafe fn dealloc(&self, address: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if is_large(&layout) {
            return pages::unmap(address, layout.size());
        }
        MiMalloc.dealloc(address, layout)
    }

    #[inline]
    unsafe fn realloc(&self, address: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        match (is_large(&layout), is_large(&new_layout)) {
            (false, false) => MiMalloc.realloc(address, layout, new_size),
            #[cfg(target_os = "linux")]
            (true, true) => pages::remap(address, layout.size(), new_size),
            _ => {
                // Crossing the threshold: move the block between the two allocators.
                let moved = self.alloc(new_layout);
                if !moved.is_null() {
                    std::ptr::copy_nonoverlapping(address, moved, layout.size().min(new_size));
                    self.dealloc(address, layout);
                }
                moved
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LARGE;

    fn filled(size: usize, byte: u8) -> Vec<u8> {
        vec![byte; size]
    }

    #[test]
    fn buffers_keep_their_bytes_across_the_threshold() {
        // Grows from small to large (a move between allocators), within large (mremap), and shrinks back.
        let mut buffer = filled(LARGE / 2, 7);
        buffer.resize(LARGE * 3, 9);
        assert!(buffer[..LARGE / 2].iter().all(|&b| b == 7));
        assert!(buffer[LARGE / 2..].iter().all(|&b| b == 9));
        buffer.resize(LARGE * 9 + 5, 3);
        assert_eq!(buffer[LARGE * 3 - 1], 9);
        assert_eq!(buffer[LARGE * 9 + 4], 3);
        buffer.truncate(100);
        buffer.shrink_to_fit();
        assert_eq!(buffer, filled(100, 7));
    }

    #[test]
    fn large_zeroed_buffers_are_zero() {
        let zeroed = vec![0u8; LARGE * 2 + 1];
        assert!(zeroed.iter().all(|&b| b == 0));
        let mut reused = zeroed;
        reused.iter_mut().for_each(|b| *b = 1);
        drop(reused);
        assert!(vec![0u8; LARGE * 2 + 1].iter().all(|&b| b == 0));
    }

    #[test]
    fn a_large_block_freed_on_another_thread() {
        let buffer = filled(LARGE + 1, 5);
        let sum = std::thread::spawn(move || buffer.iter().map(|&b| b as usize).sum::<usize>())
            .join()
            .unwrap();
        assert_eq!(sum, (LARGE + 1) * 5);
    }

    #[test]
    fn over_aligned_large_layouts_still_allocate() {
        let layout = std::alloc::Layout::from_size_align(LARGE, 1 << 16).unwrap();
        // SAFETY: a non-zero layout; freed with the same layout.
        unsafe {
            let block = std::alloc::alloc(layout);
            assert!(!block.is_null());
            assert_eq!(block as usize % (1 << 16), 0);
            std::alloc::dealloc(block, layout);
        }
    }
}
