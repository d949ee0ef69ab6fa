//! vanban-extract (being written).
