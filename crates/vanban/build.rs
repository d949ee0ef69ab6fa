//! Exports `png_set_compression_level` from the `vanban` binary, so that the dynamic linker binds
//! Leptonica's calls to vanban's definition (`vanban_ocr::linepng`: Tesseract's in-memory line
//! images are stored rather than deflated) instead of libpng's.

fn main() {
    println!("cargo:rustc-link-arg-bins=-Wl,--export-dynamic-symbol=png_set_compression_level");
}
