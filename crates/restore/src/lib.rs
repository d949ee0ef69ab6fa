//! vanban-restore (being written).
