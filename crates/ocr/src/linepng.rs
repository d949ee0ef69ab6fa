//! Tesseract's line images, stored without compression.
//!
//! Tesseract 5.0 (Debian's `libtesseract.so.5.0.3`) keeps every text line it hands to the LSTM
//! recogniser as a PNG in memory: `ImageData::SetPix` encodes the line with Leptonica's
//! `pixWriteMem(…, IFF_PNG)` and `GetPix` decodes it again a moment later. The PNG is deflated at
//! zlib's default level, which made `libz` 3.6 % of the `tesseract` command's CPU time on the
//! real scans and 5.3 % of `vanban ingest`'s (`perf record`, then `perf report --sort dso`); the
//! bytes never leave the process. This module defines `png_set_compression_level`, the libpng
//! call Leptonica makes before each encoding, so that the dynamic linker binds Leptonica's call to
//! it rather than to libpng's (the `vanban` binary exports the symbol: see its `build.rs`); it calls
//! libpng's own function with level 0, stored blocks. The PNG stays valid, decoding is faster, and
//! `libz` fell to 0.8 % of the command's time in the same measurement (with an `LD_PRELOAD` shim
//! of the same function). Nothing else in vanban writes PNG through libpng.
//!
//! Where the symbol is not exported (a test binary, a library user), Leptonica keeps calling
//! libpng directly and nothing changes but the speed.

#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

/// libpng's `png_set_compression_level(png_structrp, int)`.
type SetLevel = unsafe extern "C" fn(*mut c_void, c_int);

/// libpng's own `png_set_compression_level`, found after this program in the lookup order.
fn libpng_set_level() -> Option<SetLevel> {
    static REAL: OnceLock<Option<SetLevel>> = OnceLock::new();
    *REAL.get_or_init(|| {
        // SAFETY: dlsym with a NUL-terminated name; RTLD_NEXT skips this definition.
        let p = unsafe { libc::dlsym(libc::RTLD_NEXT, c"png_set_compression_level".as_ptr()) };
        if p.is_null() {
            None
        } else {
            // SAFETY: the symbol is libpng's function of this signature (png.h, libpng 1.6).
            Some(unsafe { std::mem::transmute::<*mut c_void, SetLevel>(p) })
        }
    })
}

/// Leptonica's PNG encoder calls this before each line image is encoded: level 0 (stored).
///
/// # Safety
/// Called by Leptonica with a valid `png_structp`, as libpng's function is.
#[no_mangle]
pub unsafe extern "C" fn png_set_compression_level(png_ptr: *mut c_void, _level: c_int) {
    if let Some(real) = libpng_set_level() {
        // SAFETY: forwarding the caller's pointer to the function it meant to call.
        unsafe { real(png_ptr, 0) }
    }
}

/// The address of [`png_set_compression_level`], taken so that the linker keeps the function in
/// a binary that exports it.
pub fn keep() -> usize {
    png_set_compression_level as *const () as usize
}
