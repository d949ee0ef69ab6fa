//! vanban-ocr (being written).
