//! vanban-pages (being written).
