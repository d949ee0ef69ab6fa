//! vanban-review (being written).
